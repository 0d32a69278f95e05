//! 材料与统计报送: a unit's page for what it owes besides daily material — the activity plan,
//! the special website and liaison before the week, the statistics table (附件2, drafts and the
//! final submission) and the summary report after it. Like the upload page it signs in with
//! the unit's token (kept in the tab, sent as a Bearer header) and drives the JSON API from
//! `static/report.js`; every check is the server's, shown next to its field.

use actix_web::HttpResponse;
use vocweek_domain::reporting::STATISTICS_COLUMNS;

use super::layout::unit_page;

const HEAD: &str = r#"<h1>材料与统计报送</h1>
<section id="signin">
  <form id="token-form">
    <p><label>单位上传令牌 <input id="token" type="password" autocomplete="off" size="40" required></label>
    <button type="submit">进入</button></p>
    <p class="error" id="token-error" role="alert"></p>
  </form>
</section>
<section id="report" hidden>
  <p><span id="unit-line"></span> · <a href="/upload">素材报送</a> <button type="button" id="sign-out">退出</button></p>
  <p id="deadlines" class="hint"></p>
  <p id="status" role="status"></p>
  <h2>活动周方案 <span id="plan-status"></span></h2>
  <p id="plan-current"></p>
  <form id="plan-form" data-purpose="plan"><input type="file" name="file" required accept=".docx,.pdf,.txt,.html,.htm,.md">
  <button type="submit">上传方案</button></form>
  <h2>专题网站与联络员</h2>
  <form id="registration-form">
    <p><label>专题网站地址 <span id="website-status"></span><br><input name="website_url" size="60" placeholder="https://"></label></p>
    <p><label>联络员姓名 <span id="liaison-status"></span><br><input name="name" size="20"></label>
    <label>手机号码<br><input name="mobile" size="16" inputmode="tel"></label>
    <label>电子邮箱<br><input name="email" size="30" inputmode="email"></label></p>
    <ul class="problems" data-for="registration"></ul>
    <p><button type="submit">保存</button></p>
  </form>
  <div id="after-week" hidden>
  <h2>情况统计表（附件2） <span id="statistics-status"></span></h2>
  <p class="hint">注：1.各市教育局只统计所辖中职学校活动情况数，辖区内市属高职院校及民办高职院校直接报送。
  2.在统计“参与活动的职业院校数”时，各市教育局只统计中职学校，高职院校默认1所。
  草稿可以不填全；正式提交时各项均为必填，教师数与学生数之和不能超过参与总人数。</p>
  <form id="statistics-form">
"#;

const TAIL: &str = r#"    <ul class="problems" data-for="statistics"></ul>
    <p><button type="submit" name="action" value="draft">保存草稿</button>
    <button type="submit" name="action" value="submit">正式提交</button>
    <button type="button" id="statistics-xlsx">下载本单位统计表（Excel）</button></p>
  </form>
  <h2>总结报告 <span id="summary-status"></span></h2>
  <p id="summary-current"></p>
  <form id="summary-form" data-purpose="summary_report"><input type="file" name="file" required accept=".docx,.pdf,.txt,.html,.htm,.md">
  <button type="submit">上传总结报告</button></form>
  </div>
</section>
<script src="/static/report.js"></script>"#;

/// The statistics inputs, one per column of the seed's table, named as the API's fields.
fn statistics_inputs() -> String {
    STATISTICS_COLUMNS
        .iter()
        .map(|(field, heading)| {
            let input = match *field {
                "activity_forms" | "media_coverage" => {
                    format!("<textarea name=\"{field}\" rows=\"2\" cols=\"60\"></textarea>")
                }
                "student_coverage_percent" => format!(
                    "<input name=\"{field}\" size=\"8\" inputmode=\"decimal\"> %"
                ),
                _ => format!("<input name=\"{field}\" size=\"10\" inputmode=\"numeric\">"),
            };
            format!(
                "    <p><label>{heading}<br>{input}</label> <span class=\"error\" data-problem=\"{field}\"></span></p>\n"
            )
        })
        .collect()
}

pub async fn show() -> HttpResponse {
    let body = format!("{HEAD}{}{TAIL}", statistics_inputs());
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(unit_page("材料与统计报送", &body))
}

//! 素材报送: the colleges' and bureaus' upload page. The unit signs in with its upload token,
//! which stays in the tab (sessionStorage) and goes as a Bearer header: no cookie, so no CSRF
//! surface. Files go through tus (tus-js-client from npm) and resume on their own after a
//! network drop; the page lists today's submissions with their state and the editor's note.

use actix_web::HttpResponse;

use super::layout::unit_page;

const BODY: &str = r#"<h1>素材报送</h1>
<section id="signin">
  <form id="token-form">
    <p><label>单位上传令牌 <input id="token" type="password" autocomplete="off" size="40" required></label>
    <button type="submit">进入</button></p>
    <p class="hint">令牌由省职教活动周办公室发放，以 vwu_ 开头。</p>
    <p class="error" id="token-error" role="alert"></p>
  </form>
</section>
<section id="uploader" hidden>
  <p><span id="unit-line"></span> · <a href="/report">材料与统计报送</a> <button type="button" id="sign-out">退出</button></p>
  <form id="upload-form">
    <p><label>文件（可多选） <input type="file" id="files" multiple required></label></p>
    <p><label>标题 <input id="title" size="40" maxlength="200" placeholder="留空则使用文件名"></label></p>
    <p><label>说明 <input id="description" size="60"></label></p>
    <p><label>城市 <select id="city"><option value="">本单位所在城市</option></select></label>
    <label>活动类别 <select id="category"><option value="">（不选）</option></select></label>
    <label>具体活动 <select id="subcategory"><option value="">（不选）</option></select></label></p>
    <fieldset id="themes"><legend>主题</legend></fieldset>
    <p><label>活动日期 <input type="date" id="activity_date"></label></p>
    <p><button type="submit" id="start">开始上传</button></p>
  </form>
  <h2>上传进度</h2>
  <p class="hint">网络中断后会自动续传；关闭页面后重新选择同一文件，也会从中断处继续。</p>
  <ul id="transfers"></ul>
  <h2>今日报送</h2>
  <table id="today"><thead><tr><th>标题</th><th>类型</th><th>状态</th><th>编辑意见</th><th>上传时间</th></tr></thead>
  <tbody></tbody></table>
</section>
<script src="/static/tus.min.js"></script>
<script src="/static/upload.js"></script>"#;

pub async fn show() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(unit_page("素材报送", BODY))
}

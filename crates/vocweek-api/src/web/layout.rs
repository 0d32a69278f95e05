//! Page shell and escaping. Every value from a user or the database goes through `escape`.

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Shanghai;

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// A time as the province reads it.
pub fn beijing(at: DateTime<Utc>) -> String {
    at.with_timezone(&Shanghai)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub fn state_zh(state: &str) -> &'static str {
    match state {
        "processing" => "处理中",
        "pending_review" => "待审核",
        "approved" => "已通过",
        "rejected" => "未通过",
        "returned" => "已退回",
        "recommended" => "已推荐",
        "failed" => "处理失败",
        _ => "未知",
    }
}

pub fn kind_zh(kind: &str) -> &'static str {
    match kind {
        "photo" => "照片",
        "video" => "视频",
        "article" => "稿件",
        _ => "其他",
    }
}

/// The page: `title` and `body` (already escaped HTML). With a `csrf` token the page gets the
/// keyboard script, its help and a status line.
pub fn page(title: &str, body: &str) -> String {
    page_with(title, body, None)
}

/// A page of the units' side (素材报送): its own header, nothing of the editors' queue.
pub fn unit_page(title: &str, body: &str) -> String {
    document(
        title,
        body,
        "",
        "<a href=\"/upload\">职业教育活动周 · 素材报送</a>",
    )
}

pub fn page_with(title: &str, body: &str, csrf: Option<&str>) -> String {
    let (meta, script) = match csrf {
        Some(token) => (
            format!("<meta name=\"csrf\" content=\"{}\">", escape(token)),
            format!(
                "<p id=\"status\" role=\"status\"></p>{HELP}<script src=\"/static/queue.js\" defer></script>"
            ),
        ),
        None => (String::new(), String::new()),
    };
    // A page with a CSRF token is a signed-in staff member's: it offers 修改密码.
    let header = match csrf {
        Some(_) => STAFF_HEADER,
        None => "<a href=\"/queue\">职业教育活动周 · 素材审核</a>",
    };
    document(title, &format!("{body}{script}"), &meta, header)
}

const STAFF_HEADER: &str = "<a href=\"/queue\">职业教育活动周 · 素材审核</a> · \
<a id=\"change-password\" href=\"/account/password\">修改密码</a>";

/// The HTML document around a page: `head_extra` and `header` are markup of ours, `title` text.
/// The style sheet is a file (`/static/site.css`), never a `<style>` block or a `style=`
/// attribute: the pages' Content-Security-Policy allows styles from this site's files only.
fn document(title: &str, body: &str, head_extra: &str, header: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">{head_extra}\
         <title>{} · 职业教育活动周</title><link rel=\"stylesheet\" href=\"/static/site.css\"></head>\
         <body><header>{header}</header><main>{body}</main></body></html>",
        escape(title)
    )
}

const HELP: &str = "<div id=\"help\" hidden><h2>快捷键</h2><ul><li>j / k：下一项 / 上一项</li>\
<li>Enter：打开</li><li>a：通过</li><li>r：不通过（填写原因）</li><li>s：推荐</li><li>?：显示或隐藏本帮助</li></ul></div>";

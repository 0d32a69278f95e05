//! Reading the queue's HTML forms: as ordered pairs, because checkboxes (`ids`, `themes`) and
//! buttons (`action`) repeat a name.

pub fn form_pairs(body: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str(body).unwrap_or_default()
}

/// The first value of `name`, trimmed.
pub fn field(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_owned())
}

/// Whether the checkbox `name` was ticked: a ticked box sends its value (`true` in our forms,
/// `on` when it names none), an unticked one sends nothing.
pub fn ticked(pairs: &[(String, String)], name: &str) -> bool {
    matches!(field(pairs, name).as_deref(), Some("true" | "on"))
}

/// The answer to a form whose CSRF token is missing or from another session: most often a page
/// left open across a sign-out, so the editor is told to reload rather than shown an error code.
pub fn stale_form() -> actix_web::HttpResponse {
    crate::layout::error_message(
        actix_web::http::StatusCode::FORBIDDEN,
        "请求无效",
        "页面已过期，请刷新后重试。",
    )
}

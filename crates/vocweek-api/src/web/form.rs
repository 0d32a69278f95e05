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

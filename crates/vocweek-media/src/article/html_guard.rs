//! How deep an HTML document nests its elements, counted by a plain scan of its tags before
//! any HTML library sees it: the sanitiser and the text renderer both walk the tree
//! recursively and slow down with depth, so 100,000 nested `<div>`s would hold a child for
//! minutes. Real articles nest a few dozen levels.

use crate::MediaError;

/// Elements that never have content, so never open a level.
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Refuses HTML whose elements nest deeper than `max_depth` (`articles.max_html_depth`).
pub fn check_depth(html: &str, max_depth: u32) -> Result<(), MediaError> {
    let bytes = html.as_bytes();
    let mut depth: u32 = 0;
    let mut at = 0;
    while let Some(offset) = bytes[at..].iter().position(|b| *b == b'<') {
        at += offset + 1;
        let rest = &html[at..];
        if rest.starts_with("!--") {
            at += rest.find("-->").map_or(rest.len(), |end| end + 3);
            continue;
        }
        let closing = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        let self_closing = rest[..end].ends_with('/');
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing && !VOID.contains(&name.as_str()) {
            depth += 1;
            if depth > max_depth {
                return Err(MediaError::ArticleCorrupt(format!(
                    "the HTML nests elements deeper than {max_depth} levels \
                     (articles.max_html_depth)"
                )));
            }
        }
        // Script and style content is text, whatever it holds.
        if !closing && (name == "script" || name == "style") {
            let closer = format!("</{name}");
            let lower = rest.to_ascii_lowercase();
            at += lower.find(&closer).unwrap_or(rest.len());
            continue;
        }
        at += end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_refused_and_ordinary_pages_pass() {
        let deep = format!("{}x{}", "<div>".repeat(100_000), "</div>".repeat(100_000));
        let err = check_depth(&deep, 512).unwrap_err();
        assert!(err.to_string().contains("articles.max_html_depth"), "{err}");
        let page = "<html><head><meta charset=utf-8><title>t</title></head><body>\
                    <p>段落<br><img src=a.png/></p><!-- <div><div><div> -->\
                    <script>if (a < b) { document.write('<div><div>') }</script></body></html>";
        check_depth(page, 3).unwrap();
        let siblings = "<p>a</p>".repeat(100_000);
        check_depth(&siblings, 2).unwrap();
    }
}

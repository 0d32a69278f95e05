//! The encoding an HTML page declares, looked for as browsers do (the HTML standard's prescan,
//! simplified): in the `<meta charset=…>` or `<meta http-equiv=Content-Type
//! content="text/html; charset=…">` of its first 1024 bytes.

use encoding_rs::Encoding;

/// How far the declaration is looked for.
const PRESCAN_BYTES: usize = 1024;

/// The encoding the first `<meta>` with a known charset label names.
pub fn declared_encoding(html: &[u8]) -> Option<&'static Encoding> {
    let head = html
        .get(..PRESCAN_BYTES)
        .unwrap_or(html)
        .to_ascii_lowercase();
    let mut rest = head.as_slice();
    while let Some(at) = find(rest, b"<meta") {
        let tag = rest.get(at + b"<meta".len()..)?;
        let end = tag.iter().position(|b| *b == b'>').unwrap_or(tag.len());
        if let Some(encoding) = charset_label(tag.get(..end)?).and_then(Encoding::for_label) {
            return Some(encoding);
        }
        rest = tag.get(end..)?;
    }
    None
}

/// The label after `charset=` in a tag's attributes, unquoted.
fn charset_label(attributes: &[u8]) -> Option<&[u8]> {
    let at = find(attributes, b"charset")?;
    let value = attributes
        .get(at + b"charset".len()..)?
        .trim_ascii_start()
        .strip_prefix(b"=")?
        .trim_ascii_start();
    let value = value
        .strip_prefix(b"\"")
        .or_else(|| value.strip_prefix(b"'"))
        .unwrap_or(value);
    let end = value
        .iter()
        .position(|b| matches!(*b, b'"' | b'\'' | b';' | b'/') || b.is_ascii_whitespace())
        .unwrap_or(value.len());
    value.get(..end)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use encoding_rs::{BIG5, GBK, UTF_8};

    use super::*;

    #[test]
    fn both_forms_of_the_declaration_are_found() {
        assert_eq!(
            declared_encoding(b"<html><head><meta charset=gbk><title>"),
            Some(GBK)
        );
        assert_eq!(
            declared_encoding(b"<HEAD><META CHARSET=\"Big5\"/>"),
            Some(BIG5)
        );
        assert_eq!(
            declared_encoding(
                b"<meta name=viewport content=\"width=device-width\">\
                  <meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">"
            ),
            Some(GBK)
        );
        assert_eq!(declared_encoding(b"<meta charset='utf-8'>"), Some(UTF_8));
    }

    #[test]
    fn no_or_unknown_declarations_are_none() {
        assert_eq!(declared_encoding(b"<html><body><p>charset=gbk</p>"), None);
        assert_eq!(declared_encoding(b"<meta charset=klingon>"), None);
        let late = format!("{}<meta charset=gbk>", " ".repeat(PRESCAN_BYTES));
        assert_eq!(declared_encoding(late.as_bytes()), None);
    }
}

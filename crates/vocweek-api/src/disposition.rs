//! `Content-Disposition` with a file name as RFC 6266 asks: an ASCII fallback for old clients
//! plus the UTF-8 name (`filename*`), so Chinese names survive the download.

/// `attachment` (save the file) or `inline` (show it), named `name`.
pub fn content_disposition(kind: &str, name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_names_are_percent_encoded_with_an_ascii_fallback() {
        assert_eq!(
            content_disposition("attachment", "技能 大赛.mp4"),
            "attachment; filename=\"_____.mp4\"; filename*=UTF-8''%E6%8A%80%E8%83%BD%20%E5%A4%A7%E8%B5%9B.mp4"
        );
    }
}

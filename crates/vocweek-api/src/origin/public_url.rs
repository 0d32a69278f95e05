//! `public_url`: the address users and partners reach this service at, given as an origin.
//! Links are built as `<origin>/api/…`, so a path would be dropped without a word and a query
//! or credentials would be copied into every link: all three are refused at start.

use super::authority::is_authority;
use super::{Origin, SettingError};

/// `https://vocweek.example.gov.cn` (a trailing `/` allowed) → its origin.
pub(super) fn parse(text: &str) -> Result<Origin, SettingError> {
    let text = text.trim();
    let refuse = |why: &str| SettingError(format!("public_url '{text}' {why}"));
    let Some((scheme, rest)) = text.split_once("://") else {
        return Err(refuse("must start with http:// or https://"));
    };
    let scheme = scheme.to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https") {
        return Err(refuse("must start with http:// or https://"));
    }
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains(['/', '?', '#']) {
        return Err(refuse(
            "must be only a scheme, a host and a port: no path, query or fragment",
        ));
    }
    if authority.contains('@') {
        return Err(refuse("must not hold a user name or password"));
    }
    if !is_authority(authority) {
        return Err(refuse("has no valid host[:port]"));
    }
    Ok(Origin {
        scheme,
        host: authority.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn an_origin_is_accepted() {
        let origin = parse("https://vocweek.example.gov.cn").unwrap();
        assert_eq!(origin.to_string(), "https://vocweek.example.gov.cn");
        let origin = parse(" HTTP://vocweek.example.gov.cn:8080/ ").unwrap();
        assert_eq!(origin.to_string(), "http://vocweek.example.gov.cn:8080");
        assert!(!origin.is_https());
        assert_eq!(
            parse("https://[2001:db8::1]:8443").unwrap().host,
            "[2001:db8::1]:8443"
        );
    }

    #[test]
    fn anything_beyond_an_origin_is_refused() {
        for bad in [
            "vocweek.example.gov.cn",
            "ftp://vocweek.example.gov.cn",
            "https://",
            "https:///",
            "https://vocweek.example.gov.cn/vocweek",
            "https://vocweek.example.gov.cn//",
            "https://vocweek.example.gov.cn/?a=1",
            "https://vocweek.example.gov.cn?a=1",
            "https://vocweek.example.gov.cn#top",
            "https://admin:secret@vocweek.example.gov.cn",
            "https://vocweek.example.gov.cn:99999",
            "https://vocweek example",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}

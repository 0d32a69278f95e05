//! What the proxy that connected to us says about how the client reached it: `Forwarded`
//! (RFC 7239) first, then `X-Forwarded-Proto` / `X-Forwarded-Host`. Asked only of trusted
//! proxies. The last value counts, not the first as in actix-web's `ConnectionInfo`: a proxy
//! that appends (as RFC 7239 asks) leaves whatever the client sent in front of its own value,
//! so only the last one is surely the trusted proxy's. A value that is not `http`/`https` or a
//! plain `host[:port]` counts as not said.

use actix_web::HttpRequest;

use super::authority::is_authority;

#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Forwarded {
    pub scheme: Option<String>,
    pub host: Option<String>,
}

pub(super) fn read(req: &HttpRequest) -> Forwarded {
    let mut scheme = None;
    let mut host = None;
    // `for=192.0.2.1;proto=https;host=a.example, for=10.0.0.1;proto=https;host=b.example`:
    // one element per proxy, comma-separated (also across repeated headers); the last is the
    // one the connecting proxy added.
    if let Some(element) = last_value(req, "forwarded") {
        let pairs = element
            .split(';')
            .filter_map(|pair| pair.split_once('='))
            .map(|(name, value)| (name.trim(), unquote(value.trim())));
        for (name, value) in pairs {
            if name.eq_ignore_ascii_case("proto") {
                scheme = scheme.or(Some(value));
            } else if name.eq_ignore_ascii_case("host") {
                host = host.or(Some(value));
            }
        }
    }
    let scheme = scheme
        .or_else(|| last_value(req, "x-forwarded-proto"))
        .map(str::to_ascii_lowercase)
        .filter(|scheme| matches!(scheme.as_str(), "http" | "https"));
    let host = host
        .or_else(|| last_value(req, "x-forwarded-host"))
        .filter(|host| is_authority(host))
        .map(str::to_owned);
    Forwarded { scheme, host }
}

/// The last comma-separated value of a header, over all its lines.
fn last_value<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers()
        .get_all(name)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .rfind(|value| !value.is_empty())
}

fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(value)
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::{Forwarded, read};

    fn forwarded(headers: &[(&'static str, &'static str)]) -> Forwarded {
        let mut req = TestRequest::default();
        for header in headers {
            req = req.append_header(*header);
        }
        read(&req.to_http_request())
    }

    fn said(scheme: Option<&str>, host: Option<&str>) -> Forwarded {
        Forwarded {
            scheme: scheme.map(str::to_owned),
            host: host.map(str::to_owned),
        }
    }

    #[test]
    fn the_standard_header_comes_first() {
        assert_eq!(
            forwarded(&[
                (
                    "Forwarded",
                    "for=10.0.0.1;host=c.example, for=192.0.2.60;proto=HTTPS;host=\"a.example:8443\""
                ),
                ("X-Forwarded-Host", "b.example"),
                ("X-Forwarded-Proto", "http"),
            ]),
            said(Some("https"), Some("a.example:8443"))
        );
    }

    #[test]
    fn the_older_headers_fill_in() {
        assert_eq!(
            forwarded(&[
                ("Forwarded", "for=192.0.2.60"),
                ("X-Forwarded-Host", "a.example"),
                ("X-Forwarded-Proto", "https"),
            ]),
            said(Some("https"), Some("a.example"))
        );
        assert_eq!(forwarded(&[]), said(None, None));
    }

    #[test]
    fn what_the_client_sent_before_the_proxy_appended_is_not_believed() {
        assert_eq!(
            forwarded(&[
                ("Forwarded", "host=evil.example;proto=http"),
                ("Forwarded", "for=192.0.2.60;proto=https;host=a.example"),
            ]),
            said(Some("https"), Some("a.example"))
        );
        assert_eq!(
            forwarded(&[
                ("X-Forwarded-Host", "evil.example, a.example"),
                ("X-Forwarded-Proto", "http,https"),
            ]),
            said(Some("https"), Some("a.example"))
        );
        // The connecting proxy's element says nothing of the host: an earlier one is no
        // substitute.
        assert_eq!(
            forwarded(&[("Forwarded", "host=evil.example, for=192.0.2.60")]),
            said(None, None)
        );
    }

    #[test]
    fn nonsense_counts_as_not_said() {
        assert_eq!(
            forwarded(&[
                ("X-Forwarded-Host", "evil.example/path"),
                ("X-Forwarded-Proto", "javascript"),
            ]),
            said(None, None)
        );
        assert_eq!(
            forwarded(&[("Forwarded", "host=\"a.example\"\"><x\";proto=ftp")]),
            said(None, None)
        );
    }
}

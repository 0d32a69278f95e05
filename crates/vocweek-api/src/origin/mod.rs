//! The origin (`scheme://host[:port]`) of the links this service hands out — the tus
//! `Location`, the partner feed's links — and whether the client reached it over HTTPS (the
//! session cookie's `Secure`). `Host` and `X-Forwarded-*` are written by whoever connects:
//! believed as they come, anyone could make the service hand out links to a host of theirs (an
//! upload's bytes sent there, a cached feed poisoned). So `public_url`, when set, is the origin
//! of every link; without it forwarded headers count only from `trusted_proxies`.

mod authority;
mod forwarded;
mod proxies;
mod public_url;

use std::fmt;

use actix_web::{HttpRequest, web};

use proxies::TrustedProxies;

/// `scheme://host[:port]`, without a trailing `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// `http` or `https`.
    pub scheme: String,
    /// `host[:port]` (IPv6 in brackets).
    pub host: String,
}

impl Origin {
    pub fn is_https(&self) -> bool {
        self.scheme == "https"
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.host)
    }
}

/// A `public_url` or `trusted_proxies` value that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SettingError(String);

/// The operator's word on where this service is reached: `public_url` and `trusted_proxies`.
#[derive(Debug, Clone, Default)]
pub struct PublicOrigin {
    public_url: Option<Origin>,
    trusted_proxies: TrustedProxies,
}

impl PublicOrigin {
    /// `public_url`: an `http(s)://host[:port]` origin (unset or blank: none);
    /// `trusted_proxies`: IP addresses or CIDR networks (blank entries skipped).
    pub fn new(public_url: Option<&str>, trusted_proxies: &[String]) -> Result<Self, SettingError> {
        let public_url = public_url
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .map(public_url::parse)
            .transpose()?;
        Ok(PublicOrigin {
            public_url,
            trusted_proxies: TrustedProxies::parse(trusted_proxies)?,
        })
    }

    /// The configured `public_url`, if any.
    pub fn public_url(&self) -> Option<&Origin> {
        self.public_url.as_ref()
    }

    /// The origin for links in an answer to `req`: `public_url` whenever it is set (nothing a
    /// request carries can change it: a proxy that passes a client's `X-Forwarded-Host` or
    /// `Forwarded` through untouched would otherwise hand the client the links); without it,
    /// from a trusted proxy what its `Forwarded` or `X-Forwarded-Proto`/`-Host` say, and
    /// otherwise the request itself: its `Host` header over plain HTTP (vocweek does not
    /// terminate TLS).
    pub fn of(&self, req: &HttpRequest) -> Origin {
        if let Some(public_url) = &self.public_url {
            return public_url.clone();
        }
        let forwarded = match req.peer_addr() {
            Some(peer) if self.trusted_proxies.contains(peer.ip()) => forwarded::read(req),
            _ => forwarded::Forwarded::default(),
        };
        let own = own(req);
        Origin {
            scheme: forwarded.scheme.unwrap_or(own.scheme),
            host: forwarded.host.unwrap_or(own.host),
        }
    }

    /// Whether the client reached us over HTTPS, from the same source as the links.
    pub fn is_https(&self, req: &HttpRequest) -> bool {
        self.of(req).is_https()
    }
}

/// The origin for links in an answer to `req`, with the running app's settings (see
/// [`PublicOrigin::of`]).
pub(crate) fn of(req: &HttpRequest) -> Origin {
    // Registered by `startup` beside the app state (the same `Arc`), so this module needs
    // nothing of the state's other parts.
    match req.app_data::<web::Data<PublicOrigin>>() {
        Some(origin) => origin.of(req),
        // Outside the app (no settings): nothing is trusted.
        None => PublicOrigin::default().of(req),
    }
}

/// Whether the client reached us over HTTPS (the session cookie's `Secure`, HSTS).
pub(crate) fn is_https(req: &HttpRequest) -> bool {
    of(req).is_https()
}

/// How the request reached this server directly: HTTPS only if actix itself served TLS, and
/// the `Host` header (HTTP/1.1 requires one) — without a usable one, the listening address.
fn own(req: &HttpRequest) -> Origin {
    let config = req.app_config();
    let scheme = if config.secure() { "https" } else { "http" };
    let host = req
        .headers()
        .get("host")
        .and_then(|value| value.to_str().ok())
        .or_else(|| req.uri().authority().map(|authority| authority.as_str()))
        .map(str::trim)
        .filter(|host| authority::is_authority(host))
        .map_or_else(|| config.local_addr().to_string(), str::to_owned);
    Origin {
        scheme: scheme.to_owned(),
        host,
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use actix_web::test::TestRequest;

    use super::{Origin, PublicOrigin};

    const EVIL: [(&str, &str); 2] = [
        ("X-Forwarded-Host", "evil.example"),
        ("X-Forwarded-Proto", "https"),
    ];

    fn settings(public_url: Option<&str>, proxies: &[&str]) -> PublicOrigin {
        let proxies: Vec<String> = proxies.iter().map(|p| (*p).to_owned()).collect();
        PublicOrigin::new(public_url, &proxies).unwrap()
    }

    /// The origin `settings` give a request from `peer` with `Host: app.local:8080` and the
    /// given headers.
    fn origin(
        settings: &PublicOrigin,
        peer: &str,
        headers: &[(&'static str, &'static str)],
    ) -> String {
        let peer: SocketAddr = peer.parse().unwrap();
        let mut req = TestRequest::default()
            .peer_addr(peer)
            .insert_header(("Host", "app.local:8080"));
        for header in headers {
            req = req.insert_header(*header);
        }
        settings.of(&req.to_http_request()).to_string()
    }

    #[test]
    fn without_settings_the_host_header_is_used_and_forwarded_headers_are_not() {
        let none = settings(None, &[]);
        assert_eq!(
            origin(&none, "127.0.0.1:5000", &[]),
            "http://app.local:8080"
        );
        assert_eq!(
            origin(&none, "127.0.0.1:5000", &EVIL),
            "http://app.local:8080"
        );
        assert_eq!(origin(&none, "[::1]:5000", &EVIL), "http://app.local:8080");
    }

    #[test]
    fn public_url_wins_over_anything_an_untrusted_client_says() {
        let public = settings(Some("https://vocweek.example.gov.cn/"), &[]);
        let expected = "https://vocweek.example.gov.cn";
        assert_eq!(origin(&public, "203.0.113.9:5000", &[]), expected);
        assert_eq!(origin(&public, "203.0.113.9:5000", &EVIL), expected);
        assert_eq!(
            origin(
                &public,
                "203.0.113.9:5000",
                &[("Forwarded", "proto=http;host=evil.example")]
            ),
            expected
        );
        // Trusting some proxies does not make other peers trusted.
        let public = settings(
            Some("https://vocweek.example.gov.cn"),
            &["10.0.0.0/8", "fd00::/8"],
        );
        assert_eq!(origin(&public, "203.0.113.9:5000", &EVIL), expected);
        assert_eq!(origin(&public, "[2001:db8::9]:5000", &EVIL), expected);
    }

    #[test]
    fn a_trusted_proxy_is_believed_when_no_public_url_is_set() {
        let trusting = settings(None, &["10.0.0.0/8", "fd00::/8", "127.0.0.1"]);
        for peer in [
            "10.2.3.4:5000",
            "[fd00::7]:5000",
            "127.0.0.1:5000",
            "[::ffff:10.0.0.1]:5000",
        ] {
            assert_eq!(
                origin(&trusting, peer, &EVIL),
                "https://evil.example",
                "{peer}"
            );
            assert_eq!(
                origin(
                    &trusting,
                    peer,
                    &[("Forwarded", "proto=https;host=\"b.example:8443\"")]
                ),
                "https://b.example:8443"
            );
        }
    }

    #[test]
    fn public_url_wins_over_a_trusted_proxy_too() {
        // A proxy that passes the client's X-Forwarded-Host through would otherwise let the
        // client choose the host of the tus Location its own uploader then sends the file to.
        let public = settings(Some("https://vocweek.example.gov.cn"), &["10.0.0.0/8"]);
        for headers in [
            &EVIL[..],
            &[("Forwarded", "proto=http;host=evil.example")][..],
            &[][..],
        ] {
            assert_eq!(
                origin(&public, "10.0.0.1:5000", headers),
                "https://vocweek.example.gov.cn"
            );
        }
    }

    #[test]
    fn what_a_trusted_proxy_leaves_out_comes_from_the_request() {
        let bare = settings(None, &["10.0.0.0/8"]);
        assert_eq!(origin(&bare, "10.0.0.1:5000", &[]), "http://app.local:8080");
        assert_eq!(
            origin(&bare, "10.0.0.1:5000", &[("X-Forwarded-Proto", "https")]),
            "https://app.local:8080"
        );
        // Nonsense from a trusted proxy is not copied into links.
        assert_eq!(
            origin(
                &bare,
                "10.0.0.1:5000",
                &[("X-Forwarded-Host", "b.example/x\"")]
            ),
            "http://app.local:8080"
        );
    }

    #[test]
    fn https_follows_the_same_source() {
        let none = settings(None, &[]);
        let request = |peer: &str| {
            TestRequest::default()
                .peer_addr(peer.parse().unwrap())
                .insert_header(("Host", "app.local"))
                .insert_header(("X-Forwarded-Proto", "https"))
                .to_http_request()
        };
        assert!(!none.is_https(&request("127.0.0.1:5000")));
        assert!(settings(None, &["127.0.0.1/32"]).is_https(&request("127.0.0.1:5000")));
        assert!(!settings(None, &["127.0.0.1/32"]).is_https(&request("127.0.0.2:5000")));
        assert!(settings(Some("https://a.example"), &[]).is_https(&request("127.0.0.2:5000")));
        assert!(!settings(Some("http://a.example"), &[]).is_https(&request("127.0.0.2:5000")));
    }

    #[test]
    fn an_unusable_host_header_falls_back_to_the_listening_address() {
        let req = TestRequest::default()
            .peer_addr("127.0.0.1:5000".parse().unwrap())
            .insert_header(("Host", "evil.example/<x>"))
            .to_http_request();
        let origin: Origin = PublicOrigin::default().of(&req);
        assert_eq!(origin.scheme, "http");
        assert!(!origin.host.contains("evil"), "{origin}");
    }

    #[test]
    fn settings_are_checked() {
        assert!(PublicOrigin::new(Some("vocweek.example.gov.cn"), &[]).is_err());
        assert!(PublicOrigin::new(None, &["proxy.example".to_owned()]).is_err());
        assert!(
            PublicOrigin::new(Some("  "), &[String::new()])
                .unwrap()
                .public_url()
                .is_none()
        );
    }
}

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, ResponseError};

const CONTENT_SECURITY_POLICY: HeaderName = HeaderName::from_static("content-security-policy");
const X_CONTENT_TYPE_OPTIONS: HeaderName = HeaderName::from_static("x-content-type-options");
const X_FRAME_OPTIONS: HeaderName = HeaderName::from_static("x-frame-options");
const REFERRER_POLICY: HeaderName = HeaderName::from_static("referrer-policy");
const STRICT_TRANSPORT_SECURITY: HeaderName = HeaderName::from_static("strict-transport-security");

/// The pages' policy. Scripts and styles come only from this site's files (`/static/…`): no
/// inline script, `style=` or event handler runs, so a value that slipped past `escape` still
/// cannot act. `media-src blob:` is for hls.js, which plays through Media Source Extensions
/// (the `<video>` gets a `blob:` URL of its MediaSource); `worker-src 'none'` because
/// `player.js` turns hls.js's worker off instead of allowing `blob:` scripts. `img-src blob:` is
/// for 我的报送 (`submissions.js`): a unit's thumbnails need its Bearer token, which an `<img>`
/// cannot send, so they are fetched and shown from `blob:` URLs. Everything a page
/// loads is on this origin: HLS playlists name their files relatively, and the media port
/// (`partners.media_listen`) only appears in partners' feeds, never on a page.
/// `frame-ancestors 'none'`: no other site may frame a page and trick a click on 通过.
const PAGE_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' blob:; media-src 'self' blob:; connect-src 'self'; worker-src 'none'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Everything else (JSON, scripts, pictures, media): nothing runs or loads if a browser ever
/// renders one as a document, and none may be framed. A few dozen bytes; a style sheet or
/// script loaded by a page ignores its own policy, so this costs the pages nothing.
const OTHER_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// A year, the usual HSTS lifetime. No `includeSubDomains`: other hosts of the province's
/// domain are not ours to force onto HTTPS.
const HSTS: &str = "max-age=31536000";

/// Puts the browser-side protections on every response: `nosniff`, `Referrer-Policy`, a
/// Content-Security-Policy (the strict pages' one on HTML, a closed one elsewhere),
/// `X-Frame-Options: DENY` on HTML for browsers without `frame-ancestors`, and HSTS when the
/// request came over TLS. A header the handler set stays: the article preview and the
/// originals carry their own sandboxing policy.
///
/// `Referrer-Policy: same-origin`: the site's links keep their referrer, but the units' own
/// websites linked from 报送情况 learn nothing of the desk's URLs (item ids, search terms), not
/// even the host name that `strict-origin-when-cross-origin` would still send; nothing here
/// reads the Referer of another site.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    // HSTS sent over plain HTTP is ignored by browsers (RFC 6797 §8.1), so a forged
    // `X-Forwarded-Proto` can at most add a header nobody obeys.
    let over_tls = crate::origin::is_https(req.request());
    match next.call(req).await {
        Ok(mut response) => {
            protect(response.headers_mut(), over_tls);
            Ok(response)
        }
        // A caught panic travels as an error and is rendered after every layer: wrapped, its
        // response gets the headers as it is built.
        Err(error) => Err(Protected { error, over_tls }.into()),
    }
}

fn protect(headers: &mut HeaderMap, over_tls: bool) {
    let html = headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("text/html"));
    set_unless_present(headers, X_CONTENT_TYPE_OPTIONS, "nosniff");
    set_unless_present(headers, REFERRER_POLICY, "same-origin");
    if html {
        set_unless_present(headers, CONTENT_SECURITY_POLICY, PAGE_POLICY);
        set_unless_present(headers, X_FRAME_OPTIONS, "DENY");
    } else {
        set_unless_present(headers, CONTENT_SECURITY_POLICY, OTHER_POLICY);
    }
    if over_tls {
        set_unless_present(headers, STRICT_TRANSPORT_SECURITY, HSTS);
    }
}

fn set_unless_present(headers: &mut HeaderMap, name: HeaderName, value: &'static str) {
    if !headers.contains_key(&name) {
        headers.insert(name, HeaderValue::from_static(value));
    }
}

/// An error on its way out, answered with the headers.
#[derive(Debug)]
struct Protected {
    error: Error,
    over_tls: bool,
}

impl std::fmt::Display for Protected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.error, f)
    }
}

impl ResponseError for Protected {
    fn status_code(&self) -> StatusCode {
        self.error.as_response_error().status_code()
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = self.error.error_response();
        protect(response.headers_mut(), self.over_tls);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn protected(content_type: Option<&str>, over_tls: bool) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(content_type) = content_type {
            headers.insert(CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        }
        protect(&mut headers, over_tls);
        headers
    }

    fn value<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a str> {
        headers.get(name).map(|value| value.to_str().unwrap())
    }

    #[test]
    fn pages_get_the_strict_policy_and_no_framing() {
        let headers = protected(Some("text/html; charset=utf-8"), false);
        let policy = value(&headers, &CONTENT_SECURITY_POLICY).unwrap();
        assert_eq!(policy, PAGE_POLICY);
        assert!(!policy.contains("unsafe-"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert_eq!(value(&headers, &X_FRAME_OPTIONS), Some("DENY"));
        assert_eq!(value(&headers, &X_CONTENT_TYPE_OPTIONS), Some("nosniff"));
        assert_eq!(value(&headers, &REFERRER_POLICY), Some("same-origin"));
        assert_eq!(value(&headers, &STRICT_TRANSPORT_SECURITY), None);
        let headers = protected(Some("TEXT/HTML"), true);
        assert_eq!(value(&headers, &CONTENT_SECURITY_POLICY), Some(PAGE_POLICY));
        assert_eq!(value(&headers, &STRICT_TRANSPORT_SECURITY), Some(HSTS));
    }

    #[test]
    fn other_answers_get_the_closed_policy() {
        for content_type in [Some("application/json"), Some("text/html-ish"), None] {
            let headers = protected(content_type, false);
            assert_eq!(
                value(&headers, &CONTENT_SECURITY_POLICY),
                Some(OTHER_POLICY)
            );
            assert_eq!(value(&headers, &X_FRAME_OPTIONS), None);
            assert_eq!(value(&headers, &X_CONTENT_TYPE_OPTIONS), Some("nosniff"));
        }
    }

    #[test]
    fn a_handlers_own_header_stays() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html"));
        headers.insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; sandbox"),
        );
        protect(&mut headers, false);
        assert_eq!(
            value(&headers, &CONTENT_SECURITY_POLICY),
            Some("default-src 'none'; sandbox")
        );
        assert_eq!(value(&headers, &X_FRAME_OPTIONS), Some("DENY"));
    }

    #[test]
    fn an_error_is_answered_with_the_headers() {
        let error: Error = crate::ApiError::internal(&"boom").into();
        let response = Protected {
            error,
            over_tls: false,
        }
        .error_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            value(response.headers(), &CONTENT_SECURITY_POLICY),
            Some(OTHER_POLICY)
        );
        assert_eq!(
            value(response.headers(), &X_CONTENT_TYPE_OPTIONS),
            Some("nosniff")
        );
    }
}

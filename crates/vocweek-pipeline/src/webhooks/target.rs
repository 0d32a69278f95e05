//! Where a webhook may go. A partner's URL is resolved here and the request goes to the very
//! address that was checked, so a name that resolves to an internal machine (or changes its
//! answer between check and use) cannot make vocweek call into the operator's network.

use std::net::{IpAddr, SocketAddr};

#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("the webhook URL is not a valid http(s) URL")]
    Invalid,
    #[error("{host} resolves to the private or loopback address {address}")]
    Private { host: String, address: IpAddr },
    #[error("{host} does not resolve: {reason}")]
    Unresolved { host: String, reason: String },
}

/// Loopback, private (RFC 1918, ULA), link-local, shared (CGNAT), unspecified, multicast,
/// documentation and benchmarking ranges: nothing a partner's public endpoint lives in.
pub fn is_private(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || a == 0
                || a >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(mapped) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(mapped));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

/// The URL's host and the address to connect to, checked.
pub async fn resolve(
    url: &reqwest::Url,
    allow_private: bool,
) -> Result<(String, SocketAddr), TargetError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(TargetError::Invalid);
    }
    let host = url.host_str().ok_or(TargetError::Invalid)?.to_owned();
    let port = url.port_or_known_default().ok_or(TargetError::Invalid)?;
    let bare = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((bare.as_str(), port))
        .await
        .map_err(|e| TargetError::Unresolved {
            host: host.clone(),
            reason: e.to_string(),
        })?
        .collect();
    let first = *addresses.first().ok_or_else(|| TargetError::Unresolved {
        host: host.clone(),
        reason: "no address".to_owned(),
    })?;
    if !allow_private && let Some(private) = addresses.iter().find(|a| is_private(a.ip())) {
        return Err(TargetError::Private {
            host,
            address: private.ip(),
        });
    }
    Ok((bare, first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_ranges_are_recognised() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_private(private.parse().unwrap()), "{private}");
        }
        for public in ["8.8.8.8", "223.5.5.5", "2400:3200::1"] {
            assert!(!is_private(public.parse().unwrap()), "{public}");
        }
    }
}

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
            // Addresses that carry an IPv4 address and reach it through a translator or a
            // tunnel: judged by the IPv4 address inside.
            if let Some(embedded) = embedded_ipv4(v6) {
                return is_private(IpAddr::V4(embedded));
            }
            let segments = v6.segments();
            let first = segments[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                // Site-local (deprecated, still routed inside some networks).
                || (first & 0xffc0) == 0xfec0
                // NAT64 local-use prefix: a site's own translator.
                || (first == 0x0064 && segments[1] == 0xff9b && segments[2] == 0x0001)
                // Teredo hides its IPv4 address; documentation and benchmarking ranges.
                || (first == 0x2001 && segments[1] == 0x0000)
                || (first == 0x2001 && segments[1] == 0x0db8)
                || (first == 0x2001 && segments[1] == 0x0002 && segments[2] == 0)
        }
    }
}

/// The IPv4 address inside a NAT64 (`64:ff9b::/96`), 6to4 (`2002::/16`) or IPv4-compatible
/// (`::/96`, deprecated) IPv6 address.
fn embedded_ipv4(v6: std::net::Ipv6Addr) -> Option<std::net::Ipv4Addr> {
    let octets = v6.octets();
    let segments = v6.segments();
    let last_four = || std::net::Ipv4Addr::new(octets[12], octets[13], octets[14], octets[15]);
    if segments[..6] == [0x0064, 0xff9b, 0, 0, 0, 0] {
        return Some(last_four());
    }
    if segments[0] == 0x2002 {
        return Some(std::net::Ipv4Addr::new(
            octets[2], octets[3], octets[4], octets[5],
        ));
    }
    // `::a.b.c.d`, but not `::` and `::1`, which are their own cases.
    if segments[..6] == [0; 6] && u32::from(last_four()) > 1 {
        return Some(last_four());
    }
    None
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
            // NAT64, 6to4 and IPv4-compatible forms of private IPv4 addresses.
            "64:ff9b::7f00:1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::1",
            "2002:c0a8:101::1",
            "::127.0.0.1",
            "::10.0.0.1",
            // Site-local, NAT64 local-use, Teredo, documentation.
            "fec0::1",
            "64:ff9b:1::1",
            "2001:0:4136:e378::1",
            "2001:db8::1",
        ] {
            assert!(is_private(private.parse().unwrap()), "{private}");
        }
        for public in [
            "8.8.8.8",
            "223.5.5.5",
            "2400:3200::1",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert!(!is_private(public.parse().unwrap()), "{public}");
        }
    }
}

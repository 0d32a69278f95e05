//! What a `host[:port]` from a header or a setting may look like before it goes into a link:
//! a DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port. Anything
//! else (spaces, `/`, `@`, quotes, `<`) could change where the link points or break the XML
//! and HTML it is written into.

use std::net::Ipv6Addr;

pub(super) fn is_authority(text: &str) -> bool {
    let (host_ok, port) = match text.strip_prefix('[') {
        Some(bracketed) => {
            let Some((address, rest)) = bracketed.split_once(']') else {
                return false;
            };
            let port = match rest {
                "" => None,
                _ => match rest.strip_prefix(':') {
                    Some(port) => Some(port),
                    None => return false,
                },
            };
            (address.parse::<Ipv6Addr>().is_ok(), port)
        }
        None => match text.split_once(':') {
            Some((name, port)) => (is_name(name), Some(port)),
            None => (is_name(text), None),
        },
    };
    host_ok && port.is_none_or(is_port)
}

/// A DNS name (IDNs arrive as punycode) or a dotted IPv4 address.
fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

fn is_port(port: &str) -> bool {
    port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok_and(|p| p > 0)
}

#[cfg(test)]
mod tests {
    use super::is_authority;

    #[test]
    fn hosts_and_ports_are_accepted() {
        for good in [
            "vocweek.example.gov.cn",
            "vocweek.example.gov.cn:8443",
            "127.0.0.1:8080",
            "localhost",
            "[::1]",
            "[2001:db8::1]:443",
            "xn--fiqs8s.example",
        ] {
            assert!(is_authority(good), "{good}");
        }
    }

    #[test]
    fn anything_that_could_bend_a_link_is_refused() {
        for bad in [
            "",
            ":80",
            "evil.example/path",
            "user@evil.example",
            "evil.example:",
            "evil.example:0",
            "evil.example:65536",
            "evil.example:80:80",
            "evil example",
            "\"><script>",
            "::1",
            "[::1",
            "[::1]x",
            "[evil.example]",
            "evil.example?x",
        ] {
            assert!(!is_authority(bad), "{bad}");
        }
    }
}

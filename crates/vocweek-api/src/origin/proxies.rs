//! `trusted_proxies`: the addresses (or CIDR networks) whose `Forwarded` / `X-Forwarded-*`
//! headers are believed. Addresses only, no host names: a name would be resolved by whoever
//! controls DNS, and the check runs on every request.

use std::net::IpAddr;

use super::SettingError;

#[derive(Debug, Clone, Default)]
pub(super) struct TrustedProxies(Vec<Network>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Network {
    address: IpAddr,
    prefix: u8,
}

impl TrustedProxies {
    /// `127.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`…; blank entries are skipped (an empty
    /// `VOCWEEK_TRUSTED_PROXIES` is no list at all).
    pub(super) fn parse(entries: &[String]) -> Result<Self, SettingError> {
        entries
            .iter()
            .map(|entry| entry.trim())
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                Network::parse(entry).ok_or_else(|| {
                    SettingError(format!(
                        "trusted_proxies: '{entry}' is not an IP address or a network such as \
                         10.0.0.0/8 or fd00::/8"
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    pub(super) fn contains(&self, peer: IpAddr) -> bool {
        // A dual-stack listener sees IPv4 clients as `::ffff:a.b.c.d`.
        let canonical = peer.to_canonical();
        self.0
            .iter()
            .any(|network| network.contains(peer) || network.contains(canonical))
    }
}

impl Network {
    fn parse(text: &str) -> Option<Network> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address.trim(), Some(prefix.trim())),
            None => (text, None),
        };
        let address: IpAddr = address.parse().ok()?;
        let bits = bits(address);
        let prefix = match prefix {
            None => bits,
            Some(prefix) => prefix.parse::<u8>().ok().filter(|p| *p <= bits)?,
        };
        Some(Network { address, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        let (network, ip) = match (self.address, ip) {
            (IpAddr::V4(network), IpAddr::V4(ip)) => {
                (u128::from(u32::from(network)), u128::from(u32::from(ip)))
            }
            (IpAddr::V6(network), IpAddr::V6(ip)) => (u128::from(network), u128::from(ip)),
            _ => return false,
        };
        // The bits past the prefix may differ; a /0 shifts everything out.
        let host_bits = u32::from(bits(self.address) - self.prefix);
        (network ^ ip).checked_shr(host_bits).unwrap_or(0) == 0
    }
}

fn bits(address: IpAddr) -> u8 {
    match address {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

#[cfg(test)]
mod tests {
    use super::TrustedProxies;

    fn proxies(entries: &[&str]) -> TrustedProxies {
        let entries: Vec<String> = entries.iter().map(|e| (*e).to_owned()).collect();
        TrustedProxies::parse(&entries).unwrap()
    }

    fn trusts(proxies: &TrustedProxies, ip: &str) -> bool {
        proxies.contains(ip.parse().unwrap())
    }

    #[test]
    fn single_addresses_and_networks() {
        let list = proxies(&["127.0.0.1", "10.1.0.0/16", " fd00::/8 ", "::1", ""]);
        assert!(trusts(&list, "127.0.0.1"));
        assert!(!trusts(&list, "127.0.0.2"));
        assert!(trusts(&list, "10.1.255.7"));
        assert!(!trusts(&list, "10.2.0.1"));
        assert!(trusts(&list, "fd12:3456::1"));
        assert!(!trusts(&list, "fe80::1"));
        assert!(trusts(&list, "::1"));
        assert!(!trusts(&list, "::2"));
    }

    #[test]
    fn ipv4_clients_of_a_dual_stack_listener_are_matched() {
        let list = proxies(&["192.168.0.0/24"]);
        assert!(trusts(&list, "::ffff:192.168.0.9"));
        assert!(!trusts(&list, "::ffff:192.168.1.9"));
    }

    #[test]
    fn edges_of_prefixes() {
        let everyone = proxies(&["0.0.0.0/0", "::/0"]);
        assert!(trusts(&everyone, "203.0.113.5"));
        assert!(trusts(&everyone, "2001:db8::5"));
        let host_bits_set = proxies(&["10.0.0.1/8"]);
        assert!(trusts(&host_bits_set, "10.200.0.1"));
        let exact = proxies(&["2001:db8::1/128", "198.51.100.1/32"]);
        assert!(trusts(&exact, "2001:db8::1"));
        assert!(!trusts(&exact, "2001:db8::2"));
        assert!(trusts(&exact, "198.51.100.1"));
        assert!(!trusts(&exact, "198.51.100.2"));
        assert!(!trusts(&TrustedProxies::default(), "127.0.0.1"));
    }

    #[test]
    fn mistakes_are_refused() {
        for bad in [
            "proxy.example",
            "10.0.0.0/33",
            "::/129",
            "10.0.0.0/",
            "10.0.0/8",
            "10.0.0.0/x",
        ] {
            assert!(
                TrustedProxies::parse(&[bad.to_owned()]).is_err(),
                "{bad} should be refused"
            );
        }
    }
}

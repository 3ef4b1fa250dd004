//! IP addresses as monostat compares them: ranges written as CIDR (`10.0.0.0/8`, `::1/128`), one
//! spelling per address, and the unit a client is counted in by rate limits.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An IPv4 client reaching an IPv6 socket (`[::]:80`) shows up as `::ffff:a.b.c.d`; it is the
/// same client as `a.b.c.d`, and must be matched and counted as that.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

/// What rate limits count a client as: its IPv4 address, or its IPv6 /64. One household or one
/// server gets a whole /64 and picks addresses in it at will, so counting IPv6 per address would
/// give one client 2^64 allowances.
pub fn limit_key(ip: IpAddr) -> String {
    match canonical(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let network = Ipv6Addr::from(u128::from(v6) & mask_v6(64));
            format!("{network}/64")
        }
    }
}

/// A range of addresses: a network address and how many leading bits of it count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    pub const fn v4(a: u8, b: u8, c: u8, d: u8, prefix: u8) -> Self {
        IpRange {
            network: IpAddr::V4(Ipv4Addr::new(a, b, c, d)),
            prefix,
        }
    }

    pub const fn v6(network: Ipv6Addr, prefix: u8) -> Self {
        IpRange {
            network: IpAddr::V6(network),
            prefix,
        }
    }

    /// `a.b.c.d/n`, `x:y::/n`, or a single address. A range with bits set after its prefix
    /// (`10.0.0.1/8`) is refused: it is usually a typo, and which one was meant is a guess.
    pub fn parse(text: &str) -> Result<IpRange, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let address: IpAddr = address
            .parse()
            .map_err(|_| format!("{address:?} is not an IP address"))?;
        let bits = match address {
            IpAddr::V4(_) => 32,
            IpAddr::V6(_) => 128,
        };
        let prefix = match prefix {
            None => bits,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|n| *n <= bits && p.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| {
                    format!("the prefix length {p:?} is not a number from 0 to {bits}")
                })?,
        };
        // `::ffff:10.0.0.0/104` is `10.0.0.0/8`, since addresses are compared canonically.
        let (address, prefix) = match (address, canonical(address)) {
            (IpAddr::V6(_), IpAddr::V4(v4)) if prefix >= 96 => (IpAddr::V4(v4), prefix - 96),
            _ => (address, prefix),
        };
        let range = IpRange {
            network: address,
            prefix,
        }
        .masked();
        if range.network != address {
            return Err(format!(
                "{text} has bits set after its prefix; the range would be written {range}"
            ));
        }
        Ok(range)
    }

    fn masked(self) -> IpRange {
        let network = match self.network {
            IpAddr::V4(v4) => IpAddr::V4(Ipv4Addr::from(u32::from(v4) & mask_v4(self.prefix))),
            IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask_v6(self.prefix))),
        };
        IpRange { network, ..self }
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                u32::from(ip) & mask_v4(self.prefix) == u32::from(net)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                u128::from(ip) & mask_v6(self.prefix) == u128::from(net)
            }
            _ => false,
        }
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// The reverse proxies whose `X-Forwarded-For` entries are believed (`MONOSTAT_TRUSTED_PROXIES`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpRange>);

impl Default for TrustedProxies {
    /// A proxy on the same machine: the usual set-up, and one nobody else can pose as.
    fn default() -> Self {
        TrustedProxies(vec![
            IpRange::v4(127, 0, 0, 0, 8),
            IpRange::v6(Ipv6Addr::LOCALHOST, 128),
        ])
    }
}

impl TrustedProxies {
    pub fn new(ranges: Vec<IpRange>) -> Self {
        TrustedProxies(ranges)
    }

    /// A comma-separated list of ranges, or `none` to believe no proxy. The error names the
    /// entry that is wrong and why.
    pub fn parse(text: &str) -> Result<TrustedProxies, String> {
        if text.trim().eq_ignore_ascii_case("none") {
            return Ok(TrustedProxies(Vec::new()));
        }
        text.split(',')
            .filter(|entry| !entry.trim().is_empty())
            .map(IpRange::parse)
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(ip))
    }
}

fn mask_v4(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn mask_v6(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn ranges_parse_and_match_canonically() {
        let private = IpRange::parse("10.0.0.0/8").expect("valid");
        assert!(private.contains(ip("10.200.3.4")));
        assert!(private.contains(ip("::ffff:10.1.2.3")), "mapped IPv4");
        assert!(!private.contains(ip("11.0.0.1")));
        assert!(
            !private.contains(ip("::a00:1")),
            "IPv4-compatible is not IPv4"
        );
        let single = IpRange::parse(" 192.0.2.7 ").expect("valid");
        assert_eq!(single.to_string(), "192.0.2.7/32");
        assert!(single.contains(ip("192.0.2.7")) && !single.contains(ip("192.0.2.8")));
        let v6 = IpRange::parse("2001:db8::/32").expect("valid");
        assert!(v6.contains(ip("2001:db8:ffff::1")));
        assert!(!v6.contains(ip("2001:db9::1")));
        assert_eq!(IpRange::parse("::1").expect("valid").to_string(), "::1/128");
        let everything = IpRange::parse("0.0.0.0/0").expect("valid");
        assert!(everything.contains(ip("203.0.113.9")) && !everything.contains(ip("::1")));
        assert_eq!(
            IpRange::parse("::ffff:10.0.0.0/104").expect("valid"),
            private
        );
    }

    #[test]
    fn bad_ranges_say_what_is_wrong() {
        assert_eq!(
            IpRange::parse("10.0.0.1/8").expect_err("host bits"),
            "10.0.0.1/8 has bits set after its prefix; the range would be written 10.0.0.0/8"
        );
        assert_eq!(
            IpRange::parse("10.0.0.0/33").expect_err("too long"),
            "the prefix length \"33\" is not a number from 0 to 32"
        );
        assert!(IpRange::parse("10.0.0.0/+8").is_err());
        assert!(IpRange::parse("::/129").is_err());
        assert_eq!(
            IpRange::parse("proxy.internal").expect_err("a name"),
            "\"proxy.internal\" is not an IP address"
        );
        assert!(IpRange::parse("").is_err());
    }

    #[test]
    fn clients_are_counted_per_ipv4_address_and_per_ipv6_64() {
        assert_eq!(limit_key(ip("203.0.113.9")), "203.0.113.9");
        assert_eq!(limit_key(ip("::ffff:203.0.113.9")), "203.0.113.9");
        assert_eq!(
            limit_key(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd")),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            limit_key(ip("2001:db8:1:2::1")),
            limit_key(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(
            limit_key(ip("2001:db8:1:2::1")),
            limit_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(canonical(ip("::1")), ip("::1"), "loopback stays IPv6");
    }
}

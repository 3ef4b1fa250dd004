//! Who is asking: the address that rate limits count and logs name for a request.
//!
//! Behind a reverse proxy every connection comes from the proxy, which appends the address it
//! saw to `X-Forwarded-For`. Only the entries added by proxies we trust
//! (`MONOSTAT_TRUSTED_PROXIES`) can be believed; everything left of them was written by the
//! client and may be anything. So the header is read from the right: while the hop that added
//! an entry is a trusted proxy, step one further left; the first address that is not a trusted
//! proxy is the client.

use crate::config::Config;
use crate::net::{TrustedProxies, canonical};
use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use std::convert::Infallible;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Client(IpAddr);

impl Client {
    pub fn ip(self) -> IpAddr {
        self.0
    }

    /// What rate limits count this client as (its IPv6 /64, see [`crate::net::limit_key`]).
    pub fn limit_key(self) -> String {
        crate::net::limit_key(self.0)
    }

    pub fn resolve(trusted: &TrustedProxies, peer: SocketAddr, headers: &HeaderMap) -> Client {
        let mut current = canonical(peer.ip());
        if !trusted.contains(current) {
            if headers.contains_key("x-forwarded-for") {
                warn_once_about_untrusted_proxy(current);
            }
            return Client(current);
        }
        // Several header lines are one list, in order (RFC 9110 §5.3). Bytes, not text: one
        // non-ASCII entry from the client must not hide the proxy's entries after it.
        let entries: Vec<&[u8]> = headers
            .get_all("x-forwarded-for")
            .iter()
            .flat_map(|value| value.as_bytes().split(|b| *b == b','))
            .collect();
        for entry in entries.into_iter().rev() {
            let entry = entry.trim_ascii();
            if entry.is_empty() {
                continue;
            }
            // An entry that is no address ("unknown", garbage): nothing left of it can be
            // traced, so the last hop we could follow is who is asking.
            let Some(ip) = hop_address(entry) else {
                break;
            };
            current = canonical(ip);
            if !trusted.contains(current) {
                return Client(current);
            }
        }
        Client(current)
    }
}

/// A proxy on a private network (a container's gateway, a load balancer) that is not listed
/// makes every client look like one, so that they share one rate limit; the operator should
/// hear about it once, not per request. Public addresses sending the header are clients trying.
fn warn_once_about_untrusted_proxy(peer: IpAddr) {
    static WARNED: AtomicBool = AtomicBool::new(false);
    let private = match peer {
        IpAddr::V4(ip) => ip.is_private() || ip.is_loopback() || ip.is_link_local(),
        IpAddr::V6(ip) => ip.is_loopback() || (ip.segments()[0] & 0xfe00) == 0xfc00,
    };
    if private && !WARNED.swap(true, Ordering::Relaxed) {
        tracing::warn!(
            %peer,
            "X-Forwarded-For from {peer} is ignored: it is not in MONOSTAT_TRUSTED_PROXIES. If it is your reverse proxy, add it there, or all clients share one rate limit"
        );
    }
}

/// An entry's address; some proxies write a port too (`192.0.2.1:4711`, `[2001:db8::1]:4711`).
fn hop_address(entry: &[u8]) -> Option<IpAddr> {
    let text = std::str::from_utf8(entry).ok()?;
    text.parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            text.strip_prefix('[')
                .and_then(|t| t.strip_suffix(']'))
                .and_then(|t| t.parse().ok())
        })
}

impl fmt::Display for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Any router whose state yields the configuration (for the trusted proxies) can extract it.
impl<S> FromRequestParts<S> for Client
where
    S: Send + Sync,
    Arc<Config>: FromRef<S>,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Infallible> {
        // Served without connection info (never in `app`), the peer is unknown: count it as one
        // unspecified client rather than fail the request.
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(SocketAddr::from(([0, 0, 0, 0], 0)), |info| info.0);
        let config = Arc::<Config>::from_ref(state);
        Ok(Client::resolve(
            &config.trusted_proxies,
            peer,
            &parts.headers,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::IpRange;
    use axum::http::HeaderValue;

    fn peer(ip: &str) -> SocketAddr {
        SocketAddr::new(ip.parse().expect("address"), 40_000)
    }

    fn headers(values: &[&[u8]]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append(
                "x-forwarded-for",
                HeaderValue::from_bytes(value).expect("header value"),
            );
        }
        map
    }

    fn client(trusted: &TrustedProxies, from: &str, forwarded: &[&[u8]]) -> String {
        Client::resolve(trusted, peer(from), &headers(forwarded)).to_string()
    }

    fn proxies(ranges: &[&str]) -> TrustedProxies {
        TrustedProxies::new(
            ranges
                .iter()
                .map(|r| IpRange::parse(r).expect("range"))
                .collect(),
        )
    }

    #[test]
    fn the_header_is_ignored_unless_a_trusted_proxy_sent_it() {
        let loopback = TrustedProxies::default();
        assert_eq!(
            client(&loopback, "203.0.113.9", &[b"1.2.3.4"]),
            "203.0.113.9"
        );
        // Private addresses are not trusted by default: another tenant of the network could
        // be anybody.
        assert_eq!(client(&loopback, "10.0.0.5", &[b"1.2.3.4"]), "10.0.0.5");
        assert_eq!(
            client(&loopback, "127.0.0.1", &[b"198.51.100.7"]),
            "198.51.100.7"
        );
        assert_eq!(client(&loopback, "::1", &[b"198.51.100.7"]), "198.51.100.7");
        // The proxy itself asking (a health check) is the proxy.
        assert_eq!(client(&loopback, "127.0.0.1", &[]), "127.0.0.1");
    }

    #[test]
    fn spoofed_leftmost_entries_are_ignored() {
        let loopback = TrustedProxies::default();
        // The client wrote "6.6.6.6, 127.0.0.1"; the proxy appended the address it saw.
        assert_eq!(
            client(
                &loopback,
                "127.0.0.1",
                &[b"6.6.6.6, 127.0.0.1, 198.51.100.7"]
            ),
            "198.51.100.7"
        );
        // The same list split over several header lines.
        assert_eq!(
            client(&loopback, "127.0.0.1", &[b"6.6.6.6", b"198.51.100.7"]),
            "198.51.100.7"
        );
        // Garbage and non-ASCII bytes on the client's side hide nothing the proxy added.
        assert_eq!(
            client(
                &loopback,
                "127.0.0.1",
                &[b"\xff\xfe, not-an-ip, 198.51.100.7"]
            ),
            "198.51.100.7"
        );
    }

    #[test]
    fn trusted_hops_are_skipped_from_the_right() {
        let chain = proxies(&["127.0.0.0/8", "10.0.0.0/8", "2001:db8:ffff::/48"]);
        // CDN edge (untrusted, so it is the client) → load balancer 10.1.1.1 → local proxy.
        assert_eq!(
            client(&chain, "127.0.0.1", &[b"6.6.6.6, 198.51.100.7, 10.1.1.1"]),
            "198.51.100.7"
        );
        assert_eq!(
            client(&chain, "10.2.2.2", &[b"2001:db8:1::5, 2001:db8:ffff::1"]),
            "2001:db8:1::5"
        );
        // Every hop trusted: the leftmost one we could follow.
        assert_eq!(
            client(&chain, "127.0.0.1", &[b"10.0.0.9, 10.1.1.1"]),
            "10.0.0.9"
        );
        // An unreadable entry stops the walk at the last hop that could be followed.
        assert_eq!(
            client(&chain, "127.0.0.1", &[b"198.51.100.7, unknown, 10.1.1.1"]),
            "10.1.1.1"
        );
        // Ports and brackets some proxies write.
        assert_eq!(
            client(&chain, "127.0.0.1", &[b"198.51.100.7:4711"]),
            "198.51.100.7"
        );
        assert_eq!(
            client(&chain, "127.0.0.1", &[b"[2001:db8:1::5]:4711"]),
            "2001:db8:1::5"
        );
        assert_eq!(
            client(&chain, "127.0.0.1", &[b"[2001:db8:1::5]"]),
            "2001:db8:1::5"
        );
    }

    #[test]
    fn mapped_addresses_are_their_ipv4_selves() {
        let chain = proxies(&["10.0.0.0/8"]);
        // A dual-stack socket shows the IPv4 proxy as ::ffff:10.0.0.1; it is still trusted.
        assert_eq!(
            client(&chain, "::ffff:10.0.0.1", &[b"::ffff:198.51.100.7"]),
            "198.51.100.7"
        );
        assert_eq!(
            client(&chain, "::ffff:203.0.113.9", &[b"1.2.3.4"]),
            "203.0.113.9"
        );
        let one = Client::resolve(
            &chain,
            peer("10.0.0.1"),
            &headers(&[b"::ffff:198.51.100.7"]),
        );
        let other = Client::resolve(&chain, peer("10.0.0.1"), &headers(&[b"198.51.100.7"]));
        assert_eq!(one.limit_key(), other.limit_key());
    }

    #[test]
    fn ipv6_clients_share_a_limit_per_64() {
        let loopback = TrustedProxies::default();
        let keys: Vec<String> = [
            "2001:db8:1:2::1",
            "2001:db8:1:2:dead:beef:0:1",
            "2001:db8:1:3::1",
        ]
        .iter()
        .map(|ip| Client::resolve(&loopback, peer("::1"), &headers(&[ip.as_bytes()])).limit_key())
        .collect();
        assert_eq!(keys[0], "2001:db8:1:2::/64");
        assert_eq!(keys[0], keys[1]);
        assert_ne!(keys[0], keys[2]);
    }
}

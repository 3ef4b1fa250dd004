//! Per-client rate limits (governor), for forms that cost somebody else something: each
//! accepted subscription sends a mail to an address the client chose.

use axum::http::HeaderMap;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

#[derive(Clone)]
pub struct ClientLimiter(Arc<DefaultKeyedRateLimiter<IpAddr>>);

impl ClientLimiter {
    /// `burst` requests at once, then one more every `period`.
    pub fn new(burst: u32, period: std::time::Duration) -> Self {
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(period)
            .unwrap_or(Quota::per_minute(NonZeroU32::MIN))
            .allow_burst(burst);
        Self(Arc::new(RateLimiter::keyed(quota)))
    }

    pub fn allow(&self, client: IpAddr) -> bool {
        self.0.check_key(&client).is_ok()
    }
}

/// Who is asking. Behind a reverse proxy on the same machine or private network every request
/// comes from the proxy, so there the address the proxy appended to `X-Forwarded-For` counts;
/// from anywhere else the header is ignored, since anybody could send one.
pub fn client_ip(peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    let peer_ip = peer.ip();
    let behind_proxy = match peer_ip {
        IpAddr::V4(ip) => ip.is_loopback() || ip.is_private(),
        IpAddr::V6(ip) => ip.is_loopback() || (ip.segments()[0] & 0xfe00) == 0xfc00,
    };
    if !behind_proxy {
        return peer_ip;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|ip| ip.trim().parse::<IpAddr>().ok())
        .next_back()
        .unwrap_or(peer_ip)
}

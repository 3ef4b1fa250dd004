//! Rate limits, for forms that cost somebody else something (each accepted subscription mails
//! an address the client chose) and for guessing passwords: governor on each instance, and one
//! allowance in Redis for all instances when Redis is configured.

use crate::redis::SharedRedis;
use axum::http::HeaderMap;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Beyond this many keys, the local counters forget those that are full again, so that random
/// usernames or addresses cannot grow them without bound.
const MAX_LOCAL_KEYS: usize = 10_000;

/// An allowance per key (a client address, a username): `burst` calls at once, then one more
/// every `period`. With Redis, all instances draw from one allowance; without it, or while
/// Redis is away, each instance counts on its own, which still limits, only more loosely.
#[derive(Clone)]
pub struct Allowance {
    name: &'static str,
    burst: u32,
    period: Duration,
    local: Arc<DefaultKeyedRateLimiter<String>>,
    redis: Option<SharedRedis>,
    redis_failing: Arc<AtomicBool>,
}

impl Allowance {
    pub fn new(
        name: &'static str,
        burst: u32,
        period: Duration,
        redis: Option<SharedRedis>,
    ) -> Self {
        let quota = Quota::with_period(period)
            .unwrap_or(Quota::per_minute(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN));
        Self {
            name,
            burst,
            period,
            local: Arc::new(RateLimiter::keyed(quota)),
            redis,
            redis_failing: Arc::default(),
        }
    }

    /// Takes one call for `key`; false when its allowance is used up.
    pub async fn take(&self, key: &str) -> bool {
        if let Some(redis) = &self.redis {
            let shared = redis
                .take(&redis_key(self.name, key), self.burst, self.period)
                .await;
            match shared {
                Ok(allowed) => {
                    note_redis(&self.redis_failing, None);
                    return allowed;
                }
                Err(e) => note_redis(&self.redis_failing, Some(&e)),
            }
        }
        if self.local.len() > MAX_LOCAL_KEYS {
            self.local.retain_recent();
        }
        self.local.check_key(&key.to_owned()).is_ok()
    }
}

/// Keys that must wait a while (a client or username that guessed too often); shared through
/// Redis like [`Allowance`].
#[derive(Clone)]
pub struct Waits {
    name: &'static str,
    local: Arc<Mutex<HashMap<String, Instant>>>,
    redis: Option<SharedRedis>,
    redis_failing: Arc<AtomicBool>,
}

impl Waits {
    pub fn new(name: &'static str, redis: Option<SharedRedis>) -> Self {
        Self {
            name,
            local: Arc::default(),
            redis,
            redis_failing: Arc::default(),
        }
    }

    /// `key` waits for `period` from now.
    pub async fn impose(&self, key: &str, period: Duration) {
        if let Ok(mut local) = self.local.lock() {
            local.insert(key.to_owned(), Instant::now() + period);
        }
        if let Some(redis) = &self.redis {
            let marked = redis.mark(&redis_key(self.name, key), period).await;
            note_redis(&self.redis_failing, marked.err().as_ref());
        }
    }

    /// Whether any of `keys` is still waiting, on this instance or, with Redis, on any.
    pub async fn any_waiting(&self, keys: &[&str]) -> bool {
        if let Ok(mut local) = self.local.lock() {
            let now = Instant::now();
            local.retain(|_, until| *until > now);
            if keys.iter().any(|key| local.contains_key(*key)) {
                return true;
            }
        }
        let Some(redis) = &self.redis else {
            return false;
        };
        let names: Vec<String> = keys.iter().map(|key| redis_key(self.name, key)).collect();
        match redis.any_marked(&names).await {
            Ok(waiting) => {
                note_redis(&self.redis_failing, None);
                waiting
            }
            Err(e) => {
                note_redis(&self.redis_failing, Some(&e));
                false
            }
        }
    }
}

/// Keys in Redis are hashed: usernames come from strangers and may be long or odd.
fn redis_key(name: &str, key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("limit:{name}:{hex}")
}

/// Logs when the shared counters become unavailable and when they are back, not on every call.
fn note_redis(failing: &AtomicBool, error: Option<&crate::redis::RedisError>) {
    match error {
        Some(e) => {
            if !failing.swap(true, Ordering::Relaxed) {
                tracing::warn!(error = %e, "rate limits: Redis is unavailable; counting on this instance only");
            }
        }
        None => {
            if failing.swap(false, Ordering::Relaxed) {
                tracing::info!("rate limits: shared through Redis again");
            }
        }
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

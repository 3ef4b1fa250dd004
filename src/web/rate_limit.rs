//! Rate limits, for forms that cost somebody else something (each accepted subscription mails
//! an address the client chose) and for guessing passwords: counted on each instance, and in
//! one allowance in Redis for all instances when Redis is configured.

use crate::redis::SharedRedis;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The most keys one allowance remembers on an instance (some 5 MB). Keys whose allowance is
/// full again are forgotten first; past this, the half closest to full, which loses the least.
const MAX_LOCAL_KEYS: usize = 50_000;
/// Below this many keys, nothing is swept.
const FIRST_SWEEP: usize = 1_024;

/// An allowance per key (a client, a username): `burst` calls at once, then one more every
/// `period`. With Redis, all instances draw from one allowance; without it, or while Redis is
/// away, each instance counts on its own, which still limits, only more loosely.
#[derive(Clone)]
pub struct Allowance {
    name: &'static str,
    burst: u32,
    period: Duration,
    local: Arc<Mutex<LocalCounts>>,
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
        Self {
            name,
            burst: burst.max(1),
            period: period.max(Duration::from_millis(1)),
            local: Arc::default(),
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
        match self.local.lock() {
            Ok(mut local) => local.take(key, Instant::now(), self.burst, self.period),
            Err(_) => true,
        }
    }

    /// Returns a call taken for `key` that turned out not to count (a right password).
    pub async fn give_back(&self, key: &str) {
        if let Some(redis) = &self.redis {
            match redis
                .give_back(&redis_key(self.name, key), self.period)
                .await
            {
                Ok(()) => {
                    note_redis(&self.redis_failing, None);
                    return;
                }
                Err(e) => note_redis(&self.redis_failing, Some(&e)),
            }
        }
        if let Ok(mut local) = self.local.lock() {
            local.give_back(key, Instant::now(), self.period);
        }
    }
}

/// One instance's counts: per key, the moment its allowance is full again (the "theoretical
/// arrival time" of GCRA, which is what governor and our Redis script keep too).
#[derive(Default)]
struct LocalCounts {
    full_at: HashMap<String, Instant>,
    /// The size at which the next sweep runs: twice what the last one left, so a sweep's cost
    /// is spread over at least as many new keys and no request pays for a scan on its own.
    sweep_at: usize,
    /// Entries looked at by sweeps so far, to show that the cost is spread.
    swept: usize,
}

impl LocalCounts {
    fn take(&mut self, key: &str, now: Instant, burst: u32, period: Duration) -> bool {
        let full_at = self
            .full_at
            .get(key)
            .copied()
            .filter(|t| *t > now)
            .unwrap_or(now);
        let next = full_at + period;
        if next.duration_since(now) > period * burst {
            return false;
        }
        if let Some(existing) = self.full_at.get_mut(key) {
            *existing = next;
        } else {
            if self.full_at.len() >= self.sweep_at.max(FIRST_SWEEP) {
                self.sweep(now);
            }
            self.full_at.insert(key.to_owned(), next);
        }
        true
    }

    fn give_back(&mut self, key: &str, now: Instant, period: Duration) {
        if let Some(full_at) = self.full_at.get_mut(key) {
            match full_at.checked_sub(period) {
                Some(earlier) if earlier > now => *full_at = earlier,
                _ => {
                    self.full_at.remove(key);
                }
            }
        }
    }

    fn sweep(&mut self, now: Instant) {
        self.swept += self.full_at.len();
        self.full_at.retain(|_, full_at| *full_at > now);
        if self.full_at.len() >= MAX_LOCAL_KEYS / 4 * 3 {
            let mut times: Vec<Instant> = self.full_at.values().copied().collect();
            let middle = times.len() / 2;
            let cut = *times.select_nth_unstable(middle).1;
            self.full_at.retain(|_, full_at| *full_at > cut);
            tracing::warn!(
                kept = self.full_at.len(),
                "rate limits: too many clients at once; forgot the half closest to their full allowance"
            );
        }
        self.sweep_at = (self.full_at.len() * 2).clamp(FIRST_SWEEP, MAX_LOCAL_KEYS);
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

#[cfg(test)]
mod tests {
    use super::*;

    const PERIOD: Duration = Duration::from_secs(30);

    #[test]
    fn a_burst_then_one_per_period_and_given_back_calls_count_again() {
        let mut counts = LocalCounts::default();
        let start = Instant::now();
        for _ in 0..3 {
            assert!(counts.take("a", start, 3, PERIOD));
        }
        assert!(!counts.take("a", start, 3, PERIOD));
        assert!(counts.take("b", start, 3, PERIOD), "keys count apart");
        counts.give_back("a", start, PERIOD);
        assert!(counts.take("a", start, 3, PERIOD));
        assert!(!counts.take("a", start, 3, PERIOD));
        assert!(
            counts.take("a", start + PERIOD, 3, PERIOD),
            "one more per period"
        );
        assert!(!counts.take("a", start + PERIOD, 3, PERIOD));
        // Giving back more than was taken cannot bank extra calls.
        for _ in 0..10 {
            counts.give_back("b", start, PERIOD);
        }
        assert!(!counts.full_at.contains_key("b"));
        for _ in 0..3 {
            assert!(counts.take("b", start, 3, PERIOD));
        }
        assert!(!counts.take("b", start, 3, PERIOD));
    }

    #[test]
    fn memory_stays_bounded_and_sweeps_are_rare() {
        let mut counts = LocalCounts::default();
        let start = Instant::now();
        let mut largest = 0;
        let keys = MAX_LOCAL_KEYS * 4;
        for n in 0..keys {
            // Every key stays in use (its allowance is not full again): the worst case.
            assert!(counts.take(&n.to_string(), start, 5, PERIOD));
            largest = largest.max(counts.full_at.len());
        }
        assert!(largest <= MAX_LOCAL_KEYS, "{largest}");
        // Sweeps looked at a few entries per new key in all, not the whole map per request.
        assert!(counts.swept <= 4 * keys, "{} entries swept", counts.swept);
        // Keys that are full again go first, without forgetting the ones in use.
        let mut counts = LocalCounts::default();
        for n in 0..FIRST_SWEEP {
            counts.take(&format!("old{n}"), start, 5, PERIOD);
        }
        for _ in 0..5 {
            counts.take("busy", start + PERIOD * 2, 5, PERIOD);
        }
        counts.take("new", start + PERIOD * 2, 5, PERIOD);
        assert!(counts.full_at.len() < 10, "{}", counts.full_at.len());
        assert!(!counts.take("busy", start + PERIOD * 2, 5, PERIOD));
    }
}

//! When to try a failed job again.

use std::time::Duration;

/// Exponential backoff with jitter: the n-th retry waits between half and all of
/// `base * 2^(n-1)`, capped at `max_delay`. The jitter spreads retries of many jobs that failed
/// together (an SMTP server that was down for everyone) so they do not return as one wave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl RetryPolicy {
    /// With the default policy, 12 attempts keep trying for about two hours: long enough to
    /// outlast a typical Slack or mail-provider outage, short enough that a stale Slack update
    /// is not posted the next day.
    pub const DEFAULT_MAX_ATTEMPTS: i32 = 12;

    /// The delay before the attempt after `failed_attempt` (1 for the first failure);
    /// `jitter` is a number in `[0, 1)`, drawn at random in production.
    pub fn delay(&self, failed_attempt: i32, jitter: f64) -> Duration {
        let exponent = u32::try_from(failed_attempt.saturating_sub(1))
            .unwrap_or(0)
            .min(30);
        let full = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(exponent))
            .min(self.max_delay);
        full.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            base_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(60 * 60),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_with_each_failure() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(1, 1.0), Duration::from_secs(2));
        assert_eq!(p.delay(2, 1.0), Duration::from_secs(4));
        assert_eq!(p.delay(5, 1.0), Duration::from_secs(32));
    }

    #[test]
    fn jitter_takes_off_at_most_half() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(3, 0.0), Duration::from_secs(4));
        assert_eq!(p.delay(3, 0.5), Duration::from_secs(6));
    }

    #[test]
    fn delays_are_capped() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(40, 1.0), Duration::from_secs(3600));
        assert_eq!(p.delay(i32::MAX, 1.0), Duration::from_secs(3600));
    }

    #[test]
    fn the_default_attempts_span_about_two_hours() {
        let p = RetryPolicy::default();
        let total: Duration = (1..RetryPolicy::DEFAULT_MAX_ATTEMPTS)
            .map(|n| p.delay(n, 1.0))
            .sum();
        assert!(
            total > Duration::from_secs(3600) && total < Duration::from_secs(3 * 3600),
            "{total:?}"
        );
    }
}

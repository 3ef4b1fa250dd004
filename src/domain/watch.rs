//! The watch on the watcher: when monitoring has gone quiet, and when a suspected incident
//! nobody confirmed is due a nudge. Plain rules; `service::watch` applies them.

use super::incident::{Incident, IncidentStatus};
use jiff::{SignedDuration, Timestamp};

/// How often pings are expected, and how much lateness is tolerated on top.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Heartbeat {
    pub interval: SignedDuration,
    pub grace: SignedDuration,
}

impl Heartbeat {
    /// From the stored settings (seconds); negative values count as zero.
    pub fn from_seconds(interval: i64, grace: i64) -> Heartbeat {
        Heartbeat {
            interval: SignedDuration::from_secs(interval.max(0)),
            grace: SignedDuration::from_secs(grace.max(0)),
        }
    }

    /// Pings at or after this moment keep monitoring alive at `now`.
    pub fn cutoff(self, now: Timestamp) -> Timestamp {
        now.checked_sub(self.interval + self.grace)
            .unwrap_or(Timestamp::MIN)
    }

    /// Whether monitoring is quiet at `now`: it pinged once (the watch is off until the first
    /// ping, so an installation that never set up a heartbeat is never told it stopped), and
    /// not since interval + grace.
    pub fn is_quiet(self, last_ping: Option<Timestamp>, now: Timestamp) -> bool {
        last_ping.is_some_and(|last| last < self.cutoff(now))
    }

    /// Whether an instance watching since `up_since` has watched long enough at `now` to blame
    /// a silence on monitoring: interval + grace, the time monitoring is given to ping. Before
    /// that, the silence may be monostat's own (pings sent while it was down or deploying went
    /// nowhere); an instance up for longer reports it if it is real.
    pub fn has_watched(self, up_since: Timestamp, now: Timestamp) -> bool {
        up_since <= self.cutoff(now)
    }
}

/// When a suspicion began, for the nudge: when it started or when it was recorded, whichever
/// is later, so an incident entered with a start in the past is not nudged the moment it exists.
pub fn suspected_since(incident: &Incident) -> Timestamp {
    incident.start.max(incident.created)
}

/// Whether `incident` is due its one nudge at `now` (`minutes` 0: nudges are off): it is
/// still suspected (nobody confirmed or dismissed it), has been for `minutes`, and was not
/// nudged before.
pub fn nudge_due(
    incident: &Incident,
    nudged: Option<Timestamp>,
    minutes: i64,
    now: Timestamp,
) -> bool {
    incident.status == IncidentStatus::Suspected
        && nudged.is_none()
        && nudge_cutoff(minutes, now).is_some_and(|cutoff| suspected_since(incident) <= cutoff)
}

/// Suspicions that began at or before this moment are due a nudge at `now`; `None` when
/// nudges are off.
pub fn nudge_cutoff(minutes: i64, now: Timestamp) -> Option<Timestamp> {
    (minutes > 0).then(|| {
        now.checked_sub(SignedDuration::from_mins(minutes))
            .unwrap_or(Timestamp::MIN)
    })
}

/// A span as people say it: "45 seconds", "1 minute", "12 minutes", "2 hours 5 minutes",
/// "3 days 4 hours". Rounded down to its two largest units; never negative.
pub fn span_words(span: SignedDuration) -> String {
    let secs = span.as_secs().max(0);
    let unit = |n: i64, one: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    let (days, hours, minutes) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60);
    if days > 0 {
        if hours > 0 {
            format!("{} {}", unit(days, "day"), unit(hours, "hour"))
        } else {
            unit(days, "day")
        }
    } else if hours > 0 {
        if minutes > 0 {
            format!("{} {}", unit(hours, "hour"), unit(minutes, "minute"))
        } else {
            unit(hours, "hour")
        }
    } else if minutes > 0 {
        unit(minutes, "minute")
    } else {
        unit(secs, "second")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Severity;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    fn suspected(start: &str, created: &str) -> Incident {
        Incident {
            id: 1,
            status: IncidentStatus::Suspected,
            severity: Severity::Outage,
            start: at(start),
            end: None,
            title: "Shop down".into(),
            summary: None,
            slack_message_ts: None,
            silent: false,
            last_notified_status: None,
            created: at(created),
            updated: at(created),
            schedule_sequence: 0,
            cancelled: None,
        }
    }

    #[test]
    fn monitoring_is_quiet_after_interval_plus_grace_and_never_before_the_first_ping() {
        let beat = Heartbeat::from_seconds(60, 30);
        let now = at("2026-11-30T12:00:00Z");
        assert!(!beat.is_quiet(None, now), "off until the first ping");
        assert!(
            !beat.is_quiet(Some(at("2026-11-30T11:58:30Z")), now),
            "exactly on time"
        );
        assert!(beat.is_quiet(Some(at("2026-11-30T11:58:29.999Z")), now));
        assert!(!beat.is_quiet(Some(at("2026-11-30T11:59:59Z")), now));
        // A ping from an instance whose clock runs ahead is not silence.
        assert!(!beat.is_quiet(Some(at("2026-11-30T12:00:05Z")), now));
        assert_eq!(beat.cutoff(now), at("2026-11-30T11:58:30Z"));
    }

    #[test]
    fn an_instance_blames_monitoring_only_after_watching_for_interval_plus_grace() {
        let beat = Heartbeat::from_seconds(60, 30);
        let now = at("2026-11-30T12:00:00Z");
        assert!(
            !beat.has_watched(at("2026-11-30T11:59:59Z"), now),
            "just up"
        );
        assert!(!beat.has_watched(at("2026-11-30T11:58:30.001Z"), now));
        assert!(beat.has_watched(at("2026-11-30T11:58:30Z"), now), "90 s");
        assert!(beat.has_watched(at("2026-11-30T08:00:00Z"), now));
    }

    #[test]
    fn a_suspicion_is_nudged_once_after_its_minutes_and_only_while_suspected() {
        let now = at("2026-11-30T12:00:00Z");
        let old = suspected("2026-11-30T11:50:00Z", "2026-11-30T11:50:00Z");
        assert!(nudge_due(&old, None, 10, now));
        assert!(!nudge_due(&old, None, 11, now), "not yet");
        assert!(!nudge_due(&old, None, 0, now), "0: off");
        assert!(!nudge_due(&old, Some(now), 10, now), "once");
        for status in [
            IncidentStatus::Confirmed,
            IncidentStatus::Dismissed,
            IncidentStatus::Watching,
            IncidentStatus::Resolved,
            IncidentStatus::Planned,
        ] {
            let other = Incident {
                status,
                ..old.clone()
            };
            assert!(!nudge_due(&other, None, 10, now), "{status}");
        }
        // Entered a minute ago with a start an hour back: the suspicion is a minute old.
        let backdated = suspected("2026-11-30T11:00:00Z", "2026-11-30T11:59:00Z");
        assert!(!nudge_due(&backdated, None, 10, now));
        assert_eq!(suspected_since(&backdated), at("2026-11-30T11:59:00Z"));
    }

    #[test]
    fn spans_are_said_in_their_two_largest_units() {
        let words = |secs| span_words(SignedDuration::from_secs(secs));
        assert_eq!(words(-5), "0 seconds");
        assert_eq!(words(1), "1 second");
        assert_eq!(words(45), "45 seconds");
        assert_eq!(words(60), "1 minute");
        assert_eq!(words(61), "1 minute");
        assert_eq!(words(600), "10 minutes");
        assert_eq!(words(3_600), "1 hour");
        assert_eq!(words(7_500), "2 hours 5 minutes");
        assert_eq!(words(86_400 * 3 + 3_600 * 4 + 59), "3 days 4 hours");
        assert_eq!(words(86_400), "1 day");
    }
}

//! Uptime from incidents: the one rule behind every uptime figure the site shows (the history's
//! day cells, the status page's 30 and 90 days, the uptime badges, `/api/v2/uptime.json`), so
//! that they all agree to the last decimal. docs/uptime.md explains it for readers.
//!
//! The rule is the one Statuspage users know:
//!
//! - an **outage** that is confirmed, watched or resolved counts fully as down, a **partial
//!   outage** in those statuses at 30 %; maintenance, notices and known bugs never count, nor do
//!   suspicions (not yet confirmed), dismissed false alarms and planned maintenance. A watched
//!   outage still counts although the headline no longer says down (`overall_state`): the
//!   headline tells how things are now, uptime how they were, and the watched seconds count
//!   anyway once it is resolved, so leaving them out meanwhile would only make the figure drop
//!   at the resolution;
//! - once it counts, an incident counts **from its start to its end** (or to now while it is
//!   open): a suspicion confirmed after ten minutes was an outage for those ten minutes too, as
//!   on Statuspage, where an incident's whole duration counts. Its severity now is its severity
//!   throughout, since only status changes are recorded with times;
//! - incidents on the same instant do not add up: each second takes the worst weight of the
//!   incidents on it;
//! - everything is measured in whole seconds (instants are cut to the second before them);
//! - a day is a day in the site's time zone (23 or 25 hours when the clocks change), and a
//!   window of *n* days is the *n* full days ending today, where today counts up to now;
//! - a percentage is cut, never rounded, to three decimals: 100.000 % only when nothing counted
//!   as down, and a single second of outage shows.
//!
//! Pure: the caller reads the incidents (one query per rendering) and passes the clock.

use super::incident::{Incident, IncidentStatus, Severity};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::fmt;

/// How much a second of an incident counts as down. Ordered from least to worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Weight {
    /// A partial outage: 30 % of the second is down.
    Partial,
    /// An outage: the whole second is down.
    Full,
}

impl Weight {
    /// The weight in tenths, so that sums stay whole numbers.
    const fn tenths(self) -> i64 {
        match self {
            Self::Partial => 3,
            Self::Full => 10,
        }
    }
}

/// Whether an incident with this status and severity counts toward downtime, and how much.
/// See the module's rule.
pub fn weight(status: IncidentStatus, severity: Severity) -> Option<Weight> {
    let happened = matches!(
        status,
        IncidentStatus::Confirmed | IncidentStatus::Watching | IncidentStatus::Resolved
    );
    match severity {
        _ if !happened => None,
        Severity::Outage => Some(Weight::Full),
        Severity::Partial => Some(Weight::Partial),
        Severity::Bug | Severity::Notice | Severity::Maintenance => None,
    }
}

/// What a stretch of time amounted to, in whole seconds. Measures of disjoint stretches add up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Measure {
    /// How long the stretch is (up to now).
    pub seconds: i64,
    /// Seconds whose worst incident was an outage.
    pub down_seconds: i64,
    /// Seconds whose worst incident was a partial outage.
    pub partial_seconds: i64,
}

impl Measure {
    /// The share of the stretch that was up, cut to three decimals; 100 % for an empty stretch.
    pub fn percent(&self) -> Percent {
        let total = i128::from(self.seconds) * 10;
        if total <= 0 {
            return Percent::HUNDRED;
        }
        let down = i128::from(self.down_seconds) * i128::from(Weight::Full.tenths())
            + i128::from(self.partial_seconds) * i128::from(Weight::Partial.tenths());
        let up = (total - down).clamp(0, total);
        // Integer division cuts: the figure never looks better than it was.
        let thousandths = up * i128::from(Percent::HUNDRED.0) / total;
        Percent(u32::try_from(thousandths).unwrap_or(Percent::HUNDRED.0))
    }
}

impl std::ops::AddAssign for Measure {
    fn add_assign(&mut self, other: Self) {
        self.seconds += other.seconds;
        self.down_seconds += other.down_seconds;
        self.partial_seconds += other.partial_seconds;
    }
}

impl std::iter::Sum for Measure {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        let mut total = Self::default();
        for m in iter {
            total += m;
        }
        total
    }
}

/// An uptime percentage in thousandths of a percent (`99_958` is 99.958 %), so that every place
/// shows the very same digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Percent(u32);

impl Percent {
    pub const HUNDRED: Percent = Percent(100_000);

    pub fn thousandths(self) -> u32 {
        self.0
    }

    /// For JSON: the same three decimals as the text (`99.958`).
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 1000.0
    }
}

/// The number with its three decimals and no unit (`99.958`), the one way it is written.
impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}", self.0 / 1000, self.0 % 1000)
    }
}

/// Each day's measure from `first` to today (the day of `now` in `tz`), today up to now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Days {
    first: Date,
    measures: Vec<Measure>,
}

impl Days {
    /// Measures the days from `first` to today by the rule, from the incidents that may count
    /// (others in `incidents` are left out here, whatever the caller selected).
    pub fn measure(incidents: &[Incident], tz: &TimeZone, first: Date, now: Timestamp) -> Days {
        let now_s = now.as_second();
        let today = now.to_zoned(tz.clone()).date();
        // Where each day begins, then where the last (today) ends: now.
        let mut bounds: Vec<i64> = Vec::new();
        let mut day = first;
        while day <= today {
            match day.to_zoned(tz.clone()) {
                Ok(start) => bounds.push(start.timestamp().as_second().min(now_s)),
                Err(_) => break,
            }
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        let days = bounds.len();
        bounds.push(now_s);
        let mut measures: Vec<Measure> = bounds
            .windows(2)
            .map(|w| Measure {
                seconds: (w[1] - w[0]).max(0),
                ..Measure::default()
            })
            .collect();
        let (Some(&from), true) = (bounds.first(), days > 0) else {
            return Days { first, measures };
        };
        for (start, end, weight) in worst_segments(incidents, from, now_s) {
            // The day `start` falls on, then each following day the segment reaches.
            let mut i = bounds[..days]
                .partition_point(|b| *b <= start)
                .saturating_sub(1);
            while i < days && bounds[i] < end {
                let overlap = end.min(bounds[i + 1]) - start.max(bounds[i]);
                if overlap > 0 {
                    match weight {
                        Weight::Full => measures[i].down_seconds += overlap,
                        Weight::Partial => measures[i].partial_seconds += overlap,
                    }
                }
                i += 1;
            }
        }
        Days { first, measures }
    }

    /// The measure of `day`, if it is one of these days.
    pub fn get(&self, day: Date) -> Option<Measure> {
        let offset = (day - self.first).get_days();
        usize::try_from(offset)
            .ok()
            .and_then(|i| self.measures.get(i).copied())
    }

    /// The last `n` days together, today included (fewer if there are fewer).
    pub fn last(&self, n: usize) -> Measure {
        self.measures.iter().rev().take(n).copied().sum()
    }

    /// Every day, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = (Date, Measure)> + '_ {
        let first = self.first;
        self.measures
            .iter()
            .enumerate()
            .rev()
            .filter_map(move |(i, m)| {
                let i = i64::try_from(i).ok()?;
                first
                    .checked_add(jiff::Span::new().try_days(i).ok()?)
                    .ok()
                    .map(|d| (d, *m))
            })
    }
}

/// The stretches of `[from, now)` on which some counting incident ran, disjoint and in order,
/// each with the worst weight on it: a sweep over the incidents' starts and ends, counting how
/// many of each weight are running.
fn worst_segments(incidents: &[Incident], from: i64, now: i64) -> Vec<(i64, i64, Weight)> {
    let mut events: Vec<(i64, Weight, i64)> = Vec::new();
    for incident in incidents {
        let Some(weight) = weight(incident.status, incident.severity) else {
            continue;
        };
        let start = incident.start.as_second().max(from);
        let end = incident.end.map_or(now, |e| e.as_second()).min(now);
        if start < end {
            events.push((start, weight, 1));
            events.push((end, weight, -1));
        }
    }
    events.sort_unstable_by_key(|(at, _, _)| *at);
    let mut segments: Vec<(i64, i64, Weight)> = Vec::new();
    let (mut full, mut partial) = (0i64, 0i64);
    let mut i = 0;
    while i < events.len() {
        let at = events[i].0;
        // Every change at this instant before deciding what runs from it on.
        while i < events.len() && events[i].0 == at {
            let (_, weight, delta) = events[i];
            match weight {
                Weight::Full => full += delta,
                Weight::Partial => partial += delta,
            }
            i += 1;
        }
        let Some(&(next, _, _)) = events.get(i) else {
            break;
        };
        let running = if full > 0 {
            Some(Weight::Full)
        } else if partial > 0 {
            Some(Weight::Partial)
        } else {
            None
        };
        if let Some(weight) = running {
            match segments.last_mut() {
                Some(last) if last.1 == at && last.2 == weight => last.1 = next,
                _ => segments.push((at, next, weight)),
            }
        }
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;
    use IncidentStatus::*;
    use Severity::*;
    use jiff::civil::date;

    const DAY: i64 = 86_400;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    fn incident(
        status: IncidentStatus,
        severity: Severity,
        start: &str,
        end: Option<&str>,
    ) -> Incident {
        Incident {
            id: 1,
            status,
            severity,
            start: ts(start),
            end: end.map(ts),
            title: "t".into(),
            summary: None,
            slack_message_ts: None,
            silent: false,
            last_notified_status: None,
            created: ts(start),
            updated: ts(start),
            schedule_sequence: 0,
            cancelled: None,
        }
    }

    fn utc_day(incidents: &[Incident], day: Date) -> Measure {
        let now = ts("2026-11-30T00:00:00Z");
        Days::measure(incidents, &TimeZone::UTC, date(2026, 11, 1), now)
            .get(day)
            .expect("a measured day")
    }

    #[test]
    fn confirmed_watched_and_resolved_outages_count_fully_partial_ones_at_thirty_percent() {
        for status in [Confirmed, Watching, Resolved] {
            assert_eq!(weight(status, Outage), Some(Weight::Full), "{status}");
            assert_eq!(weight(status, Partial), Some(Weight::Partial), "{status}");
        }
    }

    #[test]
    fn maintenance_notices_bugs_suspicions_and_dismissals_never_count() {
        for status in IncidentStatus::ALL {
            for severity in [Maintenance, Notice, Bug] {
                assert_eq!(weight(status, severity), None, "{status} {severity}");
            }
        }
        for status in [Planned, Suspected, Dismissed] {
            for severity in Severity::ALL {
                assert_eq!(weight(status, severity), None, "{status} {severity}");
            }
        }
    }

    #[test]
    fn a_day_without_incidents_is_a_hundred_percent() {
        let m = utc_day(&[], date(2026, 11, 10));
        assert_eq!(m.seconds, DAY);
        assert_eq!(m.percent().to_string(), "100.000");
    }

    #[test]
    fn a_ninety_minute_outage_and_a_ten_hour_partial_one() {
        let outage = incident(
            Resolved,
            Outage,
            "2026-11-10T08:00:00Z",
            Some("2026-11-10T09:30:00Z"),
        );
        let m = utc_day(&[outage], date(2026, 11, 10));
        assert_eq!(m.down_seconds, 90 * 60);
        // 1 - 5400 / 86400 = 93.75 %
        assert_eq!(m.percent().to_string(), "93.750");

        let partial = incident(
            Resolved,
            Partial,
            "2026-11-11T00:00:00Z",
            Some("2026-11-11T10:00:00Z"),
        );
        let m = utc_day(&[partial], date(2026, 11, 11));
        assert_eq!(m.partial_seconds, 10 * 3600);
        // 1 - 0.3 × 36000 / 86400 = 87.5 %
        assert_eq!(m.percent().to_string(), "87.500");
    }

    #[test]
    fn overlapping_incidents_take_the_worst_weight_and_never_add_up() {
        let incidents = [
            // 10:00-12:00 outage, 11:00-14:00 partial, 11:30-11:45 another outage.
            incident(
                Resolved,
                Outage,
                "2026-11-10T10:00:00Z",
                Some("2026-11-10T12:00:00Z"),
            ),
            incident(
                Resolved,
                Partial,
                "2026-11-10T11:00:00Z",
                Some("2026-11-10T14:00:00Z"),
            ),
            incident(
                Watching,
                Outage,
                "2026-11-10T11:30:00Z",
                Some("2026-11-10T11:45:00Z"),
            ),
        ];
        let m = utc_day(&incidents, date(2026, 11, 10));
        assert_eq!(m.down_seconds, 2 * 3600);
        assert_eq!(m.partial_seconds, 2 * 3600, "12:00 to 14:00 only");
    }

    #[test]
    fn an_outage_across_midnight_counts_on_both_days_of_the_site_time_zone() {
        // 22:30 to 01:30 in Berlin (UTC+1 in November): 90 minutes on each side of midnight.
        let tz = TimeZone::get("Europe/Berlin").expect("tz");
        let outage = incident(
            Resolved,
            Outage,
            "2026-11-10T21:30:00Z",
            Some("2026-11-11T00:30:00Z"),
        );
        let days = Days::measure(
            &[outage],
            &tz,
            date(2026, 11, 1),
            ts("2026-11-20T12:00:00Z"),
        );
        assert_eq!(
            days.get(date(2026, 11, 10)).expect("10th").down_seconds,
            5400
        );
        assert_eq!(
            days.get(date(2026, 11, 11)).expect("11th").down_seconds,
            5400
        );
        assert_eq!(days.last(30).down_seconds, 3 * 3600);
    }

    #[test]
    fn days_follow_the_clock_changes() {
        // Berlin's 25 October 2026 has 25 hours, 29 March 2026 has 23.
        let tz = TimeZone::get("Europe/Berlin").expect("tz");
        let days = Days::measure(&[], &tz, date(2026, 3, 1), ts("2026-11-20T12:00:00Z"));
        assert_eq!(
            days.get(date(2026, 10, 25)).expect("day").seconds,
            25 * 3600
        );
        assert_eq!(days.get(date(2026, 3, 29)).expect("day").seconds, 23 * 3600);
    }

    #[test]
    fn today_counts_up_to_now_and_an_open_outage_lasts_until_now() {
        let open = incident(Confirmed, Outage, "2026-11-20T11:00:00Z", None);
        let days = Days::measure(
            &[open],
            &TimeZone::UTC,
            date(2026, 11, 1),
            ts("2026-11-20T12:00:00.900Z"),
        );
        let today = days.get(date(2026, 11, 20)).expect("today");
        assert_eq!(today.seconds, 12 * 3600, "whole seconds: the .9 is cut");
        assert_eq!(today.down_seconds, 3600);
        assert_eq!(days.get(date(2026, 11, 21)), None, "tomorrow has not begun");
        // 1 - 3600 / 43200 = 91.666…: cut, not rounded.
        assert_eq!(today.percent().to_string(), "91.666");
    }

    #[test]
    fn a_window_is_the_full_days_ending_today() {
        let outage = incident(
            Resolved,
            Outage,
            "2026-10-22T00:00:00Z",
            Some("2026-10-22T01:00:00Z"),
        );
        let now = ts("2026-11-20T06:00:00Z");
        let days = Days::measure(&[outage], &TimeZone::UTC, date(2026, 9, 1), now);
        // 30 days ending 20 November begin on 22 October.
        let window = days.last(30);
        assert_eq!(window.seconds, 29 * DAY + 6 * 3600);
        assert_eq!(window.down_seconds, 3600);
        assert_eq!(days.last(29).down_seconds, 0);
        assert_eq!(
            days.newest_first().next().map(|(d, _)| d),
            Some(date(2026, 11, 20))
        );
    }

    #[test]
    fn one_second_of_outage_shows_below_a_hundred_percent() {
        let blip = incident(
            Resolved,
            Outage,
            "2026-11-10T08:00:00Z",
            Some("2026-11-10T08:00:01Z"),
        );
        let m = utc_day(&[blip], date(2026, 11, 10));
        assert_eq!(m.percent().to_string(), "99.998");
        assert_eq!(m.percent().as_f64(), 99.998);
    }

    #[test]
    fn an_incident_ending_before_it_starts_or_after_now_is_cut_to_what_happened() {
        let backwards = incident(
            Resolved,
            Outage,
            "2026-11-10T08:00:00Z",
            Some("2026-11-10T07:00:00Z"),
        );
        assert_eq!(utc_day(&[backwards], date(2026, 11, 10)).down_seconds, 0);
        let ahead = incident(
            Confirmed,
            Outage,
            "2026-11-29T23:00:00Z",
            Some("2026-12-05T00:00:00Z"),
        );
        let days = Days::measure(
            &[ahead],
            &TimeZone::UTC,
            date(2026, 11, 1),
            ts("2026-11-30T01:00:00Z"),
        );
        assert_eq!(days.last(90).down_seconds, 2 * 3600);
    }
}

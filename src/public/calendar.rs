//! The history page's calendars: which days of the last twelve months had which worst incident,
//! and each day's uptime (`super::uptime`).

use super::uptime::{self, Figures};
use crate::domain::{Incident, Severity};
use crate::i18n::{Arg, Language};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use std::collections::HashMap;

/// How many months the history shows, the current one included.
pub const MONTHS: i32 = 12;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthView {
    pub title: String,
    /// Monday first; days of neighbouring months are blank cells.
    pub weeks: Vec<Vec<DayCell>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayCell {
    /// `None` for padding before the first and after the last day.
    pub day: Option<i8>,
    /// The day view, for days that have begun.
    pub link: Option<String>,
    pub severity: Option<Severity>,
    /// What the cell says to screen readers and in its tooltip: the date, the worst severity
    /// and the day's uptime.
    pub label: String,
}

impl DayCell {
    pub fn severity_class(&self) -> &'static str {
        self.severity.map(severity_class).unwrap_or("")
    }
}

/// The CSS class that marks a day (and the legend) with a severity.
pub fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Outage => "sev-outage",
        Severity::Partial => "sev-partial",
        Severity::Bug => "sev-bug",
        Severity::Notice => "sev-notice",
        Severity::Maintenance => "sev-maintenance",
    }
}

/// The first day the history covers: the first of the month eleven months before `today`'s.
pub fn first_day(today: Date) -> Date {
    today
        .first_of_month()
        .checked_sub((MONTHS - 1).months())
        .unwrap_or(today.first_of_month())
}

/// The worst severity of the incidents touching each day from `from` to `today`, in `tz`. An
/// incident without an end touches every day up to `now`.
pub fn worst_by_day(
    incidents: &[Incident],
    tz: &TimeZone,
    from: Date,
    today: Date,
    now: Timestamp,
) -> HashMap<Date, Severity> {
    let mut marks: HashMap<Date, Severity> = HashMap::new();
    for incident in incidents.iter().filter(|i| i.status.is_public()) {
        let first = incident.start.to_zoned(tz.clone()).date().max(from);
        let last = incident
            .end
            .unwrap_or(now)
            .max(incident.start)
            .to_zoned(tz.clone())
            .date()
            .min(today);
        let mut day = first;
        while day <= last {
            let mark = marks.entry(day).or_insert(incident.severity);
            *mark = (*mark).max(incident.severity);
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
    }
    marks
}

/// Twelve months of calendars, newest first.
pub fn months(
    today: Date,
    marks: &HashMap<Date, Severity>,
    uptime: &Figures,
    lang: &Language,
) -> Vec<MonthView> {
    let mut months = Vec::new();
    let mut first = today.first_of_month();
    for _ in 0..MONTHS {
        months.push(month(first, today, marks, uptime, lang));
        first = match first.checked_sub(1.month()) {
            Ok(previous) => previous,
            Err(_) => break,
        };
    }
    months
}

fn month(
    first: Date,
    today: Date,
    marks: &HashMap<Date, Severity>,
    uptime: &Figures,
    lang: &Language,
) -> MonthView {
    let blank = || DayCell {
        day: None,
        link: None,
        severity: None,
        label: String::new(),
    };
    let mut cells: Vec<DayCell> = (0..first.weekday().to_monday_zero_offset())
        .map(|_| blank())
        .collect();
    for day in first
        .series(1.day())
        .take(usize::from(first.days_in_month().unsigned_abs()))
    {
        let long = lang.date_medium(day);
        cells.push(if day > today {
            DayCell {
                day: Some(day.day()),
                link: None,
                severity: None,
                label: long,
            }
        } else {
            let severity = marks.get(&day).copied();
            let what = match severity {
                Some(s) => lang.with(
                    "day-worst",
                    &[
                        ("day", Arg::Text(&long)),
                        ("severity", Arg::Text(&lang.severity(s))),
                    ],
                ),
                None => lang.t1("day-quiet", "day", &long),
            };
            DayCell {
                day: Some(day.day()),
                link: Some(format!("/{day}")),
                severity,
                label: match uptime.day(day) {
                    Some(m) => lang.with(
                        "day-uptime",
                        &[
                            ("what", Arg::Text(&what)),
                            ("percent", Arg::Text(&uptime::text(m.percent(), lang))),
                        ],
                    ),
                    None => what,
                },
            }
        });
    }
    while !cells.len().is_multiple_of(7) {
        cells.push(blank());
    }
    MonthView {
        title: lang.month_year(first),
        weeks: cells.chunks(7).map(<[DayCell]>::to_vec).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::IncidentStatus;
    use jiff::civil::date;

    fn incident(
        start: &str,
        end: Option<&str>,
        severity: Severity,
        status: IncidentStatus,
    ) -> Incident {
        let ts = |s: &str| s.parse::<Timestamp>().expect("timestamp");
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

    #[test]
    fn months_start_on_monday_and_come_newest_first() {
        let now: Timestamp = "2026-11-24T12:00:00Z".parse().expect("now");
        let uptime = Figures {
            days: crate::domain::uptime::Days::measure(&[], &TimeZone::UTC, date(2026, 11, 1), now),
        };
        let months = months(
            date(2026, 11, 24),
            &HashMap::new(),
            &uptime,
            crate::i18n::english(),
        );
        assert_eq!(months.len(), 12);
        assert_eq!(months[0].title, "November 2026");
        assert_eq!(months[11].title, "December 2025");
        // 1 November 2026 is a Sunday: six blank cells, then the 1st.
        let first_week = &months[0].weeks[0];
        assert!(first_week[..6].iter().all(|c| c.day.is_none()));
        assert_eq!(first_week[6].day, Some(1));
        // Days after today have no link and no mark.
        let cell_25 = months[0]
            .weeks
            .iter()
            .flatten()
            .find(|c| c.day == Some(25))
            .expect("25th");
        assert_eq!(cell_25.link, None);
        let cell_24 = months[0]
            .weeks
            .iter()
            .flatten()
            .find(|c| c.day == Some(24))
            .expect("24th");
        assert_eq!(cell_24.link.as_deref(), Some("/2026-11-24"));
        assert_eq!(
            cell_24.label,
            "24 November 2026: no incidents, uptime 100.000 %"
        );
    }

    #[test]
    fn days_are_marked_with_the_worst_severity_in_the_site_time_zone() {
        let tz = TimeZone::get("Europe/Berlin").expect("tz");
        let now: Timestamp = "2026-11-24T12:00:00Z".parse().expect("now");
        let incidents = [
            // 23:30 UTC on the 9th is already the 10th in Berlin.
            incident(
                "2026-11-09T23:30:00Z",
                Some("2026-11-10T01:00:00Z"),
                Severity::Partial,
                IncidentStatus::Resolved,
            ),
            incident(
                "2026-11-10T08:00:00Z",
                Some("2026-11-10T09:00:00Z"),
                Severity::Notice,
                IncidentStatus::Resolved,
            ),
            incident(
                "2026-11-12T08:00:00Z",
                Some("2026-11-14T09:00:00Z"),
                Severity::Outage,
                IncidentStatus::Resolved,
            ),
            incident(
                "2026-11-20T08:00:00Z",
                Some("2026-11-20T09:00:00Z"),
                Severity::Outage,
                IncidentStatus::Dismissed,
            ),
            incident(
                "2026-11-23T08:00:00Z",
                None,
                Severity::Bug,
                IncidentStatus::Confirmed,
            ),
        ];
        let marks = worst_by_day(&incidents, &tz, date(2025, 12, 1), date(2026, 11, 24), now);
        assert_eq!(marks.get(&date(2026, 11, 9)), None);
        assert_eq!(marks.get(&date(2026, 11, 10)), Some(&Severity::Partial));
        for day in 12..=14 {
            assert_eq!(marks.get(&date(2026, 11, day)), Some(&Severity::Outage));
        }
        assert_eq!(
            marks.get(&date(2026, 11, 20)),
            None,
            "dismissed incidents are not public"
        );
        assert_eq!(marks.get(&date(2026, 11, 23)), Some(&Severity::Bug));
        assert_eq!(
            marks.get(&date(2026, 11, 24)),
            Some(&Severity::Bug),
            "open incidents last until now"
        );
        assert_eq!(marks.get(&date(2026, 11, 25)), None);
    }
}

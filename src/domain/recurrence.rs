//! Recurring maintenance: a rule ("every Sunday", "the last Friday of the month") in the subset
//! of RFC 5545's RRULE that maintenance needs, and the occurrences it gives from a first local
//! start. Occurrences are wall-clock times in the site's time zone, so "every Sunday at 02:00
//! Europe/Berlin" stays at 02:00 across daylight saving; a local time that does not exist that
//! day (the hour skipped in spring) is moved as jiff's compatible disambiguation does (forward by
//! the gap), and one that exists twice (autumn) is the earlier of the two.
//!
//! The subset, refused outside it with a message that says what is understood:
//! - `FREQ=WEEKLY;BYDAY=MO,TH` (one or more weekdays),
//! - `FREQ=MONTHLY;BYMONTHDAY=N` (N from 1 to 31, or -1 for the last day, -2 the day before…;
//!   a month without that day is skipped, as RFC 5545 says, never moved to its last day),
//! - `FREQ=MONTHLY;BYDAY=1SU` or `-1FR` (the nth weekday of the month, 1 to 5 or -1 to -5;
//!   a month without a fifth Sunday is skipped),
//! - each with an optional `INTERVAL`, and `UNTIL` (a date, or a UTC time) or `COUNT`.

use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use std::fmt;

/// How far ahead a series' occurrences are announced: two weeks is what a customer plans with;
/// more would fill the page's "Planned maintenance" with the same window repeated.
pub const HORIZON: SignedDuration = SignedDuration::from_hours(14 * 24);

/// Longest window an occurrence may have (a week).
pub const MAX_DURATION_MINUTES: i64 = 7 * 24 * 60;

/// Highest `INTERVAL` and `COUNT` accepted: beyond them a rule is a typing mistake.
const MAX_INTERVAL: u32 = 100;
const MAX_COUNT: u32 = 1000;

/// Periods (weeks, months) in a row without an occurrence after which a rule is taken to have
/// none left (`BYMONTHDAY=30` every twelve months from a February).
const MAX_EMPTY_PERIODS: u32 = 1000;

/// Which days a rule picks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// These weekdays (Monday first, no repeats, at least one).
    Weekly(Vec<Weekday>),
    /// This day of the month: 1 to 31, or from the end, -1 being the last.
    MonthDay(i8),
    /// The nth weekday of the month: 1 to 5, or -1 (the last) to -5.
    NthWeekday { nth: i8, weekday: Weekday },
}

/// A date or time after which a rule gives nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Until {
    /// The last local day that may have an occurrence.
    Date(Date),
    /// The last moment an occurrence may start.
    Instant(Timestamp),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    Forever,
    Until(Until),
    /// This many occurrences in all, counted from the first.
    Count(u32),
}

/// A recurrence rule in monostat's RRULE subset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub pattern: Pattern,
    /// Every `interval` weeks or months (1: each).
    pub interval: u32,
    pub limit: Limit,
}

/// Why a rule text was refused, in words for the person who typed it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RuleError(pub String);

fn refuse<T>(message: impl Into<String>) -> Result<T, RuleError> {
    Err(RuleError(message.into()))
}

const UNDERSTOOD: &str = "monostat understands FREQ=WEEKLY with BYDAY (such as MO,TH), or \
     FREQ=MONTHLY with BYMONTHDAY (such as 1 or -1) or BYDAY (such as 1SU or -1FR), each with \
     INTERVAL, UNTIL or COUNT if wanted";

const DAYS: [(&str, Weekday); 7] = [
    ("MO", Weekday::Monday),
    ("TU", Weekday::Tuesday),
    ("WE", Weekday::Wednesday),
    ("TH", Weekday::Thursday),
    ("FR", Weekday::Friday),
    ("SA", Weekday::Saturday),
    ("SU", Weekday::Sunday),
];

fn day_code(day: Weekday) -> &'static str {
    DAYS.iter()
        .find(|(_, d)| *d == day)
        .map_or("MO", |(code, _)| code)
}

fn parse_day(code: &str) -> Result<Weekday, RuleError> {
    DAYS.iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(code))
        .map(|(_, d)| *d)
        .ok_or_else(|| {
            RuleError(format!(
                "{code} is no weekday: use MO, TU, WE, TH, FR, SA or SU."
            ))
        })
}

fn parse_number<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, RuleError> {
    value
        .parse()
        .map_err(|_| RuleError(format!("{name} takes a whole number, not {value}.")))
}

fn parse_until(value: &str) -> Result<Until, RuleError> {
    let wrong = || {
        RuleError(format!(
            "UNTIL takes a date (20271231) or a time in UTC (20271231T235959Z), not {value}."
        ))
    };
    if value.len() == 8 {
        return Date::strptime("%Y%m%d", value)
            .map(Until::Date)
            .map_err(|_| wrong());
    }
    let Some(utc) = value.strip_suffix(['Z', 'z']) else {
        return Err(wrong());
    };
    DateTime::strptime("%Y%m%dT%H%M%S", utc)
        .ok()
        .and_then(|dt| dt.to_zoned(TimeZone::UTC).ok())
        .map(|z| Until::Instant(z.timestamp()))
        .ok_or_else(wrong)
}

impl std::str::FromStr for Rule {
    type Err = RuleError;

    fn from_str(text: &str) -> Result<Rule, RuleError> {
        let text = text.trim();
        let text = text
            .get(..6)
            .filter(|p| p.eq_ignore_ascii_case("RRULE:"))
            .map_or(text, |_| &text[6..]);
        if text.is_empty() {
            return refuse(format!("Enter a rule: {UNDERSTOOD}."));
        }
        let mut freq = None;
        let mut interval = None;
        let mut by_day = None;
        let mut by_month_day = None;
        let mut until = None;
        let mut count = None;
        for part in text.split(';').filter(|p| !p.trim().is_empty()) {
            let Some((name, value)) = part.split_once('=') else {
                return refuse(format!("{part} is not NAME=VALUE."));
            };
            let name = name.trim().to_ascii_uppercase();
            let value = value.trim();
            let slot = match name.as_str() {
                "FREQ" => &mut freq,
                "INTERVAL" => &mut interval,
                "BYDAY" => &mut by_day,
                "BYMONTHDAY" => &mut by_month_day,
                "UNTIL" => &mut until,
                "COUNT" => &mut count,
                _ => return refuse(format!("{name} is not supported: {UNDERSTOOD}.")),
            };
            if slot.replace(value).is_some() {
                return refuse(format!("{name} is given twice."));
            }
        }
        let interval = match interval {
            None => 1,
            Some(v) => match parse_number::<u32>("INTERVAL", v)? {
                n @ 1..=MAX_INTERVAL => n,
                _ => return refuse(format!("INTERVAL goes from 1 to {MAX_INTERVAL}.")),
            },
        };
        let limit = match (until, count) {
            (Some(_), Some(_)) => return refuse("Give UNTIL or COUNT, not both."),
            (Some(v), None) => Limit::Until(parse_until(v)?),
            (None, Some(v)) => match parse_number::<u32>("COUNT", v)? {
                n @ 1..=MAX_COUNT => Limit::Count(n),
                _ => return refuse(format!("COUNT goes from 1 to {MAX_COUNT}.")),
            },
            (None, None) => Limit::Forever,
        };
        let pattern = match freq.map(str::to_ascii_uppercase).as_deref() {
            Some("WEEKLY") => {
                if by_month_day.is_some() {
                    return refuse("A weekly rule takes BYDAY, not BYMONTHDAY.");
                }
                let Some(list) = by_day else {
                    return refuse("Name the weekdays with BYDAY, such as BYDAY=MO,TH.");
                };
                let mut days = Vec::new();
                for code in list.split(',').map(str::trim) {
                    if code.len() > 2 {
                        return refuse(format!(
                            "{code}: a weekly rule takes plain weekdays (MO, TH), without a number."
                        ));
                    }
                    let day = parse_day(code)?;
                    if !days.contains(&day) {
                        days.push(day);
                    }
                }
                days.sort_by_key(|d| d.to_monday_zero_offset());
                Pattern::Weekly(days)
            }
            Some("MONTHLY") => match (by_day, by_month_day) {
                (Some(_), Some(_)) => {
                    return refuse("A monthly rule takes BYMONTHDAY or BYDAY, not both.");
                }
                (None, None) => {
                    return refuse(
                        "Say which day of the month: BYMONTHDAY=1 (a date) or BYDAY=1SU (the first Sunday).",
                    );
                }
                (None, Some(v)) => {
                    if v.contains(',') {
                        return refuse("A monthly rule takes one day of the month.");
                    }
                    match parse_number::<i8>("BYMONTHDAY", v)? {
                        n @ (1..=31 | -31..=-1) => Pattern::MonthDay(n),
                        _ => return refuse("BYMONTHDAY goes from 1 to 31 (or -1, the last day)."),
                    }
                }
                (Some(v), None) => {
                    if v.contains(',') {
                        return refuse("A monthly rule takes one weekday, such as 1SU.");
                    }
                    let split = v.len().saturating_sub(2);
                    let (nth, code) = (v.get(..split).unwrap_or(""), v.get(split..).unwrap_or(""));
                    let weekday = parse_day(code)?;
                    if nth.is_empty() {
                        return refuse(format!(
                            "Say which {code} of the month, such as 1{code} (the first) or -1{code} (the last); every {code} is a weekly rule."
                        ));
                    }
                    match nth.trim_start_matches('+').parse::<i8>() {
                        Ok(n @ (1..=5 | -5..=-1)) => Pattern::NthWeekday { nth: n, weekday },
                        _ => {
                            return refuse(format!(
                                "{v}: the number before the weekday goes from 1 to 5, or -1 (the last) to -5."
                            ));
                        }
                    }
                }
            },
            Some(other) => {
                return refuse(format!(
                    "FREQ={other} is not supported: maintenance repeats weekly or monthly."
                ));
            }
            None => return refuse(format!("The rule needs FREQ: {UNDERSTOOD}.")),
        };
        Ok(Rule {
            pattern,
            interval,
            limit,
        })
    }
}

impl fmt::Display for Rule {
    /// The canonical text: FREQ, INTERVAL (when not 1), BYDAY or BYMONTHDAY, UNTIL or COUNT.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let freq = match self.pattern {
            Pattern::Weekly(_) => "WEEKLY",
            Pattern::MonthDay(_) | Pattern::NthWeekday { .. } => "MONTHLY",
        };
        write!(f, "FREQ={freq}")?;
        if self.interval != 1 {
            write!(f, ";INTERVAL={}", self.interval)?;
        }
        match &self.pattern {
            Pattern::Weekly(days) => {
                let codes: Vec<_> = days.iter().map(|d| day_code(*d)).collect();
                write!(f, ";BYDAY={}", codes.join(","))?;
            }
            Pattern::MonthDay(n) => write!(f, ";BYMONTHDAY={n}")?,
            Pattern::NthWeekday { nth, weekday } => {
                write!(f, ";BYDAY={nth}{}", day_code(*weekday))?
            }
        }
        match self.limit {
            Limit::Forever => Ok(()),
            Limit::Count(n) => write!(f, ";COUNT={n}"),
            Limit::Until(Until::Date(d)) => write!(f, ";UNTIL={}", d.strftime("%Y%m%d")),
            Limit::Until(Until::Instant(t)) => {
                write!(f, ";UNTIL={}", t.strftime("%Y%m%dT%H%M%SZ"))
            }
        }
    }
}

fn day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

fn ordinal(n: i8) -> String {
    match n {
        1 => "first".into(),
        2 => "second".into(),
        3 => "third".into(),
        4 => "fourth".into(),
        5 => "fifth".into(),
        -1 => "last".into(),
        n if n < 0 => format!("{} to last", ordinal(-n)),
        n => format!("{n}th"),
    }
}

impl Rule {
    /// The rule in words: "every week on Monday and Thursday", "every month on the last Friday".
    pub fn describe(&self) -> String {
        let every = match (&self.pattern, self.interval) {
            (Pattern::Weekly(_), 1) => "every week".to_owned(),
            (Pattern::Weekly(_), n) => format!("every {n} weeks"),
            (_, 1) => "every month".to_owned(),
            (_, n) => format!("every {n} months"),
        };
        let on = match &self.pattern {
            Pattern::Weekly(days) => {
                let names: Vec<_> = days.iter().map(|d| day_name(*d)).collect();
                match names.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} and {last}", rest.join(", "))
                    }
                    _ => names.concat(),
                }
            }
            Pattern::MonthDay(-1) => "the last day".to_owned(),
            Pattern::MonthDay(n) if *n < 0 => format!("the {} day", ordinal(*n)),
            Pattern::MonthDay(n) => format!("day {n}"),
            Pattern::NthWeekday { nth, weekday } => {
                format!("the {} {}", ordinal(*nth), day_name(*weekday))
            }
        };
        let limit = match self.limit {
            Limit::Forever => String::new(),
            Limit::Count(1) => ", once".to_owned(),
            Limit::Count(n) => format!(", {n} times"),
            Limit::Until(Until::Date(d)) => format!(", until {}", d.strftime("%-d %b %Y")),
            Limit::Until(Until::Instant(t)) => {
                format!(", until {}", t.strftime("%-d %b %Y %H:%M UTC"))
            }
        };
        format!("{every} on {on}{limit}")
    }

    /// The date in `month` (any day of it) this rule picks, if the month has one.
    fn in_month(&self, month: Date) -> Option<Date> {
        let first = month.first_of_month();
        match self.pattern {
            Pattern::MonthDay(n) => {
                let length = first.days_in_month();
                let day = if n > 0 { n } else { length + 1 + n };
                (1..=length)
                    .contains(&day)
                    .then(|| first.with().day(day).build().ok())?
            }
            Pattern::NthWeekday { nth, weekday } => first.nth_weekday_of_month(nth, weekday).ok(),
            Pattern::Weekly(_) => None,
        }
    }
}

/// One occurrence of a series.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// Its start on the wall clock, as the rule gives it (before any daylight saving shift):
    /// what makes the occurrence unique within its series.
    pub local: DateTime,
    pub start: Timestamp,
    pub end: Timestamp,
}

/// A rule from a first local start, each occurrence lasting `duration`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub rule: Rule,
    /// The first occurrence is the first day on or after this date the rule picks, at this time.
    pub first: DateTime,
    pub duration: SignedDuration,
}

impl Schedule {
    /// Every occurrence in time order, from the first; ends at the rule's UNTIL or COUNT.
    pub fn occurrences(&self, tz: &TimeZone) -> Occurrences<'_> {
        Occurrences {
            schedule: self,
            tz: tz.clone(),
            period: 0,
            pending: Vec::new(),
            given: 0,
            done: false,
        }
    }

    /// What a series owes now: its occurrences starting after `now` and within [`HORIZON`],
    /// and at least the next one however far ahead (a monthly rule skipping short months).
    pub fn due(&self, tz: &TimeZone, now: Timestamp) -> Vec<Occurrence> {
        let horizon = now.checked_add(HORIZON).unwrap_or(Timestamp::MAX);
        let mut due = Vec::new();
        for occurrence in self.occurrences(tz) {
            if occurrence.start <= now {
                continue;
            }
            if occurrence.start > horizon && !due.is_empty() {
                break;
            }
            let beyond = occurrence.start > horizon;
            due.push(occurrence);
            if beyond {
                break;
            }
        }
        due
    }

    /// The next `n` occurrences after `now`, for the admin's list.
    pub fn next(&self, tz: &TimeZone, now: Timestamp, n: usize) -> Vec<Occurrence> {
        self.occurrences(tz)
            .filter(|o| o.start > now)
            .take(n)
            .collect()
    }

    /// The dates the rule picks in period `period` (weeks or months after the first's), in order.
    fn dates_in(&self, period: u32) -> Option<Vec<Date>> {
        let start = self.first.date();
        let steps = i64::from(period) * i64::from(self.rule.interval);
        match &self.rule.pattern {
            Pattern::Weekly(days) => {
                let monday = start
                    .checked_sub(SignedDuration::from_hours(
                        24 * i64::from(start.weekday().to_monday_zero_offset()),
                    ))
                    .ok()?;
                let monday = monday
                    .checked_add(jiff::Span::new().try_weeks(steps).ok()?)
                    .ok()?;
                days.iter()
                    .map(|d| {
                        monday
                            .checked_add(jiff::Span::new().days(d.to_monday_zero_offset()))
                            .ok()
                    })
                    .collect()
            }
            _ => {
                let month = start
                    .first_of_month()
                    .checked_add(jiff::Span::new().try_months(steps).ok()?)
                    .ok()?;
                Some(self.rule.in_month(month).into_iter().collect())
            }
        }
    }
}

/// The occurrences of a [`Schedule`], in time order.
pub struct Occurrences<'a> {
    schedule: &'a Schedule,
    tz: TimeZone,
    period: u32,
    /// Dates of the current period still to give, latest first.
    pending: Vec<Date>,
    given: u32,
    done: bool,
}

impl Iterator for Occurrences<'_> {
    type Item = Occurrence;

    fn next(&mut self) -> Option<Occurrence> {
        let schedule = self.schedule;
        let mut empty = 0;
        while !self.done {
            if let Limit::Count(n) = schedule.rule.limit
                && self.given >= n
            {
                self.done = true;
                break;
            }
            let Some(date) = self.pending.pop() else {
                if empty > MAX_EMPTY_PERIODS {
                    self.done = true;
                    break;
                }
                match schedule.dates_in(self.period) {
                    Some(mut dates) => {
                        dates.retain(|d| *d >= schedule.first.date());
                        dates.reverse();
                        empty = if dates.is_empty() { empty + 1 } else { 0 };
                        self.pending = dates;
                        self.period += 1;
                    }
                    // Past the calendar's end (year 9999).
                    None => self.done = true,
                }
                continue;
            };
            if let Limit::Until(Until::Date(last)) = schedule.rule.limit
                && date > last
            {
                self.done = true;
                break;
            }
            let local = date.to_datetime(schedule.first.time());
            let Ok(start) = local.to_zoned(self.tz.clone()).map(|z| z.timestamp()) else {
                self.done = true;
                break;
            };
            if let Limit::Until(Until::Instant(last)) = schedule.rule.limit
                && start > last
            {
                self.done = true;
                break;
            }
            let Ok(end) = start.checked_add(schedule.duration) else {
                self.done = true;
                break;
            };
            self.given += 1;
            return Some(Occurrence { local, start, end });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn rule(text: &str) -> Rule {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn refused(text: &str) -> String {
        match text.parse::<Rule>() {
            Ok(rule) => panic!("{text} accepted as {rule:?}"),
            Err(e) => e.0,
        }
    }

    fn berlin() -> TimeZone {
        TimeZone::get("Europe/Berlin").expect("tzdb")
    }

    fn schedule(text: &str, first: DateTime, minutes: i64) -> Schedule {
        Schedule {
            rule: rule(text),
            first,
            duration: SignedDuration::from_mins(minutes),
        }
    }

    fn locals(s: &Schedule, tz: &TimeZone, n: usize) -> Vec<String> {
        s.occurrences(tz)
            .take(n)
            .map(|o| o.local.strftime("%Y-%m-%d %a %H:%M").to_string())
            .collect()
    }

    #[test]
    fn parses_and_formats_the_subset() {
        for (text, canonical) in [
            ("FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=WEEKLY;BYDAY=MO,TH"),
            (
                "RRULE:freq=weekly;byday=th,mo,th",
                "FREQ=WEEKLY;BYDAY=MO,TH",
            ),
            (
                "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;COUNT=10",
                "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU;COUNT=10",
            ),
            ("FREQ=WEEKLY;INTERVAL=1;BYDAY=SU", "FREQ=WEEKLY;BYDAY=SU"),
            ("FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=MONTHLY;BYMONTHDAY=31"),
            ("FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=MONTHLY;BYMONTHDAY=-1"),
            ("FREQ=MONTHLY;BYDAY=1SU", "FREQ=MONTHLY;BYDAY=1SU"),
            ("FREQ=MONTHLY;BYDAY=+2we", "FREQ=MONTHLY;BYDAY=2WE"),
            (
                "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20271231",
                "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20271231",
            ),
            (
                "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15;UNTIL=20271231T230000Z",
                "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15;UNTIL=20271231T230000Z",
            ),
        ] {
            let parsed = rule(text);
            assert_eq!(parsed.to_string(), canonical, "{text}");
            assert_eq!(rule(canonical), parsed, "the canonical text parses back");
        }
    }

    #[test]
    fn refuses_everything_else_saying_why() {
        assert!(refused("FREQ=DAILY").contains("weekly or monthly"));
        assert!(refused("FREQ=YEARLY;BYMONTH=1").contains("not supported"));
        assert!(refused("FREQ=WEEKLY;BYDAY=MO;BYHOUR=3").contains("BYHOUR is not supported"));
        assert!(refused("FREQ=WEEKLY").contains("BYDAY"));
        assert!(refused("FREQ=WEEKLY;BYDAY=1MO").contains("plain weekdays"));
        assert!(refused("FREQ=WEEKLY;BYDAY=XX").contains("XX is no weekday"));
        assert!(refused("FREQ=MONTHLY").contains("which day of the month"));
        assert!(refused("FREQ=MONTHLY;BYDAY=SU").contains("every SU is a weekly rule"));
        assert!(refused("FREQ=MONTHLY;BYDAY=6SU").contains("1 to 5"));
        assert!(refused("FREQ=MONTHLY;BYDAY=1SU,3SU").contains("one weekday"));
        assert!(refused("FREQ=MONTHLY;BYMONTHDAY=32").contains("1 to 31"));
        assert!(refused("FREQ=MONTHLY;BYMONTHDAY=0").contains("1 to 31"));
        assert!(refused("FREQ=MONTHLY;BYMONTHDAY=1;BYDAY=1SU").contains("not both"));
        assert!(refused("FREQ=WEEKLY;BYDAY=MO;COUNT=2;UNTIL=20270101").contains("not both"));
        assert!(refused("FREQ=WEEKLY;BYDAY=MO;COUNT=0").contains("COUNT goes from 1"));
        assert!(refused("FREQ=WEEKLY;BYDAY=MO;INTERVAL=x").contains("whole number"));
        assert!(refused("FREQ=WEEKLY;BYDAY=MO;UNTIL=20270101T000000").contains("UTC"));
        assert!(refused("FREQ=WEEKLY;FREQ=WEEKLY;BYDAY=MO").contains("twice"));
        assert!(refused("BYDAY=MO").contains("needs FREQ"));
        assert!(refused("").contains("Enter a rule"));
        assert!(refused("weekly").contains("NAME=VALUE"));
    }

    #[test]
    fn describes_rules_in_words() {
        assert_eq!(
            rule("FREQ=WEEKLY;BYDAY=MO,TH").describe(),
            "every week on Monday and Thursday"
        );
        assert_eq!(
            rule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR;COUNT=6").describe(),
            "every 2 weeks on Monday, Wednesday and Friday, 6 times"
        );
        assert_eq!(
            rule("FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20271231").describe(),
            "every month on the last Friday, until 31 Dec 2027"
        );
        assert_eq!(
            rule("FREQ=MONTHLY;BYMONTHDAY=-1").describe(),
            "every month on the last day"
        );
        assert_eq!(
            rule("FREQ=MONTHLY;BYDAY=1SU").describe(),
            "every month on the first Sunday"
        );
    }

    #[test]
    fn weekly_on_two_days_starts_on_the_first_matching_day() {
        // 2026-12-02 is a Wednesday: the first occurrence is Thursday the 3rd.
        let s = schedule(
            "FREQ=WEEKLY;BYDAY=MO,TH",
            date(2026, 12, 2).at(22, 0, 0, 0),
            60,
        );
        assert_eq!(
            locals(&s, &TimeZone::UTC, 4),
            [
                "2026-12-03 Thu 22:00",
                "2026-12-07 Mon 22:00",
                "2026-12-10 Thu 22:00",
                "2026-12-14 Mon 22:00"
            ]
        );
    }

    #[test]
    fn weekly_interval_counts_weeks_from_the_first() {
        // A Sunday start; every second week Monday and Sunday (Monday-first weeks, as WKST=MO).
        let s = schedule(
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SU",
            date(2026, 12, 6).at(3, 0, 0, 0),
            30,
        );
        assert_eq!(
            locals(&s, &TimeZone::UTC, 4),
            [
                "2026-12-06 Sun 03:00",
                "2026-12-14 Mon 03:00",
                "2026-12-20 Sun 03:00",
                "2026-12-28 Mon 03:00"
            ]
        );
    }

    #[test]
    fn sunday_two_oclock_in_berlin_stays_two_oclock_across_daylight_saving() {
        let tz = berlin();
        // Autumn: 2026-10-25 is the last Sunday of October, when 03:00 CEST becomes 02:00 CET,
        // so 02:00 exists twice: the earlier (CEST, 00:00 UTC) is taken.
        let s = schedule(
            "FREQ=WEEKLY;BYDAY=SU",
            date(2026, 10, 18).at(2, 0, 0, 0),
            120,
        );
        let utc: Vec<String> = s
            .occurrences(&tz)
            .take(3)
            .map(|o| o.start.to_string())
            .collect();
        assert_eq!(
            utc,
            [
                "2026-10-18T00:00:00Z",
                "2026-10-25T00:00:00Z",
                "2026-11-01T01:00:00Z"
            ]
        );
        let o = s.occurrences(&tz).nth(2).expect("third");
        assert_eq!(
            o.start.duration_until(o.end),
            SignedDuration::from_hours(2),
            "elapsed time"
        );
        // Spring: on 2027-03-28 02:00 does not exist in Berlin (02:00 CET jumps to 03:00 CEST);
        // compatible disambiguation moves it forward by the gap, to 03:00 CEST = 01:00 UTC.
        let s = schedule("FREQ=WEEKLY;BYDAY=SU", date(2027, 3, 21).at(2, 0, 0, 0), 60);
        let starts: Vec<(String, String)> = s
            .occurrences(&tz)
            .take(3)
            .map(|o| {
                (
                    o.start.to_string(),
                    o.start.to_zoned(tz.clone()).strftime("%H:%M").to_string(),
                )
            })
            .collect();
        assert_eq!(
            starts,
            [
                ("2027-03-21T01:00:00Z".into(), "02:00".into()),
                ("2027-03-28T01:00:00Z".into(), "03:00".into()),
                ("2027-04-04T00:00:00Z".into(), "02:00".into()),
            ]
        );
        // The occurrence is still known by the rule's wall-clock time.
        let skipped = s.occurrences(&tz).nth(1).expect("second");
        assert_eq!(skipped.local, date(2027, 3, 28).at(2, 0, 0, 0));
    }

    #[test]
    fn day_31_skips_the_months_without_one() {
        let s = schedule(
            "FREQ=MONTHLY;BYMONTHDAY=31",
            date(2027, 1, 1).at(23, 0, 0, 0),
            60,
        );
        assert_eq!(
            locals(&s, &TimeZone::UTC, 5),
            [
                "2027-01-31 Sun 23:00",
                "2027-03-31 Wed 23:00",
                "2027-05-31 Mon 23:00",
                "2027-07-31 Sat 23:00",
                "2027-08-31 Tue 23:00"
            ]
        );
        // February 29 only in leap years; -1 is every month's last day.
        let s = schedule(
            "FREQ=MONTHLY;BYMONTHDAY=29",
            date(2027, 1, 30).at(1, 0, 0, 0),
            60,
        );
        assert_eq!(locals(&s, &TimeZone::UTC, 2)[0], "2027-03-29 Mon 01:00");
        let s = schedule(
            "FREQ=MONTHLY;BYMONTHDAY=-1",
            date(2028, 1, 31).at(1, 0, 0, 0),
            60,
        );
        assert_eq!(
            locals(&s, &TimeZone::UTC, 3),
            [
                "2028-01-31 Mon 01:00",
                "2028-02-29 Tue 01:00",
                "2028-03-31 Fri 01:00"
            ]
        );
    }

    #[test]
    fn nth_weekday_of_the_month() {
        let s = schedule(
            "FREQ=MONTHLY;BYDAY=1SU",
            date(2026, 12, 1).at(4, 0, 0, 0),
            60,
        );
        assert_eq!(
            locals(&s, &TimeZone::UTC, 3),
            [
                "2026-12-06 Sun 04:00",
                "2027-01-03 Sun 04:00",
                "2027-02-07 Sun 04:00"
            ]
        );
        let s = schedule(
            "FREQ=MONTHLY;BYDAY=-1FR",
            date(2026, 12, 1).at(18, 0, 0, 0),
            60,
        );
        assert_eq!(
            locals(&s, &TimeZone::UTC, 3),
            [
                "2026-12-25 Fri 18:00",
                "2027-01-29 Fri 18:00",
                "2027-02-26 Fri 18:00"
            ]
        );
        // A fifth Sunday only some months have.
        let s = schedule(
            "FREQ=MONTHLY;BYDAY=5SU",
            date(2027, 1, 1).at(4, 0, 0, 0),
            60,
        );
        assert_eq!(
            locals(&s, &TimeZone::UTC, 2),
            ["2027-01-31 Sun 04:00", "2027-05-30 Sun 04:00"]
        );
        // Every three months; a start after this month's day begins next period.
        let s = schedule(
            "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15",
            date(2026, 12, 20).at(4, 0, 0, 0),
            60,
        );
        assert_eq!(
            locals(&s, &TimeZone::UTC, 2),
            ["2027-03-15 Mon 04:00", "2027-06-15 Tue 04:00"]
        );
    }

    #[test]
    fn until_and_count_end_the_series() {
        let first = date(2026, 12, 7).at(2, 0, 0, 0);
        let s = schedule("FREQ=WEEKLY;BYDAY=MO;COUNT=3", first, 60);
        assert_eq!(s.occurrences(&TimeZone::UTC).count(), 3);
        let s = schedule("FREQ=WEEKLY;BYDAY=MO;UNTIL=20261221", first, 60);
        assert_eq!(
            s.occurrences(&TimeZone::UTC).count(),
            3,
            "the UNTIL day included"
        );
        let s = schedule("FREQ=WEEKLY;BYDAY=MO;UNTIL=20261221T015959Z", first, 60);
        assert_eq!(s.occurrences(&TimeZone::UTC).count(), 2);
        // A rule that never matches ends instead of looping.
        let s = schedule(
            "FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=30",
            date(2027, 2, 1).at(0, 0, 0, 0),
            60,
        );
        assert_eq!(s.occurrences(&TimeZone::UTC).count(), 0);
    }

    #[test]
    fn due_is_the_horizon_and_at_least_the_next() {
        let tz = TimeZone::UTC;
        let s = schedule(
            "FREQ=WEEKLY;BYDAY=MO,TH",
            date(2026, 12, 1).at(22, 0, 0, 0),
            60,
        );
        // Thursday 3rd 22:30: the 3rd's has started; the next two weeks hold four.
        let now = date(2026, 12, 3)
            .at(22, 30, 0, 0)
            .to_zoned(tz.clone())
            .expect("a time")
            .timestamp();
        let due: Vec<_> = s
            .due(&tz, now)
            .into_iter()
            .map(|o| o.local.to_string())
            .collect();
        assert_eq!(
            due,
            [
                "2026-12-07T22:00:00",
                "2026-12-10T22:00:00",
                "2026-12-14T22:00:00",
                "2026-12-17T22:00:00"
            ]
        );
        // Day 31 in late January: nothing within two weeks of March 31, still the next one.
        let s = schedule(
            "FREQ=MONTHLY;BYMONTHDAY=31",
            date(2027, 1, 1).at(1, 0, 0, 0),
            60,
        );
        let now = date(2027, 2, 1)
            .at(0, 0, 0, 0)
            .to_zoned(tz.clone())
            .expect("a time")
            .timestamp();
        let due: Vec<_> = s
            .due(&tz, now)
            .into_iter()
            .map(|o| o.local.to_string())
            .collect();
        assert_eq!(due, ["2027-03-31T01:00:00"]);
        // A series that has ended owes nothing.
        let s = schedule(
            "FREQ=WEEKLY;BYDAY=MO;COUNT=1",
            date(2026, 12, 1).at(1, 0, 0, 0),
            60,
        );
        assert!(s.due(&tz, now).is_empty());
    }
}

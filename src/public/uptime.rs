//! The uptime figures of one rendering: measured once, from one query, by the rule in
//! `crate::domain::uptime`, and shown by the history's day cells, the status page, the uptime
//! badges and `/api/v2/uptime.json` alike, so that all of them say the same.

use crate::domain::uptime::{Days, Measure, Percent};
use crate::i18n::{Arg, Language};
use jiff::civil::Date;

/// The windows the status page, the badges and the API give, in days ending today.
pub const WINDOWS: [u32; 2] = [30, 90];

/// Every day's measure from the history's first day to today, and the windows'.
#[derive(Clone, Debug)]
pub struct Figures {
    pub days: Days,
}

impl Figures {
    /// The last `days` days, today included.
    pub fn window(&self, days: u32) -> Measure {
        self.days.last(usize::try_from(days).unwrap_or(usize::MAX))
    }

    /// The measure of one day, `None` before the first measured day and after today.
    pub fn day(&self, day: Date) -> Option<Measure> {
        self.days.get(day)
    }

    /// The windows as the status page lists them: "Last 30 days: 99.958 %".
    pub fn windows(&self, lang: &Language) -> Vec<String> {
        WINDOWS
            .iter()
            .map(|&days| {
                lang.with(
                    "uptime-last-days",
                    &[
                        ("days", Arg::Number(i64::from(days))),
                        (
                            "percent",
                            Arg::Text(&text(self.window(days).percent(), lang)),
                        ),
                    ],
                )
            })
            .collect()
    }
}

/// How a percentage is written for people, everywhere: page, tooltips, badges (`99.958 %`),
/// in the language's own way (`99,958 %` in German): its message files say how.
pub fn text(percent: Percent, lang: &Language) -> String {
    lang.percent(&percent.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_are_written_with_three_decimals_and_a_space_before_the_sign() {
        let days = Days::measure(
            &[],
            &jiff::tz::TimeZone::UTC,
            jiff::civil::date(2026, 1, 1),
            "2026-03-01T12:00:00Z".parse().expect("now"),
        );
        assert_eq!(
            text(days.last(30).percent(), crate::i18n::english()),
            "100.000 %"
        );
        let german = crate::i18n::get("de").expect("German");
        assert_eq!(text(days.last(30).percent(), german), "100,000\u{a0}%");
    }
}

//! The fixed words of the public page, its feeds, the subscription pages and the mails, in every
//! language monostat ships. The words live in Fluent message files under `locales/` (one per
//! language, edited by translators, compiled into the binary); a message a language lacks is
//! shown in English. Dates use the language's own month and day names and word order, from the
//! same files.

mod labels;
mod negotiate;

pub use negotiate::{negotiate, parse_accept_language};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use jiff::Zoned;
use jiff::civil::Date;
use std::sync::OnceLock;

/// The languages monostat ships, by tag, in the order the language switch lists them.
const SOURCES: &[(&str, &str)] = &[
    ("en", include_str!("../../locales/en.ftl")),
    ("de", include_str!("../../locales/de.ftl")),
    ("fr", include_str!("../../locales/fr.ftl")),
    ("es", include_str!("../../locales/es.ftl")),
    ("it", include_str!("../../locales/it.ftl")),
    ("nl", include_str!("../../locales/nl.ftl")),
    ("pt", include_str!("../../locales/pt.ftl")),
    ("pl", include_str!("../../locales/pl.ftl")),
    ("ar", include_str!("../../locales/ar.ftl")),
];

/// The language of a site nobody configured.
pub const DEFAULT: &str = "en";

pub struct Language {
    /// The language's tag (BCP 47 primary subtag): `lang`, `hreflang`, `?lang=`.
    pub tag: &'static str,
    /// The language's name in itself, for the switch.
    pub name: String,
    pub rtl: bool,
    bundle: FluentBundle<FluentResource>,
    months: Vec<String>,
    months_in_dates: Vec<String>,
    month_abbreviations: Vec<String>,
    weekdays: Vec<String>,
    weekday_abbreviations: Vec<String>,
    decimal_separator: String,
}

impl std::fmt::Debug for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag)
    }
}

impl PartialEq for Language {
    fn eq(&self, other: &Self) -> bool {
        self.tag == other.tag
    }
}

/// Every language monostat ships, English first.
pub fn all() -> &'static [Language] {
    static LANGUAGES: OnceLock<Vec<Language>> = OnceLock::new();
    LANGUAGES.get_or_init(|| {
        SOURCES
            .iter()
            .map(|(tag, source)| Language::load(tag, source))
            .collect()
    })
}

/// The language with this tag (case-insensitive; `de-AT` is `de`), if monostat ships it.
pub fn get(tag: &str) -> Option<&'static Language> {
    let primary = tag.split(['-', '_']).next().unwrap_or(tag).trim();
    all()
        .iter()
        .find(|language| language.tag.eq_ignore_ascii_case(primary))
}

pub fn english() -> &'static Language {
    &all()[0]
}

/// A value for a message's `{ $name }`.
pub enum Arg<'a> {
    Text(&'a str),
    Number(i64),
}

impl Language {
    fn load(tag: &'static str, source: &'static str) -> Self {
        // A file with mistakes still loads the messages it could read (a unit test refuses the
        // mistakes themselves).
        let resource = match FluentResource::try_new(source.to_owned()) {
            Ok(resource) => resource,
            Err((resource, _)) => resource,
        };
        let id: unic_langid::LanguageIdentifier = tag.parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // Isolation marks around every value would reach titles, attributes and mail subjects
        // as invisible characters; the pages set `dir` instead.
        bundle.set_use_isolating(false);
        let _ = bundle.add_resource(resource);
        let mut language = Self {
            tag,
            name: String::new(),
            rtl: false,
            bundle,
            months: Vec::new(),
            months_in_dates: Vec::new(),
            month_abbreviations: Vec::new(),
            weekdays: Vec::new(),
            weekday_abbreviations: Vec::new(),
            decimal_separator: String::new(),
        };
        language.name = language
            .own("language-name")
            .unwrap_or_else(|| tag.to_owned());
        language.rtl = language.own("language-direction").as_deref() == Some("rtl");
        let list = |language: &Self, id: &str, n: usize| {
            let items: Vec<String> = language
                .own(id)
                .unwrap_or_default()
                .split(',')
                .map(|item| item.trim().to_owned())
                .collect();
            (items.len() == n).then_some(items)
        };
        language.months = list(&language, "month-names", 12).unwrap_or_else(|| english_list(0));
        language.months_in_dates =
            list(&language, "month-names-in-dates", 12).unwrap_or_else(|| language.months.clone());
        language.month_abbreviations =
            list(&language, "month-abbreviations", 12).unwrap_or_else(|| english_list(1));
        language.weekdays = list(&language, "weekday-names", 7).unwrap_or_else(|| english_list(2));
        language.weekday_abbreviations =
            list(&language, "weekday-abbreviations", 7).unwrap_or_else(|| english_list(3));
        language.decimal_separator = language
            .own("decimal-separator")
            .unwrap_or_else(|| ".".to_owned());
        language
    }

    /// The message in this language only.
    fn own(&self, id: &str) -> Option<String> {
        self.format(id, None)
    }

    fn format(&self, id: &str, args: Option<&FluentArgs>) -> Option<String> {
        let message = self.bundle.get_message(id)?;
        let pattern = message.value()?;
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, args, &mut errors);
        Some(text.into_owned())
    }

    /// The message `id`, in English where this language lacks it, or the id itself where
    /// English does too (a typo shows on the page rather than hiding).
    pub fn t(&self, id: &str) -> String {
        self.with(id, &[])
    }

    /// The message `id` with its `{ $name }`s filled in.
    pub fn with(&self, id: &str, args: &[(&str, Arg)]) -> String {
        let mut fluent = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            match value {
                Arg::Text(text) => fluent.set(*name, FluentValue::from(*text)),
                Arg::Number(n) => fluent.set(*name, FluentValue::from(*n)),
            }
        }
        let args = (!args.is_empty()).then_some(&fluent);
        self.format(id, args)
            .or_else(|| {
                (self.tag != DEFAULT)
                    .then(|| english().format(id, args))
                    .flatten()
            })
            .unwrap_or_else(|| id.to_owned())
    }

    /// The message with one text value: `{ $name }`.
    pub fn t1(&self, id: &str, name: &str, value: &str) -> String {
        self.with(id, &[(name, Arg::Text(value))])
    }

    /// The message with one number: `{ $name }`.
    pub fn n(&self, id: &str, name: &str, value: i64) -> String {
        self.with(id, &[(name, Arg::Number(value))])
    }

    /// The message with a count, for plurals: `{ $count }`.
    pub fn count(&self, id: &str, count: usize) -> String {
        self.with(
            id,
            &[(
                "count",
                Arg::Number(i64::try_from(count).unwrap_or(i64::MAX)),
            )],
        )
    }

    /// The message as HTML: its words escaped, its values (already HTML) put in as they are.
    pub fn html(&self, id: &str, args: &[(&str, &str)]) -> String {
        // Markers no message contains stand for the values while the words are escaped.
        let markers: Vec<String> = (0..args.len())
            .map(|i| format!("\u{E000}{i}\u{E001}"))
            .collect();
        let fluent_args: Vec<(&str, Arg)> = args
            .iter()
            .zip(&markers)
            .map(|((name, _), marker)| (*name, Arg::Text(marker.as_str())))
            .collect();
        let mut html = escape_html(&self.with(id, &fluent_args));
        for ((_, value), marker) in args.iter().zip(&markers) {
            html = html.replace(marker.as_str(), value);
        }
        html
    }

    pub fn dir(&self) -> &'static str {
        if self.rtl { "rtl" } else { "ltr" }
    }

    pub fn month(&self, month: i8) -> &str {
        pick(&self.months, i32::from(month) - 1)
    }

    fn month_in_dates(&self, month: i8) -> &str {
        pick(&self.months_in_dates, i32::from(month) - 1)
    }

    pub fn weekday_names(&self) -> &[String] {
        &self.weekdays
    }

    pub fn weekday_abbreviations(&self) -> &[String] {
        &self.weekday_abbreviations
    }

    /// "Monday, 1 December 2026"
    pub fn date_long(&self, day: Date) -> String {
        let weekday = pick(
            &self.weekdays,
            i32::from(day.weekday().to_monday_zero_offset()),
        );
        self.date("date-long", day, self.month_in_dates(day.month()), weekday)
    }

    /// "1 December 2026"
    pub fn date_medium(&self, day: Date) -> String {
        self.date("date-medium", day, self.month_in_dates(day.month()), "")
    }

    /// "December 2026"
    pub fn month_year(&self, day: Date) -> String {
        self.with(
            "month-year",
            &[
                ("month", Arg::Text(self.month(day.month()))),
                ("year", Arg::Text(&day.year().to_string())),
            ],
        )
    }

    /// "1 Dec 2026, 14:05 CET"
    pub fn date_time(&self, when: &Zoned) -> String {
        let zone = when.strftime("%Z").to_string();
        let time = when.strftime("%H:%M").to_string();
        let month = pick(&self.month_abbreviations, i32::from(when.month()) - 1);
        self.with(
            "date-time",
            &[
                ("day", Arg::Text(&when.day().to_string())),
                ("month", Arg::Text(month)),
                ("year", Arg::Text(&when.year().to_string())),
                ("time", Arg::Text(&time)),
                ("zone", Arg::Text(&zone)),
            ],
        )
    }

    fn date(&self, id: &str, day: Date, month: &str, weekday: &str) -> String {
        self.with(
            id,
            &[
                ("weekday", Arg::Text(weekday)),
                ("day", Arg::Text(&day.day().to_string())),
                ("month", Arg::Text(month)),
                ("year", Arg::Text(&day.year().to_string())),
            ],
        )
    }

    /// A percentage to three decimals, "99.958 %" (the figure is rounded once, elsewhere).
    pub fn percent(&self, figure: &str) -> String {
        let number = figure.replace('.', &self.decimal_separator);
        self.t1("percent", "number", &number)
    }
}

fn pick(list: &[String], index: i32) -> &str {
    usize::try_from(index)
        .ok()
        .and_then(|i| list.get(i))
        .map_or("", String::as_str)
}

/// English's lists, for a language file whose list has the wrong length.
fn english_list(which: usize) -> Vec<String> {
    let source = match which {
        0 => {
            "January, February, March, April, May, June, July, August, September, October, November, December"
        }
        1 => "Jan, Feb, Mar, Apr, May, Jun, Jul, Aug, Sep, Oct, Nov, Dec",
        2 => "Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday",
        _ => "Mo, Tu, We, Th, Fr, Sa, Su",
    };
    source.split(", ").map(str::to_owned).collect()
}

pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(source: &str) -> Vec<String> {
        let resource = FluentResource::try_new(source.to_owned())
            .unwrap_or_else(|(_, errors)| panic!("parse errors: {errors:?}"));
        resource
            .entries()
            .filter_map(|entry| match entry {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_language_file_parses_and_has_every_english_message() {
        let english = ids(SOURCES[0].1);
        assert!(english.len() > 100, "{} messages", english.len());
        for (tag, source) in SOURCES {
            let own = ids(source);
            let missing: Vec<&String> = english.iter().filter(|id| !own.contains(id)).collect();
            assert!(missing.is_empty(), "{tag}.ftl lacks {missing:?}");
            let extra: Vec<&String> = own.iter().filter(|id| !english.contains(id)).collect();
            assert!(
                extra.is_empty(),
                "{tag}.ftl has messages English lacks: {extra:?}"
            );
        }
    }

    #[test]
    fn every_message_formats_without_errors_in_every_language() {
        for language in all() {
            for id in ids(SOURCES[0].1) {
                let message = language.bundle.get_message(&id);
                let Some(pattern) = message.and_then(|m| m.value()) else {
                    continue;
                };
                let mut args = FluentArgs::new();
                for name in [
                    "system", "link", "contact", "email", "phone", "time", "day", "month", "year",
                    "weekday", "zone", "severity", "status", "url", "number", "hours", "mails",
                    "what", "percent", "headline", "days",
                ] {
                    args.set(name, FluentValue::from("x"));
                }
                args.set("count", FluentValue::from(2));
                args.set("minutes", FluentValue::from(2));
                let mut errors = Vec::new();
                language
                    .bundle
                    .format_pattern(pattern, Some(&args), &mut errors);
                assert!(errors.is_empty(), "{}: {id}: {errors:?}", language.tag);
            }
        }
    }

    #[test]
    fn missing_messages_fall_back_to_english_and_unknown_ids_show_themselves() {
        let german = get("de-AT").expect("German");
        assert_eq!(german.tag, "de");
        assert_eq!(german.t("no-such-message"), "no-such-message");
        assert_eq!(english().t1("site-status", "system", "Shop"), "Shop status");
    }

    #[test]
    fn plurals_and_html_values() {
        let en = english();
        assert_eq!(en.count("day-incidents", 0), "Nothing to report.");
        assert_eq!(en.count("day-incidents", 1), "One incident");
        assert_eq!(en.count("day-incidents", 7), "7 incidents");
        assert_eq!(
            en.html("everything-on", &[("day", "<time>1 May</time>")]),
            "Everything on <time>1 May</time>"
        );
        assert_eq!(
            en.html("state-up-contact", &[("contact", "<a>x</a>")]),
            "Having issues? Contact us at <a>x</a>."
        );
    }

    #[test]
    fn dates_in_the_languages_own_words() {
        let day = jiff::civil::date(2026, 12, 1);
        assert_eq!(english().date_long(day), "Tuesday, 1 December 2026");
        assert_eq!(english().month_year(day), "December 2026");
        let when = "2026-12-01T14:05:00Z"
            .parse::<jiff::Timestamp>()
            .expect("time")
            .to_zoned(jiff::tz::TimeZone::UTC);
        assert_eq!(english().date_time(&when), "1 Dec 2026, 14:05 UTC");
        assert_eq!(english().percent("99.958"), "99.958 %");
        let polish = get("pl").expect("Polish");
        assert_eq!(polish.month_year(day), "grudzień 2026");
        assert!(
            polish.date_medium(day).contains("1 grudnia 2026"),
            "{}",
            polish.date_medium(day)
        );
        let german = get("de").expect("German");
        assert_eq!(german.date_long(day), "Dienstag, 1. Dezember 2026");
    }
}

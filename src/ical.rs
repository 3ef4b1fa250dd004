//! Planned maintenance as iCalendar (RFC 5545): the `/maintenance.ics` feed and the attachment
//! of every maintenance mail, both `METHOD:PUBLISH`.
//!
//! A small writer rather than a crate: we only ever write one component type, and what matters
//! is that no title or summary can break the structure. Every text value is escaped (`\`, `;`,
//! `,`, line breaks) and stripped of the control characters RFC 5545 forbids, and every line is
//! folded at 75 octets without splitting a UTF-8 character, so a 20,000-character summary or a
//! title full of `\r\nEND:VEVENT` stays one property value.
//!
//! **UID.** `incident-{id}@{host of MONOSTAT_SITE_URL}`: the site's public host, not the machine's
//! hostname, so every instance of an installation gives an incident the same UID, and a rescheduled
//! event replaces the one a calendar holds (same UID, higher `SEQUENCE`). Moving the site to
//! another host gives every event a new UID: a subscribed feed then swaps all its events at the
//! next refresh, and events imported from earlier mails stay as they are.

use crate::domain::Incident;
use crate::domain::maintenance::Phase;
use jiff::{SignedDuration, Timestamp};
use std::fmt::Write as _;
use url::Url;

/// How long a maintenance stays in the feed after its window ended.
pub const KEPT_AFTER_END: SignedDuration = SignedDuration::from_hours(24 * 30);

/// How often calendar apps should fetch the feed again (Apple reads `REFRESH-INTERVAL`, Outlook
/// `X-PUBLISHED-TTL`).
const REFRESH: &str = "PT1H";

/// Longer descriptions are cut here: they are also on the incident page the event links to.
const DESCRIPTION_CHARS: usize = 20_000;

/// One `VEVENT`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub uid: String,
    /// Raised on every reschedule and on cancelling, so calendars replace what they hold.
    pub sequence: i64,
    pub summary: String,
    pub description: Option<String>,
    pub start: Timestamp,
    /// `None` for a window without a known end: the event is then the instant it starts.
    pub end: Option<Timestamp>,
    pub cancelled: bool,
    pub url: String,
    pub created: Timestamp,
    pub last_modified: Timestamp,
}

impl Event {
    /// The calendar event of a maintenance (severity maintenance, and scheduled, in progress,
    /// completed or cancelled); `None` for anything else, such as a suspicion or a dismissed
    /// false alarm.
    pub fn of_maintenance(incident: &Incident, site: &Url, system_name: &str) -> Option<Event> {
        let phase = Phase::of(incident)?;
        if incident.severity != crate::domain::Severity::Maintenance {
            return None;
        }
        let url = crate::links::incident_public(site, incident);
        let mut description = String::new();
        if phase == Phase::Cancelled {
            description.push_str("This maintenance was cancelled.\n\n");
        }
        if let Some(summary) = incident.summary.as_deref().map(str::trim)
            && !summary.is_empty()
        {
            description.extend(summary.chars().take(DESCRIPTION_CHARS));
            description.push_str("\n\n");
        }
        // Outlook and some others show no URL property: the link is in the text as well.
        description.push_str(&url);
        Some(Event {
            uid: uid(incident.id, site),
            sequence: incident.schedule_sequence,
            summary: format!("{system_name}: {}", incident.title),
            description: Some(description),
            start: incident.start,
            end: incident.end,
            cancelled: phase == Phase::Cancelled,
            url,
            created: incident.created,
            last_modified: incident.updated.max(incident.created),
        })
    }
}

/// Whether the feed carries this maintenance at `now`: every upcoming or in-progress one, and
/// those whose window ended within [`KEPT_AFTER_END`] (cancelled ones included, as cancelled).
pub fn in_feed(incident: &Incident, now: Timestamp) -> bool {
    match Phase::of(incident) {
        None => false,
        Some(Phase::Scheduled | Phase::InProgress) => true,
        Some(Phase::Completed | Phase::Cancelled) => incident
            .end
            .unwrap_or(incident.start)
            .max(incident.start)
            .saturating_add(KEPT_AFTER_END)
            .is_ok_and(|kept_until| kept_until >= now),
    }
}

/// `incident-{id}@{host}`; see the module's documentation.
pub fn uid(incident_id: i64, site: &Url) -> String {
    format!(
        "incident-{incident_id}@{}",
        site.host_str().unwrap_or("monostat.invalid")
    )
}

/// A whole `VCALENDAR` of `events`, lines ending in CRLF.
pub fn calendar(name: &str, events: &[Event]) -> String {
    let mut out = Writer::default();
    out.line("BEGIN", "VCALENDAR");
    out.line("VERSION", "2.0");
    out.line("PRODID", "-//monostat//monostat//EN");
    out.line("CALSCALE", "GREGORIAN");
    out.line("METHOD", "PUBLISH");
    out.text("X-WR-CALNAME", name);
    out.text("NAME", name);
    out.line("REFRESH-INTERVAL;VALUE=DURATION", REFRESH);
    out.line("X-PUBLISHED-TTL", REFRESH);
    for event in events {
        out.event(event);
    }
    out.line("END", "VCALENDAR");
    out.0
}

#[derive(Default)]
struct Writer(String);

impl Writer {
    fn event(&mut self, e: &Event) {
        self.line("BEGIN", "VEVENT");
        self.text("UID", &e.uid);
        self.line("SEQUENCE", &e.sequence.max(0).to_string());
        // For a published calendar, the moment this version of the event was made: the same
        // bytes on every rendering until the incident changes (stable ETags).
        self.line("DTSTAMP", &utc(e.last_modified));
        self.line("CREATED", &utc(e.created));
        self.line("LAST-MODIFIED", &utc(e.last_modified));
        self.line("DTSTART", &utc(e.start));
        if let Some(end) = e.end {
            // RFC 5545 wants DTEND after DTSTART; an imported end before the start is the start.
            self.line("DTEND", &utc(end.max(e.start)));
        }
        self.text("SUMMARY", &e.summary);
        if let Some(description) = &e.description {
            self.text("DESCRIPTION", description);
        }
        self.line("URL;VALUE=URI", &uri(&e.url));
        self.line(
            "STATUS",
            if e.cancelled {
                "CANCELLED"
            } else {
                "CONFIRMED"
            },
        );
        // The provider's window, not the reader's: it does not make them busy.
        self.line("TRANSP", "TRANSPARENT");
        self.line("END", "VEVENT");
    }

    /// A property whose value is TEXT: escaped.
    fn text(&mut self, name: &str, value: &str) {
        self.line(name, &escape_text(value));
    }

    /// One content line `name:value`, folded; `value` must already be safe (no control chars).
    fn line(&mut self, name: &str, value: &str) {
        let mut width = 0;
        for c in name
            .chars()
            .chain(std::iter::once(':'))
            .chain(value.chars())
        {
            let len = c.len_utf8();
            if width + len > 75 {
                // The CRLF and the space of a fold are not part of the value (RFC 5545 §3.1).
                self.0.push_str("\r\n ");
                width = 1;
            }
            self.0.push(c);
            width += len;
        }
        self.0.push_str("\r\n");
    }
}

/// RFC 5545 §3.3.11: backslash, semicolon and comma escaped, every line break as `\n`, and the
/// control characters TEXT may not contain left out (a tab is allowed).
fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + value.len() / 16);
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\n' | '\u{2028}' | '\u{2029}' | '\u{85}' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A URI value is not TEXT and is not escaped; our links never hold control characters or
/// spaces, but a property value must not be able to end its line whatever it holds.
fn uri(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect()
}

/// `20261130T201000Z`: UTC date-time form (RFC 5545 §3.3.5, form #2).
fn utc(t: Timestamp) -> String {
    let mut out = String::with_capacity(16);
    let _ = write!(out, "{}", t.strftime("%Y%m%dT%H%M%SZ"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{IncidentStatus, Severity};

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).expect("valid")
    }

    const NOW: i64 = 1_800_000_000;
    const DAY: i64 = 86_400;

    fn maintenance(status: IncidentStatus, start: i64, end: Option<i64>) -> Incident {
        Incident {
            id: 7,
            status,
            severity: Severity::Maintenance,
            start: at(start),
            end: end.map(at),
            title: "Database upgrade".into(),
            summary: Some("Checkout pauses, tickets stay valid; see \\docs".into()),
            slack_message_ts: None,
            silent: false,
            last_notified_status: None,
            created: at(NOW - 3 * DAY),
            updated: at(NOW - DAY),
            schedule_sequence: 2,
            cancelled: None,
        }
    }

    fn site() -> Url {
        Url::parse("https://status.example.com/").expect("url")
    }

    fn event(summary: &str) -> Event {
        Event {
            uid: "incident-1@status.example.com".into(),
            sequence: 0,
            summary: summary.into(),
            description: None,
            start: at(NOW),
            end: Some(at(NOW + 3600)),
            cancelled: false,
            url: "https://status.example.com/2027-01-15/1".into(),
            created: at(NOW - DAY),
            last_modified: at(NOW - 60),
        }
    }

    /// The content lines after unfolding (RFC 5545 §3.1).
    fn unfolded(ics: &str) -> Vec<String> {
        ics.replace("\r\n ", "")
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn a_calendar_has_its_header_and_one_event_per_maintenance() {
        let ics = calendar("Acme maintenance", &[event("Acme: Upgrade")]);
        let lines = unfolded(&ics);
        assert_eq!(
            lines,
            [
                "BEGIN:VCALENDAR",
                "VERSION:2.0",
                "PRODID:-//monostat//monostat//EN",
                "CALSCALE:GREGORIAN",
                "METHOD:PUBLISH",
                "X-WR-CALNAME:Acme maintenance",
                "NAME:Acme maintenance",
                "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
                "X-PUBLISHED-TTL:PT1H",
                "BEGIN:VEVENT",
                "UID:incident-1@status.example.com",
                "SEQUENCE:0",
                "DTSTAMP:20270115T075900Z",
                "CREATED:20270114T080000Z",
                "LAST-MODIFIED:20270115T075900Z",
                "DTSTART:20270115T080000Z",
                "DTEND:20270115T090000Z",
                "SUMMARY:Acme: Upgrade",
                "URL;VALUE=URI:https://status.example.com/2027-01-15/1",
                "STATUS:CONFIRMED",
                "TRANSP:TRANSPARENT",
                "END:VEVENT",
                "END:VCALENDAR",
            ]
        );
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "only CRLF");
    }

    #[test]
    fn text_is_escaped_and_cannot_end_its_property() {
        let hostile =
            "a\\b;c,d\r\nEND:VEVENT\rBEGIN:VEVENT\nX\u{0}\u{7}\u{1b}[31m\u{7f}\te\u{2028}f";
        let ics = calendar("N", &[event(hostile)]);
        let lines = unfolded(&ics);
        let summary = lines
            .iter()
            .find(|l| l.starts_with("SUMMARY:"))
            .expect("summary");
        assert_eq!(
            summary,
            "SUMMARY:a\\\\b\\;c\\,d\\nEND:VEVENT\\nBEGIN:VEVENT\\nX[31m\te\\nf"
        );
        assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VEVENT").count(), 1);
        assert_eq!(lines.iter().filter(|l| *l == "END:VEVENT").count(), 1);
        assert!(
            !ics.chars()
                .any(|c| c.is_control() && !matches!(c, '\r' | '\n' | '\t')),
            "no control characters survive"
        );
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_a_character() {
        // Two-, three- and four-byte characters, so that folds fall at every offset.
        let long: String = "aé€😀".repeat(2_000);
        let ics = calendar("N", &[event(&long)]);
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        // Every physical line is whole UTF-8 (split on CRLF, which `str` already guarantees)
        // and unfolding gives back exactly the value.
        let lines = unfolded(&ics);
        assert!(lines.contains(&format!("SUMMARY:{long}")));
        assert!(ics.contains("\r\n "), "it was folded");
    }

    #[test]
    fn a_maintenance_maps_to_its_event() {
        let i = maintenance(IncidentStatus::Planned, NOW + DAY, Some(NOW + DAY + 7_200));
        let e = Event::of_maintenance(&i, &site(), "Acme").expect("an event");
        assert_eq!(e.uid, "incident-7@status.example.com");
        assert_eq!(e.sequence, 2);
        assert_eq!(e.summary, "Acme: Database upgrade");
        assert!(!e.cancelled);
        let day = i.start.to_zoned(jiff::tz::TimeZone::UTC).date();
        assert_eq!(e.url, format!("https://status.example.com/{day}/7"));
        let description = e.description.expect("description");
        assert!(description.starts_with("Checkout pauses"));
        assert!(description.ends_with(&e.url));
        assert_eq!((e.start, e.end), (i.start, i.end));
        assert_eq!(e.last_modified, i.updated);
    }

    #[test]
    fn the_uid_stays_when_only_the_path_or_scheme_of_the_site_differs() {
        let other = Url::parse("http://status.example.com/status/").expect("url");
        assert_eq!(uid(7, &site()), uid(7, &other));
    }

    #[test]
    fn a_cancelled_maintenance_is_cancelled_and_others_are_no_events() {
        let mut i = maintenance(IncidentStatus::Dismissed, NOW + DAY, Some(NOW + DAY + 60));
        i.cancelled = Some(at(NOW));
        let e = Event::of_maintenance(&i, &site(), "Acme").expect("an event");
        assert!(e.cancelled);
        assert!(calendar("N", &[e]).contains("STATUS:CANCELLED\r\n"));

        i.cancelled = None;
        assert_eq!(
            Event::of_maintenance(&i, &site(), "Acme"),
            None,
            "dismissed"
        );
        i.status = IncidentStatus::Suspected;
        assert_eq!(
            Event::of_maintenance(&i, &site(), "Acme"),
            None,
            "suspected"
        );
        i.status = IncidentStatus::Confirmed;
        i.severity = Severity::Outage;
        assert_eq!(
            Event::of_maintenance(&i, &site(), "Acme"),
            None,
            "an outage"
        );
    }

    #[test]
    fn the_feed_keeps_thirty_days_after_the_end_and_everything_ahead() {
        let now = at(NOW);
        let ended = |days_ago: i64| {
            maintenance(
                IncidentStatus::Resolved,
                NOW - days_ago * DAY - 3600,
                Some(NOW - days_ago * DAY),
            )
        };
        assert!(in_feed(&ended(29), now));
        assert!(in_feed(&ended(30), now));
        assert!(!in_feed(&ended(31), now));
        let long_ago = maintenance(IncidentStatus::Planned, NOW - 90 * DAY, None);
        assert!(
            in_feed(&long_ago, now),
            "still planned: its answer is awaited"
        );
        let in_progress = maintenance(IncidentStatus::Confirmed, NOW - 90 * DAY, None);
        assert!(in_feed(&in_progress, now));
        let mut cancelled = maintenance(IncidentStatus::Dismissed, NOW + DAY, Some(NOW + DAY));
        assert!(!in_feed(&cancelled, now), "a dismissal is no maintenance");
        cancelled.cancelled = Some(now);
        assert!(in_feed(&cancelled, now));
        let suspected = maintenance(IncidentStatus::Suspected, NOW, None);
        assert!(!in_feed(&suspected, now));
    }

    #[test]
    fn an_end_before_the_start_becomes_the_start_and_a_missing_end_is_left_out() {
        let mut e = event("x");
        e.end = Some(at(NOW - 3600));
        assert!(calendar("N", &[e.clone()]).contains("DTEND:20270115T080000Z\r\n"));
        e.end = None;
        assert!(!calendar("N", &[e]).contains("DTEND"));
    }
}

//! Incidents, their statuses and severities.

use jiff::Timestamp;
use std::fmt;
use std::str::FromStr;

/// Where an incident is in its life.
///
/// `suspected` comes from monitoring and waits for a human; `dismissed` is a suspicion that
/// turned out false and is never shown publicly; `planned` is maintenance announced ahead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentStatus {
    Planned,
    Suspected,
    Dismissed,
    Confirmed,
    Watching,
    Resolved,
}

impl IncidentStatus {
    pub const ALL: [IncidentStatus; 6] = [
        Self::Planned,
        Self::Suspected,
        Self::Dismissed,
        Self::Confirmed,
        Self::Watching,
        Self::Resolved,
    ];

    /// The value stored in the database and used in URLs, Slack payloads and forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Suspected => "suspected",
            Self::Dismissed => "dismissed",
            Self::Confirmed => "confirmed",
            Self::Watching => "watching",
            Self::Resolved => "resolved",
        }
    }

    /// What people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Planned => "Planned",
            Self::Suspected => "Suspected",
            Self::Dismissed => "Dismissed",
            Self::Confirmed => "Confirmed",
            Self::Watching => "Watching",
            Self::Resolved => "Resolved",
        }
    }

    /// A dismissed incident was a false alarm: it never appears on any public page, feed or API.
    pub fn is_public(self) -> bool {
        self != Self::Dismissed
    }

    /// Statuses of incidents that are happening now and shape the page's overall state.
    pub fn is_current(self) -> bool {
        matches!(self, Self::Suspected | Self::Confirmed | Self::Watching)
    }

    /// Statuses after which nothing more is expected to happen.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Resolved | Self::Dismissed)
    }
}

/// How bad an incident is, from least to most severe (the derived order relies on this).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Maintenance,
    Notice,
    Bug,
    Partial,
    Outage,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Self::Maintenance,
        Self::Notice,
        Self::Bug,
        Self::Partial,
        Self::Outage,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Maintenance => "maintenance",
            Self::Notice => "notice",
            Self::Bug => "bug",
            Self::Partial => "partial",
            Self::Outage => "outage",
        }
    }

    /// The original monostat's labels, which subscribers already know from its mails.
    pub fn label(self) -> &'static str {
        match self {
            Self::Maintenance => "Maintenance",
            Self::Notice => "Notice",
            Self::Bug => "Known Bug",
            Self::Partial => "Partial Outage",
            Self::Outage => "Outage",
        }
    }
}

/// A value from outside (database row, form, Slack payload) that names no known status or severity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {value:?}; expected one of: {expected}")]
pub struct UnknownValue {
    pub kind: &'static str,
    pub value: String,
    pub expected: String,
}

fn parse_from<T: Copy>(
    kind: &'static str,
    all: &[T],
    as_str: fn(T) -> &'static str,
    value: &str,
) -> Result<T, UnknownValue> {
    all.iter()
        .copied()
        .find(|candidate| as_str(*candidate) == value)
        .ok_or_else(|| UnknownValue {
            kind,
            value: value.to_owned(),
            expected: all
                .iter()
                .map(|v| as_str(*v))
                .collect::<Vec<_>>()
                .join(", "),
        })
}

impl FromStr for IncidentStatus {
    type Err = UnknownValue;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        parse_from("status", &Self::ALL, Self::as_str, value)
    }
}

impl FromStr for Severity {
    type Err = UnknownValue;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        parse_from("severity", &Self::ALL, Self::as_str, value)
    }
}

impl fmt::Display for IncidentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An incident as stored. Times are UTC instants; the configured time zone only matters when
/// they are shown or grouped into days.
#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    pub id: i64,
    pub status: IncidentStatus,
    pub severity: Severity,
    pub start: Timestamp,
    pub end: Option<Timestamp>,
    pub title: String,
    /// Markdown.
    pub summary: Option<String>,
    pub slack_message_ts: Option<String>,
    /// A silent incident never notifies subscribers, whatever happens to it.
    pub silent: bool,
    pub last_notified_status: Option<IncidentStatus>,
    pub created: Timestamp,
    pub updated: Timestamp,
    /// Raised every time a maintenance's window moves or it is cancelled: its calendar event's
    /// `SEQUENCE`, and the generation of its scheduled jobs (`domain::maintenance`).
    pub schedule_sequence: i64,
    /// When a planned maintenance was cancelled (its status is then dismissed).
    pub cancelled: Option<Timestamp>,
}

impl Incident {
    /// Moves the incident to `status`. Closing it (resolved, or dismissed as a false alarm)
    /// records when it ended, unless somebody already set an end time deliberately.
    pub fn set_status(&mut self, status: IncidentStatus, now: Timestamp) {
        self.status = status;
        if status.is_closed() && self.end.is_none() {
            self.end = Some(now);
        }
        self.updated = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(status: IncidentStatus) -> Incident {
        let t = Timestamp::from_second(1_700_000_000).expect("valid timestamp");
        Incident {
            id: 1,
            status,
            severity: Severity::Outage,
            start: t,
            end: None,
            title: "Outage".into(),
            summary: None,
            slack_message_ts: None,
            silent: false,
            last_notified_status: None,
            created: t,
            updated: t,
            schedule_sequence: 0,
            cancelled: None,
        }
    }

    #[test]
    fn statuses_and_severities_round_trip_through_their_stored_names() {
        for status in IncidentStatus::ALL {
            assert_eq!(status.as_str().parse::<IncidentStatus>(), Ok(status));
        }
        for severity in Severity::ALL {
            assert_eq!(severity.as_str().parse::<Severity>(), Ok(severity));
        }
    }

    #[test]
    fn an_unknown_status_names_the_accepted_ones() {
        let err = "fixed".parse::<IncidentStatus>().expect_err("not a status");
        assert_eq!(
            err.to_string(),
            "unknown status \"fixed\"; expected one of: planned, suspected, dismissed, confirmed, watching, resolved"
        );
    }

    #[test]
    fn severities_carry_the_original_labels() {
        assert_eq!(Severity::Bug.label(), "Known Bug");
        assert_eq!(Severity::Partial.label(), "Partial Outage");
        assert_eq!(Severity::Outage.label(), "Outage");
    }

    #[test]
    fn only_dismissed_incidents_are_hidden_from_the_public() {
        let hidden: Vec<_> = IncidentStatus::ALL
            .into_iter()
            .filter(|s| !s.is_public())
            .collect();
        assert_eq!(hidden, vec![IncidentStatus::Dismissed]);
    }

    #[test]
    fn resolving_sets_the_end_when_it_is_empty() {
        let mut i = incident(IncidentStatus::Confirmed);
        let now = Timestamp::from_second(1_700_003_600).expect("valid timestamp");
        i.set_status(IncidentStatus::Resolved, now);
        assert_eq!(i.status, IncidentStatus::Resolved);
        assert_eq!(i.end, Some(now));
        assert_eq!(i.updated, now);
    }

    #[test]
    fn resolving_keeps_an_end_that_was_set_deliberately() {
        let mut i = incident(IncidentStatus::Watching);
        let end = Timestamp::from_second(1_700_001_000).expect("valid timestamp");
        i.end = Some(end);
        i.set_status(
            IncidentStatus::Resolved,
            Timestamp::from_second(1_700_009_000).expect("valid timestamp"),
        );
        assert_eq!(i.end, Some(end));
    }

    #[test]
    fn confirming_or_watching_does_not_end_an_incident() {
        for status in [IncidentStatus::Confirmed, IncidentStatus::Watching] {
            let mut i = incident(IncidentStatus::Suspected);
            i.set_status(status, Timestamp::now());
            assert_eq!(i.end, None, "{status}");
        }
    }

    #[test]
    fn dismissing_a_suspicion_ends_it() {
        let mut i = incident(IncidentStatus::Suspected);
        let now = Timestamp::now();
        i.set_status(IncidentStatus::Dismissed, now);
        assert_eq!(i.end, Some(now));
    }
}

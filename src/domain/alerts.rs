//! What alerts from monitoring do to incidents. "React to monitoring, but do not trust it":
//! an alert opens a *suspected* incident at once, a human confirms it, and if monitoring calms
//! down before anybody confirmed, the suspicion is dismissed by itself.

use super::incident::{IncidentStatus, Severity};
use sha2::{Digest, Sha256};
use std::borrow::Cow;

/// The incident an alert opens when no alert-driven incident is open.
pub const ALERT_INCIDENT_TITLE: &str = "Outage";
pub const ALERT_INCIDENT_SEVERITY: Severity = Severity::Outage;
pub const ALERT_INCIDENT_STATUS: IncidentStatus = IncidentStatus::Suspected;

/// The first public update of an incident opened by monitoring.
pub const OPENED_BY_MONITORING_UPDATE: &str = "Our automated monitoring system has detected an \
     outage. Our team has been alerted and will update this page as soon as possible.";

/// The public update of a suspected incident dismissed because monitoring calmed down.
pub const DISMISSED_BY_MONITORING_UPDATE: &str =
    "Our automated monitoring system has detected the incident to be resolved.";

/// Whether new alerts join this incident: it is open (suspected, confirmed or watching) and about
/// availability (partial or full outage). A known bug or a maintenance window does not swallow
/// an outage alert; a new suspected incident is opened instead.
pub fn takes_new_alerts(status: IncidentStatus, severity: Severity) -> bool {
    status.is_current() && matches!(severity, Severity::Partial | Severity::Outage)
}

/// What happens to an incident once the last of its alerts has closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllAlertsClosed {
    /// Nobody confirmed it: it was a false alarm or a blip; dismiss it and ask for a review.
    Dismiss,
    /// A human confirmed it: only a human may resolve it; remind them.
    RemindToResolve,
    /// Already resolved or dismissed: nothing to do.
    Nothing,
}

pub fn when_all_alerts_closed(status: IncidentStatus) -> AllAlertsClosed {
    match status {
        IncidentStatus::Suspected => AllAlertsClosed::Dismiss,
        IncidentStatus::Confirmed | IncidentStatus::Watching => AllAlertsClosed::RemindToResolve,
        IncidentStatus::Planned | IncidentStatus::Dismissed | IncidentStatus::Resolved => {
            AllAlertsClosed::Nothing
        }
    }
}

/// The most of an alert's message or description that is kept, in bytes. Real ones are a line
/// or a paragraph; a longer one is cut rather than refused, because a refused delivery is
/// retried (Alertmanager forever) and its other alerts would be lost with it.
pub const MAX_ALERT_TEXT_BYTES: usize = 4096;

/// The longest alert id stored as it is, in bytes. Real ids are 16 (Alertmanager's fingerprint)
/// to 36 (OpsGenie's UUID) characters; the id is part of a unique index, and PostgreSQL refuses
/// index entries over about 2.7 KB.
pub const MAX_ALERT_ID_BYTES: usize = 200;

const ELLIPSIS: &str = "…";

/// `text` as kept: whole when it fits in `max_bytes`, else its longest beginning that fits
/// together with a closing "…", cut between characters.
pub fn cut_text(text: &str, max_bytes: usize) -> Cow<'_, str> {
    if text.len() <= max_bytes {
        return Cow::Borrowed(text);
    }
    let mut end = max_bytes.saturating_sub(ELLIPSIS.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}{ELLIPSIS}", &text[..end]))
}

/// An alert id as stored. An id too long for the index keeps its beginning, for people to
/// recognise, and the SHA-256 of the whole, so that it names the same alert at every delivery
/// and two ids that differ only at the end stay two alerts.
pub fn stored_alert_id(id: &str) -> Cow<'_, str> {
    if id.len() <= MAX_ALERT_ID_BYTES {
        return Cow::Borrowed(id);
    }
    let digest: String = Sha256::digest(id.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let beginning = cut_text(id, MAX_ALERT_ID_BYTES - digest.len());
    Cow::Owned(format!("{beginning}{digest}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use IncidentStatus::*;
    use Severity::*;

    #[test]
    fn only_open_outages_take_new_alerts() {
        for status in [Suspected, Confirmed, Watching] {
            assert!(takes_new_alerts(status, Outage), "{status}");
            assert!(takes_new_alerts(status, Partial), "{status}");
            assert!(!takes_new_alerts(status, Bug), "{status}");
            assert!(!takes_new_alerts(status, Maintenance), "{status}");
        }
        for status in [Planned, Dismissed, Resolved] {
            assert!(!takes_new_alerts(status, Outage), "{status}");
        }
    }

    #[test]
    fn a_calm_monitoring_dismisses_only_what_nobody_confirmed() {
        assert_eq!(when_all_alerts_closed(Suspected), AllAlertsClosed::Dismiss);
        assert_eq!(
            when_all_alerts_closed(Confirmed),
            AllAlertsClosed::RemindToResolve
        );
        assert_eq!(
            when_all_alerts_closed(Watching),
            AllAlertsClosed::RemindToResolve
        );
        assert_eq!(when_all_alerts_closed(Resolved), AllAlertsClosed::Nothing);
        assert_eq!(when_all_alerts_closed(Dismissed), AllAlertsClosed::Nothing);
    }

    #[test]
    fn long_texts_are_cut_between_characters_with_an_ellipsis() {
        assert_eq!(cut_text("short", 10), "short");
        assert_eq!(cut_text("exactly 10", 10), "exactly 10");
        assert_eq!(cut_text("abcdefghijk", 10), "abcdefg…");
        // "é" is two bytes: 7 bytes of room would split the fourth one.
        let cut = cut_text("éééééé", 10);
        assert_eq!(cut, "ééé…");
        assert!(cut.len() <= 10);
        let long = "x".repeat(5_000);
        let kept = cut_text(&long, MAX_ALERT_TEXT_BYTES);
        assert_eq!(kept.len(), MAX_ALERT_TEXT_BYTES);
        assert!(kept.ends_with('…'));
    }

    #[test]
    fn long_ids_stay_distinct_and_stable_within_the_index_limit() {
        assert_eq!(stored_alert_id("c0ffee"), "c0ffee");
        let a = format!("{}a", "k".repeat(5_000));
        let b = format!("{}b", "k".repeat(5_000));
        let (stored_a, stored_b) = (stored_alert_id(&a), stored_alert_id(&b));
        assert_ne!(stored_a, stored_b);
        assert_eq!(stored_a, stored_alert_id(&a));
        assert!(stored_a.len() <= MAX_ALERT_ID_BYTES, "{}", stored_a.len());
        assert!(stored_a.starts_with("kkkk"));
    }
}

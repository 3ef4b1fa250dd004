//! What alerts from monitoring do to incidents. "React to monitoring, but do not trust it":
//! an alert opens a *suspected* incident at once, a human confirms it, and if monitoring calms
//! down before anybody confirmed, the suspicion is dismissed by itself.

use super::incident::{IncidentStatus, Severity};

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
}

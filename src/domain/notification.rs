//! What subscribers are told, and when. Only what a human has confirmed or announced reaches
//! them: suspicions and dismissals never do, and nobody hears the same status twice.

use super::incident::{Incident, IncidentStatus};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// The first thing subscribers hear of an incident.
    NewIncident,
    /// Maintenance announced ahead.
    MaintenancePosted,
    Updated,
    Resolved,
}

impl NotificationKind {
    /// The mail's subject line.
    pub fn subject(self, incident: &Incident, status: IncidentStatus) -> String {
        let severity = incident.severity.label();
        match self {
            Self::NewIncident => format!("[{severity}] New incident confirmed"),
            Self::MaintenancePosted => format!("[{severity}] Planned maintenance posted"),
            Self::Updated | Self::Resolved => {
                format!("[{severity}] [{}] Incident updated", status.label())
            }
        }
    }

    /// The mail's first sentence.
    pub fn headline(self) -> &'static str {
        match self {
            Self::NewIncident => "A new incident has been confirmed.",
            Self::MaintenancePosted => "Planned maintenance has been posted.",
            Self::Updated => "An incident has been updated.",
            Self::Resolved => "An incident has been resolved.",
        }
    }
}

/// Whether reaching `status` is news for subscribers of `incident`, and which kind. `None` for
/// silent incidents, suspicions and dismissals, a status they were already told about, and
/// for a resolution of an incident they never heard of.
pub fn notification_for(incident: &Incident, status: IncidentStatus) -> Option<NotificationKind> {
    if incident.silent || incident.last_notified_status == Some(status) {
        return None;
    }
    let told_before = incident.last_notified_status.is_some();
    match status {
        IncidentStatus::Suspected | IncidentStatus::Dismissed => None,
        IncidentStatus::Planned if told_before => None,
        IncidentStatus::Planned => Some(NotificationKind::MaintenancePosted),
        IncidentStatus::Confirmed | IncidentStatus::Watching
            if !told_before || incident.last_notified_status == Some(IncidentStatus::Planned) =>
        {
            Some(if told_before {
                NotificationKind::Updated
            } else {
                NotificationKind::NewIncident
            })
        }
        IncidentStatus::Confirmed | IncidentStatus::Watching => Some(NotificationKind::Updated),
        IncidentStatus::Resolved if told_before => Some(NotificationKind::Resolved),
        IncidentStatus::Resolved => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Severity;
    use IncidentStatus::*;

    fn incident(last: Option<IncidentStatus>, silent: bool) -> Incident {
        let t = jiff::Timestamp::from_second(1_700_000_000).expect("time");
        Incident {
            id: 1,
            status: Confirmed,
            severity: Severity::Outage,
            start: t,
            end: None,
            title: "Checkout down".into(),
            summary: None,
            slack_message_ts: None,
            silent,
            last_notified_status: last,
            created: t,
            updated: t,
        }
    }

    #[test]
    fn the_first_confirmation_is_a_new_incident_and_later_changes_are_updates() {
        let fresh = incident(None, false);
        assert_eq!(
            notification_for(&fresh, Confirmed),
            Some(NotificationKind::NewIncident)
        );
        assert_eq!(
            NotificationKind::NewIncident.subject(&fresh, Confirmed),
            "[Outage] New incident confirmed"
        );
        let told = incident(Some(Confirmed), false);
        assert_eq!(
            notification_for(&told, Confirmed),
            None,
            "never the same status twice"
        );
        assert_eq!(
            notification_for(&told, Watching),
            Some(NotificationKind::Updated)
        );
        assert_eq!(
            notification_for(&told, Resolved),
            Some(NotificationKind::Resolved)
        );
        assert_eq!(
            NotificationKind::Resolved.subject(&told, Resolved),
            "[Outage] [Resolved] Incident updated"
        );
    }

    #[test]
    fn suspicions_dismissals_and_silent_incidents_are_never_mailed() {
        assert_eq!(notification_for(&incident(None, false), Suspected), None);
        assert_eq!(notification_for(&incident(None, false), Dismissed), None);
        assert_eq!(notification_for(&incident(None, true), Confirmed), None);
        assert_eq!(
            notification_for(&incident(None, false), Resolved),
            None,
            "never heard of it"
        );
    }

    #[test]
    fn maintenance_is_announced_once_and_its_start_is_an_update() {
        assert_eq!(
            notification_for(&incident(None, false), Planned),
            Some(NotificationKind::MaintenancePosted)
        );
        let announced = incident(Some(Planned), false);
        assert_eq!(
            notification_for(&announced, Confirmed),
            Some(NotificationKind::Updated)
        );
    }
}

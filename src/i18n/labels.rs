//! The words for the domain's values (severities, statuses, the headline) in a language.

use super::{Arg, Language};
use crate::domain::maintenance::Phase;
use crate::domain::{Incident, IncidentStatus, OverallState, Severity};

impl Language {
    pub fn severity(&self, severity: Severity) -> String {
        self.t(&format!("severity-{}", severity.as_str()))
    }

    pub fn status(&self, status: IncidentStatus) -> String {
        self.t(&format!("status-{}", status.as_str()))
    }

    pub fn phase(&self, phase: Phase) -> String {
        self.t(match phase {
            Phase::Scheduled => "phase-scheduled",
            Phase::InProgress => "phase-in-progress",
            Phase::Completed => "phase-completed",
            Phase::Cancelled => "phase-cancelled",
        })
    }

    /// What readers are told an incident's state is: a maintenance's phase, otherwise its
    /// status (as `domain::maintenance::status_label` says it in English).
    pub fn state_of(&self, incident: &Incident) -> String {
        match Phase::of(incident) {
            Some(phase) => self.phase(phase),
            None => self.status(incident.status),
        }
    }

    /// The page's headline, with the system's name.
    pub fn headline(&self, state: OverallState, system: &str) -> String {
        self.with(
            &format!("headline-{}", state.as_str()),
            &[("system", Arg::Text(system))],
        )
    }

    /// The state icon's accessible name.
    pub fn state_icon(&self, state: OverallState) -> String {
        self.t(&format!("state-icon-{}", state.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::{IncidentStatus, OverallState, Severity};
    use crate::i18n::english;

    #[test]
    fn english_words_are_the_domains_own() {
        let en = english();
        for severity in Severity::ALL {
            assert_eq!(en.severity(severity), severity.label());
        }
        for status in [
            IncidentStatus::Planned,
            IncidentStatus::Suspected,
            IncidentStatus::Dismissed,
            IncidentStatus::Confirmed,
            IncidentStatus::Watching,
            IncidentStatus::Resolved,
        ] {
            assert_eq!(en.status(status), status.label());
        }
        for state in [
            OverallState::Down,
            OverallState::PartiallyUnavailable,
            OverallState::MightHaveIssues,
            OverallState::KnownIssue,
            OverallState::UpWithNotices,
            OverallState::UnderMaintenance,
            OverallState::Up,
        ] {
            assert_eq!(en.headline(state, "Shop"), state.headline("Shop"));
        }
    }
}

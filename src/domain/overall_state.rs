//! The one status the public page shows for the whole system.

use super::incident::{IncidentStatus, Severity};

/// The page's headline, from worst to best. Which one applies is decided by [`OverallState::of`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OverallState {
    Down,
    PartiallyUnavailable,
    MightHaveIssues,
    KnownIssue,
    UpWithNotices,
    UnderMaintenance,
    Up,
}

impl OverallState {
    pub const ALL: [OverallState; 7] = [
        Self::Down,
        Self::PartiallyUnavailable,
        Self::MightHaveIssues,
        Self::KnownIssue,
        Self::UpWithNotices,
        Self::UnderMaintenance,
        Self::Up,
    ];

    /// Decides the overall state from the status and severity of every incident, as the
    /// original monostat did: only what the team has **confirmed** says how bad things are now.
    /// In this order: a confirmed outage means down; a confirmed partial outage means partially
    /// unavailable; any suspected incident (whatever its severity, since monitoring guesses it)
    /// means "might be having issues"; then a confirmed known bug, notice and maintenance.
    ///
    /// A watched incident (the fix is in; the team makes sure it holds) is still listed with its
    /// state, but the system is up again: it does not count. Except a maintenance, whose watching
    /// is still its "In progress" phase (`maintenance::Phase`) on the page, in the API and in
    /// Slack, so the headline says so too. Planned, dismissed and resolved incidents never count.
    pub fn of<I>(incidents: I) -> OverallState
    where
        I: IntoIterator<Item = (IncidentStatus, Severity)>,
    {
        let mut worst_confirmed: Option<Severity> = None;
        let mut suspected = false;
        for (status, severity) in incidents {
            match status {
                IncidentStatus::Suspected => suspected = true,
                IncidentStatus::Confirmed => {
                    worst_confirmed = worst_confirmed.max(Some(severity));
                }
                IncidentStatus::Watching if severity == Severity::Maintenance => {
                    worst_confirmed = worst_confirmed.max(Some(severity));
                }
                IncidentStatus::Watching
                | IncidentStatus::Planned
                | IncidentStatus::Dismissed
                | IncidentStatus::Resolved => {}
            }
        }
        match worst_confirmed {
            Some(Severity::Outage) => Self::Down,
            Some(Severity::Partial) => Self::PartiallyUnavailable,
            _ if suspected => Self::MightHaveIssues,
            Some(Severity::Bug) => Self::KnownIssue,
            Some(Severity::Notice) => Self::UpWithNotices,
            Some(Severity::Maintenance) => Self::UnderMaintenance,
            None => Self::Up,
        }
    }

    /// A stable name for templates, CSS classes and APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Down => "down",
            Self::PartiallyUnavailable => "partial",
            Self::MightHaveIssues => "suspected",
            Self::KnownIssue => "known-issue",
            Self::UpWithNotices => "notice",
            Self::UnderMaintenance => "maintenance",
            Self::Up => "up",
        }
    }

    /// The headline, completed with the system's name.
    pub fn headline(self, system_name: &str) -> String {
        match self {
            Self::Down => format!("{system_name} is down"),
            Self::PartiallyUnavailable => format!("{system_name} is partially unavailable"),
            Self::MightHaveIssues => format!("{system_name} might be having issues"),
            Self::KnownIssue => format!("{system_name} has a significant known issue"),
            Self::UpWithNotices | Self::Up => format!("{system_name} is up and running"),
            Self::UnderMaintenance => format!("{system_name} is undergoing planned maintenance"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IncidentStatus::*;
    use Severity::*;

    #[test]
    fn nothing_going_on_means_up_and_running() {
        assert_eq!(OverallState::of([]), OverallState::Up);
        assert_eq!(
            OverallState::of([
                (Resolved, Outage),
                (Dismissed, Outage),
                (Planned, Maintenance)
            ]),
            OverallState::Up
        );
    }

    #[test]
    fn a_confirmed_outage_means_down_even_when_something_else_is_suspected() {
        assert_eq!(
            OverallState::of([(Suspected, Outage), (Confirmed, Outage), (Confirmed, Bug)]),
            OverallState::Down
        );
    }

    #[test]
    fn a_watched_incident_does_not_count_as_the_original_had_it() {
        for severity in [Outage, Partial, Bug, Notice] {
            assert_eq!(OverallState::of([(Watching, severity)]), OverallState::Up);
        }
        assert_eq!(
            OverallState::of([(Watching, Outage), (Confirmed, Bug)]),
            OverallState::KnownIssue
        );
        assert_eq!(
            OverallState::of([(Watching, Outage), (Suspected, Partial)]),
            OverallState::MightHaveIssues
        );
        assert_eq!(
            OverallState::of([(Watching, Partial), (Confirmed, Notice)]),
            OverallState::UpWithNotices
        );
    }

    #[test]
    fn a_watched_maintenance_is_still_in_progress() {
        assert_eq!(
            OverallState::of([(Watching, Maintenance)]),
            OverallState::UnderMaintenance
        );
        assert_eq!(
            OverallState::of([(Watching, Maintenance), (Watching, Outage)]),
            OverallState::UnderMaintenance
        );
    }

    #[test]
    fn a_partial_outage_beats_a_suspicion() {
        assert_eq!(
            OverallState::of([(Suspected, Outage), (Confirmed, Partial)]),
            OverallState::PartiallyUnavailable
        );
    }

    #[test]
    fn a_suspected_incident_beats_known_bugs_notices_and_maintenance() {
        for severity in [Bug, Notice, Maintenance] {
            assert_eq!(
                OverallState::of([(Confirmed, severity), (Suspected, Outage)]),
                OverallState::MightHaveIssues
            );
        }
    }

    #[test]
    fn a_suspected_outage_alone_is_not_reported_as_down() {
        assert_eq!(
            OverallState::of([(Suspected, Outage)]),
            OverallState::MightHaveIssues
        );
    }

    #[test]
    fn lesser_severities_follow_in_order() {
        assert_eq!(
            OverallState::of([
                (Confirmed, Maintenance),
                (Confirmed, Notice),
                (Confirmed, Bug)
            ]),
            OverallState::KnownIssue
        );
        assert_eq!(
            OverallState::of([(Confirmed, Maintenance), (Confirmed, Notice)]),
            OverallState::UpWithNotices
        );
        assert_eq!(
            OverallState::of([(Confirmed, Maintenance)]),
            OverallState::UnderMaintenance
        );
    }

    #[test]
    fn headlines_name_the_system() {
        assert_eq!(
            OverallState::Down.headline("Ticket shop"),
            "Ticket shop is down"
        );
        assert_eq!(
            OverallState::MightHaveIssues.headline("Ticket shop"),
            "Ticket shop might be having issues"
        );
    }
}

//! Inline SVG icons. Each carries its own accessible name, and every place that shows one also
//! says the same in words: status is never told by colour or shape alone.

use crate::domain::{IncidentStatus, OverallState, Severity};
use crate::i18n::Language;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Check,
    Cross,
    Warning,
    Question,
    Info,
    Clock,
}

/// Which of the theme's colours an icon (and the block around it) takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Success,
    Warning,
    Danger,
    Info,
    Muted,
}

impl Tone {
    pub fn class(self) -> &'static str {
        match self {
            Self::Success => "tone-success",
            Self::Warning => "tone-warning",
            Self::Danger => "tone-danger",
            Self::Info => "tone-info",
            Self::Muted => "tone-muted",
        }
    }
}

/// An icon ready for a template: markup (trusted, ours) and the colour class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Icon {
    pub svg: String,
    pub tone: &'static str,
}

impl Icon {
    pub fn new(shape: Shape, tone: Tone, label: &str) -> Self {
        let inner = match shape {
            Shape::Check => {
                r##"<circle cx="12" cy="12" r="11" fill="currentColor"/><path d="M7 12.5l3.2 3.2L17 9" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round"/>"##
            }
            Shape::Cross => {
                r##"<circle cx="12" cy="12" r="11" fill="currentColor"/><path d="M8 8l8 8M16 8l-8 8" stroke="#fff" stroke-width="2.6" stroke-linecap="round"/>"##
            }
            Shape::Warning => {
                r##"<path d="M12 1.8L23.2 21.6H.8z" fill="currentColor" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round"/><path d="M12 8.5v6" stroke="#222" stroke-width="2.4" stroke-linecap="round"/><circle cx="12" cy="18" r="1.4" fill="#222"/>"##
            }
            Shape::Question => {
                r##"<circle cx="12" cy="12" r="11" fill="currentColor"/><path d="M9 9.2a3 3 0 1 1 4.3 2.7c-.9.4-1.3 1-1.3 1.9v.4" fill="none" stroke="#fff" stroke-width="2.4" stroke-linecap="round"/><circle cx="12" cy="17.6" r="1.4" fill="#fff"/>"##
            }
            Shape::Info => {
                r##"<circle cx="12" cy="12" r="11" fill="currentColor"/><path d="M12 11v6.5" stroke="#fff" stroke-width="2.6" stroke-linecap="round"/><circle cx="12" cy="7.2" r="1.5" fill="#fff"/>"##
            }
            Shape::Clock => {
                r##"<circle cx="12" cy="12" r="11" fill="currentColor"/><path d="M12 6.5V12l3.5 2.5" fill="none" stroke="#fff" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"/>"##
            }
        };
        Self {
            svg: format!(
                r#"<svg class="icon" viewBox="0 0 24 24" role="img" aria-label="{}" focusable="false">{inner}</svg>"#,
                attribute_escape(label)
            ),
            tone: tone.class(),
        }
    }

    pub fn for_state(state: OverallState, lang: &Language) -> Self {
        let (shape, tone) = match state {
            OverallState::Down => (Shape::Cross, Tone::Danger),
            OverallState::PartiallyUnavailable => (Shape::Warning, Tone::Warning),
            OverallState::MightHaveIssues => (Shape::Question, Tone::Warning),
            OverallState::KnownIssue => (Shape::Warning, Tone::Warning),
            OverallState::UpWithNotices => (Shape::Info, Tone::Info),
            OverallState::UnderMaintenance => (Shape::Clock, Tone::Info),
            OverallState::Up => (Shape::Check, Tone::Success),
        };
        Self::new(shape, tone, &lang.state_icon(state))
    }

    /// An incident's (or an update's) icon: by status, and for incidents in progress by severity.
    pub fn for_incident(status: IncidentStatus, severity: Severity, lang: &Language) -> Self {
        let (shape, tone) = match status {
            IncidentStatus::Resolved => (Shape::Check, Tone::Success),
            IncidentStatus::Suspected => (Shape::Question, Tone::Warning),
            IncidentStatus::Planned => (Shape::Clock, Tone::Info),
            IncidentStatus::Dismissed => (Shape::Check, Tone::Muted),
            IncidentStatus::Confirmed | IncidentStatus::Watching => match severity {
                Severity::Outage => (Shape::Cross, Tone::Danger),
                Severity::Partial | Severity::Bug => (Shape::Warning, Tone::Warning),
                Severity::Notice => (Shape::Info, Tone::Info),
                Severity::Maintenance => (Shape::Clock, Tone::Info),
            },
        };
        let label = match status {
            IncidentStatus::Confirmed | IncidentStatus::Watching => lang.severity(severity),
            other => lang.status(other),
        };
        Self::new(shape, tone, &label)
    }

    /// A cancelled maintenance, and the update that cancelled it.
    pub fn cancelled(lang: &Language) -> Self {
        Self::new(Shape::Cross, Tone::Muted, &lang.t("phase-cancelled"))
    }

    /// An update that did not change the status.
    pub fn note(lang: &Language) -> Self {
        Self::new(Shape::Info, Tone::Muted, &lang.t("icon-update"))
    }
}

fn attribute_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

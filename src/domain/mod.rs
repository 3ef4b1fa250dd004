//! The incident rules, as plain types and functions.
//!
//! Everything that decides what an incident *means* lives here: which statuses and severities
//! exist and how they are called, which incidents the public may see, what the page's overall
//! state is, what people may enter and change (`input`), and who hears of a change
//! (`notification`). Slack, the admin pages and the alert hooks all
//! call these rules; none of them keeps a copy. This module never does I/O.

pub mod alerts;
pub mod email;
pub mod incident;
pub mod input;
pub mod maintenance;
pub mod notification;
pub mod overall_state;
pub mod recurrence;
pub mod uptime;
pub mod watch;

pub use incident::{Incident, IncidentStatus, Severity, UnknownValue};
pub use overall_state::OverallState;

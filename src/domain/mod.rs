//! The incident rules, as plain types and functions.
//!
//! Everything that decides what an incident *means* lives here: which statuses and severities
//! exist and how they are called, which incidents the public may see, what the page's overall
//! state is, and what changing a status implies. Slack, the admin pages and the alert hooks all
//! call these rules; none of them keeps a copy. This module never does I/O.

pub mod alerts;
pub mod email;
pub mod incident;
pub mod input;
pub mod notification;
pub mod overall_state;

pub use incident::{Incident, IncidentStatus, Severity, UnknownValue};
pub use overall_state::OverallState;

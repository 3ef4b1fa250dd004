//! The Slack bot. Every Web API call runs as a durable job (see `crate::jobs`); this module
//! owns those jobs' handlers, the messages they send and the client they send them with, and
//! the endpoint Slack calls (`routes.rs`: events and interactivity over HTTP).
//!
//! Settings are read from the database for every job, with the `MONOSTAT_SLACK_*` variables on
//! top, so a change on the admin page takes effect without a restart.

mod api;
pub mod channel;
pub mod events;
pub mod interactions;
mod jobs;
mod limits;
mod maintenance;
mod messages;
mod routes;
pub mod settings;
pub mod socket_mode;
mod watch;

pub use api::{ChannelInfo, SlackApi, SlackCallError};
pub use routes::{SlackParts, SlackState, routes};

use crate::config::Config;
use crate::service::Services;
use std::sync::Arc;

/// What handling a person's action in Slack needs: the use cases, and Slack itself for the few
/// calls that cannot wait for a job (`views.open`).
#[derive(Clone)]
pub struct Bot {
    pub services: Services,
    pub api: SlackApi,
    pub config: Arc<Config>,
}
pub use jobs::{SlackJobs, register};
pub use messages::incident_message;

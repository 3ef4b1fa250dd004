//! What the admin pages may use.

use super::LoginLimits;
use crate::changes::Changes;
use crate::config::Config;
use crate::jobs::Jobs;
use crate::public::PublicPages;
use crate::service::Services;
use crate::slack::SlackApi;
use crate::slack::socket_mode;
use crate::storage::Db;
use std::sync::Arc;

/// The admin pages' state: one `Arc`, so taking it costs a request one clone however many parts
/// it has (see `app::state`).
pub type AdminState = Arc<AdminParts>;

pub struct AdminParts {
    pub config: Arc<Config>,
    pub db: Db,
    pub jobs: Jobs,
    pub changes: Changes,
    /// For the "send a test message" button, which cannot wait for a job.
    pub slack: SlackApi,
    /// Whether Socket Mode is connected, for the Slack settings page.
    pub socket_mode: socket_mode::Status,
    pub admin_limits: LoginLimits,
    /// The site's look from the last rendering (the system's name in page titles).
    pub pages: PublicPages,
}

impl AdminParts {
    pub fn services(&self) -> Services {
        Services {
            db: self.db.clone(),
            jobs: self.jobs.clone(),
            changes: self.changes.clone(),
        }
    }
}

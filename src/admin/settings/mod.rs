//! The settings pages, one file each: the site (name, contacts, colours), its logo,
//! notifications, maintenance, the alert hooks and Slack. A value the environment sets is shown, read-only,
//! as set by the environment.

mod hooks;
mod logo;
mod maintenance;
mod notifications;
mod site;
mod slack;

pub use hooks::{hooks, regenerate_hook_secret, save_hooks};
pub use logo::{remove_logo, upload_logo};
pub use maintenance::{maintenance, save_maintenance};
pub use notifications::{notifications, save_notifications};
pub use site::{save_site, site};
pub use slack::{save_slack, slack, test_slack};

use super::AdminState;
use super::session::Admin;
use crate::storage::StorageError;

#[derive(serde::Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// Writes the audit entry for a settings change and commits it with the change.
async fn saved(
    state: &AdminState,
    admin: &Admin,
    action: &str,
    what: &str,
    change: impl AsyncFnOnce(&mut crate::storage::AnyConnection) -> Result<(), StorageError>,
) -> Result<(), StorageError> {
    let message = format!("{} changed {what}", admin.user.username);
    super::audited(state, admin, action, message, change).await?;
    // The public page shows the new name, colours or logo at once.
    state.services().committed();
    Ok(())
}

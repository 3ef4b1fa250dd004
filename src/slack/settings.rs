//! The Slack settings a job needs, as `crate::settings` decides them: the admin's, with the
//! environment's overrides on top.

use crate::config::SlackOverrides;
use crate::storage::{self, AnyConnection};

/// What a job needs to talk to the team's channel.
#[derive(Clone)]
pub struct Effective {
    pub bot_token: String,
    /// As configured, e.g. `#statuspage`.
    pub channel_name: String,
    /// Resolved from the name, when it was resolved for this name.
    pub channel_id: Option<String>,
}

impl Effective {
    /// Without a bot token and a channel there is nothing to post to.
    pub fn is_configured(&self) -> bool {
        !self.bot_token.is_empty() && !self.channel_name.is_empty()
    }
}

/// The bot token and channel in force (`crate::settings` decides: environment, else stored).
pub async fn load(
    conn: &mut AnyConnection,
    overrides: &SlackOverrides,
) -> storage::Result<Effective> {
    let slack = crate::settings::slack(conn, overrides).await?;
    Ok(Effective {
        bot_token: slack.bot_token.value,
        channel_name: slack.channel_name.value,
        channel_id: slack.channel_id,
    })
}

/// `#statuspage` and `statuspage` name the same channel.
pub use crate::settings::normalise_channel as normalise;

/// The app-level token in force (empty when none): it alone decides whether Socket Mode runs.
pub async fn app_token(
    conn: &mut AnyConnection,
    overrides: &SlackOverrides,
) -> storage::Result<String> {
    Ok(crate::settings::slack_app_token(conn, overrides)
        .await?
        .value)
}

//! The Slack settings in force: the admin's, with the environment's overrides on top.

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

pub async fn load(
    conn: &mut AnyConnection,
    overrides: &SlackOverrides,
) -> storage::Result<Effective> {
    let stored = storage::settings::slack(conn).await?;
    let channel_name = overrides
        .channel
        .clone()
        .unwrap_or_else(|| stored.channel_name.clone());
    // A stored id belongs to the name it was resolved for; a new name needs resolving again.
    let channel_id = stored
        .channel_id
        .filter(|_| normalise(&stored.channel_name) == normalise(&channel_name));
    Ok(Effective {
        bot_token: overrides
            .bot_token
            .as_ref()
            .map(|t| t.expose().to_owned())
            .unwrap_or(stored.bot_token),
        channel_name,
        channel_id,
    })
}

/// `#statuspage` and `statuspage` name the same channel.
pub fn normalise(channel_name: &str) -> &str {
    channel_name.trim().trim_start_matches('#')
}

/// The app-level token in force (empty when none): it alone decides whether Socket Mode runs.
pub async fn app_token(
    conn: &mut AnyConnection,
    overrides: &SlackOverrides,
) -> storage::Result<String> {
    Ok(match &overrides.app_token {
        Some(token) => token.expose().to_owned(),
        None => storage::settings::slack(conn).await?.app_token,
    })
}

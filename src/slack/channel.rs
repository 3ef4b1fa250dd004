//! Checking a channel before it is saved as the one to post to, as the original did: a
//! mistyped or archived channel is refused at once, instead of surfacing hours later as
//! retrying jobs. Only reads (`conversations.info`, `conversations.list`): joining the channel
//! stays with the jobs that post, so the check has no side effect in Slack.

use super::api::{ChannelInfo, ChannelScan, NameLookup, SlackApi, SlackCallError};
use std::time::Duration;

/// The most the check takes, all pages together: someone is waiting for the answer, however
/// slow Slack is.
pub const CHECK_BUDGET: Duration = Duration::from_secs(8);

/// `conversations.list` is a Tier 2 method (about 20 calls a minute), so the check takes big
/// pages and few of them: up to 9,990 channels, archived ones included so that an
/// archived channel is named as such rather than as unknown. 999 is within every published
/// limit ("no larger than 1000", "under 1000", "max value of 999").
const ADMIN_SCAN: ChannelScan = ChannelScan {
    page_limit: 999,
    max_pages: 10,
    exclude_archived: false,
};

/// A channel as a person names it in the settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChannelRef {
    /// Without `#`.
    Name(String),
    /// Like `C0123456789`: what Slack shows at the bottom of a channel's details.
    Id(String),
}

impl ChannelRef {
    /// `None` when `typed` (trimmed, `#` optional) is neither a channel name nor an id. Slack's
    /// names have no capitals, so an id cannot be mistaken for a name.
    pub fn parse(typed: &str) -> Option<ChannelRef> {
        let typed = super::settings::normalise(typed);
        let is_id = typed.len() >= 9
            && typed.len() <= 24
            && typed.starts_with(['C', 'G'])
            && typed
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if is_id {
            return Some(ChannelRef::Id(typed.to_owned()));
        }
        let is_name = !typed.is_empty()
            && typed.chars().count() <= 80
            && typed
                .chars()
                .all(|c| c.is_lowercase() || c.is_ascii_digit() || "-_".contains(c));
        is_name.then(|| ChannelRef::Name(typed.to_owned()))
    }
}

/// Why a channel cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// No channel with this id that the bot can see (a private channel it is not in looks the
    /// same to Slack's API).
    UnknownId(String),
    /// No public channel of this name among the `looked_at` the bot saw: all there are when
    /// `complete`, else as many as the lookup may page through.
    UnknownName {
        name: String,
        looked_at: usize,
        complete: bool,
    },
    Archived(ChannelInfo),
    /// Slack refused the lookup itself with this code: a bad token, a missing scope.
    Refused(String),
    RateLimited(Option<Duration>),
    /// Network trouble or a server error (the log has the details).
    Unreachable,
    /// No complete answer within `CHECK_BUDGET`.
    TooSlow,
}

impl From<SlackCallError> for Problem {
    fn from(e: SlackCallError) -> Problem {
        match e {
            SlackCallError::Api(code) => Problem::Refused(code),
            SlackCallError::RateLimited(after) => Problem::RateLimited(after),
            SlackCallError::Transport(detail) => {
                tracing::warn!(error = %detail, "Slack could not be reached to check the channel");
                Problem::Unreachable
            }
        }
    }
}

/// The channel `channel` names, if the bot can post there: it exists, the bot can see it, and
/// it is not archived. Whether the bot is in it yet is for the caller to tell (`is_member`).
pub async fn check(
    api: &SlackApi,
    token: &str,
    channel: &ChannelRef,
) -> Result<ChannelInfo, Problem> {
    let lookup = async {
        match channel {
            ChannelRef::Id(id) => api
                .channel_by_id(token, id)
                .await?
                .ok_or_else(|| Problem::UnknownId(id.clone())),
            ChannelRef::Name(name) => match api.channel_named(token, name, &ADMIN_SCAN).await? {
                NameLookup::Found(found) => Ok(found),
                NameLookup::Missing {
                    looked_at,
                    complete,
                } => Err(Problem::UnknownName {
                    name: name.clone(),
                    looked_at,
                    complete,
                }),
            },
        }
    };
    let found = tokio::time::timeout(CHECK_BUDGET, lookup)
        .await
        .map_err(|_| Problem::TooSlow)??;
    if found.is_archived {
        return Err(Problem::Archived(found));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ids_are_told_apart() {
        let name = |n: &str| Some(ChannelRef::Name(n.into()));
        assert_eq!(ChannelRef::parse("#statuspage"), name("statuspage"));
        assert_eq!(ChannelRef::parse("  status-page_2 "), name("status-page_2"));
        assert_eq!(ChannelRef::parse("#störungen"), name("störungen"));
        assert_eq!(
            ChannelRef::parse("C0FAKECHAN1"),
            Some(ChannelRef::Id("C0FAKECHAN1".into()))
        );
        assert_eq!(
            ChannelRef::parse("#G01ABCDEFGH"),
            Some(ChannelRef::Id("G01ABCDEFGH".into()))
        );
        for bad in [
            "",
            "#",
            "Status Page",
            "#Statuspage",
            "C0FAKE",
            "a.b",
            "<b>",
        ] {
            assert_eq!(ChannelRef::parse(bad), None, "{bad:?}");
        }
        assert_eq!(ChannelRef::parse(&"x".repeat(81)), None);
    }
}

//! The few Web API calls the bot makes, through slack-morphism, with Slack's failures sorted
//! into "try again" and "a human must fix something".

use crate::jobs::JobError;
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;
use std::time::Duration;

/// How long one Web API call may take before it counts as failed (and is retried).
const CALL_TIMEOUT: Duration = Duration::from_secs(20);
/// `views.open` must happen within the three seconds a `trigger_id` lives, so it cannot wait
/// the way a job does.
const VIEWS_OPEN_TIMEOUT: Duration = Duration::from_millis(2500);
/// How a job pages through the channels: patiently (it runs in the background, and retries),
/// skipping archived ones, which it could not post to. Enough for any workspace.
const JOB_SCAN: ChannelScan = ChannelScan {
    page_limit: 200,
    max_pages: 100,
    exclude_archived: true,
};

/// How far a lookup by name pages through `conversations.list`.
pub struct ChannelScan {
    /// `limit`: the most channels a page may hold (Slack may send fewer).
    pub page_limit: u16,
    pub max_pages: usize,
    pub exclude_archived: bool,
}

/// A channel as far as the bot's settings care.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelInfo {
    pub id: String,
    /// Without `#`.
    pub name: String,
    pub is_archived: bool,
    /// Whether the bot is in it.
    pub is_member: bool,
}

impl From<&SlackChannelInfo> for ChannelInfo {
    fn from(c: &SlackChannelInfo) -> ChannelInfo {
        ChannelInfo {
            id: c.id.value().to_owned(),
            name: c.name.clone().unwrap_or_default(),
            is_archived: c.flags.is_archived.unwrap_or(false),
            is_member: c.flags.is_member.unwrap_or(false),
        }
    }
}

/// What paging through the channels for a name found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameLookup {
    Found(ChannelInfo),
    /// None of the `looked_at` channels seen has the name; `complete` when they were all there
    /// are, not just as many as the scan allowed.
    Missing {
        looked_at: usize,
        complete: bool,
    },
}

/// A Web API client; cheap to clone.
#[derive(Clone)]
pub struct SlackApi {
    client: std::sync::Arc<SlackHyperClient>,
}

/// A failed call.
#[derive(Debug, thiserror::Error)]
pub enum SlackCallError {
    /// Slack answered `ok: false` with this error code (`not_in_channel`, `invalid_auth`, …).
    #[error("Slack refused the call: {0}")]
    Api(String),
    /// HTTP 429: call again after this long.
    #[error("Slack rate-limited the call")]
    RateLimited(Option<Duration>),
    /// Network trouble, a 5xx, an answer we could not read, a timeout.
    #[error("Slack could not be reached: {0}")]
    Transport(String),
}

impl SlackCallError {
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Api(code) => Some(code),
            _ => None,
        }
    }

    /// Whether Slack refused what was sent rather than the call itself.
    pub fn is_refused_content(&self) -> bool {
        self.code()
            .is_some_and(|code| REFUSED_CONTENT_CODES.contains(&code))
    }
}

/// Codes with which Slack refuses a message's or view's content (d.3 of our Slack notes): the
/// same call with the same content can never succeed, but a smaller one can.
const REFUSED_CONTENT_CODES: &[&str] = &[
    "invalid_blocks",
    "invalid_blocks_format",
    "invalid_arguments",
    "msg_too_long",
    "msg_blocks_too_long",
    "no_text",
];

/// Codes that no retry can fix: the token or the channel must be changed by an admin.
const PERMANENT_CODES: &[&str] = &[
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "missing_scope",
    "is_archived",
    "no_text",
    "invalid_blocks",
    "invalid_blocks_format",
    "invalid_arguments",
    "msg_too_long",
    "msg_blocks_too_long",
];

impl From<SlackCallError> for JobError {
    fn from(e: SlackCallError) -> JobError {
        match &e {
            SlackCallError::RateLimited(Some(after)) => JobError::retry_after(&e, *after),
            SlackCallError::Api(code) if PERMANENT_CODES.contains(&code.as_str()) => {
                JobError::permanent(&e)
            }
            _ => JobError::retry(&e),
        }
    }
}

fn classify(e: SlackClientError) -> SlackCallError {
    match e {
        SlackClientError::ApiError(api) => {
            let e = SlackCallError::Api(api.code);
            if e.is_refused_content() {
                // Slack names the offending field (`[json-pointer:/blocks/2/text/text]`): the
                // clue to the bug that let text past the limits.
                tracing::error!(
                    answer = api.http_response_body.as_deref().unwrap_or(""),
                    "Slack refused the content of a call"
                );
            }
            e
        }
        SlackClientError::RateLimitError(limit) => SlackCallError::RateLimited(limit.retry_after),
        other => SlackCallError::Transport(other.to_string()),
    }
}

async fn call<T>(
    future: impl std::future::Future<Output = Result<T, SlackClientError>>,
) -> Result<T, SlackCallError> {
    match tokio::time::timeout(CALL_TIMEOUT, future).await {
        Ok(result) => result.map_err(classify),
        Err(_) => Err(SlackCallError::Transport(format!(
            "no answer within {} seconds",
            CALL_TIMEOUT.as_secs()
        ))),
    }
}

impl SlackApi {
    /// A client for the Web API at `api_url` (Slack's, or a stand-in for tests and proxies,
    /// which may be plain http).
    pub fn new(api_url: &url::Url) -> std::io::Result<SlackApi> {
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()?
            .https_or_http()
            .enable_http1()
            .build();
        let connector = SlackClientHyperConnector::with_connector(connector)
            .with_slack_api_url(api_url.as_str().trim_end_matches('/'));
        Ok(SlackApi {
            client: std::sync::Arc::new(SlackClient::new(connector)),
        })
    }

    /// The underlying slack-morphism client, for Socket Mode.
    pub fn client(&self) -> std::sync::Arc<SlackHyperClient> {
        self.client.clone()
    }

    fn token(token: &str) -> SlackApiToken {
        SlackApiToken::new(SlackApiTokenValue::from(token.to_owned()))
    }

    /// Posts a message (in a thread when `thread_ts` is given); returns its `ts`.
    pub async fn post_message(
        &self,
        token: &str,
        channel_id: &str,
        content: SlackMessageContent,
        thread_ts: Option<&str>,
        broadcast: bool,
    ) -> Result<String, SlackCallError> {
        let token = Self::token(token);
        let session = self.client.open_session(&token);
        let mut request = SlackApiChatPostMessageRequest::new(channel_id.into(), content)
            .with_unfurl_links(false);
        if let Some(ts) = thread_ts {
            request = request.with_thread_ts(ts.into());
            if broadcast {
                request = request.with_reply_broadcast(true);
            }
        }
        let response = call(session.chat_post_message(&request)).await?;
        Ok(response.ts.value().to_owned())
    }

    /// A message only `user_id` sees, in `channel_id` (an answer to their click alone).
    pub async fn post_ephemeral(
        &self,
        token: &str,
        channel_id: &str,
        user_id: &str,
        content: SlackMessageContent,
    ) -> Result<(), SlackCallError> {
        let token = Self::token(token);
        let session = self.client.open_session(&token);
        let request =
            SlackApiChatPostEphemeralRequest::new(channel_id.into(), user_id.into(), content);
        call(session.chat_post_ephemeral(&request)).await?;
        Ok(())
    }

    pub async fn update_message(
        &self,
        token: &str,
        channel_id: &str,
        ts: &str,
        content: SlackMessageContent,
    ) -> Result<(), SlackCallError> {
        let token = Self::token(token);
        let session = self.client.open_session(&token);
        let request = SlackApiChatUpdateRequest::new(channel_id.into(), content, ts.into());
        call(session.chat_update(&request)).await?;
        Ok(())
    }

    /// The id of the public, unarchived channel called `name` (with or without `#`), paging
    /// through `conversations.list`.
    pub async fn find_channel(
        &self,
        token: &str,
        name: &str,
    ) -> Result<Option<String>, SlackCallError> {
        Ok(match self.channel_named(token, name, &JOB_SCAN).await? {
            NameLookup::Found(channel) => Some(channel.id),
            NameLookup::Missing { .. } => None,
        })
    }

    /// The channel called `name` (with or without `#`) among those `scan` lets it page through.
    pub async fn channel_named(
        &self,
        token: &str,
        name: &str,
        scan: &ChannelScan,
    ) -> Result<NameLookup, SlackCallError> {
        let wanted = super::settings::normalise(name);
        let token = Self::token(token);
        let session = self.client.open_session(&token);
        let mut cursor: Option<SlackCursorId> = None;
        let mut looked_at = 0;
        for _ in 0..scan.max_pages {
            let mut request = SlackApiConversationsListRequest::new()
                .with_exclude_archived(scan.exclude_archived)
                .with_limit(scan.page_limit)
                .with_types(vec![SlackConversationType::Public]);
            if let Some(cursor) = cursor.take() {
                request = request.with_cursor(cursor);
            }
            let page = call(session.conversations_list(&request)).await?;
            looked_at += page.channels.len();
            if let Some(found) = page
                .channels
                .iter()
                .find(|c| c.name.as_deref() == Some(wanted))
            {
                return Ok(NameLookup::Found(ChannelInfo::from(found)));
            }
            cursor = page
                .response_metadata
                .and_then(|m| m.next_cursor)
                .filter(|c| !c.value().is_empty());
            if cursor.is_none() {
                return Ok(NameLookup::Missing {
                    looked_at,
                    complete: true,
                });
            }
        }
        Ok(NameLookup::Missing {
            looked_at,
            complete: false,
        })
    }

    /// The channel with this id (`conversations.info`); `None` when the bot cannot see it (Slack
    /// says `channel_not_found` for a private channel the bot is not in, too).
    pub async fn channel_by_id(
        &self,
        token: &str,
        id: &str,
    ) -> Result<Option<ChannelInfo>, SlackCallError> {
        let token = Self::token(token);
        let session = self.client.open_session(&token);
        let request = SlackApiConversationsInfoRequest::new(id.into());
        match call(session.conversations_info(&request)).await {
            Ok(answer) => Ok(Some(ChannelInfo::from(&answer.channel))),
            Err(SlackCallError::Api(code)) if code == "channel_not_found" => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Opens a modal for the person whose click carried `trigger_id`. Called directly, not as a
    /// job: the trigger expires in three seconds.
    pub async fn open_view(
        &self,
        token: &str,
        trigger_id: &str,
        view: SlackView,
    ) -> Result<(), SlackCallError> {
        let token = Self::token(token);
        let session = self.client.open_session(&token);
        let request = SlackApiViewsOpenRequest::new(trigger_id.into(), view);
        match tokio::time::timeout(VIEWS_OPEN_TIMEOUT, session.views_open(&request)).await {
            Ok(result) => result.map(|_| ()).map_err(classify),
            Err(_) => Err(SlackCallError::Transport("views.open took too long".into())),
        }
    }

    /// Shows `view` as `user_id`'s Home tab.
    pub async fn publish_home(
        &self,
        token: &str,
        user_id: &str,
        view: SlackView,
    ) -> Result<(), SlackCallError> {
        let token = Self::token(token);
        let session = self.client.open_session(&token);
        call(session.views_publish(&SlackApiViewsPublishRequest::new(user_id.into(), view)))
            .await?;
        Ok(())
    }

    /// Who the token belongs to (`auth.test`): workspace and bot user names. For the admin's
    /// "Test connection"; it changes nothing, so it need not be a job.
    pub async fn auth_test(&self, token: &str) -> Result<(String, String), SlackCallError> {
        let token = Self::token(token);
        let session = self.client.open_session(&token);
        let answer = call(session.auth_test()).await?;
        Ok((answer.team, answer.user.unwrap_or_default()))
    }

    pub async fn join_channel(&self, token: &str, channel_id: &str) -> Result<(), SlackCallError> {
        let token = Self::token(token);
        let session = self.client.open_session(&token);
        call(session.conversations_join(&SlackApiConversationsJoinRequest::new(channel_id.into())))
            .await?;
        Ok(())
    }
}

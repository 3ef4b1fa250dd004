//! The Slack jobs' handlers: they read the incident as it is *now* and bring its message, and
//! its thread, up to date. Running one twice updates the same message again (the stored `ts`
//! makes posting idempotent); only a thread reply could appear twice, after a crash between
//! Slack's answer and the job being marked done.

use super::api::{SlackApi, SlackCallError};
use super::messages;
use super::settings::{self, Effective};
use crate::config::Config;
use crate::domain::Incident;
use crate::jobs::kinds::{self, IncidentJob};
use crate::jobs::{JobError, JobRegistry, JobResult};
use crate::storage::{self, Db, alerts, incidents};
use slack_morphism::prelude::SlackMessageContent;
use std::sync::Arc;

/// What the Slack job handlers share.
#[derive(Clone)]
pub struct SlackJobs {
    pub db: Db,
    pub config: Arc<Config>,
    pub api: SlackApi,
}

/// A post that failed: with Slack's answer, which the caller may still act on, or for a reason
/// already sorted into retry or give up.
enum PostError {
    Slack(SlackCallError),
    Job(JobError),
}

impl From<SlackCallError> for PostError {
    fn from(e: SlackCallError) -> PostError {
        PostError::Slack(e)
    }
}

impl From<PostError> for JobError {
    fn from(e: PostError) -> JobError {
        match e {
            PostError::Slack(e) => e.into(),
            PostError::Job(e) => e,
        }
    }
}

/// Where the bot posts: a token and a resolved channel.
pub(super) struct Target {
    pub(super) token: String,
    pub(super) channel_id: String,
}

impl From<storage::StorageError> for JobError {
    fn from(e: storage::StorageError) -> JobError {
        JobError::retry(e)
    }
}

pub fn register(registry: &mut JobRegistry, slack: SlackJobs) {
    let handler = |slack: SlackJobs, kind: &'static str| {
        move |payload: String| {
            let slack = slack.clone();
            async move { slack.run(kind, &payload).await }
        }
    };
    for kind in [
        kinds::SLACK_NEW_INCIDENT_FROM_ALERT,
        kinds::SLACK_AUTO_DISMISSED,
        kinds::SLACK_ALL_ALERTS_CLOSED,
        kinds::SLACK_INCIDENT_CHANGED,
    ] {
        registry.register(kind, handler(slack.clone(), kind));
    }
    let prompts = slack.clone();
    registry.register(kinds::SLACK_MAINTENANCE_PROMPT, move |payload: String| {
        let slack = prompts.clone();
        async move { slack.prompt(&payload).await }
    });
    let answers = slack.clone();
    registry.register(
        super::maintenance::SLACK_PROMPT_ANSWERED,
        move |payload: String| {
            let slack = answers.clone();
            async move { slack.prompt_answered(&payload).await }
        },
    );
    let watch = slack.clone();
    registry.register(kinds::SLACK_MONITORING_QUIET, move |payload: String| {
        let slack = watch.clone();
        async move { slack.monitoring_quiet(&payload).await }
    });
    let watch = slack.clone();
    registry.register(kinds::SLACK_MONITORING_BACK, move |payload: String| {
        let slack = watch.clone();
        async move { slack.monitoring_back(&payload).await }
    });
    let watch = slack.clone();
    registry.register(kinds::SLACK_NUDGE, move |payload: String| {
        let slack = watch.clone();
        async move { slack.nudge(&payload).await }
    });
    registry.register(kinds::SLACK_PUBLISH_HOME, move |payload: String| {
        let slack = slack.clone();
        async move { slack.publish_home(&payload).await }
    });
}

impl SlackJobs {
    #[tracing::instrument(skip_all, fields(payload = %payload))]
    async fn publish_home(&self, payload: &str) -> JobResult {
        let job: kinds::HomeJob = serde_json::from_str(payload)
            .map_err(|e| JobError::permanent(format!("unreadable home payload: {e}")))?;
        let token = {
            let mut conn = self.db.acquire().await?;
            settings::load(&mut conn, &self.config.slack)
                .await?
                .bot_token
        };
        if token.is_empty() {
            tracing::info!("Slack is not configured (bot token); Home tab not published");
            return Ok(());
        }
        let Some(view) = messages::home_view() else {
            return Err(JobError::permanent(
                "the Home tab view is not valid Block Kit",
            ));
        };
        self.api.publish_home(&token, &job.user_id, view).await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(kind = kind, payload = %payload))]
    async fn run(&self, kind: &'static str, payload: &str) -> JobResult {
        let job: IncidentJob = serde_json::from_str(payload)
            .map_err(|e| JobError::permanent(format!("unreadable {kind} payload: {e}")))?;
        let Some(target) = self.target().await? else {
            tracing::info!(
                kind,
                incident_id = job.incident_id,
                "Slack is not configured (bot token and channel); job skipped"
            );
            return Ok(());
        };
        let mut conn = self.db.acquire().await?;
        let Some(incident) = incidents::get(&mut conn, job.incident_id).await? else {
            tracing::info!(
                kind,
                incident_id = job.incident_id,
                "incident no longer exists; Slack job skipped"
            );
            return Ok(());
        };
        let alert_message = match job.alert_message {
            Some(message) => Some(message),
            None => alerts::first_message(&mut conn, incident.id).await?,
        };
        drop(conn);

        let ts = self
            .show_incident(&target, &incident, alert_message.as_deref())
            .await?;
        // Whether the channel sees the reply is `domain::notification::audience`'s call (alert
        // news: yes; a person's change: no); jobs queued before it said so keep their kind's way.
        let broadcast = job.broadcast.unwrap_or(matches!(
            kind,
            kinds::SLACK_AUTO_DISMISSED | kinds::SLACK_ALL_ALERTS_CLOSED
        ));
        let site = &self.config.site_url;
        let instead = messages::minimal_thread_note(incident.id, site);
        match kind {
            kinds::SLACK_AUTO_DISMISSED => {
                let reply = messages::auto_dismissed_reply(incident.id, site);
                self.post(&target, reply, &instead, Some(&ts), broadcast)
                    .await?;
            }
            kinds::SLACK_ALL_ALERTS_CLOSED => {
                let reply = messages::all_alerts_closed_reply();
                self.post(&target, reply, &instead, Some(&ts), broadcast)
                    .await?;
            }
            _ => {
                let worded = job.news.iter().map(messages::note_text);
                for note in job.notes.iter().cloned().chain(worded) {
                    let note = messages::thread_note(&note, incident.id, site);
                    self.post(&target, note, &instead, Some(&ts), broadcast)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Updates the incident's message, or posts it when it has none (or Slack lost it), and
    /// returns its `ts`.
    pub(super) async fn show_incident(
        &self,
        target: &Target,
        incident: &Incident,
        alert_message: Option<&str>,
    ) -> Result<String, JobError> {
        let site = &self.config.site_url;
        let content = messages::incident_message(incident, alert_message, site);
        let instead = messages::minimal_incident_message(incident, site);
        if let Some(ts) = &incident.slack_message_ts {
            match self.update(target, ts, content.clone(), &instead).await {
                Ok(()) => return Ok(ts.clone()),
                // Deleted, or posted in a channel we no longer use: post a fresh one.
                Err(SlackCallError::Api(code))
                    if matches!(
                        code.as_str(),
                        "message_not_found"
                            | "cant_update_message"
                            | "edit_window_closed"
                            | "channel_not_found"
                    ) =>
                {
                    tracing::warn!(
                        incident_id = incident.id,
                        code,
                        "incident message cannot be updated; posting a new one"
                    );
                }
                Err(e) => return Err(e.into()),
            }
        }
        let ts = self.post(target, content, &instead, None, false).await?;
        let mut conn = self.db.acquire().await?;
        incidents::set_slack_message_ts(&mut conn, incident.id, &ts).await?;
        Ok(ts)
    }

    /// `chat.update`; when Slack refuses the content, the same with `instead`.
    pub(super) async fn update(
        &self,
        target: &Target,
        ts: &str,
        content: SlackMessageContent,
        instead: &SlackMessageContent,
    ) -> Result<(), SlackCallError> {
        let api = &self.api;
        match api
            .update_message(&target.token, &target.channel_id, ts, content)
            .await
        {
            Err(e) if e.is_refused_content() => {
                tracing::error!(error = %e, ts, "Slack refused a message; sending the minimal one instead");
                api.update_message(&target.token, &target.channel_id, ts, instead.clone())
                    .await
            }
            other => other,
        }
    }

    /// Posts `content`, or `instead` when Slack refuses the content: a message that cannot be
    /// shown must not silence the channel, nor block the incident's later jobs.
    pub(super) async fn post(
        &self,
        target: &Target,
        content: SlackMessageContent,
        instead: &SlackMessageContent,
        thread_ts: Option<&str>,
        broadcast: bool,
    ) -> Result<String, JobError> {
        match self.post_once(target, content, thread_ts, broadcast).await {
            Err(PostError::Slack(e)) if e.is_refused_content() => {
                tracing::error!(error = %e, "Slack refused a message; sending the minimal one instead");
                Ok(self
                    .post_once(target, instead.clone(), thread_ts, broadcast)
                    .await?)
            }
            other => Ok(other?),
        }
    }

    /// Posts, joining the channel first if Slack says the bot is not in it.
    async fn post_once(
        &self,
        target: &Target,
        content: SlackMessageContent,
        thread_ts: Option<&str>,
        broadcast: bool,
    ) -> Result<String, PostError> {
        let first = self
            .api
            .post_message(
                &target.token,
                &target.channel_id,
                content.clone(),
                thread_ts,
                broadcast,
            )
            .await;
        match first {
            Err(SlackCallError::Api(code)) if code == "not_in_channel" => {
                self.api
                    .join_channel(&target.token, &target.channel_id)
                    .await?;
                Ok(self
                    .api
                    .post_message(
                        &target.token,
                        &target.channel_id,
                        content,
                        thread_ts,
                        broadcast,
                    )
                    .await?)
            }
            Err(SlackCallError::Api(code)) if code == "channel_not_found" => {
                // Perhaps renamed or recreated: resolve the name again on the next attempt.
                let forget = async {
                    let mut conn = self.db.acquire().await?;
                    storage::settings::set_slack_channel_id(&mut conn, None).await
                };
                forget.await.map_err(|e| PostError::Job(e.into()))?;
                Err(PostError::Job(JobError::retry(format!(
                    "Slack channel {} not found (channel_not_found)",
                    target.channel_id
                ))))
            }
            other => Ok(other?),
        }
    }

    /// The token and channel in force, resolving (and joining) the channel by name when its id
    /// is not known yet. `None` when Slack is not configured.
    pub(super) async fn target(&self) -> Result<Option<Target>, JobError> {
        let effective: Effective = {
            let mut conn = self.db.acquire().await?;
            settings::load(&mut conn, &self.config.slack).await?
        };
        if !effective.is_configured() {
            return Ok(None);
        }
        let given_id = match super::channel::ChannelRef::parse(&effective.channel_name) {
            Some(super::channel::ChannelRef::Id(id)) => Some(id),
            _ => None,
        };
        let channel_id = match effective.channel_id.or(given_id) {
            Some(id) => id,
            None => {
                let Some(id) = self
                    .api
                    .find_channel(&effective.bot_token, &effective.channel_name)
                    .await?
                else {
                    tracing::error!(channel = %effective.channel_name, "Slack channel not found: check the channel name in the Slack settings");
                    return Err(JobError::retry(format!(
                        "no public Slack channel named {}",
                        effective.channel_name
                    )));
                };
                self.api.join_channel(&effective.bot_token, &id).await?;
                let mut conn = self.db.acquire().await?;
                storage::settings::set_slack_channel(&mut conn, &effective.channel_name, &id)
                    .await?;
                tracing::info!(channel = %effective.channel_name, channel_id = %id, "Slack channel resolved and joined");
                id
            }
        };
        Ok(Some(Target {
            token: effective.bot_token,
            channel_id,
        }))
    }
}

//! Planned maintenance in the team's channel: the clock's prompts ("… is due to start") with
//! their buttons, and what a click on one of them does. The rules are `domain::maintenance`'s
//! and the changes `service::maintenance`'s; this posts, parses and answers.
//!
//! A prompt's buttons carry the incident and the schedule sequence the prompt was posted for
//! (`42:3`): a click on a prompt whose window has moved since, or that somebody else answered
//! first, changes nothing, so two people pressing "Postpone" postpone once.

use super::interactions::InteractionError;
use super::jobs::{SlackJobs, Target};
use super::limits::{SECTION_TEXT, escape, fit_mrkdwn, fit_plain};
use super::messages::{self, button, content, section};
use super::{Bot, SlackCallError};
use crate::domain::Incident;
use crate::domain::input::MAX_TITLE_CHARS;
use crate::domain::maintenance::{Button, Prompt};
use crate::domain::notification::Note;
use crate::jobs::kinds::PromptJob;
use crate::jobs::{self, JobError, JobResult};
use crate::links;
use crate::service::incidents::{Actor, ClickError, Outcome};
use crate::storage::{alerts, incidents, slack_deliveries};
use serde::{Deserialize, Serialize};
use serde_json::json;
use slack_morphism::prelude::SlackMessageContent;

/// Replace an answered prompt by its words without buttons, saying what became of it, and tell
/// the person whose click changed nothing why. Slack's own job, enqueued by the click.
pub const SLACK_PROMPT_ANSWERED: &str = "slack.prompt_answered";

/// The prefix of a prompt button's `action_id`; the rest is `Button::as_str`.
const ACTION_PREFIX: &str = "maintenance_";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnsweredJob {
    /// The maintenance the prompt is about, when the button said (for the admin page's link).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident_id: Option<i64>,
    pub channel_id: String,
    /// The prompt's message and its words as posted, when it is to be replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<AnsweredPrompt>,
    /// A message for the clicking person alone: (user id, mrkdwn).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tell: Option<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnsweredPrompt {
    pub ts: String,
    /// The prompt's text as Slack showed it (our own mrkdwn).
    pub text: String,
    /// What became of it (our own mrkdwn).
    pub outcome: String,
}

/// `action_id` of `button` on a prompt.
pub fn action_id(button: Button) -> String {
    format!("{ACTION_PREFIX}{}", button.as_str())
}

/// The button a prompt's `action_id` names; `None` for other actions. `Some(None)` for an
/// action of ours that names no button we know (a prompt from a newer version, or forged).
pub fn button_of(action_id: &str) -> Option<Option<Button>> {
    let name = action_id.strip_prefix(ACTION_PREFIX)?;
    Some(Button::ALL.into_iter().find(|b| b.as_str() == name))
}

/// A button's value: the incident and the schedule sequence the prompt was posted for.
fn value(incident_id: i64, sequence: i64) -> String {
    format!("{incident_id}:{sequence}")
}

fn parse_value(value: &str) -> Option<(i64, i64)> {
    let (id, sequence) = value.trim().split_once(':')?;
    Some((id.parse().ok()?, sequence.parse().ok()?))
}

/// The prompt: its sentence and the window, and a button for what can be done now.
fn prompt_message(prompt: Prompt, incident: &Incident, sequence: i64) -> SlackMessageContent {
    let title = format!("*{}*", escape(&fit_plain(&incident.title, MAX_TITLE_CHARS)));
    prompt_with(prompt, incident, &title, sequence)
}

/// The prompt when Slack refused the full one: no outside text, the same buttons.
fn minimal_prompt(prompt: Prompt, incident: &Incident, sequence: i64) -> SlackMessageContent {
    prompt_with(prompt, incident, &format!("#{}", incident.id), sequence)
}

fn prompt_with(
    prompt: Prompt,
    incident: &Incident,
    title: &str,
    sequence: i64,
) -> SlackMessageContent {
    let mut text = prompt.words(title);
    if let Some(window) = messages::window(incident) {
        text = format!("{text}\n{window}");
    }
    let mut blocks = vec![section(&text)];
    let buttons: Vec<_> = prompt
        .buttons()
        .iter()
        .map(|&b| {
            let mut element = button(b.label(), &action_id(b), value(incident.id, sequence));
            match b {
                Button::StartNow | Button::CompleteNow => element["style"] = "primary".into(),
                Button::Cancel => {
                    element["style"] = "danger".into();
                    element["confirm"] = json!({
                        "title": {"type": "plain_text", "text": "Cancel the maintenance?"},
                        "text": {"type": "plain_text", "text": "It leaves the status page, and subscribers are told it was cancelled."},
                        "confirm": {"type": "plain_text", "text": "Cancel maintenance"},
                        "deny": {"type": "plain_text", "text": "Keep it"}
                    });
                }
                Button::Postpone | Button::Extend => {}
            }
            element
        })
        .collect();
    if !buttons.is_empty() {
        blocks.push(json!({"type": "actions", "elements": buttons}));
    }
    content(text, blocks)
}

/// An answered prompt: its words, without buttons, and what became of it.
fn answered_message(
    answered: &AnsweredPrompt,
    incident_id: Option<i64>,
    site: &url::Url,
) -> SlackMessageContent {
    // Our own text fits already; the link is for a cut that should never be needed.
    let admin = incident_id.map_or_else(|| site.to_string(), |id| links::incident_admin(site, id));
    let text = fit_mrkdwn(&answered.text, SECTION_TEXT, &admin);
    let outcome = fit_mrkdwn(&answered.outcome, SECTION_TEXT, &admin);
    content(
        format!("{text}\n{outcome}"),
        vec![
            section(&text),
            json!({"type": "context", "elements": [{"type": "mrkdwn", "text": outcome}]}),
        ],
    )
}

/// What the thread says about a change a button made, for the answered prompt too.
fn note(button: Button, by: &str, incident: &Incident) -> Note {
    let by = by.to_owned();
    match button {
        Button::StartNow => Note::MaintenanceStarted { by: Some(by) },
        Button::CompleteNow => Note::MaintenanceCompleted { by: Some(by) },
        Button::Extend => Note::MaintenanceExtended {
            by,
            until: incident.end.unwrap_or(incident.updated),
        },
        Button::Postpone => Note::MaintenancePostponed {
            by,
            start: incident.start,
            end: incident.end,
        },
        Button::Cancel => Note::MaintenanceCancelled { by },
    }
}

/// Where a click came from: who, and the message the button sits in.
pub struct Clicked<'a> {
    pub user_id: &'a str,
    pub channel_id: Option<&'a str>,
    pub message_ts: Option<&'a str>,
    pub message_text: Option<&'a str>,
}

const STALE: &str = "Nothing was done: the maintenance had already changed (somebody answered \
                     first, or its window moved). Its thread says what happened.";
const OUT_OF_DATE: &str = "_Out of date: the maintenance changed before this was answered._";
const NOT_UNDERSTOOD: &str = "Nothing was done: monostat could not read this button. Please use \
                              the admin page.";

/// A click on a prompt's button (`button` is `None` for an `action_id` of ours naming none).
pub async fn press(
    bot: &Bot,
    actor: &Actor,
    button: Option<Button>,
    raw_value: Option<&str>,
    clicked: &Clicked<'_>,
) -> Result<(), InteractionError> {
    let services = &bot.services;
    let Some(channel_id) = clicked.channel_id else {
        tracing::info!("maintenance button clicked outside a channel message; ignored");
        return Ok(());
    };
    let parsed = raw_value.and_then(parse_value);
    let (Some(button), Some((incident_id, sequence))) = (button, parsed) else {
        tracing::warn!(
            value = raw_value.unwrap_or(""),
            "maintenance button not understood; nothing changed"
        );
        let job = AnsweredJob {
            incident_id: None,
            channel_id: channel_id.to_owned(),
            prompt: None,
            tell: Some((clicked.user_id.to_owned(), NOT_UNDERSTOOD.to_owned())),
        };
        return answer(bot, &job).await;
    };
    let result =
        crate::service::maintenance::press(services, actor, incident_id, button, Some(sequence))
            .await;
    let (outcome, tell) = match result {
        Ok(Outcome::Changed(incident)) => {
            tracing::info!(incident_id, button = button.as_str(), actor = %actor.audit_name(), "maintenance changed from a Slack prompt");
            let line = messages::note_text(&note(button, &actor.name, &incident));
            (Some(line), None)
        }
        Ok(Outcome::Unchanged(_)) => {
            tracing::info!(
                incident_id,
                button = button.as_str(),
                "stale maintenance prompt clicked; nothing changed"
            );
            (Some(OUT_OF_DATE.to_owned()), Some(STALE))
        }
        // Deleted since, or a value naming another incident: the prompt is left as it is.
        Err(ClickError::NotFound(_)) => (
            None,
            Some("Nothing was done: this maintenance no longer exists."),
        ),
        Err(ClickError::Storage(e)) => return Err(e.into()),
    };
    // The first answer to a prompt says what became of it; a later click on the same prompt
    // (before its buttons went away) must not overwrite that with "out of date".
    let prompt = match (clicked.message_ts, outcome) {
        (Some(ts), Some(outcome)) => {
            let key = format!("prompt:{channel_id}:{ts}");
            let mut conn = services.db.acquire().await?;
            let first =
                slack_deliveries::first_time(&mut conn, &key, jiff::Timestamp::now()).await?;
            first.then(|| AnsweredPrompt {
                ts: ts.to_owned(),
                // Slack sends the message clicked; a client that left it out gets a plain word.
                text: clicked
                    .message_text
                    .filter(|t| !t.trim().is_empty())
                    .unwrap_or("Maintenance prompt")
                    .to_owned(),
                outcome,
            })
        }
        _ => None,
    };
    let job = AnsweredJob {
        incident_id: Some(incident_id),
        channel_id: channel_id.to_owned(),
        prompt,
        tell: tell.map(|t| (clicked.user_id.to_owned(), t.to_owned())),
    };
    answer(bot, &job).await
}

/// Queues the answer; after the incident's other Slack jobs, so the thread's note on the change
/// comes first.
async fn answer(bot: &Bot, job: &AnsweredJob) -> Result<(), InteractionError> {
    if job.prompt.is_none() && job.tell.is_none() {
        return Ok(());
    }
    let mut request = jobs::JobRequest::new(SLACK_PROMPT_ANSWERED, job);
    if let Some(id) = job.incident_id {
        request = request.in_sequence(format!("slack:incident:{id}"));
    }
    let mut conn = bot.services.db.acquire().await?;
    jobs::enqueue(&mut conn, request, jiff::Timestamp::now()).await?;
    drop(conn);
    bot.services.jobs.wake();
    Ok(())
}

impl SlackJobs {
    /// Posts a maintenance prompt in the incident's thread, and to the channel: somebody may
    /// have to answer it.
    #[tracing::instrument(skip_all, fields(payload = %payload))]
    pub(super) async fn prompt(&self, payload: &str) -> JobResult {
        let job: PromptJob = serde_json::from_str(payload)
            .map_err(|e| JobError::permanent(format!("unreadable prompt payload: {e}")))?;
        let Some(target) = self.target().await? else {
            tracing::info!(
                incident_id = job.incident_id,
                "Slack is not configured; maintenance prompt skipped"
            );
            return Ok(());
        };
        let mut conn = self.db.acquire().await?;
        let Some(incident) = incidents::get(&mut conn, job.incident_id).await? else {
            tracing::info!(
                incident_id = job.incident_id,
                "maintenance no longer exists; prompt skipped"
            );
            return Ok(());
        };
        // The window moved (or the maintenance was cancelled) since the clock prompted: the
        // prompt speaks of a moment that is no longer planned, and its buttons would do nothing.
        if incident.schedule_sequence != job.sequence {
            tracing::info!(
                incident_id = incident.id,
                "maintenance changed since the prompt was queued; prompt skipped"
            );
            return Ok(());
        }
        let alert_message = alerts::first_message(&mut conn, incident.id).await?;
        drop(conn);
        let ts = self
            .show_incident(&target, &incident, alert_message.as_deref())
            .await?;
        let message = prompt_message(job.prompt, &incident, job.sequence);
        let instead = minimal_prompt(job.prompt, &incident, job.sequence);
        self.post(&target, message, &instead, Some(&ts), true)
            .await?;
        Ok(())
    }

    /// Replaces an answered prompt, and tells the person whose click changed nothing.
    #[tracing::instrument(skip_all, fields(payload = %payload))]
    pub(super) async fn prompt_answered(&self, payload: &str) -> JobResult {
        let job: AnsweredJob = serde_json::from_str(payload)
            .map_err(|e| JobError::permanent(format!("unreadable answer payload: {e}")))?;
        let Some(target) = self.target().await? else {
            return Ok(());
        };
        // The prompt's channel, which may not be today's.
        let target = Target {
            token: target.token,
            channel_id: job.channel_id.clone(),
        };
        let site = &self.config.site_url;
        if let Some(answered) = &job.prompt {
            let incident_id = job.incident_id;
            let message = answered_message(answered, incident_id, site);
            let instead = answered_message(
                &AnsweredPrompt {
                    text: "Maintenance prompt".into(),
                    ..answered.clone()
                },
                incident_id,
                site,
            );
            match self.update(&target, &answered.ts, message, &instead).await {
                Ok(()) => {}
                // Deleted, or too old to edit: its buttons are gone or do nothing anyway.
                Err(SlackCallError::Api(code))
                    if matches!(
                        code.as_str(),
                        "message_not_found" | "cant_update_message" | "edit_window_closed"
                    ) =>
                {
                    tracing::info!(code, "answered prompt cannot be updated; left as it is");
                }
                Err(e) => return Err(e.into()),
            }
        }
        if let Some((user, text)) = &job.tell {
            let content = content(text.clone(), vec![section(text)]);
            self.api
                .post_ephemeral(&target.token, &target.channel_id, user, content)
                .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{IncidentStatus, Severity};

    fn maintenance() -> Incident {
        let t = jiff::Timestamp::from_second(1_767_225_600).expect("valid");
        Incident {
            id: 42,
            status: IncidentStatus::Planned,
            severity: Severity::Maintenance,
            start: t,
            end: Some(t + jiff::SignedDuration::from_hours(1)),
            title: "DB <upgrade> & more".into(),
            summary: None,
            slack_message_ts: None,
            silent: false,
            last_notified_status: None,
            created: t,
            updated: t,
            schedule_sequence: 3,
            cancelled: None,
        }
    }

    #[test]
    fn a_prompt_carries_its_buttons_with_incident_and_sequence() {
        let message = prompt_message(Prompt::DueToStart, &maintenance(), 3);
        let blocks = serde_json::to_value(&message.blocks).expect("json");
        let text = blocks[0]["text"]["text"].as_str().expect("text");
        assert!(
            text.starts_with("Maintenance *DB &lt;upgrade&gt; &amp; more* is due to start.\n*Window:* <!date^1767225600^"),
            "{text}"
        );
        let buttons: Vec<(String, String)> = blocks[1]["elements"]
            .as_array()
            .expect("buttons")
            .iter()
            .map(|b| {
                (
                    b["action_id"].as_str().expect("id").to_owned(),
                    b["value"].as_str().expect("value").to_owned(),
                )
            })
            .collect();
        assert_eq!(
            buttons,
            vec![
                ("maintenance_start_now".to_owned(), "42:3".to_owned()),
                ("maintenance_postpone".to_owned(), "42:3".to_owned()),
                ("maintenance_cancel".to_owned(), "42:3".to_owned()),
            ]
        );
        let done = prompt_message(Prompt::Completed, &maintenance(), 3);
        assert_eq!(done.blocks.as_ref().map(Vec::len), Some(1), "no buttons");
    }

    #[test]
    fn values_and_action_ids_are_read_back_or_refused() {
        assert_eq!(parse_value("42:3"), Some((42, 3)));
        for bad in ["", "42", "42:", ":3", "x:3", "42:3:1", "42;3"] {
            assert_eq!(parse_value(bad), None, "{bad}");
        }
        for b in Button::ALL {
            assert_eq!(button_of(&action_id(b)), Some(Some(b)));
        }
        assert_eq!(button_of("maintenance_explode"), Some(None));
        assert_eq!(button_of("confirm_incident"), None);
    }
}

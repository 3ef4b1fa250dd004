//! What people do in Slack, whichever transport (HTTP or Socket Mode) brought it: one handler
//! per action, each answering within Slack's three seconds because the slow part (Slack calls,
//! mails) is left to jobs.

use crate::service::Services;
use crate::service::incidents::{self, Actor, ChangeError};
use crate::storage::{self, slack_deliveries};
use slack_morphism::prelude::*;

#[derive(Debug, thiserror::Error)]
pub enum InteractionError {
    #[error(transparent)]
    Storage(#[from] storage::StorageError),
}

/// Who clicked, as the audit log and the thread will name them.
fn actor(user: Option<&SlackBasicUserInfo>) -> Actor {
    let name = user
        .and_then(|u| {
            u.username
                .clone()
                .or_else(|| u.name.clone())
                .or_else(|| Some(u.id.value().to_owned()))
        })
        .unwrap_or_else(|| "someone".to_owned());
    Actor { via: "slack", name }
}

/// Handles one interaction. Returns what goes back to Slack in the acknowledgement.
pub async fn handle(
    services: &Services,
    event: SlackInteractionEvent,
) -> Result<SlackInteractionResponse, InteractionError> {
    match event {
        SlackInteractionEvent::BlockActions(event) => {
            block_actions(services, event).await?;
            Ok(SlackInteractionResponse::Empty)
        }
        other => {
            tracing::debug!(kind = ?std::mem::discriminant(&other), "Slack interaction not handled");
            Ok(SlackInteractionResponse::Empty)
        }
    }
}

async fn block_actions(
    services: &Services,
    event: SlackInteractionBlockActionsEvent,
) -> Result<(), InteractionError> {
    let actor = actor(event.user.as_ref());
    let user_id = event
        .user
        .as_ref()
        .map(|u| u.id.value().clone())
        .unwrap_or_default();
    for action in event.actions.unwrap_or_default() {
        // Slack may deliver the same click twice; its action_ts names the click.
        let key = action
            .action_ts
            .as_ref()
            .map(|ts| format!("action:{user_id}:{}", ts.value()));
        if let Some(key) = &key {
            let mut conn = services.db.acquire().await?;
            if !slack_deliveries::first_time(&mut conn, key, jiff::Timestamp::now()).await? {
                tracing::info!(action = %action.action_id, "repeated Slack action ignored");
                continue;
            }
        }
        if let Err(e) = perform(services, &actor, &action).await {
            // Not acted on: let Slack's retry through.
            if let Some(key) = &key {
                slack_deliveries::forget(&mut *services.db.acquire().await?, key).await?;
            }
            return Err(e);
        }
    }
    Ok(())
}

async fn perform(
    services: &Services,
    actor: &Actor,
    action: &SlackInteractionActionInfo,
) -> Result<(), InteractionError> {
    let incident_id = action
        .value
        .as_deref()
        .and_then(|v| v.trim().parse::<i64>().ok());
    let outcome = match (action.action_id.value().as_str(), incident_id) {
        ("confirm_incident", Some(id)) => incidents::confirm(services, actor, id).await,
        ("dismiss_incident", Some(id)) => incidents::dismiss(services, actor, id).await,
        // URL buttons: Slack opens the link; the click only needs its acknowledgement.
        ("link", _) => return Ok(()),
        (other, _) => {
            tracing::info!(action = other, "Slack action not handled");
            return Ok(());
        }
    };
    match outcome {
        Ok(incidents::Outcome::Changed(i)) => {
            tracing::info!(incident_id = i.id, status = %i.status, actor = %actor.audit_name(), "incident changed from Slack");
            Ok(())
        }
        Ok(incidents::Outcome::Unchanged(i)) => {
            tracing::info!(incident_id = i.id, status = %i.status, "Slack action changed nothing: the incident had moved on");
            Ok(())
        }
        // A button on an incident deleted since: nothing to do, and nothing to retry.
        Err(ChangeError::NotFound(id)) => {
            tracing::info!(
                incident_id = id,
                "Slack action on an incident that no longer exists"
            );
            Ok(())
        }
        Err(ChangeError::Storage(e)) => Err(e.into()),
    }
}

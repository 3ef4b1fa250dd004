//! Events from Slack (Events API over HTTP, or Socket Mode): each acted on once, by its
//! `event_id`, whichever transport brought it and however often.

use super::Bot;
use crate::jobs::kinds::{self, HomeJob};
use crate::jobs::{self, JobRequest};
use crate::storage::{self, slack_deliveries};
use slack_morphism::prelude::*;

pub async fn handle(bot: &Bot, callback: SlackPushEventCallback) -> storage::Result<()> {
    let key = format!("event:{}", callback.event_id.value());
    let mut tx = bot.services.db.begin().await?;
    if !slack_deliveries::first_time(&mut tx, &key, jiff::Timestamp::now()).await? {
        tracing::info!(event_id = %callback.event_id, "repeated Slack event ignored");
        return Ok(());
    }
    match callback.event {
        SlackEventCallbackBody::AppHomeOpened(event) if event.tab.as_deref() == Some("home") => {
            jobs::enqueue(
                &mut tx,
                JobRequest::new(
                    kinds::SLACK_PUBLISH_HOME,
                    &HomeJob {
                        user_id: event.user.value().clone(),
                    },
                ),
                jiff::Timestamp::now(),
            )
            .await?;
        }
        other => {
            tracing::debug!(event = ?std::mem::discriminant(&other), "Slack event not handled")
        }
    }
    // The delivery is remembered in the same transaction as what it caused: both or neither.
    tx.commit().await?;
    bot.services.jobs.wake();
    Ok(())
}

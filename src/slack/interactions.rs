//! What people do in Slack, whichever transport (HTTP or Socket Mode) brought it: one handler
//! per action, each answering within Slack's three seconds because the slow part (Slack calls,
//! mails) is left to jobs.

use super::messages::{self, CREATE_STATUSES, UPDATE_STATUSES};
use super::{Bot, maintenance};
use crate::domain::input::{self, Field, Problem, Problems, check_title};
use crate::domain::{IncidentStatus, Severity};
use crate::service::incidents::{self, Actor, ChangeError, ClickError, Creation, Edit};
use crate::storage::{self, slack_deliveries};
use slack_morphism::prelude::*;

#[derive(Debug, thiserror::Error)]
pub enum InteractionError {
    #[error(transparent)]
    Storage(#[from] storage::StorageError),
}

/// Who clicked, as the audit log and the thread will name them: a name, so no longer than
/// Slack's own display names may be.
fn actor(user: Option<&SlackBasicUserInfo>) -> Actor {
    let name = user
        .and_then(|u| {
            u.username
                .clone()
                .or_else(|| u.name.clone())
                .or_else(|| Some(u.id.value().to_owned()))
        })
        .unwrap_or_else(|| "someone".to_owned());
    Actor {
        via: "slack",
        name: super::limits::fit_plain(&name, super::limits::PERSON_NAME),
    }
}

/// Handles one interaction. Returns what goes back to Slack in the acknowledgement.
pub async fn handle(
    bot: &Bot,
    event: SlackInteractionEvent,
) -> Result<SlackInteractionResponse, InteractionError> {
    match event {
        SlackInteractionEvent::BlockActions(event) => {
            block_actions(bot, event).await?;
            Ok(SlackInteractionResponse::Empty)
        }
        SlackInteractionEvent::ViewSubmission(event) => view_submission(bot, event).await,
        other => {
            tracing::debug!(kind = ?std::mem::discriminant(&other), "Slack interaction not handled");
            Ok(SlackInteractionResponse::Empty)
        }
    }
}

async fn block_actions(
    bot: &Bot,
    event: SlackInteractionBlockActionsEvent,
) -> Result<(), InteractionError> {
    let services = &bot.services;
    let actor = actor(event.user.as_ref());
    let user_id = event
        .user
        .as_ref()
        .map(|u| u.id.value().clone())
        .unwrap_or_default();
    let (container_channel, message_ts) = match &event.container {
        SlackInteractionActionContainer::Message(m) => (
            m.channel_id.as_ref().map(|c| c.value().as_str()),
            Some(m.message_ts.value().as_str()),
        ),
        _ => (None, None),
    };
    let clicked = maintenance::Clicked {
        user_id: &user_id,
        channel_id: container_channel.or(event.channel.as_ref().map(|c| c.id.value().as_str())),
        message_ts,
        message_text: event
            .message
            .as_ref()
            .and_then(|m| m.content.text.as_deref()),
    };
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
        if let Err(e) = perform(bot, &actor, &action, &event.trigger_id, &clicked).await {
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
    bot: &Bot,
    actor: &Actor,
    action: &SlackInteractionActionInfo,
    trigger_id: &SlackTriggerId,
    clicked: &maintenance::Clicked<'_>,
) -> Result<(), InteractionError> {
    let services = &bot.services;
    if let Some(button) = maintenance::button_of(action.action_id.value()) {
        let value = action.value.as_deref();
        return maintenance::press(bot, actor, button, value, clicked).await;
    }
    let incident_id = action
        .value
        .as_deref()
        .and_then(|v| v.trim().parse::<i64>().ok());
    let outcome = match (action.action_id.value().as_str(), incident_id) {
        ("confirm_incident", Some(id)) => incidents::confirm(services, actor, id).await,
        ("dismiss_incident", Some(id)) => incidents::dismiss(services, actor, id).await,
        ("update_incident", Some(id)) => return open_update_modal(bot, trigger_id, id).await,
        ("create_incident", _) => return open_create_modal(bot, trigger_id).await,
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
        Err(ClickError::NotFound(id)) => {
            tracing::info!(
                incident_id = id,
                "Slack action on an incident that no longer exists"
            );
            Ok(())
        }
        Err(ClickError::Storage(e)) => Err(e.into()),
    }
}

async fn bot_token(bot: &Bot) -> Result<String, InteractionError> {
    let mut conn = bot.services.db.acquire().await?;
    Ok(super::settings::load(&mut conn, &bot.config.slack)
        .await?
        .bot_token)
}

/// Opens the update form, prefilled from the incident.
async fn open_update_modal(
    bot: &Bot,
    trigger_id: &SlackTriggerId,
    incident_id: i64,
) -> Result<(), InteractionError> {
    let Some(incident) =
        crate::storage::incidents::get(&mut *bot.services.db.acquire().await?, incident_id).await?
    else {
        tracing::info!(
            incident_id,
            "update clicked for an incident that no longer exists"
        );
        return Ok(());
    };
    let site = &bot.config.site_url;
    let view = messages::update_modal(&incident, site);
    let instead = messages::minimal_update_modal(&incident, site);
    open_modal(bot, trigger_id, view, instead, "update").await
}

/// Records a form submission; `None` when this one was acted on already. A form submitted twice
/// (a double click, a retry) is the same view with the same hash.
async fn first_submission(
    bot: &Bot,
    view: &SlackStatefulView,
) -> Result<Option<String>, InteractionError> {
    let key = format!(
        "view:{}:{}",
        view.state_params.id.value(),
        view.state_params.hash
    );
    let mut conn = bot.services.db.acquire().await?;
    if slack_deliveries::first_time(&mut conn, &key, jiff::Timestamp::now()).await? {
        Ok(Some(key))
    } else {
        tracing::info!("repeated Slack form submission ignored");
        Ok(None)
    }
}

/// Opens `view` for the person whose click carried `trigger_id`. A failure is logged, not
/// retried: the trigger has expired by then, and the person simply clicks again.
async fn open_modal(
    bot: &Bot,
    trigger_id: &SlackTriggerId,
    view: Option<SlackView>,
    instead: Option<SlackView>,
    what: &str,
) -> Result<(), InteractionError> {
    let Some(view) = view else {
        return Ok(());
    };
    let token = bot_token(bot).await?;
    let mut result = bot.api.open_view(&token, trigger_id.value(), view).await;
    if let (Err(e), Some(instead)) = (&result, instead) {
        // Slack refused what we put in the form. It should take the trigger only with a view it
        // accepts; if it took it anyway, this fails too and the person clicks again.
        if e.is_refused_content() {
            tracing::error!(error = %e, form = what, "Slack refused a form; opening the minimal one");
            result = bot.api.open_view(&token, trigger_id.value(), instead).await;
        }
    }
    if let Err(e) = result {
        tracing::error!(error = %e, form = what, "could not open a form in Slack");
    }
    Ok(())
}

/// A value from a submitted form: `state.values[block][block]` (our block and action ids match).
fn field<'a>(state: Option<&'a SlackViewState>, block: &str) -> Option<&'a SlackViewStateValue> {
    state?.values.get(&block.into())?.get(&block.into())
}

fn selected(state: Option<&SlackViewState>, block: &str) -> Option<String> {
    field(state, block)?
        .selected_option
        .as_ref()
        .map(|o| o.value.clone())
}

fn text(state: Option<&SlackViewState>, block: &str) -> Option<String> {
    field(state, block)?
        .value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

fn errors(pairs: Vec<(&str, String)>) -> SlackInteractionResponse {
    let mut errors = std::collections::HashMap::new();
    for (block, message) in pairs {
        // One message per field: the first one.
        errors.entry(block.to_owned()).or_insert(message);
    }
    SlackInteractionResponse::ViewSubmission(SlackViewSubmissionResponse::Errors(
        SlackViewSubmissionErrorsResponse::new(errors),
    ))
}

/// The incident rules' problems, each under the form's block for its field (`block_for`).
fn rule_errors(problems: &Problems, block_for: fn(Field) -> &'static str) -> Vec<(&str, String)> {
    problems
        .iter()
        .map(|p| (block_for(p.field()), p.to_string()))
        .collect()
}

/// Where the update form shows a problem; it has no title, start or end.
fn update_block(field: Field) -> &'static str {
    match field {
        Field::Status => "new_status",
        Field::Summary => "new_summary",
        Field::Title | Field::Start | Field::End | Field::Text => "update_text",
    }
}

/// Where the create form shows a problem.
fn create_block(field: Field) -> &'static str {
    match field {
        Field::Title => "title",
        Field::Status => "status",
        Field::Start => "start",
        Field::End => "end",
        Field::Summary => "summary",
        Field::Text => "update_text",
    }
}

async fn view_submission(
    bot: &Bot,
    event: SlackInteractionViewSubmissionEvent,
) -> Result<SlackInteractionResponse, InteractionError> {
    let SlackView::Modal(modal) = &event.view.view else {
        return Ok(SlackInteractionResponse::Empty);
    };
    match modal.callback_id.as_ref().map(|c| c.value().as_str()) {
        Some("update_incident_modal") => {}
        Some("create_incident_modal") => return create_submission(bot, &event).await,
        other => {
            tracing::info!(callback_id = ?other, "Slack form not handled");
            return Ok(SlackInteractionResponse::Empty);
        }
    }
    let Some(incident_id) = modal
        .private_metadata
        .as_deref()
        .and_then(|m| m.trim().parse::<i64>().ok())
    else {
        return Ok(errors(vec![(
            "update_text",
            "This form lost track of its incident; please open it again.".into(),
        )]));
    };
    let state = event.view.state_params.state.as_ref();
    let mut problems = Vec::new();
    let status = match selected(state, "new_status") {
        None => None,
        Some(value) => match value.parse::<IncidentStatus>() {
            Ok(status) if UPDATE_STATUSES.contains(&status) => Some(status),
            _ => {
                problems.push((
                    "new_status",
                    "Choose confirmed, watching or resolved.".to_owned(),
                ));
                None
            }
        },
    };
    let severity = match selected(state, "new_severity") {
        None => None,
        Some(value) => match value.parse::<Severity>() {
            Ok(severity) => Some(severity),
            Err(_) => {
                problems.push((
                    "new_severity",
                    "Choose one of the listed severities.".to_owned(),
                ));
                None
            }
        },
    };
    if !problems.is_empty() {
        return Ok(errors(problems));
    }
    let Some(key) = first_submission(bot, &event.view).await? else {
        return Ok(SlackInteractionResponse::Empty);
    };
    let edit = Edit {
        status,
        severity,
        // The form is prefilled with the summary, so what comes back is the summary wanted;
        // a form without the field (the summary was too long for it) keeps the summary.
        summary: field(state, "new_summary").map(|_| text(state, "new_summary")),
        text: text(state, "update_text"),
    };
    let result =
        incidents::edit(&bot.services, &actor(Some(&event.user)), incident_id, &edit).await;
    match result {
        Ok(_) => Ok(SlackInteractionResponse::Empty),
        Err(ChangeError::NotFound(_) | ChangeError::UpdateNotFound(_)) => Ok(errors(vec![(
            "update_text",
            "This incident no longer exists.".into(),
        )])),
        Err(ChangeError::Invalid(problems)) => {
            // Nothing was done: the corrected form must be taken when it comes back.
            slack_deliveries::forget(&mut *bot.services.db.acquire().await?, &key).await?;
            Ok(errors(rule_errors(&problems, update_block)))
        }
        Err(ChangeError::Storage(e)) => {
            slack_deliveries::forget(&mut *bot.services.db.acquire().await?, &key).await?;
            Err(e.into())
        }
    }
}

async fn open_create_modal(bot: &Bot, trigger_id: &SlackTriggerId) -> Result<(), InteractionError> {
    open_modal(
        bot,
        trigger_id,
        messages::create_modal(jiff::Timestamp::now()),
        // Nothing from outside is in it, so nothing to leave out.
        None,
        "create",
    )
    .await
}

/// What the create form asks of its status: one of `CREATE_STATUSES`.
const CHOOSE_CREATE_STATUS: &str = "Choose planned, confirmed or watching";

/// The create form's values, parsed (the rules are the domain's: `service::incidents::create`
/// checks them); problems of parsing are named on their blocks.
async fn create_submission(
    bot: &Bot,
    event: &SlackInteractionViewSubmissionEvent,
) -> Result<SlackInteractionResponse, InteractionError> {
    let state = event.view.state_params.state.as_ref();
    let mut problems = Vec::new();
    let title = text(state, "title").unwrap_or_default();
    let status = match selected(state, "status").and_then(|v| v.parse::<IncidentStatus>().ok()) {
        Some(status) if CREATE_STATUSES.contains(&status) => Some(status),
        // A status the form does not offer (a forged submission): the rules' word if they
        // refuse it, else the form's, which records no incidents after the fact.
        Some(status) => {
            problems.push((
                "status",
                if input::may_create(status) {
                    format!(
                        "{CHOOSE_CREATE_STATUS}: a {} incident is recorded on the admin page, \
                         where its end is given.",
                        status.as_str()
                    )
                } else {
                    Problem::NotCreatable(status).to_string()
                },
            ));
            None
        }
        None => {
            problems.push(("status", format!("{CHOOSE_CREATE_STATUS}.")));
            None
        }
    };
    let severity = selected(state, "severity").and_then(|v| v.parse::<Severity>().ok());
    if severity.is_none() {
        problems.push(("severity", "Choose a severity.".to_owned()));
    }
    let (Some(status), Some(severity), true) = (status, severity, problems.is_empty()) else {
        // The title's rule is named along with these, so that one round trip shows all.
        if let Err(problem) = check_title(&title) {
            problems.push(("title", problem.to_string()));
        }
        return Ok(errors(problems));
    };
    // Slack's picker shows the person's own time zone and sends the moment as Unix seconds.
    let picked = |block| {
        field(state, block)
            .and_then(|v| v.selected_date_time.as_ref())
            .map(|t| t.0)
    };
    let start = picked("start").unwrap_or_else(jiff::Timestamp::now);
    let end = picked("end");
    let Some(key) = first_submission(bot, &event.view).await? else {
        return Ok(SlackInteractionResponse::Empty);
    };
    let creation = Creation {
        title,
        status,
        severity,
        start,
        end,
        summary: text(state, "summary"),
        text: text(state, "update_text"),
        silent: false,
        notify: true,
    };
    match incidents::create(&bot.services, &actor(Some(&event.user)), &creation).await {
        Ok(incident) => {
            tracing::info!(incident_id = incident.id, "incident created from Slack");
            Ok(SlackInteractionResponse::Empty)
        }
        Err(e) => {
            slack_deliveries::forget(&mut *bot.services.db.acquire().await?, &key).await?;
            match e {
                ChangeError::Invalid(problems) => Ok(errors(rule_errors(&problems, create_block))),
                ChangeError::Storage(e) => Err(e.into()),
                ChangeError::NotFound(id) | ChangeError::UpdateNotFound(id) => {
                    Err(storage::StorageError::Corrupt {
                        column: "incidents.id",
                        message: format!("incident {id} vanished while being created"),
                    }
                    .into())
                }
            }
        }
    }
}

//! Maintenance that runs itself: its moments scheduled as durable jobs, what the clock does at
//! each, and what people do to it from Slack's prompts and the admin pages. The rules are
//! `domain::maintenance`'s; this carries them out, one transaction per change, like every use
//! case in `service`.

use super::Services;
use super::incidents::{Actor, ChangeError, ClickError, News, Outcome, record};
use crate::domain::maintenance::{
    self, Action, Due, MaintenanceSettings, Mode, Prompt, Step, plan, still_due,
};
use crate::domain::notification::{self, By, Note};
use crate::domain::{Incident, IncidentStatus};
use crate::jobs;
use crate::jobs::kinds::{self, MaintenanceStepJob, PromptJob};
use crate::storage::{self, AnyConnection, incidents, settings};
use jiff::Timestamp;

/// The public update when a maintenance starts.
pub const STARTED_UPDATE: &str = "The planned maintenance has started.";
/// The public update when a maintenance is completed.
pub const COMPLETED_UPDATE: &str = "The planned maintenance has been completed.";
/// The public update when a maintenance is cancelled.
pub const CANCELLED_UPDATE: &str = "The planned maintenance has been cancelled.";

/// Who the clock is in the audit log.
pub fn clock() -> Actor {
    Actor {
        via: "schedule",
        name: "monostat".into(),
    }
}

/// Queues a job for every moment the clock still owes `incident`, within the caller's
/// transaction. Moments that only tell somebody and have passed already are left out. Safe to
/// call again and again: a moment already queued (by this or another instance) is not queued
/// twice.
pub async fn schedule(
    conn: &mut AnyConnection,
    incident: &Incident,
    now: Timestamp,
) -> storage::Result<()> {
    let settings = settings::maintenance(conn).await?;
    schedule_with(conn, incident, &settings, now, Some(now)).await
}

/// `set`: when somebody set the moments (a change now), so that a moment set in the past is
/// not taken for a late one; `None` when nobody did (the start-up's catching up), so that a
/// moment long past is late.
async fn schedule_with(
    conn: &mut AnyConnection,
    incident: &Incident,
    settings: &MaintenanceSettings,
    now: Timestamp,
    set: Option<Timestamp>,
) -> storage::Result<()> {
    for due in plan(incident, settings) {
        if due.step.only_tells() && due.at < now {
            continue;
        }
        let job = MaintenanceStepJob {
            incident_id: incident.id,
            sequence: incident.schedule_sequence,
            step: due.step,
            at: due.at.as_microsecond(),
            scheduled: set.map_or(0, Timestamp::as_microsecond),
        };
        jobs::enqueue(conn, kinds::maintenance_step_job(&job, now), now).await?;
    }
    Ok(())
}

/// Schedules every maintenance not yet over: at start-up (maintenance imported, or created
/// before this version, or whose jobs were lost with a restored database) and after the
/// settings changed. Returns how many maintenances it looked at.
pub async fn schedule_all(services: &Services) -> storage::Result<usize> {
    let mut tx = services.db.begin().await?;
    let settings = settings::maintenance(&mut tx).await?;
    let open = incidents::open_maintenance(&mut tx).await?;
    let now = Timestamp::now();
    for incident in &open {
        schedule_with(&mut tx, incident, &settings, now, None).await?;
    }
    tx.commit().await.map_err(storage::StorageError::from)?;
    services.committed();
    Ok(open.len())
}

/// Runs one scheduled moment. Does nothing when the moment is no longer due (the window moved,
/// the settings changed, somebody already started or completed the maintenance).
#[tracing::instrument(skip_all, fields(incident_id = job.incident_id, step = job.step.as_str()))]
pub async fn run_step(services: &Services, job: &MaintenanceStepJob) -> storage::Result<()> {
    let Ok(at) = Timestamp::from_microsecond(job.at) else {
        tracing::warn!(
            at = job.at,
            "maintenance step with an impossible time; ignored"
        );
        return Ok(());
    };
    let mut tx = services.db.begin().await?;
    let Some(mut incident) =
        incidents::get_for_update(&mut tx, services.db.backend(), job.incident_id).await?
    else {
        return Ok(());
    };
    let settings = settings::maintenance(&mut tx).await?;
    let due = Due { step: job.step, at };
    if !still_due(&incident, &settings, job.sequence, due) {
        tracing::debug!("maintenance step no longer due");
        return Ok(());
    }
    let now = Timestamp::now();
    let clock = clock();
    // Late is late against when the moment was set: one set in the past just now is on time.
    let scheduled = Timestamp::from_microsecond(job.scheduled).unwrap_or(at);
    if now.duration_since(at.max(scheduled)) > maintenance::CATCH_UP {
        if job.step.only_tells() {
            tracing::info!(late = %now.duration_since(at), "maintenance reminder or prompt too late to tell; dropped");
            return Ok(());
        }
        if incident.end.is_some_and(|end| end <= now) {
            complete_quietly(&mut tx, &mut incident, &clock, now).await?;
            tx.commit().await.map_err(storage::StorageError::from)?;
            services.committed();
            return Ok(());
        }
    }
    match (job.step, settings.mode) {
        (Step::Reminder, _) => {
            let occasion = format!("reminder:{}", incident.schedule_sequence);
            if notification::schedule_news_reminder(&incident) {
                super::owe_subscribers_news(
                    &mut tx,
                    &incident,
                    notification::NotificationKind::MaintenanceReminder,
                    occasion,
                    now,
                )
                .await?;
                storage::audit::record(
                    &mut tx,
                    now,
                    &clock.audit_name(),
                    Some(incident.id),
                    "maintenance.reminded",
                    "Subscribers were reminded of the maintenance",
                )
                .await?;
            }
        }
        (Step::Start, Mode::Automatic) => {
            carry_out(
                &mut tx,
                None,
                &mut incident,
                Action::Start,
                &settings,
                at,
                now,
            )
            .await?;
        }
        (Step::End, Mode::Automatic) => {
            carry_out(
                &mut tx,
                None,
                &mut incident,
                Action::Complete,
                &settings,
                at,
                now,
            )
            .await?;
        }
        _ => {}
    }
    if let Some(prompt) = Prompt::at(job.step, settings.mode, maintenance::Phase::of(&incident)) {
        enqueue_prompt(&mut tx, &incident, prompt, now).await?;
    }
    tx.commit().await.map_err(storage::StorageError::from)?;
    services.committed();
    Ok(())
}

/// Completes a maintenance whose window ended long ago (`maintenance::CATCH_UP`): the page and
/// the audit log say so; nobody is mailed or prompted, and no message is posted to Slack.
async fn complete_quietly(
    conn: &mut AnyConnection,
    incident: &mut incidents::LockedIncident,
    clock: &Actor,
    now: Timestamp,
) -> storage::Result<()> {
    let end = incident.end.unwrap_or(now);
    maintenance::apply(Action::Complete, incident, end, now);
    incidents::save(conn, incident).await?;
    incidents::add_update(
        conn,
        incident.id,
        now,
        Some(IncidentStatus::Resolved),
        Some(COMPLETED_UPDATE),
    )
    .await?;
    storage::audit::record(
        conn,
        now,
        &clock.audit_name(),
        Some(incident.id),
        "maintenance.completed",
        "The maintenance was completed late, without notices: its window had ended long before",
    )
    .await?;
    // A message already in the channel must not go on saying it is planned or in progress; one
    // that was never posted (an import) is not posted now.
    if incident.slack_message_ts.is_some() {
        let job = kinds::IncidentJob {
            incident_id: incident.id,
            alert_message: None,
            notes: Vec::new(),
            news: Vec::new(),
            broadcast: Some(false),
        };
        jobs::enqueue(
            conn,
            kinds::slack_incident_job(kinds::SLACK_INCIDENT_CHANGED, &job),
            now,
        )
        .await?;
    }
    Ok(())
}

/// Applies `action`, taking effect `at`, and records it: the public update, the audit entry,
/// the Slack thread and subscribers (the start and completion notices as the settings say).
/// `person`: who did it; `None` for the clock, whose prompt (queued by the caller) is its word
/// in the channel.
async fn carry_out(
    conn: &mut AnyConnection,
    person: Option<&Actor>,
    incident: &mut incidents::LockedIncident,
    action: Action,
    settings: &MaintenanceSettings,
    at: Timestamp,
    now: Timestamp,
) -> storage::Result<()> {
    let before = incident.clone().into_inner();
    maintenance::apply(action, incident, at, now);
    incidents::save(conn, incident).await?;
    let clock = clock();
    let actor = person.unwrap_or(&clock);
    let by = person.map(|p| p.name.clone());
    let name = actor.name.clone();
    let (action_name, note, update, notify) = match action {
        Action::Start => (
            "maintenance.started",
            Note::MaintenanceStarted { by },
            Some((IncidentStatus::Confirmed, STARTED_UPDATE)),
            settings.notify_start,
        ),
        Action::Complete => (
            "maintenance.completed",
            Note::MaintenanceCompleted { by },
            Some((IncidentStatus::Resolved, COMPLETED_UPDATE)),
            settings.notify_end,
        ),
        Action::Extend(_) => (
            "maintenance.extended",
            Note::MaintenanceExtended {
                by: name,
                until: incident.end.unwrap_or(at),
            },
            None,
            true,
        ),
        Action::Postpone(_) => (
            "maintenance.postponed",
            Note::MaintenancePostponed {
                by: name,
                start: incident.start,
                end: incident.end,
            },
            None,
            true,
        ),
        Action::Cancel => (
            "maintenance.cancelled",
            Note::MaintenanceCancelled { by: name },
            Some((IncidentStatus::Dismissed, CANCELLED_UPDATE)),
            true,
        ),
    };
    if let Some((status, text)) = update {
        incidents::add_update(conn, incident.id, now, Some(status), Some(text)).await?;
    }
    let news = News {
        action: action_name,
        notes: vec![note],
        by: match person {
            Some(_) => By::Person { notify },
            None => By::Clock { notify },
        },
    };
    record(conn, actor, Some(&before), incident, news, now).await
}

async fn enqueue_prompt(
    conn: &mut AnyConnection,
    incident: &Incident,
    prompt: Prompt,
    now: Timestamp,
) -> storage::Result<()> {
    let job = PromptJob {
        incident_id: incident.id,
        prompt,
        sequence: incident.schedule_sequence,
    };
    let request = jobs::JobRequest::new(kinds::SLACK_MAINTENANCE_PROMPT, &job)
        .in_sequence(format!("slack:incident:{}", incident.id));
    jobs::enqueue(conn, request, now).await?;
    Ok(())
}

/// What a prompt's button does, by the button.
pub async fn press(
    services: &Services,
    actor: &Actor,
    incident_id: i64,
    button: maintenance::Button,
    seen: Option<i64>,
) -> Result<Outcome, ClickError> {
    act(services, actor, incident_id, button.action(), seen).await
}

/// One person's action on a maintenance. `seen` is the schedule sequence the person acted on
/// (a prompt's buttons carry it): when the window moved since, the click is stale and changes
/// nothing, so that two people pressing "Postpone" postpone once.
pub async fn act(
    services: &Services,
    actor: &Actor,
    incident_id: i64,
    action: Action,
    seen: Option<i64>,
) -> Result<Outcome, ClickError> {
    let mut tx = services.db.begin().await?;
    let mut incident = incidents::get_for_update(&mut tx, services.db.backend(), incident_id)
        .await?
        .ok_or(ClickError::NotFound(incident_id))?;
    if !maintenance::may(action, &incident)
        || seen.is_some_and(|seen| seen != incident.schedule_sequence)
    {
        return Ok(Outcome::Unchanged(incident.into_inner()));
    }
    let settings = settings::maintenance(&mut tx).await?;
    let now = Timestamp::now();
    carry_out(
        &mut tx,
        Some(actor),
        &mut incident,
        action,
        &settings,
        now,
        now,
    )
    .await?;
    tx.commit().await.map_err(storage::StorageError::from)?;
    services.committed();
    Ok(Outcome::Changed(incident.into_inner()))
}

/// Moves a maintenance's window (the admin's "Reschedule"): the domain's input rules apply, as
/// on the incident form; subscribers who were told of it hear of the new window. `seen` as for
/// [`act`]: a form shown before the window last moved changes nothing.
pub async fn reschedule(
    services: &Services,
    actor: &Actor,
    incident_id: i64,
    start: Timestamp,
    end: Timestamp,
    seen: Option<i64>,
) -> Result<Outcome, ChangeError> {
    let mut tx = services.db.begin().await?;
    let mut incident = incidents::get_for_update(&mut tx, services.db.backend(), incident_id)
        .await?
        .ok_or(ChangeError::NotFound(incident_id))?;
    if seen.is_some_and(|seen| seen != incident.schedule_sequence) {
        return Ok(Outcome::Unchanged(incident.into_inner()));
    }
    let phase = maintenance::Phase::of(&incident);
    if !matches!(
        phase,
        Some(maintenance::Phase::Scheduled | maintenance::Phase::InProgress)
    ) {
        return Ok(Outcome::Unchanged(incident.into_inner()));
    }
    let now = Timestamp::now();
    let before = incident.clone().into_inner();
    let mut draft = crate::domain::input::IncidentDraft::of(&before);
    // A maintenance in progress keeps its start; only its end can move.
    if phase == Some(maintenance::Phase::Scheduled) {
        draft.start = start;
    }
    draft.end = Some(end);
    draft
        .check(Some(&before), now)
        .map_err(ChangeError::Invalid)?;
    if (draft.start, draft.end) == (before.start, before.end) {
        return Ok(Outcome::Unchanged(before));
    }
    incident.start = draft.start;
    incident.end = draft.end;
    maintenance::note_window_change(&before, &mut incident);
    incident.updated = now;
    incidents::save(&mut tx, &incident).await?;
    let news = News {
        action: "maintenance.rescheduled",
        notes: vec![Note::Revised {
            by: actor.name.clone(),
            changed: [
                (before.start != incident.start).then_some(notification::Revised::Start),
                (before.end != incident.end).then_some(notification::Revised::End),
            ]
            .into_iter()
            .flatten()
            .collect(),
            posted: false,
            held_back: false,
        }],
        by: By::Person { notify: true },
    };
    record(&mut tx, actor, Some(&before), &incident, news, now).await?;
    tx.commit().await.map_err(storage::StorageError::from)?;
    services.committed();
    Ok(Outcome::Changed(incident.into_inner()))
}

/// Registers the handler of [`kinds::MAINTENANCE_STEP`]. The handler needs the services, which
/// need the job queue this registry becomes: `services` is filled once both exist.
pub fn register(
    registry: &mut jobs::JobRegistry,
    services: std::sync::Arc<std::sync::OnceLock<Services>>,
) {
    registry.register(kinds::MAINTENANCE_STEP, move |payload: String| {
        let services = services.clone();
        async move {
            let job: MaintenanceStepJob = serde_json::from_str(&payload)
                .map_err(|e| jobs::JobError::permanent(format!("bad payload: {e}")))?;
            let Some(services) = services.get() else {
                return Err(jobs::JobError::retry("monostat is still starting"));
            };
            run_step(services, &job)
                .await
                .map_err(jobs::JobError::retry)
        }
    });
}

//! What people do to incidents (from Slack now, from the admin pages later): each change is one
//! transaction with its public update, audit entry, Slack job and notification job.

use super::Services;
use crate::domain::{Incident, IncidentStatus};
use crate::jobs::kinds::{self, IncidentJob, StatusChangeJob};
use crate::jobs::{self, JobRequest};
use crate::storage::{self, AnyConnection, audit, incidents};
use jiff::Timestamp;

/// Who made a change: `slack:jdoe`, `admin:alice`. Shown in the audit log and in Slack threads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// `slack`, `admin`.
    pub via: &'static str,
    pub name: String,
}

impl Actor {
    pub fn audit_name(&self) -> String {
        format!("{}:{}", self.via, self.name)
    }
}

/// The public update when people confirm an incident.
pub const CONFIRMED_UPDATE: &str = "Our team has confirmed an incident and is working on it. \
     We will update this page as soon as we know more.";

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("incident {0} does not exist")]
    NotFound(i64),
    #[error(transparent)]
    Storage(#[from] storage::StorageError),
}

/// What a change did. `Unchanged` when the incident was already past it (two people clicked).
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Changed(Incident),
    Unchanged(Incident),
}

/// Confirms a suspected (or wrongly dismissed) incident: it becomes public as an incident,
/// subscribers are told, and the Slack message loses its confirm and dismiss buttons.
pub async fn confirm(
    services: &Services,
    actor: &Actor,
    incident_id: i64,
) -> Result<Outcome, ChangeError> {
    change(services, actor, incident_id, &CONFIRM).await
}

/// Dismisses a suspicion as a false alarm: it disappears from every public page.
pub async fn dismiss(
    services: &Services,
    actor: &Actor,
    incident_id: i64,
) -> Result<Outcome, ChangeError> {
    change(services, actor, incident_id, &DISMISS).await
}

type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// One kind of change people make, described once.
struct Change {
    allowed: fn(&Incident) -> bool,
    apply: for<'a> fn(
        &'a mut AnyConnection,
        &'a mut Incident,
        Timestamp,
    ) -> BoxFuture<'a, storage::Result<()>>,
    /// The audit log's action.
    action: &'static str,
    /// Completes "jdoe …" in the audit log and the Slack thread.
    described: &'static str,
    /// Whether subscribers hear of it (never of a false alarm).
    notify: bool,
}

const CONFIRM: Change = Change {
    allowed: Incident::can_be_confirmed,
    apply: apply_confirm,
    action: "incident.confirmed",
    described: "confirmed the incident",
    notify: true,
};

const DISMISS: Change = Change {
    allowed: Incident::can_be_dismissed,
    apply: apply_dismiss,
    action: "incident.dismissed",
    described: "dismissed the incident",
    notify: false,
};

fn apply_confirm<'a>(
    conn: &'a mut AnyConnection,
    incident: &'a mut Incident,
    now: Timestamp,
) -> BoxFuture<'a, storage::Result<()>> {
    Box::pin(async move {
        incident.set_status(IncidentStatus::Confirmed, now);
        incidents::save(conn, incident).await?;
        incidents::add_update(
            conn,
            incident.id,
            now,
            Some(IncidentStatus::Confirmed),
            Some(CONFIRMED_UPDATE),
        )
        .await?;
        Ok(())
    })
}

fn apply_dismiss<'a>(
    conn: &'a mut AnyConnection,
    incident: &'a mut Incident,
    now: Timestamp,
) -> BoxFuture<'a, storage::Result<()>> {
    Box::pin(async move {
        incident.set_status(IncidentStatus::Dismissed, now);
        incidents::save(conn, incident).await
    })
}

/// The shape every change shares: lock the incident's row, check the rule, apply, record who
/// did it, and owe Slack (and, for public status changes, subscribers) the news.
async fn change(
    services: &Services,
    actor: &Actor,
    incident_id: i64,
    change: &Change,
) -> Result<Outcome, ChangeError> {
    let mut tx = services.db.begin().await?;
    let mut incident = incidents::get_for_update(&mut tx, services.db.backend(), incident_id)
        .await?
        .ok_or(ChangeError::NotFound(incident_id))?;
    if !(change.allowed)(&incident) {
        return Ok(Outcome::Unchanged(incident));
    }
    let now = Timestamp::now();
    (change.apply)(&mut tx, &mut incident, now).await?;
    let described = change.described;
    audit::record(
        &mut tx,
        now,
        &actor.audit_name(),
        Some(incident.id),
        change.action,
        &format!("{} {described}", actor.name),
    )
    .await?;
    jobs::enqueue(
        &mut tx,
        JobRequest::new(
            kinds::SLACK_INCIDENT_CHANGED,
            &IncidentJob {
                incident_id: incident.id,
                alert_message: None,
                note: Some(format!("{} {described}.", actor.name)),
            },
        ),
        now,
    )
    .await?;
    if change.notify && !incident.silent {
        jobs::enqueue(
            &mut tx,
            JobRequest::new(
                kinds::NOTIFY_STATUS_CHANGED,
                &StatusChangeJob {
                    incident_id: incident.id,
                    status: incident.status.as_str().to_owned(),
                },
            ),
            now,
        )
        .await?;
    }
    tx.commit().await.map_err(storage::StorageError::from)?;
    services.jobs.wake();
    Ok(Outcome::Changed(incident))
}

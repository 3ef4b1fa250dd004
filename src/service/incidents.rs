//! What people do to incidents, from Slack and from the admin pages alike: each change is one
//! transaction with its public update, audit entry, Slack job and notification job.

use super::Services;
use crate::domain::{Incident, IncidentStatus};
use crate::jobs;
use crate::jobs::kinds::{self, IncidentJob, StatusChangeJob};
use crate::storage::incidents::LockedIncident;
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

    /// The name as Slack thread notes (mrkdwn) show it: a name is text, never markup.
    fn thread_name(&self) -> String {
        crate::slack::escape(&self.name)
    }
}

/// The public update when people confirm an incident.
pub const CONFIRMED_UPDATE: &str = "Our team has confirmed an incident and is working on it. \
     We will update this page as soon as we know more.";

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("incident {0} does not exist")]
    NotFound(i64),
    #[error("update {0} does not exist")]
    UpdateNotFound(i64),

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
#[tracing::instrument(skip_all, fields(incident_id = incident_id, actor = %actor.audit_name()))]
pub async fn confirm(
    services: &Services,
    actor: &Actor,
    incident_id: i64,
) -> Result<Outcome, ChangeError> {
    change(services, actor, incident_id, &CONFIRM).await
}

/// Dismisses a suspicion as a false alarm: it disappears from every public page.
#[tracing::instrument(skip_all, fields(incident_id = incident_id, actor = %actor.audit_name()))]
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
        &'a mut LockedIncident,
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
    incident: &'a mut LockedIncident,
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
    incident: &'a mut LockedIncident,
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
        return Ok(Outcome::Unchanged(incident.into_inner()));
    }
    let now = Timestamp::now();
    (change.apply)(&mut tx, &mut incident, now).await?;
    let notify = change.notify;
    let news = News {
        action: change.action,
        message: format!("{} {}", actor.name, change.described),
        notes: vec![format!("{} {}.", actor.thread_name(), change.described)],
        notify,
    };
    record(&mut tx, actor, &incident, news, now).await?;
    tx.commit().await.map_err(storage::StorageError::from)?;
    services.committed();
    Ok(Outcome::Changed(incident.into_inner()))
}

/// What a person asked to change from the update form; `None` keeps the current value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Edit {
    pub status: Option<IncidentStatus>,
    pub severity: Option<crate::domain::Severity>,
    /// The new summary, when it differs from the current one (`Some(None)` clears it).
    pub summary: Option<Option<String>>,
    /// A public update to post (Markdown).
    pub text: Option<String>,
}

/// Applies an edit: each changed field is recorded, and said in the Slack thread, separately;
/// a text becomes a public update carrying the new status when the status changed.
#[tracing::instrument(skip_all, fields(incident_id = incident_id, actor = %actor.audit_name()))]
pub async fn edit(
    services: &Services,
    actor: &Actor,
    incident_id: i64,
    edit: &Edit,
) -> Result<Outcome, ChangeError> {
    let mut tx = services.db.begin().await?;
    let mut incident = incidents::get_for_update(&mut tx, services.db.backend(), incident_id)
        .await?
        .ok_or(ChangeError::NotFound(incident_id))?;
    let now = Timestamp::now();
    let who = actor.thread_name();
    let mut notes = Vec::new();
    let status_changed = edit.status.filter(|s| *s != incident.status);
    if let Some(status) = status_changed {
        incident.set_status(status, now);
        notes.push(format!("{who} changed the status to *{}*.", status.label()));
    }
    if let Some(severity) = edit.severity.filter(|s| *s != incident.severity) {
        incident.severity = severity;
        incident.updated = now;
        notes.push(format!(
            "{who} changed the severity to *{}*.",
            severity.label()
        ));
    }
    if let Some(summary) = edit.summary.clone().filter(|s| *s != incident.summary) {
        incident.summary = summary;
        incident.updated = now;
        notes.push(format!("{who} changed the summary."));
    }
    let text = edit
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    if let Some(text) = text {
        let quoted: Vec<String> = text
            .lines()
            .map(|l| format!("> {}", crate::slack::escape(l)))
            .collect();
        notes.push(format!("{who} posted an update:\n{}", quoted.join("\n")));
    }
    if notes.is_empty() {
        return Ok(Outcome::Unchanged(incident.into_inner()));
    }
    incidents::save(&mut tx, &incident).await?;
    if status_changed.is_some() || text.is_some() {
        incidents::add_update(&mut tx, incident.id, now, status_changed, text).await?;
    }
    let summary = notes.join(" ");
    let notify = status_changed.is_some_and(status_change_notifies);
    let news = News {
        action: "incident.updated",
        message: summary,
        notes,
        notify,
    };
    record(&mut tx, actor, &incident, news, now).await?;
    tx.commit().await.map_err(storage::StorageError::from)?;
    services.committed();
    Ok(Outcome::Changed(incident.into_inner()))
}

/// Whether subscribers hear of an incident moving to `status`: only what people confirmed, and
/// its later progress; never suspicions or dismissals.
fn status_change_notifies(status: IncidentStatus) -> bool {
    matches!(
        status,
        IncidentStatus::Confirmed | IncidentStatus::Watching | IncidentStatus::Resolved
    )
}

/// Everything the admin page's form sets at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    pub title: String,
    pub status: IncidentStatus,
    pub severity: crate::domain::Severity,
    pub start: Timestamp,
    pub end: Option<Timestamp>,
    pub summary: Option<String>,
    pub silent: bool,
    /// A public update to post (Markdown).
    pub text: Option<String>,
    /// False when the person ticked "do not notify subscribers" for this change.
    pub notify: bool,
    /// The incident's `updated` time when the form was shown: if it changed since (a click
    /// in Slack, an alert, another admin), the form's values are stale and nothing is saved.
    pub based_on: Timestamp,
}

#[derive(Debug, thiserror::Error)]
pub enum ReviseError {
    /// The incident changed after the form was shown; here is how it is now.
    #[error("incident {} changed meanwhile", .0.id)]
    ChangedMeanwhile(Box<Incident>),
    #[error(transparent)]
    Change(#[from] ChangeError),
}

impl From<storage::StorageError> for ReviseError {
    fn from(e: storage::StorageError) -> Self {
        ReviseError::Change(ChangeError::Storage(e))
    }
}

/// Applies the admin form: every field that differs is changed and named in the audit entry
/// and in one Slack thread reply; a status change or a text becomes a public update; a status
/// change notifies subscribers by the same rule as in Slack, unless `notify` is off.
#[tracing::instrument(skip_all, fields(incident_id = incident_id, actor = %actor.audit_name()))]
pub async fn revise(
    services: &Services,
    actor: &Actor,
    incident_id: i64,
    revision: &Revision,
) -> Result<Outcome, ReviseError> {
    let mut tx = services.db.begin().await?;
    let mut incident = incidents::get_for_update(&mut tx, services.db.backend(), incident_id)
        .await?
        .ok_or(ChangeError::NotFound(incident_id))?;
    if incident.updated != revision.based_on {
        return Err(ReviseError::ChangedMeanwhile(Box::new(
            incident.into_inner(),
        )));
    }
    let now = Timestamp::now();
    let mut changed: Vec<String> = Vec::new();
    if revision.title != incident.title {
        incident.title = revision.title.clone();
        changed.push("the title".into());
    }
    let status_changed = Some(revision.status).filter(|s| *s != incident.status);
    if revision.severity != incident.severity {
        incident.severity = revision.severity;
        changed.push(format!("the severity to *{}*", revision.severity.label()));
    }
    if revision.start != incident.start {
        incident.start = revision.start;
        changed.push("the start".into());
    }
    if revision.end != incident.end {
        incident.end = revision.end;
        changed.push("the end".into());
    }
    if revision.summary != incident.summary {
        incident.summary = revision.summary.clone();
        changed.push("the summary".into());
    }
    if revision.silent != incident.silent {
        incident.silent = revision.silent;
        changed.push(if revision.silent {
            "it to silent".into()
        } else {
            "it to not silent".into()
        });
    }
    if let Some(status) = status_changed {
        // After the end time: a deliberately set end is kept, a missing one becomes now.
        incident.set_status(status, now);
        changed.push(format!("the status to *{}*", status.label()));
    }
    let text = revision
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    if changed.is_empty() && text.is_none() {
        return Ok(Outcome::Unchanged(incident.into_inner()));
    }
    incident.updated = now;
    incidents::save(&mut tx, &incident).await?;
    if status_changed.is_some() || text.is_some() {
        incidents::add_update(&mut tx, incident.id, now, status_changed, text).await?;
    }
    let mut note = String::new();
    if !changed.is_empty() {
        note.push_str(&format!(": changed {}", changed.join(", ")));
    }
    if text.is_some() {
        note.push_str(if changed.is_empty() {
            ": posted an update"
        } else {
            ", and posted an update"
        });
    }
    let notify = revision.notify && status_changed.is_some_and(status_change_notifies);
    if status_changed.is_some_and(status_change_notifies) && !revision.notify {
        note.push_str(" (subscribers were not notified)");
    }
    let by = "Updated on the admin page by";
    let news = News {
        action: "incident.updated",
        message: format!("{by} {}{}", actor.name, note.replace('*', "")),
        notes: vec![format!("{by} {}{note}.", actor.thread_name())],
        notify,
    };
    record(&mut tx, actor, &incident, news, now).await?;
    tx.commit().await.map_err(storage::StorageError::from)?;
    services.committed();
    Ok(Outcome::Changed(incident.into_inner()))
}

/// Corrects the text of a public update (`None` removes the text, keeping the status change).
#[tracing::instrument(skip_all, fields(incident_id = incident_id, update_id = update_id, actor = %actor.audit_name()))]
pub async fn edit_update(
    services: &Services,
    actor: &Actor,
    incident_id: i64,
    update_id: i64,
    message: Option<&str>,
) -> Result<(), ChangeError> {
    change_update(services, actor, incident_id, update_id, Some(message)).await
}

/// Deletes a public update.
#[tracing::instrument(skip_all, fields(incident_id = incident_id, update_id = update_id, actor = %actor.audit_name()))]
pub async fn delete_update(
    services: &Services,
    actor: &Actor,
    incident_id: i64,
    update_id: i64,
) -> Result<(), ChangeError> {
    change_update(services, actor, incident_id, update_id, None).await
}

/// `Some(text)` edits, `None` deletes.
async fn change_update(
    services: &Services,
    actor: &Actor,
    incident_id: i64,
    update_id: i64,
    edit: Option<Option<&str>>,
) -> Result<(), ChangeError> {
    let mut tx = services.db.begin().await?;
    let incident = incidents::get_for_update(&mut tx, services.db.backend(), incident_id)
        .await?
        .ok_or(ChangeError::NotFound(incident_id))?;
    let now = Timestamp::now();
    let (found, action, did) = match edit {
        Some(message) => {
            let message = message.map(str::trim).filter(|m| !m.is_empty());
            (
                incidents::set_update_message(&mut tx, incident_id, update_id, message).await?,
                "incident.update_edited",
                "edited a public update",
            )
        }
        None => (
            incidents::delete_update(&mut tx, incident_id, update_id).await?,
            "incident.update_deleted",
            "deleted a public update",
        ),
    };
    if !found {
        return Err(ChangeError::UpdateNotFound(update_id));
    }
    let news = News {
        action,
        message: format!("{} {did} on the admin page", actor.name),
        notes: vec![format!("{} {did} on the admin page.", actor.thread_name())],
        notify: false,
    };
    record(&mut tx, actor, &incident, news, now).await?;
    tx.commit().await.map_err(storage::StorageError::from)?;
    services.committed();
    Ok(())
}

/// What a change tells the audit log, the Slack thread and subscribers.
struct News {
    action: &'static str,
    message: String,
    /// One thread reply each.
    notes: Vec<String>,
    notify: bool,
}

/// An incident a person creates (from Slack's Home tab, later from the admin pages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Creation {
    pub title: String,
    pub status: IncidentStatus,
    pub severity: crate::domain::Severity,
    pub start: Timestamp,
    pub end: Option<Timestamp>,
    pub summary: Option<String>,
    /// The first public update.
    pub text: Option<String>,
    /// Never notifies subscribers, whatever happens to it later.
    pub silent: bool,
    /// False when the person ticked "do not notify subscribers" for this change.
    pub notify: bool,
}

/// Creates an incident: its message is posted to the team's channel with a note on who created
/// it, and subscribers are told unless it is silent.
#[tracing::instrument(skip_all, fields(status = %creation.status, actor = %actor.audit_name()))]
pub async fn create(
    services: &Services,
    actor: &Actor,
    creation: &Creation,
) -> Result<Incident, ChangeError> {
    let mut tx = services.db.begin().await?;
    let now = Timestamp::now();
    let incident = incidents::insert(
        &mut tx,
        &incidents::NewIncident {
            status: creation.status,
            severity: creation.severity,
            start: creation.start,
            end: creation.end,
            title: creation.title.clone(),
            summary: creation.summary.clone(),
            silent: creation.silent,
        },
        now,
    )
    .await?;
    let text = creation
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    incidents::add_update(&mut tx, incident.id, now, Some(creation.status), text).await?;
    let news = News {
        action: "incident.created",
        message: format!("Created by {}", actor.name),
        notes: vec![format!("Created by {}.", actor.thread_name())],
        notify: creation.notify
            && matches!(
                creation.status,
                IncidentStatus::Planned | IncidentStatus::Confirmed | IncidentStatus::Watching
            ),
    };
    record(&mut tx, actor, &incident, news, now).await?;
    tx.commit().await.map_err(storage::StorageError::from)?;
    services.committed();
    Ok(incident)
}

/// Writes the audit entry and owes Slack the notes and, when `notify`, subscribers the news.
async fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    incident: &Incident,
    news: News,
    now: Timestamp,
) -> storage::Result<()> {
    let News {
        action,
        message,
        notes,
        notify,
    } = news;
    audit::record(
        conn,
        now,
        &actor.audit_name(),
        Some(incident.id),
        action,
        &message,
    )
    .await?;
    jobs::enqueue(
        conn,
        kinds::slack_incident_job(
            kinds::SLACK_INCIDENT_CHANGED,
            &IncidentJob {
                incident_id: incident.id,
                alert_message: None,
                notes,
            },
        ),
        now,
    )
    .await?;
    if notify && !incident.silent {
        jobs::enqueue(
            conn,
            kinds::status_change_job(&StatusChangeJob {
                incident_id: incident.id,
                status: incident.status.as_str().to_owned(),
            }),
            now,
        )
        .await?;
    }
    Ok(())
}

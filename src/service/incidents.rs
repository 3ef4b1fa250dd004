//! What people do to incidents, from Slack and from the admin pages alike: each change is one
//! transaction with its public update, audit entry, Slack job and notification job.

use super::Services;
use crate::domain::input::{self, IncidentDraft, Problems, check_text};
use crate::domain::notification::{self, By, Channel, Note, Revised};
use crate::domain::{Incident, IncidentStatus};
use crate::jobs;
use crate::jobs::kinds::{self, IncidentJob};
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
    /// The change breaks the incident input rules (`domain::input`); nothing was saved.
    #[error("{0}")]
    Invalid(Problems),

    #[error(transparent)]
    Storage(#[from] storage::StorageError),
}

/// Why a click (confirm, dismiss) did nothing. It carries no input, so no rule refuses it:
/// [`Outcome::Unchanged`] says the incident had moved on.
#[derive(Debug, thiserror::Error)]
pub enum ClickError {
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
#[tracing::instrument(skip_all, fields(incident_id = incident_id, actor = %actor.audit_name()))]
pub async fn confirm(
    services: &Services,
    actor: &Actor,
    incident_id: i64,
) -> Result<Outcome, ClickError> {
    change(services, actor, incident_id, &CONFIRM).await
}

/// Dismisses a suspicion as a false alarm: it disappears from every public page.
#[tracing::instrument(skip_all, fields(incident_id = incident_id, actor = %actor.audit_name()))]
pub async fn dismiss(
    services: &Services,
    actor: &Actor,
    incident_id: i64,
) -> Result<Outcome, ClickError> {
    change(services, actor, incident_id, &DISMISS).await
}

type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// One kind of change people make, described once.
struct Change {
    /// Whether the click moves an incident in this status (`domain::input`); otherwise it
    /// changes nothing.
    allowed: fn(IncidentStatus) -> bool,
    apply: for<'a> fn(
        &'a mut AnyConnection,
        &'a mut LockedIncident,
        Timestamp,
    ) -> BoxFuture<'a, storage::Result<()>>,
    /// The audit log's action.
    action: &'static str,
    /// What the thread and the audit log say, by whom.
    note: fn(String) -> Note,
}

const CONFIRM: Change = Change {
    allowed: input::may_confirm,
    apply: apply_confirm,
    action: "incident.confirmed",
    note: |by| Note::Confirmed { by },
};

const DISMISS: Change = Change {
    allowed: input::may_dismiss,
    apply: apply_dismiss,
    action: "incident.dismissed",
    note: |by| Note::Dismissed { by },
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
) -> Result<Outcome, ClickError> {
    let mut tx = services.db.begin().await?;
    let mut incident = incidents::get_for_update(&mut tx, services.db.backend(), incident_id)
        .await?
        .ok_or(ClickError::NotFound(incident_id))?;
    if !(change.allowed)(incident.status) {
        return Ok(Outcome::Unchanged(incident.into_inner()));
    }
    let before = incident.clone().into_inner();
    let now = Timestamp::now();
    (change.apply)(&mut tx, &mut incident, now).await?;
    let news = News {
        action: change.action,
        notes: vec![(change.note)(actor.name.clone())],
        by: By::Person { notify: true },
    };
    record(&mut tx, actor, Some(&before), &incident, news, now).await?;
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
    let before = incident.clone().into_inner();
    let text = posted(edit.text.as_deref());
    let mut draft = IncidentDraft::of(&before);
    draft.status = edit.status.unwrap_or(before.status);
    draft.severity = edit.severity.unwrap_or(before.severity);
    if let Some(summary) = &edit.summary {
        draft.summary = summary.clone();
    }
    draft.text = text.map(str::to_owned);
    draft
        .check(Some(&before), now)
        .map_err(ChangeError::Invalid)?;

    let by = || actor.name.clone();
    let mut notes = Vec::new();
    let status_changed = Some(draft.status).filter(|s| *s != incident.status);
    if let Some(status) = status_changed {
        incident.set_status(status, now);
        notes.push(Note::StatusChanged { by: by(), status });
    }
    if draft.severity != incident.severity {
        incident.severity = draft.severity;
        incident.updated = now;
        notes.push(Note::SeverityChanged {
            by: by(),
            severity: draft.severity,
        });
    }
    if draft.summary != incident.summary {
        incident.summary = draft.summary;
        incident.updated = now;
        notes.push(Note::SummaryChanged { by: by() });
    }
    if let Some(text) = text {
        notes.push(Note::Posted {
            by: by(),
            text: text.to_owned(),
        });
    }
    if notes.is_empty() {
        return Ok(Outcome::Unchanged(incident.into_inner()));
    }
    incidents::save(&mut tx, &incident).await?;
    if status_changed.is_some() || text.is_some() {
        incidents::add_update(&mut tx, incident.id, now, status_changed, text).await?;
    }
    let news = News {
        action: "incident.updated",
        notes,
        by: By::Person { notify: true },
    };
    record(&mut tx, actor, Some(&before), &incident, news, now).await?;
    tx.commit().await.map_err(storage::StorageError::from)?;
    services.committed();
    Ok(Outcome::Changed(incident.into_inner()))
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
    let before = incident.clone().into_inner();
    let text = posted(revision.text.as_deref());
    let draft = IncidentDraft {
        title: revision.title.clone(),
        status: revision.status,
        severity: revision.severity,
        start: revision.start,
        end: revision.end,
        summary: revision.summary.clone(),
        text: text.map(str::to_owned),
    };
    draft
        .check(Some(&before), now)
        .map_err(|p| ReviseError::Change(ChangeError::Invalid(p)))?;
    let mut changed = Vec::new();
    if revision.title != incident.title {
        incident.title = revision.title.clone();
        changed.push(Revised::Title);
    }
    let status_changed = Some(revision.status).filter(|s| *s != incident.status);
    if revision.severity != incident.severity {
        incident.severity = revision.severity;
        changed.push(Revised::Severity(revision.severity));
    }
    if revision.start != incident.start {
        incident.start = revision.start;
        changed.push(Revised::Start);
    }
    if revision.end != incident.end {
        incident.end = revision.end;
        changed.push(Revised::End);
    }
    if revision.summary != incident.summary {
        incident.summary = revision.summary.clone();
        changed.push(Revised::Summary);
    }
    if revision.silent != incident.silent {
        incident.silent = revision.silent;
        changed.push(Revised::Silent(revision.silent));
    }
    if let Some(status) = status_changed {
        // After the end time: a deliberately set end is kept, a missing one becomes now.
        incident.set_status(status, now);
        changed.push(Revised::Status(status));
    }
    if changed.is_empty() && text.is_none() {
        return Ok(Outcome::Unchanged(incident.into_inner()));
    }
    crate::domain::maintenance::note_window_change(&before, &mut incident);
    incident.updated = now;
    incidents::save(&mut tx, &incident).await?;
    if status_changed.is_some() || text.is_some() {
        incidents::add_update(&mut tx, incident.id, now, status_changed, text).await?;
    }
    let by = By::Person {
        notify: revision.notify,
    };
    let held_back = notification::held_back(Some(&before), &incident, by);
    let news = News {
        action: "incident.updated",
        notes: vec![Note::Revised {
            by: actor.name.clone(),
            changed,
            posted: text.is_some(),
            held_back,
        }],
        by,
    };
    record(&mut tx, actor, Some(&before), &incident, news, now).await?;
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
    let by = actor.name.clone();
    let (found, action, note) = match edit {
        Some(message) => {
            let message = posted(message);
            if let Some(Err(problem)) = message.map(check_text) {
                return Err(ChangeError::Invalid(Problems(vec![problem])));
            }
            (
                incidents::set_update_message(&mut tx, incident_id, update_id, message).await?,
                "incident.update_edited",
                Note::UpdateEdited { by },
            )
        }
        None => (
            incidents::delete_update(&mut tx, incident_id, update_id).await?,
            "incident.update_deleted",
            Note::UpdateDeleted { by },
        ),
    };
    if !found {
        return Err(ChangeError::UpdateNotFound(update_id));
    }
    let news = News {
        action,
        notes: vec![note],
        by: By::Person { notify: true },
    };
    let incident = incident.into_inner();
    record(&mut tx, actor, Some(&incident), &incident, news, now).await?;
    tx.commit().await.map_err(storage::StorageError::from)?;
    services.committed();
    Ok(())
}

/// An update's text as posted: trimmed; nothing when there is nothing but space.
fn posted(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// What a change tells the audit log, the Slack thread and subscribers.
pub(super) struct News {
    pub action: &'static str,
    /// One thread reply each; together, the audit entry.
    pub notes: Vec<Note>,
    pub by: By,
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
    let now = Timestamp::now();
    // Refused input takes no transaction (on SQLite, the write lock).
    check_creation(creation, now)?;
    let mut tx = services.db.begin().await?;
    let incident = create_in(&mut tx, actor, creation, now).await?;
    tx.commit().await.map_err(storage::StorageError::from)?;
    services.committed();
    Ok(incident)
}

fn check_creation(creation: &Creation, now: Timestamp) -> Result<(), ChangeError> {
    IncidentDraft {
        title: creation.title.clone(),
        status: creation.status,
        severity: creation.severity,
        start: creation.start,
        end: creation.end,
        summary: creation.summary.clone(),
        text: posted(creation.text.as_deref()).map(str::to_owned),
    }
    .check(None, now)
    .map_err(ChangeError::Invalid)
}

/// [`create`] within the caller's transaction, for a use case that records more with it (an
/// occurrence of recurring maintenance and the series it belongs to). Checks the input rules
/// before writing anything, so a refusal leaves the transaction as it was.
pub(super) async fn create_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    creation: &Creation,
    now: Timestamp,
) -> Result<Incident, ChangeError> {
    check_creation(creation, now)?;
    let text = posted(creation.text.as_deref());
    let incident = incidents::insert(
        &mut *conn,
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
    incidents::add_update(conn, incident.id, now, Some(creation.status), text).await?;
    let by = By::Person {
        notify: creation.notify,
    };
    let news = News {
        action: "incident.created",
        notes: vec![Note::Created {
            by: actor.name.clone(),
            held_back: notification::held_back(None, &incident, by),
        }],
        by,
    };
    record(conn, actor, None, &incident, news, now).await?;
    Ok(incident)
}

/// Writes the audit entry and owes Slack and subscribers what `domain::notification::audience`
/// says they hear of the change from `before` (`None`: created) to `incident`. The incident's
/// message is brought up to date (or posted) in any case.
pub(super) async fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    before: Option<&Incident>,
    incident: &Incident,
    news: News,
    now: Timestamp,
) -> storage::Result<()> {
    let News { action, notes, by } = news;
    let audience = notification::audience(before, incident, by);
    let message = notification::audit_message(&notes);
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
                notes: Vec::new(),
                news: if audience.thread { notes } else { Vec::new() },
                broadcast: Some(audience.channel == Channel::Broadcast),
            },
        ),
        now,
    )
    .await?;
    if audience.subscribers {
        super::owe_subscribers(conn, incident, now).await?;
    }
    // A moved or cancelled maintenance window is news of its own, unless the person held it back.
    if let Some(before) = before
        && by != (By::Person { notify: false })
        && let Some(kind) = notification::schedule_news(before, incident)
    {
        let occasion = format!("{}:{}", kind_name(kind), incident.schedule_sequence);
        super::owe_subscribers_news(conn, incident, kind, occasion, now).await?;
    }
    if before.is_some_and(|b| b.severity == crate::domain::Severity::Maintenance)
        || incident.severity == crate::domain::Severity::Maintenance
    {
        super::maintenance::schedule(conn, incident, now).await?;
    }
    Ok(())
}

/// A stable word for a notification kind, for unique keys.
fn kind_name(kind: notification::NotificationKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{kind:?}"))
}

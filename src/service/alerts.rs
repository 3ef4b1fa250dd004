//! Alerts from monitoring open, join and close incidents.

use super::Services;
use crate::domain::alerts::{
    self as rules, ALERT_INCIDENT_SEVERITY, ALERT_INCIDENT_STATUS, ALERT_INCIDENT_TITLE,
    AllAlertsClosed, DISMISSED_BY_MONITORING_UPDATE, OPENED_BY_MONITORING_UPDATE,
};
use crate::domain::notification::{self, By, Channel};
use crate::domain::{Incident, IncidentStatus};
use crate::jobs;
use crate::jobs::kinds::{self, IncidentJob};
use crate::storage::incidents::{self, NewIncident};
use crate::storage::{self, AnyConnection, Backend, alerts, audit, locks};
use jiff::Timestamp;
use std::borrow::Cow;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The monitoring systems monostat listens to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertSource {
    Opsgenie,
    Alertmanager,
    /// The generic hook (Uptime Kuma, Gatus, scripts).
    Webhook,
    /// PagerDuty's v3 webhooks; the alert's id is the PagerDuty incident's.
    Pagerduty,
}

impl AlertSource {
    /// The source an alert was stored with, [`AlertSource::as_str`] read back.
    pub fn from_stored(name: &str) -> Option<Self> {
        [
            Self::Opsgenie,
            Self::Alertmanager,
            Self::Webhook,
            Self::Pagerduty,
        ]
        .into_iter()
        .find(|source| source.as_str() == name)
    }

    /// Stored with each alert, and the audit log's actor.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Opsgenie => "opsgenie",
            Self::Alertmanager => "alertmanager",
            Self::Webhook => "webhook",
            Self::Pagerduty => "pagerduty",
        }
    }
}

/// One thing monitoring told us about one alert.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AlertEvent {
    /// The alert fires (OpsGenie `Create`/`UpdateMessage`, Alertmanager `firing`).
    Firing {
        external_id: String,
        message: Option<String>,
        description: Option<String>,
    },
    /// The alert stopped (OpsGenie `Close`, Alertmanager `resolved`).
    Resolved { external_id: String },
    /// Only the description changed (OpsGenie `UpdateDescription`).
    DescriptionChanged {
        external_id: String,
        description: String,
    },
}

/// What a delivery changed, for the log line, the answer to the sender and the tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IntakeReport {
    pub opened_incidents: Vec<i64>,
    pub dismissed_incidents: Vec<i64>,
    pub changed_alerts: usize,
    /// Messages and descriptions longer than [`rules::MAX_ALERT_TEXT_BYTES`], kept cut.
    pub cut_texts: usize,
    /// Alert ids longer than [`rules::MAX_ALERT_ID_BYTES`], stored shortened.
    pub shortened_ids: usize,
    /// Closes for alerts monostat never saw, ignored.
    pub unknown_closed: usize,
    /// How many transactions the delivery was applied in.
    pub transactions: usize,
}

impl IntakeReport {
    fn add(&mut self, batch: IntakeReport) {
        self.opened_incidents.extend(batch.opened_incidents);
        self.dismissed_incidents.extend(batch.dismissed_incidents);
        self.changed_alerts += batch.changed_alerts;
        self.unknown_closed += batch.unknown_closed;
        self.transactions += batch.transactions;
    }
}

/// The most events one transaction applies. With [`TRANSACTION_TIME`] this bounds how long a
/// delivery holds the intake lock (and on SQLite the database's write lock) at a time: a
/// delivery of 25,000 alerts must not keep a click in Slack waiting past SQLite's busy timeout
/// (5 s) or Slack's deadline for an answer (3 s).
const EVENTS_PER_TRANSACTION: usize = 1_000;
/// A transaction that has run this long commits after its current event, however many it
/// applied (a slow disk, a busy machine).
const TRANSACTION_TIME: Duration = Duration::from_millis(250);
/// Between two transactions of one delivery on SQLite. Writers waiting for SQLite's lock sleep
/// in its busy handler and try again every 100 ms at most; a pause longer than that lets every
/// one of them in before the delivery goes on, where back-to-back transactions would starve
/// them. PostgreSQL queues lock waiters in order and needs no pause.
const SQLITE_PAUSE: Duration = Duration::from_millis(150);

/// Applies one delivery's events, in order. Texts and ids are bounded first (see
/// [`rules::cut_text`], [`rules::stored_alert_id`]), so that nothing from monitoring is refused
/// for its size.
///
/// A delivery is applied in transactions of at most [`EVENTS_PER_TRANSACTION`] events, each
/// committed before the next begins. Each takes the intake lock first thing, so concurrent
/// deliveries (and several instances) agree on which incident is open: twenty alerts firing at
/// once open one incident, not twenty. If a transaction fails, those before it stay applied and
/// the error makes the sender deliver again; applying an event twice changes nothing the second
/// time, so the repeated delivery completes what the failed one began.
#[tracing::instrument(skip_all, fields(source = source.as_str(), events = events.len()))]
pub async fn apply(
    services: &Services,
    source: AlertSource,
    events: &[AlertEvent],
) -> storage::Result<IntakeReport> {
    let mut report = IntakeReport::default();
    let events: Vec<AlertEvent> = events
        .iter()
        .map(|event| bounded(event, &mut report))
        .collect();
    let mut rest = events.as_slice();
    while !rest.is_empty() {
        if report.transactions > 0 && services.db.backend() == Backend::Sqlite {
            tokio::time::sleep(SQLITE_PAUSE).await;
        }
        match apply_some(services, source, rest).await {
            Ok((applied, batch)) => {
                rest = &rest[applied..];
                report.add(batch);
                services.committed();
            }
            Err(e) => {
                if report.transactions > 0 {
                    tracing::warn!(
                        source = source.as_str(),
                        applied = events.len() - rest.len(),
                        of = events.len(),
                        ?report,
                        "alert delivery failed part way; the sender's retry applies the rest"
                    );
                }
                return Err(e);
            }
        }
    }
    Ok(report)
}

/// Queues `note` for the Slack thread of the incident that `source`'s alert `external_id`
/// belongs to, with the audit entry saying the same. `key` makes it once only: a second call
/// with the same key (a retried delivery) queues nothing. Returns whether it was queued; an
/// alert monostat never saw has no thread, and the note is dropped.
pub async fn note(
    services: &Services,
    source: AlertSource,
    external_id: &str,
    note: &notification::Note,
    key: &str,
) -> storage::Result<bool> {
    let external_id = rules::stored_alert_id(external_id);
    let mut tx = services.db.begin().await?;
    let Some(alert) = alerts::find(&mut tx, source.as_str(), &external_id).await? else {
        return Ok(false);
    };
    let now = Timestamp::now();
    let job = kinds::slack_incident_job(
        kinds::SLACK_INCIDENT_CHANGED,
        &IncidentJob {
            incident_id: alert.incident_id,
            alert_message: None,
            notes: Vec::new(),
            news: vec![note.clone()],
            // Monitoring's chatter about an incident is for those following its thread.
            broadcast: Some(false),
        },
    )
    .unique_key(key);
    if jobs::enqueue(&mut tx, job, now).await?.is_none() {
        return Ok(false);
    }
    audit::record(
        &mut tx,
        now,
        source.as_str(),
        Some(alert.incident_id),
        "alert.noted",
        &notification::audit_message(std::slice::from_ref(note)),
    )
    .await?;
    tx.commit().await?;
    services.committed();
    Ok(true)
}

/// What closing an alert by hand did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClosedByHand {
    /// Closed; `dismissed` when it was the suspected incident's last open alert, so the
    /// incident was dismissed as when monitoring closes it.
    Closed { dismissed: bool },
    /// Monitoring (or somebody else) closed it first: nothing changed.
    AlreadyClosed,
    /// No such alert on this incident.
    NotFound,
}

/// Closes an alert that monitoring never closed (an OpsGenie alert deleted instead of closed,
/// an Alertmanager silenced before it resolved), with exactly the effect of monitoring closing
/// it: a suspected incident whose last alert this was is dismissed, a confirmed one is
/// reminded to be resolved. The audit log names `actor`.
#[tracing::instrument(skip(services, actor))]
pub async fn close_by_hand(
    services: &Services,
    incident_id: i64,
    alert_id: i64,
    actor: &super::incidents::Actor,
) -> storage::Result<ClosedByHand> {
    let mut tx = services.db.begin().await?;
    // The same lock as a delivery: a close from monitoring at this moment waits, then finds
    // the alert closed and changes nothing.
    locks::take(&mut tx, locks::ALERT_INTAKE).await?;
    let Some(alert) = alerts::get(&mut tx, alert_id).await? else {
        return Ok(ClosedByHand::NotFound);
    };
    if alert.incident_id != incident_id {
        return Ok(ClosedByHand::NotFound);
    }
    if alert.resolved.is_some() {
        return Ok(ClosedByHand::AlreadyClosed);
    }
    let Some(source) = AlertSource::from_stored(&alert.source) else {
        // Only our own hooks store alerts; an unknown source is another version's data.
        return Ok(ClosedByHand::NotFound);
    };
    let mut intake = Intake {
        conn: &mut tx,
        backend: services.db.backend(),
        source,
        by: Some(actor.audit_name()),
        now: Timestamp::now(),
        joining: None,
        open_alerts: HashMap::new(),
        report: IntakeReport::default(),
    };
    intake.resolved(&alert.external_id).await?;
    let dismissed = intake.report.dismissed_incidents.contains(&incident_id);
    tx.commit().await?;
    services.committed();
    Ok(ClosedByHand::Closed { dismissed })
}

/// The event with its texts and id bounded; what was cut is counted in `report`.
fn bounded(event: &AlertEvent, report: &mut IntakeReport) -> AlertEvent {
    let mut id = |external_id: &str| {
        let stored = rules::stored_alert_id(external_id);
        if matches!(stored, Cow::Owned(_)) {
            report.shortened_ids += 1;
        }
        stored.into_owned()
    };
    let external_id = id(match event {
        AlertEvent::Firing { external_id, .. }
        | AlertEvent::Resolved { external_id }
        | AlertEvent::DescriptionChanged { external_id, .. } => external_id,
    });
    let mut text = |text: &str| {
        let kept = rules::cut_text(text, rules::MAX_ALERT_TEXT_BYTES);
        if matches!(kept, Cow::Owned(_)) {
            report.cut_texts += 1;
        }
        kept.into_owned()
    };
    match event {
        AlertEvent::Firing {
            message,
            description,
            ..
        } => AlertEvent::Firing {
            external_id,
            message: message.as_deref().map(&mut text),
            description: description.as_deref().map(&mut text),
        },
        AlertEvent::Resolved { .. } => AlertEvent::Resolved { external_id },
        AlertEvent::DescriptionChanged { description, .. } => AlertEvent::DescriptionChanged {
            external_id,
            description: text(description),
        },
    }
}

/// Applies the first events of `events` in one transaction, as many as its bounds allow (at
/// least one); returns how many, and what they changed.
async fn apply_some(
    services: &Services,
    source: AlertSource,
    events: &[AlertEvent],
) -> storage::Result<(usize, IntakeReport)> {
    let mut tx = services.db.begin().await?;
    locks::take(&mut tx, locks::ALERT_INTAKE).await?;
    let started = Instant::now();
    let mut intake = Intake {
        conn: &mut tx,
        backend: services.db.backend(),
        source,
        by: None,
        now: Timestamp::now(),
        joining: None,
        open_alerts: HashMap::new(),
        report: IntakeReport {
            transactions: 1,
            ..IntakeReport::default()
        },
    };
    let mut applied = 0;
    for event in events {
        if applied == EVENTS_PER_TRANSACTION
            || (applied > 0 && started.elapsed() >= TRANSACTION_TIME)
        {
            break;
        }
        intake.apply(event).await?;
        applied += 1;
    }
    let report = intake.report;
    tx.commit().await?;
    Ok((applied, report))
}

/// One transaction of a delivery.
struct Intake<'c> {
    conn: &'c mut AnyConnection,
    backend: Backend,
    source: AlertSource,
    /// The person who acted in monitoring's stead (closing an alert stuck open), named in the
    /// audit log instead of the source.
    by: Option<String>,
    now: Timestamp,
    /// The open incident new alerts join, once found (and locked) in this transaction.
    joining: Option<i64>,
    /// Open alerts per incident, counted once in this transaction and then kept up to date by
    /// closes: a delivery closing thousands of one incident's alerts must not count them all
    /// again for each one. A firing alert forgets the counts it may change.
    open_alerts: HashMap<i64, i64>,
    report: IntakeReport,
}

impl Intake<'_> {
    /// Who the audit log names for what this transaction does.
    fn actor(&self) -> String {
        self.by
            .clone()
            .unwrap_or_else(|| self.source.as_str().to_owned())
    }

    async fn apply(&mut self, event: &AlertEvent) -> storage::Result<()> {
        match event {
            AlertEvent::Firing {
                external_id,
                message,
                description,
            } => {
                self.firing(external_id, message.as_deref(), description.as_deref())
                    .await
            }
            AlertEvent::Resolved { external_id } => self.resolved(external_id).await,
            AlertEvent::DescriptionChanged {
                external_id,
                description,
            } => self.description_changed(external_id, description).await,
        }
    }

    /// The open incident a firing alert joins, locked until commit so that a person resolving
    /// or dismissing it at this moment either finishes first (and the alert goes elsewhere) or
    /// waits; an alert must not join an incident that has just closed, where nobody would hear
    /// of it. Opens a suspected incident when none is open.
    async fn incident_to_join(
        &mut self,
        external_id: &str,
        message: Option<&str>,
    ) -> storage::Result<i64> {
        if let Some(id) = self.joining {
            return Ok(id);
        }
        // Each time round, somebody closed the candidate between our two reads.
        for _ in 0..3 {
            let Some(candidate) = incidents::open_alert_driven(self.conn).await? else {
                break;
            };
            if let Some(locked) =
                incidents::get_for_update(self.conn, self.backend, candidate.id).await?
                && rules::takes_new_alerts(locked.status, locked.severity)
            {
                self.joining = Some(locked.id);
                return Ok(locked.id);
            }
        }
        let actor = self.source.as_str();
        let incident = open_incident(self.conn, actor, external_id, message, self.now).await?;
        self.report.opened_incidents.push(incident.id);
        self.joining = Some(incident.id);
        Ok(incident.id)
    }

    async fn firing(
        &mut self,
        external_id: &str,
        message: Option<&str>,
        description: Option<&str>,
    ) -> storage::Result<()> {
        let actor = self.source.as_str();
        let now = self.now;
        let incident_id = self.incident_to_join(external_id, message).await?;
        self.open_alerts.remove(&incident_id);

        match alerts::find(self.conn, actor, external_id).await? {
            None => {
                alerts::insert(
                    self.conn,
                    incident_id,
                    actor,
                    external_id,
                    message,
                    description,
                    now,
                )
                .await?;
                audit::record(
                    self.conn,
                    now,
                    actor,
                    Some(incident_id),
                    "alert.created",
                    &format!(
                        "Alert {external_id} fired: {}",
                        message.unwrap_or("(no message)")
                    ),
                )
                .await?;
                self.report.changed_alerts += 1;
            }
            Some(mut alert) => {
                self.open_alerts.remove(&alert.incident_id);
                let before = alert.clone();
                alert.incident_id = incident_id;
                alert.resolved = None;
                if let Some(message) = message {
                    alert.message = Some(message.to_owned());
                }
                if let Some(description) = description {
                    alert.description = Some(description.to_owned());
                }
                // Monitoring repeats itself (Alertmanager every repeat_interval, OpsGenie on
                // team changes): a repetition that changes nothing writes nothing.
                if alert != before {
                    let what = if before.resolved.is_some() {
                        "fired again"
                    } else {
                        "updated"
                    };
                    let message = format!(
                        "Alert {external_id} {what}: {}",
                        alert.message.as_deref().unwrap_or("(no message)")
                    );
                    self.save_change(&alert, "alert.updated", &message).await?;
                }
            }
        }
        Ok(())
    }

    async fn resolved(&mut self, external_id: &str) -> storage::Result<()> {
        let now = self.now;
        let Some(mut alert) = alerts::find(self.conn, self.source.as_str(), external_id).await?
        else {
            // Counted, not logged one by one: a delivery may carry thousands.
            self.report.unknown_closed += 1;
            return Ok(());
        };
        if alert.resolved.is_some() {
            return Ok(());
        }
        alert.resolved = Some(now);
        let message = match self.by {
            Some(_) => format!("Alert {external_id} closed by hand (monitoring never closed it)"),
            None => format!("Alert {external_id} closed"),
        };
        self.save_change(&alert, "alert.resolved", &message).await?;
        let actor = self.actor();
        let actor = actor.as_str();

        let open = match self.open_alerts.get_mut(&alert.incident_id) {
            Some(open) => {
                *open -= 1;
                *open
            }
            None => {
                let open = alerts::open_count_for_incident(self.conn, alert.incident_id).await?;
                self.open_alerts.insert(alert.incident_id, open);
                open
            }
        };
        if open > 0 {
            return Ok(());
        }
        // Locked before deciding: a person may have confirmed it a moment ago, and a confirmed
        // incident is not dismissed.
        let Some(mut incident) =
            incidents::get_for_update(self.conn, self.backend, alert.incident_id).await?
        else {
            return Ok(());
        };
        let conn = &mut *self.conn;
        match rules::when_all_alerts_closed(incident.status) {
            AllAlertsClosed::Dismiss => {
                let before = incident.clone().into_inner();
                incident.set_status(IncidentStatus::Dismissed, now);
                incidents::save(conn, &incident).await?;
                incidents::add_update(
                    conn,
                    incident.id,
                    now,
                    Some(IncidentStatus::Dismissed),
                    Some(DISMISSED_BY_MONITORING_UPDATE),
                )
                .await?;
                audit::record(
                    conn,
                    now,
                    actor,
                    Some(incident.id),
                    "incident.dismissed",
                    "All alerts closed before anybody confirmed the incident; dismissed",
                )
                .await?;
                let change = (Some(&before), &*incident);
                owe(conn, kinds::SLACK_AUTO_DISMISSED, change, None, now).await?;
                self.report.dismissed_incidents.push(incident.id);
                if self.joining == Some(incident.id) {
                    self.joining = None;
                }
            }
            AllAlertsClosed::RemindToResolve => {
                audit::record(
                    conn,
                    now,
                    actor,
                    Some(incident.id),
                    "incident.all_alerts_closed",
                    "All alerts closed; the incident stays open until somebody resolves it",
                )
                .await?;
                let change = (Some(&*incident), &*incident);
                owe(conn, kinds::SLACK_ALL_ALERTS_CLOSED, change, None, now).await?;
            }
            AllAlertsClosed::Nothing => {}
        }
        Ok(())
    }

    async fn description_changed(
        &mut self,
        external_id: &str,
        description: &str,
    ) -> storage::Result<()> {
        let actor = self.source.as_str();
        let Some(mut alert) = alerts::find(self.conn, actor, external_id).await? else {
            return Ok(());
        };
        if alert.description.as_deref() == Some(description) {
            return Ok(());
        }
        alert.description = Some(description.to_owned());
        let message = format!("Alert {external_id}: description changed");
        self.save_change(&alert, "alert.updated", &message).await
    }

    /// Stores a changed alert with its audit entry, and counts it.
    async fn save_change(
        &mut self,
        alert: &alerts::IncomingAlert,
        action: &str,
        message: &str,
    ) -> storage::Result<()> {
        alerts::save(self.conn, alert).await?;
        let actor = self.actor();
        audit::record(
            self.conn,
            self.now,
            &actor,
            Some(alert.incident_id),
            action,
            message,
        )
        .await?;
        self.report.changed_alerts += 1;
        Ok(())
    }
}

/// Opens the suspected incident that an alert with no open incident to join causes.
async fn open_incident(
    conn: &mut AnyConnection,
    actor: &str,
    external_id: &str,
    message: Option<&str>,
    now: Timestamp,
) -> storage::Result<Incident> {
    let incident = incidents::insert(
        conn,
        &NewIncident {
            status: ALERT_INCIDENT_STATUS,
            severity: ALERT_INCIDENT_SEVERITY,
            start: now,
            end: None,
            title: ALERT_INCIDENT_TITLE.to_owned(),
            summary: None,
            silent: false,
        },
        now,
    )
    .await?;
    incidents::add_update(
        conn,
        incident.id,
        now,
        None,
        Some(OPENED_BY_MONITORING_UPDATE),
    )
    .await?;
    audit::record(
        conn,
        now,
        actor,
        Some(incident.id),
        "incident.opened",
        &format!("Suspected incident opened by alert {external_id}"),
    )
    .await?;
    owe(
        conn,
        kinds::SLACK_NEW_INCIDENT_FROM_ALERT,
        (None, &incident),
        message,
        now,
    )
    .await?;
    Ok(incident)
}

/// Owes Slack (and, should the table ever say so, subscribers) what monitoring's change from
/// `before` to `after` is to them: `domain::notification::audience` decides.
async fn owe(
    conn: &mut AnyConnection,
    kind: &'static str,
    (before, after): (Option<&Incident>, &Incident),
    alert_message: Option<&str>,
    now: Timestamp,
) -> storage::Result<()> {
    let audience = notification::audience(before, after, By::Monitoring);
    let mut job = kinds::slack_incident_job(
        kind,
        &IncidentJob {
            incident_id: after.id,
            alert_message: alert_message.map(str::to_owned),
            notes: Vec::new(),
            news: Vec::new(),
            broadcast: Some(audience.channel == Channel::Broadcast),
        },
    );
    if before.is_none() {
        // The incident's first message: posted once, however often the delivery is retried.
        job = job.unique_key(format!("{kind}:{}", after.id));
    }
    jobs::enqueue(conn, job, now).await?;
    if audience.subscribers {
        super::owe_subscribers(conn, after, now).await?;
    }
    Ok(())
}

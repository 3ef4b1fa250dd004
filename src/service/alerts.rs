//! Alerts from monitoring open, join and close incidents.

use super::Services;
use crate::domain::alerts::{
    self as rules, ALERT_INCIDENT_SEVERITY, ALERT_INCIDENT_STATUS, ALERT_INCIDENT_TITLE,
    AllAlertsClosed, DISMISSED_BY_MONITORING_UPDATE, OPENED_BY_MONITORING_UPDATE,
};
use crate::domain::{Incident, IncidentStatus};
use crate::jobs;
use crate::jobs::kinds::{self, IncidentJob};
use crate::storage::incidents::{self, NewIncident};
use crate::storage::{self, AnyConnection, alerts, audit, locks};
use jiff::Timestamp;

/// The monitoring systems monostat listens to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertSource {
    Opsgenie,
    Alertmanager,
}

impl AlertSource {
    /// Stored with each alert, and the audit log's actor.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Opsgenie => "opsgenie",
            Self::Alertmanager => "alertmanager",
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

/// What a delivery changed, for the log line and the tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IntakeReport {
    pub opened_incidents: Vec<i64>,
    pub dismissed_incidents: Vec<i64>,
    pub changed_alerts: usize,
}

/// Applies one delivery's events, in order, in one transaction: all of it happens or none.
///
/// Deliveries are serialised by a database lock taken first thing, so concurrent deliveries
/// (and several instances) agree on which incident is open: twenty alerts firing at once open
/// one incident, not twenty.
pub async fn apply(
    services: &Services,
    source: AlertSource,
    events: &[AlertEvent],
) -> storage::Result<IntakeReport> {
    let mut report = IntakeReport::default();
    if events.is_empty() {
        return Ok(report);
    }
    let mut tx = services.db.begin().await?;
    locks::take(&mut tx, locks::ALERT_INTAKE).await?;
    let now = Timestamp::now();
    for event in events {
        match event {
            AlertEvent::Firing {
                external_id,
                message,
                description,
            } => {
                firing(
                    &mut tx,
                    source,
                    external_id,
                    message.as_deref(),
                    description.as_deref(),
                    now,
                    &mut report,
                )
                .await?
            }
            AlertEvent::Resolved { external_id } => {
                resolved(&mut tx, source, external_id, now, &mut report).await?
            }
            AlertEvent::DescriptionChanged {
                external_id,
                description,
            } => {
                description_changed(&mut tx, source, external_id, description, now, &mut report)
                    .await?
            }
        }
    }
    tx.commit().await?;
    services.committed();
    Ok(report)
}

async fn firing(
    conn: &mut AnyConnection,
    source: AlertSource,
    external_id: &str,
    message: Option<&str>,
    description: Option<&str>,
    now: Timestamp,
    report: &mut IntakeReport,
) -> storage::Result<()> {
    let actor = source.as_str();
    let incident = match incidents::open_alert_driven(conn).await? {
        Some(incident) => incident,
        None => {
            let incident = open_incident(conn, actor, external_id, message, now).await?;
            report.opened_incidents.push(incident.id);
            incident
        }
    };
    debug_assert!(rules::takes_new_alerts(incident.status, incident.severity));

    match alerts::find(conn, actor, external_id).await? {
        None => {
            alerts::insert(
                conn,
                incident.id,
                actor,
                external_id,
                message,
                description,
                now,
            )
            .await?;
            audit::record(
                conn,
                now,
                actor,
                Some(incident.id),
                "alert.created",
                &format!(
                    "Alert {external_id} fired: {}",
                    message.unwrap_or("(no message)")
                ),
            )
            .await?;
            report.changed_alerts += 1;
        }
        Some(mut alert) => {
            let before = alert.clone();
            alert.incident_id = incident.id;
            alert.resolved = None;
            if let Some(message) = message {
                alert.message = Some(message.to_owned());
            }
            if let Some(description) = description {
                alert.description = Some(description.to_owned());
            }
            // Monitoring repeats itself (Alertmanager every repeat_interval, OpsGenie on team
            // changes): a repetition that changes nothing writes nothing.
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
                save_change(conn, actor, &alert, "alert.updated", &message, now, report).await?;
            }
        }
    }
    Ok(())
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
    jobs::enqueue(
        conn,
        kinds::slack_incident_job(
            kinds::SLACK_NEW_INCIDENT_FROM_ALERT,
            &IncidentJob {
                incident_id: incident.id,
                alert_message: message.map(str::to_owned),
                notes: Vec::new(),
            },
        )
        .unique_key(format!(
            "{}:{}",
            kinds::SLACK_NEW_INCIDENT_FROM_ALERT,
            incident.id
        )),
        now,
    )
    .await?;
    Ok(incident)
}

async fn resolved(
    conn: &mut AnyConnection,
    source: AlertSource,
    external_id: &str,
    now: Timestamp,
    report: &mut IntakeReport,
) -> storage::Result<()> {
    let actor = source.as_str();
    let Some(mut alert) = alerts::find(conn, actor, external_id).await? else {
        tracing::info!(
            source = actor,
            external_id,
            "close for an alert monostat never saw; ignored"
        );
        return Ok(());
    };
    if alert.resolved.is_some() {
        return Ok(());
    }
    alert.resolved = Some(now);
    let message = format!("Alert {external_id} closed");
    save_change(conn, actor, &alert, "alert.resolved", &message, now, report).await?;

    if alerts::open_count_for_incident(conn, alert.incident_id).await? > 0 {
        return Ok(());
    }
    let Some(mut incident) = incidents::get(conn, alert.incident_id).await? else {
        return Ok(());
    };
    match rules::when_all_alerts_closed(incident.status) {
        AllAlertsClosed::Dismiss => {
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
            enqueue_incident_job(conn, kinds::SLACK_AUTO_DISMISSED, incident.id, now).await?;
            report.dismissed_incidents.push(incident.id);
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
            enqueue_incident_job(conn, kinds::SLACK_ALL_ALERTS_CLOSED, incident.id, now).await?;
        }
        AllAlertsClosed::Nothing => {}
    }
    Ok(())
}

async fn description_changed(
    conn: &mut AnyConnection,
    source: AlertSource,
    external_id: &str,
    description: &str,
    now: Timestamp,
    report: &mut IntakeReport,
) -> storage::Result<()> {
    let actor = source.as_str();
    let Some(mut alert) = alerts::find(conn, actor, external_id).await? else {
        return Ok(());
    };
    if alert.description.as_deref() == Some(description) {
        return Ok(());
    }
    alert.description = Some(description.to_owned());
    let message = format!("Alert {external_id}: description changed");
    save_change(conn, actor, &alert, "alert.updated", &message, now, report).await
}

/// Stores a changed alert with its audit entry, and counts it in the delivery's report.
async fn save_change(
    conn: &mut AnyConnection,
    actor: &str,
    alert: &alerts::IncomingAlert,
    action: &str,
    message: &str,
    now: Timestamp,
    report: &mut IntakeReport,
) -> storage::Result<()> {
    alerts::save(conn, alert).await?;
    audit::record(conn, now, actor, Some(alert.incident_id), action, message).await?;
    report.changed_alerts += 1;
    Ok(())
}

async fn enqueue_incident_job(
    conn: &mut AnyConnection,
    kind: &'static str,
    incident_id: i64,
    now: Timestamp,
) -> storage::Result<()> {
    jobs::enqueue(
        conn,
        kinds::slack_incident_job(
            kind,
            &IncidentJob {
                incident_id,
                alert_message: None,
                notes: Vec::new(),
            },
        ),
        now,
    )
    .await?;
    Ok(())
}

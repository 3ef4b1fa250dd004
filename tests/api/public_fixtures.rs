//! Incidents for the public page tests, written straight into the database (their start times
//! lie in the past, which no use case allows), followed by a re-render as a write would cause.

use crate::helpers::TestApp;
use jiff::{SignedDuration, Timestamp};
use monostat::domain::{Incident, IncidentStatus, OverallState, Severity};
use monostat::storage::incidents::{self, NewIncident};

pub fn hours_ago(hours: i64) -> Timestamp {
    Timestamp::now() - SignedDuration::from_hours(hours)
}

pub struct Spec {
    pub status: IncidentStatus,
    pub severity: Severity,
    pub start: Timestamp,
    pub end: Option<Timestamp>,
    pub title: &'static str,
    pub summary: Option<&'static str>,
}

pub async fn insert(app: &TestApp, spec: Spec) -> Incident {
    let mut conn = app.handle.db.acquire().await.expect("connection");
    incidents::insert(
        &mut conn,
        &NewIncident {
            status: spec.status,
            severity: spec.severity,
            start: spec.start,
            end: spec.end,
            title: spec.title.into(),
            summary: spec.summary.map(str::to_owned),
            silent: false,
        },
        spec.start,
    )
    .await
    .expect("insert incident")
}

pub async fn add_update(
    app: &TestApp,
    incident: &Incident,
    at: Timestamp,
    status: Option<IncidentStatus>,
    message: &str,
) {
    let mut conn = app.handle.db.acquire().await.expect("connection");
    incidents::add_update(&mut conn, incident.id, at, status, Some(message))
        .await
        .expect("add update");
}

pub async fn clear(app: &TestApp) {
    let mut conn = app.handle.db.acquire().await.expect("connection");
    for table in ["incident_updates", "incoming_alerts", "incidents"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
            .execute(&mut *conn)
            .await
            .expect("clear table");
    }
}

pub async fn render(app: &TestApp) {
    app.handle.pages.refresh().await.expect("pages render");
}

/// The incident that puts the page in `state`, with a recent resolved incident and a planned
/// maintenance around it so every section shows. Returns the incident that decides the state.
pub async fn scene(app: &TestApp, state: OverallState) -> Option<Incident> {
    clear(app).await;
    let resolved = insert(
        app,
        Spec {
            status: IncidentStatus::Resolved,
            severity: Severity::Partial,
            start: hours_ago(5),
            end: Some(hours_ago(4)),
            title: "Slow ticket downloads",
            summary: Some("Downloads of **PDF tickets** took up to a minute.\nAll fixed now."),
        },
    )
    .await;
    add_update(
        app,
        &resolved,
        hours_ago(4),
        Some(IncidentStatus::Resolved),
        "Downloads are fast again.",
    )
    .await;
    insert(
        app,
        Spec {
            status: IncidentStatus::Planned,
            severity: Severity::Maintenance,
            start: hours_ago(-48),
            end: Some(hours_ago(-47)),
            title: "Database upgrade",
            summary: Some("The shop is read-only for up to an hour."),
        },
    )
    .await;
    let (status, severity, title, summary) = match state {
        OverallState::Down => (
            IncidentStatus::Confirmed,
            Severity::Outage,
            "Checkout is failing",
            Some("Payments cannot be completed. See <https://example.com/help>."),
        ),
        OverallState::PartiallyUnavailable => (
            IncidentStatus::Confirmed,
            Severity::Partial,
            "Card payments fail",
            Some("PayPal still works."),
        ),
        OverallState::MightHaveIssues => (
            IncidentStatus::Suspected,
            Severity::Outage,
            "HTTP checks failing",
            None,
        ),
        OverallState::KnownIssue => (
            IncidentStatus::Confirmed,
            Severity::Bug,
            "Wrong totals in exports",
            Some("Exports after 1 March show wrong totals."),
        ),
        OverallState::UpWithNotices => (
            IncidentStatus::Confirmed,
            Severity::Notice,
            "New invoice layout",
            Some("Invoices look different from today."),
        ),
        OverallState::UnderMaintenance => (
            IncidentStatus::Confirmed,
            Severity::Maintenance,
            "Moving to a new data centre",
            Some("We are moving; expect short interruptions."),
        ),
        OverallState::Up => {
            render(app).await;
            return None;
        }
    };
    let incident = insert(
        app,
        Spec {
            status,
            severity,
            start: hours_ago(2),
            end: None,
            title,
            summary,
        },
    )
    .await;
    if status != IncidentStatus::Suspected {
        add_update(
            app,
            &incident,
            hours_ago(2),
            Some(status),
            "We are looking into it.",
        )
        .await;
        add_update(
            app,
            &incident,
            hours_ago(1),
            None,
            "A fix is being deployed.",
        )
        .await;
    }
    render(app).await;
    Some(incident)
}

//! Alerts from monitoring systems, each attached to the incident it opened or joined.

use super::{AnyConnection, Result, from_db_time, from_db_time_opt, to_db_time};
use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingAlert {
    pub id: i64,
    pub incident_id: i64,
    /// `opsgenie`, `alertmanager`.
    pub source: String,
    /// The monitoring system's id: OpsGenie's `alertId`, Alertmanager's `fingerprint`.
    pub external_id: String,
    pub message: Option<String>,
    pub description: Option<String>,
    pub created: Timestamp,
    pub resolved: Option<Timestamp>,
}

const COLUMNS: &str =
    "id, incident_id, source, external_id, message, description, created_at, resolved_at";

fn from_row(row: &AnyRow) -> Result<IncomingAlert> {
    Ok(IncomingAlert {
        id: row.try_get("id")?,
        incident_id: row.try_get("incident_id")?,
        source: row.try_get("source")?,
        external_id: row.try_get("external_id")?,
        message: row.try_get("message")?,
        description: row.try_get("description")?,
        created: from_db_time("incoming_alerts.created_at", row.try_get("created_at")?)?,
        resolved: from_db_time_opt("incoming_alerts.resolved_at", row.try_get("resolved_at")?)?,
    })
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<IncomingAlert>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM incoming_alerts WHERE id = $1"
    ));
    sqlx::query(sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn find(
    conn: &mut AnyConnection,
    source: &str,
    external_id: &str,
) -> Result<Option<IncomingAlert>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM incoming_alerts WHERE source = $1 AND external_id = $2"
    ));
    sqlx::query(sql)
        .bind(source)
        .bind(external_id)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn insert(
    conn: &mut AnyConnection,
    incident_id: i64,
    source: &str,
    external_id: &str,
    message: Option<&str>,
    description: Option<&str>,
    now: Timestamp,
) -> Result<IncomingAlert> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO incoming_alerts (incident_id, source, external_id, message, description, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(incident_id)
    .bind(source)
    .bind(external_id)
    .bind(message)
    .bind(description)
    .bind(to_db_time(now))
    .fetch_one(&mut *conn)
    .await?;
    Ok(IncomingAlert {
        id,
        incident_id,
        source: source.to_owned(),
        external_id: external_id.to_owned(),
        message: message.map(str::to_owned),
        description: description.map(str::to_owned),
        created: now,
        resolved: None,
    })
}

/// Writes back an alert's incident, texts and resolution time.
pub async fn save(conn: &mut AnyConnection, alert: &IncomingAlert) -> Result<()> {
    sqlx::query(
        "UPDATE incoming_alerts SET incident_id = $1, message = $2, description = $3,
                resolved_at = $4
         WHERE id = $5",
    )
    .bind(alert.incident_id)
    .bind(&alert.message)
    .bind(&alert.description)
    .bind(alert.resolved.map(to_db_time))
    .bind(alert.id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn open_count_for_incident(conn: &mut AnyConnection, incident_id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM incoming_alerts WHERE incident_id = $1 AND resolved_at IS NULL",
    )
    .bind(incident_id)
    .fetch_one(&mut *conn)
    .await?)
}

/// An incident's alerts, oldest first.
pub async fn for_incident(
    conn: &mut AnyConnection,
    incident_id: i64,
) -> Result<Vec<IncomingAlert>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM incoming_alerts WHERE incident_id = $1 ORDER BY created_at, id"
    ));
    sqlx::query(sql)
        .bind(incident_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// One page of an incident's alerts, newest first: `limit` of them after skipping `offset`.
pub async fn page_for_incident(
    conn: &mut AnyConnection,
    incident_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<IncomingAlert>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM incoming_alerts WHERE incident_id = $1
         ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
    ));
    sqlx::query(sql)
        .bind(incident_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// How many alerts an incident has, and how many of them are still open.
pub async fn counts_for_incident(conn: &mut AnyConnection, incident_id: i64) -> Result<(i64, i64)> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS total,
                COALESCE(SUM(CASE WHEN resolved_at IS NULL THEN 1 ELSE 0 END), 0) AS open
         FROM incoming_alerts WHERE incident_id = $1",
    )
    .bind(incident_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.try_get("total")?, row.try_get("open")?))
}

/// The message of the incident's first alert that has one: what the Slack message quotes.
pub async fn first_message(conn: &mut AnyConnection, incident_id: i64) -> Result<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT message FROM incoming_alerts WHERE incident_id = $1 AND message IS NOT NULL
         ORDER BY created_at, id LIMIT 1",
    )
    .bind(incident_id)
    .fetch_optional(&mut *conn)
    .await?)
}

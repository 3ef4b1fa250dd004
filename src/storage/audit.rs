//! The audit log: who changed what, from where. Written in the same transaction as the change.

use super::{AnyConnection, Result, from_db_time, to_db_time};
use jiff::Timestamp;
use sqlx::Row;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: Timestamp,
    /// `admin:alice`, `slack:bob`, `opsgenie`, `alertmanager`, `system`.
    pub actor: String,
    pub incident_id: Option<i64>,
    pub action: String,
    pub message: String,
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<AuditEntry> {
    Ok(AuditEntry {
        id: row.try_get("id")?,
        at: from_db_time("audit_log.created_at", row.try_get("created_at")?)?,
        actor: row.try_get("actor")?,
        incident_id: row.try_get("incident_id")?,
        action: row.try_get("action")?,
        message: row.try_get("message")?,
    })
}

pub async fn record(
    conn: &mut AnyConnection,
    at: Timestamp,
    actor: &str,
    incident_id: Option<i64>,
    action: &str,
    message: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (created_at, actor, incident_id, action, message)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(to_db_time(at))
    .bind(actor)
    .bind(incident_id)
    .bind(action)
    .bind(message)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Entries about one incident, oldest first.
pub async fn for_incident(conn: &mut AnyConnection, incident_id: i64) -> Result<Vec<AuditEntry>> {
    let rows = sqlx::query(
        "SELECT id, created_at, actor, incident_id, action, message FROM audit_log
         WHERE incident_id = $1 ORDER BY created_at, id",
    )
    .bind(incident_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// One page of the entries about one incident, newest first: `limit` of them after skipping
/// `offset`.
pub async fn page_for_incident(
    conn: &mut AnyConnection,
    incident_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditEntry>> {
    let rows = sqlx::query(
        "SELECT id, created_at, actor, incident_id, action, message FROM audit_log
         WHERE incident_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
    )
    .bind(incident_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The admin's audit log: newest first, optionally about one incident and/or by actors whose
/// name contains `actor`.
pub async fn list(
    conn: &mut AnyConnection,
    incident_id: Option<i64>,
    actor: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditEntry>> {
    let pattern = format!(
        "%{}%",
        actor
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let rows = sqlx::query(
        "SELECT id, created_at, actor, incident_id, action, message FROM audit_log
         WHERE ($1 = 0 OR incident_id = $1) AND LOWER(actor) LIKE $2 ESCAPE '\\'
         ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4",
    )
    .bind(incident_id.unwrap_or(0))
    .bind(pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The newest entry's id (0 for none): every change the public page shows is audited, so this
/// tells instances sharing the database that one of them changed something.
pub async fn newest_id(conn: &mut AnyConnection) -> Result<i64> {
    let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM audit_log")
        .fetch_one(&mut *conn)
        .await?;
    Ok(newest.unwrap_or(0))
}

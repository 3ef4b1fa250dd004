//! Recurring maintenance: the series and which incident each of their occurrences became.

use super::{AnyConnection, Result, from_db_time, to_db_time};
use jiff::Timestamp;
use sqlx::Row;

/// A series as stored. Its rule and first start are kept as text and parsed by the caller
/// (`domain::recurrence`), so a rule this version cannot read is reported, not guessed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Series {
    pub id: i64,
    pub title: String,
    pub summary: Option<String>,
    pub rule: String,
    /// Local, `YYYY-MM-DDTHH:MM:SS`.
    pub first_start: String,
    pub duration_minutes: i64,
    pub silent: bool,
    pub active: bool,
    pub created_by: String,
    pub created: Timestamp,
    pub updated: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSeries {
    pub title: String,
    pub summary: Option<String>,
    pub rule: String,
    pub first_start: String,
    pub duration_minutes: i64,
    pub silent: bool,
    pub created_by: String,
}

const COLUMNS: &str = "id, title, summary, rule, first_start, duration_minutes, silent, active, \
     created_by, created_at, updated_at";

fn from_row(row: &sqlx::any::AnyRow) -> Result<Series> {
    Ok(Series {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        summary: row.try_get("summary")?,
        rule: row.try_get("rule")?,
        first_start: row.try_get("first_start")?,
        duration_minutes: row.try_get::<i64, _>("duration_minutes")?,
        silent: row.try_get::<i64, _>("silent")? != 0,
        active: row.try_get::<i64, _>("active")? != 0,
        created_by: row.try_get("created_by")?,
        created: from_db_time("created_at", row.try_get("created_at")?)?,
        updated: from_db_time("updated_at", row.try_get("updated_at")?)?,
    })
}

pub async fn insert(conn: &mut AnyConnection, new: &NewSeries, now: Timestamp) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO maintenance_series
             (title, summary, rule, first_start, duration_minutes, silent, active, created_by,
              created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $8)
         RETURNING id",
    )
    .bind(&new.title)
    .bind(&new.summary)
    .bind(&new.rule)
    .bind(&new.first_start)
    .bind(new.duration_minutes)
    .bind(i64::from(new.silent))
    .bind(&new.created_by)
    .bind(to_db_time(now))
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Series>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM maintenance_series WHERE id = $1"
    ));
    sqlx::query(sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Every series, running ones first, newest first.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<Series>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM maintenance_series ORDER BY active DESC, id DESC"
    ));
    sqlx::query(sql)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

pub async fn active_ids(conn: &mut AnyConnection) -> Result<Vec<i64>> {
    let rows = sqlx::query("SELECT id FROM maintenance_series WHERE active = 1 ORDER BY id")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| r.try_get("id").map_err(Into::into))
        .collect()
}

/// Locks a running series' row for the rest of the transaction (on PostgreSQL a row lock; on
/// SQLite the transaction holds the write lock already), so that two top-ups, or a top-up and
/// a stop, take turns. False when the series is stopped or gone.
pub async fn lock_active(conn: &mut AnyConnection, id: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE maintenance_series SET updated_at = updated_at WHERE id = $1 AND active = 1",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Stops a running series; false when it was stopped already.
pub async fn stop(conn: &mut AnyConnection, id: i64, now: Timestamp) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE maintenance_series SET active = 0, updated_at = $2 WHERE id = $1 AND active = 1",
    )
    .bind(id)
    .bind(to_db_time(now))
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether the occurrence at `local_start` was created already (whatever became of it since).
pub async fn has_occurrence(
    conn: &mut AnyConnection,
    series_id: i64,
    local_start: &str,
) -> Result<bool> {
    let row = sqlx::query(
        "SELECT 1 AS found FROM maintenance_occurrences WHERE series_id = $1 AND local_start = $2",
    )
    .bind(series_id)
    .bind(local_start)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.is_some())
}

/// Records which incident an occurrence became. False when it had been recorded already (the
/// caller then rolls back the incident it made).
pub async fn add_occurrence(
    conn: &mut AnyConnection,
    series_id: i64,
    local_start: &str,
    incident_id: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO maintenance_occurrences (series_id, local_start, incident_id)
         VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING",
    )
    .bind(series_id)
    .bind(local_start)
    .bind(incident_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A series' occurrences created so far: (local start, incident id), in time order.
pub async fn occurrences(conn: &mut AnyConnection, series_id: i64) -> Result<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT local_start, incident_id FROM maintenance_occurrences
         WHERE series_id = $1 ORDER BY local_start",
    )
    .bind(series_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("local_start")?, r.try_get("incident_id")?)))
        .collect()
}

/// The series an incident is an occurrence of, if any.
pub async fn series_of(conn: &mut AnyConnection, incident_id: i64) -> Result<Option<i64>> {
    let row = sqlx::query("SELECT series_id FROM maintenance_occurrences WHERE incident_id = $1")
        .bind(incident_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|r| r.try_get("series_id")).transpose()?)
}

//! Incidents and their public updates.

use super::{AnyConnection, Result, from_db_time, from_db_time_opt, parse_column, to_db_time};
use crate::domain::{Incident, IncidentStatus, Severity};
use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::HashMap;

/// What it takes to open an incident; everything else starts empty.
#[derive(Clone, Debug)]
pub struct NewIncident {
    pub status: IncidentStatus,
    pub severity: Severity,
    pub start: Timestamp,
    pub end: Option<Timestamp>,
    pub title: String,
    pub summary: Option<String>,
    pub silent: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncidentUpdate {
    pub id: i64,
    pub incident_id: i64,
    pub created: Timestamp,
    /// Set when this update changed the incident's status.
    pub new_status: Option<IncidentStatus>,
    /// Markdown.
    pub message: Option<String>,
}

const INCIDENT_COLUMNS: &str = "id, status, severity, start_at, end_at, title, summary, \
     slack_message_ts, silent, last_notified_status, created_at, updated_at, schedule_sequence, \
     cancelled_at";

fn incident_from_row(row: &AnyRow) -> Result<Incident> {
    let status: String = row.try_get("status")?;
    let severity: String = row.try_get("severity")?;
    let last_notified: Option<String> = row.try_get("last_notified_status")?;
    Ok(Incident {
        id: row.try_get("id")?,
        status: parse_column("incidents.status", &status)?,
        severity: parse_column("incidents.severity", &severity)?,
        start: from_db_time("incidents.start_at", row.try_get("start_at")?)?,
        end: from_db_time_opt("incidents.end_at", row.try_get("end_at")?)?,
        title: row.try_get("title")?,
        summary: row.try_get("summary")?,
        slack_message_ts: row.try_get("slack_message_ts")?,
        silent: row.try_get::<i32, _>("silent")? != 0,
        last_notified_status: last_notified
            .map(|s| parse_column("incidents.last_notified_status", &s))
            .transpose()?,
        created: from_db_time("incidents.created_at", row.try_get("created_at")?)?,
        updated: from_db_time("incidents.updated_at", row.try_get("updated_at")?)?,
        schedule_sequence: row.try_get::<i64, _>("schedule_sequence")?,
        cancelled: from_db_time_opt("incidents.cancelled_at", row.try_get("cancelled_at")?)?,
    })
}

pub async fn insert(
    conn: &mut AnyConnection,
    new: &NewIncident,
    now: Timestamp,
) -> Result<Incident> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO incidents (status, severity, start_at, end_at, title, summary, silent,
                                created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(new.status.as_str())
    .bind(new.severity.as_str())
    .bind(to_db_time(new.start))
    .bind(new.end.map(to_db_time))
    .bind(&new.title)
    .bind(&new.summary)
    .bind(i32::from(new.silent))
    .bind(to_db_time(now))
    .fetch_one(&mut *conn)
    .await?;
    Ok(Incident {
        id,
        status: new.status,
        severity: new.severity,
        start: new.start,
        end: new.end,
        title: new.title.clone(),
        summary: new.summary.clone(),
        slack_message_ts: None,
        silent: new.silent,
        last_notified_status: None,
        created: now,
        updated: now,
        schedule_sequence: 0,
        cancelled: None,
    })
}

/// Incidents matching `rest`: the SQL after `FROM incidents`, with constant conditions only.
async fn select(conn: &mut AnyConnection, rest: &'static str) -> Result<Vec<Incident>> {
    select_with(conn, rest, &[]).await
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Incident>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE id = $1"
    ));
    sqlx::query(sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(incident_from_row)
        .transpose()
}

/// An incident read with its row locked until the transaction ends: on PostgreSQL by `FOR
/// UPDATE`, on SQLite by the write lock that [`super::Db::begin`] takes before anything is read.
/// Only a locked incident can be saved: [`save`] writes every column back, so a change decided on
/// an unlocked read would undo whatever another transaction committed in between (an alert's
/// close undoing a person's confirm a moment earlier).
#[derive(Clone, Debug, PartialEq)]
pub struct LockedIncident(Incident);

impl LockedIncident {
    pub fn into_inner(self) -> Incident {
        self.0
    }
}

impl std::ops::Deref for LockedIncident {
    type Target = Incident;
    fn deref(&self) -> &Incident {
        &self.0
    }
}

impl std::ops::DerefMut for LockedIncident {
    fn deref_mut(&mut self) -> &mut Incident {
        &mut self.0
    }
}

/// Reads an incident and locks its row until the transaction ends, so that everybody changing
/// it (people in Slack and on the admin pages, alerts, notifications) takes turns and each
/// decides on the state the previous one committed.
pub async fn get_for_update(
    conn: &mut AnyConnection,
    backend: super::Backend,
    id: i64,
) -> Result<Option<LockedIncident>> {
    let lock = match backend {
        super::Backend::Postgres => " FOR UPDATE",
        super::Backend::Sqlite => "",
    };
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE id = $1{lock}"
    ));
    sqlx::query(sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(|row| incident_from_row(row).map(LockedIncident))
        .transpose()
}

/// Writes every field of `incident` back (the domain changes them; this stores the result).
pub async fn save(conn: &mut AnyConnection, incident: &LockedIncident) -> Result<()> {
    sqlx::query(
        "UPDATE incidents SET status = $1, severity = $2, start_at = $3, end_at = $4, title = $5,
                summary = $6, slack_message_ts = $7, silent = $8, last_notified_status = $9,
                updated_at = $10, schedule_sequence = $11, cancelled_at = $12
         WHERE id = $13",
    )
    .bind(incident.status.as_str())
    .bind(incident.severity.as_str())
    .bind(to_db_time(incident.start))
    .bind(incident.end.map(to_db_time))
    .bind(&incident.title)
    .bind(&incident.summary)
    .bind(&incident.slack_message_ts)
    .bind(i32::from(incident.silent))
    .bind(incident.last_notified_status.map(|s| s.as_str()))
    .bind(to_db_time(incident.updated))
    .bind(incident.schedule_sequence)
    .bind(incident.cancelled.map(to_db_time))
    .bind(incident.id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records the `ts` of the incident's Slack message. Only this column: the incident may have
/// changed since the job that posted the message read it.
pub async fn set_slack_message_ts(conn: &mut AnyConnection, id: i64, ts: &str) -> Result<()> {
    sqlx::query("UPDATE incidents SET slack_message_ts = $1 WHERE id = $2")
        .bind(ts)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Maintenance not yet over (planned or in progress), whose schedule the clock keeps.
pub async fn open_maintenance(conn: &mut AnyConnection) -> Result<Vec<Incident>> {
    select(
        conn,
        "WHERE severity = 'maintenance' AND status IN ('planned', 'confirmed', 'watching')
         ORDER BY start_at, id",
    )
    .await
}

/// The admin's maintenance list: every maintenance not over yet, and those completed or
/// cancelled at `since` or later, by start.
pub async fn maintenance_since(
    conn: &mut AnyConnection,
    since: Timestamp,
) -> Result<Vec<Incident>> {
    select_with(
        conn,
        "WHERE severity = 'maintenance'
           AND (status IN ('planned', 'confirmed', 'watching')
                OR (status = 'resolved' AND COALESCE(end_at, start_at) >= $1)
                OR cancelled_at >= $1)
         ORDER BY start_at, id",
        &[to_db_time(since)],
    )
    .await
}

/// Maintenance the calendar feed may carry (`ical::in_feed` decides): every one not over, and
/// those completed or cancelled whose window ended at `ended_since` or later, earliest first.
/// Unlike [`maintenance_since`] a cancellation counts by its window, which is what a calendar
/// shows.
pub async fn maintenance_calendar(
    conn: &mut AnyConnection,
    ended_since: Timestamp,
) -> Result<Vec<Incident>> {
    select_with(
        conn,
        "WHERE severity = 'maintenance'
           AND (status IN ('planned', 'confirmed', 'watching')
                OR (status = 'resolved' AND (end_at IS NULL OR end_at >= $1 OR start_at >= $1))
                OR (status = 'dismissed' AND cancelled_at IS NOT NULL
                    AND (end_at IS NULL OR end_at >= $1 OR start_at >= $1)))
         ORDER BY start_at, id",
        &[to_db_time(ended_since)],
    )
    .await
}

/// Incidents happening now (suspected, confirmed, watching), oldest first.
pub async fn current(conn: &mut AnyConnection) -> Result<Vec<Incident>> {
    select(
        conn,
        "WHERE status IN ('suspected', 'confirmed', 'watching') ORDER BY start_at, id",
    )
    .await
}

/// The oldest open incident that alerts join (see `domain::alerts::takes_new_alerts`; the SQL
/// states the same rule so the database can pick the row).
pub async fn open_alert_driven(conn: &mut AnyConnection) -> Result<Option<Incident>> {
    let first = select(
        conn,
        "WHERE status IN ('suspected', 'confirmed', 'watching')
           AND severity IN ('partial', 'outage')
         ORDER BY start_at, id LIMIT 1",
    )
    .await?;
    Ok(first.into_iter().next())
}

/// Every incident, oldest first. For tests and exports; pages query what they show.
pub async fn all(conn: &mut AnyConnection) -> Result<Vec<Incident>> {
    select(conn, "ORDER BY id").await
}

pub async fn add_update(
    conn: &mut AnyConnection,
    incident_id: i64,
    created: Timestamp,
    new_status: Option<IncidentStatus>,
    message: Option<&str>,
) -> Result<IncidentUpdate> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO incident_updates (incident_id, created_at, new_status, message)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(incident_id)
    .bind(to_db_time(created))
    .bind(new_status.map(|s| s.as_str()))
    .bind(message)
    .fetch_one(&mut *conn)
    .await?;
    Ok(IncidentUpdate {
        id,
        incident_id,
        created,
        new_status,
        message: message.map(str::to_owned),
    })
}

/// An incident's updates, newest first, as the public page shows them.
pub async fn updates(conn: &mut AnyConnection, incident_id: i64) -> Result<Vec<IncidentUpdate>> {
    let mut by_incident = updates_of(conn, &[incident_id]).await?;
    Ok(by_incident.remove(&incident_id).unwrap_or_default())
}

/// The updates of several incidents in one query (pages list many incidents and must not ask
/// once per incident), each incident's newest first.
pub async fn updates_of(
    conn: &mut AnyConnection,
    incident_ids: &[i64],
) -> Result<HashMap<i64, Vec<IncidentUpdate>>> {
    let mut by_incident: HashMap<i64, Vec<IncidentUpdate>> = HashMap::new();
    if incident_ids.is_empty() {
        return Ok(by_incident);
    }
    let placeholders: Vec<String> = (1..=incident_ids.len()).map(|n| format!("${n}")).collect();
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT id, incident_id, created_at, new_status, message FROM incident_updates
         WHERE incident_id IN ({}) ORDER BY created_at DESC, id DESC",
        placeholders.join(", ")
    ));
    let mut query = sqlx::query(sql);
    for id in incident_ids {
        query = query.bind(*id);
    }
    for row in query.fetch_all(&mut *conn).await? {
        let new_status: Option<String> = row.try_get("new_status")?;
        let update = IncidentUpdate {
            id: row.try_get("id")?,
            incident_id: row.try_get("incident_id")?,
            created: from_db_time("incident_updates.created_at", row.try_get("created_at")?)?,
            new_status: new_status
                .map(|s| parse_column("incident_updates.new_status", &s))
                .transpose()?,
            message: row.try_get("message")?,
        };
        by_incident
            .entry(update.incident_id)
            .or_default()
            .push(update);
    }
    Ok(by_incident)
}

/// Everything the current status page shows, in one query: incidents happening now, planned
/// maintenance, and incidents resolved that started or ended at `recent_since` or later.
pub async fn for_status_page(
    conn: &mut AnyConnection,
    recent_since: Timestamp,
) -> Result<Vec<Incident>> {
    select_with(
        conn,
        "WHERE status IN ('suspected', 'confirmed', 'watching', 'planned')
            OR (status = 'resolved' AND (start_at >= $1 OR end_at >= $1))
         ORDER BY start_at, id",
        &[to_db_time(recent_since)],
    )
    .await
}

/// Public incidents (every status but dismissed) whose time span overlaps `[from, to)`. An
/// incident without an end lasts until now.
pub async fn public_between(
    conn: &mut AnyConnection,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<Incident>> {
    select_with(
        conn,
        "WHERE status <> 'dismissed' AND start_at < $2 AND (end_at IS NULL OR end_at >= $1)
         ORDER BY start_at, id",
        &[to_db_time(from), to_db_time(to)],
    )
    .await
}

/// The incidents that count toward downtime (see `domain::uptime::weight`, whose rule the SQL
/// states so that the database picks the rows) on any second of `[from, to)`: confirmed,
/// watched or resolved outages and partial outages. An incident without an end lasts until now.
pub async fn counting_toward_uptime(
    conn: &mut AnyConnection,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<Incident>> {
    select_with(
        conn,
        "WHERE status IN ('confirmed', 'watching', 'resolved')
           AND severity IN ('outage', 'partial')
           AND start_at < $2 AND (end_at IS NULL OR end_at > $1)
         ORDER BY start_at, id",
        &[to_db_time(from), to_db_time(to)],
    )
    .await
}

/// The newest incidents that people have confirmed or announced (neither suspected nor
/// dismissed), newest first: what the feeds carry.
pub async fn latest_published(conn: &mut AnyConnection, limit: i64) -> Result<Vec<Incident>> {
    select_with(
        conn,
        "WHERE status NOT IN ('suspected', 'dismissed') ORDER BY start_at DESC, id DESC LIMIT $1",
        &[limit],
    )
    .await
}

/// The newest public incidents (suspected ones included: the page shows them too), newest
/// first: what the Statuspage-compatible API lists.
pub async fn latest_public(conn: &mut AnyConnection, limit: i64) -> Result<Vec<Incident>> {
    select_with(
        conn,
        "WHERE status <> 'dismissed' ORDER BY start_at DESC, id DESC LIMIT $1",
        &[limit],
    )
    .await
}

/// Like [`select`], with integer parameters `$1`, `$2`, … bound in order.
async fn select_with(
    conn: &mut AnyConnection,
    rest: &'static str,
    params: &[i64],
) -> Result<Vec<Incident>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {INCIDENT_COLUMNS} FROM incidents {rest}"));
    let mut query = sqlx::query(sql);
    for param in params {
        query = query.bind(*param);
    }
    query
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(incident_from_row)
        .collect()
}

/// Records that subscribers were told about `status`. Only this column: the incident may have
/// moved on since the notification was queued.
pub async fn save_last_notified(
    conn: &mut AnyConnection,
    id: i64,
    status: IncidentStatus,
) -> Result<()> {
    sqlx::query("UPDATE incidents SET last_notified_status = $1 WHERE id = $2")
        .bind(status.as_str())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The admin list: newest first, optionally only one status and/or severity.
pub async fn list(
    conn: &mut AnyConnection,
    status: Option<IncidentStatus>,
    severity: Option<Severity>,
    limit: i64,
    offset: i64,
) -> Result<Vec<Incident>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {INCIDENT_COLUMNS} FROM incidents
         WHERE ($1 = '' OR status = $1) AND ($2 = '' OR severity = $2)
         ORDER BY start_at DESC, id DESC LIMIT $3 OFFSET $4"
    ));
    let rows = sqlx::query(sql)
        .bind(status.map_or("", |s| s.as_str()))
        .bind(severity.map_or("", |s| s.as_str()))
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(incident_from_row).collect()
}

/// Changes the text of one of the incident's updates; false when it has no such update.
pub async fn set_update_message(
    conn: &mut AnyConnection,
    incident_id: i64,
    update_id: i64,
    message: Option<&str>,
) -> Result<bool> {
    let done =
        sqlx::query("UPDATE incident_updates SET message = $1 WHERE id = $2 AND incident_id = $3")
            .bind(message)
            .bind(update_id)
            .bind(incident_id)
            .execute(&mut *conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes one of the incident's updates; false when it has no such update.
pub async fn delete_update(
    conn: &mut AnyConnection,
    incident_id: i64,
    update_id: i64,
) -> Result<bool> {
    let done = sqlx::query("DELETE FROM incident_updates WHERE id = $1 AND incident_id = $2")
        .bind(update_id)
        .bind(incident_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

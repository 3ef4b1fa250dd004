//! The watch on monitoring: the `heartbeat` row (migration 0012), each silence with its Slack
//! message (0014), and which suspected incidents were nudged (`incidents.nudged_at`).
//!
//! Every decision that must be taken once across instances is a conditional UPDATE: the
//! instance whose UPDATE changed the row is the one that acts.

use super::{AnyConnection, Backend, Result, from_db_time_opt, to_db_time};
use jiff::Timestamp;
use sqlx::Row;

/// The heartbeat row as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heartbeat {
    /// `None`: never pinged (the watch is off).
    pub last_ping: Option<Timestamp>,
    pub last_source: Option<String>,
    /// Set while a silence is reported: the last ping before it.
    pub quiet_since: Option<Timestamp>,
}

pub async fn heartbeat(conn: &mut AnyConnection) -> Result<Heartbeat> {
    read(conn, "").await
}

/// [`heartbeat`], locking the row until the transaction ends (SQLite's `BEGIN IMMEDIATE`
/// already serialises writers), so a ping and the watch claiming a silence take turns.
pub async fn heartbeat_for_update(conn: &mut AnyConnection, backend: Backend) -> Result<Heartbeat> {
    read(
        conn,
        match backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        },
    )
    .await
}

async fn read(conn: &mut AnyConnection, lock: &'static str) -> Result<Heartbeat> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT last_ping_at, last_ping_source, quiet_since FROM heartbeat WHERE id = 1{lock}"
    ));
    let row = sqlx::query(sql).fetch_one(&mut *conn).await?;
    Ok(Heartbeat {
        last_ping: from_db_time_opt("heartbeat.last_ping_at", row.try_get("last_ping_at")?)?,
        last_source: row.try_get("last_ping_source")?,
        quiet_since: from_db_time_opt("heartbeat.quiet_since", row.try_get("quiet_since")?)?,
    })
}

/// Notes a ping at `at` from `source`, ending the silence being reported if any.
pub async fn record_ping(conn: &mut AnyConnection, at: Timestamp, source: &str) -> Result<()> {
    sqlx::query(
        "UPDATE heartbeat SET last_ping_at = $1, last_ping_source = $2, quiet_since = NULL
         WHERE id = 1",
    )
    .bind(to_db_time(at))
    .bind(source)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Claims the silence of monitoring that has not pinged since before `cutoff`, as of `now`:
/// `Some(quiet_since)` (the last ping) for the one caller whose UPDATE marked it, `None` for
/// everybody else (not quiet, never pinged, or claimed already).
pub async fn claim_silence(
    conn: &mut AnyConnection,
    cutoff: Timestamp,
    now: Timestamp,
) -> Result<Option<Timestamp>> {
    let claimed = sqlx::query(
        "UPDATE heartbeat SET quiet_since = last_ping_at
         WHERE id = 1 AND quiet_since IS NULL AND last_ping_at IS NOT NULL AND last_ping_at < $1",
    )
    .bind(to_db_time(cutoff))
    .execute(&mut *conn)
    .await?;
    if claimed.rows_affected() != 1 {
        return Ok(None);
    }
    let since = heartbeat(conn).await?.quiet_since;
    if let Some(since) = since {
        sqlx::query(
            "INSERT INTO monitoring_silences (quiet_since, noticed_at) VALUES ($1, $2)
             ON CONFLICT (quiet_since) DO NOTHING",
        )
        .bind(to_db_time(since))
        .bind(to_db_time(now))
        .execute(&mut *conn)
        .await?;
    }
    Ok(since)
}

/// Records that the silence since `quiet_since` ended with a ping at `at`.
pub async fn end_silence(
    conn: &mut AnyConnection,
    quiet_since: Timestamp,
    at: Timestamp,
) -> Result<()> {
    sqlx::query(
        "UPDATE monitoring_silences SET ended_at = $2 WHERE quiet_since = $1 AND ended_at IS NULL",
    )
    .bind(to_db_time(quiet_since))
    .bind(to_db_time(at))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A silence as recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Silence {
    /// The Slack message that reported it, once posted.
    pub message_ts: Option<String>,
    /// The first ping after it, once it came.
    pub ended_at: Option<Timestamp>,
}

/// The silence since `quiet_since`; empty when none was recorded.
pub async fn silence(conn: &mut AnyConnection, quiet_since: Timestamp) -> Result<Silence> {
    let row =
        sqlx::query("SELECT message_ts, ended_at FROM monitoring_silences WHERE quiet_since = $1")
            .bind(to_db_time(quiet_since))
            .fetch_optional(&mut *conn)
            .await?;
    let Some(row) = row else {
        return Ok(Silence::default());
    };
    Ok(Silence {
        message_ts: row.try_get("message_ts")?,
        ended_at: from_db_time_opt("monitoring_silences.ended_at", row.try_get("ended_at")?)?,
    })
}

pub async fn set_silence_message(
    conn: &mut AnyConnection,
    quiet_since: Timestamp,
    ts: &str,
) -> Result<()> {
    sqlx::query("UPDATE monitoring_silences SET message_ts = $2 WHERE quiet_since = $1")
        .bind(to_db_time(quiet_since))
        .bind(ts)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Suspected incidents not nudged yet whose suspicion began at or before `cutoff` (the SQL
/// states `domain::watch::nudge_due`'s rule so the database picks the rows), oldest first.
pub async fn nudge_candidates(conn: &mut AnyConnection, cutoff: Timestamp) -> Result<Vec<i64>> {
    let ids = sqlx::query_scalar(
        "SELECT id FROM incidents
         WHERE status = 'suspected' AND nudged_at IS NULL AND start_at <= $1 AND created_at <= $1
         ORDER BY id LIMIT 50",
    )
    .bind(to_db_time(cutoff))
    .fetch_all(&mut *conn)
    .await?;
    Ok(ids)
}

/// Marks incident `id` nudged at `now`; true for the one caller that marked it, while it is
/// still suspected.
pub async fn claim_nudge(conn: &mut AnyConnection, id: i64, now: Timestamp) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE incidents SET nudged_at = $2
         WHERE id = $1 AND nudged_at IS NULL AND status = 'suspected'",
    )
    .bind(id)
    .bind(to_db_time(now))
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// When incident `id` was nudged, if it was.
pub async fn nudged_at(conn: &mut AnyConnection, id: i64) -> Result<Option<Timestamp>> {
    let at: Option<Option<i64>> =
        sqlx::query_scalar("SELECT nudged_at FROM incidents WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    from_db_time_opt("incidents.nudged_at", at.flatten())
}

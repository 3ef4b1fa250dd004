//! The durable job queue's table. The rules (backoff, leases, giving up) live in the `jobs`
//! module, which builds on this one; this file only reads and writes rows.
//!
//! Every update of a claimed job names the attempt number it was claimed with: if its lease ran
//! out and another worker claimed it again, the late writer's update matches no row.

use super::{AnyConnection, Backend, Result, from_db_time, from_db_time_opt, to_db_time};
use jiff::Timestamp;
use sqlx::Row;

#[derive(Clone, Debug)]
pub struct NewJob {
    pub kind: String,
    /// JSON.
    pub payload: String,
    pub unique_key: Option<String>,
    /// Jobs with the same key run one after another, in the order they were enqueued.
    pub sequence_key: Option<String>,
    pub run_at: Timestamp,
    pub max_attempts: i32,
}

/// A job this worker holds a lease on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimedJob {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    /// Counting this one.
    pub attempt: i32,
    pub max_attempts: i32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobState {
    Pending,
    Done,
    Failed,
}

/// A job row as stored, for inspection (tests, admin pages, metrics).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobRecord {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub unique_key: Option<String>,
    pub state: JobState,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: Timestamp,
    pub locked_until: Option<Timestamp>,
    pub last_error: Option<String>,
    pub created: Timestamp,
    pub finished: Option<Timestamp>,
}

/// Adds a job. Returns its id, or `None` when a job with the same unique key exists already
/// (whatever its state), which makes enqueueing idempotent.
pub async fn enqueue(
    conn: &mut AnyConnection,
    job: &NewJob,
    now: Timestamp,
) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO jobs (kind, payload, unique_key, max_attempts, run_at, created_at, sequence_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (unique_key) DO NOTHING
         RETURNING id",
    )
    .bind(&job.kind)
    .bind(&job.payload)
    .bind(&job.unique_key)
    .bind(job.max_attempts)
    .bind(to_db_time(job.run_at))
    .bind(to_db_time(now))
    .bind(&job.sequence_key)
    .fetch_optional(&mut *conn)
    .await?)
}

/// Claims up to `limit` of the most overdue jobs in one statement, leasing them until
/// `lease_until`: one commit for many jobs, which is what lets a fan-out of thousands of mails
/// go faster than the database can commit one claim at a time. A job waits while an earlier
/// job of its sequence is pending (claimed or not), so a batch never holds two jobs of one
/// sequence. On PostgreSQL, `SKIP LOCKED` lets several instances claim side by side without
/// waiting for or taking each other's jobs; SQLite has a single writer, so its plain subquery
/// is already atomic.
pub async fn claim_due(
    conn: &mut AnyConnection,
    backend: Backend,
    now: Timestamp,
    lease_until: Timestamp,
    limit: i64,
) -> Result<Vec<ClaimedJob>> {
    let lock = match backend {
        Backend::Sqlite => "",
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
    };
    let sql = sqlx::AssertSqlSafe(format!(
        "UPDATE jobs SET attempts = attempts + 1, locked_until = $2
         WHERE id IN (SELECT id FROM jobs
                      WHERE state = 'pending' AND run_at <= $1
                        AND (locked_until IS NULL OR locked_until <= $1)
                        AND (sequence_key IS NULL OR NOT EXISTS (
                            SELECT 1 FROM jobs AS earlier
                            WHERE earlier.sequence_key = jobs.sequence_key
                              AND earlier.state = 'pending' AND earlier.id < jobs.id))
                      ORDER BY run_at, id LIMIT $3{lock})
         RETURNING id, kind, payload, attempts, max_attempts"
    ));
    let rows = sqlx::query(sql)
        .bind(to_db_time(now))
        .bind(to_db_time(lease_until))
        .bind(limit.max(1))
        .fetch_all(&mut *conn)
        .await?;
    let mut jobs: Vec<ClaimedJob> = rows
        .iter()
        .map(|row| {
            Ok(ClaimedJob {
                id: row.try_get("id")?,
                kind: row.try_get("kind")?,
                payload: row.try_get("payload")?,
                attempt: row.try_get("attempts")?,
                max_attempts: row.try_get("max_attempts")?,
            })
        })
        .collect::<Result<_>>()?;
    // RETURNING gives no order; run the most overdue first.
    jobs.sort_by_key(|job| job.id);
    Ok(jobs)
}

pub async fn mark_done(conn: &mut AnyConnection, job: &ClaimedJob, now: Timestamp) -> Result<()> {
    sqlx::query(
        "UPDATE jobs SET state = 'done', finished_at = $3, locked_until = NULL, last_error = NULL
         WHERE id = $1 AND attempts = $2",
    )
    .bind(job.id)
    .bind(job.attempt)
    .bind(to_db_time(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Puts the job back to run again at `run_at`, keeping the error for whoever looks.
pub async fn schedule_retry(
    conn: &mut AnyConnection,
    job: &ClaimedJob,
    run_at: Timestamp,
    error: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE jobs SET run_at = $3, locked_until = NULL, last_error = $4
         WHERE id = $1 AND attempts = $2",
    )
    .bind(job.id)
    .bind(job.attempt)
    .bind(to_db_time(run_at))
    .bind(error)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn mark_failed(
    conn: &mut AnyConnection,
    job: &ClaimedJob,
    now: Timestamp,
    error: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE jobs SET state = 'failed', finished_at = $3, locked_until = NULL, last_error = $4
         WHERE id = $1 AND attempts = $2",
    )
    .bind(job.id)
    .bind(job.attempt)
    .bind(to_db_time(now))
    .bind(error)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Returns a claimed job to the queue without counting the attempt (shutdown, or a job kind
/// this version of monostat does not know), to run again at `run_at`.
pub async fn release(
    conn: &mut AnyConnection,
    job: &ClaimedJob,
    run_at: Timestamp,
    note: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "UPDATE jobs SET attempts = attempts - 1, locked_until = NULL, run_at = $3,
                last_error = COALESCE($4, last_error)
         WHERE id = $1 AND attempts = $2",
    )
    .bind(job.id)
    .bind(job.attempt)
    .bind(to_db_time(run_at))
    .bind(note)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// When the next pending job becomes due (if any), so an idle worker can sleep until then.
pub async fn next_due(conn: &mut AnyConnection) -> Result<Option<Timestamp>> {
    let next: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(CASE WHEN locked_until IS NOT NULL AND locked_until > run_at
                         THEN locked_until ELSE run_at END)
         FROM jobs WHERE state = 'pending'",
    )
    .fetch_one(&mut *conn)
    .await?;
    from_db_time_opt("jobs.run_at", next)
}

pub async fn pending_count(conn: &mut AnyConnection) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE state = 'pending'")
            .fetch_one(&mut *conn)
            .await?,
    )
}

const RECORD_COLUMNS: &str = "id, kind, payload, unique_key, state, attempts, max_attempts, \
     run_at, locked_until, last_error, created_at, finished_at";

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<JobRecord>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {RECORD_COLUMNS} FROM jobs WHERE id = $1"));
    let row = sqlx::query(sql).bind(id).fetch_optional(&mut *conn).await?;
    row.map(|row| record(&row)).transpose()
}

/// The job whose error says most about a kind's trouble now: among the jobs whose kind starts
/// with `kind_prefix` (which must hold no `%` or `_`), one still retrying before one that gave
/// up, the newest first. A job that later succeeded has no error left to show, and one that gave
/// up before another job of the kind succeeded is history: whatever broke works again.
pub async fn last_error(conn: &mut AnyConnection, kind_prefix: &str) -> Result<Option<JobRecord>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {RECORD_COLUMNS} FROM jobs
         WHERE state IN ('pending', 'failed') AND last_error IS NOT NULL AND kind LIKE $1
           AND (state = 'pending' OR finished_at > COALESCE(
                 (SELECT MAX(finished_at) FROM jobs WHERE state = 'done' AND kind LIKE $1), -1))
         ORDER BY CASE WHEN state = 'pending' THEN 0 ELSE 1 END, finished_at DESC, id DESC
         LIMIT 1"
    ));
    let row = sqlx::query(sql)
        .bind(format!("{kind_prefix}%"))
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|row| record(&row)).transpose()
}

fn record(row: &sqlx::any::AnyRow) -> Result<JobRecord> {
    let state: String = row.try_get("state")?;
    Ok(JobRecord {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        payload: row.try_get("payload")?,
        unique_key: row.try_get("unique_key")?,
        state: match state.as_str() {
            "pending" => JobState::Pending,
            "done" => JobState::Done,
            "failed" => JobState::Failed,
            other => {
                return Err(super::StorageError::Corrupt {
                    column: "jobs.state",
                    message: format!("unknown state {other:?}"),
                });
            }
        },
        attempts: row.try_get("attempts")?,
        max_attempts: row.try_get("max_attempts")?,
        run_at: from_db_time("jobs.run_at", row.try_get("run_at")?)?,
        locked_until: from_db_time_opt("jobs.locked_until", row.try_get("locked_until")?)?,
        last_error: row.try_get("last_error")?,
        created: from_db_time("jobs.created_at", row.try_get("created_at")?)?,
        finished: from_db_time_opt("jobs.finished_at", row.try_get("finished_at")?)?,
    })
}

/// How many jobs wait (pending) or gave up (failed), by kind, across every instance.
pub async fn queue_depth(conn: &mut AnyConnection) -> Result<Vec<(String, String, i64)>> {
    let rows = sqlx::query(
        "SELECT kind, state, COUNT(*) AS n FROM jobs WHERE state IN ('pending', 'failed')
         GROUP BY kind, state ORDER BY kind, state",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("kind")?,
                row.try_get("state")?,
                row.try_get("n")?,
            ))
        })
        .collect()
}

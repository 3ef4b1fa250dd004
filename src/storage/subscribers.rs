//! Subscribers: addresses that asked for mail (inactive until confirmed) and their tokens.

use super::{AnyConnection, Result, from_db_time, to_db_time};
use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscriber {
    pub id: i64,
    pub email: String,
    pub active: bool,
    pub token: String,
    pub created: Timestamp,
}

const COLUMNS: &str = "id, email, active, token, created_at";

fn from_row(row: &AnyRow) -> Result<Subscriber> {
    Ok(Subscriber {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        active: row.try_get::<i32, _>("active")? != 0,
        token: row.try_get("token")?,
        created: from_db_time("subscribers.created_at", row.try_get("created_at")?)?,
    })
}

async fn one(
    conn: &mut AnyConnection,
    condition: &'static str,
    value: &str,
) -> Result<Option<Subscriber>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM subscribers WHERE {condition}"
    ));
    sqlx::query(sql)
        .bind(value)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn insert_pending(
    conn: &mut AnyConnection,
    email: &str,
    token: &str,
    now: Timestamp,
) -> Result<Subscriber> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO subscribers (email, active, token, created_at) VALUES ($1, 0, $2, $3)
         RETURNING id",
    )
    .bind(email)
    .bind(token)
    .bind(to_db_time(now))
    .fetch_one(&mut *conn)
    .await?;
    Ok(Subscriber {
        id,
        email: email.to_owned(),
        active: false,
        token: token.to_owned(),
        created: now,
    })
}

pub async fn by_token(conn: &mut AnyConnection, token: &str) -> Result<Option<Subscriber>> {
    one(conn, "token = $1", token).await
}

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<Subscriber>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM subscribers WHERE id = $1"));
    sqlx::query(sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Addresses compare without regard to case: `Jane@…` and `jane@…` are one person.
pub async fn is_active(conn: &mut AnyConnection, email: &str) -> Result<bool> {
    Ok(one(conn, "LOWER(email) = LOWER($1) AND active = 1", email)
        .await?
        .is_some())
}

/// Whether this address asked to subscribe since `since` and has not confirmed yet.
pub async fn pending_since(
    conn: &mut AnyConnection,
    email: &str,
    since: Timestamp,
) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM subscribers WHERE LOWER(email) = LOWER($1) AND active = 0 AND created_at >= $2
         LIMIT 1",
    )
    .bind(email)
    .bind(to_db_time(since))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.is_some())
}

/// Activates the subscriber and removes every other row of the same address (older attempts,
/// an earlier subscription), so each address gets each mail once.
pub async fn activate(conn: &mut AnyConnection, subscriber: &Subscriber) -> Result<()> {
    sqlx::query("DELETE FROM subscribers WHERE LOWER(email) = LOWER($1) AND id <> $2")
        .bind(&subscriber.email)
        .bind(subscriber.id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE subscribers SET active = 1 WHERE id = $1")
        .bind(subscriber.id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn delete(conn: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM subscribers WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn active_count(conn: &mut AnyConnection) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM subscribers WHERE active = 1")
            .fetch_one(&mut *conn)
            .await?,
    )
}

/// Queues one job per active subscriber in a single statement: a fan-out to ten thousand
/// addresses is one round trip, and each job's unique key (`{key_prefix}{subscriber id}`) makes
/// running the fan-out twice harmless. The payload is `{payload_prefix}{subscriber id}}`.
pub async fn enqueue_for_each_active(
    conn: &mut AnyConnection,
    kind: &str,
    payload_prefix: &str,
    key_prefix: &str,
    max_attempts: i32,
    now: Timestamp,
) -> Result<u64> {
    let done = sqlx::query(
        "INSERT INTO jobs (kind, payload, unique_key, max_attempts, run_at, created_at)
         SELECT $1, $2 || CAST(id AS TEXT) || '}', $3 || CAST(id AS TEXT), $4, $5, $5
         FROM subscribers WHERE active = 1 ORDER BY id
         ON CONFLICT (unique_key) DO NOTHING",
    )
    .bind(kind)
    .bind(payload_prefix)
    .bind(key_prefix)
    .bind(max_attempts)
    .bind(to_db_time(now))
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// The admin list: addresses containing `search` (case-insensitive), newest first. `limit`
/// `None` returns all of them (the CSV export).
pub async fn search(
    conn: &mut AnyConnection,
    search: &str,
    limit: Option<i64>,
    offset: i64,
) -> Result<Vec<Subscriber>> {
    // LIKE's wildcards in what people type are meant literally.
    let pattern = format!(
        "%{}%",
        search
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM subscribers WHERE LOWER(email) LIKE $1 ESCAPE '\\'
         ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
    ));
    let rows = sqlx::query(sql)
        .bind(pattern)
        .bind(limit.unwrap_or(i64::MAX))
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(from_row).collect()
}

/// How many subscribers are active, and how many still have to confirm.
pub async fn counts(conn: &mut AnyConnection) -> Result<(i64, i64)> {
    let row = sqlx::query(
        "SELECT COALESCE(SUM(active), 0) AS active, COUNT(*) - COALESCE(SUM(active), 0) AS pending
         FROM subscribers",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.try_get("active")?, row.try_get("pending")?))
}

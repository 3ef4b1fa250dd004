//! Subscribers: addresses that asked for mail (inactive until confirmed) and their tokens.

use super::{AnyConnection, Result, from_db_time, from_db_time_opt, to_db_time};
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
    /// The language tag the subscriber signed up in; empty for the site's language.
    pub language: String,
}

const COLUMNS: &str = "id, email, active, token, created_at, language";

fn from_row(row: &AnyRow) -> Result<Subscriber> {
    Ok(Subscriber {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        active: row.try_get::<i32, _>("active")? != 0,
        token: row.try_get("token")?,
        created: from_db_time("subscribers.created_at", row.try_get("created_at")?)?,
        language: row.try_get("language")?,
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
    language: &str,
) -> Result<Subscriber> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO subscribers (email, active, token, created_at, language)
         VALUES ($1, 0, $2, $3, $4)
         RETURNING id",
    )
    .bind(email)
    .bind(token)
    .bind(to_db_time(now))
    .bind(language)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Subscriber {
        id,
        email: email.to_owned(),
        active: false,
        token: token.to_owned(),
        created: now,
        language: language.to_owned(),
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

/// The row of this address (compared without regard to case: `Jane@…` and `jane@…` are one
/// person): the active one if there is one, otherwise the newest sign-up.
pub async fn by_address(conn: &mut AnyConnection, email: &str) -> Result<Option<Subscriber>> {
    one(
        conn,
        "LOWER(email) = LOWER($1) ORDER BY active DESC, id DESC LIMIT 1",
        email,
    )
    .await
}

/// A new request for a pending sign-up: its link is valid for another full period, and its mails
/// come in the language of the latest request.
pub async fn renew_pending(
    conn: &mut AnyConnection,
    id: i64,
    now: Timestamp,
    language: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE subscribers SET created_at = $2, language = $3 WHERE id = $1 AND active = 0",
    )
    .bind(id)
    .bind(to_db_time(now))
    .bind(language)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Counts a mail the subscribe form caused, towards the caps.
pub async fn record_opt_in_mail(
    conn: &mut AnyConnection,
    recipient_key: &str,
    now: Timestamp,
) -> Result<()> {
    sqlx::query("INSERT INTO opt_in_mails (recipient_key, created_at) VALUES ($1, $2)")
        .bind(recipient_key)
        .bind(to_db_time(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// How many mails the subscribe form caused since `since` (to `recipient_key` only, if given),
/// and when the oldest of them was queued.
pub async fn opt_in_mails_since(
    conn: &mut AnyConnection,
    recipient_key: Option<&str>,
    since: Timestamp,
) -> Result<(i64, Option<Timestamp>)> {
    const COUNT: &str = "SELECT COUNT(*) AS sent, MIN(created_at) AS oldest FROM opt_in_mails
         WHERE created_at >= $1";
    let row = match recipient_key {
        None => sqlx::query(COUNT).bind(to_db_time(since)),
        Some(key) => sqlx::query(sqlx::AssertSqlSafe(format!(
            "{COUNT} AND recipient_key = $2"
        )))
        .bind(to_db_time(since))
        .bind(key),
    }
    .fetch_one(&mut *conn)
    .await?;
    Ok((
        row.try_get("sent")?,
        from_db_time_opt("opt_in_mails.created_at", row.try_get("oldest")?)?,
    ))
}

/// What is no longer needed: sign-ups not confirmed since `pending_before` (their tokens are kept,
/// without the address, until `tokens_before`, so that their links can say they expired) and
/// the record of opt-in mails older than `mails_before`.
pub async fn sweep(
    conn: &mut AnyConnection,
    pending_before: Timestamp,
    mails_before: Timestamp,
    tokens_before: Timestamp,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO expired_sign_ups (token, expired_at)
         SELECT token, $2 FROM subscribers WHERE active = 0 AND created_at < $1
         ON CONFLICT (token) DO NOTHING",
    )
    .bind(to_db_time(pending_before))
    .bind(to_db_time(now))
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM subscribers WHERE active = 0 AND created_at < $1")
        .bind(to_db_time(pending_before))
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM opt_in_mails WHERE created_at < $1")
        .bind(to_db_time(mails_before))
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM expired_sign_ups WHERE expired_at < $1")
        .bind(to_db_time(tokens_before))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Whether `token` belonged to a sign-up that expired unconfirmed (and was swept).
pub async fn is_expired_token(conn: &mut AnyConnection, token: &str) -> Result<bool> {
    let found: Option<String> =
        sqlx::query_scalar("SELECT token FROM expired_sign_ups WHERE token = $1")
            .bind(token)
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

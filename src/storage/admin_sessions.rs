//! Admin sessions, by the SHA-256 of their cookie's id (see migration 0005).

use super::{AnyConnection, Result, from_db_time, to_db_time};
use jiff::Timestamp;
use sqlx::Row;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub id_hash: String,
    pub user_id: i64,
    /// Whether the second factor (if the user has one) was passed.
    pub verified: bool,
    pub csrf_token: String,
    pub created: Timestamp,
    pub last_seen: Timestamp,
}

pub async fn insert(conn: &mut AnyConnection, session: &Session) -> Result<()> {
    sqlx::query(
        "INSERT INTO admin_sessions (id_hash, user_id, verified, csrf_token, created_at, last_seen_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&session.id_hash)
    .bind(session.user_id)
    .bind(i32::from(session.verified))
    .bind(&session.csrf_token)
    .bind(to_db_time(session.created))
    .bind(to_db_time(session.last_seen))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, id_hash: &str) -> Result<Option<Session>> {
    let row = sqlx::query(
        "SELECT id_hash, user_id, verified, csrf_token, created_at, last_seen_at
         FROM admin_sessions WHERE id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| {
        Ok(Session {
            id_hash: row.try_get("id_hash")?,
            user_id: row.try_get("user_id")?,
            verified: row.try_get::<i32, _>("verified")? != 0,
            csrf_token: row.try_get("csrf_token")?,
            created: from_db_time("admin_sessions.created_at", row.try_get("created_at")?)?,
            last_seen: from_db_time("admin_sessions.last_seen_at", row.try_get("last_seen_at")?)?,
        })
    })
    .transpose()
}

pub async fn touch(conn: &mut AnyConnection, id_hash: &str, at: Timestamp) -> Result<()> {
    sqlx::query("UPDATE admin_sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(to_db_time(at))
        .bind(id_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn delete(conn: &mut AnyConnection, id_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM admin_sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Ends every session of a user (deactivated, password or second factor reset).
pub async fn delete_for_user(conn: &mut AnyConnection, user_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM admin_sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Ends every session of a user but `keep` (their own, after changing their password).
pub async fn delete_others(conn: &mut AnyConnection, user_id: i64, keep: &str) -> Result<()> {
    sqlx::query("DELETE FROM admin_sessions WHERE user_id = $1 AND id_hash <> $2")
        .bind(user_id)
        .bind(keep)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Forgets sessions nobody used since `idle_before` or that began before `started_before`.
pub async fn prune(
    conn: &mut AnyConnection,
    idle_before: Timestamp,
    started_before: Timestamp,
) -> Result<u64> {
    let done = sqlx::query("DELETE FROM admin_sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(to_db_time(idle_before))
        .bind(to_db_time(started_before))
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

/// Keeps (or, with `None`, forgets) the WebAuthn ceremony in progress for this session.
pub async fn set_webauthn_state(
    conn: &mut AnyConnection,
    id_hash: &str,
    state: Option<&str>,
) -> Result<()> {
    sqlx::query("UPDATE admin_sessions SET webauthn_state = $1 WHERE id_hash = $2")
        .bind(state)
        .bind(id_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Takes the WebAuthn ceremony in progress: each challenge can be answered once.
pub async fn take_webauthn_state(
    conn: &mut AnyConnection,
    id_hash: &str,
) -> Result<Option<String>> {
    let state: Option<String> =
        sqlx::query_scalar("SELECT webauthn_state FROM admin_sessions WHERE id_hash = $1")
            .bind(id_hash)
            .fetch_optional(&mut *conn)
            .await?
            .flatten();
    let Some(state) = state else {
        return Ok(None);
    };
    // Compare-and-clear: of two requests answering one challenge at once, only one gets it.
    let taken = sqlx::query(
        "UPDATE admin_sessions SET webauthn_state = NULL WHERE id_hash = $1 AND webauthn_state = $2",
    )
    .bind(id_hash)
    .bind(&state)
    .execute(&mut *conn)
    .await?;
    Ok((taken.rows_affected() == 1).then_some(state))
}

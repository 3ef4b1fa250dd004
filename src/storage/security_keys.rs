//! Admins' WebAuthn security keys (see migration 0006).

use super::{AnyConnection, Result, from_db_time, from_db_time_opt, to_db_time};
use jiff::Timestamp;
use sqlx::Row;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredKey {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    /// webauthn-rs's `SecurityKey` as JSON.
    pub credential: String,
    pub created: Timestamp,
    pub last_used: Option<Timestamp>,
}

pub async fn insert(
    conn: &mut AnyConnection,
    user_id: i64,
    name: &str,
    credential: &str,
    now: Timestamp,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO security_keys (user_id, name, credential, created_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(credential)
    .bind(to_db_time(now))
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn for_user(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<StoredKey>> {
    let rows = sqlx::query(
        "SELECT id, user_id, name, credential, created_at, last_used_at FROM security_keys
         WHERE user_id = $1 ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(StoredKey {
                id: row.try_get("id")?,
                user_id: row.try_get("user_id")?,
                name: row.try_get("name")?,
                credential: row.try_get("credential")?,
                created: from_db_time("security_keys.created_at", row.try_get("created_at")?)?,
                last_used: from_db_time_opt(
                    "security_keys.last_used_at",
                    row.try_get("last_used_at")?,
                )?,
            })
        })
        .collect()
}

/// After a login with the key: its new signature counter, and when it was used.
pub async fn used(
    conn: &mut AnyConnection,
    id: i64,
    credential: &str,
    at: Timestamp,
) -> Result<()> {
    sqlx::query("UPDATE security_keys SET credential = $1, last_used_at = $2 WHERE id = $3")
        .bind(credential)
        .bind(to_db_time(at))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Removes one of the user's keys; false when the user has no such key.
pub async fn delete(conn: &mut AnyConnection, user_id: i64, id: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM security_keys WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete_all(conn: &mut AnyConnection, user_id: i64) -> Result<()> {
    sqlx::query("DELETE FROM security_keys WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn count(conn: &mut AnyConnection, user_id: i64) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM security_keys WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&mut *conn)
            .await?,
    )
}

//! Admin users.

use super::{AnyConnection, Result, StorageError, from_db_time, from_db_time_opt, to_db_time};
use jiff::Timestamp;
use sqlx::Row;

#[derive(Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub email: String,
    /// A PHC string; never logged (see the `Debug` impl).
    pub password_hash: String,
    pub active: bool,
    pub created: Timestamp,
    pub last_login: Option<Timestamp>,
    /// The TOTP secret in base32, when the user enrolled an authenticator app.
    pub totp_secret: Option<String>,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("email", &self.email)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("a user named {0:?} already exists")]
    DuplicateUsername(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

pub async fn create(
    conn: &mut AnyConnection,
    username: &str,
    email: &str,
    password_hash: &str,
    now: Timestamp,
) -> Result<User, CreateUserError> {
    let inserted = sqlx::query(
        "INSERT INTO users (username, email, password_hash, active, created_at)
         VALUES ($1, $2, $3, 1, $4) RETURNING id",
    )
    .bind(username)
    .bind(email)
    .bind(password_hash)
    .bind(to_db_time(now))
    .fetch_one(&mut *conn)
    .await;
    match inserted {
        Ok(row) => Ok(User {
            id: row.try_get("id").map_err(StorageError::from)?,
            username: username.to_owned(),
            email: email.to_owned(),
            password_hash: password_hash.to_owned(),
            active: true,
            created: now,
            last_login: None,
            totp_secret: None,
        }),
        Err(e) if super::is_unique_violation(&e) => {
            Err(CreateUserError::DuplicateUsername(username.to_owned()))
        }
        Err(e) => Err(StorageError::from(e).into()),
    }
}

const COLUMNS: &str =
    "id, username, email, password_hash, active, created_at, last_login_at, totp_secret";

fn from_row(row: &sqlx::any::AnyRow) -> Result<User> {
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        email: row.try_get("email")?,
        password_hash: row.try_get("password_hash")?,
        active: row.try_get::<i32, _>("active")? != 0,
        created: from_db_time("users.created_at", row.try_get("created_at")?)?,
        last_login: from_db_time_opt("users.last_login_at", row.try_get("last_login_at")?)?,
        totp_secret: row.try_get("totp_secret")?,
    })
}

pub async fn by_username(conn: &mut AnyConnection, username: &str) -> Result<Option<User>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM users WHERE username = $1"
    )))
    .bind(username)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<User>> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM users WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Every user, by name.
pub async fn all(conn: &mut AnyConnection) -> Result<Vec<User>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM users ORDER BY username"
    )))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn set_password_hash(conn: &mut AnyConnection, id: i64, hash: &str) -> Result<()> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_active(conn: &mut AnyConnection, id: i64, active: bool) -> Result<()> {
    sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
        .bind(i32::from(active))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_last_login(conn: &mut AnyConnection, id: i64, at: Timestamp) -> Result<()> {
    sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
        .bind(to_db_time(at))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Enrols an authenticator app (or, with `None`, removes it together with the recovery codes).
pub async fn set_totp(
    conn: &mut AnyConnection,
    id: i64,
    secret: Option<&str>,
    recovery_code_hashes: &[String],
) -> Result<()> {
    sqlx::query("UPDATE users SET totp_secret = $1, totp_last_step = NULL WHERE id = $2")
        .bind(secret)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for hash in recovery_code_hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(id)
            .bind(hash)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Records that the TOTP code of `step` was used; false when that step or a later one was used
/// already (a replayed code). One statement, so two requests with one code cannot both win.
pub async fn use_totp_step(conn: &mut AnyConnection, id: i64, step: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE users SET totp_last_step = $1
         WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn totp_last_step(conn: &mut AnyConnection, id: i64) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT totp_last_step FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .flatten(),
    )
}

/// Uses up a recovery code; false when the user has no such (unused) code.
pub async fn use_recovery_code(conn: &mut AnyConnection, id: i64, code_hash: &str) -> Result<bool> {
    let done = sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1 AND code_hash = $2")
        .bind(id)
        .bind(code_hash)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn recovery_codes_left(conn: &mut AnyConnection, id: i64) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?,
    )
}

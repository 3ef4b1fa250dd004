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
        }),
        Err(e) if super::is_unique_violation(&e) => {
            Err(CreateUserError::DuplicateUsername(username.to_owned()))
        }
        Err(e) => Err(StorageError::from(e).into()),
    }
}

pub async fn by_username(conn: &mut AnyConnection, username: &str) -> Result<Option<User>> {
    let row = sqlx::query(
        "SELECT id, username, email, password_hash, active, created_at, last_login_at
         FROM users WHERE username = $1",
    )
    .bind(username)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|row| {
        Ok(User {
            id: row.try_get("id")?,
            username: row.try_get("username")?,
            email: row.try_get("email")?,
            password_hash: row.try_get("password_hash")?,
            active: row.try_get::<i32, _>("active")? != 0,
            created: from_db_time("users.created_at", row.try_get("created_at")?)?,
            last_login: from_db_time_opt("users.last_login_at", row.try_get("last_login_at")?)?,
        })
    })
    .transpose()
}

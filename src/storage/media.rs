//! Uploaded files, by their content-hashed name.

use super::{AnyConnection, Result, to_db_time};
use jiff::Timestamp;

/// Stores `content` under `name`; the same name again is the same content, so it is kept.
pub async fn put(
    conn: &mut AnyConnection,
    name: &str,
    content: &[u8],
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO media (name, content, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(content)
    .bind(to_db_time(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut AnyConnection, name: &str) -> Result<Option<Vec<u8>>> {
    Ok(
        sqlx::query_scalar("SELECT content FROM media WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

//! Which Slack deliveries were already acted on (see `migrations/*/0003_slack_deliveries.sql`).

use super::{AnyConnection, Result, to_db_time};
use jiff::{SignedDuration, Timestamp};

/// Longer than Slack retries for and than a signature stays valid.
const REMEMBERED_FOR: SignedDuration = SignedDuration::from_hours(24);

/// Records delivery `id`; `false` when it was seen before (and must not be acted on again).
pub async fn first_time(conn: &mut AnyConnection, id: &str, now: Timestamp) -> Result<bool> {
    sqlx::query("DELETE FROM slack_deliveries WHERE received_at < $1")
        .bind(to_db_time(now - REMEMBERED_FOR))
        .execute(&mut *conn)
        .await?;
    let inserted = sqlx::query(
        "INSERT INTO slack_deliveries (id, received_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(to_db_time(now))
    .execute(&mut *conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Forgets delivery `id` after acting on it failed, so Slack's retry is acted on.
pub async fn forget(conn: &mut AnyConnection, id: &str) -> Result<()> {
    sqlx::query("DELETE FROM slack_deliveries WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

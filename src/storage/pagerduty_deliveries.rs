//! What PagerDuty already told us: the `X-Webhook-Id` of deliveries applied (migration 0012),
//! and when the latest event applied for each of its incidents occurred (migration 0013).

use super::{AnyConnection, Result, to_db_time};
use jiff::{SignedDuration, Timestamp};

/// PagerDuty retries a delivery for about 20 minutes; a week is far past that, and short enough
/// that the tables stay small.
const REMEMBERED_FOR: SignedDuration = SignedDuration::from_hours(24 * 7);

/// Whether the delivery `webhook_id` was applied already.
pub async fn seen(conn: &mut AnyConnection, webhook_id: &str) -> Result<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM pagerduty_deliveries WHERE webhook_id = $1")
            .bind(webhook_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(found.is_some())
}

/// Notes that delivery `webhook_id` was applied, and forgets what is older than a week (an
/// indexed delete that finds nothing almost every time).
pub async fn record(conn: &mut AnyConnection, webhook_id: &str, now: Timestamp) -> Result<()> {
    let forgotten = to_db_time(now - REMEMBERED_FOR);
    sqlx::query("DELETE FROM pagerduty_deliveries WHERE received_at < $1")
        .bind(forgotten)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM pagerduty_incidents WHERE updated_at < $1")
        .bind(forgotten)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO pagerduty_deliveries (webhook_id, received_at) VALUES ($1, $2)
         ON CONFLICT (webhook_id) DO NOTHING",
    )
    .bind(webhook_id)
    .bind(to_db_time(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether an event that occurred later than `occurred_at` was applied for PagerDuty incident
/// `incident_id` already.
pub async fn later_event_applied(
    conn: &mut AnyConnection,
    incident_id: &str,
    occurred_at: Timestamp,
) -> Result<bool> {
    let last: Option<i64> =
        sqlx::query_scalar("SELECT last_event_at FROM pagerduty_incidents WHERE incident_id = $1")
            .bind(incident_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(last.is_some_and(|last| last > to_db_time(occurred_at)))
}

/// Notes that an event of `incident_id` that occurred at `occurred_at` was applied; an earlier
/// one arriving after it never moves the time back.
pub async fn event_applied(
    conn: &mut AnyConnection,
    incident_id: &str,
    occurred_at: Timestamp,
    now: Timestamp,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO pagerduty_incidents (incident_id, last_event_at, updated_at)
         VALUES ($1, $2, $3)
         ON CONFLICT (incident_id) DO UPDATE SET
             last_event_at = CASE WHEN excluded.last_event_at > pagerduty_incidents.last_event_at
                                  THEN excluded.last_event_at
                                  ELSE pagerduty_incidents.last_event_at END,
             updated_at = excluded.updated_at",
    )
    .bind(incident_id)
    .bind(to_db_time(occurred_at))
    .bind(to_db_time(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

//! The alert sources' settings and the hook page's "last delivered" (migration 0012).

use super::{AnyConnection, Result};
use jiff::Timestamp;
use sqlx::Row;

/// The stored settings of the alert sources and of the watch on monitoring. Secrets are empty
/// when not set; the environment may override them (see the top-level `settings` module).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntegrationSettings {
    pub pagerduty_signing_secret: String,
    pub grafana_secret: String,
    /// Empty: Grafana signs the body alone.
    pub grafana_timestamp_header: String,
    pub heartbeat_interval_seconds: i64,
    pub heartbeat_grace_seconds: i64,
    /// 0: suspected incidents are never nudged.
    pub nudge_minutes: i64,
}

impl IntegrationSettings {
    pub const MAX_HEARTBEAT_SECONDS: i64 = 86_400;
    pub const MAX_NUDGE_MINUTES: i64 = 1_440;
}

pub async fn get(conn: &mut AnyConnection) -> Result<IntegrationSettings> {
    let row = sqlx::query(
        "SELECT pagerduty_signing_secret, grafana_secret, grafana_timestamp_header,
                heartbeat_interval_seconds, heartbeat_grace_seconds, nudge_minutes
         FROM integration_settings WHERE id = 1",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(IntegrationSettings {
        pagerduty_signing_secret: row.try_get("pagerduty_signing_secret")?,
        grafana_secret: row.try_get("grafana_secret")?,
        grafana_timestamp_header: row.try_get("grafana_timestamp_header")?,
        heartbeat_interval_seconds: i64::from(row.try_get::<i32, _>("heartbeat_interval_seconds")?),
        heartbeat_grace_seconds: i64::from(row.try_get::<i32, _>("heartbeat_grace_seconds")?),
        nudge_minutes: i64::from(row.try_get::<i32, _>("nudge_minutes")?),
    })
}

pub async fn save(conn: &mut AnyConnection, s: &IntegrationSettings) -> Result<()> {
    // The table's CHECKs bound the numbers too; clamping keeps a bypassed form check from
    // becoming an error page.
    let clamp = |v: i64, min: i64, max: i64| i32::try_from(v.clamp(min, max)).unwrap_or(0);
    let max = IntegrationSettings::MAX_HEARTBEAT_SECONDS;
    sqlx::query(
        "UPDATE integration_settings SET pagerduty_signing_secret = $1, grafana_secret = $2,
                grafana_timestamp_header = $3, heartbeat_interval_seconds = $4,
                heartbeat_grace_seconds = $5, nudge_minutes = $6
         WHERE id = 1",
    )
    .bind(&s.pagerduty_signing_secret)
    .bind(&s.grafana_secret)
    .bind(&s.grafana_timestamp_header)
    .bind(clamp(s.heartbeat_interval_seconds, 1, max))
    .bind(clamp(s.heartbeat_grace_seconds, 0, max))
    .bind(clamp(
        s.nudge_minutes,
        0,
        IntegrationSettings::MAX_NUDGE_MINUTES,
    ))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Notes that `source` (a hook's name: `opsgenie`, `jsm`, `alertmanager`, `grafana`,
/// `pagerduty`, `webhook`, `heartbeat`) delivered something we accepted.
pub async fn record_delivery(conn: &mut AnyConnection, source: &str, at: Timestamp) -> Result<()> {
    sqlx::query(
        "INSERT INTO hook_deliveries (source, last_at) VALUES ($1, $2)
         ON CONFLICT (source) DO UPDATE SET last_at = excluded.last_at
         WHERE hook_deliveries.last_at < excluded.last_at",
    )
    .bind(source)
    .bind(at.as_microsecond())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// When each source last delivered, by source name.
pub async fn last_deliveries(conn: &mut AnyConnection) -> Result<Vec<(String, Timestamp)>> {
    let rows = sqlx::query("SELECT source, last_at FROM hook_deliveries ORDER BY source")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|row| {
            let at: i64 = row.try_get("last_at")?;
            Ok((
                row.try_get("source")?,
                super::from_db_time("hook_deliveries.last_at", at)?,
            ))
        })
        .collect()
}

//! What PagerDuty already told us: the `X-Webhook-Id` of deliveries applied (migration 0012),
//! and the latest event applied for each of its incidents (migration 0013).

use super::{AnyConnection, Result, from_db_time, to_db_time};
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

/// Notes that delivery `webhook_id` was applied, and forgets the ids older than a week (an
/// indexed delete that finds nothing almost every time).
pub async fn record(conn: &mut AnyConnection, webhook_id: &str, now: Timestamp) -> Result<()> {
    sqlx::query("DELETE FROM pagerduty_deliveries WHERE received_at < $1")
        .bind(to_db_time(now - REMEMBERED_FOR))
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

/// What an event did to the alert of its PagerDuty incident.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Fire,
    Resolve,
}

impl EventKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Fire => "fire",
            Self::Resolve => "resolve",
        }
    }
}

/// One event of a PagerDuty incident, in the order they are applied: by when it occurred, and
/// a resolve after a trigger of the same microsecond (whichever arrived first, the alert ends
/// the same). Two are the same when they are stored the same: to the microsecond.
#[derive(Clone, Copy, Debug)]
pub struct IncidentEvent {
    pub at: Timestamp,
    pub kind: EventKind,
}

impl IncidentEvent {
    fn key(self) -> (i64, bool) {
        (to_db_time(self.at), self.kind == EventKind::Resolve)
    }

    /// Whether `self` comes after `other`.
    pub fn is_after(self, other: IncidentEvent) -> bool {
        self.key() > other.key()
    }
}

impl PartialEq for IncidentEvent {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for IncidentEvent {}

/// The latest event recorded for PagerDuty incident `incident_id`, if any.
pub async fn latest_event(
    conn: &mut AnyConnection,
    incident_id: &str,
) -> Result<Option<IncidentEvent>> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT last_event_at, last_event_kind FROM pagerduty_incidents WHERE incident_id = $1",
    )
    .bind(incident_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|(at, kind)| {
        Ok(IncidentEvent {
            at: from_db_time("last_event_at", at)?,
            kind: if kind == "resolve" {
                EventKind::Resolve
            } else {
                EventKind::Fire
            },
        })
    })
    .transpose()
}

/// Records `event` of `incident_id` unless a later one is recorded already: the row only ever
/// moves forward, whatever order racing deliveries write in. Forgets the incidents nobody
/// heard of for a week (an indexed delete, here because deliveries without an
/// `X-Webhook-Id` never reach [`record`]).
pub async fn record_event(
    conn: &mut AnyConnection,
    incident_id: &str,
    event: IncidentEvent,
    now: Timestamp,
) -> Result<()> {
    sqlx::query("DELETE FROM pagerduty_incidents WHERE updated_at < $1")
        .bind(to_db_time(now - REMEMBERED_FOR))
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO pagerduty_incidents (incident_id, last_event_at, last_event_kind, updated_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (incident_id) DO UPDATE SET
             last_event_at = CASE WHEN excluded.last_event_at > pagerduty_incidents.last_event_at
                                       OR (excluded.last_event_at = pagerduty_incidents.last_event_at
                                           AND excluded.last_event_kind = 'resolve')
                                  THEN excluded.last_event_at
                                  ELSE pagerduty_incidents.last_event_at END,
             last_event_kind = CASE WHEN excluded.last_event_at > pagerduty_incidents.last_event_at
                                         OR (excluded.last_event_at = pagerduty_incidents.last_event_at
                                             AND excluded.last_event_kind = 'resolve')
                                    THEN excluded.last_event_kind
                                    ELSE pagerduty_incidents.last_event_kind END,
             updated_at = excluded.updated_at",
    )
    .bind(incident_id)
    .bind(to_db_time(event.at))
    .bind(event.kind.as_str())
    .bind(to_db_time(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

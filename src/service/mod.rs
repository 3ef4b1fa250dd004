//! Use cases: each public function is one thing a person or a system does to monostat (an alert
//! fires, someone confirms an incident), carried out in one transaction that applies the rules
//! of `crate::domain`, writes the audit log and enqueues the jobs for every side effect. The
//! alert hooks, the Slack bot and the admin pages all change incidents through here.

pub mod alerts;
pub mod incidents;
pub mod maintenance;
pub mod recurrence;
pub mod subscriptions;
pub mod watch;

use crate::changes::Changes;
use crate::domain::Incident;
use crate::jobs::kinds::{self, StatusChangeJob};
use crate::jobs::{self, Jobs};
use crate::storage::{self, AnyConnection, Db};

/// What the use cases need; cheap to clone.
#[derive(Clone)]
pub struct Services {
    pub db: Db,
    pub jobs: Jobs,
    pub changes: Changes,
}

impl Services {
    /// After a use case's transaction has committed: its jobs may run now, and the public page
    /// re-renders.
    pub fn committed(&self) {
        self.jobs.wake();
        self.changes.notify();
    }
}

/// Queues the fan-out that tells subscribers of `incident`'s new status, when
/// `domain::notification::audience` says they are owed it (the fan-out then asks
/// `notification_for` which mail, if any still).
async fn owe_subscribers(
    conn: &mut AnyConnection,
    incident: &Incident,
    now: jiff::Timestamp,
) -> storage::Result<()> {
    jobs::enqueue(
        conn,
        kinds::status_change_job(&StatusChangeJob {
            incident_id: incident.id,
            status: incident.status.as_str().to_owned(),
            kind: None,
            occasion: None,
        }),
        now,
    )
    .await?;
    Ok(())
}

/// Queues the fan-out of news that is no status change (`domain::notification::schedule_news`,
/// a maintenance reminder): every subscriber gets `kind` once per `occasion`.
async fn owe_subscribers_news(
    conn: &mut AnyConnection,
    incident: &Incident,
    kind: crate::domain::notification::NotificationKind,
    occasion: String,
    now: jiff::Timestamp,
) -> storage::Result<()> {
    jobs::enqueue(
        conn,
        kinds::status_change_job(&StatusChangeJob {
            incident_id: incident.id,
            status: incident.status.as_str().to_owned(),
            kind: Some(kind),
            occasion: Some(occasion),
        }),
        now,
    )
    .await?;
    Ok(())
}

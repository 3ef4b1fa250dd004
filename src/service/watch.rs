//! The watch on the watcher: heartbeats from monitoring, and a loop in every instance that
//! notices when they stop and when a suspicion waits too long for a human (`domain::watch`).
//!
//! Every instance runs the loop; the database decides which one acts (`storage::watch`'s
//! conditional UPDATEs), in the same transaction as the Slack job it owes, so each silence is
//! reported once and each suspicion nudged once, across instances and restarts.

use super::Services;
use crate::domain::watch::{self as rules, Heartbeat};
use crate::jobs::{self, kinds};
use crate::storage::{self, audit, incidents, integrations, watch};
use jiff::{SignedDuration, Timestamp};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How often the loop looks: the lateness a one-second grace can notice.
const TICK: Duration = Duration::from_secs(1);

/// Monitoring says it is alive (`source`: `heartbeat`, `watchdog`). Ends the silence being
/// reported, if any, and owes the channel the news.
pub async fn ping(services: &Services, source: &str) -> storage::Result<()> {
    let now = Timestamp::now();
    let mut tx = services.db.begin().await?;
    let beat = watch::heartbeat_for_update(&mut tx, services.db.backend()).await?;
    // Never backwards (instances' clocks differ a little), and after the silence it ends, so
    // the next silence has a name of its own.
    let floor = match beat.quiet_since {
        Some(since) => since + SignedDuration::from_micros(1),
        None => beat.last_ping.unwrap_or(now),
    };
    let at = now.max(floor);
    watch::record_ping(&mut tx, at, source).await?;
    if let Some(since) = beat.quiet_since {
        watch::end_silence(&mut tx, since, at).await?;
        jobs::enqueue(
            &mut tx,
            kinds::silence_job(
                kinds::SLACK_MONITORING_BACK,
                &kinds::SilenceJob {
                    quiet_since: since.as_microsecond(),
                    back_at: Some(at.as_microsecond()),
                },
            ),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    if let Some(since) = beat.quiet_since {
        tracing::info!(source, quiet_since = %since, "monitoring is back");
        services.jobs.wake();
    }
    Ok(())
}

/// What one look found and claimed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Looked {
    /// The silence this instance reported (its last ping).
    pub quiet_since: Option<Timestamp>,
    /// The incidents this instance nudged.
    pub nudged: Vec<i64>,
}

/// Looks once, as of `now`, for an instance whose watch has been running since `up_since`:
/// reports a silence nobody reported yet, and nudges the suspicions that are due.
pub async fn look(
    services: &Services,
    up_since: Timestamp,
    now: Timestamp,
) -> storage::Result<Looked> {
    let (settings, beat) = {
        let mut conn = services.db.acquire().await?;
        (
            integrations::get(&mut conn).await?,
            watch::heartbeat(&mut conn).await?,
        )
    };
    let mut looked = Looked::default();
    let heartbeat = Heartbeat::from_seconds(
        settings.heartbeat_interval_seconds,
        settings.heartbeat_grace_seconds,
    );
    // Read first, write only when there is something to claim: a write transaction every
    // second per instance would queue SQLite's writers for nothing.
    if beat.quiet_since.is_none()
        && heartbeat.is_quiet(beat.last_ping, now)
        && heartbeat.has_watched(up_since, now)
    {
        looked.quiet_since = report_silence(services, heartbeat.cutoff(now), now).await?;
    }
    if let Some(cutoff) = rules::nudge_cutoff(settings.nudge_minutes, now) {
        let due = {
            let mut conn = services.db.acquire().await?;
            watch::nudge_candidates(&mut conn, cutoff).await?
        };
        // One incident that cannot be nudged (its row unreadable, say) must not keep the
        // others from theirs; it is tried again at the next look.
        for id in due {
            match nudge(services, id, settings.nudge_minutes, now).await {
                Ok(true) => looked.nudged.push(id),
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(incident_id = id, error = %e, "cannot nudge the suspected incident");
                }
            }
        }
    }
    Ok(looked)
}

async fn report_silence(
    services: &Services,
    cutoff: Timestamp,
    now: Timestamp,
) -> storage::Result<Option<Timestamp>> {
    let mut tx = services.db.begin().await?;
    let Some(since) = watch::claim_silence(&mut tx, cutoff, now).await? else {
        return Ok(None);
    };
    jobs::enqueue(
        &mut tx,
        kinds::silence_job(
            kinds::SLACK_MONITORING_QUIET,
            &kinds::SilenceJob {
                quiet_since: since.as_microsecond(),
                back_at: None,
            },
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::warn!(quiet_since = %since, "monitoring has gone quiet");
    services.jobs.wake();
    Ok(Some(since))
}

/// Nudges incident `id` if it is still due; true when this call did.
async fn nudge(
    services: &Services,
    id: i64,
    minutes: i64,
    now: Timestamp,
) -> storage::Result<bool> {
    let mut tx = services.db.begin().await?;
    let Some(incident) = incidents::get_for_update(&mut tx, services.db.backend(), id).await?
    else {
        return Ok(false);
    };
    let nudged = watch::nudged_at(&mut tx, id).await?;
    if !rules::nudge_due(&incident, nudged, minutes, now)
        || !watch::claim_nudge(&mut tx, id, now).await?
    {
        return Ok(false);
    }
    let waited = rules::span_words(now.duration_since(rules::suspected_since(&incident)));
    audit::record(
        &mut tx,
        now,
        "watch",
        Some(id),
        "incident.nudged",
        &format!("Nobody confirmed the suspected incident for {waited}; asked in Slack to confirm or dismiss it"),
    )
    .await?;
    jobs::enqueue(
        &mut tx,
        kinds::nudge_job(&kinds::NudgeJob { incident_id: id }),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(incident_id = id, "suspected incident nudged");
    services.jobs.wake();
    Ok(true)
}

/// Looks every [`TICK`] until `shutdown`. A failed look (the database away) is logged once per
/// spell and tried again at the next tick.
pub async fn run(services: Services, shutdown: CancellationToken) {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Silence is judged only after this instance has watched for interval + grace itself: after
    // monostat's own outage, pings sent meanwhile were lost with it, and the last one on record
    // is old through no fault of monitoring's.
    let up_since = Timestamp::now();
    let mut failing = false;
    loop {
        tokio::select! {
            () = shutdown.cancelled() => break,
            _ = tick.tick() => {}
        }
        match look(&services, up_since, Timestamp::now()).await {
            Ok(_) if failing => {
                failing = false;
                tracing::info!("the watch on monitoring works again");
            }
            Ok(_) => {}
            Err(e) if !failing => {
                failing = true;
                tracing::warn!(error = %e, "the watch on monitoring cannot look; trying every second");
            }
            Err(e) => tracing::debug!(error = %e, "the watch on monitoring still cannot look"),
        }
    }
}

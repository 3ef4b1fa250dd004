//! Recurring maintenance: a series creates its occurrences ahead of time, each an ordinary
//! planned maintenance made by [`super::incidents`]' creation (so the input rules, the audit
//! log, the subscribers' "posted" mail, Slack and the clock's jobs are exactly a hand-made
//! one's). Once created, an occurrence is moved or cancelled alone like any maintenance.
//!
//! A series keeps what `domain::recurrence::Schedule::due` says (`HORIZON`, two weeks, ahead, and at
//! least the next occurrence). It is topped up when created, and then by a durable daily job
//! per series and day (unique key `maintenance-series:{id}:{day}`), so several instances top up
//! once a day between them. Each top-up locks the series' row and records every occurrence it
//! creates under the unique `(series_id, local_start)` in the same transaction as the incident:
//! no occurrence is created twice, even by two instances at the same moment, and one moved or
//! cancelled by hand is not created again.

use super::Services;
use super::incidents::{Actor, ChangeError, Creation, create_in};
use crate::domain::input::{IncidentDraft, Problems};
use crate::domain::maintenance::{Action, Phase};
use crate::domain::recurrence::{MAX_DURATION_MINUTES, Occurrence, Rule, Schedule};
use crate::domain::{IncidentStatus, Severity};
use crate::jobs;
use crate::storage::{self, AnyConnection, audit, incidents, maintenance_series};
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

/// Top a series up to its horizon (one job per series and day).
pub const TOP_UP: &str = "maintenance.series_top_up";

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TopUpJob {
    pub series_id: i64,
    /// The UTC day this job tops up for, `YYYY-MM-DD`.
    pub day: String,
}

/// What a person asks for on the series form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewSeries {
    pub title: String,
    pub summary: Option<String>,
    pub rule: Rule,
    /// The first local start, in the site's time zone.
    pub first: DateTime,
    pub duration_minutes: i64,
    pub silent: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SeriesError {
    /// Its first occurrence breaks the input rules (title, summary), each with its field.
    #[error("{0}")]
    Invalid(Problems),
    /// The rule gives no occurrence after now (its UNTIL or COUNT has passed).
    #[error("the rule gives no occurrence after now")]
    NoOccurrence,
    #[error("the duration is out of range")]
    Duration,
    #[error(transparent)]
    Storage(#[from] storage::StorageError),
}

/// Who creates the occurrences, in the audit log and the Slack thread ("Created by monostat").
fn creator() -> Actor {
    super::maintenance::clock()
}

/// The schedule a stored series describes; `None` (logged) when this version cannot read it.
pub fn schedule_of(series: &maintenance_series::Series) -> Option<Schedule> {
    let rule = match series.rule.parse::<Rule>() {
        Ok(rule) => rule,
        Err(e) => {
            tracing::error!(series_id = series.id, rule = %series.rule, error = %e, "stored recurrence rule unreadable");
            return None;
        }
    };
    let Ok(first) = series.first_start.parse::<DateTime>() else {
        tracing::error!(series_id = series.id, first = %series.first_start, "stored first start unreadable");
        return None;
    };
    Some(Schedule {
        rule,
        first,
        duration: SignedDuration::from_mins(series.duration_minutes),
    })
}

fn local_key(occurrence: &Occurrence) -> String {
    occurrence.local.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Creates a series and its occurrences within the horizon; returns its id and how many
/// occurrences were created.
pub async fn create_series(
    services: &Services,
    actor: &Actor,
    tz: &TimeZone,
    new: &NewSeries,
) -> Result<(i64, usize), SeriesError> {
    if !(1..=MAX_DURATION_MINUTES).contains(&new.duration_minutes) {
        return Err(SeriesError::Duration);
    }
    let schedule = Schedule {
        rule: new.rule.clone(),
        first: new.first,
        duration: SignedDuration::from_mins(new.duration_minutes),
    };
    let now = Timestamp::now();
    let Some(first) = schedule.due(tz, now).into_iter().next() else {
        return Err(SeriesError::NoOccurrence);
    };
    // The occurrences will be checked as they are created; checking the first now puts the
    // title's and summary's problems on the series form instead.
    IncidentDraft {
        title: new.title.clone(),
        status: IncidentStatus::Planned,
        severity: Severity::Maintenance,
        start: first.start,
        end: Some(first.end),
        summary: new.summary.clone(),
        text: None,
    }
    .check(None, now)
    .map_err(SeriesError::Invalid)?;
    let mut tx = services.db.begin().await?;
    let id = maintenance_series::insert(
        &mut tx,
        &maintenance_series::NewSeries {
            title: new.title.clone(),
            summary: new.summary.clone(),
            rule: new.rule.to_string(),
            first_start: new.first.strftime("%Y-%m-%dT%H:%M:%S").to_string(),
            duration_minutes: new.duration_minutes,
            silent: new.silent,
            created_by: actor.audit_name(),
        },
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        now,
        &actor.audit_name(),
        None,
        "maintenance_series.created",
        &format!(
            "Recurring maintenance #{id} \"{}\": {} ({}) from {} for {} minutes",
            new.title,
            new.rule.describe(),
            new.rule,
            new.first,
            new.duration_minutes
        ),
    )
    .await?;
    // Today's top-up as a job too: should this instance stop before the top-up below, the
    // job does it, and it keeps the daily chain going.
    enqueue_top_up(&mut tx, id, utc_day(now), now).await?;
    tx.commit().await.map_err(storage::StorageError::from)?;
    services.committed();
    let created = top_up(services, tz, id, now).await?;
    Ok((id, created))
}

fn utc_day(at: Timestamp) -> Date {
    at.to_zoned(TimeZone::UTC).date()
}

async fn enqueue_top_up(
    conn: &mut AnyConnection,
    series_id: i64,
    day: Date,
    now: Timestamp,
) -> storage::Result<()> {
    let due = day
        .to_zoned(TimeZone::UTC)
        .map(|z| z.timestamp())
        .unwrap_or(now);
    let delay = std::time::Duration::try_from(now.duration_until(due)).unwrap_or_default();
    let job = TopUpJob {
        series_id,
        day: day.to_string(),
    };
    jobs::enqueue(
        conn,
        jobs::JobRequest::new(TOP_UP, &job)
            .unique_key(format!("maintenance-series:{series_id}:{day}"))
            .delay(delay),
        now,
    )
    .await?;
    Ok(())
}

/// Creates the occurrences a running series owes at `now` that it has not created yet.
/// Returns how many it created; a stopped series creates none.
#[tracing::instrument(skip_all, fields(series_id = series_id))]
pub async fn top_up(
    services: &Services,
    tz: &TimeZone,
    series_id: i64,
    now: Timestamp,
) -> storage::Result<usize> {
    let mut tx = services.db.begin().await?;
    if !maintenance_series::lock_active(&mut tx, series_id).await? {
        return Ok(0);
    }
    let Some(series) = maintenance_series::get(&mut tx, series_id).await? else {
        return Ok(0);
    };
    let Some(schedule) = schedule_of(&series) else {
        return Ok(0);
    };
    let mut created = 0;
    for occurrence in schedule.due(tz, now) {
        let key = local_key(&occurrence);
        if maintenance_series::has_occurrence(&mut tx, series_id, &key).await? {
            continue;
        }
        let creation = Creation {
            title: series.title.clone(),
            status: IncidentStatus::Planned,
            severity: Severity::Maintenance,
            start: occurrence.start,
            end: Some(occurrence.end),
            summary: series.summary.clone(),
            text: None,
            silent: series.silent,
            notify: true,
        };
        let incident = match create_in(&mut tx, &creator(), &creation, now).await {
            Ok(incident) => incident,
            Err(ChangeError::Invalid(problems)) => {
                // The input rules changed under a stored series; skip rather than retry forever.
                tracing::warn!(occurrence = %key, %problems, "occurrence refused by the input rules; skipped");
                continue;
            }
            Err(ChangeError::Storage(e)) => return Err(e),
            Err(e @ (ChangeError::NotFound(_) | ChangeError::UpdateNotFound(_))) => {
                tracing::error!(error = %e, "creating an occurrence failed");
                continue;
            }
        };
        if !maintenance_series::add_occurrence(&mut tx, series_id, &key, incident.id).await? {
            // Another instance got there under the same lock's predecessor: drop all of ours.
            tracing::info!(occurrence = %key, "occurrence created meanwhile elsewhere");
            return Ok(0);
        }
        created += 1;
    }
    tx.commit().await.map_err(storage::StorageError::from)?;
    if created > 0 {
        tracing::info!(created, "recurring maintenance topped up");
        services.committed();
    }
    Ok(created)
}

/// At start-up: today's top-up job for every running series (a no-op where it is queued or
/// done already), which also restarts a daily chain that a restored database broke.
pub async fn schedule_all(services: &Services) -> storage::Result<usize> {
    let mut tx = services.db.begin().await?;
    let ids = maintenance_series::active_ids(&mut tx).await?;
    let now = Timestamp::now();
    for id in &ids {
        enqueue_top_up(&mut tx, *id, utc_day(now), now).await?;
    }
    tx.commit().await.map_err(storage::StorageError::from)?;
    services.committed();
    Ok(ids.len())
}

/// Runs one day's top-up: queues the next day's first, so that a top-up failing for good does
/// not end the chain.
pub async fn run_top_up(
    services: &Services,
    tz: &TimeZone,
    job: &TopUpJob,
) -> storage::Result<usize> {
    let now = Timestamp::now();
    let day = job.day.parse::<Date>().unwrap_or_else(|_| utc_day(now));
    let next = day.max(utc_day(now)).checked_add(1.day()).ok();
    {
        let mut tx = services.db.begin().await?;
        let running = maintenance_series::get(&mut tx, job.series_id)
            .await?
            .is_some_and(|s| s.active);
        if !running {
            return Ok(0);
        }
        if let Some(next) = next {
            enqueue_top_up(&mut tx, job.series_id, next, now).await?;
        }
        tx.commit().await.map_err(storage::StorageError::from)?;
    }
    top_up(services, tz, job.series_id, now).await
}

/// What stopping did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stopped {
    /// False when it had been stopped already.
    pub stopped: bool,
    /// Announced occurrences cancelled with it (only when asked).
    pub cancelled: usize,
}

/// Stops a series: it creates no more occurrences. Those already announced stay, each a
/// maintenance of its own, unless `cancel_announced`: then those not yet started are cancelled
/// as the admin's "Cancel" would, mails and all.
pub async fn stop(
    services: &Services,
    actor: &Actor,
    series_id: i64,
    cancel_announced: bool,
) -> storage::Result<Option<Stopped>> {
    let now = Timestamp::now();
    let mut tx = services.db.begin().await?;
    let Some(series) = maintenance_series::get(&mut tx, series_id).await? else {
        return Ok(None);
    };
    let stopped = maintenance_series::stop(&mut tx, series_id, now).await?;
    if stopped {
        audit::record(
            &mut tx,
            now,
            &actor.audit_name(),
            None,
            "maintenance_series.stopped",
            &format!(
                "Recurring maintenance #{series_id} \"{}\" stopped{}",
                series.title,
                if cancel_announced {
                    ", its announced occurrences cancelled"
                } else {
                    ""
                }
            ),
        )
        .await?;
    }
    let occurrences = maintenance_series::occurrences(&mut tx, series_id).await?;
    tx.commit().await.map_err(storage::StorageError::from)?;
    services.committed();
    let mut cancelled = 0;
    if cancel_announced {
        for (_, incident_id) in occurrences {
            let Some(incident) =
                incidents::get(&mut *services.db.acquire().await?, incident_id).await?
            else {
                continue;
            };
            if Phase::of(&incident) != Some(Phase::Scheduled) {
                continue;
            }
            let seen = Some(incident.schedule_sequence);
            match super::maintenance::act(services, actor, incident_id, Action::Cancel, seen).await
            {
                Ok(super::incidents::Outcome::Changed(_)) => cancelled += 1,
                Ok(super::incidents::Outcome::Unchanged(_)) => {}
                Err(super::incidents::ClickError::NotFound(_)) => {}
                Err(super::incidents::ClickError::Storage(e)) => return Err(e),
            }
        }
    }
    Ok(Some(Stopped { stopped, cancelled }))
}

/// Registers the handler of [`TOP_UP`]; `services` is filled once the job queue exists.
pub fn register(
    registry: &mut jobs::JobRegistry,
    services: std::sync::Arc<std::sync::OnceLock<Services>>,
    tz: TimeZone,
) {
    registry.register(TOP_UP, move |payload: String| {
        let services = services.clone();
        let tz = tz.clone();
        async move {
            let job: TopUpJob = serde_json::from_str(&payload)
                .map_err(|e| jobs::JobError::permanent(format!("bad payload: {e}")))?;
            let Some(services) = services.get() else {
                return Err(jobs::JobError::retry("monostat is still starting"));
            };
            run_top_up(services, &tz, &job)
                .await
                .map(|_| ())
                .map_err(jobs::JobError::retry)
        }
    });
}

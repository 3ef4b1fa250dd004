//! Runs due jobs: claims them, calls their handler, records what happened.

use super::{JobError, JobResult, RetryPolicy};
use crate::storage::jobs::ClaimedJob;
use crate::storage::{self, Db};
use jiff::{SignedDuration, Timestamp};
use rand::Rng;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

type HandlerFuture = Pin<Box<dyn Future<Output = JobResult> + Send>>;
type Handler = Arc<dyn Fn(String) -> HandlerFuture + Send + Sync>;

/// Which code runs a job of each kind. Later parts of monostat (Slack, mail) add theirs.
#[derive(Default, Clone)]
pub struct JobRegistry {
    handlers: HashMap<&'static str, Handler>,
}

impl JobRegistry {
    /// Registers `handler` for jobs of `kind`; it receives the job's JSON payload.
    pub fn register<F, Fut>(&mut self, kind: &'static str, handler: F) -> &mut Self
    where
        F: Fn(String) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = JobResult> + Send + 'static,
    {
        self.handlers
            .insert(kind, Arc::new(move |payload| Box::pin(handler(payload))));
        self
    }
}

#[derive(Clone, Copy, Debug)]
pub struct WorkerSettings {
    /// Jobs running at once in this process (`NUM_WORKERS`).
    pub concurrency: usize,
    pub retry: RetryPolicy,
    /// How long a claimed job belongs to its worker. A handler gets half of it, so its outcome is
    /// recorded before anybody else may claim the job.
    pub lease: Duration,
    /// How often an idle worker looks for jobs that other instances enqueued.
    pub poll_interval: Duration,
    /// How long shutdown waits for running jobs before returning them to the queue.
    pub shutdown_grace: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            concurrency: crate::config::DEFAULT_NUM_WORKERS,
            retry: RetryPolicy::default(),
            lease: Duration::from_secs(120),
            poll_interval: Duration::from_secs(1),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// How long a job of a kind this binary does not know waits before it is offered again: another
/// instance (a newer version during a rolling upgrade) may know it.
const UNKNOWN_KIND_DELAY: Duration = Duration::from_secs(60);
/// How long the worker waits after the database failed it, so an outage is not a busy loop.
const DATABASE_ERROR_PAUSE: Duration = Duration::from_secs(2);

/// Aborts the handler task when the run is abandoned (shutdown, timeout), so a job handed back to
/// the queue cannot still perform its side effect behind the next worker's back.
struct AbortOnDrop(tokio::task::JoinHandle<JobResult>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The queue's runner, shared by the server and tests.
#[derive(Clone)]
pub struct Jobs {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    handlers: HashMap<&'static str, Handler>,
    settings: WorkerSettings,
    wake: Notify,
    /// Jobs this process is running now, so shutdown can return them.
    running: Mutex<HashMap<i64, ClaimedJob>>,
    /// How attempts ended, by job kind: `done`, `retry`, `failed`.
    outcomes: crate::metrics::Counter<(String, &'static str)>,
}

impl Jobs {
    pub fn new(db: Db, registry: JobRegistry, settings: WorkerSettings) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                handlers: registry.handlers,
                settings,
                wake: Notify::new(),
                running: Mutex::new(HashMap::new()),
                outcomes: Default::default(),
            }),
        }
    }

    /// How this process's job attempts ended, by kind and outcome, for `/metrics`.
    pub fn outcomes(&self) -> Vec<((String, &'static str), u64)> {
        self.inner.outcomes.snapshot()
    }

    /// Tells this process's worker that jobs were committed, so it need not wait for its poll.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// Runs every job that is due now, one after another, until none is left; returns how many
    /// ran. Tests use it to drain the queue instead of sleeping; it is safe alongside the
    /// background worker, since both claim through the same leases.
    pub async fn run_due_jobs(&self) -> storage::Result<usize> {
        let mut ran = 0;
        loop {
            let jobs = self.claim(1).await?;
            if jobs.is_empty() {
                return Ok(ran);
            }
            for job in jobs {
                self.execute(job).await;
                ran += 1;
            }
        }
    }

    /// The background worker: runs jobs as they fall due, at most `concurrency` at once, until
    /// `shutdown` is cancelled. Then it lets running jobs finish for the grace period and
    /// returns the others to the queue.
    pub async fn run(self, shutdown: CancellationToken) {
        let permits = Arc::new(Semaphore::new(self.inner.settings.concurrency.max(1)));
        let mut running = JoinSet::new();
        loop {
            let first = tokio::select! {
                _ = shutdown.cancelled() => break,
                permit = permits.clone().acquire_owned() => match permit {
                    Ok(p) => p,
                    Err(_) => break,
                },
            };
            // Every free slot at once: one claim, one commit, for a whole batch.
            let mut slots = vec![first];
            while let Ok(permit) = permits.clone().try_acquire_owned() {
                slots.push(permit);
            }
            // Reap finished tasks so the set does not grow; their outcome is already recorded.
            while running.try_join_next().is_some() {}
            let wanted = i64::try_from(slots.len()).unwrap_or(1);
            match self.claim(wanted).await {
                Ok(jobs) if !jobs.is_empty() => {
                    for job in jobs {
                        let Some(permit) = slots.pop() else { break };
                        let jobs = self.clone();
                        running.spawn(async move {
                            jobs.execute(job).await;
                            drop(permit);
                        });
                    }
                    drop(slots);
                }
                Ok(_) => {
                    drop(slots);
                    let pause = self.idle_pause().await;
                    tokio::select! {
                        _ = shutdown.cancelled() => break,
                        _ = self.inner.wake.notified() => {}
                        _ = tokio::time::sleep(pause) => {}
                    }
                }
                Err(e) => {
                    drop(slots);
                    tracing::warn!(error = %e, "job queue: cannot claim jobs; will try again");
                    tokio::select! {
                        _ = shutdown.cancelled() => break,
                        _ = tokio::time::sleep(DATABASE_ERROR_PAUSE) => {}
                    }
                }
            }
        }
        self.drain_on_shutdown(running).await;
    }

    async fn drain_on_shutdown(&self, mut running: JoinSet<()>) {
        let grace = self.inner.settings.shutdown_grace;
        let finished = tokio::time::timeout(grace, async {
            while running.join_next().await.is_some() {}
        })
        .await;
        if finished.is_ok() {
            return;
        }
        running.abort_all();
        while running.join_next().await.is_some() {}
        let unfinished: Vec<ClaimedJob> = self.running().drain().map(|(_, job)| job).collect();
        for job in unfinished {
            let result = async {
                let mut conn = self.inner.db.acquire().await?;
                storage::jobs::release(&mut conn, &job, Timestamp::now(), None).await
            }
            .await;
            match result {
                Ok(()) => {
                    tracing::info!(job_id = job.id, kind = %job.kind, "job returned to the queue at shutdown")
                }
                // The lease runs out by itself; the job is claimed again then.
                Err(e) => {
                    tracing::warn!(job_id = job.id, error = %e, "job could not be returned to the queue at shutdown; its lease will expire")
                }
            }
        }
    }

    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<i64, ClaimedJob>> {
        // A poisoned lock only means a task panicked while holding it; the map is still usable.
        self.inner
            .running
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How long to sleep when nothing is due: until the next job falls due, at most one poll.
    async fn idle_pause(&self) -> Duration {
        let poll = self.inner.settings.poll_interval;
        let next = async {
            let mut conn = self.inner.db.acquire().await?;
            storage::jobs::next_due(&mut conn).await
        }
        .await;
        match next {
            Ok(Some(at)) => {
                let until = Timestamp::now().duration_until(at);
                Duration::try_from(until)
                    .unwrap_or(Duration::ZERO)
                    .min(poll)
            }
            _ => poll,
        }
    }

    async fn claim(&self, limit: i64) -> storage::Result<Vec<ClaimedJob>> {
        let now = Timestamp::now();
        let lease = SignedDuration::try_from(self.inner.settings.lease)
            .unwrap_or(SignedDuration::from_secs(120));
        let lease_until = now.checked_add(lease).unwrap_or(now);
        let mut conn = self.inner.db.acquire().await?;
        let jobs =
            storage::jobs::claim_due(&mut conn, self.inner.db.backend(), now, lease_until, limit)
                .await?;
        let mut running = self.running();
        for job in &jobs {
            running.insert(job.id, job.clone());
        }
        Ok(jobs)
    }

    /// Runs one claimed job and records its outcome.
    async fn execute(&self, job: ClaimedJob) {
        let outcome = match self.inner.handlers.get(job.kind.as_str()) {
            None => None,
            Some(handler) => {
                // The handler runs as its own task so that a panic in it becomes a failed
                // attempt instead of a lost job.
                let mut task = AbortOnDrop(tokio::spawn(handler(job.payload.clone())));
                let limit = self.inner.settings.lease / 2;
                Some(match tokio::time::timeout(limit, &mut task.0).await {
                    Ok(Ok(result)) => result,
                    Ok(Err(join_error)) if join_error.is_panic() => {
                        Err(JobError::retry("the job handler panicked"))
                    }
                    Ok(Err(_)) => Err(JobError::retry("the job handler was cancelled")),
                    Err(_) => Err(JobError::retry(format!(
                        "the job handler took longer than {} seconds",
                        limit.as_secs()
                    ))),
                })
            }
        };
        if let Err(e) = self.record(&job, outcome).await {
            // The lease expires and the job runs again: at least once, never lost.
            tracing::warn!(job_id = job.id, kind = %job.kind, error = %e, "job outcome could not be recorded; it will run again when its lease expires");
        }
        self.running().remove(&job.id);
    }

    async fn record(&self, job: &ClaimedJob, outcome: Option<JobResult>) -> storage::Result<()> {
        let now = Timestamp::now();
        let mut conn = self.inner.db.acquire().await?;
        match outcome {
            None => {
                tracing::warn!(job_id = job.id, kind = %job.kind, "no handler for this job kind in this version of monostat; offering it again later");
                let later = now
                    .checked_add(SignedDuration::try_from(UNKNOWN_KIND_DELAY).unwrap_or_default())
                    .unwrap_or(now);
                let note = format!("no handler for job kind {:?}", job.kind);
                storage::jobs::release(&mut conn, job, later, Some(&note)).await
            }
            Some(Ok(())) => {
                self.inner.outcomes.add((job.kind.clone(), "done"));
                tracing::debug!(job_id = job.id, kind = %job.kind, attempt = job.attempt, "job done");
                storage::jobs::mark_done(&mut conn, job, now).await
            }
            Some(Err(JobError::Permanent(error))) => {
                self.inner.outcomes.add((job.kind.clone(), "failed"));
                tracing::error!(job_id = job.id, kind = %job.kind, attempt = job.attempt, %error, "job failed permanently; giving up");
                storage::jobs::mark_failed(&mut conn, job, now, &error).await
            }
            Some(Err(JobError::Retry { error, .. })) if job.attempt >= job.max_attempts => {
                self.inner.outcomes.add((job.kind.clone(), "failed"));
                tracing::error!(job_id = job.id, kind = %job.kind, attempt = job.attempt, %error, "job failed on its last attempt; giving up");
                storage::jobs::mark_failed(&mut conn, job, now, &error).await
            }
            Some(Err(JobError::Retry { error, after })) => {
                self.inner.outcomes.add((job.kind.clone(), "retry"));
                let delay = after.unwrap_or_else(|| {
                    self.inner
                        .settings
                        .retry
                        .delay(job.attempt, rand::rng().random::<f64>())
                });
                let run_at = now
                    .checked_add(SignedDuration::try_from(delay).unwrap_or_default())
                    .unwrap_or(now);
                tracing::warn!(job_id = job.id, kind = %job.kind, attempt = job.attempt, %error, retry_in_ms = delay.as_millis() as u64, "job failed; will retry");
                storage::jobs::schedule_retry(&mut conn, job, run_at, &error).await
            }
        }
    }
}

//! The durable job queue: every outbound side effect (a Slack call, a mail) is a job.
//!
//! A job is a row written in the same transaction as the change it follows from, so a change is
//! never committed without its side effects being owed, and a crash never loses them. Workers
//! inside each `monostat serve` process claim due jobs (leased, so a worker that dies leaves its
//! jobs to be claimed again), run their handler, and record the outcome: done; retried after an
//! exponential backoff with jitter (or after the delay the handler asks for, e.g. Slack's
//! `Retry-After`); or given up after a bounded number of attempts, with the last error kept.
//!
//! Handlers must be idempotent where they can: a job whose worker died after the side effect but
//! before recording it runs again.

mod backoff;
pub mod kinds;
mod worker;

pub use backoff::RetryPolicy;
pub use worker::{JobRegistry, Jobs, WorkerSettings};

use crate::storage::jobs::NewJob;
use crate::storage::{self, AnyConnection};
use jiff::Timestamp;
use std::time::Duration;

/// What a handler reports when a run did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    /// Worth trying again (network error, 5xx, rate limit). `after` overrides the backoff.
    Retry {
        error: String,
        after: Option<Duration>,
    },
    /// Trying again cannot help (the address does not exist, the request is malformed).
    Permanent(String),
}

impl JobError {
    pub fn retry(error: impl std::fmt::Display) -> Self {
        Self::Retry {
            error: error.to_string(),
            after: None,
        }
    }

    pub fn retry_after(error: impl std::fmt::Display, after: Duration) -> Self {
        Self::Retry {
            error: error.to_string(),
            after: Some(after),
        }
    }

    pub fn permanent(error: impl std::fmt::Display) -> Self {
        Self::Permanent(error.to_string())
    }
}

pub type JobResult = Result<(), JobError>;

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct JobRequest {
    kind: &'static str,
    payload: String,
    unique_key: Option<String>,
    sequence_key: Option<String>,
    delay: Duration,
    max_attempts: Option<i32>,
}

impl JobRequest {
    /// A job of `kind` (the name its handler is registered under) carrying `payload` as JSON.
    pub fn new(kind: &'static str, payload: &impl serde::Serialize) -> Self {
        Self {
            kind,
            // Serialising plain data structures cannot fail; a failure would be a programming
            // error caught by every test that enqueues the job.
            payload: serde_json::to_string(payload).unwrap_or_else(|e| {
                tracing::error!(kind, error = %e, "job payload could not be serialised");
                "null".into()
            }),
            unique_key: None,
            sequence_key: None,
            delay: Duration::ZERO,
            max_attempts: None,
        }
    }

    /// Makes enqueueing idempotent: a second job with the same key is not added, even after
    /// the first one has run.
    pub fn unique_key(mut self, key: impl Into<String>) -> Self {
        self.unique_key = Some(key.into());
        self
    }

    /// Runs this job only after every earlier job with the same key has finished (done or given
    /// up), for side effects whose order people see, like replies in one Slack thread.
    pub fn in_sequence(mut self, key: impl Into<String>) -> Self {
        self.sequence_key = Some(key.into());
        self
    }

    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub fn max_attempts(mut self, attempts: i32) -> Self {
        self.max_attempts = Some(attempts.max(1));
        self
    }
}

/// Adds `job` within the caller's transaction. Returns the job's id, or `None` when its unique
/// key was taken. Call [`Jobs::wake`] after committing so this process starts it at once.
pub async fn enqueue(
    conn: &mut AnyConnection,
    job: JobRequest,
    now: Timestamp,
) -> storage::Result<Option<i64>> {
    let run_at = now
        .checked_add(
            jiff::SignedDuration::try_from(job.delay).unwrap_or(jiff::SignedDuration::ZERO),
        )
        .unwrap_or(now);
    storage::jobs::enqueue(
        conn,
        &NewJob {
            kind: job.kind.to_owned(),
            payload: job.payload,
            unique_key: job.unique_key,
            sequence_key: job.sequence_key,
            run_at,
            max_attempts: job
                .max_attempts
                .unwrap_or(RetryPolicy::DEFAULT_MAX_ATTEMPTS),
        },
        now,
    )
    .await
}

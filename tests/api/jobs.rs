//! The durable job queue, through the real server's worker.

use crate::helpers::{Backend, TestApp, TestDatabase, eventually};
use crate::on_both_backends;
use jiff::Timestamp;
use monostat::jobs::{self, JobError, JobRequest, RetryPolicy, WorkerSettings};
use monostat::storage::Db;
use monostat::storage::jobs::{JobRecord, JobState};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

on_both_backends!(
    a_committed_job_runs_with_its_payload,
    a_failing_job_is_retried_with_backoff_and_survives_a_restart,
    a_job_that_keeps_failing_is_given_up_with_its_last_error,
    a_job_may_ask_for_its_retry_delay,
    a_panicking_handler_costs_an_attempt_not_the_job,
    shutdown_returns_a_running_job_to_the_queue,
    a_unique_key_enqueues_a_job_once,
    a_job_of_an_unknown_kind_waits_for_a_worker_that_knows_it,
    two_instances_run_each_job_exactly_once,
    jobs_in_one_sequence_run_in_order_even_when_one_must_retry,
);

async fn jobs_in_one_sequence_run_in_order_even_when_one_must_retry(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let order: Arc<Mutex<Vec<i64>>> = Arc::default();
    let recorded = order.clone();
    let settings = WorkerSettings {
        concurrency: 4,
        ..fast_retries(20)
    };
    let app = TestApp::spawn_with(&db, settings, move |registry| {
        registry.register("test.thread_reply", move |payload: String| {
            let recorded = recorded.clone();
            async move {
                let n: i64 = payload.parse().expect("number");
                // The first reply fails once; the others must wait for it, not overtake it.
                let first_try = !recorded.lock().expect("lock").contains(&-1);
                if n == 0 && first_try {
                    recorded.lock().expect("lock").push(-1);
                    return Err(JobError::retry("Slack is busy"));
                }
                // Later replies finish faster, so only the sequence keeps them in order.
                tokio::time::sleep(Duration::from_millis(((10 - n) * 3) as u64)).await;
                recorded.lock().expect("lock").push(n);
                Ok(())
            }
        });
    })
    .await;

    let mut tx = app.handle.db.begin().await.expect("transaction");
    for n in 0..10 {
        jobs::enqueue(
            &mut tx,
            JobRequest::new("test.thread_reply", &n).in_sequence("slack:incident:7"),
            Timestamp::now(),
        )
        .await
        .expect("enqueue");
    }
    tx.commit().await.expect("commit");
    app.handle.jobs.wake();

    eventually(Duration::from_secs(30), || async {
        (order.lock().expect("lock").len() == 11).then_some(())
    })
    .await;
    assert_eq!(
        *order.lock().expect("lock"),
        vec![-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    );
    app.stop().await;
}

/// A handler for `kind` that succeeds and hands each payload it ran to the returned receiver.
fn delivering(
    kind: &'static str,
) -> (
    impl FnOnce(&mut monostat::jobs::JobRegistry),
    mpsc::UnboundedReceiver<String>,
) {
    let (sent, received) = mpsc::unbounded_channel();
    let register = move |registry: &mut monostat::jobs::JobRegistry| {
        registry.register(kind, move |payload| {
            let sent = sent.clone();
            async move {
                let _ = sent.send(payload);
                Ok(())
            }
        });
    };
    (register, received)
}

async fn enqueue(db: &Db, request: JobRequest) -> Option<i64> {
    let mut tx = db.begin().await.expect("transaction");
    let id = jobs::enqueue(&mut tx, request, Timestamp::now())
        .await
        .expect("enqueue");
    tx.commit().await.expect("commit");
    id
}

async fn job(db: &Db, id: i64) -> JobRecord {
    let mut conn = db.acquire().await.expect("connection");
    monostat::storage::jobs::get(&mut conn, id)
        .await
        .expect("query")
        .expect("the job exists")
}

async fn wait_for_job(db: &Db, id: i64, done: impl Fn(&JobRecord) -> bool) -> JobRecord {
    eventually(Duration::from_secs(20), || async {
        let record = job(db, id).await;
        done(&record).then_some(record)
    })
    .await
}

fn fast_retries(base_ms: u64) -> WorkerSettings {
    WorkerSettings {
        retry: RetryPolicy {
            base_delay: Duration::from_millis(base_ms),
            max_delay: Duration::from_secs(60),
        },
        ..WorkerSettings::default()
    }
}

async fn a_committed_job_runs_with_its_payload(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let (succeeding, mut received) = delivering("test.echo");
    let app = TestApp::spawn_with(&db, WorkerSettings::default(), succeeding).await;

    let id = enqueue(
        &app.handle.db,
        JobRequest::new("test.echo", &serde_json::json!({"incident": 7})),
    )
    .await
    .expect("a new job");
    app.handle.jobs.wake();

    let payload = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .expect("the worker runs the job")
        .expect("payload");
    assert_eq!(payload, r#"{"incident":7}"#);
    let record = wait_for_job(&app.handle.db, id, |j| j.state == JobState::Done).await;
    assert_eq!(record.attempts, 1);
    assert!(record.finished.is_some());
    app.stop().await;
}

async fn a_failing_job_is_retried_with_backoff_and_survives_a_restart(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    // The first instance's mail server refuses everything.
    let first = TestApp::spawn_with(&db, WorkerSettings::default(), |registry| {
        registry.register("test.mail", |_| async {
            Err(JobError::retry("451 4.3.0 mail server busy"))
        });
    })
    .await;
    let id = enqueue(
        &first.handle.db,
        JobRequest::new("test.mail", &"to: a@example.com"),
    )
    .await
    .expect("a new job");
    first.handle.jobs.wake();

    let failed_once = wait_for_job(&first.handle.db, id, |j| {
        j.attempts == 1 && j.locked_until.is_none()
    })
    .await;
    assert_eq!(failed_once.state, JobState::Pending);
    assert_eq!(
        failed_once.last_error.as_deref(),
        Some("451 4.3.0 mail server busy")
    );
    // The default policy waits between 1 and 2 seconds after the first failure.
    let wait = failed_once.run_at.duration_since(failed_once.created);
    assert!(
        wait >= jiff::SignedDuration::from_millis(900)
            && wait <= jiff::SignedDuration::from_millis(2_500),
        "first retry scheduled {wait:?} after the job was created"
    );
    first.stop().await;

    // Nothing in memory survives; the row does.
    let after_stop = Db::connect(&db.database_config()).await.expect("reconnect");
    let kept = job(&after_stop, id).await;
    assert_eq!(kept.state, JobState::Pending);
    assert_eq!(kept.attempts, 1);
    after_stop.close().await;

    // The restarted instance's mail server works again.
    let (succeeding, mut received) = delivering("test.mail");
    let second = TestApp::spawn_with(&db, WorkerSettings::default(), succeeding).await;
    let delivered = tokio::time::timeout(Duration::from_secs(10), received.recv())
        .await
        .expect("the retry runs after the restart")
        .expect("payload");
    assert_eq!(delivered, r#""to: a@example.com""#);
    let done = wait_for_job(&second.handle.db, id, |j| j.state == JobState::Done).await;
    assert_eq!(done.attempts, 2);
    assert_eq!(done.last_error, None);
    second.stop().await;
}

async fn a_job_that_keeps_failing_is_given_up_with_its_last_error(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let attempts = Arc::new(Mutex::new(0));
    let counter = attempts.clone();
    let app = TestApp::spawn_with(&db, fast_retries(10), move |registry| {
        registry.register("test.doomed", move |_| {
            let counter = counter.clone();
            async move {
                let n = {
                    let mut n = counter.lock().expect("lock");
                    *n += 1;
                    *n
                };
                Err(JobError::retry(format!("connection refused (attempt {n})")))
            }
        });
        registry.register("test.marker", |_| async { Ok(()) });
    })
    .await;

    let id = enqueue(
        &app.handle.db,
        JobRequest::new("test.doomed", &()).max_attempts(3),
    )
    .await
    .expect("a new job");
    app.handle.jobs.wake();

    let record = wait_for_job(&app.handle.db, id, |j| j.state == JobState::Failed).await;
    assert_eq!(record.attempts, 3);
    assert_eq!(
        record.last_error.as_deref(),
        Some("connection refused (attempt 3)")
    );
    // Given up means given up: a fourth attempt would fall due 40 ms at most after the third
    // (10 ms doubled twice). A job due later than that runs after it would have, as jobs are
    // taken in the order they fall due; once that job is done, no fourth attempt was made.
    let marker = enqueue(
        &app.handle.db,
        JobRequest::new("test.marker", &()).delay(Duration::from_millis(200)),
    )
    .await
    .expect("a new job");
    app.handle.jobs.wake();
    wait_for_job(&app.handle.db, marker, |j| j.state == JobState::Done).await;
    assert_eq!(*attempts.lock().expect("lock"), 3);
    let record = job(&app.handle.db, id).await;
    assert_eq!((record.state, record.attempts), (JobState::Failed, 3));
    app.stop().await;
}

async fn a_job_may_ask_for_its_retry_delay(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn_with(&db, WorkerSettings::default(), |registry| {
        registry.register("test.ratelimited", |_| async {
            Err(JobError::retry_after(
                "ratelimited",
                Duration::from_secs(30),
            ))
        });
    })
    .await;
    let id = enqueue(&app.handle.db, JobRequest::new("test.ratelimited", &()))
        .await
        .expect("a new job");
    app.handle.jobs.wake();

    let record = wait_for_job(&app.handle.db, id, |j| {
        j.attempts == 1 && j.locked_until.is_none()
    })
    .await;
    let wait = record.run_at.duration_since(Timestamp::now());
    assert!(
        wait > jiff::SignedDuration::from_secs(25) && wait <= jiff::SignedDuration::from_secs(30),
        "retry in {wait:?}, wanted the 30 seconds the handler asked for"
    );
    assert_eq!(record.last_error.as_deref(), Some("ratelimited"));
    app.stop().await;
}

async fn a_panicking_handler_costs_an_attempt_not_the_job(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn_with(&db, WorkerSettings::default(), |registry| {
        registry.register("test.buggy", |payload: String| async move {
            let index: usize = payload.len() + 100;
            let bytes = payload.as_bytes();
            // A bug: indexing out of bounds.
            let _ = bytes[index];
            Ok(())
        });
    })
    .await;
    let id = enqueue(&app.handle.db, JobRequest::new("test.buggy", &()))
        .await
        .expect("a new job");
    app.handle.jobs.wake();

    let record = wait_for_job(&app.handle.db, id, |j| {
        j.attempts == 1 && j.locked_until.is_none()
    })
    .await;
    assert_eq!(record.state, JobState::Pending);
    assert_eq!(
        record.last_error.as_deref(),
        Some("the job handler panicked")
    );
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "the server survives"
    );
    app.stop().await;
}

async fn shutdown_returns_a_running_job_to_the_queue(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let (started, mut has_started) = mpsc::unbounded_channel();
    let settings = WorkerSettings {
        shutdown_grace: Duration::from_millis(200),
        ..WorkerSettings::default()
    };
    let app = TestApp::spawn_with(&db, settings, move |registry| {
        registry.register("test.slow", move |_| {
            let started = started.clone();
            async move {
                let _ = started.send(());
                tokio::time::sleep(Duration::from_secs(3600)).await;
                Ok(())
            }
        });
    })
    .await;
    let id = enqueue(&app.handle.db, JobRequest::new("test.slow", &()))
        .await
        .expect("a new job");
    app.handle.jobs.wake();
    tokio::time::timeout(Duration::from_secs(10), has_started.recv())
        .await
        .expect("the job starts");

    let db_handle = Db::connect(&db.database_config()).await.expect("connect");
    app.stop().await;

    let record = job(&db_handle, id).await;
    assert_eq!(record.state, JobState::Pending);
    assert_eq!(
        record.attempts, 0,
        "an interrupted run does not count as an attempt"
    );
    assert_eq!(
        record.locked_until, None,
        "free for the next instance to claim at once"
    );
    db_handle.close().await;
}

async fn a_unique_key_enqueues_a_job_once(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let request = || {
        JobRequest::new("test.unregistered", &1)
            .unique_key("mail:incident-1:confirmed:subscriber-9")
    };

    let first = enqueue(&app.handle.db, request()).await;
    let second = enqueue(&app.handle.db, request()).await;

    assert!(first.is_some());
    assert_eq!(second, None);
    let mut conn = app.handle.db.acquire().await.expect("connection");
    assert_eq!(
        monostat::storage::jobs::pending_count(&mut conn)
            .await
            .expect("count"),
        1
    );
    drop(conn);
    app.stop().await;
}

async fn a_job_of_an_unknown_kind_waits_for_a_worker_that_knows_it(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let id = enqueue(&app.handle.db, JobRequest::new("from.a.newer.version", &()))
        .await
        .expect("a new job");

    app.handle.jobs.wake();

    let record = wait_for_job(&app.handle.db, id, |j| {
        j.last_error.is_some() && j.locked_until.is_none()
    })
    .await;
    assert_eq!(record.state, JobState::Pending);
    assert_eq!(record.attempts, 0);
    assert!(record.run_at > Timestamp::now() + jiff::SignedDuration::from_secs(50));
    assert!(
        record
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("no handler")
    );
    app.stop().await;
}

async fn two_instances_run_each_job_exactly_once(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let runs: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let register = |runs: Arc<Mutex<HashMap<String, usize>>>| {
        move |registry: &mut monostat::jobs::JobRegistry| {
            registry.register("test.count", move |payload| {
                let runs = runs.clone();
                async move {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    *runs.lock().expect("lock").entry(payload).or_default() += 1;
                    Ok(())
                }
            });
        }
    };
    let settings = WorkerSettings {
        concurrency: 4,
        ..WorkerSettings::default()
    };
    let a = TestApp::spawn_with(&db, settings, register(runs.clone())).await;
    let b = TestApp::spawn_with(&db, settings, register(runs.clone())).await;

    let mut tx = a.handle.db.begin().await.expect("transaction");
    for n in 0..60 {
        jobs::enqueue(&mut tx, JobRequest::new("test.count", &n), Timestamp::now())
            .await
            .expect("enqueue");
    }
    tx.commit().await.expect("commit");
    a.handle.jobs.wake();
    b.handle.jobs.wake();

    eventually(Duration::from_secs(30), || async {
        let mut conn = a.handle.db.acquire().await.expect("connection");
        let pending = monostat::storage::jobs::pending_count(&mut conn)
            .await
            .expect("count");
        (pending == 0).then_some(())
    })
    .await;
    let runs = runs.lock().expect("lock").clone();
    assert_eq!(runs.len(), 60, "every job ran");
    assert!(
        runs.values().all(|n| *n == 1),
        "some job ran twice: {runs:?}"
    );
    a.stop().await;
    b.stop().await;
}

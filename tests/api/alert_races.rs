//! Alerts racing people: a click in Slack while a huge delivery is applied, an alert's close while
//! a person confirms, an alert firing while a person dismisses. Connections of the test's own
//! hold the database where each race needs it, so the race happens every time.

use crate::fake_slack::FakeSlack;
use crate::helpers::{Backend, TestApp, TestDatabase, postgres_available};
use crate::on_both_backends;
use crate::slack_http::{CONFIRM, app_with_slack, suspected_incident};
use monostat::domain::IncidentStatus;
use monostat::storage::{alerts, incidents};
use sqlx::{Connection, Executor};
use std::time::Duration;

const CLOSE: &str = include_str!("../fixtures/opsgenie_close.json");
const CREATE: &str = include_str!("../fixtures/opsgenie_create.json");
const DISMISS: &str = include_str!("../fixtures/slack_block_actions_dismiss.json");

on_both_backends!(a_confirm_click_during_a_1_mib_alertmanager_delivery_confirms);

/// Delivers `body` to the hook of `source` in a task of its own; the answer.
async fn deliver(
    app: &TestApp,
    source: &'static str,
    body: String,
) -> tokio::task::JoinHandle<(u16, String)> {
    let hooks = app.hooks().await;
    tokio::spawn(async move {
        match source {
            "opsgenie" => hooks.opsgenie(body).await,
            _ => hooks.alertmanager(body).await,
        }
    })
}

/// As many alerts of `status` as fit in the hook's 1 MiB, each as small as Alertmanager allows;
/// the same fingerprints every time.
fn one_mib_of_alerts(status: &str) -> String {
    let alerts: Vec<String> = (0..ALERTS_PER_MIB)
        .map(|n| format!(r#"{{"status":"{status}","fingerprint":"{n:04x}"}}"#))
        .collect();
    let body = format!(r#"{{"alerts":[{}]}}"#, alerts.join(","));
    assert!(
        body.len() > 990_000 && body.len() <= 1024 * 1024,
        "{} bytes",
        body.len()
    );
    body
}

const ALERTS_PER_MIB: i64 = 24_300;

/// A connection of the test's own that asks, without waiting, whether a transaction holds the
/// alert intake lock (on SQLite, the database's write lock) right now.
struct IntakeProbe {
    conn: sqlx::AnyConnection,
    backend: Backend,
}

impl IntakeProbe {
    async fn connect(db: &TestDatabase) -> IntakeProbe {
        sqlx::any::install_default_drivers();
        let url = match db.backend {
            Backend::Sqlite => format!(
                "sqlite://{}?mode=rw",
                db.data_dir.path().join("monostat.db").display()
            ),
            Backend::Postgres => db.postgres_url().expect("a PostgreSQL database"),
        };
        let mut conn = sqlx::AnyConnection::connect(&url).await.expect("connect");
        if db.backend == Backend::Sqlite {
            conn.execute("PRAGMA busy_timeout = 0")
                .await
                .expect("no waiting");
        }
        IntakeProbe {
            conn,
            backend: db.backend,
        }
    }

    async fn intake_is_locked(&mut self) -> bool {
        let (begin, take) = match self.backend {
            Backend::Sqlite => ("BEGIN IMMEDIATE", None),
            Backend::Postgres => (
                "BEGIN",
                Some("SELECT name FROM locks WHERE name = 'alert_intake' FOR UPDATE NOWAIT"),
            ),
        };
        let mut locked = match self.conn.execute(begin).await {
            Ok(_) => false,
            Err(e) if e.to_string().contains("locked") => return true,
            Err(e) => panic!("probe: {e}"),
        };
        if let Some(take) = take {
            locked = match self.conn.execute(take).await {
                Ok(_) => false,
                Err(e) if e.to_string().contains("could not obtain lock") => true,
                Err(e) => panic!("probe: {e}"),
            };
        }
        self.conn.execute("ROLLBACK").await.expect("rollback");
        locked
    }
}

/// The delivery that closes 24,000 alerts of the incident (1 MiB) runs while the on-call clicks
/// Confirm: the click is answered and counts, and the closes after it leave the confirmed
/// incident open for a person to resolve.
async fn a_confirm_click_during_a_1_mib_alertmanager_delivery_confirms(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    let incident = suspected_incident(&app).await;
    let firing = deliver(&app, "alertmanager", one_mib_of_alerts("firing")).await;
    assert_eq!(firing.await.expect("task"), (200, "OK".to_owned()));

    let resolving = deliver(&app, "alertmanager", one_mib_of_alerts("resolved")).await;
    let mut probe = IntakeProbe::connect(&db).await;
    let waited = tokio::time::Instant::now();
    while !probe.intake_is_locked().await {
        assert!(
            !resolving.is_finished(),
            "the delivery ended before it was seen holding the lock"
        );
        assert!(waited.elapsed() < Duration::from_secs(60), "no delivery");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let clicked = app.slack_click(CONFIRM, incident.id).await;

    assert_eq!(clicked.0, 200, "the click is answered: {clicked:?}");
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let confirmed = incidents::get(&mut conn, incident.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(confirmed.status, IncidentStatus::Confirmed);
    drop(conn);
    assert_eq!(resolving.await.expect("task"), (200, "OK".to_owned()));

    // Every alert of the deliveries is the incident's, closed but for OpsGenie's; the incident
    // is still confirmed and the only one.
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let all = incidents::all(&mut conn).await.expect("all");
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].status, IncidentStatus::Confirmed);
    assert_eq!(
        alerts::counts_for_incident(&mut conn, incident.id)
            .await
            .expect("counts"),
        (ALERTS_PER_MIB + 1, 1)
    );
    drop(conn);
    app.stop().await;
}

/// Waits until `n` connections to the test's database wait for a lock.
async fn lock_waiters(db: &TestDatabase, n: i64) {
    let url = db.postgres_url().expect("PostgreSQL");
    let mut conn = sqlx::AnyConnection::connect(&url).await.expect("connect");
    let waited = tokio::time::Instant::now();
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .fetch_one(&mut conn)
        .await
        .expect("pg_stat_activity");
        if waiting >= n {
            return;
        }
        assert!(
            waited.elapsed() < Duration::from_secs(30),
            "{waiting} of {n} waiting"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A transaction of the test's own holding `table` against writers until it is committed.
async fn hold_writes_to(db: &TestDatabase, table: &str) -> sqlx::AnyConnection {
    sqlx::any::install_default_drivers();
    let url = db.postgres_url().expect("PostgreSQL");
    let mut conn = sqlx::AnyConnection::connect(&url).await.expect("connect");
    conn.execute("BEGIN").await.expect("begin");
    conn.execute(sqlx::AssertSqlSafe(format!(
        "LOCK TABLE {table} IN SHARE MODE"
    )))
    .await
    .expect("lock");
    conn
}

async fn actions(app: &TestApp, incident_id: i64) -> Vec<(String, String)> {
    app.audit_of(incident_id)
        .await
        .into_iter()
        .map(|e| (e.actor, e.action))
        .collect()
}

/// Lets the click run until it waits for a lock (the test's barrier); the request is then
/// being handled by the server, and `click` goes on when polled again.
async fn until_it_waits<F: std::future::Future<Output = (u16, String)>>(
    db: &TestDatabase,
    click: std::pin::Pin<&mut F>,
) {
    tokio::select! {
        answer = click => panic!("the click did not wait for the barrier: {answer:?}"),
        () = lock_waiters(db, 1) => {}
    }
}

/// The Confirm has changed the incident's row and waits (for the test) to write its public
/// update; the Close of the incident's last alert arrives then. It must wait for the Confirm and
/// see it, not decide on the suspicion it read before and write "dismissed" over "confirmed".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alerts_close_racing_a_confirm_leaves_the_incident_confirmed() {
    if !postgres_available() {
        return;
    }
    let db = TestDatabase::new(Backend::Postgres).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    let incident = suspected_incident(&app).await;

    let mut barrier = hold_writes_to(&db, "incident_updates").await;
    let (clicked, closed) = {
        let confirm = app.slack_click(CONFIRM, incident.id);
        tokio::pin!(confirm);
        until_it_waits(&db, confirm.as_mut()).await;
        let close = deliver(&app, "opsgenie", CLOSE.to_owned()).await;
        lock_waiters(&db, 2).await;
        barrier.execute("COMMIT").await.expect("commit");
        (confirm.await, close.await.expect("task"))
    };

    assert_eq!(clicked.0, 200);
    assert_eq!(closed, (200, "OK".to_owned()));
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let after = incidents::get(&mut conn, incident.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(after.status, IncidentStatus::Confirmed);
    let statuses: Vec<_> = incidents::updates(&mut conn, incident.id)
        .await
        .expect("updates")
        .into_iter()
        .filter_map(|u| u.new_status)
        .collect();
    assert_eq!(statuses, vec![IncidentStatus::Confirmed]);
    drop(conn);
    let actions = actions(&app, incident.id).await;
    assert!(
        actions.contains(&("slack:jdoe".into(), "incident.confirmed".into()))
            && actions.contains(&("opsgenie".into(), "incident.all_alerts_closed".into()))
            && !actions
                .iter()
                .any(|(_, action)| action == "incident.dismissed"),
        "{actions:?}"
    );
    app.stop().await;
}

/// A person dismisses the suspicion while a new alert fires. The alert must not join the
/// incident that has just been dismissed, where nobody would hear of it: it opens a new one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alert_firing_while_a_person_dismisses_opens_a_new_incident() {
    if !postgres_available() {
        return;
    }
    let db = TestDatabase::new(Backend::Postgres).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    let incident = suspected_incident(&app).await;
    let new_alert = CREATE.replace("3b9f2c1e-fake-4a7d-9c2e-0000000a1e01", "a-new-alert");

    let mut barrier = hold_writes_to(&db, "audit_log").await;
    let (clicked, created) = {
        let dismiss = app.slack_click(DISMISS, incident.id);
        tokio::pin!(dismiss);
        until_it_waits(&db, dismiss.as_mut()).await;
        let create = deliver(&app, "opsgenie", new_alert).await;
        lock_waiters(&db, 2).await;
        barrier.execute("COMMIT").await.expect("commit");
        (dismiss.await, create.await.expect("task"))
    };

    assert_eq!(clicked.0, 200);
    assert_eq!(created, (200, "OK".to_owned()));
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let all = incidents::all(&mut conn).await.expect("all");
    let statuses: Vec<_> = all.iter().map(|i| (i.id, i.status)).collect();
    assert_eq!(
        statuses,
        vec![
            (incident.id, IncidentStatus::Dismissed),
            (all[1].id, IncidentStatus::Suspected)
        ]
    );
    let found = alerts::find(&mut conn, "opsgenie", "a-new-alert")
        .await
        .expect("find")
        .expect("stored");
    assert_eq!(found.incident_id, all[1].id);
    drop(conn);
    app.stop().await;
}

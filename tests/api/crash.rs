//! A server killed with SIGKILL in the middle of mailing 2,000 subscribers, then started
//! again: every subscriber gets the mail, and nothing is queued twice.

use crate::helpers::{Backend, SmtpSink, TestDatabase, eventually};
use crate::on_both_backends;
use monostat::changes::Changes;
use monostat::domain::{IncidentStatus, Severity};
use monostat::jobs::{JobRegistry, Jobs, WorkerSettings};
use monostat::service::Services;
use monostat::service::incidents::{self, Actor, Creation};
use monostat::storage::Db;
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const SUBSCRIBERS: i64 = 2_000;
const WORKERS: usize = 16;

fn serve(db: &TestDatabase, sink: &SmtpSink) -> Child {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    Command::new(env!("CARGO_BIN_EXE_monostat"))
        .env_clear()
        .envs(db.env())
        .env("MONOSTAT_LISTEN", format!("127.0.0.1:{port}"))
        .env("MONOSTAT_MAIL_HOST", "127.0.0.1")
        .env("MONOSTAT_MAIL_PORT", sink.port.to_string())
        .env("MONOSTAT_MAIL_FROM", "status@example.com")
        .env("NUM_WORKERS", WORKERS.to_string())
        // The jobs the killed server was running wait out their lease before another run.
        .env("MONOSTAT_JOB_LEASE_SECONDS", "10")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("monostat starts")
}

async fn a_fan_out_survives_sigkill(backend: Backend) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let store = Db::connect(&db.database_config()).await.expect("connect");
    store.migrate().await.expect("migrate");
    {
        let mut conn = store.acquire().await.expect("conn");
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO subscribers (email, active, token, created_at)
             SELECT 'subscriber' || CAST(n AS TEXT) || '@example.com', 1, 'token' || CAST(n AS TEXT), 0
             FROM (WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {SUBSCRIBERS})
                   SELECT n FROM seq) AS numbers"
        )))
        .execute(&mut *conn)
        .await
        .expect("subscribers");
    }
    let mut server = serve(&db, &sink);

    // A person confirms an incident: the same use case Slack and the admin pages call.
    let services = Services {
        db: store.clone(),
        jobs: Jobs::new(
            store.clone(),
            JobRegistry::default(),
            WorkerSettings::default(),
        ),
        changes: Changes::new(),
    };
    let actor = Actor {
        via: "admin",
        name: "ops".into(),
    };
    incidents::create(
        &services,
        &actor,
        &Creation {
            title: "Checkout is failing".into(),
            status: IncidentStatus::Confirmed,
            severity: Severity::Outage,
            start: jiff::Timestamp::now(),
            summary: None,
            text: None,
            end: None,
            silent: false,
            notify: true,
        },
    )
    .await
    .expect("create");

    // Kill it somewhere in the middle.
    eventually(Duration::from_secs(60), || async {
        (sink.mails().len() >= 300).then_some(())
    })
    .await;
    server.kill().expect("SIGKILL");
    server.wait().expect("reaped");
    let at_kill = sink.mails().len();
    assert!(
        at_kill < SUBSCRIBERS as usize,
        "killed after the fan-out had finished ({at_kill} mails)"
    );

    let mut server = serve(&db, &sink);
    eventually(Duration::from_secs(120), || async {
        let mut conn = store.acquire().await.ok()?;
        let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE state <> 'done'")
            .fetch_one(&mut *conn)
            .await
            .ok()?;
        (pending == 0 && sink.mails().len() >= SUBSCRIBERS as usize).then_some(())
    })
    .await;
    // Every job is done, so every mail was accepted by the sink (it writes before it answers);
    // a stop as SIGTERM asks, which lets running jobs finish, makes sure no second copy of one
    // is still on its way when the mails are counted.
    let stopped = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(stopped.success());
    let status = tokio::task::spawn_blocking(move || server.wait())
        .await
        .expect("wait task")
        .expect("reaped");
    assert!(status.success(), "stopped cleanly: {status}");

    let mut ids_by_recipient: HashMap<String, Vec<String>> = HashMap::new();
    for mail in sink.mails() {
        let to = mail["rcpt_tos"][0].as_str().expect("recipient").to_owned();
        let id = mail["headers"]["Message-ID"]
            .as_str()
            .expect("Message-ID")
            .to_owned();
        ids_by_recipient.entry(to).or_default().push(id);
    }
    assert_eq!(
        ids_by_recipient.len(),
        SUBSCRIBERS as usize,
        "every subscriber got the mail"
    );
    let resent: usize = ids_by_recipient.values().map(|ids| ids.len() - 1).sum();
    for (to, ids) in &ids_by_recipient {
        assert!(
            ids.iter().all(|id| id == &ids[0]),
            "{to} got two different mails: {ids:?}"
        );
    }
    // Only a mail the server had handed over but not yet recorded as sent when it died can go
    // out again, byte for byte with the same Message-ID: at most one per job it was running.
    assert!(
        resent <= WORKERS,
        "{resent} mails went out twice; at most {WORKERS} were in flight"
    );
    let queued: i64 = {
        let mut conn = store.acquire().await.expect("conn");
        sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE kind = 'mail.notification'")
            .fetch_one(&mut *conn)
            .await
            .expect("count")
    };
    assert_eq!(
        queued, SUBSCRIBERS,
        "one mail job per subscriber, none queued twice"
    );
    eprintln!("killed after {at_kill} mails; {resent} sent again after the restart");
    store.close().await;
}

on_both_backends!(a_fan_out_survives_sigkill);

//! The watch on the watcher, through real servers and a fake Slack: heartbeats (and
//! Alertmanager's Watchdog) keep monitoring alive; silence posts one message to the team's
//! channel and the next ping one reply in its thread, with two instances on one database and
//! across a restart; a suspected incident nobody confirmed gets one nudge in its thread,
//! broadcast to the channel.

use crate::fake_slack::{Call, Failure, FakeSlack};
use crate::helpers::{Backend, TestApp, TestDatabase, answer, eventually};
use crate::maintenance_clock::admin;
use crate::on_both_backends;
use jiff::SignedDuration;
use monostat::domain::{IncidentStatus, Severity};
use monostat::jobs::WorkerSettings;
use monostat::service::incidents;
use monostat::storage::integrations::{self, IntegrationSettings};
use std::time::{Duration, Instant};

const QUIET: &str = "Monitoring has gone quiet:";
const BACK: &str = "Monitoring is back:";
const NUDGE: &str = "Nobody has confirmed this suspected incident";
const WAS_QUIET: &str = "Monitoring was quiet* from";

on_both_backends!(
    silence_posts_one_message_and_pings_one_reply_with_two_instances,
    the_watchdog_keeps_monitoring_alive_and_opens_no_incident,
    without_a_first_ping_there_is_no_watch_and_wrong_secrets_are_no_pings,
    when_slack_lost_the_quiet_message_the_channel_is_told_the_silence_afterwards,
    a_silence_over_before_slack_took_its_message_is_told_once_in_the_past_tense,
    monostat_down_longer_than_the_grace_is_not_blamed_on_monitoring,
    one_suspicion_that_cannot_be_nudged_does_not_keep_the_others_from_theirs,
    an_unconfirmed_suspicion_is_nudged_once_in_its_thread_with_two_instances,
    nudges_are_off_at_zero_and_follow_the_setting,
);

async fn start(db: &TestDatabase, slack: &FakeSlack) -> TestApp {
    let slack = slack.clone();
    TestApp::spawn_configured(
        db,
        |config| slack.configure(config),
        WorkerSettings::default(),
        |_| {},
    )
    .await
}

/// The watch's settings, as the admin's hook page saves them.
async fn set_watch(app: &TestApp, interval: i64, grace: i64, nudge_minutes: i64) {
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let mut settings = integrations::get(&mut conn).await.expect("settings");
    settings = IntegrationSettings {
        heartbeat_interval_seconds: interval,
        heartbeat_grace_seconds: grace,
        nudge_minutes,
        ..settings
    };
    integrations::save(&mut conn, &settings)
        .await
        .expect("saved");
}

fn heartbeat_url(app: &TestApp, token: &str) -> String {
    format!("{}/integrations/heartbeat/{token}", app.base_url)
}

/// The heartbeat's own token, as the admin's hook page shows it in the URL.
async fn heartbeat_token(app: &TestApp) -> String {
    monostat::settings::heartbeat_token(&app.hook_secret().await)
}

/// A ping as cron's `curl` sends it (GET), or as a push monitor does (POST with a body).
async fn ping(app: &TestApp, post: bool) -> (u16, String) {
    let url = heartbeat_url(app, &heartbeat_token(app).await);
    let request = if post {
        app.client
            .post(format!("{url}/"))
            .body(r#"{"status":"up","msg":"OK"}"#)
    } else {
        app.client.get(url)
    };
    answer(request.send().await.expect("ping sent")).await
}

/// Alertmanager's always-firing Watchdog, alone in its delivery as its own route sends it.
const WATCHDOG: &str = r#"{"version":"4","status":"firing","receiver":"monostat-watchdog",
  "groupLabels":{"alertname":"Watchdog"},"alerts":[{"status":"firing","fingerprint":"e4a7c0ffee000001",
  "labels":{"alertname":"Watchdog","severity":"none"},
  "annotations":{"summary":"An alert that should always be firing to certify that Alertmanager is working properly."},
  "startsAt":"2026-11-30T08:00:00Z","endsAt":"0001-01-01T00:00:00Z"}]}"#;

/// Messages the channel shows whose text starts with `words` (after an emoji).
fn said(slack: &FakeSlack, words: &str) -> Vec<Call> {
    slack
        .accepted("chat.postMessage")
        .into_iter()
        .filter(|c| c.body["text"].as_str().is_some_and(|t| t.contains(words)))
        .collect()
}

async fn incident_count(app: &TestApp) -> i64 {
    let mut conn = app.handle.db.acquire().await.expect("conn");
    sqlx::query_scalar("SELECT COUNT(*) FROM incidents")
        .fetch_one(&mut *conn)
        .await
        .expect("count")
}

/// Pings every second for `seconds`, alternating between `apps` and between GET and POST.
async fn keep_pinging(apps: &[&TestApp], seconds: usize) -> Instant {
    for i in 0..seconds {
        assert_eq!(
            ping(apps[i % apps.len()], i % 2 == 1).await,
            (200, "OK".into())
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let last = Instant::now();
    assert_eq!(ping(apps[0], false).await, (200, "OK".into()));
    last
}

async fn silence_posts_one_message_and_pings_one_reply_with_two_instances(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let a = start(&db, &slack).await;
    let b = start(&db, &slack).await;
    set_watch(&a, 1, 3, 0).await;

    // Pings every second with a 3 s grace: nothing to say.
    let last = keep_pinging(&[&a, &b], 6).await;
    assert!(said(&slack, QUIET).is_empty(), "quiet while pinged");

    // Silence: one message within interval + grace + a few seconds, from one of the two.
    let deadline = last + Duration::from_secs(1 + 3);
    let message = eventually(Duration::from_secs(20), || async {
        said(&slack, QUIET).into_iter().next()
    })
    .await;
    let late = message.at.saturating_duration_since(deadline);
    // Nor too early: `last` is taken after the ping was answered, so the ping itself was a
    // little earlier; a second of room covers that and the clocks' granularity.
    let early = deadline.saturating_duration_since(message.at);
    assert!(
        early < Duration::from_secs(1),
        "reported {early:?} before interval + grace had passed"
    );
    eprintln!(
        "[timing] {backend:?}: two instances; silence reported {:?} after interval + grace ({:?} after the last ping)",
        late,
        message.at.duration_since(last)
    );
    // "A few seconds": a loaded CI machine gets some room over the second or so measured.
    assert!(late < Duration::from_secs(5), "reported {late:?} late");
    assert_eq!(message.body["channel"], "C0FAKECHAN1");
    assert!(message.body.get("thread_ts").is_none(), "in the channel");
    let text = message.body["text"].as_str().expect("text");
    assert!(
        text.contains("ago); the status page cannot notice outages until it is back."),
        "{text}"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(said(&slack, QUIET).len(), 1, "one message per silence");
    assert_eq!(incident_count(&a).await, 0, "no incident, nothing public");

    // Pings resume: one reply in the message's thread.
    let resumed = Instant::now();
    assert_eq!(ping(&b, true).await, (200, "OK".into()));
    let reply = eventually(Duration::from_secs(20), || async {
        said(&slack, BACK).into_iter().next()
    })
    .await;
    eprintln!(
        "[timing] {backend:?}: recovery reply {:?} after the first ping",
        reply.at.duration_since(resumed)
    );
    assert_eq!(reply.body["thread_ts"], message.answer["ts"]);
    let text = reply.body["text"].as_str().expect("text");
    assert!(text.contains("of silence."), "{text}");
    // Pinged on, both instances hear nothing more to say.
    keep_pinging(&[&a, &b], 3).await;
    assert_eq!(said(&slack, BACK).len(), 1, "one reply");
    assert_eq!(said(&slack, QUIET).len(), 1, "no second silence");

    a.stop().await;
    b.stop().await;
}

async fn the_watchdog_keeps_monitoring_alive_and_opens_no_incident(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = start(&db, &slack).await;
    set_watch(&app, 1, 3, 0).await;
    let hooks = app.hooks().await;

    for _ in 0..7 {
        assert_eq!(hooks.alertmanager(WATCHDOG).await, (200, "OK".into()));
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    assert!(
        said(&slack, QUIET).is_empty(),
        "the Watchdog is a heartbeat"
    );
    assert_eq!(incident_count(&app).await, 0, "and no alert");

    // When the Watchdog stops, so does monitoring; a restart does not say it twice; when the
    // Watchdog fires again, monitoring is back.
    eventually(Duration::from_secs(20), || async {
        said(&slack, QUIET).into_iter().next()
    })
    .await;
    app.stop().await;
    let app = start(&db, &slack).await;
    let hooks = app.hooks().await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(said(&slack, QUIET).len(), 1, "once across restarts");
    assert_eq!(hooks.alertmanager(WATCHDOG).await, (200, "OK".into()));
    eventually(Duration::from_secs(20), || async {
        said(&slack, BACK).into_iter().next()
    })
    .await;
    assert_eq!(incident_count(&app).await, 0);

    // With a real alert in the same delivery, the real one opens an incident.
    let both = WATCHDOG.replace(
        r#""alerts":["#,
        r#""alerts":[{"status":"firing","fingerprint":"5h0pd0wn","labels":{"alertname":"ShopDown"},
            "annotations":{"summary":"Shop is down"}},"#,
    );
    assert_eq!(hooks.alertmanager(both).await, (200, "OK".into()));
    let incident = app.only_incident().await;
    assert_eq!(incident.status, IncidentStatus::Suspected);
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let alerts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM incoming_alerts")
        .fetch_one(&mut *conn)
        .await
        .expect("count");
    assert_eq!(alerts, 1, "the Watchdog is never an alert");
    drop(conn);
    app.stop().await;
}

async fn without_a_first_ping_there_is_no_watch_and_wrong_secrets_are_no_pings(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = start(&db, &slack).await;
    set_watch(&app, 1, 0, 0).await;
    let wrong = heartbeat_url(&app, "not-the-secret");
    let (status, _) = answer(app.client.get(&wrong).send().await.expect("sent")).await;
    assert_eq!(status, 403);
    let (status, _) = answer(app.client.post(&wrong).send().await.expect("sent")).await;
    assert_eq!(status, 403);
    // The hook secret is not the heartbeat's token, and the heartbeat's token fires no alert:
    // a heartbeat URL leaked from a crontab or a proxy log cannot open incidents.
    let secret = app.hook_secret().await;
    let with_secret = heartbeat_url(&app, &secret);
    let (status, _) = answer(app.client.get(&with_secret).send().await.expect("sent")).await;
    assert_eq!(status, 403, "the hook secret is no heartbeat token");
    let token = heartbeat_token(&app).await;
    for hook in ["opsgenie", "alertmanager", "webhook", "jsm", "grafana"] {
        let url = format!("{}/integrations/{hook}/hook/{token}", app.base_url);
        let (status, _) = answer(
            app.client
                .post(&url)
                .body(include_str!("../fixtures/opsgenie_create.json"))
                .send()
                .await
                .expect("sent"),
        )
        .await;
        assert_eq!(status, 403, "the heartbeat token on the {hook} hook");
    }
    assert_eq!(incident_count(&app).await, 0);
    tokio::time::sleep(Duration::from_secs(4)).await;
    app.settle().await;
    assert!(said(&slack, QUIET).is_empty(), "off until the first ping");
    app.stop().await;
}

async fn when_slack_lost_the_quiet_message_the_channel_is_told_the_silence_afterwards(
    backend: Backend,
) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = start(&db, &slack).await;
    set_watch(&app, 1, 1, 0).await;
    // The channel was archived when the silence was to be reported: Slack takes nothing.
    slack.fail_next("chat.postMessage", Failure::Error("is_archived"));
    assert_eq!(ping(&app, false).await, (200, "OK".into()));
    eventually(Duration::from_secs(20), || async {
        (!slack.calls_to("chat.postMessage").is_empty()).then_some(())
    })
    .await;
    app.settle().await;
    assert!(said(&slack, QUIET).is_empty());

    assert_eq!(ping(&app, true).await, (200, "OK".into()));
    let told = eventually(Duration::from_secs(20), || async {
        said(&slack, WAS_QUIET).into_iter().next()
    })
    .await;
    assert!(told.body.get("thread_ts").is_none(), "{:?}", told.body);
    assert_eq!(told.body["channel"], "C0FAKECHAN1");
    app.settle().await;
    assert!(
        said(&slack, BACK).is_empty(),
        "no reply to a message nobody saw"
    );
    app.stop().await;
}

/// Slack took nothing until monitoring was back (down, or the job late): "has gone quiet" would
/// be false by then, and a "back" reply would answer nothing. One channel message tells the
/// silence in the past tense.
async fn a_silence_over_before_slack_took_its_message_is_told_once_in_the_past_tense(
    backend: Backend,
) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = start(&db, &slack).await;
    set_watch(&app, 1, 1, 0).await;
    slack.fail_next("chat.postMessage", Failure::RateLimited { retry_after: 4 });
    assert_eq!(ping(&app, false).await, (200, "OK".into()));
    eventually(Duration::from_secs(20), || async {
        (!slack.calls_to("chat.postMessage").is_empty()).then_some(())
    })
    .await;
    // Monitoring is back while the quiet message waits for Slack (and then pings hourly, so
    // no second silence begins while this test looks).
    set_watch(&app, 3_600, 0, 0).await;
    assert_eq!(ping(&app, true).await, (200, "OK".into()));
    let told = eventually(Duration::from_secs(20), || async {
        said(&slack, WAS_QUIET).into_iter().next()
    })
    .await;
    assert!(told.body.get("thread_ts").is_none(), "{:?}", told.body);
    let text = told.body["text"].as_str().expect("text");
    assert!(
        text.contains("without a heartbeat); the status page could not notice outages meanwhile."),
        "{text}"
    );
    app.settle().await;
    assert!(said(&slack, QUIET).is_empty(), "not said once it was over");
    assert!(said(&slack, BACK).is_empty(), "no reply to nothing");
    assert_eq!(said(&slack, WAS_QUIET).len(), 1);
    app.stop().await;
}

/// Moves the last ping `by` into the past: monostat was down that long, and monitoring's pings
/// meanwhile went nowhere.
async fn travel_heartbeat(app: &TestApp, by: SignedDuration) {
    let mut conn = app.handle.db.acquire().await.expect("conn");
    sqlx::query("UPDATE heartbeat SET last_ping_at = last_ping_at - $1")
        .bind(by.as_micros() as i64)
        .execute(&mut *conn)
        .await
        .expect("time travel");
}

async fn monostat_down_longer_than_the_grace_is_not_blamed_on_monitoring(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let a = start(&db, &slack).await;
    set_watch(&a, 2, 2, 0).await;
    assert_eq!(ping(&a, false).await, (200, "OK".into()));
    // The last ping an hour ago, seen by an instance up for less than interval + grace.
    travel_heartbeat(&a, SignedDuration::from_hours(1)).await;
    a.stop().await;

    // A fresh instance (the deploy is over): monitoring gets interval + grace to ping again.
    let b = start(&db, &slack).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        said(&slack, QUIET).is_empty(),
        "not blamed at the first look"
    );
    keep_pinging(&[&b], 4).await;
    assert!(said(&slack, QUIET).is_empty(), "pings resumed in time");

    // Monitoring really silent: an instance reports it once it has watched long enough.
    set_watch(&b, 86_400, 0, 0).await;
    travel_heartbeat(&b, SignedDuration::from_hours(1)).await;
    b.stop().await;
    let started = Instant::now();
    let c = start(&db, &slack).await;
    set_watch(&c, 2, 2, 0).await;
    let message = eventually(Duration::from_secs(20), || async {
        said(&slack, QUIET).into_iter().next()
    })
    .await;
    let after = message.at.duration_since(started);
    eprintln!(
        "[timing] {backend:?}: an hour-old last ping reported {after:?} after the instance started (interval + grace 4 s)"
    );
    assert!(after >= Duration::from_secs(4), "reported after {after:?}");
    assert!(after < Duration::from_secs(9), "reported after {after:?}");
    assert!(text_of(&message).contains("(1 hour ago)"), "{message:?}");
    assert_eq!(ping(&c, true).await, (200, "OK".into()));
    let reply = eventually(Duration::from_secs(20), || async {
        said(&slack, BACK).into_iter().next()
    })
    .await;
    assert_eq!(reply.body["thread_ts"], message.answer["ts"]);
    assert_eq!(said(&slack, QUIET).len(), 1);
    c.stop().await;
}

fn text_of(call: &Call) -> &str {
    call.body["text"].as_str().unwrap_or_default()
}

/// Moves every incident's start and creation `by` into the past: minutes pass in a moment.
async fn travel(app: &TestApp, by: SignedDuration) {
    let mut conn = app.handle.db.acquire().await.expect("conn");
    sqlx::query("UPDATE incidents SET start_at = start_at - $1, created_at = created_at - $1")
        .bind(by.as_micros() as i64)
        .execute(&mut *conn)
        .await
        .expect("time travel");
}

/// Monitoring opens a suspected incident (suspicions come from monitoring alone): an OpsGenie
/// alert of its own.
async fn suspect(app: &TestApp, alert_id: &str) -> i64 {
    let create = include_str!("../fixtures/opsgenie_create.json")
        .replace("3b9f2c1e-fake-4a7d-9c2e-0000000a1e01", alert_id);
    assert_eq!(app.post_opsgenie(&create).await, (200, "OK".into()));
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let id: i64 = sqlx::query_scalar("SELECT MAX(id) FROM incidents WHERE status = 'suspected'")
        .fetch_one(&mut *conn)
        .await
        .expect("a suspected incident");
    id
}

async fn an_unconfirmed_suspicion_is_nudged_once_in_its_thread_with_two_instances(
    backend: Backend,
) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let a = start(&db, &slack).await;
    let b = start(&db, &slack).await;
    set_watch(&a, 300, 300, 1).await;
    // Dismissed, and confirmed then made a known bug (so that new alerts open a new
    // incident), before their minute was up; a third still suspected.
    let dismissed = suspect(&a, "alert-dismissed").await;
    incidents::dismiss(&b.services(), &admin(), dismissed)
        .await
        .expect("dismissed");
    let confirmed = suspect(&a, "alert-confirmed").await;
    incidents::confirm(&b.services(), &admin(), confirmed)
        .await
        .expect("confirmed");
    let known_bug = incidents::Edit {
        severity: Some(Severity::Bug),
        ..Default::default()
    };
    incidents::edit(&b.services(), &admin(), confirmed, &known_bug)
        .await
        .expect("edited");
    let suspected = suspect(&b, "alert-suspected").await;
    assert_ne!(suspected, confirmed);
    a.settle().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(said(&slack, NUDGE).is_empty(), "not a minute yet");

    a.settle().await;
    let travelled = Instant::now();
    travel(&a, SignedDuration::from_secs(90)).await;

    let nudge = eventually(Duration::from_secs(20), || async {
        said(&slack, NUDGE).into_iter().next()
    })
    .await;
    eprintln!(
        "[timing] {backend:?}: two instances; nudge posted {:?} after it was due",
        nudge.at.duration_since(travelled)
    );
    let incident = a.incident(suspected).await;
    assert_eq!(
        Some(nudge.body["thread_ts"].as_str().expect("in a thread")),
        incident.slack_message_ts.as_deref()
    );
    assert_eq!(nudge.body["reply_broadcast"], true, "the channel sees it");
    let text = nudge.body["text"].as_str().expect("text");
    assert!(
        text.contains("for 1 minute. Is the product really affected? Confirm it to tell subscribers, or dismiss it."),
        "{text}"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    a.settle().await;
    assert_eq!(said(&slack, NUDGE).len(), 1, "once, and only the suspicion");
    assert_eq!(a.audited(suspected, "incident.nudged").await, 1);
    assert_eq!(a.audited(confirmed, "incident.nudged").await, 0);
    assert_eq!(a.audited(dismissed, "incident.nudged").await, 0);
    assert_eq!(
        a.incident(suspected).await.status,
        IncidentStatus::Suspected
    );

    a.stop().await;
    b.stop().await;
}

/// A suspicion whose row cannot be read (a time out of range) is skipped, and the others are
/// still nudged.
async fn one_suspicion_that_cannot_be_nudged_does_not_keep_the_others_from_theirs(
    backend: Backend,
) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = start(&db, &slack).await;
    set_watch(&app, 300, 300, 0).await;
    // Dismissed while the next alert opens an incident of its own; then made a broken
    // suspicion with the lower id, so it is looked at first.
    let broken = suspect(&app, "alert-broken").await;
    incidents::dismiss(&app.services(), &admin(), broken)
        .await
        .expect("dismissed");
    let fine = suspect(&app, "alert-fine").await;
    assert!(broken < fine);
    app.settle().await;
    travel(&app, SignedDuration::from_secs(90)).await;
    {
        let mut conn = app.handle.db.acquire().await.expect("conn");
        sqlx::query(
            "UPDATE incidents SET status = 'suspected', created_at = -4000000000000000000
             WHERE id = $1",
        )
        .bind(broken)
        .execute(&mut *conn)
        .await
        .expect("broken");
    }
    set_watch(&app, 300, 300, 1).await;
    let nudge = eventually(Duration::from_secs(20), || async {
        said(&slack, NUDGE).into_iter().next()
    })
    .await;
    assert_eq!(
        Some(nudge.body["thread_ts"].as_str().expect("in a thread")),
        app.incident(fine).await.slack_message_ts.as_deref()
    );
    assert_eq!(app.audited(fine, "incident.nudged").await, 1);
    app.stop().await;
}

async fn nudges_are_off_at_zero_and_follow_the_setting(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = start(&db, &slack).await;
    set_watch(&app, 300, 300, 0).await;
    let id = suspect(&app, "alert-1").await;
    app.settle().await;
    travel(&app, SignedDuration::from_mins(60 * 24)).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    app.settle().await;
    assert!(said(&slack, NUDGE).is_empty(), "0: off");

    set_watch(&app, 300, 300, 10).await;
    let nudge = eventually(Duration::from_secs(20), || async {
        said(&slack, NUDGE).into_iter().next()
    })
    .await;
    let text = nudge.body["text"].as_str().expect("text");
    assert!(text.contains("for 1 day."), "{text}");
    assert_eq!(app.audited(id, "incident.nudged").await, 1);
    app.stop().await;
}

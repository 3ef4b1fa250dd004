//! Two monostat instances on one PostgreSQL database, as behind a load balancer: a change on
//! one shows on the other's page within about a second, and every side effect happens once.
//! With Redis the change notice travels on Redis (the database poll is then almost off, so
//! a lost notice would show as a page minutes late); without it, through the database poll.

use crate::fake_slack::FakeSlack;
use crate::helpers::{
    Backend, SmtpSink, TestApp, TestDatabase, eventually, postgres_available, redis_available,
};
use monostat::config::{RedisConfig, Secret};
use monostat::jobs::WorkerSettings;
use std::collections::HashMap;
use std::time::{Duration, Instant};

const SUBSCRIBERS: usize = 500;

async fn instance(
    db: &TestDatabase,
    sink: &SmtpSink,
    slack: &FakeSlack,
    redis: Option<&RedisConfig>,
) -> TestApp {
    let slack = slack.clone();
    TestApp::spawn_configured(
        db,
        |config| {
            sink.configure(config);
            slack.configure(config);
            config.redis = redis.cloned();
            config.slack.signing_secret = Some(Secret::new(crate::helpers::SLACK_SIGNING_SECRET));
        },
        WorkerSettings::default(),
        |_| {},
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_one_truth_through_the_database() {
    if postgres_available() {
        share_one_truth(None).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_one_truth_through_redis() {
    if postgres_available()
        && let Some(redis) = redis_available()
    {
        share_one_truth(Some(redis)).await;
    }
}

async fn share_one_truth(redis: Option<RedisConfig>) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let db = TestDatabase::new(Backend::Postgres).await;
    let slack = FakeSlack::start().await;
    let a = instance(&db, &sink, &slack, redis.as_ref()).await;
    let b = instance(&db, &sink, &slack, redis.as_ref()).await;
    if redis.is_some() {
        eventually(Duration::from_secs(10), || async {
            (a.handle.changes.relayed() && b.handle.changes.relayed()).then_some(())
        })
        .await;
    }
    {
        let mut conn = a.handle.db.acquire().await.expect("conn");
        sqlx::query(
            "INSERT INTO subscribers (email, active, token, created_at)
             SELECT 'reader' || n || '@example.com', 1, 'token-of-reader-' || n || '-0123456789', 0
             FROM generate_series(1, $1) AS n",
        )
        .bind(SUBSCRIBERS as i64)
        .execute(&mut *conn)
        .await
        .expect("subscribers");
    }
    assert!(
        !b.get("/")
            .await
            .text()
            .await
            .expect("page")
            .contains("might be having issues")
    );

    // An alert reaches A; B's page, rendered from B's memory, follows.
    let create = include_str!("../fixtures/opsgenie_create.json");
    assert_eq!(a.post_opsgenie(create).await.0, 200);
    let accepted = Instant::now();
    // B hears of it on Redis, or looks in the database every second; the limit leaves room
    // for a busy CI, and is far below the 15 s in which B looks while Redis relays.
    eventually(Duration::from_secs(3), || async {
        let page = b.get("/").await.text().await.ok()?;
        page.contains("might be having issues").then_some(())
    })
    .await;
    eprintln!(
        "alert accepted by A, shown by B after {} ms ({})",
        accepted.elapsed().as_millis(),
        if redis.is_some() {
            "Redis"
        } else {
            "database poll"
        }
    );
    let incident = eventually(Duration::from_secs(20), || async {
        let mut conn = a.handle.db.acquire().await.ok()?;
        let all = monostat::storage::incidents::all(&mut conn).await.ok()?;
        all.into_iter()
            .next()
            .filter(|i| i.slack_message_ts.is_some())
    })
    .await;

    // Confirmed from Slack through B: one message, one update of it, each mail once.
    let (status, _) = b.slack_click(crate::slack_http::CONFIRM, incident.id).await;
    assert_eq!(status, 200);
    a.handle.jobs.wake();
    b.handle.jobs.wake();
    eventually(Duration::from_secs(60), || async {
        let confirmed = sink
            .mails()
            .into_iter()
            .filter(|m| m["headers"]["Subject"] == "[Outage] New incident confirmed")
            .count();
        (confirmed >= SUBSCRIBERS).then_some(())
    })
    .await;
    // Nothing left in the queue (they share it), then both stopped, which lets the jobs they
    // are running finish: after that no mail can come any more, so a duplicate would be here.
    a.settle().await;
    let messages = slack
        .calls_to("chat.postMessage")
        .into_iter()
        .filter(|c| c.body.get("thread_ts").is_none())
        .count();
    assert_eq!(messages, 1, "one Slack message for the incident");
    eventually(Duration::from_secs(3), || async {
        let page = a.get("/").await.text().await.ok()?;
        (!page.contains("might be having issues")).then_some(())
    })
    .await;
    a.stop().await;
    b.stop().await;
    let mails: Vec<serde_json::Value> = sink
        .mails()
        .into_iter()
        .filter(|m| m["headers"]["Subject"] == "[Outage] New incident confirmed")
        .collect();
    let mut per_reader: HashMap<String, usize> = HashMap::new();
    for mail in &mails {
        *per_reader
            .entry(mail["rcpt_tos"][0].as_str().expect("to").to_owned())
            .or_default() += 1;
    }
    assert_eq!(per_reader.len(), SUBSCRIBERS, "every reader got it");
    assert!(
        per_reader.values().all(|n| *n == 1),
        "nobody got it twice ({} mails)",
        mails.len()
    );
}

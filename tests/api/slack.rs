//! The Slack jobs that alerts cause, against the fake Slack Web API.

use crate::fake_slack::{Failure, FakeSlack};
use crate::helpers::{Backend, TestApp, TestDatabase, eventually};
use crate::on_both_backends;
use monostat::domain::IncidentStatus;
use monostat::jobs::WorkerSettings;
use monostat::storage::{incidents, settings};
use serde_json::Value;
use std::time::Duration;

const CREATE: &str = include_str!("../fixtures/opsgenie_create.json");
const CLOSE: &str = include_str!("../fixtures/opsgenie_close.json");

/// The app with Slack configured by environment: bot token and `#statuspage`, on the fake.
async fn app_with_slack(db: &TestDatabase, slack: &FakeSlack) -> TestApp {
    let slack = slack.clone();
    TestApp::spawn_configured(
        db,
        move |config| slack.configure(config),
        WorkerSettings::default(),
        |_| {},
    )
    .await
}

/// Waits until no job of `kind` is pending, and returns their (state, attempts, last error).
async fn settled(app: &TestApp, kind: &str) -> Vec<(String, i32, Option<String>)> {
    eventually(Duration::from_secs(20), || async {
        let mut conn = app.handle.db.acquire().await.expect("conn");
        let rows: Vec<(String, i32, Option<String>)> = sqlx::query_as(
            "SELECT state, attempts, last_error FROM jobs WHERE kind = $1 ORDER BY id",
        )
        .bind(kind)
        .fetch_all(&mut *conn)
        .await
        .expect("jobs");
        (!rows.is_empty() && rows.iter().all(|(state, ..)| state != "pending")).then_some(rows)
    })
    .await
}

fn action_ids(body: &Value) -> Vec<(String, String)> {
    body["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .map(|e| {
            (
                e["action_id"].as_str().unwrap_or_default().to_owned(),
                e["value"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

on_both_backends!(
    an_alert_posts_the_suspected_incident_with_confirm_and_dismiss_buttons,
    a_rate_limited_post_is_sent_once_after_retry_after,
    auto_dismissal_updates_the_message_and_asks_for_a_review_in_its_thread,
    a_confirmed_incident_whose_alerts_closed_gets_a_reminder_to_resolve,
    without_slack_jobs_are_skipped_and_settings_apply_without_restart,
    a_revoked_token_fails_the_job_for_good,
    a_slack_server_error_is_retried,
    a_bot_outside_the_channel_joins_it_and_posts,
    a_vanished_channel_is_looked_up_again_by_name,
);

/// Remembers that `#statuspage` is `channel_id`, as after an earlier resolution.
async fn remember_channel(app: &TestApp, channel_id: &str) {
    settings::set_slack_channel(
        &mut app.handle.db.acquire().await.expect("conn"),
        "#statuspage",
        channel_id,
    )
    .await
    .expect("store");
}

async fn a_slack_server_error_is_retried(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    slack.fail_next("chat.postMessage", Failure::ServerError);
    let app = app_with_slack(&db, &slack).await;

    assert_eq!(app.post_opsgenie(CREATE).await.0, 200);

    let jobs = settled(&app, "slack.new_incident_from_alert").await;
    assert_eq!(jobs, vec![("done".to_owned(), 2, None)]);
    assert_eq!(slack.calls_to("chat.postMessage").len(), 2);
    app.stop().await;
}

async fn a_bot_outside_the_channel_joins_it_and_posts(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    slack.fail_next("chat.postMessage", Failure::Error("not_in_channel"));
    let app = app_with_slack(&db, &slack).await;
    remember_channel(&app, "C0FAKECHAN1").await;

    assert_eq!(app.post_opsgenie(CREATE).await.0, 200);

    assert_eq!(
        settled(&app, "slack.new_incident_from_alert").await,
        vec![("done".to_owned(), 1, None)]
    );
    let methods: Vec<String> = slack.calls().into_iter().map(|c| c.method).collect();
    assert_eq!(
        methods,
        vec!["chat.postMessage", "conversations.join", "chat.postMessage"]
    );
    assert!(app.only_incident().await.slack_message_ts.is_some());
    app.stop().await;
}

async fn a_vanished_channel_is_looked_up_again_by_name(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    slack.fail_next("chat.postMessage", Failure::Error("channel_not_found"));
    let app = app_with_slack(&db, &slack).await;
    remember_channel(&app, "C0DELETED01").await;

    assert_eq!(app.post_opsgenie(CREATE).await.0, 200);

    assert_eq!(
        settled(&app, "slack.new_incident_from_alert").await,
        vec![("done".to_owned(), 2, None)]
    );
    let posts = slack.calls_to("chat.postMessage");
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0].body["channel"], "C0DELETED01");
    assert_eq!(
        posts[1].body["channel"], "C0FAKECHAN1",
        "found again by its name"
    );
    let stored = settings::slack(&mut app.handle.db.acquire().await.expect("conn"))
        .await
        .expect("slack");
    assert_eq!(stored.channel_id.as_deref(), Some("C0FAKECHAN1"));
    app.stop().await;
}

async fn an_alert_posts_the_suspected_incident_with_confirm_and_dismiss_buttons(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;

    assert_eq!(app.post_opsgenie(CREATE).await.0, 200);

    let jobs = settled(&app, "slack.new_incident_from_alert").await;
    assert_eq!(jobs, vec![("done".to_owned(), 1, None)]);
    let incident = app.only_incident().await;
    // The channel was found by name on the second page of the list, and joined.
    assert_eq!(slack.calls_to("conversations.list").len(), 2);
    let joined = slack.calls_to("conversations.join");
    assert_eq!(joined.len(), 1);
    assert_eq!(joined[0].body["channel"], "C0FAKECHAN1");
    let posts = slack.calls_to("chat.postMessage");
    assert_eq!(posts.len(), 1);
    let post = &posts[0];
    assert_eq!(post.token.as_deref(), Some("xoxb-fake-token"));
    assert_eq!(post.body["channel"], "C0FAKECHAN1");
    assert!(
        post.body["text"]
            .as_str()
            .unwrap_or_default()
            .contains("Monitoring has reported a new incident")
    );
    let id = incident.id.to_string();
    assert_eq!(
        action_ids(&post.body),
        vec![
            ("confirm_incident".to_owned(), id.clone()),
            ("dismiss_incident".to_owned(), id)
        ]
    );
    assert!(
        post.body
            .to_string()
            .contains("Alert message: [FAKE] HTTP probe failed")
    );
    // The message's ts is kept, so later changes update this message.
    assert_eq!(
        incident.slack_message_ts.as_deref(),
        Some("1767225600.000200")
    );
    let stored = settings::slack(&mut app.handle.db.acquire().await.expect("conn"))
        .await
        .expect("slack");
    assert_eq!(stored.channel_id.as_deref(), Some("C0FAKECHAN1"));
    app.stop().await;
}

async fn a_rate_limited_post_is_sent_once_after_retry_after(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    slack.fail_next("chat.postMessage", Failure::RateLimited { retry_after: 1 });
    let app = app_with_slack(&db, &slack).await;

    assert_eq!(app.post_opsgenie(CREATE).await.0, 200);

    let jobs = settled(&app, "slack.new_incident_from_alert").await;
    assert_eq!(jobs, vec![("done".to_owned(), 2, None)]);
    let posts = slack.calls_to("chat.postMessage");
    assert_eq!(posts.len(), 2, "one refused, one accepted");
    let waited = posts[1].at.duration_since(posts[0].at);
    assert!(
        waited >= Duration::from_secs(1),
        "retried after {waited:?}, before Retry-After"
    );
    assert_eq!(
        app.only_incident().await.slack_message_ts.as_deref(),
        Some("1767225600.000200")
    );
    app.stop().await;
}

async fn auto_dismissal_updates_the_message_and_asks_for_a_review_in_its_thread(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    assert_eq!(app.post_opsgenie(CREATE).await.0, 200);
    settled(&app, "slack.new_incident_from_alert").await;

    assert_eq!(app.post_opsgenie(CLOSE).await.0, 200);

    assert_eq!(
        settled(&app, "slack.auto_dismissed").await,
        vec![("done".to_owned(), 1, None)]
    );
    let incident = app.only_incident().await;
    assert_eq!(incident.status, IncidentStatus::Dismissed);
    let ts = incident.slack_message_ts.expect("message ts");
    let updates = slack.calls_to("chat.update");
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].body["ts"], ts.as_str());
    assert!(
        updates[0].body["text"]
            .as_str()
            .unwrap_or_default()
            .contains("Dismissed incident")
    );
    assert!(
        action_ids(&updates[0].body).is_empty(),
        "no buttons on a dismissed incident"
    );
    let replies: Vec<_> = slack
        .calls_to("chat.postMessage")
        .into_iter()
        .filter(|c| c.body.get("thread_ts").is_some())
        .collect();
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].body["thread_ts"], ts.as_str());
    assert_eq!(replies[0].body["reply_broadcast"], true);
    let review = replies[0].body["blocks"][0]["accessory"].clone();
    assert_eq!(review["action_id"], "link");
    assert!(
        review["url"]
            .as_str()
            .unwrap_or_default()
            .ends_with(&format!("/admin/incidents/{}/", incident.id))
    );
    app.stop().await;
}

async fn a_confirmed_incident_whose_alerts_closed_gets_a_reminder_to_resolve(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    assert_eq!(app.post_opsgenie(CREATE).await.0, 200);
    settled(&app, "slack.new_incident_from_alert").await;
    let id = app.only_incident().await.id;
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let mut incident = incidents::get_for_update(&mut conn, app.handle.db.backend(), id)
        .await
        .expect("get")
        .expect("exists");
    incident.set_status(IncidentStatus::Confirmed, jiff::Timestamp::now());
    incidents::save(&mut conn, &incident)
        .await
        .expect("confirm");
    drop(conn);

    assert_eq!(app.post_opsgenie(CLOSE).await.0, 200);

    assert_eq!(
        settled(&app, "slack.all_alerts_closed").await,
        vec![("done".to_owned(), 1, None)]
    );
    let updates = slack.calls_to("chat.update");
    assert_eq!(updates.len(), 1);
    assert!(
        updates[0].body["text"]
            .as_str()
            .unwrap_or_default()
            .contains("Ongoing incident")
    );
    assert_eq!(
        action_ids(&updates[0].body),
        vec![("update_incident".to_owned(), incident.id.to_string())]
    );
    let reminder = slack.calls_to("chat.postMessage").pop().expect("a reply");
    assert_eq!(reminder.body["reply_broadcast"], true);
    assert!(
        reminder.body["text"]
            .as_str()
            .unwrap_or_default()
            .contains("resolved")
    );
    assert_eq!(app.only_incident().await.status, IncidentStatus::Confirmed);
    app.stop().await;
}

async fn without_slack_jobs_are_skipped_and_settings_apply_without_restart(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let api_url = slack.api_url.clone();
    let app = TestApp::spawn_configured(
        &db,
        move |config| config.slack.api_url = api_url.parse().expect("URL"),
        WorkerSettings::default(),
        |_| {},
    )
    .await;

    assert_eq!(app.post_opsgenie(CREATE).await.0, 200);
    assert_eq!(
        settled(&app, "slack.new_incident_from_alert").await,
        vec![("done".to_owned(), 1, None)]
    );
    assert!(
        slack.calls().is_empty(),
        "nothing sent while Slack is not configured"
    );

    // The admin configures Slack; the next job uses it, no restart.
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let mut stored = settings::slack(&mut conn).await.expect("slack");
    stored.bot_token = "xoxb-from-settings".into();
    stored.channel_name = "statuspage".into();
    settings::save_slack(&mut conn, &stored)
        .await
        .expect("save");
    drop(conn);
    assert_eq!(app.post_opsgenie(CLOSE).await.0, 200);
    settled(&app, "slack.auto_dismissed").await;
    let posts = slack.calls_to("chat.postMessage");
    assert!(!posts.is_empty());
    assert!(
        posts
            .iter()
            .all(|c| c.token.as_deref() == Some("xoxb-from-settings"))
    );
    app.stop().await;
}

async fn a_revoked_token_fails_the_job_for_good(backend: Backend) {
    for code in ["invalid_auth", "token_revoked"] {
        let db = TestDatabase::new(backend).await;
        let slack = FakeSlack::start().await;
        slack.fail_next("conversations.list", Failure::Error(code));
        let app = app_with_slack(&db, &slack).await;

        assert_eq!(app.post_opsgenie(CREATE).await.0, 200);

        let jobs = settled(&app, "slack.new_incident_from_alert").await;
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].0, "failed", "{code}");
        assert_eq!(jobs[0].1, 1, "{code}: not retried");
        assert!(jobs[0].2.as_deref().unwrap_or_default().contains(code));
        assert!(slack.calls_to("chat.postMessage").is_empty());
        app.stop().await;
    }
}

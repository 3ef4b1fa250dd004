//! Slack's requests over HTTP: signed clicks change incidents once; unsigned, stale and replayed
//! ones change nothing.

use crate::fake_slack::FakeSlack;
use crate::helpers::{
    Backend, SLACK_SIGNING_SECRET, TestApp, TestDatabase, click_on, eventually, slack_signature,
};
use crate::on_both_backends;
use monostat::config::Secret;
use monostat::domain::IncidentStatus;
use monostat::jobs::WorkerSettings;
use monostat::storage::{audit, incidents};
use std::time::Duration;

const CREATE: &str = include_str!("../fixtures/opsgenie_create.json");
pub(crate) const CONFIRM: &str = include_str!("../fixtures/slack_block_actions_confirm.json");
const DISMISS: &str = include_str!("../fixtures/slack_block_actions_dismiss.json");
const UPDATE_CLICK: &str = include_str!("../fixtures/slack_block_actions_update.json");
const UPDATE_SUBMISSION: &str = include_str!("../fixtures/slack_view_submission_update.json");
const HOME_OPENED: &str = include_str!("../fixtures/slack_event_app_home_opened.json");
const CREATE_CLICK: &str = include_str!("../fixtures/slack_block_actions_create.json");
const CREATE_SUBMISSION: &str = include_str!("../fixtures/slack_view_submission_create.json");
const URL_VERIFICATION: &str = include_str!("../fixtures/slack_url_verification.json");

pub(crate) async fn app_with_slack(db: &TestDatabase, slack: &FakeSlack) -> TestApp {
    let slack = slack.clone();
    TestApp::spawn_configured(
        db,
        move |config| {
            slack.configure(config);
            config.slack.signing_secret = Some(Secret::new(SLACK_SIGNING_SECRET));
        },
        WorkerSettings::default(),
        |_| {},
    )
    .await
}

/// Opens a suspected incident through the OpsGenie hook and waits for its Slack message.
pub(crate) async fn suspected_incident(app: &TestApp) -> monostat::domain::Incident {
    assert_eq!(app.post_opsgenie(CREATE).await.0, 200);
    eventually(Duration::from_secs(20), || async {
        let all = incidents::all(&mut app.handle.db.acquire().await.expect("conn"))
            .await
            .expect("all");
        all.into_iter()
            .next()
            .filter(|i| i.slack_message_ts.is_some())
    })
    .await
}

/// An interaction payload as Slack posts it: form-encoded.
fn form(payload: &serde_json::Value) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &payload.to_string())
        .finish()
}

async fn jobs(app: &TestApp, kind: &str) -> Vec<serde_json::Value> {
    let payloads: Vec<String> =
        sqlx::query_scalar("SELECT payload FROM jobs WHERE kind = $1 ORDER BY id")
            .bind(kind)
            .fetch_all(&mut *app.handle.db.acquire().await.expect("conn"))
            .await
            .expect("jobs");
    payloads
        .iter()
        .map(|p| serde_json::from_str(p).expect("JSON"))
        .collect()
}

on_both_backends!(
    a_signed_confirm_click_confirms_and_tells_the_thread_and_subscribers,
    a_signed_dismiss_click_hides_the_suspicion,
    unsigned_stale_and_replayed_requests_change_nothing,
    url_verification_answers_the_challenge,
    the_update_form_resolves_an_incident_with_one_thread_reply_per_change,
    an_invalid_update_form_is_answered_with_an_error_on_the_field,
    the_home_tab_offers_to_create_an_incident_which_is_posted_to_the_channel,
);

async fn the_home_tab_offers_to_create_an_incident_which_is_posted_to_the_channel(
    backend: Backend,
) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    // Opening the Home tab publishes it (twice delivered, published once).
    for _ in 0..2 {
        assert_eq!(app.slack_event(HOME_OPENED).await.0, 200);
    }
    app.handle.jobs.wake();
    let published = eventually(Duration::from_secs(20), || async {
        slack.calls_to("views.publish").pop()
    })
    .await;
    assert_eq!(published.body["user_id"], "U0FAKEUSR01");
    assert_eq!(published.body["view"]["type"], "home");
    assert!(
        published
            .body
            .to_string()
            .contains("\"action_id\":\"create_incident\"")
    );
    assert_eq!(jobs(&app, "slack.publish_home").await.len(), 1);

    // "Create incident" opens the form.
    let create_click: serde_json::Value = serde_json::from_str(CREATE_CLICK).expect("fixture");
    assert_eq!(app.slack_interaction(&create_click).await.0, 200);
    let opened = slack
        .calls_to("views.open")
        .pop()
        .expect("the form was opened");
    assert_eq!(opened.body["view"]["callback_id"], "create_incident_modal");

    // Without a title, the form says so on the field and nothing is created.
    let mut untitled: serde_json::Value = serde_json::from_str(CREATE_SUBMISSION).expect("fixture");
    untitled["view"]["state"]["values"]["title"]["title"]["value"] = serde_json::Value::Null;
    let (status, body) = app.submit_modal(&untitled).await;
    assert_eq!(status, 200);
    let answer: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(answer["errors"]["title"], "Give the incident a title.");
    assert!(
        incidents::all(&mut app.handle.db.acquire().await.expect("conn"))
            .await
            .expect("all")
            .is_empty()
    );

    // Submitted: the incident exists, its message is posted, and the thread says who made it.
    assert_eq!(
        app.submit_modal(&serde_json::from_str(CREATE_SUBMISSION).expect("fixture"))
            .await,
        (200, String::new())
    );
    let created = incidents::all(&mut app.handle.db.acquire().await.expect("conn"))
        .await
        .expect("all");
    assert_eq!(created.len(), 1);
    let incident = &created[0];
    assert_eq!(incident.title, "Payment provider degraded");
    assert_eq!(incident.status, IncidentStatus::Confirmed);
    assert_eq!(incident.severity, monostat::domain::Severity::Partial);
    assert_eq!(incident.start.as_second(), 1_767_234_600);
    let first = &incidents::updates(
        &mut app.handle.db.acquire().await.expect("conn"),
        incident.id,
    )
    .await
    .expect("updates")[0];
    assert_eq!(
        first.message.as_deref(),
        Some("Some card payments fail. We are in contact with our payment provider.")
    );
    assert_eq!(jobs(&app, "notify.status_changed").await.len(), 1);
    app.settle().await;
    let posts = slack.calls_to("chat.postMessage");
    let message = posts
        .iter()
        .find(|c| c.body.get("thread_ts").is_none())
        .expect("the incident's message");
    assert!(
        message.body["text"]
            .as_str()
            .unwrap_or_default()
            .contains("Ongoing incident")
    );
    assert!(message.body.to_string().contains("update_incident"));
    let note = posts
        .iter()
        .find(|c| c.body.get("thread_ts").is_some())
        .expect("a thread note");
    assert_eq!(note.body["text"], "Created by jdoe.");
    let ts = app.incident(incident.id).await.slack_message_ts;
    assert_eq!(note.body["thread_ts"].as_str(), ts.as_deref());
    app.stop().await;
}

/// The fixture's form submission for incident `id`, with `status` chosen (or none).
fn submission(id: i64, status: Option<&str>) -> serde_json::Value {
    let mut payload: serde_json::Value = serde_json::from_str(UPDATE_SUBMISSION).expect("fixture");
    payload["view"]["private_metadata"] = id.to_string().into();
    let selected =
        &mut payload["view"]["state"]["values"]["new_status"]["new_status"]["selected_option"];
    match status {
        Some(status) => selected["value"] = status.into(),
        None => *selected = serde_json::Value::Null,
    }
    payload
}

async fn the_update_form_resolves_an_incident_with_one_thread_reply_per_change(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    let incident = suspected_incident(&app).await;
    assert_eq!(app.slack_click(CONFIRM, incident.id).await.0, 200);

    // "Update incident" opens the form, prefilled, for the person who clicked.
    assert_eq!(app.slack_click(UPDATE_CLICK, incident.id).await.0, 200);
    let opened = slack
        .calls_to("views.open")
        .pop()
        .expect("the form was opened");
    let trigger: serde_json::Value = serde_json::from_str(UPDATE_CLICK).expect("fixture");
    assert_eq!(opened.body["trigger_id"], trigger["trigger_id"]);
    assert_eq!(opened.body["view"]["callback_id"], "update_incident_modal");
    assert_eq!(
        opened.body["view"]["private_metadata"],
        incident.id.to_string()
    );
    assert!(
        opened
            .body
            .to_string()
            .contains("Keep current status (Confirmed)")
    );

    // Submitting it: resolved, with a text and a new summary.
    let (status, body) = app
        .submit_modal(&submission(incident.id, Some("resolved")))
        .await;
    assert_eq!(
        (status, body.as_str()),
        (200, ""),
        "an empty answer closes the form"
    );

    let mut conn = app.handle.db.acquire().await.expect("conn");
    let resolved = incidents::get(&mut conn, incident.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(resolved.status, IncidentStatus::Resolved);
    assert!(resolved.end.is_some(), "resolving sets the end");
    assert_eq!(
        resolved.summary.as_deref(),
        Some("Checkout was unavailable for most customers for about an hour.")
    );
    let newest = &incidents::updates(&mut conn, incident.id)
        .await
        .expect("updates")[0];
    assert_eq!(newest.new_status, Some(IncidentStatus::Resolved));
    assert_eq!(
        newest.message.as_deref(),
        Some("A fix has been deployed and checkout works again.\nWe keep monitoring.")
    );
    drop(conn);
    let notified: Vec<_> = jobs(&app, "notify.status_changed")
        .await
        .into_iter()
        .map(|j| j["status"].clone())
        .collect();
    assert_eq!(notified, vec!["confirmed", "resolved"]);

    app.settle().await;
    let ts = incident.slack_message_ts.expect("ts");
    let notes: Vec<String> = slack
        .calls_to("chat.postMessage")
        .into_iter()
        .filter(|c| c.body["thread_ts"] == ts.as_str())
        .map(|c| c.body["text"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        notes,
        vec![
            "jdoe confirmed the incident.".to_owned(),
            "jdoe changed the status to *Resolved*.".to_owned(),
            "jdoe changed the summary.".to_owned(),
            "jdoe posted an update:\n> A fix has been deployed and checkout works again.\n> We keep monitoring.".to_owned(),
        ]
    );
    let update = slack.calls_to("chat.update").pop().expect("updated");
    assert!(
        update.body["text"]
            .as_str()
            .unwrap_or_default()
            .contains("Resolved incident")
    );
    app.stop().await;
}

async fn an_invalid_update_form_is_answered_with_an_error_on_the_field(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    let incident = suspected_incident(&app).await;
    let before = app.audit_of(incident.id).await.len();

    let (status, body) = app
        .submit_modal(&submission(incident.id, Some("dismissed")))
        .await;

    assert_eq!(status, 200);
    let answer: serde_json::Value = serde_json::from_str(&body).expect("JSON answer");
    assert_eq!(answer["response_action"], "errors");
    assert_eq!(
        answer["errors"]["new_status"],
        "Choose confirmed, watching or resolved."
    );
    let after = app.incident(incident.id).await;
    assert_eq!(after.status, IncidentStatus::Suspected);
    assert_eq!(after.summary, None, "nothing of the form was applied");
    assert_eq!(app.audit_of(incident.id).await.len(), before);
    app.stop().await;
}

async fn a_signed_confirm_click_confirms_and_tells_the_thread_and_subscribers(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    let incident = suspected_incident(&app).await;

    assert_eq!(app.slack_click(CONFIRM, incident.id).await.0, 200);

    let mut conn = app.handle.db.acquire().await.expect("conn");
    let confirmed = incidents::get(&mut conn, incident.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(confirmed.status, IncidentStatus::Confirmed);
    let newest = &incidents::updates(&mut conn, incident.id)
        .await
        .expect("updates")[0];
    assert_eq!(newest.new_status, Some(IncidentStatus::Confirmed));
    assert!(
        newest
            .message
            .as_deref()
            .unwrap_or_default()
            .contains("Our team has confirmed an incident")
    );
    let last = audit::for_incident(&mut conn, incident.id)
        .await
        .expect("audit")
        .pop()
        .expect("entry");
    assert_eq!(
        (last.actor.as_str(), last.action.as_str()),
        ("slack:jdoe", "incident.confirmed")
    );
    drop(conn);
    assert_eq!(
        jobs(&app, "notify.status_changed").await,
        vec![serde_json::json!({"incident_id": incident.id, "status": "confirmed"})]
    );

    app.settle().await;
    let ts = incident.slack_message_ts.expect("ts");
    let update = slack
        .calls_to("chat.update")
        .pop()
        .expect("the message was updated");
    assert_eq!(update.body["ts"], ts.as_str());
    assert!(
        update.body["text"]
            .as_str()
            .unwrap_or_default()
            .contains("Ongoing incident")
    );
    assert!(update.body.to_string().contains("update_incident"));
    assert!(!update.body.to_string().contains("confirm_incident"));
    let note = slack
        .calls_to("chat.postMessage")
        .pop()
        .expect("a thread reply");
    assert_eq!(note.body["thread_ts"], ts.as_str());
    assert_eq!(note.body["text"], "jdoe confirmed the incident.");
    assert!(note.body.get("reply_broadcast").is_none());
    app.stop().await;
}

async fn a_signed_dismiss_click_hides_the_suspicion(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    let incident = suspected_incident(&app).await;

    assert_eq!(app.slack_click(DISMISS, incident.id).await.0, 200);

    let dismissed = app.incident(incident.id).await;
    assert_eq!(dismissed.status, IncidentStatus::Dismissed);
    assert!(dismissed.end.is_some());
    assert!(
        jobs(&app, "notify.status_changed").await.is_empty(),
        "subscribers never hear of a false alarm"
    );
    app.settle().await;
    let update = slack.calls_to("chat.update").pop().expect("updated");
    assert!(
        update.body["text"]
            .as_str()
            .unwrap_or_default()
            .contains("Dismissed incident")
    );
    assert_eq!(
        slack.calls_to("chat.postMessage").pop().expect("note").body["text"],
        "jdoe dismissed the incident."
    );
    app.stop().await;
}

async fn unsigned_stale_and_replayed_requests_change_nothing(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    let incident = suspected_incident(&app).await;
    let body = form(&click_on(CONFIRM, incident.id));
    let form = "application/x-www-form-urlencoded";
    let now = jiff::Timestamp::now().as_second();

    assert_eq!(
        app.post_to_slack_endpoint(&body, form, now, None).await.0,
        401,
        "no signature"
    );
    assert_eq!(
        app.post_to_slack_endpoint(
            &body,
            form,
            now,
            Some(slack_signature("another secret", now, &body))
        )
        .await
        .0,
        401,
        "wrong secret"
    );
    let tampered = body.replace("jdoe", "mallory");
    assert_eq!(
        app.post_to_slack_endpoint(
            &tampered,
            form,
            now,
            Some(slack_signature(SLACK_SIGNING_SECRET, now, &body))
        )
        .await
        .0,
        401,
        "body changed after signing"
    );
    let stale = now - 6 * 60;
    assert_eq!(
        app.post_to_slack_endpoint(
            &body,
            form,
            stale,
            Some(slack_signature(SLACK_SIGNING_SECRET, stale, &body))
        )
        .await
        .0,
        401,
        "older than five minutes"
    );
    assert_eq!(
        app.incident(incident.id).await.status,
        IncidentStatus::Suspected
    );

    // The same signed click, delivered twice: acted on once.
    let signature = slack_signature(SLACK_SIGNING_SECRET, now, &body);
    assert_eq!(
        app.post_to_slack_endpoint(&body, form, now, Some(signature.clone()))
            .await
            .0,
        200
    );
    assert_eq!(
        app.post_to_slack_endpoint(&body, form, now, Some(signature))
            .await
            .0,
        200
    );
    let confirmations = app.audited(incident.id, "incident.confirmed").await;
    assert_eq!(confirmations, 1);
    assert_eq!(jobs(&app, "slack.incident_changed").await.len(), 1);

    // Even where the click would apply again (the incident is a suspicion once more), a replay
    // of a click already acted on is recognised and ignored.
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let mut again = incidents::get_for_update(&mut conn, app.handle.db.backend(), incident.id)
        .await
        .expect("get")
        .expect("exists");
    again.status = IncidentStatus::Suspected;
    incidents::save(&mut conn, &again).await.expect("save");
    drop(conn);
    let signature = slack_signature(SLACK_SIGNING_SECRET, now, &body);
    assert_eq!(
        app.post_to_slack_endpoint(&body, form, now, Some(signature))
            .await
            .0,
        200
    );
    assert_eq!(
        app.incident(incident.id).await.status,
        IncidentStatus::Suspected
    );
    app.stop().await;
}

async fn url_verification_answers_the_challenge(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    let (status, body) = app.slack_event(URL_VERIFICATION).await;

    assert_eq!(status, 200);
    let expected: serde_json::Value = serde_json::from_str(URL_VERIFICATION).expect("fixture");
    assert_eq!(body, expected["challenge"].as_str().expect("challenge"));
    app.stop().await;
}

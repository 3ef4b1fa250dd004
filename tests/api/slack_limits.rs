//! Outside text of any length reaches Slack in a message Slack takes: every field fed from
//! outside, at 5,000 characters, is shortened to Block Kit's limits with a link to the admin page
//! for all of it, and a message Slack refuses anyway is replaced by a minimal one that still
//! carries the buttons. The fake Slack refuses what real Slack refuses, so these tests fail
//! where real Slack would.

use crate::admin::{PASSWORD, USER, create_user};
use crate::admin_client::Browser;
use crate::fake_slack::{Call, Failure, FakeSlack};
use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::on_both_backends;
use crate::slack_http::{CONFIRM, app_with_slack, suspected_incident};
use monostat::domain::IncidentStatus;
use monostat::storage::incidents;
use serde_json::{Value, json};

const OPSGENIE_CREATE: &str = include_str!("../fixtures/opsgenie_create.json");
const UPDATE_CLICK: &str = include_str!("../fixtures/slack_block_actions_update.json");
const UPDATE_SUBMISSION: &str = include_str!("../fixtures/slack_view_submission_update.json");
const CREATE_CLICK: &str = include_str!("../fixtures/slack_block_actions_create.json");
const CREATE_SUBMISSION: &str = include_str!("../fixtures/slack_view_submission_create.json");

/// Slack's limit for a section's text, as sent (escapes count whole).
const SECTION_TEXT: usize = 3_000;

/// 5,000 characters of what monitoring and people write, with everything that makes cutting
/// hard: escapes (`&`, `<`, `>`), multi-byte letters, emoji, line breaks.
fn long_text() -> String {
    "Disk <sda> & 🔥 déjà vu: \"100%\" full\n"
        .chars()
        .cycle()
        .take(5_000)
        .collect()
}

/// Every message and view the app sent, with what the fake answered: none may be refused.
fn assert_slack_took_everything(slack: &FakeSlack) {
    let refused: Vec<(String, Value)> = slack
        .calls()
        .into_iter()
        .filter(|c| c.method.starts_with("chat.") || c.method.starts_with("views."))
        .filter(|c| !c.accepted())
        .map(|c| (c.method, c.answer))
        .collect();
    assert!(refused.is_empty(), "Slack refused: {refused:?}");
}

/// The incident's own message as Slack took it, newest first (posted or updated).
fn incident_messages(slack: &FakeSlack) -> Vec<Call> {
    let mut calls: Vec<Call> = slack
        .accepted("chat.postMessage")
        .into_iter()
        .filter(|c| c.body.get("thread_ts").is_none())
        .chain(slack.accepted("chat.update"))
        .collect();
    calls.sort_by_key(|c| std::cmp::Reverse(c.at));
    calls
}

fn thread_notes(slack: &FakeSlack) -> Vec<String> {
    slack
        .accepted("chat.postMessage")
        .into_iter()
        .filter(|c| c.body.get("thread_ts").is_some())
        .map(|c| c.body["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn section_texts(body: &Value) -> Vec<String> {
    body["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["type"] == "section")
        .map(|b| b["text"]["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn action_ids(body: &Value) -> Vec<String> {
    body["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .map(|e| e["action_id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The link a shortened text ends with.
fn more_link(incident_id: i64) -> String {
    format!("/admin/incidents/{incident_id}/|full text on the admin page>")
}

/// A shortened text as the reader sees it: the start of the outside text (escaped), "…", the
/// link, then `ending` (our own text after the outside one).
fn assert_shortened(text: &str, starts_with: &str, incident_id: i64, ending: &str) {
    assert!(
        text.chars().count() <= SECTION_TEXT,
        "{} characters",
        text.chars().count()
    );
    assert!(text.starts_with(starts_with), "{}", &text[..200]);
    assert!(
        text.contains("… <") && text.ends_with(&format!("{}{ending}", more_link(incident_id))),
        "…{}",
        &text[text.len() - 200..]
    );
}

/// Delivers `body` to the hook of `source` and waits for what it queued.
async fn deliver(app: &TestApp, source: &str, body: &Value) {
    let (status, _) = match source {
        "opsgenie" => app.post_opsgenie(&body.to_string()).await,
        _ => app.post_alertmanager(&body.to_string()).await,
    };
    assert_eq!(status, 200, "{source}");
    app.settle().await;
}

on_both_backends!(
    a_5000_character_opsgenie_alert_is_shortened_and_its_incident_gets_confirm,
    a_5000_character_alertmanager_description_is_shortened_in_the_message,
    a_5000_character_update_and_summary_from_the_update_form_reach_slack_shortened,
    the_home_tab_create_form_refuses_a_5000_character_title_and_takes_long_texts,
    long_titles_and_summaries_from_the_admin_pages_fit_slack,
    a_5000_character_imported_title_is_shortened_in_the_message,
    a_5000_character_slack_user_name_is_shortened_in_the_thread,
    a_refused_message_is_replaced_by_a_minimal_one_with_the_buttons,
);

async fn a_5000_character_opsgenie_alert_is_shortened_and_its_incident_gets_confirm(
    backend: Backend,
) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    let mut alert: Value = serde_json::from_str(OPSGENIE_CREATE).expect("fixture");
    alert["alert"]["message"] = long_text().into();
    alert["alert"]["description"] = long_text().into();

    deliver(&app, "opsgenie", &alert).await;

    let incident = app.only_incident().await;
    let posted = incident_messages(&slack);
    assert_eq!(posted.len(), 1, "the incident's message was posted");
    assert_eq!(
        action_ids(&posted[0].body),
        vec!["confirm_incident", "dismiss_incident"],
        "the on-call can confirm"
    );
    let alert_line = section_texts(&posted[0].body)
        .into_iter()
        .find(|t| t.starts_with("Alert message: "))
        .expect("the alert's message");
    assert_shortened(
        &alert_line,
        "Alert message: Disk &lt;sda&gt; &amp; 🔥 déjà vu",
        incident.id,
        "",
    );

    // The Confirm click works, and the updated message (the alert read back from the
    // database) is shortened the same way.
    assert_eq!(app.slack_click(CONFIRM, incident.id).await.0, 200);
    app.settle().await;
    let updated = &incident_messages(&slack)[0];
    assert_eq!(updated.method, "chat.update");
    assert_eq!(action_ids(&updated.body), vec!["update_incident"]);
    let alert_line = section_texts(&updated.body)
        .into_iter()
        .find(|t| t.starts_with("Alert message: "))
        .expect("the alert's message");
    assert_shortened(
        &alert_line,
        "Alert message: Disk &lt;sda&gt;",
        incident.id,
        "",
    );
    assert_eq!(thread_notes(&slack), vec!["jdoe confirmed the incident."]);
    assert_slack_took_everything(&slack);
    app.stop().await;
}

async fn a_5000_character_alertmanager_description_is_shortened_in_the_message(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    // Without a summary, the description is the alert's message (as Grafana sends it too).
    let delivery = json!({
        "version": "4", "status": "firing", "receiver": "monostat", "groupKey": "{}:{}",
        "alerts": [{"status": "firing", "fingerprint": "fp-disk",
                    "labels": {"alertname": "DiskFull"},
                    "annotations": {"description": long_text()}}]
    });

    deliver(&app, "alertmanager", &delivery).await;

    let incident = app.only_incident().await;
    let posted = incident_messages(&slack);
    assert_eq!(posted.len(), 1);
    assert!(action_ids(&posted[0].body).contains(&"confirm_incident".to_owned()));
    let alert_line = section_texts(&posted[0].body)
        .into_iter()
        .find(|t| t.starts_with("Alert message: "))
        .expect("the alert's message");
    assert_shortened(
        &alert_line,
        "Alert message: Disk &lt;sda&gt;",
        incident.id,
        "",
    );
    assert_slack_took_everything(&slack);
    app.stop().await;
}

/// The update form's submission for `incident_id` with these values in its state.
fn update_submission(incident_id: i64, state: Value) -> Value {
    let mut payload: Value = serde_json::from_str(UPDATE_SUBMISSION).expect("fixture");
    payload["view"]["private_metadata"] = incident_id.to_string().into();
    payload["view"]["hash"] = format!("{}.{}", incident_id, rand_suffix(&state)).into();
    payload["view"]["state"] = json!({ "values": state });
    payload
}

/// A different view hash per distinct submission: Slack's hash names one version of a form.
fn rand_suffix(state: &Value) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    state.to_string().hash(&mut hasher);
    format!("{:x}", hasher.finish())
}

fn text_value(value: Option<&str>) -> Value {
    json!({"type": "plain_text_input", "value": value})
}

fn no_selection() -> Value {
    json!({"type": "static_select", "selected_option": null})
}

async fn a_5000_character_update_and_summary_from_the_update_form_reach_slack_shortened(
    backend: Backend,
) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    let incident = suspected_incident(&app).await;
    assert_eq!(app.slack_click(CONFIRM, incident.id).await.0, 200);
    let long = long_text();

    let state = json!({
        "new_status": {"new_status": no_selection()},
        "update_text": {"update_text": text_value(Some(&long))},
        "new_severity": {"new_severity": no_selection()},
        "new_summary": {"new_summary": text_value(Some(&long))},
    });
    let (status, body) = app
        .submit_modal(&update_submission(incident.id, state))
        .await;
    assert_eq!((status, body.as_str()), (200, ""));
    app.settle().await;

    // Nothing accepted is lost: the update and the summary are kept whole.
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let stored = incidents::get(&mut conn, incident.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(stored.summary.as_deref(), Some(long.trim()));
    let newest = &incidents::updates(&mut conn, incident.id)
        .await
        .expect("updates")[0];
    assert_eq!(newest.message.as_deref(), Some(long.trim()));
    drop(conn);
    // The thread shows the update shortened, with the link to all of it.
    let notes = thread_notes(&slack);
    assert_eq!(
        notes[..2],
        ["jdoe confirmed the incident.", "jdoe changed the summary."]
    );
    assert_shortened(
        &notes[2],
        "jdoe posted an update:\n> Disk &lt;sda&gt; &amp; 🔥 déjà vu: \"100%\" full\n> Disk",
        incident.id,
        "",
    );

    // "Update incident" again: the summary is too long for Slack's text field, so the form
    // offers the admin page for it instead of a shortened copy that would replace it.
    assert_eq!(app.slack_click(UPDATE_CLICK, incident.id).await.0, 200);
    let opened = slack.accepted("views.open").pop().expect("the form opened");
    let view = opened.body["view"].to_string();
    assert!(!view.contains("initial_value"), "{view}");
    assert!(view.contains(&format!(
        "/admin/incidents/{}/|change it on the admin page>",
        incident.id
    )));
    // Submitted without the summary field, the summary stays.
    let state = json!({
        "new_status": {"new_status": {"type": "static_select", "selected_option":
            {"text": {"type": "plain_text", "text": "Watching"}, "value": "watching"}}},
        "update_text": {"update_text": text_value(None)},
        "new_severity": {"new_severity": no_selection()},
    });
    assert_eq!(
        app.submit_modal(&update_submission(incident.id, state))
            .await,
        (200, String::new())
    );
    app.settle().await;
    let stored = app.incident(incident.id).await;
    assert_eq!(stored.status, IncidentStatus::Watching);
    assert_eq!(stored.summary.as_deref(), Some(long.trim()));
    assert_eq!(
        thread_notes(&slack).last().map(String::as_str),
        Some("jdoe changed the status to *Watching*.")
    );
    assert_slack_took_everything(&slack);
    app.stop().await;
}

async fn the_home_tab_create_form_refuses_a_5000_character_title_and_takes_long_texts(
    backend: Backend,
) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    assert_eq!(
        app.slack_interaction(&serde_json::from_str(CREATE_CLICK).expect("fixture"))
            .await
            .0,
        200
    );
    assert_eq!(slack.accepted("views.open").len(), 1, "the form opened");
    let long = long_text();

    // A 5,000-character title is refused on its field; nothing is created or sent.
    let mut submission: Value = serde_json::from_str(CREATE_SUBMISSION).expect("fixture");
    submission["view"]["state"]["values"]["title"]["title"]["value"] = long.clone().into();
    let (status, body) = app.submit_modal(&submission).await;
    assert_eq!(status, 200);
    let answer: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(answer["errors"]["title"], "At most 200 characters.");
    assert!(
        incidents::all(&mut app.handle.db.acquire().await.expect("conn"))
            .await
            .expect("all")
            .is_empty()
    );

    // The longest title allowed, all characters that grow when escaped, with 5,000-character
    // first update and summary: taken, and the message shows the whole title.
    let title: String = "<&>".chars().cycle().take(200).collect();
    let values = &mut submission["view"]["state"]["values"];
    values["title"]["title"]["value"] = title.clone().into();
    values["update_text"]["update_text"]["value"] = long.clone().into();
    values["summary"]["summary"]["value"] = long.clone().into();
    submission["view"]["hash"] = "1767229300.another".into();
    assert_eq!(app.submit_modal(&submission).await, (200, String::new()));
    app.settle().await;
    let incident = app.only_incident().await;
    assert_eq!(incident.title, title);
    assert_eq!(incident.summary.as_deref(), Some(long.trim()));
    let posted = &incident_messages(&slack)[0];
    assert!(section_texts(&posted.body).contains(&format!(
        "*{}* (Partial Outage)",
        title
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    )));
    assert!(action_ids(&posted.body).contains(&"update_incident".to_owned()));
    assert_eq!(thread_notes(&slack), vec!["Created by jdoe."]);
    assert_slack_took_everything(&slack);
    app.stop().await;
}

async fn long_titles_and_summaries_from_the_admin_pages_fit_slack(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    create_user(&app, USER, PASSWORD).await;
    let browser = Browser::new(&app.base_url);
    browser.log_in(USER, PASSWORD).await;
    let long = long_text();
    let fields = |title: &str| {
        vec![
            ("title", title.to_owned()),
            ("status", "confirmed".to_owned()),
            ("severity", "outage".to_owned()),
            ("start", "2026-01-01T10:00".to_owned()),
            ("summary", long.clone()),
            ("text", long.clone()),
        ]
    };
    let submit = |fields: Vec<(&'static str, String)>| {
        let browser = &browser;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            browser
                .submit("/admin/incidents/new", "/admin/incidents/new", &fields)
                .await
        }
    };

    let page = submit(fields(&long)).await;
    assert_eq!(page.status, 400, "a 5,000-character title is refused");
    assert!(page.contains("At most 200 characters."));
    app.settle().await;
    assert!(slack.calls_to("chat.postMessage").is_empty());

    let title: String = "<&>".chars().cycle().take(200).collect();
    let page = submit(fields(&title)).await;
    assert_eq!(page.status, 303, "{}", page.body);
    app.settle().await;
    let incident = app.only_incident().await;
    let posted = &incident_messages(&slack)[0];
    assert!(section_texts(&posted.body).contains(&format!(
        "*{}* (Outage)",
        title
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    )));
    assert!(action_ids(&posted.body).contains(&"update_incident".to_owned()));

    // The 5,000-character summary written on the admin page, in Slack's update form.
    assert_eq!(app.slack_click(UPDATE_CLICK, incident.id).await.0, 200);
    let opened = slack.accepted("views.open").pop().expect("the form opened");
    assert!(
        opened.body["view"]
            .to_string()
            .contains("change it on the admin page")
    );
    assert_slack_took_everything(&slack);
    app.stop().await;
}

async fn a_5000_character_imported_title_is_shortened_in_the_message(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    // The original's sample database, its first incident retitled at length.
    let copy = db.data_dir.path().join("original.sqlite3");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/monostat-django.sqlite3"
        ),
        &copy,
    )
    .expect("copy");
    let original = format!("sqlite://{}", copy.display());
    {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&original)
            .await
            .expect("original");
        sqlx::query("UPDATE core_incident SET title = $1 WHERE id = 1")
            .bind(long_text())
            .execute(&mut conn)
            .await
            .expect("retitle");
    }
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_monostat"))
        .env_clear()
        .envs(db.env())
        .args(["import-django", "--from", &original])
        .output()
        .expect("monostat runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;

    // Somebody changes the imported incident: its message shows the title shortened.
    let actor = monostat::service::incidents::Actor {
        via: "slack",
        name: "jdoe".into(),
    };
    let edit = monostat::service::incidents::Edit {
        text: Some("Still on it.".into()),
        ..Default::default()
    };
    monostat::service::incidents::edit(&app.services(), &actor, 1, &edit)
        .await
        .expect("edited");
    app.settle().await;

    // The latest message of incident 1: the clock completes the sample's overdue maintenance
    // (incident 4) at the start too, and updates its message.
    let title_line = incident_messages(&slack)
        .into_iter()
        .find_map(|shown| {
            section_texts(&shown.body)
                .into_iter()
                .find(|t| t.starts_with("*Disk"))
        })
        .expect("the title");
    let severity = incidents::get(&mut app.handle.db.acquire().await.expect("conn"), 1)
        .await
        .expect("get")
        .expect("imported")
        .severity;
    assert_shortened(
        &title_line,
        "*Disk &lt;sda&gt; &amp; 🔥 déjà vu",
        1,
        &format!("* ({})", severity.label()),
    );
    let ts = incidents::get(&mut app.handle.db.acquire().await.expect("conn"), 1)
        .await
        .expect("get")
        .and_then(|i| i.slack_message_ts)
        .expect("posted");
    let notes: Vec<String> = slack
        .accepted("chat.postMessage")
        .into_iter()
        .filter(|c| c.body["thread_ts"] == ts.as_str())
        .map(|c| c.body["text"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(notes, vec!["jdoe posted an update:\n> Still on it."]);
    assert_slack_took_everything(&slack);
    app.stop().await;
}

async fn a_5000_character_slack_user_name_is_shortened_in_the_thread(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    let incident = suspected_incident(&app).await;
    let mut confirm: Value = serde_json::from_str(CONFIRM).expect("fixture");
    confirm["actions"][0]["value"] = incident.id.to_string().into();
    confirm["user"]["username"] = long_text().into();

    assert_eq!(app.slack_interaction(&confirm).await.0, 200);
    app.settle().await;

    let stored = app.incident(incident.id).await;
    assert_eq!(stored.status, IncidentStatus::Confirmed);
    let note = thread_notes(&slack).pop().expect("a thread note");
    // 80 characters as Slack may count them (an emoji is two), escaped for the thread.
    let mut room: i32 = 79;
    let name: String = long_text()
        .chars()
        .take_while(|c| {
            room -= c.len_utf16() as i32;
            room >= 0
        })
        .collect();
    assert_eq!(
        note,
        format!(
            "{}… confirmed the incident.",
            name.trim_end()
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        )
    );
    assert!(note.starts_with("Disk &lt;sda&gt; &amp; 🔥"), "{note}");
    assert_slack_took_everything(&slack);
    app.stop().await;
}

async fn a_refused_message_is_replaced_by_a_minimal_one_with_the_buttons(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    // Slack refuses the first post (the incident's message) whatever the app did to fit it.
    slack.fail_next("chat.postMessage", Failure::Error("invalid_blocks"));
    let app = app_with_slack(&db, &slack).await;

    let incident = suspected_incident(&app).await;

    let posts = slack.calls_to("chat.postMessage");
    assert_eq!(posts.len(), 2);
    assert!(!posts[0].accepted());
    let minimal = &posts[1];
    assert!(minimal.accepted());
    assert_eq!(
        action_ids(&minimal.body),
        vec!["confirm_incident", "dismiss_incident"]
    );
    let text = section_texts(&minimal.body).join("\n");
    assert!(
        text.contains("Monitoring has reported a new incident"),
        "{text}"
    );
    assert!(text.contains(&format!("/admin/incidents/{}/|", incident.id)));
    assert_eq!(
        incident.slack_message_ts.as_deref(),
        minimal.answer["ts"].as_str(),
        "later changes update the message that arrived"
    );

    // A refused update and a refused thread note: the minimal ones arrive in their place.
    slack.fail_next("chat.update", Failure::Error("invalid_blocks"));
    slack.fail_next("chat.postMessage", Failure::Error("msg_too_long"));
    assert_eq!(app.slack_click(CONFIRM, incident.id).await.0, 200);
    app.settle().await;
    let updates = slack.calls_to("chat.update");
    assert_eq!(updates.len(), 2);
    assert!(updates[1].accepted());
    assert_eq!(action_ids(&updates[1].body), vec!["update_incident"]);
    let notes = thread_notes(&slack);
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].starts_with("There is news on this incident that Slack could not show"),
        "{}",
        notes[0]
    );
    let jobs: Vec<(String, i32)> =
        sqlx::query_as("SELECT state, attempts FROM jobs WHERE kind LIKE 'slack.%' ORDER BY id")
            .fetch_all(&mut *app.handle.db.acquire().await.expect("conn"))
            .await
            .expect("jobs");
    assert_eq!(
        jobs,
        vec![("done".to_owned(), 1), ("done".to_owned(), 1)],
        "each job succeeded at its first attempt"
    );

    // A refused update form: the form without the summary opens in its place.
    slack.fail_next("views.open", Failure::Error("invalid_arguments"));
    assert_eq!(app.slack_click(UPDATE_CLICK, incident.id).await.0, 200);
    let opened = slack.calls_to("views.open");
    assert_eq!(opened.len(), 2);
    assert!(!opened[0].accepted() && opened[1].accepted());
    let view = opened[1].body["view"].to_string();
    assert!(view.contains("\"callback_id\":\"update_incident_modal\""));
    assert!(view.contains("\"action_id\":\"new_status\""), "{view}");
    assert!(view.contains("|change it on the admin page>"), "{view}");
    app.stop().await;
}

//! Planned maintenance in Slack (issue 17): the create form's window, and the clock's prompts in
//! the channel with their buttons, against the fake Slack, with windows a few seconds ahead.

use crate::admin_incidents::thread_texts;
use crate::fake_slack::{Call, Failure, FakeSlack};
use crate::helpers::{Backend, TestApp, TestDatabase, eventually};
use crate::on_both_backends;
use crate::slack_http::app_with_slack;
use monostat::domain::IncidentStatus;
use monostat::domain::maintenance::{MaintenanceSettings, Mode};
use monostat::storage::settings;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const CREATE_SUBMISSION: &str = include_str!("../fixtures/slack_view_submission_create.json");
const CONFIRM: &str = include_str!("../fixtures/slack_block_actions_confirm.json");

/// How long after its moment a prompt may come: the worker polls every second; the issue allows
/// 60 s.
const PROMPT_TOLERANCE: Duration = Duration::from_secs(10);
/// The window starts this far ahead of the form's submission.
const LEAD: i64 = 3;

on_both_backends!(
    the_create_form_announces_maintenance_with_its_window,
    ask_mode_asks_at_the_start_and_start_now_starts_it,
    postponing_twice_from_one_prompt_postpones_once,
    cancel_cancels_the_maintenance,
    automatic_mode_says_it_started_and_offers_complete_and_extend,
    a_button_that_cannot_be_read_changes_nothing,
    ask_mode_asks_again_when_a_window_passes_unstarted,
);

fn values(state: &mut Value) -> &mut Value {
    &mut state["view"]["state"]["values"]
}

/// The create form filled in for maintenance `title` from `start` to `end` (Unix seconds, as
/// Slack's date-and-time picker sends them).
fn maintenance_form(title: &str, start: i64, end: Option<i64>) -> Value {
    let mut form: Value = serde_json::from_str(CREATE_SUBMISSION).expect("fixture");
    let v = values(&mut form);
    v["title"]["title"]["value"] = title.into();
    v["status"]["status"]["selected_option"]["value"] = "planned".into();
    v["severity"]["severity"]["selected_option"]["value"] = "maintenance".into();
    v["start"]["start"]["selected_date_time"] = start.into();
    v["end"] = json!({"end": {"type": "datetimepicker", "selected_date_time": end}});
    form
}

fn modal_errors(body: &str) -> Value {
    let answer: Value = serde_json::from_str(body).expect("JSON answer");
    assert_eq!(answer["response_action"], "errors", "{answer}");
    answer["errors"].clone()
}

async fn use_settings(app: &TestApp, mode: Mode) {
    let s = MaintenanceSettings {
        mode,
        prompt_minutes: 0,
        reminder_hours: 0,
        ..MaintenanceSettings::default()
    };
    let mut conn = app.handle.db.acquire().await.expect("conn");
    settings::save_maintenance(&mut conn, &s)
        .await
        .expect("settings saved");
}

/// Announces maintenance from Slack's form starting `LEAD` seconds from now and lasting an hour;
/// returns its id and its start.
async fn announce(app: &TestApp) -> (i64, i64) {
    let start = jiff::Timestamp::now().as_second() + LEAD;
    let form = maintenance_form("Database upgrade", start, Some(start + 3_600));
    assert_eq!(app.submit_modal(&form).await, (200, String::new()));
    (app.only_incident().await.id, start)
}

/// The thread reply whose text contains `words`, once it has been posted; with how long after
/// `moment` (Unix seconds) it came.
async fn prompt(slack: &FakeSlack, words: &str, moment: i64) -> (Call, Duration) {
    let call = eventually(Duration::from_secs(30), || async {
        slack.accepted("chat.postMessage").into_iter().find(|c| {
            c.body.get("thread_ts").is_some()
                && c.body["text"].as_str().unwrap_or_default().contains(words)
        })
    })
    .await;
    let late = jiff::Timestamp::now().as_second() - moment;
    // Measured when seen (the fake records no wall-clock time); an upper bound.
    (call, Duration::from_secs(late.max(0).unsigned_abs()))
}

/// The prompt's buttons: (label, action_id, value).
fn buttons(call: &Call) -> Vec<(String, String, String)> {
    call.body["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .map(|e| {
            let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
            (s(&e["text"]["text"]), s(&e["action_id"]), s(&e["value"]))
        })
        .collect()
}

/// jdoe clicking the button `action_id` of the posted `prompt`, as Slack delivers it: the
/// message it sits in, and a click time of its own (`n`).
fn click(prompt: &Call, action_id: &str, n: u32) -> Value {
    let ts = prompt.answer["ts"].as_str().expect("posted").to_owned();
    let value = buttons(prompt)
        .into_iter()
        .find(|(_, id, _)| id == action_id)
        .map(|(_, _, value)| value)
        .unwrap_or_else(|| panic!("{action_id} on the prompt"));
    let mut payload: Value = serde_json::from_str(CONFIRM).expect("fixture");
    payload["container"]["message_ts"] = ts.clone().into();
    payload["message"]["ts"] = ts.into();
    payload["message"]["text"] = prompt.body["text"].clone();
    payload["message"]["blocks"] = prompt.body["blocks"].clone();
    payload["actions"] = json!([{
        "action_id": action_id, "block_id": "pr0mt", "type": "button", "value": value,
        "text": {"type": "plain_text", "text": "x"},
        "action_ts": format!("1767230000.{n:06}")
    }]);
    payload
}

/// The `chat.update`s of message `ts`.
fn updates_of(slack: &FakeSlack, ts: &str) -> Vec<Call> {
    slack
        .accepted("chat.update")
        .into_iter()
        .filter(|c| c.body["ts"] == ts)
        .collect()
}

/// Waits until the prompt `prompt` has been replaced, and returns the replacement.
async fn replaced(slack: &FakeSlack, prompt: &Call) -> Call {
    let ts = prompt.answer["ts"].as_str().expect("posted").to_owned();
    eventually(Duration::from_secs(20), || async {
        updates_of(slack, &ts).pop()
    })
    .await
}

async fn the_create_form_announces_maintenance_with_its_window(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    let tomorrow = jiff::Timestamp::now().as_second() + 86_400;

    // The end at the start, or before it: refused on the end field.
    for end in [tomorrow, tomorrow - 60] {
        let (status, body) = app
            .submit_modal(&maintenance_form("Database upgrade", tomorrow, Some(end)))
            .await;
        assert_eq!(status, 200);
        let errors = modal_errors(&body);
        assert_eq!(errors["end"], "The end must be after the start.");
        assert!(errors.get("start").is_none(), "{errors}");
    }
    // A start that has passed: refused on the start field.
    let past = jiff::Timestamp::now().as_second() - 3_600;
    let (_, body) = app
        .submit_modal(&maintenance_form("Database upgrade", past, Some(tomorrow)))
        .await;
    assert_eq!(
        modal_errors(&body)["start"],
        "Planned maintenance starts in the future."
    );
    // No end at all.
    let (_, body) = app
        .submit_modal(&maintenance_form("Database upgrade", tomorrow, None))
        .await;
    assert_eq!(
        modal_errors(&body)["end"],
        "Planned maintenance needs an end."
    );
    app.settle().await;
    assert!(slack.calls_to("chat.postMessage").is_empty());

    let form = maintenance_form("Database upgrade", tomorrow, Some(tomorrow + 7_200));
    assert_eq!(app.submit_modal(&form).await, (200, String::new()));
    let incident = app.only_incident().await;
    assert_eq!(incident.status, IncidentStatus::Planned);
    assert_eq!(incident.start.as_second(), tomorrow);
    assert_eq!(incident.end.map(|e| e.as_second()), Some(tomorrow + 7_200));
    app.settle().await;
    let message = slack
        .accepted("chat.postMessage")
        .into_iter()
        .find(|c| c.body.get("thread_ts").is_none())
        .expect("the maintenance's message");
    let window = format!(
        "*Window:* <!date^{tomorrow}^{{date_short_pretty}} {{time}}|{} UTC> – <!date^{}^",
        jiff::Timestamp::from_second(tomorrow)
            .expect("valid")
            .strftime("%Y-%m-%d %H:%M"),
        tomorrow + 7_200
    );
    assert!(
        message.body.to_string().contains(&window),
        "{}",
        message.body
    );
    app.stop().await;
}

async fn ask_mode_asks_at_the_start_and_start_now_starts_it(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    use_settings(&app, Mode::Ask).await;
    let (id, start) = announce(&app).await;

    let (asked, late) = prompt(&slack, "is due to start", start).await;
    assert!(late <= PROMPT_TOLERANCE, "asked {late:?} after the start");
    let message_ts = app.incident(id).await.slack_message_ts.expect("posted");
    assert_eq!(asked.body["thread_ts"], message_ts.as_str());
    assert_eq!(asked.body["reply_broadcast"], true, "the channel sees it");
    assert!(
        asked.body["text"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Maintenance *Database upgrade* is due to start.\n*Window:* <!date^"),
        "{}",
        asked.body
    );
    let sequence = app.incident(id).await.schedule_sequence;
    let value = format!("{id}:{sequence}");
    assert_eq!(
        buttons(&asked),
        vec![
            (
                "Start now".into(),
                "maintenance_start_now".into(),
                value.clone()
            ),
            (
                "Postpone 30 min".into(),
                "maintenance_postpone".into(),
                value.clone()
            ),
            ("Cancel".into(), "maintenance_cancel".into(), value),
        ]
    );
    // Nothing moves until somebody answers.
    assert_eq!(app.incident(id).await.status, IncidentStatus::Planned);

    let clicked = Instant::now();
    assert_eq!(
        app.slack_interaction(&click(&asked, "maintenance_start_now", 1))
            .await
            .0,
        200
    );
    assert!(
        clicked.elapsed() < Duration::from_secs(3),
        "Slack's deadline"
    );
    assert_eq!(app.incident(id).await.status, IncidentStatus::Confirmed);
    let page = eventually(Duration::from_secs(10), || async {
        let page = app.get("/").await.text().await.expect("page");
        page.contains("is undergoing planned maintenance")
            .then_some(page)
    })
    .await;
    assert!(page.contains("Database upgrade"));
    let answered = replaced(&slack, &asked).await;
    assert!(buttons(&answered).is_empty(), "{}", answered.body);
    let text = answered.body["text"].as_str().unwrap_or_default();
    assert!(text.contains("is due to start"), "{text}");
    assert!(text.contains("jdoe started the maintenance."), "{text}");
    app.settle().await;
    assert!(
        thread_texts(&slack).contains(&"jdoe started the maintenance.".to_owned()),
        "{:?}",
        thread_texts(&slack)
    );
    assert!(slack.calls_to("chat.postEphemeral").is_empty());
    app.stop().await;
}

async fn postponing_twice_from_one_prompt_postpones_once(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    use_settings(&app, Mode::Ask).await;
    let (id, start) = announce(&app).await;
    app.settle().await;
    // Slack is busy when the prompt comes: it is posted once, after Retry-After.
    slack.fail_next("chat.postMessage", Failure::RateLimited { retry_after: 1 });
    let (asked, _) = prompt(&slack, "is due to start", start).await;
    let attempts: Vec<Call> = slack
        .calls_to("chat.postMessage")
        .into_iter()
        .filter(|c| c.body.get("thread_ts").is_some() && c.body["reply_broadcast"] == true)
        .collect();
    assert_eq!(attempts.len(), 2, "refused, then posted");
    assert!(!attempts[0].accepted() && attempts[1].accepted());
    assert!(attempts[1].at.duration_since(attempts[0].at) >= Duration::from_secs(1));
    let before = app.incident(id).await;

    // Two people (or one, twice) before the buttons went away.
    for n in 1..=2 {
        let answer = app
            .slack_interaction(&click(&asked, "maintenance_postpone", n))
            .await;
        assert_eq!(answer.0, 200);
    }
    let after = app.incident(id).await;
    assert_eq!(after.status, IncidentStatus::Planned);
    assert_eq!(after.schedule_sequence, before.schedule_sequence + 1);
    let moved = before.start.duration_until(after.start);
    assert!(
        moved >= jiff::SignedDuration::from_mins(30) && moved < jiff::SignedDuration::from_mins(31),
        "the start moved by {moved:?}"
    );
    assert_eq!(
        before.start.duration_until(before.end.expect("end")),
        after.start.duration_until(after.end.expect("end")),
        "the window keeps its length"
    );
    assert_eq!(app.audited(id, "maintenance.postponed").await, 1);
    app.settle().await;
    let notes: Vec<String> = thread_texts(&slack)
        .into_iter()
        .filter(|t| t.starts_with("jdoe postponed the maintenance to <!date^"))
        .collect();
    assert_eq!(notes.len(), 1, "{:?}", thread_texts(&slack));
    assert!(
        notes[0].contains(&format!("<!date^{}^", after.start.as_second())),
        "{}",
        notes[0]
    );
    // The prompt says so once; the second click hears, alone, that it came too late.
    let ts = asked.answer["ts"].as_str().expect("ts");
    let answered = updates_of(&slack, ts);
    assert_eq!(answered.len(), 1, "{answered:?}");
    assert!(buttons(&answered[0]).is_empty());
    assert!(
        answered[0].body["text"]
            .as_str()
            .unwrap_or_default()
            .contains("jdoe postponed the maintenance to")
    );
    let told = slack.accepted("chat.postEphemeral");
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].body["user"], "U0FAKEUSR01");
    assert!(
        told[0].body["text"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Nothing was done: the maintenance had already changed")
    );
    app.stop().await;
}

async fn cancel_cancels_the_maintenance(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    use_settings(&app, Mode::Ask).await;
    let (id, start) = announce(&app).await;
    let (asked, _) = prompt(&slack, "is due to start", start).await;
    let cancel = buttons(&asked)
        .into_iter()
        .find(|(_, id, _)| id == "maintenance_cancel");
    assert!(cancel.is_some());

    assert_eq!(
        app.slack_interaction(&click(&asked, "maintenance_cancel", 1))
            .await
            .0,
        200
    );
    let incident = app.incident(id).await;
    assert_eq!(incident.status, IncidentStatus::Dismissed);
    assert!(incident.cancelled.is_some());
    let answered = replaced(&slack, &asked).await;
    assert!(buttons(&answered).is_empty());
    app.settle().await;
    assert!(thread_texts(&slack).contains(&"jdoe cancelled the maintenance.".to_owned()));
    let message = slack
        .accepted("chat.update")
        .into_iter()
        .rfind(|c| c.body["ts"] == incident.slack_message_ts.as_deref().unwrap_or_default())
        .expect("the maintenance's message was updated");
    assert!(
        message.body["text"]
            .as_str()
            .unwrap_or_default()
            .contains("Cancelled maintenance")
    );
    let page = eventually(Duration::from_secs(10), || async {
        let page = app.get("/").await.text().await.expect("page");
        (!page.contains("Database upgrade")).then_some(page)
    })
    .await;
    assert!(!page.contains("undergoing planned maintenance"));
    app.stop().await;
}

async fn automatic_mode_says_it_started_and_offers_complete_and_extend(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    use_settings(&app, Mode::Automatic).await;
    let (id, start) = announce(&app).await;

    let (started, late) = prompt(&slack, "has started", start).await;
    assert!(late <= PROMPT_TOLERANCE, "told {late:?} after the start");
    assert_eq!(started.body["reply_broadcast"], true);
    assert_eq!(app.incident(id).await.status, IncidentStatus::Confirmed);
    let labels: Vec<String> = buttons(&started).into_iter().map(|b| b.0).collect();
    assert_eq!(labels, vec!["Complete now", "Extend 30 min"]);
    let before = app.incident(id).await;

    assert_eq!(
        app.slack_interaction(&click(&started, "maintenance_extend", 1))
            .await
            .0,
        200
    );
    let after = app.incident(id).await;
    assert_eq!(
        before
            .end
            .expect("end")
            .duration_until(after.end.expect("end")),
        jiff::SignedDuration::from_mins(30)
    );
    app.settle().await;
    let until = after.end.expect("end");
    let note = format!(
        "jdoe extended the maintenance until <!date^{}^{{date_short_pretty}} {{time}}|{} UTC>.",
        until.as_second(),
        until.strftime("%Y-%m-%d %H:%M")
    );
    assert!(
        thread_texts(&slack).contains(&note),
        "{:?}",
        thread_texts(&slack)
    );
    // The same prompt's "Complete now" acted on the window before the extension: it changes
    // nothing, and the person is told.
    assert_eq!(
        app.slack_interaction(&click(&started, "maintenance_complete_now", 2))
            .await
            .0,
        200
    );
    assert_eq!(app.incident(id).await.status, IncidentStatus::Confirmed);
    app.settle().await;
    assert_eq!(slack.accepted("chat.postEphemeral").len(), 1);
    assert_eq!(app.audited(id, "maintenance.completed").await, 0);
    app.stop().await;
}

async fn a_button_that_cannot_be_read_changes_nothing(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    use_settings(&app, Mode::Ask).await;
    let (id, start) = announce(&app).await;
    let (asked, _) = prompt(&slack, "is due to start", start).await;

    let forged = [
        ("maintenance_start_now", "not-a-value"),
        ("maintenance_start_now", ""),
        ("maintenance_start_now", "99999:0"),
        ("maintenance_explode", "1:0"),
    ];
    for (n, (action_id, value)) in forged.into_iter().enumerate() {
        let mut payload = click(&asked, "maintenance_start_now", 10 + n as u32);
        payload["actions"][0]["action_id"] = action_id.into();
        payload["actions"][0]["value"] = value.into();
        assert_eq!(app.slack_interaction(&payload).await.0, 200, "{value}");
    }
    assert_eq!(app.incident(id).await.status, IncidentStatus::Planned);
    app.settle().await;
    let told: Vec<String> = slack
        .accepted("chat.postEphemeral")
        .into_iter()
        .map(|c| c.body["text"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(told.len(), 4, "{told:?}");
    assert!(told.iter().all(|t| t.starts_with("Nothing was done")));
    app.stop().await;
}

/// In ask mode a window nobody started does not end by itself, nor does it offer buttons that
/// cannot work: at its end the channel is asked to start it anyway or cancel it.
async fn ask_mode_asks_again_when_a_window_passes_unstarted(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    use_settings(&app, Mode::Ask).await;
    let start = jiff::Timestamp::now().as_second() + LEAD;
    let form = maintenance_form("Database upgrade", start, Some(start + 3));
    assert_eq!(app.submit_modal(&form).await, (200, String::new()));
    let id = app.only_incident().await.id;
    let (asked, late) = prompt(
        &slack,
        "was not started, and its window has ended",
        start + 3,
    )
    .await;
    assert!(late <= PROMPT_TOLERANCE, "asked {late:?} after the end");
    assert_eq!(
        buttons(&asked)
            .into_iter()
            .map(|(label, _, _)| label)
            .collect::<Vec<_>>(),
        vec!["Start now".to_owned(), "Cancel".to_owned()]
    );
    assert_eq!(app.incident(id).await.status, IncidentStatus::Planned);
    assert_eq!(
        app.slack_interaction(&click(&asked, "maintenance_start_now", 1))
            .await
            .0,
        200
    );
    let started = eventually(Duration::from_secs(20), || async {
        let m = app.incident(id).await;
        (m.status == IncidentStatus::Confirmed).then_some(m)
    })
    .await;
    // Started late, it keeps its three seconds from now rather than ending at once.
    let end = started.end.expect("end");
    assert_eq!(started.start.duration_until(end).as_secs(), 3);
    app.stop().await;
}

//! The incident rules (`domain::input`) and who hears of a change (`domain::notification`), as
//! people meet them on the admin pages and in Slack: where the copies of a rule used to
//! disagree, each decision in `docs/architecture.md` is shown here by what people see (pages,
//! Slack's answers and messages, mails).

use crate::admin_client::Page;
use crate::admin_incidents::{app_with_mail_and_slack, thread_texts};
use crate::admin_people::add_subscriber;
use crate::fake_slack::FakeSlack;
use crate::helpers::{Backend, SmtpSink, TestDatabase, eventually};
use crate::on_both_backends;
use crate::slack_http::{CONFIRM, app_with_slack, suspected_incident};
use monostat::domain::input::Problem;
use serde_json::Value;
use std::time::Duration;

const CREATE_SUBMISSION: &str = include_str!("../fixtures/slack_view_submission_create.json");
const UPDATE_SUBMISSION: &str = include_str!("../fixtures/slack_view_submission_update.json");

/// A time as the admin form's `datetime-local` fields take it, `days` from now.
fn form_time(days: i64) -> String {
    (jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * days))
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The incident's own messages (not thread replies) posted to the channel.
fn channel_messages(slack: &FakeSlack) -> Vec<String> {
    slack
        .calls_to("chat.postMessage")
        .into_iter()
        .filter(|c| c.body.get("thread_ts").is_none())
        .map(|c| c.body.to_string())
        .collect()
}

/// The fixture's submission of Slack's create form, with `title`.
fn create_submission(title: &str) -> Value {
    let mut submission: Value = serde_json::from_str(CREATE_SUBMISSION).expect("fixture");
    submission["view"]["state"]["values"]["title"]["title"]["value"] = title.into();
    submission
}

/// The field errors a form submission was answered with (it must have been refused).
fn modal_errors(body: &str) -> Value {
    let answer: Value = serde_json::from_str(body).expect("JSON answer");
    assert_eq!(answer["response_action"], "errors", "{answer}");
    answer["errors"].clone()
}

/// The admin page of the incident the redirect after saving the new-incident form names.
fn edit_path(created: &Page) -> String {
    let location = created.location.clone().expect("a redirect");
    location.split('?').next().expect("a path").to_owned()
}

/// Decision: changing an incident to planned is news for subscribers who heard nothing of it,
/// as creating it as planned is (it used to mail only on creation), and it needs what
/// announcing maintenance needs: a start ahead and an end (it used to be checked on creation
/// only).
async fn changing_an_incident_to_planned_announces_the_maintenance(backend: Backend) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_mail_and_slack(&db, &sink, &slack).await;
    add_subscriber(&app, "jane@example.com", true).await;
    // Entered as ongoing by mistake, without telling subscribers.
    let title = ("title", "Database upgrade");
    let severity = ("severity", "maintenance");
    let started = form_time(-1);
    let page = app
        .admin_post(
            "/admin/incidents/new",
            "/admin/incidents/new",
            &[
                title,
                ("status", "confirmed"),
                severity,
                ("start", &started),
                ("no_notify", "on"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let edit = edit_path(&page);
    app.settle().await;
    assert!(sink.mails_to("jane@example.com").is_empty());

    let page = app
        .admin_post(
            &edit,
            &edit,
            &[title, ("status", "planned"), severity, ("start", &started)],
        )
        .await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(page.contains("Planned maintenance starts in the future."));
    assert!(page.contains("Planned maintenance needs an end."));

    let (start, end) = (form_time(1), form_time(2));
    let page = app
        .admin_post(
            &edit,
            &edit,
            &[
                title,
                ("status", "planned"),
                severity,
                ("start", &start),
                ("end", &end),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    app.settle().await;
    let mails = eventually(Duration::from_secs(10), || async {
        Some(sink.mails_to("jane@example.com")).filter(|m| !m.is_empty())
    })
    .await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(
        mails[0]["headers"]["Subject"],
        "[Maintenance] Planned maintenance posted"
    );
    assert!(
        thread_texts(&slack)
            .iter()
            .any(|t| t.contains("the status to *Planned*")),
        "{:?}",
        thread_texts(&slack)
    );
    app.stop().await;
}

/// Decision: people create incidents as planned, confirmed, watching or resolved; suspicions
/// are monitoring's and a dismissed incident is a false alarm (the admin pages used to create
/// both), and nobody but monitoring makes an incident suspected (the admin pages used to).
async fn people_neither_create_suspicions_nor_dismissals_nor_make_incidents_suspected(
    backend: Backend,
) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    let browser = app.admin().await;
    let form = browser.get("/admin/incidents/new").await;
    assert!(form.contains("value=\"resolved\""));
    assert!(!form.contains("value=\"suspected\""));
    assert!(!form.contains("value=\"dismissed\""));

    let start = form_time(0);
    for (status, refusal) in [
        ("suspected", "Only monitoring creates suspected incidents."),
        (
            "dismissed",
            "A dismissed incident is a false alarm: there is nothing to create.",
        ),
    ] {
        let page = app
            .admin_post(
                "/admin/incidents/new",
                "/admin/incidents/new",
                &[
                    ("title", "Search is slow"),
                    ("status", status),
                    ("severity", "partial"),
                    ("start", &start),
                ],
            )
            .await;
        assert_eq!(page.status, 400, "{status}: {}", page.body);
        assert!(page.contains(refusal), "{status}: {}", page.body);
    }
    app.settle().await;
    assert!(slack.calls_to("chat.postMessage").is_empty());
    assert!(
        !browser
            .get("/admin/incidents/")
            .await
            .contains("Search is slow")
    );

    let fields = |status| {
        [
            ("title", "Search is slow"),
            ("status", status),
            ("severity", "partial"),
            ("start", "2026-01-01T10:00"),
        ]
    };
    let page = app
        .admin_post(
            "/admin/incidents/new",
            "/admin/incidents/new",
            &fields("confirmed"),
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let edit = edit_path(&page);
    assert!(!browser.get(&edit).await.contains("value=\"suspected\""));
    let page = app.admin_post(&edit, &edit, &fields("suspected")).await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(page.contains("Only monitoring marks an incident as suspected."));
    app.settle().await;
    assert_eq!(thread_texts(&slack), vec!["Created by alice."]);
    app.stop().await;
}

/// Decision: Slack's create form announces maintenance only ahead of its start, and (since
/// issue 17 gave it an end field) with an end after the start; it used to take any start, then
/// an open end. What it may create is the domain's to say, whatever a submission claims.
async fn slack_announces_maintenance_only_ahead_with_an_end(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    let mut submission = create_submission("Database upgrade");
    submission["view"]["state"]["values"]["severity"]["severity"]["selected_option"]["value"] =
        "maintenance".into();

    // A status the form never offers, sent anyway.
    submission["view"]["state"]["values"]["status"]["status"]["selected_option"]["value"] =
        "suspected".into();
    let (status, body) = app.submit_modal(&submission).await;
    assert_eq!(status, 200);
    assert_eq!(
        modal_errors(&body)["status"],
        "Only monitoring creates suspected incidents."
    );

    // The fixture's start, 2026-01-01, has passed.
    submission["view"]["state"]["values"]["status"]["status"]["selected_option"]["value"] =
        "planned".into();
    let (status, body) = app.submit_modal(&submission).await;
    assert_eq!(status, 200);
    assert_eq!(
        modal_errors(&body)["start"],
        "Planned maintenance starts in the future."
    );
    app.settle().await;
    assert!(slack.calls_to("chat.postMessage").is_empty());

    let tomorrow = jiff::Timestamp::now().as_second() + 86_400;
    submission["view"]["state"]["values"]["start"]["start"]["selected_date_time"] = tomorrow.into();
    let (status, body) = app.submit_modal(&submission).await;
    assert_eq!(status, 200);
    assert_eq!(
        modal_errors(&body)["end"],
        "Planned maintenance needs an end."
    );
    submission["view"]["state"]["values"]["end"] = serde_json::json!({"end": {"type": "datetimepicker", "selected_date_time": tomorrow + 3_600}});
    assert_eq!(app.submit_modal(&submission).await, (200, String::new()));
    app.settle().await;
    let posted = channel_messages(&slack);
    assert_eq!(posted.len(), 1, "{posted:?}");
    assert!(
        posted[0].contains("*Planned maintenance* starting"),
        "{}",
        posted[0]
    );
    assert_eq!(thread_texts(&slack), vec!["Created by jdoe."]);
    let page = eventually(Duration::from_secs(10), || async {
        let page = app.get("/").await.text().await.expect("body");
        page.contains("Database upgrade").then_some(page)
    })
    .await;
    assert!(page.contains("Planned maintenance"));
    app.stop().await;
}

/// Decision: the thread says "subscribers were not notified" only when the tick held news back,
/// which a silent incident never has (it used to say so of silent incidents too), and it says
/// so of a new incident as of a change (`docs/architecture.md`'s table promised it for both).
async fn only_news_held_back_is_said_to_be_held_back(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    let browser = app.admin().await;
    let mut held_back = Vec::new();
    for silent in [true, false] {
        let title = format!("Search is slow (silent: {silent})");
        let mut fields = vec![
            ("title", title.as_str()),
            ("status", "confirmed"),
            ("severity", "partial"),
            ("start", "2026-01-01T10:00"),
            ("no_notify", "on"),
        ];
        if silent {
            fields.push(("silent", "on"));
        }
        let page = browser
            .submit("/admin/incidents/new", "/admin/incidents/new", &fields)
            .await;
        assert_eq!(page.status, 303, "{}", page.body);
        let edit = edit_path(&page);
        app.settle().await;
        let created = thread_texts(&slack).last().cloned().expect("a note");
        assert_eq!(
            created,
            if silent {
                "Created by alice."
            } else {
                "Created by alice (subscribers were not notified)."
            }
        );
        fields[1] = ("status", "resolved");
        let page = browser.submit(&edit, &edit, &fields).await;
        assert_eq!(page.status, 303, "{}", page.body);
        app.settle().await;
        let notes = thread_texts(&slack);
        let note = notes.last().expect("a note on the resolution");
        assert!(note.contains("the status to *Resolved*"), "{note}");
        held_back.push(note.contains("(subscribers were not notified)"));
    }
    assert_eq!(held_back, vec![false, true], "silent, then not silent");
    app.stop().await;
}

/// The audit log keeps what a person posted from Slack's update form as written: the entry
/// used to lose the update's last full stop with the closing one of the entry.
async fn the_audit_log_keeps_an_update_posted_in_slack_whole(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    let incident = suspected_incident(&app).await;
    assert_eq!(app.slack_click(CONFIRM, incident.id).await.0, 200);
    let mut submission: Value = serde_json::from_str(UPDATE_SUBMISSION).expect("fixture");
    submission["view"]["private_metadata"] = incident.id.to_string().into();
    assert_eq!(app.submit_modal(&submission).await, (200, String::new()));

    let audit = app
        .admin()
        .await
        .get(&format!("/admin/audit/?incident={}", incident.id))
        .await;
    assert_eq!(audit.status, 200);
    // The fixture resolves the incident, changes its summary and posts this text.
    let entry = "jdoe changed the status to Resolved. jdoe changed the summary. \
                 jdoe posted an update:\nA fix has been deployed and checkout works again.\n\
                 We keep monitoring. <span";
    assert!(audit.contains(entry), "{}", audit.body);
    assert!(audit.contains("jdoe confirmed the incident <span"));
    app.stop().await;
}

/// Slack's create form creates what it offers (planned, confirmed, watching), whatever a
/// forged submission claims: a resolved incident is recorded on the admin page, where its end
/// is given. Only the domain's rules were checked for a while, which let `resolved` through.
async fn slack_creates_only_the_statuses_its_form_offers(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    let mut submission = create_submission("Search is slow");
    submission["view"]["state"]["values"]["status"]["status"]["selected_option"]["value"] =
        "resolved".into();

    let (status, body) = app.submit_modal(&submission).await;
    assert_eq!(status, 200);
    assert_eq!(
        modal_errors(&body)["status"],
        "Choose planned, confirmed or watching: a resolved incident is recorded on the admin \
         page, where its end is given."
    );
    app.settle().await;
    assert!(slack.calls_to("chat.postMessage").is_empty());
    let list = app.admin().await.get("/admin/incidents/").await;
    assert!(!list.contains("Search is slow"), "{}", list.body);
    app.stop().await;
}

/// Correcting a public update's text on the admin page is refused with the rule's own words.
async fn an_over_long_update_correction_is_refused_in_the_rules_words(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_slack(&db, &slack).await;
    let page = app
        .admin_post(
            "/admin/incidents/new",
            "/admin/incidents/new",
            &[
                ("title", "Search is slow"),
                ("status", "confirmed"),
                ("severity", "partial"),
                ("start", "2026-01-01T10:00"),
                ("text", "We are looking into it."),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let edit = edit_path(&page);
    let form = app.admin().await.get(&edit).await;
    let action = form
        .body
        .split("action=\"")
        .map(|rest| rest.split('"').next().unwrap_or_default())
        .find(|a| a.contains("/updates/") && !a.ends_with("/delete"))
        .expect("the update's form")
        .to_owned();
    let long = "x".repeat(20_001);
    let page = app.admin_post(&edit, &action, &[("message", &long)]).await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert_eq!(
        page.body,
        format!("{} Nothing was changed.", Problem::TextTooLong)
    );
    assert!(page.contains("An update may have at most 20,000 characters."));
    assert!(
        app.admin()
            .await
            .get(&edit)
            .await
            .contains("We are looking into it.")
    );
    app.stop().await;
}

on_both_backends!(
    the_audit_log_keeps_an_update_posted_in_slack_whole,
    slack_creates_only_the_statuses_its_form_offers,
    an_over_long_update_correction_is_refused_in_the_rules_words,
    only_news_held_back_is_said_to_be_held_back,
    changing_an_incident_to_planned_announces_the_maintenance,
    people_neither_create_suspicions_nor_dismissals_nor_make_incidents_suspected,
    slack_announces_maintenance_only_ahead_with_an_end,
);

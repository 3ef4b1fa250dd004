//! Incidents changed on the admin pages reach the public page, the Slack message and thread,
//! and subscribers, by the same rules as a click in Slack; "do not notify" holds one change back.

use crate::admin::{PASSWORD, USER, create_user};
use crate::admin_client::{Browser, hidden_value};
use crate::fake_slack::FakeSlack;
use crate::helpers::{Backend, SmtpSink, TestApp, TestDatabase, eventually};
use crate::on_both_backends;
use monostat::jobs::WorkerSettings;
use std::time::Duration;

pub fn thread_texts(slack: &FakeSlack) -> Vec<String> {
    slack
        .calls_to("chat.postMessage")
        .into_iter()
        .filter(|c| c.body.get("thread_ts").is_some())
        .map(|c| c.body["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A server that mails through `sink` and talks to the fake `slack`.
pub async fn app_with_mail_and_slack(
    db: &TestDatabase,
    sink: &SmtpSink,
    slack: &FakeSlack,
) -> TestApp {
    let slack = slack.clone();
    TestApp::spawn_configured(
        db,
        |config| {
            sink.configure(config);
            slack.configure(config);
        },
        WorkerSettings::default(),
        |_| {},
    )
    .await
}

async fn admin_changes_reach_slack_the_page_and_subscribers(backend: Backend) {
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = app_with_mail_and_slack(&db, &sink, &slack).await;
    create_user(&app, USER, PASSWORD).await;
    crate::admin_people::add_subscriber(&app, "jane@example.com", true).await;
    let browser = Browser::new(&app.base_url);
    browser.log_in(USER, PASSWORD).await;

    // Bad input: named next to the field, typed values kept, nothing created.
    let page = browser
        .submit(
            "/admin/incidents/new",
            "/admin/incidents/new",
            &[
                ("title", ""),
                ("status", "planned"),
                ("severity", "maintenance"),
                ("start", "2020-01-01T10:00"),
                ("summary", "Kept *as typed*"),
            ],
        )
        .await;
    assert_eq!(page.status, 400);
    assert!(page.contains("Give the incident a title."));
    assert!(page.contains("Planned maintenance starts in the future."));
    assert!(page.contains("Planned maintenance needs an end."));
    assert!(page.contains("Kept *as typed*"));

    let page = browser
        .submit(
            "/admin/incidents/new",
            "/admin/incidents/new",
            &[
                ("title", "Checkout is failing"),
                ("status", "confirmed"),
                ("severity", "outage"),
                ("start", "2026-01-01T10:00"),
                ("text", "We are looking into it."),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let location = page.location.expect("redirect");
    let id: i64 = location
        .trim_start_matches("/admin/incidents/")
        .split('/')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("incident id");
    app.settle().await;
    // The page is rendered on change, a moment after the commit.
    let public = eventually(Duration::from_secs(10), || async {
        let public = app.get("/").await.text().await.expect("body");
        public.contains("Checkout is failing").then_some(public)
    })
    .await;
    assert_eq!(
        slack.calls_to("chat.postMessage").len() - thread_texts(&slack).len(),
        1
    );
    assert!(
        thread_texts(&slack)
            .iter()
            .any(|t| t.contains("Created by alice"))
    );
    let mails = sink.mails_to("jane@example.com");
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(
        mails[0]["headers"]["Subject"],
        "[Outage] New incident confirmed"
    );

    // The edit page shows what is there; resolving it quietly changes Slack, not the inbox.
    let edit_path = format!("/admin/incidents/{id}/");
    let page = browser.get(&edit_path).await;
    assert!(page.contains("We are looking into it."));
    assert!(page.contains("admin:alice"), "history shows who");
    let updates_before = slack.calls_to("chat.update").len();
    let page = browser
        .submit(
            &edit_path,
            &edit_path,
            &[
                ("title", "Checkout is failing"),
                ("status", "resolved"),
                ("severity", "outage"),
                ("start", "2026-01-01T10:00"),
                ("text", "Fixed by a rollback."),
                ("no_notify", "on"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    app.settle().await;
    assert!(
        slack.calls_to("chat.update").len() > updates_before,
        "the message is updated"
    );
    let notes = thread_texts(&slack);
    let note = notes
        .iter()
        .find(|t| t.contains("Updated on the admin page by alice"))
        .expect("a thread reply for the edit");
    assert!(note.contains("Resolved"), "{note}");
    assert!(note.contains("subscribers were not notified"), "{note}");
    assert_eq!(
        sink.mails_to("jane@example.com").len(),
        1,
        "no mail for this change"
    );

    // An edit that breaks a rule changes nothing.
    let page = browser
        .submit(
            &edit_path,
            &edit_path,
            &[
                ("title", "Checkout is failing"),
                ("status", "resolved"),
                ("severity", "outage"),
                ("start", "2026-01-01T10:00"),
                ("end", "2025-12-31T10:00"),
            ],
        )
        .await;
    assert_eq!(page.status, 400);
    assert!(page.contains("The end must be after the start."));

    // Updates are corrected and removed inline, and the public page follows.
    let page = browser.get(&edit_path).await;
    let update_id = page
        .body
        .split(&format!("/admin/incidents/{id}/updates/"))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("an update form")
        .to_owned();
    let incident_page = public
        .split("href=\"")
        .find(|s| s.ends_with(&format!("/{id}\">")) || s.contains(&format!("/{id}\"")))
        .and_then(|s| s.split('"').next())
        .expect("link to the incident page")
        .to_owned();
    let page = browser
        .submit(
            &edit_path,
            &format!("/admin/incidents/{id}/updates/{update_id}"),
            &[("message", "A corrected text.")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let shown = app.get(&incident_page).await.text().await.expect("body");
    assert!(shown.contains("A corrected text."), "{shown}");
    let page = browser
        .submit(
            &edit_path,
            &format!("/admin/incidents/{id}/updates/{update_id}/delete"),
            &[],
        )
        .await;
    assert_eq!(page.status, 303);
    let shown = app.get(&incident_page).await.text().await.expect("body");
    assert!(!shown.contains("A corrected text."));

    // A form opened before somebody else changed the incident saves nothing.
    let stale = browser.get(&edit_path).await;
    let stale_token = hidden_value(&stale.body, "based_on").expect("based_on");
    let actor = monostat::service::incidents::Actor {
        via: "slack",
        name: "bob".into(),
    };
    monostat::service::incidents::edit(
        &app.services(),
        &actor,
        id,
        &monostat::service::incidents::Edit {
            status: Some(monostat::domain::IncidentStatus::Watching),
            ..Default::default()
        },
    )
    .await
    .expect("edit from Slack");
    let page = browser
        .post(
            &edit_path,
            &[
                ("csrf", &stale.csrf()),
                ("based_on", &stale_token),
                ("title", "Checkout is failing (typo fixed)"),
                ("status", "resolved"),
                ("severity", "outage"),
                ("start", "2026-01-01T10:00"),
                ("text", "My words are kept."),
            ],
        )
        .await;
    assert_eq!(page.status, 409, "{}", page.body);
    assert!(page.contains("Someone changed this incident while you were editing it"));
    assert!(
        page.contains("My words are kept."),
        "the typed update is not lost"
    );
    assert!(
        page.contains("value=\"Checkout is failing\""),
        "the form shows the current title"
    );
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let now = monostat::storage::incidents::get(&mut conn, id)
        .await
        .expect("get")
        .expect("incident");
    drop(conn);
    assert_eq!(
        now.status,
        monostat::domain::IncidentStatus::Watching,
        "Slack's change stands"
    );
    assert_eq!(now.title, "Checkout is failing");

    // The list filters.
    let list = browser
        .get("/admin/incidents/?status=watching&severity=")
        .await;
    assert!(list.contains("Checkout is failing"));
    let list = browser
        .get("/admin/incidents/?status=planned&severity=")
        .await;
    assert!(!list.contains("Checkout is failing"));
    let audit = browser
        .get(&format!("/admin/audit/?incident={id}&actor=admin"))
        .await;
    assert!(audit.contains("deleted a public update"), "{}", audit.body);
    app.stop().await;
}

on_both_backends!(admin_changes_reach_slack_the_page_and_subscribers);

on_both_backends!(the_incident_page_shows_alerts_and_history_a_page_at_a_time);

/// A big outage attaches many alerts: the incident page shows 50 at a time, newest first, and
/// the same for its history, each with its own pager.
async fn the_incident_page_shows_alerts_and_history_a_page_at_a_time(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    create_user(&app, USER, PASSWORD).await;
    let alerts: Vec<_> = (1..=120)
        .map(|n| ("firing", format!("fp-{n:03}"), format!("Node {n:03} down")))
        .collect();
    let delivery = crate::hooks::alertmanager_delivery(&alerts);
    assert_eq!(app.post_alertmanager(&delivery).await.0, 200);
    let id = monostat::storage::incidents::all(&mut app.handle.db.acquire().await.expect("conn"))
        .await
        .expect("incidents")[0]
        .id;
    let browser = Browser::new(&app.base_url);
    browser.log_in(USER, PASSWORD).await;
    let link = |alerts: i64, history: i64, anchor: &str, text: &str| {
        format!(
            "<a href=\"/admin/incidents/{id}/?alerts_page={alerts}&amp;history_page={history}#{anchor}\">{text}</a>"
        )
    };

    let first = browser.get(&format!("/admin/incidents/{id}/")).await;
    assert_eq!(first.status, 200);
    assert!(first.contains("120 alerts, 120 open. Newest first."));
    assert!(first.contains("Node 120 down") && first.contains("Node 071 down"));
    assert!(!first.contains("Node 070 down"));
    assert!(first.contains(&link(2, 1, "alerts", "Older alerts")));
    assert!(!first.contains("Newer alerts"));
    // 121 history entries: the opening, then one per alert; the newest 50 here.
    assert!(first.contains("Alert fp-120 fired: Node 120 down"));
    assert!(!first.contains("Suspected incident opened by alert fp-001"));
    assert!(first.contains(&link(1, 2, "history", "Older history")));

    let last_alerts = browser
        .get(&format!(
            "/admin/incidents/{id}/?alerts_page=3&history_page=3"
        ))
        .await;
    assert_eq!(last_alerts.status, 200);
    assert!(last_alerts.contains("Node 020 down") && last_alerts.contains("Node 001 down"));
    assert!(!last_alerts.contains("Node 021 down") && !last_alerts.contains("Node 120 down"));
    assert!(last_alerts.contains(&link(2, 3, "alerts", "Newer alerts")));
    assert!(!last_alerts.contains("Older alerts"));
    assert!(last_alerts.contains("Suspected incident opened by alert fp-001"));
    assert!(last_alerts.contains(&link(3, 2, "history", "Newer history")));
    assert!(!last_alerts.contains("Older history"));

    let beyond = browser
        .get(&format!(
            "/admin/incidents/{id}/?alerts_page=9&history_page=-4"
        ))
        .await;
    assert_eq!(beyond.status, 200);
    assert!(beyond.contains("No alerts on this page."));
    assert!(beyond.contains(&link(8, 1, "alerts", "Newer alerts")));
    assert!(
        beyond.contains("Alert fp-120 fired"),
        "a page below 1 is the first"
    );
    app.stop().await;
}

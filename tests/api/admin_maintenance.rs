//! Maintenance on the admin pages: its settings, and the list that starts, completes, extends,
//! reschedules and cancels it. What each button does is checked where readers see it: the
//! public page and the Statuspage API. A page gone stale changes nothing and says so.

use crate::admin_client::{Browser, Page, hidden_value};
use crate::helpers::{Backend, TestApp, TestDatabase, eventually};
use crate::on_both_backends;
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use std::time::Duration;

/// `minutes` from now, as the form's `datetime-local` fields take it (the tests' site is UTC).
fn in_minutes(minutes: i64) -> String {
    (Timestamp::now() + SignedDuration::from_mins(minutes))
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

fn minute_of(field: &str) -> Timestamp {
    format!("{field}:00Z").parse().expect("a time")
}

/// Plans a maintenance on the admin's incident form; its id.
async fn plan(browser: &Browser, title: &str, start: &str, end: &str) -> i64 {
    let page = browser
        .submit(
            "/admin/incidents/new",
            "/admin/incidents/new",
            &[
                ("title", title),
                ("status", "planned"),
                ("severity", "maintenance"),
                ("start", start),
                ("end", end),
                ("text", "We upgrade the database."),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    page.location
        .expect("redirect")
        .trim_start_matches("/admin/incidents/")
        .split('/')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("incident id")
}

/// The part of the maintenance list under one heading (`upcoming`, `in-progress`,
/// `completed`, `cancelled`).
fn section<'a>(page: &'a Page, id: &str) -> &'a str {
    let marker = format!("<section id=\"{id}\">");
    let start = page.body.find(&marker).expect("the section is there");
    let rest = &page.body[start..];
    &rest[..rest.find("</section>").expect("the section ends")]
}

/// Which section of the list shows `title`.
async fn listed_under(browser: &Browser, title: &str) -> &'static str {
    let page = browser.get("/admin/maintenance/").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let found: Vec<_> = ["upcoming", "in-progress", "completed", "cancelled"]
        .into_iter()
        .filter(|id| section(&page, id).contains(title))
        .collect();
    assert_eq!(found.len(), 1, "listed once: {}", page.body);
    found[0]
}

/// The schedule sequence the list's forms carry for the only maintenance there is.
async fn seen(browser: &Browser) -> String {
    let page = browser.get("/admin/maintenance/").await;
    hidden_value(&page.body, "seen").expect("a form with the sequence")
}

/// A button on the list, pressed with the sequence `seen`.
async fn press(
    browser: &Browser,
    id: i64,
    action: &str,
    seen: &str,
    more: &[(&str, &str)],
) -> Page {
    let csrf = browser.get("/admin/maintenance/").await.csrf();
    let mut fields = vec![("csrf", csrf.as_str()), ("seen", seen)];
    fields.extend_from_slice(more);
    browser
        .post(&format!("/admin/maintenance/{id}/{action}"), &fields)
        .await
}

/// The maintenance called `title` in `/api/v2/scheduled-maintenances.json`, once `ready` holds
/// for it (the API is rendered a moment after the change).
async fn api_until(
    app: &TestApp,
    title: &str,
    ready: impl Fn(Option<&Value>) -> bool,
) -> Option<Value> {
    eventually(Duration::from_secs(10), || async {
        let json: Value = app
            .get("/api/v2/scheduled-maintenances.json")
            .await
            .json()
            .await
            .ok()?;
        let found = json["scheduled_maintenances"]
            .as_array()?
            .iter()
            .find(|m| m["name"] == title)
            .cloned();
        ready(found.as_ref()).then_some(found)
    })
    .await
}

async fn api_status(app: &TestApp, title: &str, status: &str) -> Value {
    api_until(app, title, |m| m.is_some_and(|m| m["status"] == status))
        .await
        .expect("listed")
}

fn api_time(m: &Value, field: &str) -> Timestamp {
    m[field].as_str().expect(field).parse().expect("a time")
}

/// The public page once `ready` holds for it.
async fn page_until(app: &TestApp, ready: impl Fn(&str) -> bool) -> String {
    eventually(Duration::from_secs(10), || async {
        let body = app.get("/").await.text().await.ok()?;
        ready(&body).then_some(body)
    })
    .await
}

const UNDERGOING: &str = "is undergoing planned maintenance";

async fn settings_are_saved_and_bad_values_refused(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let browser = app.admin().await;
    let start = in_minutes(180);
    let id = plan(browser, "Database upgrade", &start, &in_minutes(240)).await;

    let page = browser.get("/admin/settings/maintenance").await;
    assert_eq!(page.status, 200);
    assert!(
        page.contains(r#"value="automatic" checked"#),
        "{}",
        page.body
    );
    assert!(
        page.contains(
            r#"name="prompt_minutes" type="number" min="0" max="1440" step="1" value="15""#
        )
    );
    assert!(page.contains(r#"value="24""#));

    let page = browser
        .submit(
            "/admin/settings/maintenance",
            "/admin/settings/maintenance",
            &[
                ("mode", "sometimes"),
                ("prompt_minutes", "1441"),
                ("reminder_hours", "a day"),
                ("notify_start", "on"),
            ],
        )
        .await;
    assert_eq!(page.status, 400);
    assert!(page.contains("Nothing was saved."), "{}", page.body);
    assert!(page.contains("Choose how maintenance starts and ends."));
    assert!(page.contains("A whole number of minutes from 0 to 1440."));
    assert!(page.contains("A whole number of hours from 0 to 720."));
    assert!(page.contains(r#"value="a day""#), "input kept");
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let stored = monostat::storage::settings::maintenance(&mut conn)
        .await
        .expect("settings");
    assert_eq!(stored, Default::default(), "nothing saved");

    let page = browser
        .submit(
            "/admin/settings/maintenance",
            "/admin/settings/maintenance",
            &[
                ("mode", "ask"),
                ("prompt_minutes", "30"),
                ("reminder_hours", "0"),
                ("notify_start", "on"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = browser.get(&page.location.expect("redirect")).await;
    assert!(page.contains("Saved."));
    assert!(page.contains(r#"value="ask" checked"#), "{}", page.body);
    assert!(!page.contains(r#"value="automatic" checked"#));
    assert!(page.contains(r#"step="1" value="30""#));
    assert!(page.contains(r#"step="1" value="0""#));
    assert!(page.contains(r#"name="notify_start" checked"#));
    assert!(!page.contains(r#"name="notify_end" checked"#));
    let stored = monostat::storage::settings::maintenance(&mut conn)
        .await
        .expect("settings");
    assert_eq!(stored.mode, monostat::domain::maintenance::Mode::Ask);
    assert_eq!((stored.prompt_minutes, stored.reminder_hours), (30, 0));
    assert!(stored.notify_start && !stored.notify_end);

    // The new prompt, 30 minutes ahead, is on the clock's queue (no page shows the queue).
    let prompt_at = minute_of(&start) - SignedDuration::from_mins(30);
    let key = format!(
        "maintenance:{id}:0:prompt_start:{}",
        prompt_at.as_microsecond()
    );
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE unique_key = $1")
        .bind(&key)
        .fetch_one(&mut *conn)
        .await
        .expect("count");
    assert_eq!(queued, 1, "{key}");
    drop(conn);

    let audit = browser.get("/admin/audit/").await;
    assert_eq!(
        audit.body.matches("(settings.maintenance)").count(),
        1,
        "one audit entry: {}",
        audit.body
    );
    app.stop().await;
}

async fn the_list_starts_extends_reschedules_and_completes(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let browser = app.admin().await;
    let title = "Database upgrade";
    let id = plan(browser, title, &in_minutes(120), &in_minutes(180)).await;
    assert_eq!(listed_under(browser, title).await, "upcoming");
    let before = api_status(&app, title, "scheduled").await;
    page_until(&app, |body| {
        body.contains("Planned maintenance") && body.contains(title)
    })
    .await;

    // Extend: the end moves 30 minutes later, the start stays.
    let page = press(browser, id, "extend", &seen(browser).await, &[]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let until = api_time(&before, "scheduled_until") + SignedDuration::from_mins(30);
    let after = api_until(&app, title, |m| {
        m.is_some_and(|m| api_time(m, "scheduled_until") == until)
    })
    .await
    .expect("listed");
    assert_eq!(
        api_time(&after, "scheduled_for"),
        api_time(&before, "scheduled_for")
    );
    let page = browser.get(&page.location.expect("redirect")).await;
    assert!(page.contains("The maintenance now ends 30 minutes later."));

    // Reschedule: the rules' own words next to the field, nothing moved.
    let (start, end) = (in_minutes(300), in_minutes(270));
    let sequence = seen(browser).await;
    let fields = [("start", start.as_str()), ("end", end.as_str())];
    let page = press(browser, id, "reschedule", &sequence, &fields).await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(
        page.contains("The end must be after the start."),
        "{}",
        page.body
    );
    assert!(
        page.contains(&format!(r#"value="{end}""#)),
        "typed value kept"
    );
    let past = in_minutes(-60);
    let fields = [("start", past.as_str()), ("end", end.as_str())];
    let page = press(browser, id, "reschedule", &sequence, &fields).await;
    assert_eq!(page.status, 400, "{}", page.body);
    assert!(page.contains("Planned maintenance starts in the future."));
    assert_eq!(app.incident(id).await.end, Some(until), "nothing moved");

    let end = in_minutes(360);
    let fields = [("start", start.as_str()), ("end", end.as_str())];
    let page = press(browser, id, "reschedule", &sequence, &fields).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let moved = api_until(&app, title, |m| {
        m.is_some_and(|m| api_time(m, "scheduled_for") == minute_of(&start))
    })
    .await
    .expect("listed");
    assert_eq!(api_time(&moved, "scheduled_until"), minute_of(&end));
    assert_eq!(moved["status"], "scheduled");

    // Start now: in progress everywhere.
    let page = press(browser, id, "start", &seen(browser).await, &[]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    api_status(&app, title, "in_progress").await;
    page_until(&app, |body| body.contains(UNDERGOING)).await;
    assert_eq!(listed_under(browser, title).await, "in-progress");
    assert_eq!(app.audited(id, "maintenance.started").await, 1);
    assert!(
        app.audit_of(id)
            .await
            .iter()
            .any(|e| e.action == "maintenance.started" && e.actor == "admin:alice"),
        "the admin is named"
    );

    // In progress, only the end moves (a start sent anyway is ignored).
    let new_end = in_minutes(400);
    let fields = [("start", past.as_str()), ("end", new_end.as_str())];
    let page = press(browser, id, "reschedule", &seen(browser).await, &fields).await;
    assert_eq!(page.status, 303, "{}", page.body);
    api_until(&app, title, |m| {
        m.is_some_and(|m| api_time(m, "scheduled_until") == minute_of(&new_end))
    })
    .await;
    assert!(app.incident(id).await.start < Timestamp::now());

    // Complete now: completed everywhere, the page is up again.
    let page = press(browser, id, "complete", &seen(browser).await, &[]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    api_status(&app, title, "completed").await;
    page_until(&app, |body| !body.contains(UNDERGOING)).await;
    assert_eq!(listed_under(browser, title).await, "completed");
    app.stop().await;
}

async fn cancelling_asks_first_and_takes_it_off_the_page(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let browser = app.admin().await;
    let title = "Network maintenance";
    let id = plan(browser, title, &in_minutes(120), &in_minutes(180)).await;
    api_status(&app, title, "scheduled").await;

    let sequence = seen(browser).await;
    let page = press(browser, id, "cancel", &sequence, &[]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.contains("Yes, cancel this maintenance"),
        "{}",
        page.body
    );
    assert_eq!(listed_under(browser, title).await, "upcoming", "not yet");

    let page = press(browser, id, "cancel", &sequence, &[("confirm", "yes")]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    api_until(&app, title, |m| m.is_none()).await;
    page_until(&app, |body| !body.contains(title)).await;
    assert_eq!(listed_under(browser, title).await, "cancelled");
    assert!(app.incident(id).await.cancelled.is_some());
    app.stop().await;
}

async fn a_stale_page_changes_nothing_and_says_so(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let browser = app.admin().await;
    let title = "Storage migration";
    let id = plan(browser, title, &in_minutes(120), &in_minutes(180)).await;
    let old = seen(browser).await;
    // Somebody else extends it (in Slack, or in another tab): the window moves, and the
    // sequence with it.
    let page = press(browser, id, "extend", &old, &[]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let current = app.incident(id).await;
    assert_ne!(current.schedule_sequence.to_string(), old);

    for (action, fields) in [
        ("start", vec![]),
        ("extend", vec![]),
        ("cancel", vec![("confirm", "yes")]),
        (
            "reschedule",
            vec![("start", "2099-01-01T10:00"), ("end", "2099-01-01T11:00")],
        ),
    ] {
        let page = press(browser, id, action, &old, &fields).await;
        assert_eq!(page.status, 409, "{action}: {}", page.body);
        assert!(
            page.contains("Nothing was changed: this maintenance changed since the page was shown"),
            "{action}: {}",
            page.body
        );
        let now = app.incident(id).await;
        assert_eq!(
            (
                now.status,
                now.start,
                now.end,
                now.schedule_sequence,
                now.cancelled
            ),
            (
                current.status,
                current.start,
                current.end,
                current.schedule_sequence,
                current.cancelled
            ),
            "{action} changed nothing"
        );
    }
    // Without the field, a form cannot prove what it saw.
    let csrf = browser.get("/admin/maintenance/").await.csrf();
    let page = browser
        .post(
            &format!("/admin/maintenance/{id}/start"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(page.status, 409);
    assert_eq!(listed_under(browser, title).await, "upcoming");
    api_status(&app, title, "scheduled").await;
    app.stop().await;
}

on_both_backends!(
    settings_are_saved_and_bad_values_refused,
    the_list_starts_extends_reschedules_and_completes,
    cancelling_asks_first_and_takes_it_off_the_page,
    a_stale_page_changes_nothing_and_says_so,
);

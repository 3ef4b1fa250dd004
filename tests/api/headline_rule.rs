//! The headline counts what the team has confirmed, as the original monostat did: an outage
//! being watched (the fix is in; the team makes sure it holds) is still listed under current
//! incidents with its state, but the system is up again, and everything that tells the overall
//! state says so: the page, the badge, `status.json` (which the banner reads; its browser test
//! is in `statuspage_api`), the feeds. Its time still counts as downtime.

use crate::helpers::{Backend, TestApp, TestDatabase, eventually};
use crate::on_both_backends;
use crate::public_fixtures::{Spec, add_update, clear, hours_ago, insert, render};
use monostat::domain::{Incident, IncidentStatus, Severity};
use serde_json::Value;
use std::time::Duration;

/// An outage confirmed two hours ago, fixed and being watched for the last hour, alone on the
/// page.
pub async fn watched_outage(app: &TestApp) -> Incident {
    clear(app).await;
    let outage = insert(
        app,
        Spec {
            status: IncidentStatus::Watching,
            severity: Severity::Outage,
            start: hours_ago(2),
            end: None,
            title: "Checkout is failing",
            summary: Some("Payments could not be completed."),
        },
    )
    .await;
    add_update(
        app,
        &outage,
        hours_ago(2),
        Some(IncidentStatus::Confirmed),
        "We are looking into it.",
    )
    .await;
    add_update(
        app,
        &outage,
        hours_ago(1),
        Some(IncidentStatus::Watching),
        "A fix is deployed; we are watching.",
    )
    .await;
    render(app).await;
    outage
}

async fn body(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.expect("body")
}

async fn json(app: &TestApp, path: &str) -> Value {
    serde_json::from_str(&body(app, path).await).expect("JSON")
}

/// The text of the page's headline.
fn headline(page: &str) -> &str {
    let start = page.find("<h1 id=\"headline\">").expect("headline") + "<h1 id=\"headline\">".len();
    let end = start + page[start..].find("</h1>").expect("end of headline");
    &page[start..end]
}

/// The part of the page under "Current incidents", up to the next section.
fn current_section(page: &str) -> &str {
    let start = page
        .find("<h2>Current incidents</h2>")
        .unwrap_or_else(|| panic!("no current incidents: {page}"));
    let rest = &page[start + 1..];
    let end = rest.find("<h2").map_or(rest.len(), |i| i + start + 1);
    &page[start..end]
}

async fn a_watched_outage_is_listed_but_the_system_is_up(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let outage = watched_outage(&app).await;

    let page = body(&app, "/").await;
    assert_eq!(headline(&page), "Our service is up and running");
    assert!(page.contains("<title>Our service is up and running</title>"));
    let current = current_section(&page);
    for shown in [
        "Checkout is failing",
        "Outage · Watching",
        "A fix is deployed; we are watching.",
    ] {
        assert!(current.contains(shown), "{shown}: {current}");
    }
    let own_page = body(&app, &monostat::links::incident_path(&outage)).await;
    assert!(own_page.contains("Outage · Watching"), "{own_page}");

    let badge = body(&app, "/badge.svg").await;
    assert!(badge.contains(">operational</text>"), "{badge}");
    let status = json(&app, "/api/v2/status.json").await;
    assert_eq!(status["status"]["indicator"], "none");
    assert_eq!(status["status"]["description"], "All Systems Operational");
    // Statuspage's own words for it: an unresolved incident, monitoring, of critical impact.
    let summary = json(&app, "/api/v2/summary.json").await;
    assert_eq!(summary["status"], status["status"]);
    let unresolved = &summary["incidents"][0];
    assert_eq!(unresolved["name"], "Checkout is failing");
    assert_eq!(unresolved["status"], "monitoring");
    assert_eq!(unresolved["impact"], "critical");

    // The feeds carry it with its state; they tell no overall state to disagree with.
    let feed = json(&app, "/feed/json").await;
    assert_eq!(feed["items"][0]["title"], "[Outage] Checkout is failing");
    let content = feed["items"][0]["content_html"].as_str().expect("content");
    assert!(content.contains("Watching"), "{content}");
    for path in ["/feed/rss", "/feed/atom"] {
        let feed = body(&app, path).await;
        assert!(
            feed.contains("[Outage] Checkout is failing") && feed.contains("Watching"),
            "{path}: {feed}"
        );
    }

    // Uptime tells how things were: the outage's two hours count, the watched one too.
    let uptime = json(&app, "/api/v2/uptime.json").await;
    let down = uptime["uptime"]["last_30_days"]["down_seconds"]
        .as_i64()
        .expect("down seconds");
    assert!(
        (2 * 3600 - 5..=2 * 3600 + 5).contains(&down),
        "two hours down: {down}"
    );

    // It came back: confirmed again, the system is down everywhere.
    monostat::service::incidents::edit(
        &app.services(),
        &monostat::service::incidents::Actor {
            via: "admin",
            name: "alice".into(),
        },
        outage.id,
        &monostat::service::incidents::Edit {
            status: Some(IncidentStatus::Confirmed),
            text: Some("The errors are back.".into()),
            ..Default::default()
        },
    )
    .await
    .expect("confirmed again");
    eventually(Duration::from_secs(10), || async {
        let page = body(&app, "/").await;
        (headline(&page) == "Our service is down").then_some(())
    })
    .await;
    assert!(
        body(&app, "/badge.svg")
            .await
            .contains(">major outage</text>")
    );
    let status = json(&app, "/api/v2/status.json").await;
    assert_eq!(status["status"]["indicator"], "critical");
    app.stop().await;
}

on_both_backends!(a_watched_outage_is_listed_but_the_system_is_up);

/// A maintenance being watched is still in progress (the page, the API and Slack say so), and
/// the headline with them.
async fn a_watched_maintenance_is_still_under_way(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    insert(
        &app,
        Spec {
            status: IncidentStatus::Watching,
            severity: Severity::Maintenance,
            start: hours_ago(1),
            end: Some(hours_ago(-1)),
            title: "Moving to a new data centre",
            summary: None,
        },
    )
    .await;
    render(&app).await;
    let page = body(&app, "/").await;
    assert_eq!(
        headline(&page),
        "Our service is undergoing planned maintenance"
    );
    assert!(current_section(&page).contains("In progress"), "{page}");
    let status = json(&app, "/api/v2/status.json").await;
    assert_eq!(status["status"]["indicator"], "maintenance");
    app.stop().await;
}

on_both_backends!(a_watched_maintenance_is_still_under_way);

//! The Statuspage-compatible API, checked against the shapes clients parse
//! (`shared/protocols/statuspage-api.md`) for every overall state of the page.

use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::on_both_backends;
use crate::public_fixtures::scene;
use monostat::domain::OverallState;
use serde_json::Value;

const INCIDENT_STATUSES: &[&str] = &[
    "investigating",
    "identified",
    "monitoring",
    "resolved",
    "postmortem",
];
const MAINTENANCE_STATUSES: &[&str] = &["scheduled", "in_progress", "verifying", "completed"];
const IMPACTS: &[&str] = &["none", "minor", "major", "critical", "maintenance"];

async fn get_json(app: &TestApp, path: &str) -> Value {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "*",
        "{path}: any site may read it"
    );
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("application/json")
    );
    response.json().await.expect("JSON")
}

fn is_time(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|t| t.parse::<jiff::Timestamp>().is_ok())
}

fn check_page(body: &Value, path: &str) {
    let page = &body["page"];
    for field in ["id", "name", "url", "time_zone"] {
        assert!(page[field].is_string(), "{path}: page.{field} in {body}");
    }
    assert!(is_time(&page["updated_at"]), "{path}: page.updated_at");
}

/// One incident or scheduled maintenance, as clients read it.
fn check_incident(incident: &Value, maintenance: bool, path: &str) {
    for field in ["id", "page_id", "name", "shortlink"] {
        assert!(incident[field].is_string(), "{path}: {field} in {incident}");
    }
    let statuses = if maintenance {
        MAINTENANCE_STATUSES
    } else {
        &[INCIDENT_STATUSES, MAINTENANCE_STATUSES].concat()[..]
    };
    let status = incident["status"].as_str().expect("status");
    assert!(statuses.contains(&status), "{path}: status {status}");
    let impact = incident["impact"].as_str().expect("impact");
    assert!(IMPACTS.contains(&impact), "{path}: impact {impact}");
    for field in ["created_at", "updated_at", "started_at"] {
        assert!(is_time(&incident[field]), "{path}: {field} in {incident}");
    }
    for field in ["monitoring_at", "resolved_at"] {
        assert!(
            incident[field].is_null() || is_time(&incident[field]),
            "{path}: {field}"
        );
    }
    assert_eq!(incident["components"], serde_json::json!([]));
    if maintenance {
        assert!(is_time(&incident["scheduled_for"]), "{path}: scheduled_for");
    }
    for update in incident["incident_updates"].as_array().expect("updates") {
        for field in ["id", "incident_id", "status", "body"] {
            assert!(
                update[field].is_string(),
                "{path}: update {field} in {update}"
            );
        }
        for field in ["created_at", "updated_at", "display_at"] {
            assert!(is_time(&update[field]), "{path}: update {field}");
        }
        assert!(update["deliver_notifications"].is_boolean());
        assert!(
            update["affected_components"].is_null() || update["affected_components"].is_array()
        );
    }
}

async fn the_api_speaks_statuspage_for_every_state(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    for state in OverallState::ALL {
        let incident = scene(&app, state).await;
        let status = get_json(&app, "/api/v2/status.json").await;
        check_page(&status, "status.json");
        let expected = match state {
            OverallState::Down => "critical",
            OverallState::PartiallyUnavailable => "major",
            OverallState::MightHaveIssues | OverallState::KnownIssue => "minor",
            OverallState::UnderMaintenance => "maintenance",
            OverallState::UpWithNotices | OverallState::Up => "none",
        };
        assert_eq!(status["status"]["indicator"], expected, "{state:?}");
        assert!(status["status"]["description"].is_string());

        let summary = get_json(&app, "/api/v2/summary.json").await;
        check_page(&summary, "summary.json");
        assert_eq!(summary["status"], status["status"]);
        assert_eq!(summary["components"], serde_json::json!([]));
        for incident in summary["incidents"].as_array().expect("incidents") {
            check_incident(incident, false, "summary.json");
            assert_ne!(
                incident["status"], "resolved",
                "summary lists unresolved only"
            );
        }
        let maintenances = summary["scheduled_maintenances"].as_array().expect("list");
        assert!(
            maintenances.iter().any(|m| m["name"] == "Database upgrade"
                && m["status"] == "scheduled"
                && m["impact"] == "maintenance"),
            "{state:?}: the planned upgrade is upcoming: {maintenances:?}"
        );
        for m in maintenances {
            check_incident(m, true, "summary.json");
        }

        let all = get_json(&app, "/api/v2/incidents.json").await;
        let listed = all["incidents"].as_array().expect("incidents");
        assert!(
            listed
                .iter()
                .any(|i| i["name"] == "Slow ticket downloads" && i["status"] == "resolved"),
            "{listed:?}"
        );
        if let Some(incident) = &incident {
            // Statuspage's ids are strings.
            let wanted = incident.id.to_string();
            let shown = listed
                .iter()
                .find(|i| i["id"].as_str() == Some(wanted.as_str()))
                .expect("the scene's incident is listed");
            let shortlink = shown["shortlink"].as_str().expect("shortlink");
            let path = url::Url::parse(shortlink).expect("a URL").path().to_owned();
            assert_eq!(app.get(&path).await.status(), 200, "the shortlink opens it");
            if state == OverallState::MightHaveIssues {
                assert_eq!(shown["status"], "investigating");
            }
        }
        for path in [
            "/api/v2/components.json",
            "/api/v2/incidents/unresolved.json",
            "/api/v2/scheduled-maintenances.json",
            "/api/v2/scheduled-maintenances/upcoming.json",
            "/api/v2/scheduled-maintenances/active.json",
        ] {
            let body = get_json(&app, path).await;
            check_page(&body, path);
            let maintenance = path.contains("maintenances");
            let key = if maintenance {
                "scheduled_maintenances"
            } else if path.contains("components") {
                "components"
            } else {
                "incidents"
            };
            for item in body[key].as_array().expect("list") {
                if key != "components" {
                    check_incident(item, maintenance, path);
                }
            }
        }
        let badge = app.get("/badge.svg").await;
        assert_eq!(badge.headers()["content-type"], "image/svg+xml");
        let badge = badge.text().await.expect("svg");
        roxmltree::Document::parse(&badge).expect("the badge is well-formed SVG");
        let words = match state {
            OverallState::Down => "major outage",
            OverallState::PartiallyUnavailable => "partial outage",
            OverallState::MightHaveIssues => "investigating",
            OverallState::KnownIssue => "known issue",
            OverallState::UnderMaintenance => "maintenance",
            OverallState::UpWithNotices | OverallState::Up => "operational",
        };
        assert!(
            badge.contains(&format!(">{words}</text>")),
            "{state:?}: {badge}"
        );
        let active = get_json(&app, "/api/v2/scheduled-maintenances/active.json").await;
        let moving = active["scheduled_maintenances"]
            .as_array()
            .expect("list")
            .iter()
            .any(|m| m["name"] == "Moving to a new data centre" && m["status"] == "in_progress");
        assert_eq!(moving, state == OverallState::UnderMaintenance, "{state:?}");
    }
    let missing = app.get("/api/v2/nothing.json").await;
    assert_eq!(missing.status(), 404);
    app.stop().await;
}

on_both_backends!(the_api_speaks_statuspage_for_every_state);

/// Marks the page `data-status-read` once the banner script has read the status and decided:
/// the script's decision runs as soon as `Response.json()` resolves, before the timer queued
/// here. Waiting for the mark, a test that expects no banner cannot pass before the script ran.
const STATUS_READ_MARKER: &str = "var json = Response.prototype.json; \
    Response.prototype.json = function () { return json.call(this).then(function (data) { \
    setTimeout(function () { document.documentElement.dataset.statusRead = '1'; }, 0); \
    return data; }); };";

/// Waits until the banner script on the open page has read the status and acted on it.
async fn until_the_status_was_read(session: &crate::webdriver::Session<'_>) {
    assert!(
        session
            .wait_until("return document.documentElement.dataset.statusRead === '1';")
            .await,
        "the banner script read the status"
    );
}

/// Another site's page, on another origin, that includes the banner script.
async fn host_page(monostat: &str) -> (String, tokio::task::JoinHandle<()>) {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><title>Shop error</title><link rel=\"icon\" href=\"data:,\"></head><body>\
         <h1>Something went wrong</h1><script>{STATUS_READ_MARKER}</script>\
         <script src=\"{monostat}/embed.js\" async></script></body></html>"
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let html = html.clone();
            async move { axum::response::Html(html) }
        }),
    );
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/"), server)
}

async fn another_site_shows_the_banner_only_when_needed(backend: Backend) {
    let script = app_script_size();
    assert!(script < 3 * 1024, "embed.js is {script} bytes");
    if !crate::webdriver::browser_available() {
        return;
    }
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let (host, server) = host_page(&app.base_url).await;
    let driver = crate::webdriver::Driver::start().await;

    scene(&app, OverallState::Down).await;
    let session = driver.session(crate::webdriver::Viewport::Desktop).await;
    session.goto(&host).await;
    assert!(
        session.wait_for_text("Major Service Outage").await,
        "the banner appears: {}",
        session.text().await
    );
    session.click(".monostat-banner button").await;
    let gone = session
        .run("return document.querySelector('.monostat-banner') === null;")
        .await;
    assert_eq!(gone, true, "dismissed");
    session.goto(&host).await;
    until_the_status_was_read(&session).await;
    assert!(
        !session.text().await.contains("Major Service Outage"),
        "stays dismissed while the status is the same"
    );
    let logs = session.severe_logs().await;
    assert!(logs.is_empty(), "no CORS or script errors: {logs:?}");
    session.close().await;

    // An outage being watched: the system is up again, so no banner (`headline_rule`).
    crate::headline_rule::watched_outage(&app).await;
    let session = driver.session(crate::webdriver::Viewport::Desktop).await;
    session.goto(&host).await;
    until_the_status_was_read(&session).await;
    let none = session
        .run("return document.querySelector('.monostat-banner') === null;")
        .await;
    assert_eq!(none, true, "no banner while an outage is watched");
    session.close().await;

    scene(&app, OverallState::Up).await;
    let session = driver.session(crate::webdriver::Viewport::Phone).await;
    session.goto(&host).await;
    until_the_status_was_read(&session).await;
    let none = session
        .run("return document.querySelector('.monostat-banner') === null;")
        .await;
    assert_eq!(none, true, "no banner when all is well");
    session.close().await;
    server.abort();
    app.stop().await;
}

fn app_script_size() -> usize {
    include_bytes!("../../static/embed.js").len()
}

on_both_backends!(another_site_shows_the_banner_only_when_needed);

//! The public page over HTTP: what a reader's browser receives for every route.

use crate::helpers::{Backend, TestApp, TestDatabase, eventually};
use crate::on_both_backends;
use crate::public_fixtures::{Spec, add_update, hours_ago, insert, render, scene};
use monostat::domain::{IncidentStatus, OverallState, Severity};
use std::time::Duration;

async fn text(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// The visible text of the headline block, for comparing with what a reader sees.
fn headline(body: &str) -> &str {
    let start = body.find("<h1 id=\"headline\">").expect("headline") + "<h1 id=\"headline\">".len();
    let end = start + body[start..].find("</h1>").expect("end of headline");
    &body[start..end]
}

async fn every_overall_state_has_its_headline(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let expected = [
        (
            OverallState::Down,
            "Our service is down",
            "See below for details.",
        ),
        (
            OverallState::PartiallyUnavailable,
            "Our service is partially unavailable",
            "See below for details.",
        ),
        (
            OverallState::MightHaveIssues,
            "Our service might be having issues",
            "Our team has been alerted and will update this page as soon as they have confirmed the issue.",
        ),
        (
            OverallState::KnownIssue,
            "Our service has a significant known issue",
            "See below for details.",
        ),
        (
            OverallState::UpWithNotices,
            "Our service is up and running",
            "See below for current notices.",
        ),
        (
            OverallState::UnderMaintenance,
            "Our service is undergoing planned maintenance",
            "See below for details.",
        ),
        (OverallState::Up, "Our service is up and running", ""),
    ];
    for (state, title, detail) in expected {
        let incident = scene(&app, state).await;
        let (status, body) = text(&app, "/").await;
        assert_eq!(status, 200);
        assert_eq!(headline(&body), title, "{state:?}");
        assert!(body.contains(detail), "{state:?}: {detail}");
        assert!(body.contains(&format!("<title>{title}</title>")));
        let current = body.contains("<h2>Current incidents</h2>");
        assert_eq!(
            current,
            incident.is_some(),
            "{state:?}: current incidents section"
        );
        if let Some(incident) = incident {
            assert!(body.contains(&incident.title), "{state:?}");
        }
        assert!(
            body.contains("<h2>Recent incidents</h2>") && body.contains("Slow ticket downloads")
        );
        assert!(body.contains("<h2>Planned maintenance</h2>") && body.contains("Database upgrade"));
    }
    // Up and running with no support contact set shows no "Having issues?" line; with one, it
    // links both.
    {
        let mut conn = app.handle.db.acquire().await.expect("connection");
        sqlx::query("UPDATE site_settings SET support_email = 'help@example.com', support_phone = '+49 621 1234-0', system_name = 'Ticket shop'")
            .execute(&mut *conn)
            .await
            .expect("settings");
    }
    render(&app).await;
    let (_, body) = text(&app, "/").await;
    assert_eq!(headline(&body), "Ticket shop is up and running");
    assert!(body.contains(r#"Having issues? Contact us at <a href="mailto:help@example.com">help@example.com</a> or <a href="tel:+4962112340">+49 621 1234-0</a>."#), "{body}");
    app.stop().await;
}

async fn sections_show_what_belongs_in_them(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    scene(&app, OverallState::Down).await;
    insert(
        &app,
        Spec {
            status: IncidentStatus::Resolved,
            severity: Severity::Outage,
            start: hours_ago(80),
            end: Some(hours_ago(79)),
            title: "Old outage",
            summary: None,
        },
    )
    .await;
    insert(
        &app,
        Spec {
            status: IncidentStatus::Dismissed,
            severity: Severity::Outage,
            start: hours_ago(1),
            end: Some(hours_ago(1)),
            title: "False alarm",
            summary: None,
        },
    )
    .await;
    insert(
        &app,
        Spec {
            status: IncidentStatus::Planned,
            severity: Severity::Maintenance,
            start: hours_ago(-24),
            end: Some(hours_ago(-23)),
            title: "Earlier maintenance",
            summary: None,
        },
    )
    .await;
    // Resolved long ago but ended in the last 24 hours: still recent.
    insert(
        &app,
        Spec {
            status: IncidentStatus::Resolved,
            severity: Severity::Bug,
            start: hours_ago(100),
            end: Some(hours_ago(3)),
            title: "Long-running bug",
            summary: None,
        },
    )
    .await;
    render(&app).await;
    let (_, body) = text(&app, "/").await;
    assert!(
        !body.contains("Old outage"),
        "resolved days ago is not recent"
    );
    assert!(
        !body.contains("False alarm"),
        "dismissed incidents are never public"
    );
    assert!(body.contains("Long-running bug"));
    let earlier = body.find("Earlier maintenance").expect("planned");
    let later = body.find("Database upgrade").expect("planned");
    assert!(
        earlier < later,
        "planned maintenance is listed earliest first"
    );
    let current = body.find("<h2>Current incidents</h2>").expect("current");
    let recent = body.find("<h2>Recent incidents</h2>").expect("recent");
    let planned = body.find("<h2>Planned maintenance</h2>").expect("planned");
    assert!(current < recent && recent < planned);
    // The incident article: labels in words, the summary as HTML, updates newest first.
    let article = &body[current..recent];
    assert!(article.contains("Outage · Confirmed"));
    assert!(
        article.contains(r#"<a href="https://example.com/help" target="_blank" rel="noopener">"#),
        "{article}"
    );
    let newest = article.find("A fix is being deployed.").expect("update");
    let oldest = article.find("We are looking into it.").expect("update");
    assert!(newest < oldest, "updates newest first");
    assert!(
        article.contains(r#"role="img" aria-label="Outage""#),
        "icons have names"
    );
    app.stop().await;
}

async fn a_suspected_incident_without_summary_says_the_team_was_alerted(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let incident = scene(&app, OverallState::MightHaveIssues)
        .await
        .expect("incident");
    let (_, body) = text(&app, "/").await;
    assert!(body.contains("No specific information is available yet. Our team has been alerted"));
    let (status, page) = text(&app, &monostat::links::incident_path(&incident)).await;
    assert_eq!(status, 200);
    assert!(page.contains("HTTP checks failing") && page.contains("No specific information"));
    app.stop().await;
}

async fn incident_pages_and_day_views(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let incident = scene(&app, OverallState::Down).await.expect("incident");
    let path = monostat::links::incident_path(&incident);
    let (status, body) = text(&app, &path).await;
    assert_eq!(status, 200);
    assert!(body.contains("<h1>Checkout is failing</h1>"));
    assert!(body.contains("A fix is being deployed.") && body.contains("We are looking into it."));

    // The right id on another day (its start moved since the link was sent): its address now.
    let other_day = app
        .client
        .get(format!("{}/2001-01-01/{}", app.base_url, incident.id))
        .send()
        .await
        .expect("request sent");
    assert_eq!(other_day.url().path(), path);
    // An unknown id, a malformed id or date: the friendly 404.
    for wrong in [
        "/2026-01-01/999999",
        "/2026-01-01/abc",
        "/2026-13-01",
        "/20260101",
        "/nothing/here/at/all",
    ] {
        let (status, body) = text(&app, wrong).await;
        assert_eq!(status, 404, "{wrong}");
        assert!(
            body.contains("Page not found") && body.contains("Our service status"),
            "{wrong}: {body}"
        );
    }
    let dismissed = insert(
        &app,
        Spec {
            status: IncidentStatus::Dismissed,
            severity: Severity::Outage,
            start: hours_ago(1),
            end: None,
            title: "False alarm",
            summary: None,
        },
    )
    .await;
    // Its address, shared while it was a suspicion, says only that it was closed.
    let (status, body) = text(&app, &monostat::links::incident_path(&dismissed)).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("<h1 id=\"closed\">Incident closed</h1>"),
        "{body}"
    );
    assert!(!body.contains("False alarm"));

    // Day views: today has the current, the recent and (in UTC, the default zone) nothing else.
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let (status, body) = text(&app, &format!("/{today}")).await;
    assert_eq!(status, 200);
    let count = ["<p>One incident</p>", "<p>2 incidents</p>"];
    assert!(count.iter().any(|c| body.contains(c)), "{body}");
    assert!(body.contains("Checkout is failing") && !body.contains("False alarm"));
    let (status, body) = text(&app, "/2001-01-01").await;
    assert_eq!(status, 200);
    assert!(body.contains("Nothing to report."));
    app.stop().await;
}

async fn history_marks_days_in_the_site_time_zone(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn_configured(
        &db,
        |config| {
            config.time_zone = monostat::config::TimeZoneConfig {
                name: "Pacific/Auckland".into(),
                zone: jiff::tz::TimeZone::get("Pacific/Auckland").expect("zone"),
            }
        },
        Default::default(),
        |_| {},
    )
    .await;
    let tz = jiff::tz::TimeZone::get("Pacific/Auckland").expect("zone");
    // Yesterday in Auckland, at noon there: an outage and a notice; the outage wins.
    let yesterday = jiff::Timestamp::now()
        .to_zoned(tz.clone())
        .date()
        .yesterday()
        .expect("date");
    let noon = yesterday
        .at(12, 0, 0, 0)
        .to_zoned(tz.clone())
        .expect("noon")
        .timestamp();
    insert(
        &app,
        Spec {
            status: IncidentStatus::Resolved,
            severity: Severity::Notice,
            start: noon,
            end: Some(noon + jiff::SignedDuration::from_mins(10)),
            title: "Notice",
            summary: None,
        },
    )
    .await;
    insert(
        &app,
        Spec {
            status: IncidentStatus::Resolved,
            severity: Severity::Outage,
            start: noon,
            end: Some(noon + jiff::SignedDuration::from_mins(30)),
            title: "Outage",
            summary: None,
        },
    )
    .await;
    render(&app).await;
    let (status, body) = text(&app, "/history").await;
    assert_eq!(status, 200);
    let label = format!("{}: Outage", yesterday.strftime("%-d %B %Y"));
    assert!(
        body.contains(&format!(
            r#"<a href="/{yesterday}" class="sev-outage" title="{label}, uptime "#
        )),
        "{body}"
    );
    assert_eq!(body.matches("<table>").count(), 12, "twelve months");
    assert!(
        body.contains("Known Bug") && body.contains("No incidents"),
        "the legend"
    );
    let (_, day) = text(&app, &format!("/{yesterday}")).await;
    assert!(day.contains("<p>2 incidents</p>"));
    app.stop().await;
}

async fn a_write_changes_the_page_at_once(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let (_, before) = text(&app, "/").await;
    assert_eq!(headline(&before), "Our service is up and running");
    let create = include_str!("../fixtures/opsgenie_create.json");
    assert_eq!(app.post_opsgenie(create).await.0, 200);
    // Well within the one-minute timer: the change itself triggers the rendering.
    eventually(Duration::from_secs(5), || async {
        let (_, body) = text(&app, "/").await;
        (headline(&body) == "Our service might be having issues").then_some(())
    })
    .await;
    app.stop().await;
}

async fn cached_pages_are_compressed_and_revalidated(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    scene(&app, OverallState::Down).await;
    let (_, plain) = text(&app, "/").await;
    for (path, content_type) in [
        ("/", "text/html"),
        ("/history", "text/html"),
        ("/feed/rss", "application/rss+xml"),
        ("/feed/atom", "application/atom+xml"),
        ("/feed/json", "application/feed+json"),
    ] {
        let response = app
            .client
            .get(format!("{}{path}", app.base_url))
            .header("accept-encoding", "gzip, br")
            .send()
            .await
            .expect("get");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-encoding"], "br", "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .expect("ascii")
                .starts_with(content_type)
        );
        let etag = response.headers()["etag"].clone();
        let compressed = response.bytes().await.expect("body");
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut &compressed[..], &mut decoded).expect("valid brotli");
        if path == "/" {
            assert_eq!(String::from_utf8(decoded).expect("utf-8"), plain);
        }
        let again = app
            .client
            .get(format!("{}{path}", app.base_url))
            .header("if-none-match", etag)
            .send()
            .await
            .expect("get");
        assert_eq!(again.status(), 304, "{path}");
        let gzip = app
            .client
            .get(format!("{}{path}", app.base_url))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .expect("get");
        assert_eq!(gzip.headers()["content-encoding"], "gzip");
    }
    app.stop().await;
}

async fn every_response_carries_the_security_headers(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let incident = scene(&app, OverallState::Down).await.expect("incident");
    let (_, body) = text(&app, "/").await;
    let style = body
        .split('"')
        .find(|s| s.starts_with("/static/style."))
        .expect("stylesheet")
        .to_owned();
    let theme = body
        .split('"')
        .find(|s| s.starts_with("/static/theme."))
        .expect("theme")
        .to_owned();
    let incident_path = monostat::links::incident_path(&incident);
    for path in [
        "/",
        "/history",
        "/feed/rss",
        incident_path.as_str(),
        "/2026-01-01",
        "/no-such-page",
        style.as_str(),
        theme.as_str(),
    ] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().expect("ascii");
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'self'"),
            "{path}"
        );
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
    }
    let response = app.get(&style).await;
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let theme_css = app.get(&theme).await.text().await.expect("css");
    assert!(theme_css.contains("--primary: #3B1C4A;"), "{theme_css}");
    assert_eq!(app.get("/static/style.0000000000.css").await.status(), 404);
    app.stop().await;
}

async fn the_page_outlives_the_database(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let incident = scene(&app, OverallState::Down).await.expect("incident");
    let failed_before = app.handle.pages.render_stats().read().2;
    let admin = app.admin().await;
    let csrf = admin.get("/admin/settings/site").await.csrf();
    app.handle.db.close().await;
    app.handle.changes.notify();
    // The change makes the renderer try again, and fail without the database; what is served
    // afterwards is what a failed rendering leaves.
    eventually(Duration::from_secs(10), || async {
        (app.handle.pages.render_stats().read().2 > failed_before).then_some(())
    })
    .await;
    for path in ["/", "/history", "/feed/rss", "/feed/atom", "/feed/json"] {
        let (status, body) = text(&app, path).await;
        assert_eq!(status, 200, "{path}");
        if path == "/" {
            assert_eq!(headline(&body), "Our service is down");
        }
    }
    // The incident on the page is what mails and Slack link to: from the last rendering.
    let (status, body) = text(&app, &monostat::links::incident_path(&incident)).await;
    assert_eq!(status, 200);
    assert!(body.contains(&incident.title), "{body}");
    // A day page is rendered per request, and says it cannot be.
    let (status, body) = text(&app, "/2020-02-02").await;
    assert_eq!(status, 503);
    assert!(body.contains("Temporarily unavailable") && body.contains("Our service status"));
    // A reader is sent to what still works; only a form sent is told that nothing changed.
    assert!(
        body.contains("the current status is still available at /"),
        "{body}"
    );
    assert!(!body.contains("nothing was changed"), "{body}");
    let page = admin.get("/admin/settings/site").await;
    assert_eq!(page.status, 503, "{}", page.body);
    assert_eq!(page.headers["retry-after"], "30");
    assert!(
        page.contains("the database is not answering") && !page.contains("nothing was changed"),
        "{}",
        page.body
    );
    let sent = admin
        .post("/admin/settings/site", &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(sent.status, 503, "{}", sent.body);
    assert!(sent.contains("nothing was changed"), "{}", sent.body);
    assert_eq!(app.get("/healthz").await.status(), 503);
    app.stop().await;
}

async fn feeds_parse_without_errors(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    scene(&app, OverallState::Down).await;
    let tricky = insert(&app, Spec { status: IncidentStatus::Resolved, severity: Severity::Bug, start: hours_ago(30), end: Some(hours_ago(29)), title: "Tickets & <invoices> \"broken\"", summary: Some("Line one\nLine <b>two</b> & <script>alert(1)</script> more: https://example.com/?a=1&b=2") }).await;
    add_update(
        &app,
        &tricky,
        hours_ago(29),
        Some(IncidentStatus::Resolved),
        "Fixed.",
    )
    .await;
    insert(
        &app,
        Spec {
            status: IncidentStatus::Suspected,
            severity: Severity::Outage,
            start: hours_ago(1),
            end: None,
            title: "Unconfirmed suspicion",
            summary: None,
        },
    )
    .await;
    render(&app).await;
    let Some(python) = crate::helpers::feedparser() else {
        return;
    };
    for (path, version) in [("/feed/rss", "rss20"), ("/feed/atom", "atom10")] {
        let (status, xml) = text(&app, path).await;
        assert_eq!(status, 200);
        assert!(
            !xml.contains("Unconfirmed suspicion"),
            "suspected incidents are not published"
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("feed.xml");
        std::fs::write(&file, &xml).expect("write feed");
        let output = std::process::Command::new(&python)
            .arg("-c")
            .arg(
                r#"
import feedparser, json, sys
d = feedparser.parse(sys.argv[1])
print(json.dumps({"bozo": d.bozo, "error": str(d.get("bozo_exception", "")), "version": d.version,
  "titles": [e.title for e in d.entries], "links": [e.link for e in d.entries],
  "published": [bool(e.get("published_parsed")) for e in d.entries],
  "summaries": [e.get("summary", "") for e in d.entries]}))
"#,
            )
            .arg(&file)
            .output()
            .expect("python runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let parsed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
        assert!(
            parsed["bozo"] == false || parsed["bozo"] == 0,
            "{path}: {}",
            parsed["error"]
        );
        assert_eq!(parsed["version"], version);
        let titles: Vec<&str> = parsed["titles"]
            .as_array()
            .expect("titles")
            .iter()
            .filter_map(|t| t.as_str())
            .collect();
        // Newest start first; the planned maintenance starts in two days.
        assert_eq!(
            titles,
            [
                "[Maintenance] Database upgrade",
                "[Outage] Checkout is failing",
                "[Partial Outage] Slow ticket downloads",
                "[Known Bug] Tickets & <invoices> \"broken\"",
            ]
        );
        assert!(
            parsed["published"]
                .as_array()
                .expect("dates")
                .iter()
                .all(|p| p == true)
        );
        let links = parsed["links"].as_array().expect("links");
        assert!(
            links.iter().all(|l| {
                l.as_str().is_some_and(|l| {
                    l.starts_with(&app.base_url) || l.starts_with("http://127.0.0.1")
                })
            }),
            "{links:?}"
        );
        let summaries = parsed["summaries"].to_string();
        assert!(
            summaries.contains("Line <b>two</b>") && !summaries.contains("<script>"),
            "{summaries}"
        );
    }
    app.stop().await;
}

on_both_backends!(
    every_overall_state_has_its_headline,
    sections_show_what_belongs_in_them,
    a_suspected_incident_without_summary_says_the_team_was_alerted,
    incident_pages_and_day_views,
    history_marks_days_in_the_site_time_zone,
    a_write_changes_the_page_at_once,
    cached_pages_are_compressed_and_revalidated,
    every_response_carries_the_security_headers,
    the_page_outlives_the_database,
    feeds_parse_without_errors,
);

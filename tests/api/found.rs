//! Found and shared: what search engines, link previews and feed readers get. Every public page
//! carries a description, a canonical link and Open Graph tags with absolute addresses; the
//! JSON Feed carries the items RSS and Atom do and meets its spec; and the pages pass the Nu Html
//! Checker (`vnu-jar` from npm) with no error and no skipped heading level.

use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::on_both_backends;
use crate::public_fixtures::{Spec, add_update, hours_ago, insert, render, scene};
use monostat::domain::{Incident, IncidentStatus, OverallState, Severity};

/// Where these installations say they live: every absolute address on the pages starts here.
const SITE: &str = "https://status.example.com";

async fn spawn(db: &TestDatabase) -> TestApp {
    TestApp::spawn_configured(
        db,
        // With a trailing slash, as people write it: no address may get two.
        |config| config.site_url = format!("{SITE}/").parse().expect("url"),
        Default::default(),
        |_| {},
    )
    .await
}

async fn text(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.expect("body")
}

/// The `content` of `<meta {attribute}="{name}" content="…">`, as written (still escaped).
fn meta<'a>(page: &'a str, attribute: &str, name: &str) -> Option<&'a str> {
    let start = format!(r#"<meta {attribute}="{name}" content=""#);
    let at = page.find(&start)? + start.len();
    page[at..].split('"').next()
}

fn og<'a>(page: &'a str, property: &str) -> &'a str {
    meta(page, "property", &format!("og:{property}"))
        .unwrap_or_else(|| panic!("og:{property} missing: {page}"))
}

fn description(page: &str) -> &str {
    meta(page, "name", "description").unwrap_or_else(|| panic!("no description: {page}"))
}

fn canonical(page: &str) -> &str {
    let start = r#"<link rel="canonical" href=""#;
    let at = page
        .find(start)
        .unwrap_or_else(|| panic!("no canonical link: {page}"))
        + start.len();
    page[at..].split('"').next().expect("value")
}

/// The levels of the page's headings (`<h1` … `<h6`), in order.
fn heading_levels(page: &str) -> Vec<u8> {
    page.match_indices("<h")
        .filter_map(|(at, _)| {
            let level = *page.as_bytes().get(at + 2)?;
            let after = *page.as_bytes().get(at + 3)?;
            ((b'1'..=b'6').contains(&level) && (after == b'>' || after == b' '))
                .then_some(level - b'0')
        })
        .collect()
}

/// The pages the checks look at: status, history, a day with incidents, an incident that is over
/// and one that is not, and a planned maintenance; with the incidents behind them.
async fn pages(app: &TestApp) -> (Incident, Incident, Vec<(String, String)>) {
    let down = scene(app, OverallState::Down).await.expect("incident");
    let resolved = insert(
        app,
        Spec {
            status: IncidentStatus::Resolved,
            severity: Severity::Partial,
            start: hours_ago(50),
            end: Some(hours_ago(48)),
            title: "Slow <search> & \"exports\"",
            summary: Some("Searches took **seconds**."),
        },
    )
    .await;
    add_update(
        app,
        &resolved,
        hours_ago(48),
        Some(IncidentStatus::Resolved),
        "Fast again.",
    )
    .await;
    render(app).await;
    let day = resolved.start.to_zoned(jiff::tz::TimeZone::UTC).date();
    let mut paths = vec![
        "/".to_owned(),
        "/history".to_owned(),
        format!("/{day}"),
        monostat::links::incident_path(&down),
        monostat::links::incident_path(&resolved),
    ];
    // The planned maintenance the scene puts on the page: its article's first link is its page.
    let status = text(app, "/").await;
    let planned = status
        .split("<article ")
        .find(|article| article.contains("Database upgrade"))
        .and_then(|article| article.split(r#"<a href=""#).nth(1))
        .and_then(|rest| rest.split('"').next())
        .expect("the planned maintenance's link")
        .to_owned();
    paths.push(planned);
    let mut bodies = Vec::new();
    for path in paths {
        let body = text(app, &path).await;
        bodies.push((path, body));
    }
    (down, resolved, bodies)
}

async fn every_page_says_what_it_is_to_search_engines_and_link_previews(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = spawn(&db).await;
    {
        let mut conn = app.handle.db.acquire().await.expect("connection");
        // An uploaded logo, as the admin's settings store it; a name that needs escaping.
        sqlx::query(
            "UPDATE site_settings SET logo = 'logo.0123456789abcdef.svg', system_name = 'Tickets & Co'",
        )
        .execute(&mut *conn)
        .await
        .expect("settings");
    }
    let (down, _, pages) = pages(&app).await;
    for (path, page) in &pages {
        // Absolute, from the site URL, without a doubled slash.
        assert_eq!(canonical(page), format!("{SITE}{path}"), "{path}");
        assert_eq!(og(page, "url"), format!("{SITE}{path}"), "{path}");
        assert_eq!(og(page, "site_name"), "Tickets &#38; Co status", "{path}");
        assert_eq!(
            og(page, "image"),
            format!("{SITE}/media/logo.0123456789abcdef.svg"),
            "{path}"
        );
        assert_eq!(
            meta(page, "name", "twitter:card"),
            Some("summary"),
            "{path}"
        );
        assert_eq!(og(page, "description"), description(page), "{path}");
        assert!(
            !page.contains("&#38;#") && !page.contains("&amp;#"),
            "escaped once, not twice: {path}"
        );
        let kind = if path.matches('/').count() == 2 {
            "article"
        } else {
            "website"
        };
        assert_eq!(og(page, "type"), kind, "{path}");
    }
    let page = |n: usize| pages[n].1.as_str();

    // The status page: its headline.
    assert_eq!(og(page(0), "title"), "Tickets &#38; Co is down");
    assert!(
        description(page(0)).starts_with("Tickets &#38; Co is down. "),
        "{}",
        description(page(0))
    );
    assert_eq!(og(page(1), "title"), "History · Tickets &#38; Co status");
    // A day: its incidents by title.
    let day = description(page(2));
    assert!(
        day.contains(" · One incident: ")
            && day.contains("Slow &#60;search&#62; &#38; &#34;exports&#34;"),
        "{day}"
    );
    // An incident: its title, and its kind and state with its time, as the page shows them.
    assert_eq!(og(page(3), "title"), down.title);
    assert!(
        description(page(3)).starts_with("Outage · Confirmed · Since "),
        "{}",
        description(page(3))
    );
    assert_eq!(
        og(page(4), "title"),
        "Slow &#60;search&#62; &#38; &#34;exports&#34;"
    );
    let over = description(page(4));
    assert!(
        over.starts_with("Partial Outage · Resolved · ") && over.contains(" – "),
        "{over}"
    );
    assert!(
        description(page(5)).starts_with("Planned maintenance · "),
        "{}",
        description(page(5))
    );

    // Without a logo, no image; the subscription page is described too.
    {
        let mut conn = app.handle.db.acquire().await.expect("connection");
        sqlx::query("UPDATE site_settings SET logo = NULL")
            .execute(&mut *conn)
            .await
            .expect("settings");
    }
    render(&app).await;
    let status = text(&app, "/").await;
    assert_eq!(meta(&status, "property", "og:image"), None, "{status}");
    let subscribe = text(&app, "/subscribe/").await;
    assert_eq!(canonical(&subscribe), format!("{SITE}/subscribe/"));
    assert!(description(&subscribe).contains("Tickets &#38; Co"));
    app.stop().await;
}

async fn headings_go_down_one_level_at_a_time(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = spawn(&db).await;
    let (down, _, pages) = pages(&app).await;
    for (path, page) in &pages {
        let levels = heading_levels(page);
        assert_eq!(levels.first(), Some(&1), "{path} starts with its h1");
        assert_eq!(
            levels.iter().filter(|l| **l == 1).count(),
            1,
            "{path}: one h1"
        );
        for pair in levels.windows(2) {
            assert!(pair[1] <= pair[0] + 1, "{path} skips a level: {levels:?}");
        }
    }
    // An incident's own page: its title is the page's heading, once.
    let incident = &pages[3].1;
    assert_eq!(
        incident
            .matches(&format!("<h1>{}</h1>", down.title))
            .count(),
        1
    );
    app.stop().await;
}

async fn the_json_feed_carries_what_rss_and_atom_carry(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = spawn(&db).await;
    let (_, _, pages) = pages(&app).await;
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
    for (path, page) in &pages {
        assert!(
            page.contains(r#"<link rel="alternate" type="application/feed+json" title="Our service status (JSON Feed)" href="/feed/json">"#),
            "{path} announces the feed"
        );
        assert!(
            page.contains(r#"<a href="/feed/json">JSON feed</a>"#),
            "{path}"
        );
    }
    let response = app.get("/feed/json").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/feed+json",
        "JSON Feed's own type"
    );
    assert!(response.headers().contains_key("etag"));
    let body = response.text().await.expect("body");
    let feed: serde_json::Value = serde_json::from_str(&body).expect("the feed is JSON");

    // JSON Feed 1.1's required fields, and the recommended ones with their types.
    assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(feed["title"], "Our service status");
    assert_eq!(feed["home_page_url"], format!("{SITE}/"));
    assert_eq!(feed["feed_url"], format!("{SITE}/feed/json"));
    assert_eq!(feed["language"], "en");
    assert_eq!(feed["authors"][0]["name"], "Our service");
    let items = feed["items"].as_array().expect("items is an array");
    let mut ids = std::collections::HashSet::new();
    for item in items {
        let id = item["id"].as_str().expect("every item has a string id");
        assert!(ids.insert(id.to_owned()), "ids are unique: {id}");
        let content = item["content_html"]
            .as_str()
            .or(item["content_text"].as_str());
        assert!(content.is_some(), "content_html or content_text: {item}");
        let url = item["url"].as_str().expect("url");
        assert!(
            url.starts_with(&format!("{SITE}/")) && !url.contains("//2"),
            "{url}"
        );
        for date in ["date_published", "date_modified"] {
            let text = item[date].as_str().expect("date");
            text.parse::<jiff::Timestamp>()
                .unwrap_or_else(|e| panic!("{date} {text:?} is not RFC 3339: {e}"));
        }
    }
    assert!(!body.contains("Unconfirmed suspicion"), "never published");

    // The same items as Atom, in the same order, with the same ids and links.
    let atom = text(&app, "/feed/atom").await;
    let atom_ids: Vec<String> = atom
        .split("<entry>")
        .skip(1)
        .map(|entry| {
            let at = entry.find("<id>").expect("id") + "<id>".len();
            entry[at..].split("</id>").next().expect("id").to_owned()
        })
        .collect();
    let json_ids: Vec<&str> = items.iter().filter_map(|i| i["id"].as_str()).collect();
    assert_eq!(json_ids, atom_ids);
    let titles: Vec<&str> = items.iter().filter_map(|i| i["title"].as_str()).collect();
    assert_eq!(
        titles,
        [
            "[Maintenance] Database upgrade",
            "[Outage] Checkout is failing",
            "[Partial Outage] Slow ticket downloads",
            "[Partial Outage] Slow <search> & \"exports\"",
        ]
    );
    // HTML as a string: the feed reader renders it; nothing that runs script.
    let content = items[3]["content_html"].as_str().expect("content");
    assert!(
        content.contains("<strong>seconds</strong>") && !content.contains("<script"),
        "{content}"
    );
    app.stop().await;
}

on_both_backends!(
    every_page_says_what_it_is_to_search_engines_and_link_previews,
    headings_go_down_one_level_at_a_time,
    the_json_feed_carries_what_rss_and_atom_carry,
);

const VNU: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/browser/node_modules/vnu-jar/build/dist/vnu.jar"
);

/// The Nu Html Checker over the status, history, day and incident pages: no error, and no
/// warning about a skipped heading level. Pages are the same on both backends: SQLite only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_html_checker_finds_nothing_to_fix() {
    if let Err(why) = crate::browser::node_module(VNU) {
        crate::helpers::skip(&why, "the HTML checker would be skipped");
        return;
    }
    let java = std::process::Command::new("java").arg("-version").output();
    if !java.is_ok_and(|o| o.status.success()) {
        crate::helpers::skip(
            "java is not installed (apt-get install default-jre-headless)",
            "the HTML checker would be skipped",
        );
        return;
    }
    let db = TestDatabase::new(Backend::Sqlite).await;
    let app = spawn(&db).await;
    let (_, _, pages) = pages(&app).await;
    app.stop().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    for (n, (path, body)) in pages.iter().enumerate() {
        let file = dir.path().join(format!("page{n}.html"));
        std::fs::write(&file, body).expect("write page");
        files.push((file, path.clone()));
    }
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("java")
            .args(["-jar", VNU, "--format", "json", "--exit-zero-always"])
            .args(files.iter().map(|(file, _)| file))
            .output()
            .map(|output| (output, files))
    })
    .await
    .expect("joined")
    .expect("java runs");
    let (output, files) = output;
    let report: serde_json::Value = serde_json::from_slice(&output.stderr).unwrap_or_else(|e| {
        panic!(
            "vnu's report is not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let messages = report["messages"].as_array().expect("messages");
    // Everything it said (information, other warnings too), for whoever reads a failing run.
    if !messages.is_empty() {
        eprintln!("vnu: {messages:#?}");
    }
    let findings: Vec<String> = messages
        .iter()
        .filter(|m| {
            let text = m["message"].as_str().unwrap_or("");
            m["type"] == "error"
                || m["type"] == "non-document-error"
                || text.to_lowercase().contains("heading")
        })
        .map(|m| {
            let url = m["url"].as_str().unwrap_or("");
            let path = files
                .iter()
                .find(|(file, _)| url.ends_with(&*file.to_string_lossy()))
                .map_or(url, |(_, path)| path.as_str());
            let kind = m["subType"].as_str().or(m["type"].as_str()).unwrap_or("");
            format!("{path}:{}: {kind}: {}", m["lastLine"], m["message"])
        })
        .collect();
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}

//! The static mirror: `monostat export` served by a plain static file server, every link
//! followed; and `MONOSTAT_STATIC_MIRROR_DIR` rewritten by the running server, never half-written.

use crate::helpers::{Backend, TestApp, TestDatabase, eventually};
use crate::on_both_backends;
use crate::public_fixtures::{Spec, add_update, hours_ago, insert};
use jiff::ToSpan;
use jiff::civil::Date;
use monostat::domain::{Incident, IncidentStatus, Severity};
use std::collections::{BTreeSet, HashSet, VecDeque};
use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The live site the export names in its feeds and API, and links for what it does not hold.
const LIVE: &str = "https://status.example.com";

/// `python3 -m http.server` on a free port: a static file server that knows nothing of monostat.
struct StaticServer {
    child: Child,
    base: String,
}

impl StaticServer {
    fn start(dir: &Path) -> StaticServer {
        let mut child = Command::new("/usr/bin/python3")
            .args([
                "-u",
                "-m",
                "http.server",
                "0",
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m http.server starts");
        // "Serving HTTP on 127.0.0.1 port 43617 (http://127.0.0.1:43617/) ..."
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the server says where it listens");
        let port: u16 = line
            .split(" port ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("http.server said {line:?}"));
        StaticServer {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn incident_with_updates(
    app: &TestApp,
    spec: Spec,
    updates: &[(i64, Option<IncidentStatus>, &str)],
) -> Incident {
    let incident = insert(app, spec).await;
    for (hours, status, message) in updates {
        add_update(app, &incident, hours_ago(*hours), *status, message).await;
    }
    incident
}

/// What the history reaches back to: its first day (the first of the month eleven months ago),
/// and the day before, which incident pages may link in another time zone.
fn oldest_mirrored_day() -> Date {
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    today
        .first_of_month()
        .checked_sub(11.months())
        .and_then(|d| d.checked_sub(1.day()))
        .expect("date")
}

/// Links in a page: every `href` and `src` of HTML and Atom, the `<link>` of RSS, the URLs in
/// the API's JSON.
fn links_in(body: &str) -> Vec<String> {
    let mut links = Vec::new();
    for marker in [" href=\"", " src=\"", "<link>"] {
        let end = if marker == "<link>" { "</link>" } else { "\"" };
        let mut rest = body;
        while let Some(at) = rest.find(marker) {
            // A page's canonical link names the live site's copy of that same page: no link to
            // follow (every page has one, checked in the test).
            let canonical = rest[..at].ends_with(r#"rel="canonical""#);
            rest = &rest[at + marker.len()..];
            let value = &rest[..rest.find(end).unwrap_or(rest.len())];
            if !canonical {
                links.push(value.replace("&amp;", "&"));
            }
        }
    }
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(body) {
        let mut stack = vec![json];
        while let Some(value) = stack.pop() {
            match value {
                serde_json::Value::String(s) if s.starts_with("http") => links.push(s),
                serde_json::Value::Array(items) => stack.extend(items),
                serde_json::Value::Object(fields) => {
                    stack.extend(fields.into_iter().map(|(_, v)| v))
                }
                _ => {}
            }
        }
    }
    links
}

struct Crawl {
    /// Every page fetched, with its body.
    pages: Vec<(String, String)>,
    links: usize,
    /// Links to the live site for what the mirror does not hold.
    to_live_site: BTreeSet<String>,
}

/// Fetches `start` from the static server and everything it links to on it, transitively;
/// links to the live site are looked up on the mirror too. Every link must answer 200, except
/// live-site links to days older than the mirror.
async fn crawl(base: &str, start: &str) -> Crawl {
    let client = reqwest::Client::new();
    let base_url = url::Url::parse(base).expect("base");
    let mut queue = VecDeque::from([(format!("{base}{start}"), "(start)".to_owned(), false)]);
    let mut seen = HashSet::new();
    let mut crawl = Crawl {
        pages: Vec::new(),
        links: 0,
        to_live_site: BTreeSet::new(),
    };
    while let Some((url, from, live)) = queue.pop_front() {
        if !seen.insert(url.clone()) {
            continue;
        }
        let response = client.get(&url).send().await.expect("request sent");
        let status = response.status().as_u16();
        let path = url.trim_start_matches(base).to_owned();
        if live && status == 404 {
            // Only what is older than the mirror is left to the live site.
            let day: Option<Date> = path.get(1..11).and_then(|d| d.parse().ok());
            assert!(
                day.is_some_and(|day| day < oldest_mirrored_day()),
                "{path} (linked from {from}) is missing from the mirror"
            );
            continue;
        }
        assert_eq!(status, 200, "{url}, linked from {from}");
        if path.ends_with(".css") {
            let content_type = response.headers()["content-type"].to_str().expect("ascii");
            assert!(
                content_type.starts_with("text/css"),
                "{path}: {content_type}"
            );
        }
        // Relative links count from where the server's redirects (`/history` → `/history/`) led.
        let page = response.url().clone();
        let body = response.text().await.expect("body");
        if path.ends_with(".html") || path.ends_with('/') {
            assert!(
                !body.contains(" href=\"/") && !body.contains(" src=\"/"),
                "{path} links by absolute path"
            );
        }
        for link in links_in(&body) {
            let Ok(mut target) = page.join(&link) else {
                panic!("{path} links {link:?}, which is no URL");
            };
            target.set_fragment(None);
            crawl.links += 1;
            let target = target.to_string();
            if target.starts_with(base) {
                queue.push_back((target, path.clone(), false));
            } else if let Some(on_live_site) = target.strip_prefix(LIVE) {
                // The mirror stands in for the live site at its address.
                let mirrored = base_url.join(on_live_site).expect("url").to_string();
                if path.ends_with(".html") || path.ends_with('/') {
                    crawl.to_live_site.insert(on_live_site.to_owned());
                }
                queue.push_back((mirrored, path.clone(), true));
            }
            // Anything else (mailto:, GitHub, the incidents' own links) is not ours to check.
        }
        crawl.pages.push((path, body));
    }
    crawl
}

fn page<'a>(crawl: &'a Crawl, path: &str) -> &'a str {
    crawl
        .pages
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, body)| body.as_str())
        .unwrap_or_else(|| panic!("{path} was not crawled"))
}

/// The mirror's file for an incident's page.
fn incident_file(incident: &Incident) -> String {
    format!(
        "{}/index.html",
        monostat::links::incident_path(incident).trim_start_matches('/')
    )
}

async fn an_export_served_statically_has_every_page_and_link(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let day = 24;
    let ancient = incident_with_updates(
        &app,
        Spec {
            status: IncidentStatus::Resolved,
            severity: Severity::Outage,
            start: hours_ago(730 * day),
            end: Some(hours_ago(730 * day - 2)),
            title: "Ancient outage",
            summary: None,
        },
        &[(730 * day - 2, Some(IncidentStatus::Resolved), "Over.")],
    )
    .await;
    // Began before the history's months, ended within them.
    let long = insert(
        &app,
        Spec {
            status: IncidentStatus::Resolved,
            severity: Severity::Bug,
            start: hours_ago(400 * day),
            end: Some(hours_ago(300 * day)),
            title: "Long-standing export bug",
            summary: None,
        },
    )
    .await;
    let login = incident_with_updates(
        &app,
        Spec {
            status: IncidentStatus::Resolved,
            severity: Severity::Partial,
            start: hours_ago(90 * day),
            end: Some(hours_ago(90 * day - 3)),
            title: "Login failures",
            summary: Some("Some users could not log in. See [the history](/history)."),
        },
        &[
            (
                90 * day - 1,
                Some(IncidentStatus::Confirmed),
                "We are looking into it.",
            ),
            (
                90 * day - 3,
                Some(IncidentStatus::Resolved),
                "Logins work again.",
            ),
        ],
    )
    .await;
    let false_alarm = insert(
        &app,
        Spec {
            status: IncidentStatus::Dismissed,
            severity: Severity::Outage,
            start: hours_ago(10 * day),
            end: Some(hours_ago(10 * day - 1)),
            title: "False alarm",
            summary: None,
        },
    )
    .await;
    let checkout = incident_with_updates(
        &app,
        Spec {
            status: IncidentStatus::Confirmed,
            severity: Severity::Outage,
            start: hours_ago(2),
            end: None,
            title: "Checkout is failing",
            summary: Some("Payments cannot be completed."),
        },
        &[(1, None, "A fix is being deployed.")],
    )
    .await;
    let upgrade = insert(
        &app,
        Spec {
            status: IncidentStatus::Planned,
            severity: Severity::Maintenance,
            start: hours_ago(-48),
            end: Some(hours_ago(-47)),
            title: "Database upgrade",
            summary: None,
        },
    )
    .await;
    {
        // Subscriptions need the server: the mirror has no link to them.
        let mut conn = app.handle.db.acquire().await.expect("connection");
        sqlx::query("UPDATE notification_settings SET allow_subscriptions = 1")
            .execute(&mut *conn)
            .await
            .expect("allow subscriptions");
        // An uploaded logo, as the admin's settings store it.
        sqlx::query("UPDATE site_settings SET logo = 'logo.0123456789abcdef.svg'")
            .execute(&mut *conn)
            .await
            .expect("logo");
        monostat::storage::media::put(
            &mut conn,
            "logo.0123456789abcdef.svg",
            br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>"#,
            jiff::Timestamp::now(),
        )
        .await
        .expect("logo stored");
    }
    app.stop().await;

    let out = tempfile::tempdir().expect("temporary directory");
    let site = out.path().join("site");
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_monostat"))
        .env_clear()
        .envs(db.env())
        .env("MONOSTAT_SITE_URL", format!("{LIVE}/"))
        .args(["export", "--out"])
        .arg(&site)
        .output()
        .expect("monostat export runs");
    let export_time = started.elapsed();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(said.starts_with("Exported "), "{said}");

    let server = StaticServer::start(&site);
    let started = Instant::now();
    let crawl = crawl(&server.base, "/").await;
    let crawl_time = started.elapsed();

    // What a reader sees: the state, the current incident with its update, the maintenance.
    let index = page(&crawl, "/");
    assert!(
        index.contains("<h1 id=\"headline\">Our service is down</h1>"),
        "{index}"
    );
    for shown in [
        "Checkout is failing",
        "A fix is being deployed.",
        "Database upgrade",
    ] {
        assert!(index.contains(shown), "{shown}");
    }
    for page_body in crawl.pages.iter().map(|(_, b)| b) {
        assert!(
            !page_body.contains("False alarm"),
            "dismissed incidents are never public"
        );
        assert!(
            !page_body.contains("subscribe"),
            "no subscription form in the mirror"
        );
    }
    let history = page(&crawl, "/history/index.html");
    assert_eq!(history.matches("<table>").count(), 12, "twelve months");
    let day_pages = crawl
        .pages
        .iter()
        .filter(|(p, _)| p.len() == "/2026-01-31/index.html".len() && p.ends_with("/index.html"))
        .count();
    assert!(day_pages >= 334, "every day of the history: {day_pages}");
    let login_page = page(&crawl, &format!("/{}", incident_file(&login)));
    for shown in [
        "<h1>Login failures</h1>",
        "We are looking into it.",
        "Logins work again.",
    ] {
        assert!(login_page.contains(shown), "{shown}: {login_page}");
    }
    assert!(
        login_page.contains(
            r#"<a href="../../history/index.html" target="_blank" rel="noopener">the history</a>"#
        ),
        "a link in an incident's summary leads into the mirror too: {login_page}"
    );
    assert!(
        login_page.contains(&format!(
            r#"<link rel="canonical" href="{LIVE}{}">"#,
            monostat::links::incident_path(&login)
        )),
        "the mirror's copy names the live page as the original: {login_page}"
    );
    let login_day = login.start.to_zoned(jiff::tz::TimeZone::UTC).date();
    assert!(page(&crawl, &format!("/{login_day}/index.html")).contains("Login failures"));
    page(&crawl, &format!("/{}", incident_file(&checkout)));
    page(&crawl, &format!("/{}", incident_file(&upgrade)));
    assert!(
        page(&crawl, &format!("/{}", incident_file(&long))).contains("Long-standing export bug")
    );

    // Older than the history: left to the live site, linked there, absent here.
    let long_day = long.start.to_zoned(jiff::tz::TimeZone::UTC).date();
    assert_eq!(
        crawl.to_live_site.iter().collect::<Vec<_>>(),
        [&format!("/{long_day}")],
        "only the day the long incident began, older than the history, is left to the live site"
    );
    assert!(!site.join(incident_file(&ancient)).exists());
    assert!(!history.contains("Ancient outage"));

    // Feeds, API and badge, as the server serves them.
    let rss = page(&crawl, "/feed/rss.xml");
    assert!(rss.contains("Checkout is failing") && rss.contains("Ancient outage"));
    assert!(page(&crawl, "/feed/atom.xml").contains("Login failures"));
    assert!(page(&crawl, "/feed/feed.json").contains("Login failures"));
    let client = reqwest::Client::new();
    let get = |path: &str| client.get(format!("{}{path}", server.base)).send();
    // A false alarm's address, shared while it was a suspicion: linked from nowhere, and
    // saying only that it was closed.
    let closed = get(&format!("/{}", incident_file(&false_alarm)))
        .await
        .expect("closed page");
    assert_eq!(closed.status(), 200);
    let closed = closed.text().await.expect("body");
    assert!(
        closed.contains("<h1 id=\"closed\">Incident closed</h1>")
            && closed.contains(r#"<meta name="robots" content="noindex">"#)
            && closed.contains(r#"<a href="../../index.html">View current system status</a>"#)
            && !closed.contains("False alarm"),
        "{closed}"
    );

    let status: serde_json::Value = get("/api/v2/status.json")
        .await
        .expect("status.json")
        .json()
        .await
        .expect("json");
    assert_eq!(status["status"]["indicator"], "critical");
    assert_eq!(status["page"]["url"], format!("{LIVE}/"));
    for path in monostat::public::statuspage::ENDPOINTS {
        let response = get(&format!("/api/v2/{path}")).await.expect("api");
        assert_eq!(response.status(), 200, "{path}");
    }
    assert!(
        index.contains(r#"<img src="media/logo.0123456789abcdef.svg""#),
        "the logo comes along: {index}"
    );
    let badge = get("/badge.svg")
        .await
        .expect("badge")
        .text()
        .await
        .expect("body");
    assert!(badge.contains(">major outage</text>"));
    for window in [30, 90] {
        let badge = get(&format!("/badge/uptime-{window}.svg"))
            .await
            .expect("uptime badge")
            .text()
            .await
            .expect("body");
        assert!(badge.contains(&format!(">uptime {window} days</text>")));
    }
    let embed = get("/embed.js").await.expect("embed");
    assert_eq!(embed.status(), 200);
    // The server's own addresses work too, for links out in the world.
    for path in [
        "/history",
        "/feed/rss",
        "/feed/json",
        &monostat::links::incident_path(&checkout),
    ] {
        let response = get(path).await.expect("request");
        assert_eq!(response.status(), 200, "{path}");
    }

    let files = walk(&site);
    eprintln!(
        "static mirror: export {} ms ({files} files); crawled {} pages and {} links in {} ms",
        export_time.as_millis(),
        crawl.pages.len(),
        crawl.links,
        crawl_time.as_millis()
    );
}

/// How many files are under `dir`.
fn walk(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .expect("list")
        .flatten()
        .map(|entry| {
            if entry.file_type().expect("type").is_dir() {
                walk(&entry.path())
            } else {
                1
            }
        })
        .sum()
}

async fn the_server_rewrites_the_mirror_after_every_change_atomically(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let out = tempfile::tempdir().expect("temporary directory");
    let mirror = out.path().join("mirror");
    let app = TestApp::spawn_configured(
        &db,
        |config| config.static_mirror_dir = Some(mirror.clone()),
        Default::default(),
        |_| {},
    )
    .await;
    let index = mirror.join("index.html");
    eventually(Duration::from_secs(10), || async {
        index.exists().then_some(())
    })
    .await;
    assert!(
        std::fs::read_to_string(&index)
            .expect("index")
            .contains("Our service is up and running")
    );

    // A reader all along: the published site is always whole.
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (stop, mirror) = (stop.clone(), mirror.clone());
        std::thread::spawn(move || {
            let mut reads = 0u32;
            let mut failures = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let page = std::fs::read_to_string(mirror.join("index.html"));
                let api = std::fs::read(mirror.join("api/v2/status.json"))
                    .ok()
                    .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok());
                match (page, api) {
                    (Ok(page), Some(_)) if page.trim_end().ends_with("</html>") => reads += 1,
                    (page, api) => failures.push(format!("{page:?} {api:?}")),
                }
            }
            (reads, failures)
        })
    };

    let services = app.services();
    let actor = monostat::service::incidents::Actor {
        via: "admin",
        name: "tester".into(),
    };
    let mut created = Vec::new();
    for n in 1..=5 {
        let title = format!("Checkout is failing ({n})");
        let incident = monostat::service::incidents::create(
            &services,
            &actor,
            &monostat::service::incidents::Creation {
                title: title.clone(),
                status: IncidentStatus::Confirmed,
                severity: Severity::Outage,
                start: jiff::Timestamp::now(),
                end: None,
                summary: None,
                text: Some(format!("Update number {n}.")),
                silent: false,
                notify: false,
            },
        )
        .await
        .expect("incident created");
        let started = Instant::now();
        eventually(Duration::from_secs(10), || async {
            let page = std::fs::read_to_string(&index).ok()?;
            page.contains(&title).then_some(())
        })
        .await;
        eprintln!(
            "change {n} in the mirror after {} ms",
            started.elapsed().as_millis()
        );
        created.push(incident);
    }
    stop.store(true, Ordering::Relaxed);
    let (reads, failures) = reader.join().expect("reader");
    assert!(
        failures.is_empty(),
        "half-written mirror seen: {failures:?}"
    );
    assert!(reads > 10, "the reader read {reads} times");
    eprintln!("{reads} whole reads while the mirror changed");

    let page = std::fs::read_to_string(mirror.join(incident_file(&created[4]))).expect("page");
    assert!(page.contains("Update number 5."));
    let status = std::fs::read_to_string(mirror.join("api/v2/status.json")).expect("status");
    assert!(status.contains(r#""indicator":"critical""#), "{status}");
    assert!(
        std::fs::symlink_metadata(&mirror)
            .expect("mirror")
            .is_symlink(),
        "the mirror is swapped by renaming a link"
    );
    // Nothing half-written is left beside it: every generation is whole.
    for entry in std::fs::read_dir(out.path()).expect("list").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("mirror.monostat-") {
            assert!(entry.path().join("index.html").is_file(), "{name}");
        }
    }
    app.stop().await;
}

/// A mirror that cannot be written is logged; the page is served all the same, and what is in
/// the way is left alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mirror_that_cannot_be_written_never_stops_the_page() {
    let db = TestDatabase::new(Backend::Sqlite).await;
    let out = tempfile::tempdir().expect("temporary directory");
    let taken = out.path().join("taken");
    std::fs::create_dir(&taken).expect("mkdir");
    std::fs::write(taken.join("notes.txt"), "mine").expect("write");
    let app = TestApp::spawn_configured(
        &db,
        |config| config.static_mirror_dir = Some(taken.clone()),
        Default::default(),
        |_| {},
    )
    .await;
    app.handle.pages.refresh().await.expect("rendered");
    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        std::fs::read_to_string(taken.join("notes.txt")).expect("kept"),
        "mine"
    );
    app.stop().await;

    // The command says so in one line, with status 2: the path given is at fault.
    let output = Command::new(env!("CARGO_BIN_EXE_monostat"))
        .env_clear()
        .envs(db.env())
        .args(["export", "--out"])
        .arg(&taken)
        .output()
        .expect("monostat export runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("monostat: ") && stderr.contains("is not a mirror monostat wrote"),
        "{stderr}"
    );
}

on_both_backends!(
    an_export_served_statically_has_every_page_and_link,
    the_server_rewrites_the_mirror_after_every_change_atomically,
);

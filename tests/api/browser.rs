//! The public pages in a real browser (headless Chromium): every overall state, an incident,
//! the history and a day, on a desktop and a phone screen. Each page must load without console
//! errors or CSP violations, fit the screen, run its own script, and pass axe-core without
//! serious or critical accessibility violations. Screenshots land in
//! `$CARGO_TARGET_TMPDIR/screenshots/` for people to look at.

use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::on_both_backends;
use crate::public_fixtures::{Spec, add_update, hours_ago, insert, render, scene};
use crate::webdriver::{Driver, Session, Viewport, browser_available};
use monostat::domain::{IncidentStatus, OverallState, Severity};
use monostat::public::theme::{Palette, Rgb};
use monostat::storage::settings;
use std::path::PathBuf;

const AXE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/browser/node_modules/axe-core/axe.min.js"
);

/// axe-core's script, from `tests/browser/node_modules`. A fresh clone has none: the first test
/// that needs it runs `npm ci --prefix tests/browser` (once per run, the others wait for it).
/// Without npm, or when that fails (offline, say), the test says "skipped: …" and gets `None`;
/// with `CI=true` it fails instead.
pub(crate) fn axe_source() -> Option<String> {
    static AXE_SOURCE: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
    let found = AXE_SOURCE.get_or_init(|| {
        node_module(AXE)?;
        std::fs::read_to_string(AXE).map_err(|e| format!("{AXE}: {e}"))
    });
    match found {
        Ok(source) => Some(source.clone()),
        Err(why) => {
            crate::helpers::skip(why, "the accessibility checks would be skipped");
            None
        }
    }
}

/// `file`, a path inside `tests/browser/node_modules`, installing the test packages (axe-core,
/// vnu-jar) first when it is missing: once per run, whichever test asks first, the others waiting.
pub(crate) fn node_module(file: &str) -> Result<(), String> {
    static INSTALLED: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    if std::path::Path::new(file).exists() {
        return Ok(());
    }
    INSTALLED.get_or_init(install_node_modules).clone()?;
    match std::path::Path::new(file).exists() {
        true => Ok(()),
        false => Err(format!(
            "{file} is missing after `npm ci --prefix tests/browser`"
        )),
    }
}

/// `npm ci --prefix tests/browser`, as the README asks, for a clone that has not run it yet.
fn install_node_modules() -> Result<(), String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser");
    let child = std::process::Command::new("npm")
        .args([
            "ci",
            "--prefix",
            dir,
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!(
                "the browser tests' packages are missing and npm cannot run ({e}); run `npm ci --prefix tests/browser`"
            )
        })?;
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("the browser tests' packages are missing: running npm ci --prefix {dir}\n")
            .as_bytes(),
    );
    let output = child
        .wait_with_output()
        .map_err(|e| format!("npm ci did not finish: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let first = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    Err(format!(
        "the browser tests' packages are missing and `npm ci --prefix tests/browser` failed ({}): {first}",
        output.status
    ))
}

pub(crate) fn screenshot_path(backend: Backend, name: &str, viewport: Viewport) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("screenshots")
        .join(format!("{backend:?}").to_lowercase())
        .join(format!("{name}-{}.png", viewport.width()))
}

/// Loads `url` and checks what every page must satisfy; returns what went wrong, if anything.
pub(crate) async fn check_page(
    session: &Session<'_>,
    url: &str,
    axe: &str,
    shot: PathBuf,
) -> Vec<String> {
    let mut problems = Vec::new();
    session.goto(url).await;
    // The page's own script localises times once the DOM is ready; it proves the script ran
    // (a CSP that blocked it would also show in the console).
    let localised = session
        .run("var t = document.querySelector('time[datetime]:not([data-date-only])'); return t === null || t.hasAttribute('title');")
        .await;
    if localised != true {
        problems.push(format!("{url}: the time script did not run"));
    }
    let fits = session
        .run("return document.documentElement.scrollWidth <= window.innerWidth;")
        .await;
    if fits != true {
        problems.push(format!("{url}: wider than the screen"));
    }
    session.screenshot(&shot).await;
    for message in session.severe_logs().await {
        // The 404 page reports its own status; nothing else may fail.
        let own_404 = url.ends_with("/no-such-page")
            && message.starts_with(url)
            && message.contains("status of 404");
        if !own_404 {
            problems.push(format!("{url}: console: {message}"));
        }
    }
    session.run(&format!("{axe}\n;return true;")).await;
    let result = session
        .run_async(
            "var done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] }).then(function (r) {
               done(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
                 .map(function (v) { return v.id + ' (' + v.impact + '): ' + v.nodes.map(function (n) { return n.target.join(' '); }).join(', '); }));
             }, function (e) { done(['axe failed: ' + e]); });",
        )
        .await;
    for violation in result.as_array().into_iter().flatten() {
        problems.push(format!(
            "{url}: axe: {}",
            violation.as_str().unwrap_or_default()
        ));
    }
    problems
}

async fn pages_render_cleanly_in_a_real_browser(backend: Backend) {
    if !browser_available() {
        return;
    }
    let Some(axe) = axe_source() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let driver = Driver::start().await;
    let mut problems = Vec::new();
    for viewport in [Viewport::Desktop, Viewport::Phone] {
        let session = driver.session(viewport).await;
        for state in monostat::domain::OverallState::ALL {
            scene(&app, state).await;
            let shot = screenshot_path(backend, &format!("status-{}", state.as_str()), viewport);
            problems.extend(check_page(&session, &format!("{}/", app.base_url), &axe, shot).await);
        }
        let incident = scene(&app, OverallState::Down).await.expect("incident");
        let false_alarm = insert(
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
        let pages = [
            ("incident", monostat::links::incident_path(&incident)),
            ("closed", monostat::links::incident_path(&false_alarm)),
            ("history", "/history".to_owned()),
            (
                "day",
                format!(
                    "/{}",
                    incident.start.to_zoned(jiff::tz::TimeZone::UTC).date()
                ),
            ),
            ("not-found", "/no-such-page".to_owned()),
            ("subscribe", "/subscribe/".to_owned()),
        ];
        for (name, path) in pages {
            let shot = screenshot_path(backend, name, viewport);
            problems
                .extend(check_page(&session, &format!("{}{path}", app.base_url), &axe, shot).await);
        }
        session.close().await;
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    eprintln!(
        "screenshots: {}",
        PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join("screenshots")
            .display()
    );
    app.stop().await;
}

/// The dark scheme, and an admin's colours that fail AA as chosen (a pale yellow link, light grey
/// text on white, a pale header), in both schemes: the theme adjusts them until axe finds no
/// contrast problem, and the page really is dark when the reader asks for dark.
async fn pages_pass_axe_in_both_colour_schemes_even_with_awkward_colours(backend: Backend) {
    if !browser_available() {
        return;
    }
    let Some(axe) = axe_source() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let driver = Driver::start().await;
    let session = driver.session(Viewport::Desktop).await;
    let mut problems = Vec::new();
    for awkward in [false, true] {
        let colors = {
            let mut conn = app.handle.db.acquire().await.expect("connection");
            let mut site = settings::site(&mut conn).await.expect("site");
            if awkward {
                let c = &mut site.colors;
                c.primary = "#FFF3B0".into();
                c.link = "#FFFF99".into();
                c.primary_text = "#BBBBBB".into();
                c.secondary_text = "#DDDDDD".into();
                c.warning = "#FFEE58".into();
                c.danger = "#FFCDD2".into();
                settings::save_site(&mut conn, &site).await.expect("save");
            }
            site.colors
        };
        let incident = scene(&app, OverallState::Down).await.expect("incident");
        render(&app).await;
        let pages = [
            ("status", "/".to_owned()),
            ("incident", monostat::links::incident_path(&incident)),
            ("history", "/history".to_owned()),
            (
                "day",
                format!(
                    "/{}",
                    incident.start.to_zoned(jiff::tz::TimeZone::UTC).date()
                ),
            ),
            ("subscribe", "/subscribe/".to_owned()),
            ("not-found", "/no-such-page".to_owned()),
        ];
        for scheme in ["light", "dark"] {
            session.prefer_color_scheme(scheme).await;
            let palette = if scheme == "dark" {
                Palette::dark(&colors)
            } else {
                Palette::light(&colors)
            };
            let Rgb(r, g, b) = palette.background;
            let background = format!("rgb({r}, {g}, {b})");
            let theme = if awkward { "awkward" } else { "default" };
            for (name, path) in &pages {
                let url = format!("{}{path}", app.base_url);
                let shot = screenshot_path(
                    backend,
                    &format!("{theme}-{scheme}-{name}"),
                    Viewport::Desktop,
                );
                problems.extend(check_page(&session, &url, &axe, shot).await);
                let shown = session
                    .run("return getComputedStyle(document.body).backgroundColor;")
                    .await;
                if shown != background.as_str() {
                    problems.push(format!(
                        "{url} ({theme}, {scheme}): background {shown}, not {background}"
                    ));
                }
            }
        }
    }
    session.close().await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    app.stop().await;
}

async fn markup_in_an_incident_never_runs(backend: Backend) {
    if !browser_available() {
        return;
    }
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let attacks = "<script>window.pwned = 'script'; alert(1)</script>\n\
         <img src=x onerror=\"window.pwned = 'onerror'; alert(2)\">\n\
         [click](javascript:alert(3)) <a href=\"javascript:alert(4)\">link</a>\n\
         <svg onload=\"window.pwned = 'svg'\"></svg> <iframe src=\"javascript:alert(5)\"></iframe>";
    let incident = insert(
        &app,
        Spec {
            status: IncidentStatus::Confirmed,
            severity: Severity::Outage,
            start: hours_ago(1),
            end: None,
            title: "<script>window.pwned = 'title'</script>",
            summary: Some(attacks),
        },
    )
    .await;
    add_update(&app, &incident, hours_ago(1), None, attacks).await;
    render(&app).await;
    let driver = Driver::start().await;
    let session = driver.session(Viewport::Desktop).await;
    for path in ["/".to_owned(), monostat::links::incident_path(&incident)] {
        session.goto(&format!("{}{path}", app.base_url)).await;
        // Click every link the summary produced, in case one runs script.
        session.run("document.querySelectorAll('.rich a').forEach(function (a) { a.removeAttribute('target'); });").await;
        let pwned = session
            .run("return window.pwned === undefined ? null : window.pwned;")
            .await;
        assert_eq!(pwned, serde_json::Value::Null, "{path}: markup ran");
        assert!(!session.dialog_open().await, "{path}: an alert opened");
        let title_text = session
            .run("return document.querySelector('.incident :is(h1, h2, h3)').textContent;")
            .await;
        assert_eq!(
            title_text, "<script>window.pwned = 'title'</script>",
            "the title shows as text"
        );
        let hrefs = session.run("return Array.from(document.querySelectorAll('.rich a')).map(function (a) { return a.getAttribute('href'); });").await;
        assert!(!hrefs.to_string().contains("javascript:"), "{hrefs}");
        assert!(session.severe_logs().await.is_empty());
    }
    // The console check above can fail: an inline script injected into the page is refused by
    // the CSP, and the refusal is reported.
    session
        .run("var s = document.createElement('script'); s.textContent = 'window.pwned = 1'; document.body.appendChild(s);")
        .await;
    assert_eq!(
        session.run("return window.pwned === undefined;").await,
        true,
        "the CSP blocks inline script"
    );
    let logs = session.severe_logs().await;
    assert!(
        logs.iter().any(|l| l.contains("Content Security Policy")),
        "{logs:?}"
    );
    session.close().await;
    app.stop().await;
}

/// The page in German, French and Arabic (right to left), light and dark: each in its own
/// words, with `lang` and `dir` right, and still clean for axe, the CSP and a narrow screen.
async fn pages_read_right_in_three_languages_and_both_schemes(backend: Backend) {
    if !browser_available() {
        return;
    }
    let Some(axe) = axe_source() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let incident = scene(&app, OverallState::PartiallyUnavailable)
        .await
        .expect("incident");
    render(&app).await;
    let driver = Driver::start().await;
    let mut problems = Vec::new();
    for viewport in [Viewport::Desktop, Viewport::Phone] {
        let session = driver.session(viewport).await;
        for tag in ["de", "fr", "ar"] {
            let words = monostat::i18n::get(tag).expect("shipped");
            let day = incident.start.to_zoned(jiff::tz::TimeZone::UTC).date();
            let pages = [
                ("status", "/".to_owned(), words.t("nav-current-status")),
                (
                    "incident",
                    monostat::links::incident_path(&incident),
                    words.severity(incident.severity),
                ),
                ("history", "/history".to_owned(), words.t("history")),
                ("day", format!("/{day}"), words.date_long(day)),
                (
                    "subscribe",
                    "/subscribe/".to_owned(),
                    words.t("subscribe-heading"),
                ),
            ];
            for scheme in ["light", "dark"] {
                session.prefer_color_scheme(scheme).await;
                for (name, path, expected) in &pages {
                    let url = format!("{}{path}?lang={tag}", app.base_url);
                    let shot =
                        screenshot_path(backend, &format!("{tag}-{scheme}-{name}"), viewport);
                    problems.extend(check_page(&session, &url, &axe, shot).await);
                    let lang = session
                        .run("return document.documentElement.lang + ' ' + document.documentElement.dir;")
                        .await;
                    let want = format!("{tag} {}", if tag == "ar" { "rtl" } else { "ltr" });
                    if lang != want.as_str() {
                        problems.push(format!("{url}: lang and dir {lang}, not {want}"));
                    }
                    let text = session.run("return document.body.innerText;").await;
                    if !text
                        .as_str()
                        .unwrap_or_default()
                        .contains(expected.as_str())
                    {
                        problems.push(format!("{url}: does not say {expected:?}"));
                    }
                }
            }
        }
        session.close().await;
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    app.stop().await;
}

on_both_backends!(
    pages_render_cleanly_in_a_real_browser,
    pages_pass_axe_in_both_colour_schemes_even_with_awkward_colours,
    pages_read_right_in_three_languages_and_both_schemes,
    markup_in_an_incident_never_runs
);

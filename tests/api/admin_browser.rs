//! The admin pages in headless Chromium: logging in, creating an incident with the live
//! preview, seeing it on the public page, resolving it without notifying anybody; and every
//! admin page free of console errors, CSP violations and serious accessibility problems.

use crate::admin::{PASSWORD, USER, create_user};
use crate::browser::{axe_source, check_page, screenshot_path};
use crate::fake_slack::FakeSlack;
use crate::helpers::{Backend, SmtpSink, TestApp, TestDatabase, eventually};
use crate::on_both_backends;
use crate::webdriver::{Driver, Viewport, browser_available};
use monostat::jobs::WorkerSettings;
use std::time::Duration;

async fn an_admin_handles_an_incident_in_a_real_browser(backend: Backend) {
    if !browser_available() {
        return;
    }
    let Some(sink) = SmtpSink::start() else {
        return;
    };
    let Some(axe) = axe_source() else {
        return;
    };
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let app = crate::admin_incidents::app_with_mail_and_slack(&db, &sink, &slack).await;
    create_user(&app, USER, PASSWORD).await;
    crate::admin_people::add_subscriber(&app, "jane@example.com", true).await;
    let driver = Driver::start().await;
    let session = driver.session(Viewport::Desktop).await;
    let base = &app.base_url;
    let mut problems = Vec::new();

    session.goto(&format!("{base}/admin/incidents/")).await;
    assert!(
        session.current_url().await.contains("/admin/login?next="),
        "sent to the login page"
    );
    problems.extend(
        check_page(
            &session,
            &session.current_url().await,
            &axe,
            screenshot_path(backend, "admin-login", Viewport::Desktop),
        )
        .await,
    );
    session.type_into("#username", USER).await;
    session.type_into("#password", PASSWORD).await;
    session.click("form.form button[type=submit]").await;
    assert!(session.wait_for_text("Log out").await, "logged in");
    assert!(
        session.current_url().await.ends_with("/admin/incidents/"),
        "back where the admin wanted to go: {}",
        session.current_url().await
    );

    session.click("a[href='/admin/incidents/new']").await;
    session.type_into("#title", "Card payments fail").await;
    session.click("#status option[value=confirmed]").await;
    session.click("#severity option[value=partial]").await;
    session
        .type_into("#summary", "**Card payments** fail at checkout.")
        .await;
    // The preview is the public page's own rendering, fetched by the page's script.
    let previewed = async {
        for _ in 0..50 {
            let html = session
                .run("return document.getElementById('summary-preview').innerHTML;")
                .await;
            if html
                .as_str()
                .unwrap_or_default()
                .contains("<strong>Card payments</strong>")
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    };
    assert!(
        previewed.await,
        "the live preview shows the Markdown rendered"
    );
    session.click("form.form > button[type=submit]").await;
    assert!(
        session.wait_for_text("Created.").await,
        "{}",
        session.text().await
    );
    let edit_url = session.current_url().await;
    app.settle().await;
    let mails_after_creation = sink.mails_to("jane@example.com").len();
    assert_eq!(
        mails_after_creation, 1,
        "confirming an incident tells subscribers"
    );

    // The public page is rendered on change, a moment after the commit.
    eventually(Duration::from_secs(10), || async {
        session.goto(&format!("{base}/")).await;
        session
            .text()
            .await
            .contains("Card payments fail")
            .then_some(())
    })
    .await;

    session.goto(&edit_url).await;
    session.click("#status option[value=resolved]").await;
    session.type_into("#text", "Payments work again.").await;
    session.click("input[name=no_notify]").await;
    let updates_before = slack.calls_to("chat.update").len();
    session.click("form.form > button[type=submit]").await;
    assert!(
        session.wait_for_text("Saved.").await,
        "{}",
        session.text().await
    );
    app.settle().await;
    let updates = slack.calls_to("chat.update");
    assert!(updates.len() > updates_before, "Slack's message is updated");
    assert!(
        updates
            .last()
            .map(|c| c.body.to_string())
            .unwrap_or_default()
            .contains("Resolved"),
        "{:?}",
        updates.last()
    );
    assert_eq!(
        sink.mails_to("jane@example.com").len(),
        mails_after_creation,
        "resolved with 'do not notify': no mail"
    );
    session.goto(&format!("{base}/")).await;
    assert!(
        !session.text().await.contains("Card payments fail is"),
        "no longer current"
    );

    // An outage's incident, with more alerts and history than one page shows.
    let alerts: Vec<_> = (1..=60)
        .map(|n| ("firing", format!("fp-{n:02}"), format!("Node {n:02} down")))
        .collect();
    let delivery = crate::hooks::alertmanager_delivery(&alerts);
    assert_eq!(app.post_alertmanager(&delivery).await.0, 200);
    let outage =
        monostat::storage::incidents::all(&mut app.handle.db.acquire().await.expect("conn"))
            .await
            .expect("incidents")
            .pop()
            .expect("the outage")
            .id;

    for (name, path) in [
        ("admin-incidents", "/admin/incidents/".to_owned()),
        (
            "admin-incident-alerts",
            format!("/admin/incidents/{outage}/?alerts_page=2&history_page=1"),
        ),
        (
            "admin-incident",
            edit_url.trim_start_matches(base.as_str()).to_owned(),
        ),
        ("admin-new-incident", "/admin/incidents/new".to_owned()),
        ("admin-site", "/admin/settings/site".to_owned()),
        (
            "admin-notifications",
            "/admin/settings/notifications".to_owned(),
        ),
        ("admin-hooks", "/admin/settings/hooks".to_owned()),
        ("admin-slack", "/admin/settings/slack".to_owned()),
        ("admin-subscribers", "/admin/subscribers/".to_owned()),
        ("admin-users", "/admin/users/".to_owned()),
        ("admin-audit", "/admin/audit/".to_owned()),
        ("admin-account", "/admin/account/".to_owned()),
        ("admin-totp", "/admin/account/totp".to_owned()),
    ] {
        let shot = screenshot_path(backend, name, Viewport::Desktop);
        problems.extend(check_page(&session, &format!("{base}{path}"), &axe, shot).await);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    session.close().await;
    app.stop().await;
}

on_both_backends!(an_admin_handles_an_incident_in_a_real_browser);

/// WebAuthn needs a domain name: the server is reached as `localhost` here.
async fn app_on_localhost(db: &TestDatabase) -> TestApp {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    TestApp::spawn_configured(
        db,
        move |config| {
            config.listen = format!("127.0.0.1:{port}").parse().expect("address");
            config.site_url = format!("http://localhost:{port}/").parse().expect("url");
        },
        WorkerSettings::default(),
        |_| {},
    )
    .await
}

async fn a_security_key_is_the_second_factor(backend: Backend) {
    if !browser_available() {
        return;
    }
    let db = TestDatabase::new(backend).await;
    let app = app_on_localhost(&db).await;
    create_user(&app, USER, PASSWORD).await;
    let base = app.base_url.replace("127.0.0.1", "localhost");
    let driver = Driver::start().await;
    let session = driver.session(Viewport::Desktop).await;
    session.add_security_key().await;

    session.goto(&format!("{base}/admin/login")).await;
    session.type_into("#username", USER).await;
    session.type_into("#password", PASSWORD).await;
    session.click("form.form button[type=submit]").await;
    assert!(session.wait_for_text("Log out").await);
    session.goto(&format!("{base}/admin/account/")).await;
    session.type_into("#key-name", "Blue key").await;
    session.click("#add-key").await;
    if !session.wait_for_text("Your security key is added.").await {
        let status = session
            .run("return document.getElementById('register-status').textContent;")
            .await;
        panic!(
            "no key added: status {status}, logs {:?}, url {}",
            session.severe_logs().await,
            session.current_url().await
        );
    }
    assert!(session.text().await.contains("Blue key"));

    session.click(".who button").await;
    assert!(session.wait_for_text("You have logged out.").await);
    session.type_into("#username", USER).await;
    session.type_into("#password", PASSWORD).await;
    session.click("form.form button[type=submit]").await;
    assert!(session.wait_for_text("Use your security key").await);
    assert!(
        !session.text().await.contains("6-digit code"),
        "no code field without an authenticator app or recovery codes"
    );
    // The password alone opens nothing.
    session.goto(&format!("{base}/admin/incidents/")).await;
    assert!(session.current_url().await.contains("/admin/login"));
    session.goto(&format!("{base}/admin/login/verify")).await;
    session.click("#use-key").await;
    assert!(
        session.wait_for_text("Log out").await,
        "{}",
        session.text().await
    );
    assert!(session.current_url().await.ends_with("/admin/incidents/"));
    let logs = session.severe_logs().await;
    assert!(logs.is_empty(), "{logs:?}");

    // The account page's key table says when the key was last used: now, not "never".
    session.goto(&format!("{base}/admin/account/")).await;
    let keys = session
        .run("return document.querySelector('table tbody tr td:nth-child(3)').textContent;")
        .await;
    let used = keys.as_str().unwrap_or_default().trim().to_owned();
    assert!(
        !used.is_empty() && used != "never",
        "the login used the stored key: last used {used:?}"
    );
    session.close().await;
    app.stop().await;
}

on_both_backends!(a_security_key_is_the_second_factor);

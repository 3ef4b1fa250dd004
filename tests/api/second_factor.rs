//! "Every admin needs a second factor": on in a new installation, an admin without an
//! authenticator app or security key is taken to set one up right after the password and can
//! do nothing else until then; with the setting off, the password alone is enough.

use crate::admin::{PASSWORD, USER, create_user, totp_code};
use crate::admin_client::{Browser, Page, hidden_value};
use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::on_both_backends;
use monostat::jobs::WorkerSettings;

const ENROLMENT: &str = "/admin/account/second-factor";

/// A new installation as it starts, setting and all.
async fn new_installation(db: &TestDatabase) -> TestApp {
    TestApp::spawn_as_installed(db, |_| {}, WorkerSettings::default(), |_| {}).await
}

async fn scalar(app: &TestApp, sql: &'static str) -> i64 {
    let mut conn = app.handle.db.acquire().await.expect("conn");
    sqlx::query_scalar(sql)
        .fetch_one(&mut *conn)
        .await
        .expect("query")
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

fn sent_to_enrolment(page: &Page, what: &str) {
    assert_eq!(page.status, 303, "{what}: {}", page.body);
    assert_eq!(page.location.as_deref(), Some(ENROLMENT), "{what}");
}

/// Sets up an authenticator app from the page that offers it; the app's secret.
pub async fn enrol_an_app(browser: &Browser) -> String {
    let enrol = browser.get("/admin/account/totp").await;
    assert_eq!(enrol.status, 200, "{}", enrol.body);
    let secret = hidden_value(&enrol.body, "secret").expect("secret field");
    let done = browser
        .post(
            "/admin/account/totp",
            &[
                ("csrf", &enrol.csrf()),
                ("secret", &secret),
                ("code", &totp_code(&secret, now())),
            ],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.contains("Your recovery codes"), "{}", done.body);
    secret
}

async fn a_new_installation_asks_every_admin_for_a_second_factor(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = new_installation(&db).await;
    create_user(&app, USER, PASSWORD).await;
    create_user(&app, "bob", PASSWORD).await;
    let browser = Browser::new(&app.base_url);

    // Right after the password: the enrolment page, without the admin's menu.
    let login = browser.log_in(USER, PASSWORD).await;
    assert_eq!(login.status, 303, "{}", login.body);
    sent_to_enrolment(&browser.get("/admin/").await, "GET /admin/");
    let page = browser.get(ENROLMENT).await;
    assert_eq!(page.status, 200);
    assert!(
        page.contains("<h1>Set up a second factor</h1>"),
        "{}",
        page.body
    );
    assert!(page.contains("Every admin here needs a second factor"));
    assert!(page.contains("href=\"/admin/account/totp\""));
    assert!(!page.contains("href=\"/admin/incidents/\""), "no menu");
    assert!(page.contains("Log out"));
    let csrf = page.csrf();

    // Every other page and form leads back to it, and nothing changes.
    for path in [
        "/admin/incidents/",
        "/admin/incidents/new",
        "/admin/account/",
        "/admin/settings/site",
        "/admin/users/",
        "/admin/audit/",
        "/admin/subscribers.csv",
    ] {
        sent_to_enrolment(&browser.get(path).await, path);
    }
    let audit_before = scalar(&app, "SELECT COUNT(*) FROM audit_log").await;
    for (path, fields) in [
        (
            "/admin/incidents/new",
            vec![
                ("title", "Checkout is failing"),
                ("status", "confirmed"),
                ("severity", "outage"),
                ("start", "2026-01-01T10:00"),
            ],
        ),
        ("/admin/settings/site", vec![("system_name", "Taken over")]),
        (
            "/admin/users/new",
            vec![("username", "mallory"), ("password", "another password")],
        ),
        (
            "/admin/account/password",
            vec![("current", PASSWORD), ("new", "another password")],
        ),
        ("/admin/account/totp/remove", vec![("password", PASSWORD)]),
        ("/admin/users/2/deactivate", vec![]),
    ] {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend(fields);
        sent_to_enrolment(&browser.post(path, &all).await, path);
    }
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM incidents").await, 0);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM users WHERE active = 1").await,
        2
    );
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM audit_log").await,
        audit_before
    );
    let name = app.get("/").await.text().await.expect("page");
    assert!(!name.contains("Taken over"));

    // Logging out works before enrolling.
    let other = Browser::new(&app.base_url);
    other.log_in("bob", PASSWORD).await;
    let token = other.get(ENROLMENT).await.csrf();
    let out = other.post("/admin/logout", &[("csrf", &token)]).await;
    assert_eq!(out.status, 303);
    assert_eq!(
        out.location.as_deref(),
        Some("/admin/login?notice=logged-out")
    );
    assert_eq!(other.get(ENROLMENT).await.status, 303);
    assert!(other.cookie("monostat_session").is_none());

    // With an authenticator app, the admin goes on, and the next login asks for its code.
    let secret = enrol_an_app(&browser).await;
    let list = browser.get("/admin/incidents/").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(list.contains("<h1>Incidents</h1>"));
    assert_eq!(
        browser.get(ENROLMENT).await.location.as_deref(),
        Some("/admin/account/"),
        "nothing left to set up"
    );
    let again = Browser::new(&app.base_url);
    let login = again.log_in(USER, PASSWORD).await;
    assert_eq!(
        login.location.as_deref(),
        Some("/admin/login/verify?next=%2Fadmin%2F")
    );
    let form = again.get("/admin/login/verify").await;
    let verified = again
        .post(
            "/admin/login/verify",
            &[
                ("csrf", &form.csrf()),
                ("code", &totp_code(&secret, now() + 30)),
            ],
        )
        .await;
    assert_eq!(verified.status, 303, "{}", verified.body);
    assert_eq!(again.get("/admin/incidents/").await.status, 200);
    app.stop().await;
}

/// The site settings page turns the requirement off and on again; off, the password alone
/// opens the admin; on again, an admin without a factor is stopped at the next page, logged in
/// or not.
async fn the_site_settings_turn_it_off_and_on(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = new_installation(&db).await;
    create_user(&app, USER, PASSWORD).await;
    create_user(&app, "bob", PASSWORD).await;
    let alice = Browser::new(&app.base_url);
    alice.log_in(USER, PASSWORD).await;
    enrol_an_app(&alice).await;

    let settings = alice.get("/admin/settings/site").await;
    assert!(
        settings.contains(
            "<input type=\"checkbox\" name=\"second_factor_required\" checked> Every admin needs a second factor"
        ),
        "{}",
        settings.body
    );
    let save = async |required: bool| {
        let mut fields = site_form(&alice.get("/admin/settings/site").await);
        if required {
            fields.push(("second_factor_required".into(), "on".into()));
        }
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let saved = alice.post("/admin/settings/site", &fields).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
    };
    save(false).await;
    assert!(
        alice
            .get("/admin/settings/site")
            .await
            .contains("<input type=\"checkbox\" name=\"second_factor_required\"> Every")
    );
    let audit = alice.get("/admin/audit/").await;
    assert!(
        audit.contains("alice made the second factor optional"),
        "{}",
        audit.body
    );

    // Off: the password alone is enough.
    let bob = Browser::new(&app.base_url);
    let login = bob.log_in("bob", PASSWORD).await;
    assert_eq!(login.location.as_deref(), Some("/admin/"));
    let list = bob.get("/admin/incidents/").await;
    assert_eq!(list.status, 200);
    assert!(list.contains("<h1>Incidents</h1>"));

    // On again: bob, logged in already, is stopped at his next page.
    save(true).await;
    sent_to_enrolment(&bob.get("/admin/incidents/").await, "after turning it on");
    assert_eq!(
        alice.get("/admin/incidents/").await.status,
        200,
        "alice has her app"
    );
    app.stop().await;
}

/// Every field of the site settings form as shown, without the checkbox.
fn site_form(page: &Page) -> Vec<(String, String)> {
    let mut fields = vec![("csrf".to_owned(), page.csrf())];
    for name in [
        "system_name",
        "support_email",
        "support_phone",
        "legal_url",
        "privacy_url",
        "primary_color",
        "link_color",
        "success_color",
        "warning_color",
        "danger_color",
        "info_color",
        "primary_text_color",
        "secondary_text_color",
        "background_color",
    ] {
        let marker = format!("name=\"{name}\"");
        let value = page
            .body
            .split(&marker)
            .nth(1)
            .and_then(|rest| rest.split("value=\"").nth(1))
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .replace("&#x23;", "#")
            .replace("&#35;", "#");
        fields.push((name.to_owned(), value));
    }
    fields
}

on_both_backends!(
    a_new_installation_asks_every_admin_for_a_second_factor,
    the_site_settings_turn_it_off_and_on,
);

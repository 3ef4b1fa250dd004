//! The admin pages over HTTP: logging in (password, TOTP, recovery codes), sessions, CSRF,
//! rate limits, and incidents changed through the same rules as in Slack.

use crate::admin_client::{Browser, Page, hidden_value};
use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::on_both_backends;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

pub const USER: &str = "alice";
pub const PASSWORD: &str = "correct horse battery";

/// A running server with one admin user.
pub async fn app_with_admin(db: &TestDatabase) -> TestApp {
    let app = TestApp::spawn(db).await;
    create_user(&app, USER, PASSWORD).await;
    app
}

pub async fn create_user(app: &TestApp, username: &str, password: &str) {
    let mut conn = app.handle.db.acquire().await.expect("conn");
    monostat::accounts::create_user(&mut conn, username, "", password)
        .await
        .expect("user created");
}

async fn scalar(app: &TestApp, sql: &'static str) -> i64 {
    let mut conn = app.handle.db.acquire().await.expect("conn");
    sqlx::query_scalar(sql)
        .fetch_one(&mut *conn)
        .await
        .expect("query")
}

/// RFC 6238 with SHA-1, 6 digits, 30 s: what an authenticator app computes, written here
/// independently of the server's code.
pub fn totp_code(secret_base32: &str, unix_seconds: i64) -> String {
    let mut bits = 0u64;
    let mut count = 0;
    let mut secret = Vec::new();
    for c in secret_base32.chars().filter(|c| *c != '=') {
        let value = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
            .find(c.to_ascii_uppercase())
            .expect("base32") as u64;
        bits = (bits << 5) | value;
        count += 5;
        if count >= 8 {
            count -= 8;
            secret.push((bits >> count) as u8);
        }
    }
    let mut mac = Hmac::<Sha1>::new_from_slice(&secret).expect("any key length");
    mac.update(&((unix_seconds / 30) as u64).to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = (hash[19] & 0x0f) as usize;
    let value = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    format!("{:06}", value % 1_000_000)
}

fn now() -> i64 {
    jiff::Timestamp::now().as_second()
}

async fn pages_need_a_login_and_logout_ends_it(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = app_with_admin(&db).await;
    let browser = Browser::new(&app.base_url);

    for path in [
        "/admin/",
        "/admin/incidents/",
        "/admin/incidents/new",
        "/admin/account/",
    ] {
        let page = browser.get(path).await;
        assert_eq!(page.status, 303, "{path}");
        let location = page.location.expect("redirect");
        assert!(
            location.starts_with("/admin/login?next="),
            "{path}: {location}"
        );
    }

    // Wrong password and unknown user: one message, no session.
    for (user, password) in [(USER, "wrong password"), ("mallory", PASSWORD)] {
        let page = browser.log_in(user, password).await;
        assert_eq!(page.status, 200);
        assert!(
            page.contains("Wrong username or password."),
            "{}",
            page.body
        );
        assert!(browser.cookie("monostat_session").is_none());
    }
    let page = browser.log_in(USER, PASSWORD).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location.as_deref(), Some("/admin/"));
    let set_cookie = page
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().expect("ascii").to_owned())
        .find(|c| c.starts_with("monostat_session="))
        .expect("session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/admin"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    assert!(!set_cookie.contains("Secure"), "http site: {set_cookie}");
    let list = browser.get("/admin/incidents/").await;
    assert_eq!(list.status, 200);
    assert!(list.contains("<h1>Incidents</h1>"));
    assert_eq!(
        list.headers
            .get("cache-control")
            .map(|v| v.to_str().expect("ascii")),
        Some("no-store")
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'user.login'"
        )
        .await,
        1
    );

    // Logging out ends the session on the server: the old cookie is worth nothing.
    let stolen = browser.cookie("monostat_session").expect("cookie");
    let page = browser
        .post("/admin/logout", &[("csrf", &list.csrf())])
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(
        page.location.as_deref(),
        Some("/admin/login?notice=logged-out")
    );
    assert!(browser.cookie("monostat_session").is_none());
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(format!("{}/admin/incidents/", app.base_url))
        .header("cookie", format!("monostat_session={stolen}"))
        .send()
        .await
        .expect("sent");
    assert_eq!(replay.status().as_u16(), 303);
    app.stop().await;
}

async fn forms_without_the_right_token_change_nothing(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = app_with_admin(&db).await;
    let browser = Browser::new(&app.base_url);

    // The login form itself: without its cookie and field, no login.
    let page = browser
        .post(
            "/admin/login",
            &[("username", USER), ("password", PASSWORD), ("csrf", "x")],
        )
        .await;
    assert_eq!(page.status, 403);
    assert!(page.contains("This form has expired"));
    assert!(browser.cookie("monostat_session").is_none());

    browser.log_in(USER, PASSWORD).await;
    let fields = [
        ("title", "Checkout is down"),
        ("status", "confirmed"),
        ("severity", "outage"),
        ("start", "2026-01-01T10:00"),
    ];
    for token in [
        "",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    ] {
        let mut with_token = vec![("csrf", token)];
        with_token.extend_from_slice(&fields);
        let page = browser.post("/admin/incidents/new", &with_token).await;
        assert_eq!(page.status, 403, "token {token:?}");
        assert!(
            page.contains("did not come from this site"),
            "{}",
            page.body
        );
    }
    let listed = |page: Page| page.body.matches("Checkout is down").count();
    assert_eq!(listed(browser.get("/admin/incidents/").await), 0);

    // The same form with the page's token goes through.
    let page = browser
        .submit("/admin/incidents/new", "/admin/incidents/new", &fields)
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(listed(browser.get("/admin/incidents/").await), 1);
    app.stop().await;
}

async fn guessing_passwords_is_slowed_down(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = app_with_admin(&db).await;
    create_user(&app, "bob", PASSWORD).await;
    let browser = Browser::new(&app.base_url);
    // Five wrong passwords are allowed for; the sixth try waits, before it is checked.
    for _ in 0..5 {
        let page = browser.log_in(USER, "guess").await;
        assert!(
            page.contains("Wrong username or password."),
            "{}",
            page.body
        );
    }
    let page = browser.log_in(USER, "guess").await;
    assert_eq!(page.status, 429, "{}", page.body);
    // Now even the right password waits: the limit is per username on this client, whoever
    // types it.
    let page = browser.log_in(USER, PASSWORD).await;
    assert_eq!(page.status, 429, "{}", page.body);
    assert!(page.contains("Too many attempts. Wait half a minute, then try again."));
    assert!(browser.cookie("monostat_session").is_none());
    // Another user on the same computer is not locked out by it.
    let page = browser.log_in("bob", PASSWORD).await;
    assert_eq!(page.status, 303, "{}", page.body);
    app.stop().await;
}

async fn totp_enrolment_then_login_with_a_code(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = app_with_admin(&db).await;
    let browser = Browser::new(&app.base_url);
    browser.log_in(USER, PASSWORD).await;

    let enrol = browser.get("/admin/account/totp").await;
    assert_eq!(enrol.status, 200);
    assert!(enrol.contains("<svg"), "QR code inline");
    let secret = hidden_value(&enrol.body, "secret").expect("secret field");
    // A wrong code keeps the form (and the same secret) with a message.
    let wrong = browser
        .post(
            "/admin/account/totp",
            &[
                ("csrf", &enrol.csrf()),
                ("secret", &secret),
                ("code", "000000"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 400);
    assert!(wrong.contains("That code is not right"));
    assert_eq!(
        hidden_value(&wrong.body, "secret").as_deref(),
        Some(secret.as_str())
    );
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
    let codes: Vec<String> = done
        .body
        .split("<li>")
        .skip(1)
        .map(|s| s.split("</li>").next().expect("item").to_owned())
        .collect();
    assert_eq!(codes.len(), 10, "{}", done.body);
    // A second app cannot silently replace the first: removing it asks for the password.
    assert_eq!(browser.get("/admin/account/totp").await.status, 409);
    let logout_token = done.csrf();
    browser
        .post("/admin/logout", &[("csrf", &logout_token)])
        .await;

    // The password alone now leads to the second step, and no page opens half-way.
    let page = browser.log_in(USER, PASSWORD).await;
    assert_eq!(page.status, 303);
    assert_eq!(
        page.location.as_deref(),
        Some("/admin/login/verify?next=%2Fadmin%2F")
    );
    assert_eq!(browser.get("/admin/incidents/").await.status, 303);
    let form = browser.get("/admin/login/verify").await;
    assert!(form.contains("Second factor"));
    let wrong = browser
        .post(
            "/admin/login/verify",
            &[("csrf", &form.csrf()), ("code", "123456")],
        )
        .await;
    assert!(wrong.contains("That code is not right"), "{}", wrong.body);
    // The enrolment used this 30-second step's code; the next step's is accepted (clock drift).
    let code = totp_code(&secret, now() + 30);
    let page = browser
        .post(
            "/admin/login/verify",
            &[("csrf", &form.csrf()), ("code", &code)],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location.as_deref(), Some("/admin/"));
    assert_eq!(browser.get("/admin/incidents/").await.status, 200);

    // The same code cannot be used twice, even in a new login.
    let other = Browser::new(&app.base_url);
    other.log_in(USER, PASSWORD).await;
    let form = other.get("/admin/login/verify").await;
    let replay = other
        .post(
            "/admin/login/verify",
            &[("csrf", &form.csrf()), ("code", &code)],
        )
        .await;
    assert!(replay.contains("That code is not right"), "{}", replay.body);
    // A recovery code works once, typed any which way.
    let typed = codes[0].to_uppercase().replace('-', " ");
    let page = other
        .post(
            "/admin/login/verify",
            &[("csrf", &form.csrf()), ("code", &typed)],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let third = Browser::new(&app.base_url);
    third.log_in(USER, PASSWORD).await;
    let form = third.get("/admin/login/verify").await;
    let again = third
        .post(
            "/admin/login/verify",
            &[("csrf", &form.csrf()), ("code", &codes[0])],
        )
        .await;
    assert!(again.contains("That code is not right"));
    let account = other.get("/admin/account/").await;
    assert!(
        account.contains("You have 9 unused recovery codes."),
        "one of ten used: {}",
        account.body
    );
    app.stop().await;
}

async fn idle_sessions_end(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = app_with_admin(&db).await;
    let browser = Browser::new(&app.base_url);
    browser.log_in(USER, PASSWORD).await;
    assert_eq!(browser.get("/admin/incidents/").await.status, 200);
    let two_hours_ago = (jiff::Timestamp::now().as_microsecond()) - 2 * 3600 * 1_000_000;
    {
        let mut conn = app.handle.db.acquire().await.expect("conn");
        sqlx::query("UPDATE admin_sessions SET last_seen_at = $1")
            .bind(two_hours_ago)
            .execute(&mut *conn)
            .await
            .expect("update");
    }
    // A session nobody comes back to is swept at the next login.
    let other = Browser::new(&app.base_url);
    other.log_in(USER, PASSWORD).await;
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM admin_sessions").await, 1);
    let page = browser.get("/admin/incidents/").await;
    assert_eq!(page.status, 303);
    assert_eq!(other.get("/admin/incidents/").await.status, 200);
    app.stop().await;
}

/// Every admin page, as a GET.
const PAGES: &[&str] = &[
    "/admin/",
    "/admin/incidents/",
    "/admin/incidents/new",
    "/admin/incidents/1/",
    "/admin/account/",
    "/admin/account/totp",
    "/admin/account/second-factor",
    "/admin/settings/",
    "/admin/settings/site",
    "/admin/settings/notifications",
    "/admin/settings/hooks",
    "/admin/settings/slack",
    "/admin/subscribers/",
    "/admin/subscribers.csv",
    "/admin/users/",
    "/admin/audit/",
];

/// Every admin form's action (ids of things that exist in the scenario below).
const FORMS: &[&str] = &[
    "/admin/logout",
    "/admin/incidents/new",
    "/admin/incidents/1/",
    "/admin/incidents/1/updates/1",
    "/admin/incidents/1/updates/1/delete",
    "/admin/preview",
    "/admin/account/password",
    "/admin/account/totp",
    "/admin/account/totp/remove",
    "/admin/account/keys/start",
    "/admin/account/keys",
    "/admin/account/keys/1/delete",
    "/admin/settings/site",
    "/admin/settings/logo",
    "/admin/settings/logo/remove",
    "/admin/settings/notifications",
    "/admin/settings/hooks/regenerate",
    "/admin/settings/slack",
    "/admin/settings/slack/test",
    "/admin/subscribers/1/delete",
    "/admin/users/new",
    "/admin/users/2/deactivate",
    "/admin/users/2/activate",
    "/admin/users/2/reset-second-factor",
    "/admin/users/2/password",
];

async fn every_page_and_form_needs_a_session_and_its_token(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = app_with_admin(&db).await;
    create_user(&app, "bob", PASSWORD).await;
    let services = app.services();
    let actor = monostat::service::incidents::Actor {
        via: "admin",
        name: "setup".into(),
    };
    monostat::service::incidents::create(
        &services,
        &actor,
        &monostat::service::incidents::Creation {
            title: "Checkout is failing".into(),
            status: monostat::domain::IncidentStatus::Confirmed,
            severity: monostat::domain::Severity::Outage,
            start: jiff::Timestamp::now(),
            end: None,
            summary: None,
            text: Some("Looking into it.".into()),
            silent: false,
            notify: true,
        },
    )
    .await
    .expect("incident");
    crate::admin_people::add_subscriber(&app, "jane@example.com", true).await;
    let stranger = Browser::new(&app.base_url);
    for path in PAGES {
        let page = stranger.get(path).await;
        assert_eq!(page.status, 303, "GET {path} without a session");
        assert!(
            page.location
                .as_deref()
                .unwrap_or_default()
                .starts_with("/admin/login?next="),
            "{path}"
        );
    }
    for path in FORMS {
        let page = stranger.post(path, &[("csrf", "anything")]).await;
        assert_eq!(page.status, 403, "POST {path} without a session");
    }

    let admin = Browser::new(&app.base_url);
    admin.log_in(USER, PASSWORD).await;
    for path in PAGES {
        let page = admin.get(path).await;
        assert!(
            page.status == 200 || page.status == 303,
            "GET {path} logged in: {}",
            page.status
        );
    }
    let audit_before = scalar(&app, "SELECT COUNT(*) FROM audit_log").await;
    let wrong = "f".repeat(64);
    for path in FORMS {
        let page = admin
            .post(
                path,
                &[
                    ("csrf", wrong.as_str()),
                    ("title", "Changed"),
                    ("status", "resolved"),
                    ("severity", "outage"),
                    ("start", "2026-01-01T10:00"),
                    ("password", PASSWORD),
                    ("new", "another password"),
                    ("current", PASSWORD),
                    ("username", "mallory"),
                    ("message", "changed"),
                ],
            )
            .await;
        assert_eq!(page.status, 403, "POST {path} with a wrong token");
    }
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM audit_log").await,
        audit_before,
        "nothing changed"
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM incidents WHERE title = 'Checkout is failing'"
        )
        .await,
        1
    );
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM subscribers").await, 1);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM users WHERE active = 1").await,
        2
    );
    assert_eq!(
        admin.get("/admin/incidents/").await.status,
        200,
        "still logged in"
    );
    app.stop().await;
}

async fn saving_the_form_as_shown_changes_only_what_was_typed(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = app_with_admin(&db).await;
    // Incidents from Slack and alerts start at an exact moment, seconds and all.
    let incident = monostat::service::incidents::create(
        &app.services(),
        &monostat::service::incidents::Actor {
            via: "slack",
            name: "bob".into(),
        },
        &monostat::service::incidents::Creation {
            title: "Search is slow".into(),
            status: monostat::domain::IncidentStatus::Confirmed,
            severity: monostat::domain::Severity::Partial,
            start: jiff::Timestamp::now(),
            end: None,
            summary: Some("Some *details*.".into()),
            text: None,
            silent: false,
            notify: true,
        },
    )
    .await
    .expect("incident");
    let browser = Browser::new(&app.base_url);
    browser.log_in(USER, PASSWORD).await;
    let path = format!("/admin/incidents/{}/", incident.id);
    let form = browser.get(&path).await;
    let field = |name: &str| hidden_value(&form.body, name).unwrap_or_default();
    let start = {
        let marker = "name=\"start\" type=\"datetime-local\" value=\"";
        let at = form.body.find(marker).expect("start field") + marker.len();
        form.body[at..].split('"').next().expect("value").to_owned()
    };
    let page = browser
        .post(
            &path,
            &[
                ("csrf", &form.csrf()),
                ("based_on", &field("based_on")),
                ("title", "Search is slow"),
                ("status", "confirmed"),
                ("severity", "partial"),
                ("start", &start),
                ("end", ""),
                ("summary", "Some *details*."),
                ("text", "We added capacity."),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let stored = monostat::storage::incidents::get(&mut conn, incident.id)
        .await
        .expect("get")
        .expect("incident");
    assert_eq!(
        stored.start.as_microsecond(),
        incident.start.as_microsecond(),
        "the start keeps its seconds"
    );
    drop(conn);
    let audit = browser
        .get("/admin/audit/?incident=&actor=admin%3Aalice")
        .await;
    assert!(
        audit.contains(
            "Updated on the admin page by alice: posted an update <span class=\"muted\">(incident.updated)</span>"
        ),
        "{}",
        audit.body
    );
    app.stop().await;
}

/// Changing the password or removing the second factor asks for the password; a wrong one is
/// said under the field and changes neither.
async fn a_wrong_password_changes_no_credential(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = app_with_admin(&db).await;
    let browser = Browser::new(&app.base_url);
    browser.log_in(USER, PASSWORD).await;
    let account = browser.get("/admin/account/").await;
    let refused = browser
        .post(
            "/admin/account/password",
            &[
                ("csrf", &account.csrf()),
                ("current", "not my password"),
                ("new", "a brand new long passphrase"),
            ],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused.contains("Your current password is not right."),
        "{}",
        refused.body
    );
    let refused = browser
        .post(
            "/admin/account/totp/remove",
            &[("csrf", &account.csrf()), ("password", "not my password")],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused.contains("Your password is not right; the authenticator app stays set up."),
        "{}",
        refused.body
    );
    let elsewhere = Browser::new(&app.base_url);
    let page = elsewhere.log_in(USER, "a brand new long passphrase").await;
    assert_ne!(page.status, 303, "the new password was not set");
    let page = elsewhere.log_in(USER, PASSWORD).await;
    assert_eq!(
        page.status, 303,
        "the old password still works: {}",
        page.body
    );
    app.stop().await;
}

on_both_backends!(
    a_wrong_password_changes_no_credential,
    saving_the_form_as_shown_changes_only_what_was_typed,
    every_page_and_form_needs_a_session_and_its_token,
    pages_need_a_login_and_logout_ends_it,
    forms_without_the_right_token_change_nothing,
    guessing_passwords_is_slowed_down,
    totp_enrolment_then_login_with_a_code,
    idle_sessions_end,
);

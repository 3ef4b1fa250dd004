//! Subscribers, users and the audit log on the admin pages.

use crate::admin::{PASSWORD, USER, create_user};
use crate::admin_client::Browser;
use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::on_both_backends;

/// A subscriber written straight to the database (the sign-up path has tests of its own).
pub async fn add_subscriber(app: &TestApp, email: &str, active: bool) {
    let mut conn = app.handle.db.acquire().await.expect("conn");
    sqlx::query(
        "INSERT INTO subscribers (email, active, token, created_at) VALUES ($1, $2, $3, 0)",
    )
    .bind(email)
    .bind(i32::from(active))
    .bind(format!("token-{email}-0123456789abcdef"))
    .execute(&mut *conn)
    .await
    .expect("subscriber");
}

/// The id in the actions of `username`'s row on the users page (a person's own row has none).
fn user_id(users_page: &str, username: &str) -> i64 {
    let row = users_page
        .split("<tr>")
        .find(|row| row.starts_with(&format!("<td>{username}</td>")))
        .unwrap_or_else(|| panic!("no row for {username}: {users_page}"));
    let after = row.split("/admin/users/").nth(1).expect("an action");
    after[..after.find('/').expect("id/")]
        .parse()
        .expect("a number")
}

async fn subscribers_are_listed_searched_exported_and_deleted(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    create_user(&app, USER, PASSWORD).await;
    add_subscriber(&app, "jane@example.com", true).await;
    add_subscriber(&app, "=HYPERLINK(1)@example.com", true).await;
    add_subscriber(&app, "john_doe@example.org", false).await;
    add_subscriber(&app, "johnxdoe@example.org", true).await;
    let browser = Browser::new(&app.base_url);
    browser.log_in(USER, PASSWORD).await;

    let page = browser.get("/admin/subscribers/").await;
    assert!(
        page.contains("3 active, 1 waiting for confirmation"),
        "{}",
        page.body
    );
    // `_` is a letter here, not LIKE's wildcard.
    let page = browser.get("/admin/subscribers/?q=JOHN_").await;
    assert!(page.contains("john_doe@example.org"));
    assert!(!page.contains("johnxdoe@example.org"));
    assert!(!page.contains("jane@example.com"));

    let csv = browser.get("/admin/subscribers.csv").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.headers["content-disposition"]
            .to_str()
            .expect("ascii")
            .contains("subscribers.csv")
    );
    assert!(csv.body.starts_with("email,status,since_utc\r\n"));
    assert!(csv.contains("jane@example.com,active,"));
    assert!(csv.contains("john_doe@example.org,pending,"));
    assert!(
        csv.contains("'=HYPERLINK(1)@example.com,"),
        "no formula: {}",
        csv.body
    );

    let page = browser.get("/admin/subscribers/?q=jane").await;
    let id = page
        .body
        .split("/admin/subscribers/")
        .filter_map(|s| s.split("/delete").next())
        .find_map(|s| s.parse::<i64>().ok())
        .expect("delete form");
    let page = browser
        .submit(
            "/admin/subscribers/",
            &format!("/admin/subscribers/{id}/delete"),
            &[],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = browser.get("/admin/subscribers/").await;
    assert!(!page.contains("jane@example.com"));
    let audit = browser.get("/admin/audit/?incident=&actor=alice").await;
    assert!(
        audit.contains("alice deleted the subscriber jane@example.com"),
        "{}",
        audit.body
    );
    app.stop().await;
}

async fn users_are_added_deactivated_and_reset(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    create_user(&app, USER, PASSWORD).await;
    let admin = Browser::new(&app.base_url);
    admin.log_in(USER, PASSWORD).await;

    let page = admin
        .submit(
            "/admin/users/",
            "/admin/users/new",
            &[
                ("username", "bob smith"),
                ("email", ""),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, 400);
    assert!(
        page.contains("The username may only contain"),
        "{}",
        page.body
    );
    assert!(page.contains("value=\"bob smith\""), "input kept");
    let page = admin
        .submit(
            "/admin/users/",
            "/admin/users/new",
            &[
                ("username", "bob"),
                ("email", "bob@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);

    let bob = Browser::new(&app.base_url);
    assert_eq!(bob.log_in("bob", PASSWORD).await.status, 303);
    assert_eq!(bob.get("/admin/incidents/").await.status, 200);

    let bob_id = user_id(&admin.get("/admin/users/").await.body, "bob");
    // A new password from another admin ends bob's session; the old password stops working.
    let page = admin
        .submit(
            "/admin/users/",
            &format!("/admin/users/{bob_id}/password"),
            &[("password", "a brand new secret")],
        )
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(bob.get("/admin/incidents/").await.status, 303);
    assert!(
        bob.log_in("bob", PASSWORD)
            .await
            .contains("Wrong username or password.")
    );
    assert_eq!(bob.log_in("bob", "a brand new secret").await.status, 303);

    // A lost second factor: another admin resets it, and bob logs in with his password alone.
    {
        let mut conn = app.handle.db.acquire().await.expect("conn");
        monostat::storage::users::set_totp(&mut conn, bob_id, Some("JBSWY3DPEHPK3PXP"), &[])
            .await
            .expect("enrol");
    }
    bob.forget_cookies();
    let page = bob.log_in("bob", "a brand new secret").await;
    assert!(
        page.location
            .as_deref()
            .unwrap_or_default()
            .starts_with("/admin/login/verify"),
        "asks for the second factor"
    );
    let page = admin
        .submit(
            "/admin/users/",
            &format!("/admin/users/{bob_id}/reset-second-factor"),
            &[],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = bob.log_in("bob", "a brand new secret").await;
    assert_eq!(
        page.location.as_deref(),
        Some("/admin/"),
        "no second factor any more"
    );

    // Deactivated: out at once, and cannot log in again.
    let page = admin
        .submit(
            "/admin/users/",
            &format!("/admin/users/{bob_id}/deactivate"),
            &[],
        )
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(bob.get("/admin/incidents/").await.status, 303);
    assert!(
        bob.log_in("bob", "a brand new secret")
            .await
            .contains("Wrong username or password.")
    );
    // Nobody deactivates themselves by accident.
    let alice_id: i64 = {
        let mut conn = app.handle.db.acquire().await.expect("conn");
        sqlx::query_scalar("SELECT id FROM users WHERE username = 'alice'")
            .fetch_one(&mut *conn)
            .await
            .expect("id")
    };
    let page = admin
        .submit(
            "/admin/users/",
            &format!("/admin/users/{alice_id}/deactivate"),
            &[],
        )
        .await;
    assert_eq!(page.status, 400);
    assert_eq!(admin.get("/admin/incidents/").await.status, 200);

    let page = admin.get("/admin/users/").await;
    assert!(page.contains("Deactivated"));
    let audit = admin
        .get("/admin/audit/?incident=&actor=admin%3Aalice")
        .await;
    for what in [
        "alice created the user bob",
        "alice reset the password of bob",
        "alice reset the second factor of the user bob",
        "alice deactivated the user bob",
    ] {
        assert!(audit.contains(what), "{what}: {}", audit.body);
    }
    app.stop().await;
}

on_both_backends!(
    subscribers_are_listed_searched_exported_and_deleted,
    users_are_added_deactivated_and_reset,
);

//! What a team moving over from the original (Django) monostat still finds where it left it:
//! the original's admin links, its notion of the time zone, and the admin's power to close an
//! alert monitoring forgot.

use crate::admin::{PASSWORD, USER, create_user};
use crate::admin_client::Browser;
use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::on_both_backends;
use monostat::domain::IncidentStatus;
use std::process::Command;

fn opsgenie(action: &str, alert_id: &str, message: &str) -> String {
    serde_json::json!({
        "source": {"name": "web", "type": "API"},
        "alert": {"alertId": alert_id, "message": message, "alias": alert_id},
        "action": action,
        "integrationId": "37c8f316-fake-49d7-899b-9c7e540c048d",
        "integrationName": "Monitoring",
    })
    .to_string()
}

async fn incidents(app: &TestApp) -> Vec<monostat::domain::Incident> {
    let mut conn = app.handle.db.acquire().await.expect("conn");
    monostat::storage::incidents::all(&mut conn)
        .await
        .expect("incidents")
}

// Old Slack messages, bookmarks and runbooks link to Django's admin.
#[tokio::test]
async fn the_originals_admin_links_lead_to_the_same_pages() {
    let db = TestDatabase::new(Backend::Sqlite).await;
    let app = TestApp::spawn(&db).await;
    let (status, _) = app
        .post_opsgenie(&opsgenie("Create", "django-link-1", "Checkout fails"))
        .await;
    assert_eq!(status, 200);
    let id = incidents(&app).await[0].id;

    // Before logging in: the redirect, then the login asks for the page it leads to.
    let stranger = Browser::new(&app.base_url);
    let page = stranger
        .get(&format!("/admin/core/incident/{id}/change/"))
        .await;
    assert_eq!(page.status, 308);
    assert_eq!(
        page.location.as_deref(),
        Some(format!("/admin/incidents/{id}/").as_str())
    );

    create_user(&app, USER, PASSWORD).await;
    let browser = Browser::new(&app.base_url);
    assert_eq!(browser.log_in(USER, PASSWORD).await.status, 303);
    for (django, ours) in [
        (
            format!("/admin/core/incident/{id}/change/"),
            format!("/admin/incidents/{id}/"),
        ),
        (
            format!("/admin/core/incident/{id}/"),
            format!("/admin/incidents/{id}/"),
        ),
        ("/admin/core/incident/".into(), "/admin/incidents/".into()),
        (
            "/admin/core/incident/?status__exact=confirmed".into(),
            "/admin/incidents/".into(),
        ),
        (
            "/admin/core/incident/add/".into(),
            "/admin/incidents/new".into(),
        ),
        (
            "/admin/core/siteconfiguration/".into(),
            "/admin/settings/site".into(),
        ),
        (
            "/admin/slack/slackconfiguration/".into(),
            "/admin/settings/slack".into(),
        ),
        (
            "/admin/opsgenie/opsgenieconfiguration/".into(),
            "/admin/settings/hooks".into(),
        ),
        (
            "/admin/notifications/notificationconfiguration/".into(),
            "/admin/settings/notifications".into(),
        ),
        (
            "/admin/notifications/subscriber/".into(),
            "/admin/subscribers/".into(),
        ),
        ("/admin/auth/user/".into(), "/admin/users/".into()),
        ("/admin/login/".into(), "/admin/login".into()),
        ("/multifactor/".into(), "/admin/account/".into()),
    ] {
        let page = browser.get(&django).await;
        assert_eq!(page.status, 308, "{django}");
        assert_eq!(page.location.as_deref(), Some(ours.as_str()), "{django}");
        // The login page sends a logged-in admin on; every other page is shown.
        let target = browser.get(&ours).await;
        let expected = if ours == "/admin/login" { 303 } else { 200 };
        assert_eq!(
            target.status, expected,
            "{django} → {ours}: {}",
            target.body
        );
    }
    let page = browser.get(&format!("/admin/incidents/{id}/")).await;
    assert!(page.contains("Checkout fails") || page.contains("might be having issues"));

    // A link cut short leads to the list; what the original never had stays a 404.
    let page = browser.get("/admin/core/incident/12%3Cx/change/").await;
    assert_eq!(page.location.as_deref(), Some("/admin/incidents/"));
    assert_eq!(browser.get("/admin/core/nothing/").await.status, 404);
    app.stop().await;
}

fn import_with_time_zone(db: &TestDatabase, zone: Option<&str>) -> std::process::Output {
    let original = std::fs::canonicalize(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/monostat-django.sqlite3"
    ))
    .expect("the original's sample database");
    let mut command = Command::new(env!("CARGO_BIN_EXE_monostat"));
    command.env_clear().envs(db.env()).args([
        "import-django",
        "--from",
        &format!("sqlite://{}", original.display()),
    ]);
    if let Some(zone) = zone {
        command.env("MONOSTAT_TIME_ZONE", zone);
    }
    command.output().expect("monostat runs")
}

#[tokio::test]
async fn the_import_warns_when_days_and_times_will_shift() {
    let db = TestDatabase::new(Backend::Sqlite).await;
    let output = import_with_time_zone(&db, None);
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the original showed times and days in Europe/Berlin")
            && stderr.contains("shows them in UTC")
            && stderr.contains("set MONOSTAT_TIME_ZONE=Europe/Berlin"),
        "{stderr}"
    );

    let db = TestDatabase::new(Backend::Sqlite).await;
    let output = import_with_time_zone(&db, Some("Europe/Berlin"));
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("MONOSTAT_TIME_ZONE"), "{stderr}");
}

on_both_backends!(
    an_admin_closes_an_alert_monitoring_never_closed,
    closing_a_confirmed_incidents_last_alert_by_hand_keeps_it_open
);

async fn admin_at_incident(app: &TestApp) -> Browser {
    create_user(app, USER, PASSWORD).await;
    let browser = Browser::new(&app.base_url);
    assert_eq!(browser.log_in(USER, PASSWORD).await.status, 303);
    browser
}

/// The action of the first "Close alert" button on the incident's page.
fn close_action(page: &str) -> Option<String> {
    let start = page.find("/alerts/")?;
    let from = page[..start].rfind("action=\"")? + "action=\"".len();
    let end = page[from..].find('"')? + from;
    Some(page[from..end].to_owned())
}

/// Clicks the first "Close alert" on the incident's page; returns where the answer sends the
/// browser.
async fn close_first_alert(browser: &Browser, incident_page: &str) -> String {
    let action =
        close_action(&browser.get(incident_page).await.body).expect("a Close alert button");
    let page = browser.submit(incident_page, &action, &[]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    page.location.expect("a redirect")
}

async fn an_admin_closes_an_alert_monitoring_never_closed(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    for alert in ["stuck-1", "stuck-2"] {
        let (status, _) = app
            .post_opsgenie(&opsgenie("Create", alert, "Disk full"))
            .await;
        assert_eq!(status, 200);
    }
    let id = incidents(&app).await[0].id;
    let browser = admin_at_incident(&app).await;
    let incident_page = format!("/admin/incidents/{id}/");

    // The first close leaves the other alert open: still a suspicion, as with monitoring.
    let page = browser.get(&incident_page).await;
    assert!(page.contains("2 alerts, 2 open"), "{}", page.body);
    let action = close_action(&page.body).expect("a Close alert button");
    let page = browser.submit(&incident_page, &action, &[]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = browser.get(&incident_page).await;
    assert!(page.contains("2 alerts, 1 open"), "{}", page.body);
    assert!(
        page.contains("closed by hand"),
        "the history says who did it"
    );
    assert!(page.contains(&format!("admin:{USER}")));
    assert_eq!(app.incident(id).await.status, IncidentStatus::Suspected);

    // Closing it twice (a second tab) changes nothing.
    let again = browser.submit(&incident_page, &action, &[]).await;
    assert!(
        again
            .location
            .as_deref()
            .unwrap_or("")
            .contains("alert-already-closed")
    );

    // The last one: dismissed, as when monitoring closes its last alert.
    let after = close_first_alert(&browser, &incident_page).await;
    assert!(after.contains("alert-closed-dismissed"), "{after}");
    let page = browser.get(&after).await;
    assert!(page.contains("the suspected incident is dismissed"));
    assert!(close_action(&page.body).is_none(), "no open alert is left");
    assert_eq!(app.incident(id).await.status, IncidentStatus::Dismissed);

    // Another incident's page cannot close this incident's alerts; a forged number is a 404.
    let elsewhere = action.replace(&format!("/incidents/{id}/"), "/incidents/999999/");
    let page = browser.submit(&incident_page, &elsewhere, &[]).await;
    assert_eq!(page.status, 404);
    app.stop().await;
}

async fn closing_a_confirmed_incidents_last_alert_by_hand_keeps_it_open(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let (status, _) = app
        .post_opsgenie(&opsgenie("Create", "confirmed-1", "Payments fail"))
        .await;
    assert_eq!(status, 200);
    let id = incidents(&app).await[0].id;
    let services = monostat::service::Services {
        db: app.handle.db.clone(),
        jobs: app.handle.jobs.clone(),
        changes: app.handle.changes.clone(),
    };
    let on_call = monostat::service::incidents::Actor {
        via: "slack",
        name: "oncall".into(),
    };
    monostat::service::incidents::confirm(&services, &on_call, id)
        .await
        .expect("confirmed");

    let browser = admin_at_incident(&app).await;
    let incident_page = format!("/admin/incidents/{id}/");
    let after = close_first_alert(&browser, &incident_page).await;
    assert!(after.ends_with("notice=alert-closed#alerts"), "{after}");
    // Confirmed incidents are resolved by people, never by monitoring going quiet.
    assert_eq!(app.incident(id).await.status, IncidentStatus::Confirmed);
    let page = browser.get(&incident_page).await;
    assert!(
        page.contains("All alerts closed; the incident stays open"),
        "{}",
        page.body
    );
    app.stop().await;
}

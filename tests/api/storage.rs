//! The same storage story on both backends.

use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::on_both_backends;
use jiff::{Timestamp, ToSpan};
use monostat::domain::{IncidentStatus, OverallState, Severity};
use monostat::storage::incidents::{self, NewIncident};
use monostat::storage::{audit, settings, users};

on_both_backends!(
    an_incident_round_trips_with_its_updates,
    a_fresh_installation_has_the_original_theme_and_a_random_hook_secret,
    the_hook_secret_survives_a_restart,
    usernames_are_unique,
    audit_entries_are_kept_per_incident,
    settings_can_be_changed,
);

fn t(seconds: i64) -> Timestamp {
    Timestamp::from_second(seconds).expect("valid timestamp")
}

async fn an_incident_round_trips_with_its_updates(backend: Backend) {
    let test_db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&test_db).await;
    let mut conn = app.handle.db.acquire().await.expect("connection");

    let created = incidents::insert(
        &mut conn,
        &NewIncident {
            status: IncidentStatus::Confirmed,
            severity: Severity::Partial,
            start: t(1_700_000_000),
            end: None,
            title: "Checkout is slow".into(),
            summary: Some("Payments take **minutes**.".into()),
            silent: false,
        },
        t(1_700_000_060),
    )
    .await
    .expect("insert");
    incidents::add_update(
        &mut conn,
        created.id,
        t(1_700_000_100),
        None,
        Some("Investigating."),
    )
    .await
    .expect("first update");

    let mut incident = incidents::get_for_update(&mut conn, app.handle.db.backend(), created.id)
        .await
        .expect("get")
        .expect("the incident exists");
    assert_eq!(*incident, created);
    incident.set_status(IncidentStatus::Resolved, t(1_700_003_600));
    incident.slack_message_ts = Some("1700000000.000100".into());
    incident.last_notified_status = Some(IncidentStatus::Resolved);
    incidents::save(&mut conn, &incident).await.expect("save");
    incidents::add_update(
        &mut conn,
        created.id,
        t(1_700_003_600),
        Some(IncidentStatus::Resolved),
        Some("Fixed."),
    )
    .await
    .expect("second update");

    let stored = incidents::get(&mut conn, created.id)
        .await
        .expect("get")
        .expect("still there");
    assert_eq!(stored.status, IncidentStatus::Resolved);
    assert_eq!(stored.end, Some(t(1_700_003_600)));
    assert_eq!(
        stored.slack_message_ts.as_deref(),
        Some("1700000000.000100")
    );
    assert_eq!(stored.last_notified_status, Some(IncidentStatus::Resolved));
    assert_eq!(
        stored.summary.as_deref(),
        Some("Payments take **minutes**.")
    );
    let updates = incidents::updates(&mut conn, created.id)
        .await
        .expect("updates");
    let messages: Vec<_> = updates.iter().map(|u| u.message.as_deref()).collect();
    assert_eq!(
        messages,
        vec![Some("Fixed."), Some("Investigating.")],
        "newest first"
    );
    assert_eq!(updates[0].new_status, Some(IncidentStatus::Resolved));
    assert!(
        incidents::get(&mut conn, created.id + 1000)
            .await
            .expect("get")
            .is_none()
    );
    drop(conn);
    app.stop().await;
}

async fn a_fresh_installation_has_the_original_theme_and_a_random_hook_secret(backend: Backend) {
    let test_db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&test_db).await;
    let mut conn = app.handle.db.acquire().await.expect("connection");

    let site = settings::site(&mut conn).await.expect("site settings");
    assert_eq!(site.colors.primary, "#3B1C4A");
    assert_eq!(site.colors.link, "#7F4A91");
    assert_eq!(site.colors.success, "#50A167");
    assert_eq!(site.colors.warning, "#FFB419");
    assert_eq!(site.colors.danger, "#C44F4F");
    assert_eq!(site.colors.info, "#5F9CD4");
    assert_eq!(site.colors.primary_text, "#333333");
    assert_eq!(site.colors.secondary_text, "#767676");
    assert_eq!(site.colors.background, "#FFFFFF");
    assert!(
        settings::notifications(&mut conn)
            .await
            .expect("notifications")
            .allow_subscriptions
    );
    assert_eq!(
        settings::slack(&mut conn).await.expect("slack").bot_token,
        ""
    );

    let secret = settings::webhook_secret(&mut conn).await.expect("secret");
    assert_eq!(secret.len(), 64);
    assert!(
        secret.chars().all(|c| c.is_ascii_alphanumeric()),
        "{secret}"
    );
    drop(conn);
    app.stop().await;
}

async fn the_hook_secret_survives_a_restart(backend: Backend) {
    let test_db = TestDatabase::new(backend).await;
    let first = TestApp::spawn(&test_db).await;
    let before = settings::webhook_secret(&mut first.handle.db.acquire().await.expect("conn"))
        .await
        .expect("secret");
    first.stop().await;

    let second = TestApp::spawn(&test_db).await;
    let after = settings::webhook_secret(&mut second.handle.db.acquire().await.expect("conn"))
        .await
        .expect("secret");
    assert_eq!(before, after, "a restart must not change the hook URL");
    second.stop().await;
}

async fn usernames_are_unique(backend: Backend) {
    let test_db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&test_db).await;
    let mut conn = app.handle.db.acquire().await.expect("connection");

    users::create(
        &mut conn,
        "alice",
        "alice@example.com",
        "$argon2id$x",
        Timestamp::now(),
    )
    .await
    .expect("first alice");
    let second = users::create(&mut conn, "alice", "", "$argon2id$y", Timestamp::now()).await;

    assert!(
        matches!(second, Err(users::CreateUserError::DuplicateUsername(ref n)) if n == "alice"),
        "{second:?}"
    );
    let stored = users::by_username(&mut conn, "alice")
        .await
        .expect("query")
        .expect("alice");
    assert_eq!(stored.password_hash, "$argon2id$x");
    assert!(stored.active);
    drop(conn);
    app.stop().await;
}

async fn audit_entries_are_kept_per_incident(backend: Backend) {
    let test_db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&test_db).await;
    let mut conn = app.handle.db.acquire().await.expect("connection");
    let incident = incidents::insert(
        &mut conn,
        &NewIncident {
            status: IncidentStatus::Suspected,
            severity: Severity::Outage,
            start: Timestamp::now(),
            end: None,
            title: "Outage".into(),
            summary: None,
            silent: false,
        },
        Timestamp::now(),
    )
    .await
    .expect("insert");
    let now = Timestamp::now();
    audit::record(
        &mut conn,
        now,
        "opsgenie",
        Some(incident.id),
        "created",
        "alert 1",
    )
    .await
    .expect("record");
    audit::record(
        &mut conn,
        now + 1.second(),
        "slack:bob",
        Some(incident.id),
        "confirmed",
        "",
    )
    .await
    .expect("record");
    audit::record(
        &mut conn,
        now,
        "admin:alice",
        None,
        "settings",
        "changed the site name",
    )
    .await
    .expect("record");

    let entries = audit::for_incident(&mut conn, incident.id)
        .await
        .expect("entries");
    let actors: Vec<_> = entries.iter().map(|e| e.actor.as_str()).collect();
    assert_eq!(actors, vec!["opsgenie", "slack:bob"]);
    drop(conn);
    app.stop().await;
}

async fn settings_can_be_changed(backend: Backend) {
    let test_db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&test_db).await;
    let mut conn = app.handle.db.acquire().await.expect("connection");

    let mut site = settings::site(&mut conn).await.expect("site");
    site.system_name = "Ticket shop".into();
    site.colors.background = "#101010".into();
    site.logo = Some("logo-1.png".into());
    settings::save_site(&mut conn, &site).await.expect("save");
    let mut slack = settings::slack(&mut conn).await.expect("slack");
    slack.bot_token = "xoxb-1".into();
    slack.channel_name = "#statuspage".into();
    settings::save_slack(&mut conn, &slack).await.expect("save");

    assert_eq!(settings::site(&mut conn).await.expect("site"), site);
    assert_eq!(settings::slack(&mut conn).await.expect("slack"), slack);
    assert!(
        !format!("{slack:?}").contains("xoxb-1"),
        "tokens must not reach logs"
    );
    assert_eq!(
        OverallState::of(
            incidents::current(&mut conn)
                .await
                .expect("current")
                .iter()
                .map(|i| (i.status, i.severity))
        ),
        OverallState::Up
    );
    drop(conn);
    app.stop().await;
}

on_both_backends!(twenty_simultaneous_edits_of_one_incident_all_succeed);

async fn twenty_simultaneous_edits_of_one_incident_all_succeed(backend: Backend) {
    use monostat::service::incidents::{self as changes, Actor, Edit};

    let test_db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&test_db).await;
    let incident = incidents::insert(
        &mut app.handle.db.acquire().await.expect("conn"),
        &NewIncident {
            status: IncidentStatus::Confirmed,
            severity: Severity::Outage,
            start: Timestamp::now(),
            end: None,
            title: "Checkout down".into(),
            summary: None,
            silent: false,
        },
        Timestamp::now(),
    )
    .await
    .expect("insert");
    let services = app.services();

    let edits: Vec<_> = (0..20)
        .map(|n| {
            let services = services.clone();
            tokio::spawn(async move {
                let actor = Actor {
                    via: "slack",
                    name: format!("person{n}"),
                };
                let edit = Edit {
                    text: Some(format!("Update {n}")),
                    ..Edit::default()
                };
                changes::edit(&services, &actor, incident.id, &edit).await
            })
        })
        .collect();
    for edit in edits {
        let result = edit.await.expect("task");
        assert!(result.is_ok(), "an edit failed: {:?}", result.err());
    }

    let updates = incidents::updates(
        &mut app.handle.db.acquire().await.expect("conn"),
        incident.id,
    )
    .await
    .expect("updates");
    assert_eq!(updates.len(), 20);
    app.stop().await;
}

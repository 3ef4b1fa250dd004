//! The database is for the people who run the incident, not for strangers: wrong hook secrets and
//! unsigned Slack requests are refused from memory, and the pages of the incidents on the status
//! page (the ones mails and Slack link to) are served from the rendering. Shown by taking the
//! database away: whatever still answers did not need it.

use crate::helpers::{Backend, Hooks, TestApp, TestDatabase, eventually};
use crate::on_both_backends;
use monostat::storage::incidents;
use std::time::Duration;

const CREATE: &str = include_str!("../fixtures/opsgenie_create.json");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strangers_and_readers_of_the_current_incident_need_no_database() {
    if !crate::helpers::postgres_available() {
        return;
    }
    let db = TestDatabase::new(Backend::Postgres).await;
    let app = TestApp::spawn(&db).await;
    let hooks = app.hooks().await;
    let wrong = Hooks::at(&app.base_url, "wrong");
    assert_eq!(hooks.opsgenie(CREATE).await.0, 200);
    let incident = incidents::current(&mut app.handle.db.acquire().await.expect("conn"))
        .await
        .expect("incidents")
        .pop()
        .expect("the alert opened an incident");
    let day = incident.start.to_zoned(jiff::tz::TimeZone::UTC).date();
    let page = format!("/{day}/{}", incident.id);
    eventually(Duration::from_secs(10), || async {
        let snapshot = app.handle.pages.snapshot()?;
        snapshot.languages[0]
            .incidents
            .contains_key(&incident.id)
            .then_some(())
    })
    .await;
    // A wrong secret before the outage, so the right one is known from memory afterwards too.
    assert_eq!(wrong.opsgenie(CREATE).await.0, 403);

    db.drop_postgres_database().await;

    let reader = app.get(&page).await;
    assert_eq!(
        reader.status(),
        200,
        "the incident's page is served from memory"
    );
    let body = reader.text().await.expect("body");
    assert!(body.contains(&incident.title), "{body}");
    assert_eq!(
        wrong.opsgenie(CREATE).await.0,
        403,
        "a wrong hook secret is refused without the database"
    );
    assert_eq!(
        app.post_to_slack_endpoint("{}", "application/json", 0, None)
            .await
            .0,
        401,
        "an unsigned Slack request is refused before anything is looked up"
    );
    assert_eq!(
        hooks.opsgenie(CREATE).await.0,
        503,
        "the monitoring system's own delivery needs the database, and is told to retry"
    );
    app.stop().await;
}

on_both_backends!(a_crowd_waiting_for_the_first_rendering_costs_one_rendering);

/// Before the first rendering (start-up with the database away, say), every reader needs one;
/// the crowd that arrives meanwhile shares it instead of each taking a connection to render.
async fn a_crowd_waiting_for_the_first_rendering_costs_one_rendering(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let storage = monostat::storage::Db::connect(&db.database_config())
        .await
        .expect("connect");
    storage.migrate().await.expect("migrate");
    let pages = monostat::public::PublicPages::new(
        monostat::public::Renderer::new(
            storage.clone(),
            jiff::tz::TimeZone::UTC,
            "http://status.example".parse().expect("url"),
        ),
        monostat::changes::Changes::new(),
    );
    assert!(pages.snapshot().is_none());

    let readers: Vec<_> = (0..40)
        .map(|_| {
            let pages = pages.clone();
            tokio::spawn(async move { pages.current_or_render().await.is_ok() })
        })
        .collect();
    for reader in readers {
        assert!(reader.await.expect("reader"), "every reader gets the page");
    }

    let (renderings, _, failures) = pages.render_stats().read();
    assert_eq!((renderings, failures), (1, 0));
    storage.close().await;
}

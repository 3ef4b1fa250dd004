//! Incident addresses hold the start's day, and mails and calendar events carry them: when a
//! maintenance moves to another day, its old address sends readers on to the new one.

use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::on_both_backends;
use crate::public_fixtures::{Spec, hours_ago, insert, render};
use jiff::{SignedDuration, Timestamp};
use monostat::domain::{IncidentStatus, Severity};
use monostat::service::incidents::{Actor, Creation};

fn admin() -> Actor {
    Actor {
        via: "admin",
        name: "alice".into(),
    }
}

/// The status of `path` and where it sends the reader, without following.
async fn answer(app: &TestApp, path: &str) -> (u16, Option<String>) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let response = client
        .get(format!("{}{path}", app.base_url))
        .send()
        .await
        .expect("request sent");
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .map(|l| l.to_str().expect("ASCII").to_owned());
    (response.status().as_u16(), location)
}

async fn an_old_link_follows_a_maintenance_to_its_new_day(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let start = Timestamp::now() + SignedDuration::from_hours(48);
    let planned = monostat::service::incidents::create(
        &app.services(),
        &admin(),
        &Creation {
            title: "Storage migration".into(),
            status: IncidentStatus::Planned,
            severity: Severity::Maintenance,
            start,
            end: Some(start + SignedDuration::from_hours(2)),
            summary: None,
            text: None,
            silent: true,
            notify: false,
        },
    )
    .await
    .expect("maintenance planned");
    let sent = monostat::links::incident_path(&planned);
    let later = start + SignedDuration::from_hours(24);
    monostat::service::maintenance::reschedule(
        &app.services(),
        &admin(),
        planned.id,
        later,
        later + SignedDuration::from_hours(2),
        None,
    )
    .await
    .expect("rescheduled");
    render(&app).await;
    let now_at = monostat::links::incident_path(&app.incident(planned.id).await);
    assert_ne!(sent, now_at);
    assert_eq!(answer(&app, &sent).await, (301, Some(now_at.clone())));
    assert_eq!(answer(&app, &now_at).await, (200, None));

    // Cancelled, it is on no list (so its page is read from the database), and still found.
    monostat::service::maintenance::act(
        &app.services(),
        &admin(),
        planned.id,
        monostat::domain::maintenance::Action::Cancel,
        None,
    )
    .await
    .expect("cancelled");
    render(&app).await;
    assert_eq!(answer(&app, &sent).await, (301, Some(now_at.clone())));
    assert_eq!(answer(&app, &now_at).await, (200, None));

    // A dismissed suspicion says it was closed at its own address only: a redirect from
    // another day would tell the day of every false alarm to anybody counting through the ids.
    let dismissed = insert(
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
    render(&app).await;
    let own = monostat::links::incident_path(&dismissed);
    assert_eq!(answer(&app, &own).await, (200, None));
    let elsewhere = format!("/2001-01-01/{}", dismissed.id);
    assert_eq!(answer(&app, &elsewhere).await, (404, None));
    app.stop().await;
}

on_both_backends!(an_old_link_follows_a_maintenance_to_its_new_day);

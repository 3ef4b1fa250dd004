//! Slack over Socket Mode: the same handlers as HTTP, reached through a WebSocket the app
//! opens to (a fake) Slack, acknowledged by envelope id, surviving a disconnect.

use crate::fake_slack::{FakeSlack, Frame};
use crate::helpers::{Backend, TestApp, TestDatabase, click_on, eventually};
use crate::on_both_backends;
use monostat::config::Secret;
use monostat::domain::IncidentStatus;
use monostat::jobs::WorkerSettings;
use monostat::storage::incidents;
use serde_json::json;
use std::time::Duration;

const CREATE: &str = include_str!("../fixtures/opsgenie_create.json");
const CONFIRM: &str = include_str!("../fixtures/slack_block_actions_confirm.json");
const HOME_OPENED: &str = include_str!("../fixtures/slack_socket_envelope_events_api.json");

on_both_backends!(a_confirm_over_socket_mode_is_acknowledged_and_survives_a_disconnect);

/// An OpsGenie alert opens a suspected incident on `app`; returns it and the payload of a click
/// on its Confirm button.
async fn alert_and_its_confirm_click(
    app: &TestApp,
) -> (monostat::domain::Incident, serde_json::Value) {
    assert_eq!(app.post_opsgenie(CREATE).await.0, 200);
    let incident = incidents::all(&mut app.handle.db.acquire().await.expect("conn"))
        .await
        .expect("all")
        .remove(0);
    let confirm = click_on(CONFIRM, incident.id);
    (incident, confirm)
}

async fn a_confirm_over_socket_mode_is_acknowledged_and_survives_a_disconnect(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let slack = FakeSlack::start().await;
    let fake = slack.clone();
    let app = TestApp::spawn_configured(
        &db,
        move |config| {
            fake.configure(config);
            config.slack.app_token = Some(Secret::new("xapp-fake-token"));
        },
        WorkerSettings::default(),
        |_| {},
    )
    .await;

    // The app connects by itself, with its app-level token.
    eventually(Duration::from_secs(20), || async {
        (slack.socket_connections() >= 1).then_some(())
    })
    .await;
    let opened = slack.calls_to("apps.connections.open");
    assert_eq!(opened[0].token.as_deref(), Some("xapp-fake-token"));

    let (incident, confirm) = alert_and_its_confirm_click(&app).await;
    slack.send(Frame::Envelope(json!({
        "envelope_id": "envelope-confirm-1", "type": "interactive",
        "accepts_response_payload": false, "payload": confirm
    })));

    eventually(Duration::from_secs(20), || async {
        slack
            .acks()
            .iter()
            .any(|a| a["envelope_id"] == "envelope-confirm-1")
            .then_some(())
    })
    .await;
    let confirmed = app.incident(incident.id).await;
    assert_eq!(confirmed.status, IncidentStatus::Confirmed);
    // However often Slack delivers the envelope, the click is acted on once.
    let confirmations = app.audited(incident.id, "incident.confirmed").await;
    assert_eq!(confirmations, 1);

    // Slack asks for a refresh and drops the socket: the app reconnects and keeps working.
    let connections_before = slack.calls_to("apps.connections.open").len();
    slack.send(Frame::Disconnect);
    eventually(Duration::from_secs(30), || async {
        (slack.calls_to("apps.connections.open").len() > connections_before).then_some(())
    })
    .await;
    slack.send(Frame::Envelope(
        serde_json::from_str(HOME_OPENED).expect("fixture"),
    ));
    eventually(Duration::from_secs(20), || async {
        slack
            .acks()
            .iter()
            .any(|a| a["envelope_id"] == "5a2b7c1d-fake-4e3f-9a8b-00000000e002")
            .then_some(())
    })
    .await;
    app.handle.jobs.wake();
    let published = eventually(Duration::from_secs(20), || async {
        slack.calls_to("views.publish").pop()
    })
    .await;
    assert_eq!(published.body["user_id"], "U0FAKEUSR01");
    app.stop().await;
}

/// Two instances, each with its own Socket Mode connection, as behind a load balancer: Slack
/// hands each envelope to one of them. Both answer, every envelope is acknowledged once, and a
/// click that Slack delivers twice (to either instance) is acted on once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_each_hold_a_connection_and_share_the_envelopes() {
    if !crate::helpers::postgres_available() {
        return;
    }
    let db = TestDatabase::new(Backend::Postgres).await;
    let slack = FakeSlack::start().await;
    let mut instances = Vec::new();
    for _ in 0..2 {
        let fake = slack.clone();
        instances.push(
            TestApp::spawn_configured(
                &db,
                move |config| {
                    fake.configure(config);
                    config.slack.app_token = Some(Secret::new("xapp-fake-token"));
                },
                WorkerSettings::default(),
                |_| {},
            )
            .await,
        );
    }
    eventually(Duration::from_secs(20), || async {
        (slack.socket_connections() == 2).then_some(())
    })
    .await;
    let a = &instances[0];
    let (incident, confirm) = alert_and_its_confirm_click(a).await;
    let home: serde_json::Value = serde_json::from_str(HOME_OPENED).expect("fixture");
    let mut sent = Vec::new();
    for n in 0..6 {
        let id = format!("envelope-{n}");
        let mut envelope = if n < 2 {
            // The same click twice, as Slack delivers it again when unsure it arrived.
            json!({"type": "interactive", "accepts_response_payload": false,
                   "payload": confirm, "retry_attempt": n})
        } else {
            home.clone()
        };
        envelope["envelope_id"] = id.clone().into();
        slack.send(Frame::Envelope(envelope));
        sent.push(id);
    }
    let acks = eventually(Duration::from_secs(20), || async {
        let acks = slack.acks_by_connection();
        (acks.len() >= sent.len()).then_some(acks)
    })
    .await;
    for id in &sent {
        let times = acks
            .iter()
            .filter(|(_, ack)| ack["envelope_id"] == *id)
            .count();
        assert_eq!(times, 1, "{id} acknowledged once: {acks:?}");
    }
    let connections: std::collections::HashSet<usize> = acks.iter().map(|(c, _)| *c).collect();
    assert_eq!(connections.len(), 2, "both instances answered: {acks:?}");

    let confirmed = a.incident(incident.id).await;
    assert_eq!(confirmed.status, IncidentStatus::Confirmed);
    let confirmations = a.audited(incident.id, "incident.confirmed").await;
    assert_eq!(confirmations, 1, "the click twice, acted on once");
    for app in instances {
        app.stop().await;
    }
}

//! A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`, installed by `.ci/run`)
//! delivering to the real server: an alert posted to its API opens an incident, and resolving
//! the alert dismisses it again.

use crate::helpers::{Backend, TestApp, TestDatabase, eventually};
use monostat::domain::IncidentStatus;
use monostat::storage::{alerts, incidents};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const ALERTMANAGER: &str = "/usr/bin/prometheus-alertmanager";

/// Stops the Alertmanager when the test ends, however it ends.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_alertmanager_opens_an_incident_and_its_resolution_dismisses_it() {
    if !std::path::Path::new(ALERTMANAGER).exists() {
        crate::helpers::skip(
            &format!("{ALERTMANAGER} is not installed (apt-get install prometheus-alertmanager)"),
            "the real Alertmanager test would be skipped",
        );
        return;
    }
    let db = TestDatabase::new(Backend::Sqlite).await;
    let app = TestApp::spawn(&db).await;
    let hook = app.hooks().await.url("alertmanager");

    let dir = tempfile::tempdir().expect("temporary directory");
    let config = dir.path().join("alertmanager.yml");
    std::fs::write(
        &config,
        format!(
            "route:\n  receiver: monostat\n  group_by: [alertname]\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: 1h\n\
             receivers:\n  - name: monostat\n    webhook_configs:\n      - url: {hook}\n        send_resolved: true\n",
        ),
    )
    .expect("write the configuration");
    let port = free_port();
    let _alertmanager = KillOnDrop(
        Command::new(ALERTMANAGER)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            // No high-availability gossip: one instance, nothing on the network.
            .arg("--cluster.listen-address=")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Alertmanager starts"),
    );
    let api = format!("http://127.0.0.1:{port}");
    eventually(Duration::from_secs(30), || async {
        let ready = app.client.get(format!("{api}/-/ready")).send().await.ok()?;
        ready.status().is_success().then_some(())
    })
    .await;

    // Both posts describe the same alert, so they carry the same start.
    let started = (jiff::Timestamp::now() - jiff::SignedDuration::from_secs(60)).to_string();
    let alert = |ends_at: Option<String>| {
        let mut alert = serde_json::json!({
            "labels": {"alertname": "ShopDown", "severity": "critical"},
            "annotations": {"summary": "The ticket shop answers 503"},
            "startsAt": started,
        });
        if let Some(ends_at) = ends_at {
            alert["endsAt"] = ends_at.into();
        }
        serde_json::json!([alert])
    };
    let posted = app
        .client
        .post(format!("{api}/api/v2/alerts"))
        .json(&alert(None))
        .send()
        .await
        .expect("alert posted");
    assert!(posted.status().is_success(), "{}", posted.status());

    let incident = eventually(Duration::from_secs(30), || async {
        let all = incidents::all(&mut app.handle.db.acquire().await.expect("conn"))
            .await
            .expect("incidents");
        all.into_iter().next()
    })
    .await;
    assert_eq!(incident.status, IncidentStatus::Suspected);
    let attached = alerts::for_incident(
        &mut app.handle.db.acquire().await.expect("conn"),
        incident.id,
    )
    .await
    .expect("alerts");
    assert_eq!(attached.len(), 1);
    assert_eq!(attached[0].source, "alertmanager");
    assert_eq!(
        attached[0].message.as_deref(),
        Some("The ticket shop answers 503")
    );

    // An end in the past resolves the alert; Alertmanager sends the resolution on.
    let ended = (jiff::Timestamp::now() - jiff::SignedDuration::from_secs(1)).to_string();
    let resolved = app
        .client
        .post(format!("{api}/api/v2/alerts"))
        .json(&alert(Some(ended)))
        .send()
        .await
        .expect("resolution posted");
    assert!(resolved.status().is_success(), "{}", resolved.status());

    let dismissed = eventually(Duration::from_secs(30), || async {
        let incident = app.incident(incident.id).await;
        (incident.status == IncidentStatus::Dismissed).then_some(incident)
    })
    .await;
    assert!(dismissed.end.is_some());
    app.stop().await;
}

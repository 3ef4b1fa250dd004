//! `monostat simulate-alert`: plays a monitoring system against a running server, to try the
//! alert path end to end (page, Slack) without breaking anything: an alert fires, and closes
//! again when the admin presses Enter.

use serde_json::{Value, json};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sender {
    Opsgenie,
    Alertmanager,
    /// The generic hook (`integrations::webhook`).
    Webhook,
}

const MESSAGE: &str = "Simulated alert from monostat simulate-alert";

impl Sender {
    pub fn hook_path(self, secret: &str) -> String {
        match self {
            Self::Opsgenie => format!("/integrations/opsgenie/hook/{secret}"),
            Self::Alertmanager => format!("/integrations/alertmanager/hook/{secret}"),
            Self::Webhook => format!("/integrations/webhook/hook/{secret}"),
        }
    }

    /// The delivery that makes alert `id` fire.
    pub fn firing(self, id: &str, started: jiff::Timestamp) -> Value {
        match self {
            Self::Opsgenie => json!({
                "action": "Create",
                "source": {"name": "monostat", "type": "simulate-alert"},
                "alert": {
                    "alertId": id,
                    "message": MESSAGE,
                    "description": "Sent by `monostat simulate-alert`; it closes again when you press Enter.",
                    "tags": ["simulated"],
                }
            }),
            Self::Alertmanager => alertmanager_delivery(id, "firing", started, None),
            Self::Webhook => json!({
                "id": id,
                "status": "firing",
                "message": MESSAGE,
                "description": "Sent by `monostat simulate-alert --webhook`; it closes again when you press Enter.",
            }),
        }
    }

    /// The delivery that closes alert `id` again.
    pub fn resolved(self, id: &str, started: jiff::Timestamp, now: jiff::Timestamp) -> Value {
        match self {
            Self::Opsgenie => json!({
                "action": "Close",
                "source": {"name": "monostat", "type": "simulate-alert"},
                "alert": {"alertId": id, "message": MESSAGE}
            }),
            Self::Alertmanager => alertmanager_delivery(id, "resolved", started, Some(now)),
            Self::Webhook => json!({"id": id, "status": "resolved"}),
        }
    }
}

fn alertmanager_delivery(
    fingerprint: &str,
    status: &str,
    started: jiff::Timestamp,
    ended: Option<jiff::Timestamp>,
) -> Value {
    json!({
        "version": "4",
        "status": status,
        "receiver": "monostat",
        "groupKey": "{}:{alertname=\"MonostatSimulatedAlert\"}",
        "groupLabels": {"alertname": "MonostatSimulatedAlert"},
        "commonLabels": {"alertname": "MonostatSimulatedAlert"},
        "commonAnnotations": {"summary": MESSAGE},
        "alerts": [{
            "status": status,
            "fingerprint": fingerprint,
            "labels": {"alertname": "MonostatSimulatedAlert"},
            "annotations": {"summary": MESSAGE},
            "startsAt": started.to_string(),
            // Alertmanager's "no end yet".
            "endsAt": ended.map_or_else(|| "0001-01-01T00:00:00Z".to_owned(), |t| t.to_string()),
        }]
    })
}

/// Posts `delivery` and returns an error line unless the server accepted it.
pub async fn send(client: &reqwest::Client, url: &str, delivery: &Value) -> Result<(), String> {
    let response = client
        .post(url)
        .json(delivery)
        .send()
        .await
        .map_err(|e| format!("cannot reach {}: {e}", redact(url)))?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let body = response.text().await.unwrap_or_default();
    Err(format!(
        "{} answered {status}: {}",
        redact(url),
        body.lines().next().unwrap_or("")
    ))
}

/// The hook URL without its secret, for messages.
fn redact(url: &str) -> String {
    match url.rsplit_once('/') {
        Some((base, _secret)) => format!("{base}/…"),
        None => url.to_owned(),
    }
}

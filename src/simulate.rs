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
    /// PagerDuty's v3 webhooks (`integrations::pagerduty`), signed when a signing secret is set.
    Pagerduty,
}

const MESSAGE: &str = "Simulated alert from monostat simulate-alert";

impl Sender {
    pub fn hook_path(self, secret: &str) -> String {
        match self {
            Self::Opsgenie => format!("/integrations/opsgenie/hook/{secret}"),
            Self::Alertmanager => format!("/integrations/alertmanager/hook/{secret}"),
            Self::Webhook => format!("/integrations/webhook/hook/{secret}"),
            Self::Pagerduty => format!("/integrations/pagerduty/hook/{secret}"),
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
            Self::Pagerduty => pagerduty_event(id, "incident.triggered", "triggered", started),
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
            Self::Pagerduty => pagerduty_event(id, "incident.resolved", "resolved", now),
        }
    }
}

/// A PagerDuty v3 webhook delivery about incident `id`, as PagerDuty words one (its
/// `incident` object, trimmed to what a receiver reads).
fn pagerduty_event(id: &str, event_type: &str, status: &str, at: jiff::Timestamp) -> Value {
    json!({
        "event": {
            "id": format!("{id}-{status}"),
            "event_type": event_type,
            "resource_type": "incident",
            "occurred_at": at.to_string(),
            "agent": {"type": "user_reference", "summary": "monostat simulate-alert"},
            "client": {"name": "monostat simulate-alert"},
            "data": {
                "id": id,
                "type": "incident",
                "status": status,
                "title": MESSAGE,
                "urgency": "high",
            }
        }
    })
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

/// How a delivery is signed, as the server in front of us requires.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Signing {
    /// Not signed (the server requires no signature of this sender).
    #[default]
    None,
    /// As PagerDuty signs, with this signing secret, and with a delivery id.
    Pagerduty(String),
    /// As Grafana's contact point signs, with this secret, over `timestamp:body` when a
    /// timestamp header is named.
    Grafana {
        secret: String,
        timestamp_header: String,
    },
}

/// Posts `delivery`, signed as `signing` says, and returns an error line unless the server
/// accepted it.
pub async fn send(
    client: &reqwest::Client,
    url: &str,
    delivery: &Value,
    signing: &Signing,
) -> Result<(), String> {
    let body = delivery.to_string();
    let mut request = client.post(url).header("content-type", "application/json");
    match signing {
        Signing::None => {}
        Signing::Pagerduty(secret) => {
            request = request
                .header(
                    crate::integrations::pagerduty::WEBHOOK_ID_HEADER,
                    format!("{:032x}", rand::random::<u128>()),
                )
                .header(
                    crate::integrations::pagerduty::SIGNATURE_HEADER,
                    crate::integrations::pagerduty::sign(secret, body.as_bytes()),
                );
        }
        Signing::Grafana {
            secret,
            timestamp_header,
        } => {
            let signed_at =
                (!timestamp_header.is_empty()).then(|| jiff::Timestamp::now().as_second());
            if let Some(seconds) = signed_at {
                request = request.header(timestamp_header.as_str(), seconds.to_string());
            }
            request = request.header(
                crate::integrations::grafana::SIGNATURE_HEADER,
                crate::integrations::grafana::signature(secret, signed_at, body.as_bytes()),
            );
        }
    }
    let response = request
        .body(body)
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

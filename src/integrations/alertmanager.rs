//! Prometheus Alertmanager's webhook (payload version 4) and Grafana's webhook contact point
//! (version 1, the same shape with extra fields), see `shared/protocols/alertmanager.md`.
//! Each alert is tracked by its `fingerprint`, which stays the same when an alert fires again.

use super::{BadPayload, optional_string, parse_json};
use crate::service::alerts::AlertEvent;
use serde_json::Value;

/// The alert that Prometheus's usual rules keep firing so that its silence can be noticed
/// (kube-prometheus, the Prometheus Operator and most examples name it so).
pub const WATCHDOG: &str = "Watchdog";

/// One delivery: the alerts to apply, and whether the Watchdog was among them (a heartbeat,
/// never an alert).
#[derive(Debug, PartialEq, Eq)]
pub struct Delivery {
    pub events: Vec<AlertEvent>,
    /// A firing Watchdog alert came with it.
    pub watchdog: bool,
}

pub fn parse(body: &[u8]) -> Result<Delivery, BadPayload> {
    let value = parse_json(body)?;
    let alerts = value
        .get("alerts")
        .and_then(Value::as_array)
        .ok_or_else(|| BadPayload("the body lacks \"alerts\" (a list)".into()))?;
    let is_watchdog = |alert: &Value| {
        alert.pointer("/labels/alertname").and_then(Value::as_str) == Some(WATCHDOG)
    };
    let watchdog = alerts.iter().any(|alert| {
        is_watchdog(alert) && alert.get("status").and_then(Value::as_str) == Some("firing")
    });
    let events = alerts
        .iter()
        .enumerate()
        // Resolved too: the Watchdog resolving means nothing but that it stopped, which the
        // silence will say.
        .filter(|(_, alert)| !is_watchdog(alert))
        .map(|(index, alert)| {
            let external_id = optional_string(alert, "/fingerprint").ok_or_else(|| {
                BadPayload(format!(
                    "alerts[{index}] lacks \"fingerprint\" (a non-empty string)"
                ))
            })?;
            match alert.get("status").and_then(Value::as_str) {
                Some("firing") => {
                    let summary = optional_string(alert, "/annotations/summary");
                    let description = optional_string(alert, "/annotations/description");
                    let message = summary
                        .clone()
                        .or_else(|| description.clone())
                        .or_else(|| optional_string(alert, "/labels/alertname"));
                    Ok(AlertEvent::Firing {
                        external_id,
                        message,
                        // The description is kept separately only when it is not the message.
                        description: summary.and(description),
                    })
                }
                Some("resolved") => Ok(AlertEvent::Resolved { external_id }),
                _ => Err(BadPayload(format!(
                    "alerts[{index}] has no \"status\" of \"firing\" or \"resolved\""
                ))),
            }
        })
        .collect::<Result<_, _>>()?;
    Ok(Delivery { events, watchdog })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn firing_alerts_take_their_message_from_summary_then_description_then_name() {
        let events = parse(
            br#"{"version":"4","status":"firing","alerts":[
                {"status":"firing","fingerprint":"a1","labels":{"alertname":"ShopDown"},
                 "annotations":{"summary":"Shop is down","description":"5xx on every request"}},
                {"status":"firing","fingerprint":"a2","labels":{"alertname":"Slow"},
                 "annotations":{"description":"p95 above 3s"}},
                {"status":"resolved","fingerprint":"a3","labels":{"alertname":"Disk"}},
                {"status":"firing","fingerprint":"a4","labels":{"alertname":"Disk"}}
            ]}"#,
        )
        .expect("valid")
        .events;
        assert_eq!(
            events,
            vec![
                AlertEvent::Firing {
                    external_id: "a1".into(),
                    message: Some("Shop is down".into()),
                    description: Some("5xx on every request".into()),
                },
                AlertEvent::Firing {
                    external_id: "a2".into(),
                    message: Some("p95 above 3s".into()),
                    description: None,
                },
                AlertEvent::Resolved {
                    external_id: "a3".into()
                },
                AlertEvent::Firing {
                    external_id: "a4".into(),
                    message: Some("Disk".into()),
                    description: None,
                },
            ]
        );
    }

    #[test]
    fn grafanas_version_1_payload_parses_the_same_way() {
        let events = parse(
            br#"{"receiver":"monostat","status":"firing","orgId":1,"version":"1",
                 "title":"[FIRING:1] ShopDown","state":"alerting","message":"...",
                 "alerts":[{"status":"firing","labels":{"alertname":"ShopDown"},
                   "annotations":{"summary":"Shop is down"},"startsAt":"2026-11-24T10:00:00Z",
                   "endsAt":"0001-01-01T00:00:00Z","fingerprint":"c0ffee","values":{"A":1},
                   "silenceURL":"http://grafana.example.test/silence","imageURL":""}]}"#,
        )
        .expect("valid")
        .events;
        assert!(
            matches!(&events[..], [AlertEvent::Firing { external_id, .. }] if external_id == "c0ffee")
        );
    }

    #[test]
    fn the_watchdog_is_a_heartbeat_and_never_an_alert() {
        let delivery = parse(
            br#"{"version":"4","status":"firing","alerts":[
                {"status":"firing","fingerprint":"w1","labels":{"alertname":"Watchdog"},
                 "annotations":{"summary":"An alert that should always be firing"}},
                {"status":"firing","fingerprint":"a1","labels":{"alertname":"ShopDown"}}
            ]}"#,
        )
        .expect("valid");
        assert!(delivery.watchdog);
        assert_eq!(
            delivery.events,
            vec![AlertEvent::Firing {
                external_id: "a1".into(),
                message: Some("ShopDown".into()),
                description: None,
            }]
        );
        let resolved = parse(
            br#"{"alerts":[{"status":"resolved","fingerprint":"w1","labels":{"alertname":"Watchdog"}}]}"#,
        )
        .expect("valid");
        assert_eq!(
            resolved,
            Delivery {
                events: vec![],
                watchdog: false
            }
        );
    }

    #[test]
    fn a_payload_without_what_we_need_is_refused_with_the_reason() {
        assert_eq!(
            parse(b"{}").expect_err("no alerts").0,
            "the body lacks \"alerts\" (a list)"
        );
        assert_eq!(
            parse(br#"{"alerts":[{"status":"firing"}]}"#)
                .expect_err("no fingerprint")
                .0,
            "alerts[0] lacks \"fingerprint\" (a non-empty string)"
        );
        assert_eq!(
            parse(br#"{"alerts":[{"status":"pending","fingerprint":"x"}]}"#)
                .expect_err("status")
                .0,
            "alerts[0] has no \"status\" of \"firing\" or \"resolved\""
        );
    }
}

//! The generic hook, for everything that can send a small JSON body (Uptime Kuma's and Gatus's
//! webhook notifications, Datadog, scripts): one alert per delivery,
//! `{"id", "status": "firing" | "resolved", "message", "description"}`.
//!
//! Defaults, as the README documents them: `status` is `firing` when absent; `id` is the
//! `message` when absent (so a script that only says what is wrong still names one alert);
//! `message` is the `id` when absent. A body with neither `id` nor `message` is refused.

use super::{BadPayload, optional_string, parse_json};
use crate::service::alerts::AlertEvent;

pub fn parse(body: &[u8]) -> Result<AlertEvent, BadPayload> {
    let value = parse_json(body)?;
    if !value.is_object() {
        return Err(BadPayload("the body must be a JSON object".into()));
    }
    let id = optional_string(&value, "/id");
    let message = optional_string(&value, "/message");
    let Some(external_id) = id.clone().or_else(|| message.clone()) else {
        return Err(BadPayload(
            "the body lacks \"id\" and \"message\" (at least one, a non-empty string)".into(),
        ));
    };
    // Senders that template the body often send the status in capitals ("RESOLVED").
    let status = optional_string(&value, "/status").map(|s| s.to_ascii_lowercase());
    match status.as_deref() {
        None | Some("firing") => Ok(AlertEvent::Firing {
            message: message.or(id),
            external_id,
            description: optional_string(&value, "/description"),
        }),
        Some("resolved") => Ok(AlertEvent::Resolved { external_id }),
        Some(other) => Err(BadPayload(format!(
            "\"status\" is {other:?}; expected \"firing\" or \"resolved\""
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn firing(id: &str, message: &str, description: Option<&str>) -> AlertEvent {
        AlertEvent::Firing {
            external_id: id.into(),
            message: Some(message.into()),
            description: description.map(str::to_owned),
        }
    }

    #[test]
    fn a_full_body_fires_and_resolves_its_alert() {
        let body = br#"{"id": "shop-http", "status": "firing", "message": "Shop down", "description": "HTTP 503"}"#;
        assert_eq!(
            parse(body).expect("valid"),
            firing("shop-http", "Shop down", Some("HTTP 503"))
        );
        let body = br#"{"id": "shop-http", "status": "RESOLVED"}"#;
        assert_eq!(
            parse(body).expect("valid"),
            AlertEvent::Resolved {
                external_id: "shop-http".into()
            }
        );
    }

    #[test]
    fn the_documented_defaults_fill_what_is_missing() {
        assert_eq!(
            parse(br#"{"message": "Shop down"}"#).expect("valid"),
            firing("Shop down", "Shop down", None)
        );
        assert_eq!(
            parse(br#"{"id": "shop-http"}"#).expect("valid"),
            firing("shop-http", "shop-http", None)
        );
    }

    #[test]
    fn what_names_no_alert_or_no_known_status_is_refused() {
        for (body, says) in [
            (
                &br#"{"status": "firing"}"#[..],
                "lacks \"id\" and \"message\"",
            ),
            (
                br#"{"id": "x", "status": "down"}"#,
                "expected \"firing\" or \"resolved\"",
            ),
            (br#"["x"]"#, "a JSON object"),
            (br#"{"id": 5}"#, "lacks"),
            (b"not json", "not JSON"),
        ] {
            let refused = parse(body).expect_err("refused");
            assert!(
                refused.0.contains(says),
                "{}: {}",
                String::from_utf8_lossy(body),
                refused.0
            );
        }
    }
}

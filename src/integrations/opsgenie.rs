//! OpsGenie's outgoing webhook (also sent by Jira Service Management), see
//! `shared/protocols/opsgenie.md`. Only `action` and `alert.alertId` are required.

use super::{BadPayload, optional_string, parse_json, required_string};
use crate::service::alerts::AlertEvent;

/// The events one OpsGenie delivery carries (none for actions monostat ignores), and its action
/// for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub action: String,
    pub events: Vec<AlertEvent>,
}

pub fn parse(body: &[u8]) -> Result<Delivery, BadPayload> {
    let value = parse_json(body)?;
    let action = required_string(&value, "/action", "action")?;
    let external_id = required_string(&value, "/alert/alertId", "alert.alertId")?;
    let message = optional_string(&value, "/alert/message");
    let description = optional_string(&value, "/alert/description");
    let events = match action.as_str() {
        // An UpdateMessage for an alert we never saw behaves like Create, as in the original.
        "Create" | "UpdateMessage" => vec![AlertEvent::Firing {
            external_id,
            message,
            description,
        }],
        "Close" => vec![AlertEvent::Resolved { external_id }],
        "UpdateDescription" => match description {
            Some(description) => vec![AlertEvent::DescriptionChanged {
                external_id,
                description,
            }],
            None => Vec::new(),
        },
        // Acknowledge, AddNote, Delete, … say nothing about whether the product works.
        _ => Vec::new(),
    };
    Ok(Delivery { action, events })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREATE: &str = include_str!("../../tests/fixtures/opsgenie_create.json");
    const CLOSE: &str = include_str!("../../tests/fixtures/opsgenie_close.json");

    #[test]
    fn the_create_fixture_fires_its_alert_with_message_and_description() {
        let delivery = parse(CREATE.as_bytes()).expect("valid");
        assert_eq!(delivery.action, "Create");
        let [
            AlertEvent::Firing {
                external_id,
                message,
                description,
            },
        ] = delivery.events.as_slice()
        else {
            panic!("expected one firing event, got {:?}", delivery.events)
        };
        assert_eq!(external_id, "3b9f2c1e-fake-4a7d-9c2e-0000000a1e01");
        assert!(
            message
                .as_deref()
                .is_some_and(|m| m.contains("HTTP probe failed"))
        );
        assert!(description.is_some());
    }

    #[test]
    fn the_close_fixture_resolves_its_alert() {
        let delivery = parse(CLOSE.as_bytes()).expect("valid");
        assert_eq!(
            delivery.events,
            vec![AlertEvent::Resolved {
                external_id: "3b9f2c1e-fake-4a7d-9c2e-0000000a1e01".into()
            }]
        );
    }

    #[test]
    fn other_actions_are_accepted_and_do_nothing() {
        let delivery =
            parse(br#"{"action":"Acknowledge","alert":{"alertId":"a-1"}}"#).expect("valid");
        assert!(delivery.events.is_empty());
    }

    #[test]
    fn missing_fields_are_named() {
        assert_eq!(
            parse(b"{\"alert\":{\"alertId\":\"a\"}}")
                .expect_err("no action")
                .0,
            "the body lacks \"action\" (a non-empty string)"
        );
        assert_eq!(
            parse(b"{\"action\":\"Create\",\"alert\":{}}")
                .expect_err("no id")
                .0,
            "the body lacks \"alert.alertId\" (a non-empty string)"
        );
        assert!(
            parse(b"<xml/>")
                .expect_err("not JSON")
                .0
                .starts_with("the body is not JSON")
        );
    }
}

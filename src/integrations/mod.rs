//! What monitoring systems send us: the alert hooks (`routes.rs`), and the payloads parsed
//! into [`crate::service::alerts::AlertEvent`]s.
//! Parsing is lenient about everything optional and strict about what we need: a payload that
//! lacks it is refused with a one-line reason, before anything is written.

pub mod alertmanager;
pub mod grafana;
pub mod opsgenie;
pub mod pagerduty;
mod routes;
pub mod webhook;

pub use routes::{HookParts, HookState, routes};

use serde_json::Value;

/// A payload we cannot use; the message is the whole answer to the sender.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadPayload(pub String);

fn parse_json(body: &[u8]) -> Result<Value, BadPayload> {
    serde_json::from_slice(body).map_err(|e| BadPayload(format!("the body is not JSON: {e}")))
}

/// A non-empty string at `pointer`, or `None` when it is absent, null or empty.
fn optional_string(value: &Value, pointer: &str) -> Option<String> {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn required_string(value: &Value, pointer: &str, name: &str) -> Result<String, BadPayload> {
    optional_string(value, pointer)
        .ok_or_else(|| BadPayload(format!("the body lacks {name:?} (a non-empty string)")))
}

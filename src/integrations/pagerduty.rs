//! PagerDuty's v3 webhooks: one event per delivery, `{"event": {id, event_type, resource_type,
//! occurred_at, agent, client, data}}`, signed with the subscription's secret.
//!
//! `incident.triggered` and `incident.reopened` fire the alert named by the PagerDuty incident's
//! id, `incident.resolved` closes it; `incident.acknowledged`, `incident.annotated` and
//! `incident.priority_updated` become notes in the monostat incident's Slack thread; anything
//! else is accepted and ignored (a subscription may send more than we use).

use super::{BadPayload, optional_string, parse_json, required_string};
use crate::domain::alerts::cut_text;
use crate::domain::notification::{MAX_PAGERDUTY_NOTE_BYTES, Note};
use crate::service::Services;
use crate::service::alerts::{self, AlertEvent, AlertSource, IntakeReport};
use crate::storage::pagerduty_deliveries::{EventKind, IncidentEvent};
use crate::storage::{self, pagerduty_deliveries};
use hmac::{Hmac, KeyInit, Mac};
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use subtle::ConstantTimeEq;

/// The header PagerDuty signs with: `v1=<hex>`, several comma-separated while a secret rotates.
pub const SIGNATURE_HEADER: &str = "x-pagerduty-signature";
/// The header naming the delivery; repeated on each retry of it.
pub const WEBHOOK_ID_HEADER: &str = "x-webhook-id";

/// How often, at most, the log says that deliveries are taken unsigned.
const UNSIGNED_WARNING_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Logs, once an hour at most, that no signing secret is set: deliveries are then trusted on
/// the URL's secret alone, which the README advises against.
pub fn warn_unsigned() {
    static LAST: std::sync::Mutex<Option<std::time::Instant>> = std::sync::Mutex::new(None);
    let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
    if last.is_some_and(|at| at.elapsed() < UNSIGNED_WARNING_EVERY) {
        return;
    }
    *last = Some(std::time::Instant::now());
    tracing::warn!(
        "PagerDuty delivery accepted without checking its signature: no signing secret is set \
         (MONOSTAT_PAGERDUTY_SIGNING_SECRET or the admin's hook settings)"
    );
}

/// `v1=` and the hex HMAC-SHA256 of `body` keyed with `secret`, as PagerDuty signs.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let hex: String = digest(secret, body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("v1={hex}")
}

fn digest(secret: &str, body: &[u8]) -> [u8; 32] {
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// Checks `header` (the `X-PagerDuty-Signature`, if any) against `body`: one `v1` signature
/// made with `secret` is enough. The error is the one-line reason for the 401.
pub fn check_signature(secret: &str, header: Option<&str>, body: &[u8]) -> Result<(), String> {
    let Some(header) = header else {
        return Err("X-PagerDuty-Signature is missing; the signing secret is set".into());
    };
    let expected = digest(secret, body);
    let mut any_v1 = false;
    let mut matched = subtle::Choice::from(0);
    for signature in header.split(',') {
        let Some(hex) = signature.trim().strip_prefix("v1=") else {
            continue;
        };
        any_v1 = true;
        // Every v1 signature is compared, matching or not, so timing says nothing about which.
        if let Some(given) = from_hex(hex) {
            matched |= given.ct_eq(&expected);
        }
    }
    if !any_v1 {
        return Err("X-PagerDuty-Signature has no v1 signature".into());
    }
    if bool::from(matched) {
        Ok(())
    } else {
        Err(
            "X-PagerDuty-Signature does not match the body signed with the signing secret in force"
                .into(),
        )
    }
}

fn from_hex(hex: &str) -> Option<[u8; 32]> {
    let bytes = hex.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        let pair = std::str::from_utf8(pair).ok()?;
        out[i] = u8::from_str_radix(pair, 16).ok()?;
    }
    Some(out)
}

/// One delivery, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    /// PagerDuty's event id: unique per event, the same on every retry (empty for an ignored
    /// event that has none).
    pub event_id: String,
    pub event_type: String,
    /// The PagerDuty incident the event is about, when it is about one.
    pub incident_id: Option<String>,
    /// When it happened in PagerDuty; absent or unreadable, the event is never taken as stale.
    pub occurred_at: Option<Timestamp>,
    pub action: Action,
}

/// What a delivery asks of monostat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Fire or close the alert named by the PagerDuty incident's id.
    Alert(AlertEvent),
    /// A note in the thread of the monostat incident the alert (the PagerDuty incident's id)
    /// belongs to.
    Note(Note),
    /// An event type we do not use.
    Ignored,
}

pub fn parse(body: &[u8]) -> Result<Delivery, BadPayload> {
    let value = parse_json(body)?;
    let Some(event) = value.get("event").filter(|e| e.is_object()) else {
        return Err(BadPayload(
            "the body lacks \"event\" (an object); is this a v3 webhook subscription?".into(),
        ));
    };
    let event_type = required_string(event, "/event_type", "event.event_type")?;
    let occurred_at = optional_string(event, "/occurred_at").and_then(|t| t.parse().ok());
    let by = optional_string(event, "/agent/summary").map(|by| name(&by));
    let data = event.get("data").unwrap_or(&Value::Null);
    // An incident's events carry the incident as `data`; a note's carry it as `data.incident`.
    let incident_id = if event_type == "incident.annotated" {
        optional_string(data, "/incident/id")
    } else if event_type.starts_with("incident.") {
        optional_string(data, "/id")
    } else {
        None
    };
    let need_incident = || {
        incident_id.clone().ok_or_else(|| {
            BadPayload(format!(
                "the {event_type} event lacks its incident's id (event.data{})",
                if event_type == "incident.annotated" {
                    ".incident.id"
                } else {
                    ".id"
                }
            ))
        })
    };
    let action = match event_type.as_str() {
        "incident.triggered" | "incident.reopened" => Action::Alert(AlertEvent::Firing {
            external_id: need_incident()?,
            message: optional_string(data, "/title"),
            description: None,
        }),
        "incident.resolved" => Action::Alert(AlertEvent::Resolved {
            external_id: need_incident()?,
        }),
        "incident.acknowledged" => {
            need_incident()?;
            Action::Note(Note::PagerdutyAcknowledged { by })
        }
        "incident.annotated" => {
            need_incident()?;
            let text = optional_string(data, "/content").unwrap_or_default();
            Action::Note(Note::PagerdutyAnnotated {
                by,
                text: cut_text(&text, MAX_PAGERDUTY_NOTE_BYTES).into_owned(),
            })
        }
        "incident.priority_updated" => {
            need_incident()?;
            Action::Note(Note::PagerdutyPriorityChanged {
                by,
                priority: optional_string(data, "/priority/summary")
                    .or_else(|| optional_string(data, "/priority/name"))
                    .map(|priority| name(&priority)),
            })
        }
        _ => Action::Ignored,
    };
    // What we ignore need not name itself (PagerDuty's test event, `pagey.ping`, may not).
    let event_id = match action {
        Action::Ignored => optional_string(event, "/id").unwrap_or_default(),
        _ => required_string(event, "/id", "event.id")?,
    };
    Ok(Delivery {
        event_id,
        event_type,
        incident_id,
        occurred_at,
        action,
    })
}

/// How much of a name PagerDuty sends (who acted, a priority) a note keeps: any real one fits,
/// and neither the job's payload nor the audit log stores whatever else a body carries there.
pub const MAX_PAGERDUTY_NAME_BYTES: usize = 200;

fn name(text: &str) -> String {
    cut_text(text, MAX_PAGERDUTY_NAME_BYTES).into_owned()
}

/// What applying a delivery did, for the answer and the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Applied(IntakeReport),
    /// A note was queued for the incident's thread (`false`: the alert is unknown to us, or
    /// the note was queued before, by an earlier attempt of the same event).
    Noted(bool),
    /// The same `X-Webhook-Id` was applied before.
    Redelivered,
    /// A later event of the same PagerDuty incident was applied already.
    Stale,
    Ignored,
}

/// Applies `delivery`, unless it was applied before (`webhook_id`) or a later event of its
/// incident was. Applying the same event twice at once (two racing retries) does no harm:
/// alert changes repeat as no-ops and the note's job is keyed by the event's id.
pub async fn apply(
    services: &Services,
    webhook_id: Option<&str>,
    delivery: &Delivery,
) -> storage::Result<Outcome> {
    let mut conn = services.db.acquire().await?;
    if let Some(id) = webhook_id
        && pagerduty_deliveries::seen(&mut conn, id).await?
    {
        return Ok(Outcome::Redelivered);
    }
    drop(conn);
    let outcome = match &delivery.action {
        Action::Alert(event) => match (&delivery.incident_id, delivery.occurred_at) {
            (Some(incident), Some(at)) => {
                let ours = IncidentEvent {
                    at: trusted_time(at, Timestamp::now()),
                    kind: match event {
                        AlertEvent::Resolved { .. } => EventKind::Resolve,
                        _ => EventKind::Fire,
                    },
                };
                apply_in_order(services, incident, ours, event, &delivery.event_type).await?
            }
            // Nothing to order it by: applied as it comes.
            _ => Outcome::Applied(
                alerts::apply(
                    services,
                    AlertSource::Pagerduty,
                    std::slice::from_ref(event),
                )
                .await?,
            ),
        },
        Action::Note(note) => {
            let external_id = delivery.incident_id.as_deref().unwrap_or_default();
            let key = format!("pagerduty:{}", delivery.event_id);
            Outcome::Noted(
                alerts::note(services, AlertSource::Pagerduty, external_id, note, &key).await?,
            )
        }
        Action::Ignored => Outcome::Ignored,
    };
    let mut conn = services.db.acquire().await?;
    remember(&mut conn, webhook_id).await?;
    Ok(outcome)
}

/// How far ahead of our clock PagerDuty's may be before an event's `occurred_at` is not
/// believed: past it, one event (or a forged time, signed or not) would make every later event
/// of its incident stale for as long as the time lies ahead.
const MAX_CLOCK_SKEW: SignedDuration = SignedDuration::from_mins(5);

/// When an event is taken to have occurred: `occurred_at`, or `now` (when it arrived) when
/// that lies further ahead than clocks drift apart.
fn trusted_time(occurred_at: Timestamp, now: Timestamp) -> Timestamp {
    if occurred_at > now + MAX_CLOCK_SKEW {
        now
    } else {
        occurred_at
    }
}

/// How often one delivery re-applies a later event that raced it before giving up; each
/// round needs yet another event of the incident arriving at that very moment.
const MAX_ROUNDS: usize = 10;

/// Fires or closes the alert of PagerDuty incident `incident` so that it ends as its latest
/// event says, whatever order racing deliveries run in. Each records its event first, then
/// applies the latest recorded event's effect until the latest no longer changes underneath
/// it: of two racing deliveries, the one that applies last re-reads the latest afterwards,
/// so the later event's effect is always the one that stays. A delivery that finds a later
/// event recorded before it changed anything leaves the alert to that event's delivery.
async fn apply_in_order(
    services: &Services,
    incident: &str,
    ours: IncidentEvent,
    event: &AlertEvent,
    event_type: &str,
) -> storage::Result<Outcome> {
    let mut conn = services.db.acquire().await?;
    let latest = pagerduty_deliveries::latest_event(&mut conn, incident).await?;
    // Checked before recording so that a late event writes nothing at all.
    if latest.is_some_and(|latest| latest.is_after(ours)) {
        tracing::info!(
            event_type,
            incident,
            "PagerDuty event older than one already applied; ignored"
        );
        return Ok(Outcome::Stale);
    }
    pagerduty_deliveries::record_event(&mut conn, incident, ours, Timestamp::now()).await?;
    drop(conn);
    let mut report: Option<IntakeReport> = None;
    let mut applied: Option<IncidentEvent> = None;
    for _ in 0..MAX_ROUNDS {
        let mut conn = services.db.acquire().await?;
        let latest = pagerduty_deliveries::latest_event(&mut conn, incident)
            .await?
            .unwrap_or(ours);
        drop(conn);
        if applied == Some(latest) {
            break;
        }
        if applied.is_none() && latest != ours {
            tracing::info!(
                event_type,
                incident,
                "PagerDuty event overtaken by a later one arriving at the same time; ignored"
            );
            return Ok(Outcome::Stale);
        }
        let effect = if latest.kind == ours.kind {
            event.clone()
        } else {
            match latest.kind {
                EventKind::Resolve => AlertEvent::Resolved {
                    external_id: incident.to_owned(),
                },
                // The later trigger's own delivery sets the title; firing keeps what is set.
                EventKind::Fire => AlertEvent::Firing {
                    external_id: incident.to_owned(),
                    message: None,
                    description: None,
                },
            }
        };
        if applied.is_some() {
            tracing::info!(
                event_type,
                incident,
                "a later PagerDuty event of this incident arrived while this one applied; \
                 applying the later one's effect again"
            );
        }
        let this = alerts::apply(
            services,
            AlertSource::Pagerduty,
            std::slice::from_ref(&effect),
        )
        .await?;
        report = Some(match report {
            Some(so_far) => merged(so_far, this),
            None => this,
        });
        applied = Some(latest);
    }
    Ok(Outcome::Applied(report.unwrap_or_default()))
}

fn merged(mut so_far: IntakeReport, more: IntakeReport) -> IntakeReport {
    so_far.opened_incidents.extend(more.opened_incidents);
    so_far.dismissed_incidents.extend(more.dismissed_incidents);
    so_far.changed_alerts += more.changed_alerts;
    so_far.cut_texts += more.cut_texts;
    so_far.shortened_ids += more.shortened_ids;
    so_far.unknown_closed += more.unknown_closed;
    so_far.transactions += more.transactions;
    so_far
}

async fn remember(
    conn: &mut storage::AnyConnection,
    webhook_id: Option<&str>,
) -> storage::Result<()> {
    match webhook_id {
        Some(id) => pagerduty_deliveries::record(conn, id, Timestamp::now()).await,
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "fake-pagerduty-signing-secret";

    #[test]
    fn any_v1_signature_made_with_the_secret_passes() {
        let body = br#"{"event":{}}"#;
        let good = sign(SECRET, body);
        let other = sign("the-previous-secret", body);
        assert_eq!(check_signature(SECRET, Some(&good), body), Ok(()));
        assert_eq!(
            check_signature(SECRET, Some(&format!("{other},{good}")), body),
            Ok(())
        );
        assert_eq!(
            check_signature(SECRET, Some(&format!("{good}, {other}")), body),
            Ok(())
        );
    }

    #[test]
    fn a_wrong_missing_or_malformed_signature_is_refused_with_a_reason() {
        let body = br#"{"event":{}}"#;
        let other = sign("the-previous-secret", body);
        for (header, says) in [
            (None, "missing"),
            (Some(other.as_str()), "does not match"),
            (Some("v0=abc"), "no v1 signature"),
            (Some("v1=zz"), "does not match"),
            (Some(""), "no v1 signature"),
        ] {
            let refused = check_signature(SECRET, header, body).expect_err("refused");
            assert!(refused.contains(says), "{header:?}: {refused}");
        }
        let signed_other_body = sign(SECRET, b"{}");
        assert!(check_signature(SECRET, Some(&signed_other_body), body).is_err());
    }

    #[test]
    fn the_fixtures_map_to_their_actions() {
        let read = |name: &str| {
            let path = format!(
                "{}/tests/fixtures/pagerduty_{name}.json",
                env!("CARGO_MANIFEST_DIR")
            );
            parse(&std::fs::read(path).expect("fixture")).expect("valid")
        };
        let triggered = read("triggered");
        assert_eq!(triggered.incident_id.as_deref(), Some("Q1FAKEINC0001"));
        assert!(triggered.occurred_at.is_some());
        assert_eq!(
            triggered.action,
            Action::Alert(AlertEvent::Firing {
                external_id: "Q1FAKEINC0001".into(),
                message: Some("[FAKE] Checkout API error rate above 5%".into()),
                description: None,
            })
        );
        assert!(matches!(
            read("reopened").action,
            Action::Alert(AlertEvent::Firing { .. })
        ));
        assert_eq!(
            read("resolved").action,
            Action::Alert(AlertEvent::Resolved {
                external_id: "Q1FAKEINC0001".into()
            })
        );
        assert_eq!(
            read("acknowledged").action,
            Action::Note(Note::PagerdutyAcknowledged {
                by: Some("Fake Responder".into())
            })
        );
        let annotated = read("annotated");
        assert_eq!(annotated.incident_id.as_deref(), Some("Q1FAKEINC0001"));
        assert!(matches!(
            annotated.action,
            Action::Note(Note::PagerdutyAnnotated { ref text, .. }) if text.contains("primary")
        ));
        assert_eq!(
            read("priority_updated").action,
            Action::Note(Note::PagerdutyPriorityChanged {
                by: Some("Fake Responder".into()),
                priority: Some("P1".into())
            })
        );
    }

    #[test]
    fn other_event_types_are_ignored_and_bad_bodies_refused() {
        let service =
            br#"{"event":{"id":"E1","event_type":"service.updated","data":{"id":"PSVC"}}}"#;
        let delivery = parse(service).expect("valid");
        assert_eq!(delivery.action, Action::Ignored);
        assert_eq!(delivery.incident_id, None);
        let ping = br#"{"event":{"event_type":"pagey.ping","resource_type":"pagey","agent":null,"data":{"message":"Hello from your friend Pagey!","type":"ping"}}}"#;
        assert_eq!(parse(ping).expect("valid").action, Action::Ignored);
        for (body, says) in [
            (&b"not json"[..], "not JSON"),
            (br#"{"messages":[]}"#, "v3 webhook"),
            (
                br#"{"event":{"event_type":"incident.triggered","data":{"id":"Q1"}}}"#,
                "event.id",
            ),
            (
                br#"{"event":{"id":"E1","event_type":"incident.triggered","data":{}}}"#,
                "event.data.id",
            ),
            (
                br#"{"event":{"id":"E1","event_type":"incident.annotated","data":{"id":"N1"}}}"#,
                "event.data.incident.id",
            ),
        ] {
            let refused = parse(body).expect_err("refused");
            assert!(refused.0.contains(says), "{refused}");
        }
    }

    #[test]
    fn long_names_are_cut() {
        let long = "y".repeat(5_000);
        let body = |event_type: &str| {
            serde_json::json!({"event": {
                "id": "E1", "event_type": event_type,
                "agent": {"summary": long},
                "data": {"id": "Q1", "priority": {"summary": long}}
            }})
            .to_string()
        };
        let Action::Note(Note::PagerdutyPriorityChanged { by, priority }) =
            parse(body("incident.priority_updated").as_bytes())
                .expect("valid")
                .action
        else {
            panic!("a note");
        };
        for cut in [by.expect("by"), priority.expect("priority")] {
            assert!(cut.len() <= MAX_PAGERDUTY_NAME_BYTES, "{}", cut.len());
            assert!(cut.starts_with("yyyy"));
        }
        let Action::Note(Note::PagerdutyAcknowledged { by }) =
            parse(body("incident.acknowledged").as_bytes())
                .expect("valid")
                .action
        else {
            panic!("a note");
        };
        assert!(by.expect("by").len() <= MAX_PAGERDUTY_NAME_BYTES);
    }

    #[test]
    fn an_occurred_at_far_ahead_is_taken_as_the_arrival() {
        let now: Timestamp = "2026-11-30T10:00:00Z".parse().expect("time");
        let ahead = |mins| now + SignedDuration::from_mins(mins);
        assert_eq!(trusted_time(ahead(-60), now), ahead(-60));
        assert_eq!(
            trusted_time(ahead(4), now),
            ahead(4),
            "clocks drift a little"
        );
        assert_eq!(trusted_time(ahead(6), now), now);
        let far: Timestamp = "2099-01-01T00:00:00Z".parse().expect("time");
        assert_eq!(trusted_time(far, now), now);
    }

    #[test]
    fn a_long_note_is_cut() {
        let long = "x".repeat(5_000);
        let body = serde_json::json!({"event": {
            "id": "E1", "event_type": "incident.annotated",
            "data": {"incident": {"id": "Q1"}, "content": long, "type": "incident_note"}
        }})
        .to_string();
        let Action::Note(Note::PagerdutyAnnotated { text, .. }) =
            parse(body.as_bytes()).expect("valid").action
        else {
            panic!("a note");
        };
        assert!(text.len() <= MAX_PAGERDUTY_NOTE_BYTES, "{}", text.len());
    }
}

//! What Slack sends, through every door monostat opens for it, into a real server that has
//! incidents (the fixtures click on incident 42). The first byte picks the door:
//! - `I`: an interaction's JSON (block_actions, view_submission, …), sent as Slack sends it over
//!   HTTP: the `payload` field of a signed form;
//! - `F`: a signed form body as it is;
//! - `E`: a signed Events API body (url_verification, event_callback, …);
//! - `S`: a Socket Mode frame, read as slack-morphism's listener reads it and handed to the same
//!   callbacks as `slack::socket_mode`.
//!
//! Every HTTP request is signed, so the fuzzer gets past the signature check to the parsing.
#![no_main]

use hmac::{Hmac, KeyInit, Mac};
use libfuzzer_sys::fuzz_target;
use monostat::domain::{IncidentStatus, Severity};
use monostat::service::Services;
use monostat::service::incidents::{self, Actor, Creation};
use monostat::slack::{Bot, SlackApi, events, interactions};
use monostat_fuzz::server::{Server, runtime};
use slack_morphism::prelude::*;
use std::sync::{Arc, LazyLock};
use tokio::runtime::Runtime;

const SIGNING_SECRET: &str = "fuzz_signing_secret_0000000000";
const PATH: &str = "/integrations/slack/events";

struct Harness {
    rt: Runtime,
    server: Server,
    bot: Bot,
}

static HARNESS: LazyLock<Harness> = LazyLock::new(|| {
    let rt = runtime();
    let server = Server::start(
        &rt,
        &[
            ("MONOSTAT_SLACK_SIGNING_SECRET", SIGNING_SECRET),
            ("MONOSTAT_SLACK_BOT_TOKEN", "xoxb-fuzz-token"),
            ("MONOSTAT_SLACK_CHANNEL", "C0FAKECHAN1"),
            // Nothing listens there: Web API calls (opening a form) fail at once.
            ("MONOSTAT_SLACK_API_URL", "http://127.0.0.1:1/api"),
        ],
    );
    let services = Services {
        db: server.handle.db.clone(),
        jobs: server.handle.jobs.clone(),
        changes: server.handle.changes.clone(),
    };
    let actor = Actor {
        via: "admin",
        name: "fuzz".into(),
    };
    rt.block_on(async {
        // Incidents 1 to 45, so that the fixtures' incident 42 exists.
        for n in 1..=45 {
            incidents::create(
                &services,
                &actor,
                &Creation {
                    title: format!("Incident {n}"),
                    status: if n % 2 == 0 {
                        IncidentStatus::Suspected
                    } else {
                        IncidentStatus::Confirmed
                    },
                    severity: Severity::Partial,
                    start: jiff::Timestamp::now(),
                    end: None,
                    summary: None,
                    text: None,
                    silent: true,
                    notify: false,
                },
            )
            .await
            .expect("an incident");
        }
    });
    let bot = Bot {
        services,
        api: SlackApi::new(&server.config.slack.api_url).expect("a Slack client"),
        config: Arc::new(server.config.clone()),
    };
    Harness { rt, server, bot }
});

/// `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`, as Slack signs.
fn sign(timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SIGNING_SECRET.as_bytes()).expect("any key");
    mac.update(format!("v0:{timestamp}:").as_bytes());
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    format!(
        "v0={}",
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    )
}

fn post(harness: &Harness, content_type: &str, body: &[u8]) {
    let now = jiff::Timestamp::now().as_second();
    let head = format!(
        "POST {PATH} HTTP/1.1\r\nContent-Type: {content_type}\r\nX-Slack-Request-Timestamp: {now}\r\nX-Slack-Signature: {}",
        sign(now, body)
    );
    let response = harness.server.send(&harness.rt, &head, body);
    assert!(
        response.status < 500,
        "{} {} for {:?}",
        response.status,
        response.text(),
        String::from_utf8_lossy(body)
    );
    // Signed correctly and in time: refused only for not being text.
    if std::str::from_utf8(body).is_ok() {
        assert_ne!(
            response.status,
            401,
            "a signed body was refused: {}",
            response.text()
        );
    }
    // Slack's URL check is answered with its challenge, and nothing else.
    if content_type == "application/json"
        && let Ok(SlackPushEvent::UrlVerification(check)) =
            serde_json::from_slice::<SlackPushEvent>(body)
    {
        assert_eq!(response.status, 200);
        assert_eq!(response.text(), check.challenge);
    }
}

/// A Socket Mode frame as slack-morphism's listener reads it (its `SlackSocketModeEvent` is not
/// exported): tagged by `type`, the payloads in slack-morphism's own types.
#[derive(serde::Deserialize)]
#[serde(tag = "type")]
enum Frame {
    #[serde(rename = "interactive")]
    Interactive {
        #[allow(dead_code)]
        envelope_id: String,
        payload: SlackInteractionEvent,
    },
    #[serde(rename = "events_api")]
    EventsApi {
        #[allow(dead_code)]
        envelope_id: String,
        payload: SlackPushEventCallback,
    },
    /// hello, disconnect, slash_commands: nothing of ours runs.
    #[serde(other)]
    Other,
}

/// What `slack::socket_mode` does with a frame: slack-morphism's parsing, then our callbacks.
fn socket_frame(harness: &Harness, frame: &[u8]) {
    let Ok(frame) = std::str::from_utf8(frame) else {
        return;
    };
    let Ok(frame) = serde_json::from_str::<Frame>(frame) else {
        return;
    };
    harness.rt.block_on(async {
        match frame {
            Frame::Interactive { payload, .. } => {
                if let Err(e) = interactions::handle(&harness.bot, payload).await {
                    panic!("interaction failed: {e}");
                }
            }
            Frame::EventsApi { payload, .. } => {
                if let Err(e) = events::handle(&harness.bot, payload).await {
                    panic!("event failed: {e}");
                }
            }
            Frame::Other => {}
        }
    });
}

fuzz_target!(|data: &[u8]| {
    let Some((&door, rest)) = data.split_first() else {
        return;
    };
    let harness = &*HARNESS;
    match door {
        b'I' => {
            let body = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("payload", &String::from_utf8_lossy(rest))
                .finish();
            post(
                harness,
                "application/x-www-form-urlencoded",
                body.as_bytes(),
            );
        }
        b'F' => post(harness, "application/x-www-form-urlencoded", rest),
        b'E' => post(harness, "application/json", rest),
        b'S' => socket_frame(harness, rest),
        _ => {}
    }
});

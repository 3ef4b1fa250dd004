//! A fake Slack Web API: a small axum app on a random port that records every call and answers
//! the way Slack does, including its failures, which tests can script per method. Like Slack,
//! it refuses messages and views past Block Kit's limits (see `block_kit`).

#![allow(dead_code)]

mod block_kit;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// One call as Slack would have received it.
#[derive(Clone, Debug)]
pub struct Call {
    pub method: String,
    /// The JSON body of a POST, or the query parameters of a GET as a JSON object.
    pub body: Value,
    pub token: Option<String>,
    pub at: Instant,
    /// What the fake answered (for HTTP 429 and 500: `{"ok":false,"error":…}` as well).
    pub answer: Value,
}

impl Call {
    /// Whether Slack took the call (`ok: true`).
    pub fn accepted(&self) -> bool {
        self.answer["ok"] == true
    }
}

/// A scripted answer, used once.
#[derive(Clone, Debug)]
pub enum Failure {
    /// HTTP 429 with `Retry-After` (seconds) and `{"ok":false,"error":"ratelimited"}`.
    RateLimited { retry_after: u64 },
    /// HTTP 500.
    ServerError,
    /// HTTP 200 with `{"ok":false,"error":code}`.
    Error(&'static str),
}

/// What the fake Socket Mode server sends next on a connection.
#[derive(Clone, Debug)]
pub enum Frame {
    /// An envelope (`events_api`, `interactive`), which the app must acknowledge.
    Envelope(Value),
    /// `disconnect` (refresh requested), then the socket is closed.
    Disconnect,
}

#[derive(Default)]
struct Inner {
    /// The Socket Mode URL `apps.connections.open` hands out.
    socket_url: String,
    /// Socket Mode connections accepted so far.
    connections: usize,
    /// Acknowledgements received, as sent, with the number of the connection they came on.
    acks: Vec<(usize, Value)>,
    calls: Vec<Call>,
    scripted: HashMap<String, VecDeque<Failure>>,
    next_ts: u64,
    channels: Vec<Channel>,
    /// The most channels one page of `conversations.list` holds, whatever `limit` asks for:
    /// Slack too may return fewer than asked for before the end, and two a page makes every
    /// test page through the list.
    page_size: usize,
}

/// A channel in the fake workspace, as the bot sees it.
#[derive(Clone, Debug)]
struct Channel {
    id: String,
    name: String,
    archived: bool,
    private: bool,
    /// Whether the bot is in it (`conversations.join` puts it there).
    member: bool,
}

impl Channel {
    fn public(id: &str, name: &str) -> Channel {
        Channel {
            id: id.into(),
            name: name.into(),
            archived: false,
            private: false,
            member: false,
        }
    }

    /// A conversation object as `conversations.list` and `conversations.info` give it.
    fn json(&self) -> Value {
        json!({
            "id": self.id, "name": self.name, "name_normalized": self.name,
            "is_channel": true, "is_group": false, "is_im": false, "is_mpim": false,
            "is_private": self.private, "is_archived": self.archived,
            "is_general": self.name == "general", "is_shared": false, "is_org_shared": false,
            "is_member": self.member, "created": 1_700_000_000, "creator": "U0FAKEADM01",
            "num_members": 3
        })
    }

    /// Whether the bot can see it at all: a private channel only from inside.
    fn visible(&self) -> bool {
        !self.private || self.member
    }
}

#[derive(Clone)]
pub struct FakeSlack {
    inner: Arc<Mutex<Inner>>,
    frames: tokio::sync::mpsc::UnboundedSender<Frame>,
    pub api_url: String,
}

impl FakeSlack {
    pub async fn start() -> FakeSlack {
        let inner = Arc::new(Mutex::new(Inner {
            next_ts: 1_767_225_600_000_100,
            channels: vec![
                Channel::public("C0FAKEGEN01", "general"),
                Channel::public("C0FAKERND01", "random"),
                Channel::public("C0FAKECHAN1", "statuspage"),
            ],
            page_size: 2,
            ..Inner::default()
        }));
        let app = Router::new()
            .route("/api/{method}", any(handle))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let (frames, receiver) = tokio::sync::mpsc::unbounded_channel();
        let sockets = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        inner.lock().expect("state").socket_url = format!(
            "ws://{}/link/?ticket=fake",
            sockets.local_addr().expect("address")
        );
        tokio::spawn(serve_sockets(
            sockets,
            inner.clone(),
            Arc::new(tokio::sync::Mutex::new(receiver)),
            frames.clone(),
        ));
        FakeSlack {
            inner,
            frames,
            api_url: format!("http://{addr}/api"),
        }
    }

    /// Sends `frame` on one of the open Socket Mode connections (the first free one).
    pub fn send(&self, frame: Frame) {
        self.frames.send(frame).expect("socket server running");
    }

    pub fn socket_connections(&self) -> usize {
        self.lock().connections
    }

    pub fn acks(&self) -> Vec<Value> {
        self.lock()
            .acks
            .iter()
            .map(|(_, ack)| ack.clone())
            .collect()
    }

    /// Acknowledgements with the connection (1, 2, … in the order accepted) each came on.
    pub fn acks_by_connection(&self) -> Vec<(usize, Value)> {
        self.lock().acks.clone()
    }

    /// Points `config` at this fake Slack, with a bot token and `#statuspage`, as a deployment
    /// configured by environment would be.
    pub fn configure(&self, config: &mut monostat::config::Config) {
        use monostat::config::Secret;
        config.slack.bot_token = Some(Secret::new("xoxb-fake-token"));
        config.slack.channel = Some("#statuspage".into());
        config.slack.api_url = self.api_url.parse().expect("URL");
    }

    /// The next call of `method` fails this way (calls after it succeed again).
    pub fn fail_next(&self, method: &str, failure: Failure) {
        self.lock()
            .scripted
            .entry(method.to_owned())
            .or_default()
            .push_back(failure);
    }

    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.method == method)
            .collect()
    }

    /// The calls of `method` that Slack took: what people in Slack actually see.
    pub fn accepted(&self, method: &str) -> Vec<Call> {
        self.calls_to(method)
            .into_iter()
            .filter(Call::accepted)
            .collect()
    }

    /// Adds a public channel the bot is not in yet.
    pub fn add_channel(&self, id: &str, name: &str) {
        self.lock().channels.push(Channel::public(id, name));
    }

    /// Adds a private channel; the bot sees it only when `member`.
    pub fn add_private_channel(&self, id: &str, name: &str, member: bool) {
        self.lock().channels.push(Channel {
            private: true,
            member,
            ..Channel::public(id, name)
        });
    }

    /// Archives the channel called `name`, as a person in Slack would.
    pub fn archive(&self, name: &str) {
        for channel in self.lock().channels.iter_mut().filter(|c| c.name == name) {
            channel.archived = true;
        }
    }

    /// Puts the bot in the channel called `name`, as `/invite @app` there does.
    pub fn invite(&self, name: &str) {
        for channel in self.lock().channels.iter_mut().filter(|c| c.name == name) {
            channel.member = true;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().expect("fake Slack state")
    }
}

async fn handle(
    State(inner): State<Arc<Mutex<Inner>>>,
    Path(method): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: String,
) -> Response {
    let body: Value = if body.is_empty() {
        let params: HashMap<String, String> =
            url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                .into_owned()
                .collect();
        json!(params)
    } else {
        serde_json::from_str(&body).unwrap_or(Value::String(body))
    };
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let mut inner = inner.lock().expect("fake Slack state");
    inner.calls.push(Call {
        method: method.clone(),
        body: body.clone(),
        token,
        at: Instant::now(),
        answer: Value::Null,
    });
    let response = answer(&mut inner, &method, &body);
    let (recorded, response) = match response {
        Reply::Json(value) => (value.clone(), ok_json(value)),
        Reply::RateLimited { retry_after } => {
            let value = json!({"ok": false, "error": "ratelimited"});
            let response = (
                StatusCode::TOO_MANY_REQUESTS,
                [
                    ("retry-after", retry_after.to_string()),
                    ("content-type", "application/json".into()),
                ],
                value.to_string(),
            )
                .into_response();
            (value, response)
        }
        Reply::ServerError => (
            json!({"ok": false, "error": "http_500"}),
            (StatusCode::INTERNAL_SERVER_ERROR, "upstream error").into_response(),
        ),
    };
    if let Some(call) = inner.calls.last_mut() {
        call.answer = recorded;
    }
    response
}

/// An answer before it is sent.
enum Reply {
    Json(Value),
    RateLimited { retry_after: u64 },
    ServerError,
}

/// Slack's refusal of content past Block Kit's limits, as Slack words it.
fn refused(refusal: block_kit::Refusal) -> Reply {
    let mut answer = json!({"ok": false, "error": refusal.error});
    if !refusal.messages.is_empty() {
        answer["response_metadata"] = json!({"messages": refusal.messages});
    }
    Reply::Json(answer)
}

fn answer(inner: &mut Inner, method: &str, body: &Value) -> Reply {
    if let Some(failure) = inner.scripted.get_mut(method).and_then(VecDeque::pop_front) {
        return match failure {
            Failure::RateLimited { retry_after } => Reply::RateLimited { retry_after },
            Failure::ServerError => Reply::ServerError,
            Failure::Error(code) => Reply::Json(json!({"ok": false, "error": code})),
        };
    }
    // Like Slack: no token at all, or one it never issued (here: anything but xoxb-/xapp-, or
    // one marked revoked), is refused before the method runs.
    match inner.calls.last().and_then(|c| c.token.as_deref()) {
        None => return Reply::Json(json!({"ok": false, "error": "not_authed"})),
        Some(t) if !(t.starts_with("xoxb-") || t.starts_with("xapp-")) || t.contains("revoked") => {
            return Reply::Json(json!({"ok": false, "error": "invalid_auth"}));
        }
        Some(_) => {}
    }
    // Like Slack: content past Block Kit's limits is refused, and nothing is posted or shown.
    let checked = match method {
        "chat.postMessage" | "chat.postEphemeral" => block_kit::check_message(body, true),
        "chat.update" => block_kit::check_message(body, false),
        "views.open" | "views.update" | "views.push" | "views.publish" => {
            block_kit::check_view(body)
        }
        _ => Ok(()),
    };
    if let Err(refusal) = checked {
        return refused(refusal);
    }
    // Like Slack: an ephemeral message is for somebody.
    if method == "chat.postEphemeral" && body["user"].as_str().is_none_or(str::is_empty) {
        return Reply::Json(json!({"ok": false, "error": "user_not_found"}));
    }
    Reply::Json(match method {
        "chat.postMessage" => {
            inner.next_ts += 100;
            let ts = format!(
                "{}.{:06}",
                inner.next_ts / 1_000_000,
                inner.next_ts % 1_000_000
            );
            json!({
                "ok": true, "channel": body["channel"], "ts": ts,
                "message": {"type": "message", "user": "U0FAKEBOT01", "bot_id": "B0FAKEBOT01",
                            "ts": ts, "text": body["text"]}
            })
        }
        "chat.postEphemeral" => {
            json!({"ok": true, "message_ts": format!("{}.000200", inner.next_ts / 1_000_000)})
        }
        "chat.update" => json!({
            "ok": true, "channel": body["channel"], "ts": body["ts"], "text": body["text"],
            "message": {"user": "U0FAKEBOT01", "bot_id": "B0FAKEBOT01", "text": body["text"]}
        }),
        "conversations.list" => return conversations_list(inner, body),
        "conversations.info" => {
            // Like Slack: an id it does not know, and a private channel the bot is not in, are
            // both `channel_not_found`; names are not ids.
            match body["channel"].as_str().and_then(|id| inner.find(id)) {
                Some(channel) => json!({"ok": true, "channel": channel.json()}),
                None => json!({"ok": false, "error": "channel_not_found"}),
            }
        }
        "conversations.join" => {
            let Some(id) = body["channel"].as_str() else {
                return Reply::Json(json!({"ok": false, "error": "channel_not_found"}));
            };
            match inner
                .channels
                .iter_mut()
                .find(|c| c.id == id && c.visible())
            {
                None => json!({"ok": false, "error": "channel_not_found"}),
                Some(c) if c.archived => json!({"ok": false, "error": "is_archived"}),
                Some(c) if c.private => {
                    json!({"ok": false, "error": "method_not_supported_for_channel_type"})
                }
                Some(c) => {
                    let already = c.member;
                    c.member = true;
                    let mut answer = json!({"ok": true, "channel": c.json()});
                    if already {
                        answer["warning"] = "already_in_channel".into();
                        answer["response_metadata"] = json!({"warnings": ["already_in_channel"]});
                    }
                    answer
                }
            }
        }
        "views.publish" => {
            let mut view = body["view"].clone();
            view["id"] = "V0FAKEHOME1".into();
            view["team_id"] = "T0FAKE0001".into();
            view["hash"] = "1767236400.FAKEhome".into();
            json!({"ok": true, "view": view})
        }
        "views.open" | "views.update" | "views.push" => {
            // Slack answers with the view it opened, plus the ids and state it keeps.
            let mut view = body["view"].clone();
            view["id"] = "V0FAKEMOD01".into();
            view["team_id"] = "T0FAKE0001".into();
            view["hash"] = "1767229101.FAKEhash".into();
            view["state"] = json!({"values": {}});
            view["app_id"] = "A0FAKEAPP01".into();
            view["bot_id"] = "B0FAKEBOT01".into();
            json!({"ok": true, "view": view})
        }
        "apps.connections.open" => json!({"ok": true, "url": inner.socket_url}),
        "auth.test" => {
            json!({"ok": true, "url": "https://fake.slack.test/", "team": "Fake", "user": "monostat", "team_id": "T0FAKE0001", "user_id": "U0FAKEBOT01"})
        }
        _ => json!({"ok": false, "error": "unknown_method"}),
    })
}

impl Inner {
    /// The channel with this id, if the bot can see it.
    fn find(&self, id: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id && c.visible())
    }
}

/// `conversations.list` as Slack pages it: `limit` (default 100; Slack refuses anything but a
/// whole number from 1 to 1000), an opaque `cursor` it handed out (anything else is
/// `invalid_cursor`), `exclude_archived`, and `types` (default `public_channel`; private channels
/// only with `private_channel`, and only those the bot is in).
fn conversations_list(inner: &Inner, body: &Value) -> Reply {
    let param = |name: &str| body[name].as_str().filter(|v| !v.is_empty());
    let limit = match param("limit") {
        None => 100,
        Some(limit) => match limit.parse::<usize>() {
            Ok(n) if (1..=1000).contains(&n) => n,
            _ => return Reply::Json(json!({"ok": false, "error": "invalid_limit"})),
        },
    };
    let start = match param("cursor") {
        None => 0,
        Some(cursor) => match cursor
            .strip_prefix("dGVhbTpD")
            .and_then(|n| n.parse::<usize>().ok())
        {
            Some(start) if start <= inner.channels.len() => start,
            _ => return Reply::Json(json!({"ok": false, "error": "invalid_cursor"})),
        },
    };
    let types = param("types").unwrap_or("public_channel");
    let known = ["public_channel", "private_channel", "mpim", "im"];
    if !types.split(',').all(|t| known.contains(&t)) {
        return Reply::Json(json!({"ok": false, "error": "invalid_types"}));
    }
    let public = types.split(',').any(|t| t == "public_channel");
    let private = types.split(',').any(|t| t == "private_channel");
    let exclude_archived = param("exclude_archived") == Some("true");
    let wanted = |c: &Channel| {
        c.visible() && if c.private { private } else { public } && !(exclude_archived && c.archived)
    };
    // The cursor counts positions in the whole list, so a page filtered down stays in place.
    let take = limit.min(inner.page_size);
    let mut channels = Vec::new();
    let mut position = start;
    while position < inner.channels.len() && channels.len() < take {
        if wanted(&inner.channels[position]) {
            channels.push(inner.channels[position].json());
        }
        position += 1;
    }
    let rest = inner.channels[position..].iter().any(wanted);
    let next = if rest {
        format!("dGVhbTpD{position}")
    } else {
        String::new()
    };
    Reply::Json(
        json!({"ok": true, "channels": channels, "response_metadata": {"next_cursor": next}}),
    )
}

const HELLO: &str = include_str!("../fixtures/slack_socket_hello.json");
const DISCONNECT: &str = include_str!("../fixtures/slack_socket_disconnect.json");

/// How long Slack waits for an acknowledgement before it delivers an envelope again.
const REDELIVER_AFTER: std::time::Duration = std::time::Duration::from_secs(3);

/// Accepts Socket Mode connections: each gets `hello`, then frames from the test, and reports
/// every acknowledgement it reads. Like Slack, it delivers an envelope again (on whichever
/// connection is free) when it was not acknowledged in time or its connection closed first.
async fn serve_sockets(
    listener: tokio::net::TcpListener,
    inner: Arc<Mutex<Inner>>,
    frames: Arc<tokio::sync::Mutex<tokio::sync::mpsc::UnboundedReceiver<Frame>>>,
    again: tokio::sync::mpsc::UnboundedSender<Frame>,
) {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    while let Ok((stream, _)) = listener.accept().await {
        let inner = inner.clone();
        let frames = frames.clone();
        let again = again.clone();
        tokio::spawn(async move {
            let Ok(mut socket) = tokio_tungstenite::accept_async(stream).await else {
                return;
            };
            let connection = {
                let mut inner = inner.lock().expect("state");
                inner.connections += 1;
                inner.connections
            };
            if socket.send(Message::text(HELLO)).await.is_err() {
                return;
            }
            // Envelopes sent on this connection and not acknowledged yet.
            let mut unacked: Vec<(Value, Instant)> = Vec::new();
            let mut tick = tokio::time::interval(std::time::Duration::from_millis(250));
            loop {
                let next = async { frames.lock().await.recv().await };
                tokio::select! {
                    frame = next => match frame {
                        Some(Frame::Envelope(envelope)) => {
                            if socket.send(Message::text(envelope.to_string())).await.is_err() {
                                let _ = again.send(Frame::Envelope(envelope));
                                break;
                            }
                            unacked.push((envelope, Instant::now()));
                        }
                        Some(Frame::Disconnect) => {
                            let _ = socket.send(Message::text(DISCONNECT)).await;
                            let _ = socket.close(None).await;
                            break;
                        }
                        None => break,
                    },
                    message = socket.next() => match message {
                        Some(Ok(Message::Text(text))) => {
                            if let Ok(ack) = serde_json::from_str::<Value>(text.as_str()) {
                                unacked.retain(|(e, _)| e["envelope_id"] != ack["envelope_id"]);
                                inner.lock().expect("state").acks.push((connection, ack));
                            }
                        }
                        Some(Ok(_)) => {}
                        _ => break,
                    },
                    _ = tick.tick() => {
                        let (late, waiting): (Vec<_>, Vec<_>) =
                            unacked.into_iter().partition(|(_, sent)| sent.elapsed() >= REDELIVER_AFTER);
                        unacked = waiting;
                        for (envelope, _) in late {
                            let _ = again.send(Frame::Envelope(envelope));
                        }
                    }
                }
            }
            for (envelope, _) in unacked {
                let _ = again.send(Frame::Envelope(envelope));
            }
        });
    }
}

fn ok_json(value: Value) -> Response {
    ([("content-type", "application/json")], value.to_string()).into_response()
}

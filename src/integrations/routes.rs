//! Alert hooks: where monitoring systems tell us something broke or recovered.
//!
//! The URL's last segment is the shared secret (monitoring systems cannot sign their requests).
//! Each delivery is answered only after it is committed, so a 2xx means nothing is lost and a
//! 503 (database unavailable) makes the sender retry. Nothing is refused for its size within
//! the body limit: over-long texts are kept cut and a delivery of many alerts is applied in
//! several transactions (see `service::alerts::apply`); the answer says what was cut.

use super::{alertmanager, grafana, opsgenie, pagerduty, webhook};
use crate::domain::alerts::{MAX_ALERT_ID_BYTES, MAX_ALERT_TEXT_BYTES};
use crate::service::Services;
use crate::service::alerts::{self, AlertSource, IntakeReport};
use crate::service::watch;
use crate::storage::integrations;
use crate::web::WebError;
use crate::web::secrets::Secrets;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRef, Path, State};
use axum::routing::{get, post};
use jiff::Timestamp;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

/// Real deliveries are a few KiB (OpsGenie truncates descriptions to 1000 characters;
/// Alertmanager caps alerts per delivery with `max_alerts`); a MiB leaves room without letting
/// anyone make us buffer much. It holds about 24,000 of the smallest alerts, which
/// `service::alerts::apply` takes in bounded transactions.
pub const MAX_HOOK_BODY: usize = 1024 * 1024;

/// What the alert hooks use: one `Arc`, so taking it costs a delivery one clone.
pub type HookState = Arc<HookParts>;

pub struct HookParts {
    /// The hook secret, from memory.
    pub secrets: Secrets,
    pub services: Services,
    /// When this instance last wrote each source's "last delivered" (see [`delivered`]).
    recorded: std::sync::Mutex<HashMap<&'static str, Instant>>,
    /// When this instance last wrote a heartbeat (see [`heartbeat`]).
    pinged: std::sync::Mutex<Option<Instant>>,
}

impl HookParts {
    pub fn new(secrets: Secrets, services: Services) -> Self {
        HookParts {
            secrets,
            services,
            recorded: std::sync::Mutex::default(),
            pinged: std::sync::Mutex::default(),
        }
    }
}

/// How stale the admin's "last delivered" may be: a flood of deliveries writes it once per
/// this interval per instance, not once per delivery.
const RECORD_EVERY: Duration = Duration::from_secs(5);

/// Notes, for the admin's hook page, that `source` delivered something we accepted. Written at
/// most every [`RECORD_EVERY`] per source and instance; a failure to write it is logged and
/// does not fail the delivery (it has been applied already).
pub(super) async fn delivered(state: &HookParts, source: &'static str) {
    let now = Instant::now();
    {
        let mut recorded = state.recorded.lock().unwrap_or_else(|e| e.into_inner());
        if recorded
            .get(source)
            .is_some_and(|at| now.duration_since(*at) < RECORD_EVERY)
        {
            return;
        }
        recorded.insert(source, now);
    }
    let result = async {
        let mut conn = state.services.db.acquire().await?;
        integrations::record_delivery(&mut conn, source, Timestamp::now()).await
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(source, error = %e, "cannot note the hook's last delivery");
    }
}

pub fn routes<S>(state: HookState) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    HookState: FromRef<S>,
{
    Router::new()
        // With and without the trailing slash: the original's Django URLs had one.
        .route("/integrations/opsgenie/hook/{secret}", post(opsgenie_hook))
        .route("/integrations/opsgenie/hook/{secret}/", post(opsgenie_hook))
        // Jira Service Management's Webhook integration sends OpsGenie's alert JSON; its own
        // path keeps the two apart in logs and metrics (route patterns) and in the admin's list.
        .route("/integrations/jsm/hook/{secret}", post(jsm_hook))
        .route("/integrations/jsm/hook/{secret}/", post(jsm_hook))
        .route("/integrations/webhook/hook/{secret}", post(webhook_hook))
        .route("/integrations/webhook/hook/{secret}/", post(webhook_hook))
        .route(
            "/integrations/pagerduty/hook/{secret}",
            post(pagerduty_hook),
        )
        .route(
            "/integrations/pagerduty/hook/{secret}/",
            post(pagerduty_hook),
        )
        .merge(alertmanager_shaped(state.clone()))
        // Before the body is read: a stranger's megabyte is refused unread.
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            require_secret,
        ))
        .merge(heartbeat_routes(state))
        .layer(DefaultBodyLimit::max(MAX_HOOK_BODY))
}

/// The heartbeat, under its own token (`settings::heartbeat_token`), not the hook secret: its
/// URL is a GET that lands in crontabs, uptime monitors and proxy logs, and must not be enough
/// to fire alerts if it leaks. Nor does the hook secret work here: one credential, one use.
fn heartbeat_routes<S>(state: HookState) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    HookState: FromRef<S>,
{
    Router::new()
        // Uptime Kuma's push monitors and cron's curl GET; most other senders POST.
        .route(
            "/integrations/heartbeat/{token}",
            get(heartbeat).post(heartbeat),
        )
        .route(
            "/integrations/heartbeat/{token}/",
            get(heartbeat).post(heartbeat),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            require_heartbeat_token,
        ))
}

async fn require_heartbeat_token(
    State(state): State<HookState>,
    Path(token): Path<String>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let expected = match state.secrets.get().await {
        Ok(known) => crate::settings::heartbeat_token(&known.webhook),
        Err(e) => return axum::response::IntoResponse::into_response(WebError::from(e)),
    };
    if bool::from(token.as_bytes().ct_eq(expected.as_bytes())) {
        next.run(request).await
    } else {
        tracing::warn!("heartbeat called with a wrong token");
        axum::response::IntoResponse::into_response(WebError::Forbidden)
    }
}

/// Alertmanager's JSON, from Prometheus Alertmanager or Grafana's webhook contact point. With a
/// Grafana secret set, both paths require Grafana's signature: a forger who learned the URL would
/// otherwise send to the unsigned one (a real Alertmanager, which cannot sign, then needs the
/// secret left empty). Grafana's own path keeps its deliveries apart on the hook page.
fn alertmanager_shaped<S>(state: HookState) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    HookState: FromRef<S>,
{
    Router::new()
        .route(
            "/integrations/alertmanager/hook/{secret}",
            post(alertmanager_hook),
        )
        .route(
            "/integrations/alertmanager/hook/{secret}/",
            post(alertmanager_hook),
        )
        .route("/integrations/grafana/hook/{secret}", post(grafana_hook))
        .route("/integrations/grafana/hook/{secret}/", post(grafana_hook))
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            require_grafana_signature,
        ))
}

/// Refuses, 401 with the reason and nothing changed, a delivery a Grafana secret in force
/// says is not signed. Runs after the hook secret was checked, so only someone who knows the
/// URL gets the body read here.
async fn require_grafana_signature(
    State(state): State<HookState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::extract::FromRequest;
    use axum::response::IntoResponse;
    let signing = match state.secrets.get().await {
        Ok(known) => known.hook_signing,
        Err(e) => return WebError::from(e).into_response(),
    };
    if signing.grafana.value.is_empty() {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let request = axum::extract::Request::from_parts(parts.clone(), body);
    // Read as the handler would, within the same limit and refused the same way.
    let body = match Bytes::from_request(request, &()).await {
        Ok(body) => body,
        Err(rejection) => return rejection.into_response(),
    };
    if let Err(refused) = grafana::check(&signing, &parts.headers, &body, Timestamp::now()) {
        tracing::warn!(reason = %refused, "Alertmanager-shaped delivery refused: Grafana signature");
        return (axum::http::StatusCode::UNAUTHORIZED, refused.to_string()).into_response();
    }
    next.run(axum::extract::Request::from_parts(parts, body.into()))
        .await
}

async fn require_secret(
    State(state): State<HookState>,
    Path(secret): Path<String>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    match check_secret(&state, &secret).await {
        Ok(()) => next.run(request).await,
        Err(e) => axum::response::IntoResponse::into_response(e),
    }
}

async fn opsgenie_hook(State(state): State<HookState>, body: Bytes) -> Result<String, WebError> {
    opsgenie_shaped(&state, "opsgenie", &body).await
}

async fn jsm_hook(State(state): State<HookState>, body: Bytes) -> Result<String, WebError> {
    opsgenie_shaped(&state, "jsm", &body).await
}

/// OpsGenie's alert JSON, from OpsGenie or Jira Service Management (`hook` names which, for
/// the hook page). Both keep their alerts apart from other sources under `opsgenie`, as the
/// original did: a team moving from one to the other keeps its open alerts.
async fn opsgenie_shaped(
    state: &HookParts,
    hook: &'static str,
    body: &[u8],
) -> Result<String, WebError> {
    let delivery = opsgenie::parse(body).map_err(|e| WebError::BadRequest(e.0))?;
    if delivery.events.is_empty() {
        tracing::info!(hook, action = %delivery.action, "OpsGenie action ignored");
        delivered(state, hook).await;
        return Ok("OK".into());
    }
    let report = alerts::apply(&state.services, AlertSource::Opsgenie, &delivery.events).await?;
    delivered(state, hook).await;
    tracing::info!(hook, action = %delivery.action, ?report, "OpsGenie delivery applied");
    Ok(answer(&report))
}

async fn alertmanager_hook(
    State(state): State<HookState>,
    body: Bytes,
) -> Result<String, WebError> {
    alertmanager_delivery(&state, "alertmanager", &body).await
}

async fn grafana_hook(State(state): State<HookState>, body: Bytes) -> Result<String, WebError> {
    alertmanager_delivery(&state, "grafana", &body).await
}

/// Alertmanager's JSON from Alertmanager or Grafana (`hook` names which, for the hook page).
/// Both keep their alerts under `alertmanager`: fingerprints are Alertmanager's either way.
async fn alertmanager_delivery(
    state: &HookParts,
    hook: &'static str,
    body: &[u8],
) -> Result<String, WebError> {
    let alertmanager::Delivery { events, watchdog } =
        alertmanager::parse(body).map_err(|e| WebError::BadRequest(e.0))?;
    if watchdog {
        watch::ping(&state.services, "watchdog").await?;
    }
    let report = alerts::apply(&state.services, AlertSource::Alertmanager, &events).await?;
    delivered(state, hook).await;
    tracing::info!(
        hook,
        alerts = events.len(),
        watchdog,
        ?report,
        "Alertmanager delivery applied"
    );
    Ok(answer(&report))
}

async fn webhook_hook(State(state): State<HookState>, body: Bytes) -> Result<String, WebError> {
    let event = webhook::parse(&body).map_err(|e| WebError::BadRequest(e.0))?;
    let events = [event];
    let report = alerts::apply(&state.services, AlertSource::Webhook, &events).await?;
    delivered(&state, "webhook").await;
    tracing::info!(?report, "generic webhook delivery applied");
    Ok(answer(&report))
}

/// PagerDuty's v3 webhook: signed (when a signing secret is set) on top of the URL's secret,
/// one event per delivery. A bad signature is a 401, which PagerDuty does not retry.
async fn pagerduty_hook(
    State(state): State<HookState>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<axum::response::Response, WebError> {
    use axum::response::IntoResponse;
    let secret = state
        .secrets
        .get()
        .await?
        .hook_signing
        .pagerduty
        .value
        .clone();
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if secret.is_empty() {
        pagerduty::warn_unsigned();
    } else if let Err(reason) =
        pagerduty::check_signature(&secret, header(pagerduty::SIGNATURE_HEADER), &body)
    {
        tracing::warn!(reason, "PagerDuty delivery refused");
        return Ok((axum::http::StatusCode::UNAUTHORIZED, reason).into_response());
    }
    let delivery = pagerduty::parse(&body).map_err(|e| WebError::BadRequest(e.0))?;
    let webhook_id = header(pagerduty::WEBHOOK_ID_HEADER).filter(|id| !id.is_empty());
    // Longer ids than PagerDuty's are no id of theirs; not remembering them costs nothing.
    let webhook_id = webhook_id.filter(|id| id.len() <= 200);
    let outcome = pagerduty::apply(&state.services, webhook_id, &delivery).await?;
    delivered(&state, "pagerduty").await;
    tracing::info!(
        event_type = delivery.event_type,
        incident = delivery.incident_id,
        ?outcome,
        "PagerDuty delivery applied"
    );
    let answer = match outcome {
        pagerduty::Outcome::Applied(report) => answer(&report),
        pagerduty::Outcome::Redelivered => "OK (already applied)".into(),
        pagerduty::Outcome::Stale => {
            "OK (ignored: a later event of this incident was applied)".into()
        }
        pagerduty::Outcome::Noted(_) | pagerduty::Outcome::Ignored => "OK".into(),
    };
    Ok(answer.into_response())
}

/// Monitoring is alive. The body, if any, is not read: whatever a sender puts there (Uptime
/// Kuma's status, a script's output) says nothing the ping does not.
///
/// Pings within [`PING_EVERY`] of the last one this instance wrote are answered without a
/// write: a flood of them must not become a flood of write transactions. The last ping on record
/// is then at most that much older than the true one, less than the watch's one-second tick.
async fn heartbeat(State(state): State<HookState>) -> Result<&'static str, WebError> {
    let now = Instant::now();
    let fresh = state
        .pinged
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .is_some_and(|at| now.duration_since(at) < PING_EVERY);
    if !fresh {
        watch::ping(&state.services, "heartbeat").await?;
        *state.pinged.lock().unwrap_or_else(|e| e.into_inner()) = Some(now);
        delivered(&state, "heartbeat").await;
    }
    Ok("OK")
}

/// At most one heartbeat write per instance this often.
const PING_EVERY: Duration = Duration::from_millis(500);

/// "OK", and what was kept shorter than it came: senders show the answer in their logs, which is
/// where whoever configured the alert will look for why its text is cut.
fn answer(report: &IntakeReport) -> String {
    let mut notes = Vec::new();
    if report.cut_texts > 0 {
        notes.push(format!(
            "{} {} longer than {MAX_ALERT_TEXT_BYTES} bytes kept cut",
            report.cut_texts,
            if report.cut_texts == 1 {
                "text"
            } else {
                "texts"
            }
        ));
    }
    if report.shortened_ids > 0 {
        notes.push(format!(
            "{} alert {} longer than {MAX_ALERT_ID_BYTES} bytes stored shortened",
            report.shortened_ids,
            if report.shortened_ids == 1 {
                "id"
            } else {
                "ids"
            }
        ));
    }
    if notes.is_empty() {
        "OK".into()
    } else {
        format!("OK ({})", notes.join("; "))
    }
}

/// The secret from `MONOSTAT_WEBHOOK_SECRET` if set, else the stored one (both from memory);
/// compared in constant time so response timing reveals nothing about it.
async fn check_secret(state: &HookState, given: &str) -> Result<(), WebError> {
    let expected = state.secrets.get().await?.webhook;
    if bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        tracing::warn!("alert hook called with a wrong secret");
        Err(WebError::Forbidden)
    }
}

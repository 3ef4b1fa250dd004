//! Alert hooks: where monitoring systems tell us something broke or recovered.
//!
//! The URL's last segment is the shared secret (monitoring systems cannot sign their requests).
//! Each delivery is answered only after it is committed, so a 2xx means nothing is lost and a
//! 503 (database unavailable) makes the sender retry.

use super::{AppState, WebError};
use crate::integrations::{alertmanager, opsgenie};
use crate::service::alerts::{self, AlertSource};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::routing::post;
use subtle::ConstantTimeEq;

/// Real deliveries are a few KiB (OpsGenie truncates descriptions to 1000 characters;
/// Alertmanager caps alerts per delivery with `max_alerts`); a MiB leaves room without letting
/// anyone make us buffer much.
pub const MAX_HOOK_BODY: usize = 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        // With and without the trailing slash: the original's Django URLs had one.
        .route("/integrations/opsgenie/hook/{secret}", post(opsgenie_hook))
        .route("/integrations/opsgenie/hook/{secret}/", post(opsgenie_hook))
        .route(
            "/integrations/alertmanager/hook/{secret}",
            post(alertmanager_hook),
        )
        .route(
            "/integrations/alertmanager/hook/{secret}/",
            post(alertmanager_hook),
        )
        .layer(DefaultBodyLimit::max(MAX_HOOK_BODY))
}

async fn opsgenie_hook(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    body: Bytes,
) -> Result<&'static str, WebError> {
    check_secret(&state, &secret).await?;
    let delivery = opsgenie::parse(&body).map_err(|e| WebError::BadRequest(e.0))?;
    if delivery.events.is_empty() {
        tracing::info!(action = %delivery.action, "OpsGenie action ignored");
        return Ok("OK");
    }
    let report = alerts::apply(&state.services(), AlertSource::Opsgenie, &delivery.events).await?;
    tracing::info!(action = %delivery.action, ?report, "OpsGenie delivery applied");
    Ok("OK")
}

async fn alertmanager_hook(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    body: Bytes,
) -> Result<&'static str, WebError> {
    check_secret(&state, &secret).await?;
    let events = alertmanager::parse(&body).map_err(|e| WebError::BadRequest(e.0))?;
    let report = alerts::apply(&state.services(), AlertSource::Alertmanager, &events).await?;
    tracing::info!(
        alerts = events.len(),
        ?report,
        "Alertmanager delivery applied"
    );
    Ok("OK")
}

/// The secret from `MONOSTAT_WEBHOOK_SECRET` if set, else the stored one (both from memory);
/// compared in constant time so response timing reveals nothing about it.
async fn check_secret(state: &AppState, given: &str) -> Result<(), WebError> {
    let expected = state.secrets.get().await?.webhook;
    if bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
        Ok(())
    } else {
        tracing::warn!("alert hook called with a wrong secret");
        Err(WebError::Forbidden)
    }
}

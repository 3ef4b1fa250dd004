//! `POST /integrations/slack/events` (the original's URL): Slack's Events API and interactivity
//! over HTTP. Every request must carry a valid `v0` signature made with the signing secret
//! within the last five minutes; anything else is answered 401 and changes nothing.

use super::{Bot, interactions};
use crate::web::WebError;
use crate::web::secrets::Secrets;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRef, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use slack_morphism::prelude::*;
use slack_morphism::signature_verifier::SlackEventSignatureVerifier;
use std::sync::Arc;

/// Slack's payloads are a few KiB; a view with many blocks stays far below this.
const MAX_SLACK_BODY: usize = 1024 * 1024;

/// What Slack's requests use: one `Arc`, so taking it costs a request one clone.
pub type SlackState = Arc<SlackParts>;

pub struct SlackParts {
    /// The signing secret, from memory.
    pub secrets: Secrets,
    pub bot: Bot,
}

pub fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    SlackState: FromRef<S>,
{
    Router::new()
        .route("/integrations/slack/events", post(slack_events))
        .route("/integrations/slack/events/", post(slack_events))
        .layer(DefaultBodyLimit::max(MAX_SLACK_BODY))
}

fn unauthorized(reason: &str) -> Response {
    tracing::warn!(reason, "Slack request refused");
    (StatusCode::UNAUTHORIZED, "invalid Slack request signature").into_response()
}

async fn slack_events(
    State(state): State<SlackState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    // Unsigned requests are refused before anything is looked up.
    let header_value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(signature), Some(timestamp)) = (
        header_value(SlackEventSignatureVerifier::SLACK_SIGNED_HASH_HEADER),
        header_value(SlackEventSignatureVerifier::SLACK_SIGNED_TIMESTAMP),
    ) else {
        return Ok(unauthorized("signature headers missing"));
    };
    let signing_secret = state.secrets.get().await?.slack_signing;
    if signing_secret.is_empty() {
        return Ok(unauthorized("no Slack signing secret is configured"));
    }
    let Ok(raw) = std::str::from_utf8(&body) else {
        return Ok(unauthorized("body is not UTF-8"));
    };
    let verifier =
        SlackEventSignatureVerifier::new(&SlackSigningSecret::new(signing_secret.to_string()));
    if let Err(e) = verifier.verify(signature, raw, timestamp) {
        let reason = match e {
            slack_morphism::signature_verifier::SlackEventSignatureVerifierError::IncorrectOrExpiredTimestampError(_) => "stale or future timestamp",
            _ => "wrong signature",
        };
        return Ok(unauthorized(reason));
    }

    let is_form = header_value(header::CONTENT_TYPE.as_str())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        let payload = url::form_urlencoded::parse(raw.as_bytes())
            .find(|(key, _)| key == "payload")
            .map(|(_, value)| value.into_owned())
            .ok_or_else(|| WebError::BadRequest("the form has no payload field".into()))?;
        let event: SlackInteractionEvent = serde_json::from_str(&payload).map_err(|e| {
            WebError::BadRequest(format!("the payload is not a Slack interaction: {e}"))
        })?;
        let response = interactions::handle(&state.bot, event)
            .await
            .map_err(|e| match e {
                interactions::InteractionError::Storage(e) => WebError::Storage(e),
            })?;
        return Ok(match response {
            SlackInteractionResponse::Empty => StatusCode::OK.into_response(),
            other => axum::Json(other).into_response(),
        });
    }

    let event: SlackPushEvent = serde_json::from_slice(&body)
        .map_err(|e| WebError::BadRequest(format!("the body is not a Slack event: {e}")))?;
    match event {
        SlackPushEvent::UrlVerification(verification) => Ok((
            [(header::CONTENT_TYPE, "text/plain")],
            verification.challenge,
        )
            .into_response()),
        SlackPushEvent::EventCallback(callback) => {
            super::events::handle(&state.bot, callback).await?;
            Ok(StatusCode::OK.into_response())
        }
        SlackPushEvent::AppRateLimited(_) => {
            tracing::warn!("Slack reports that it rate-limits events for this app");
            Ok(StatusCode::OK.into_response())
        }
    }
}

//! Socket Mode: Slack delivers events and interactions over a WebSocket this process opens, so
//! no public URL is needed. slack-morphism keeps the connections (reconnecting on `disconnect`
//! and dropped sockets) and acknowledges each envelope after our callback returned; the
//! callbacks hand the envelope to the same handlers as HTTP.
//!
//! A supervisor watches the app-level token (settings, or `MONOSTAT_SLACK_APP_TOKEN`) and
//! starts, restarts or stops the connections when it changes, so no restart is needed.

use super::{Bot, events, interactions, settings};
type BoxError = Box<dyn std::error::Error + Send + Sync>;
use slack_morphism::prelude::*;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How often the supervisor looks for a changed app token.
const SETTINGS_POLL: Duration = Duration::from_secs(5);

type Listener = SlackClientSocketModeListener<SlackClientHyperHttpsConnector>;

/// Whether Socket Mode is connected, for the admin's Slack page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// No app-level token: Slack must reach us over HTTP, if at all.
    Off,
    Connected,
    Failed(String),
}

/// The supervisor's latest [`State`]; cheap to clone.
#[derive(Clone)]
pub struct Status(Arc<std::sync::RwLock<State>>);

impl Default for Status {
    fn default() -> Self {
        Status(Arc::new(std::sync::RwLock::new(State::Off)))
    }
}

impl Status {
    pub fn get(&self) -> State {
        self.0.read().map(|s| s.clone()).unwrap_or(State::Off)
    }

    fn set(&self, state: State) {
        if let Ok(mut current) = self.0.write() {
            *current = state;
        }
    }
}

/// Runs until `shutdown` is cancelled.
pub async fn supervise(bot: Bot, status: Status, shutdown: CancellationToken) {
    let mut running: Option<(String, Listener)> = None;
    loop {
        let wanted = match bot.services.db.acquire().await {
            Ok(mut conn) => settings::app_token(&mut conn, &bot.config.slack).await.ok(),
            Err(_) => None,
        };
        // Keep what runs while the database cannot tell us otherwise.
        if let Some(wanted) = wanted {
            let current = running.as_ref().map(|(token, _)| token.as_str());
            if current != Some(wanted.as_str()) && !(current.is_none() && wanted.is_empty()) {
                if let Some((_, listener)) = running.take() {
                    tracing::info!("Slack app token changed; closing Socket Mode connections");
                    listener.shutdown().await;
                }
                if wanted.is_empty() {
                    status.set(State::Off);
                } else {
                    running = match start(&bot, &wanted).await {
                        Ok(listener) => {
                            status.set(State::Connected);
                            Some((wanted, listener))
                        }
                        Err(e) => {
                            status.set(State::Failed(e));
                            None
                        }
                    };
                }
            }
        }
        tokio::select! {
            _ = shutdown.cancelled() => break,
            _ = tokio::time::sleep(SETTINGS_POLL) => {}
        }
    }
    if let Some((_, listener)) = running {
        listener.shutdown().await;
    }
}

async fn start(bot: &Bot, app_token: &str) -> Result<Listener, String> {
    let callbacks = SlackSocketModeListenerCallbacks::new()
        .with_push_events(on_push)
        .with_interaction_events(on_interaction);
    let environment = Arc::new(
        SlackClientEventsListenerEnvironment::new(bot.api.client())
            .with_error_handler(on_error)
            .with_user_state(bot.clone()),
    );
    let listener = SlackClientSocketModeListener::new(
        &SlackClientSocketModeConfig::new(),
        environment,
        callbacks,
    );
    let token = SlackApiToken::new(SlackApiTokenValue::from(app_token.to_owned()));
    match listener.listen_for(&token).await {
        Ok(()) => {
            listener.start().await;
            tracing::info!("Slack Socket Mode connected");
            Ok(listener)
        }
        Err(e) => {
            // Nothing runs now, so the next poll tries again: Slack may be briefly unreachable
            // at boot. A wrong token keeps failing, once per poll, until a human fixes it.
            tracing::error!(error = %e, "Slack Socket Mode could not connect; check the app-level token");
            Err(e.to_string())
        }
    }
}

async fn bot(states: &SlackClientEventsUserState) -> Result<Bot, BoxError> {
    states
        .read()
        .await
        .get_user_state::<Bot>()
        .cloned()
        .ok_or_else(|| "Socket Mode listener has no bot state".into())
}

async fn on_push(
    event: SlackPushEventCallback,
    _client: Arc<SlackHyperClient>,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<()> {
    events::handle(&bot(&states).await?, event).await?;
    Ok(())
}

async fn on_interaction(
    event: SlackInteractionEvent,
    _client: Arc<SlackHyperClient>,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<SlackInteractionResponse> {
    Ok(interactions::handle(&bot(&states).await?, event).await?)
}

/// A failed callback is not acknowledged, so Slack delivers the envelope again.
fn on_error(
    error: BoxError,
    _client: Arc<SlackHyperClient>,
    _states: SlackClientEventsUserState,
) -> HttpStatusCode {
    tracing::error!(%error, "Slack Socket Mode envelope failed; Slack will deliver it again");
    HttpStatusCode::INTERNAL_SERVER_ERROR
}

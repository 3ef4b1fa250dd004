//! HTTP: where every request enters. Routes are grouped by who calls them; handlers parse their
//! input, call the domain and storage, and never talk to Slack or mail servers directly (that is
//! what jobs are for).

pub mod client;
pub(crate) mod csrf;
mod error;
mod health;
mod hooks;
mod metrics;
pub mod rate_limit;
pub mod secrets;
pub mod server;
mod slack_events;
mod subscribe;

pub use error::WebError;

/// The largest body accepted from somebody not yet known (subscribe and login forms): they
/// are a few hundred bytes, and every connection may hold one of these while it arrives.
pub const STRANGERS_BODY_LIMIT: usize = 16 * 1024;

use crate::config::Config;
use crate::jobs::Jobs;
use crate::service::Services;
use crate::storage::Db;
use axum::Router;
use axum::routing::get;
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// What every handler may use: one `Arc`, since every request clones it (each extractor and
/// middleware that takes the state), and cloning some forty `Arc`s of the parts instead cost
/// the page a quarter of its throughput (`bench/public-page`).
#[derive(Clone)]
pub struct AppState(Arc<Parts>);

impl AppState {
    pub fn new(parts: Parts) -> Self {
        AppState(Arc::new(parts))
    }
}

impl std::ops::Deref for AppState {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}

/// What the state holds.
pub struct Parts {
    pub config: Arc<Config>,
    pub db: Db,
    pub jobs: Jobs,
    pub slack: crate::slack::SlackApi,
    pub changes: crate::changes::Changes,
    pub pages: crate::public::PublicPages,
    pub subscribe_limiter: rate_limit::Allowance,
    /// The hook and Slack signing secrets, from memory.
    pub secrets: secrets::Secrets,
    pub admin_limits: crate::admin::LoginLimits,
    pub socket_mode: crate::slack::socket_mode::Status,
    /// Requests answered, by route pattern and status, for `/metrics`.
    pub requests: crate::metrics::Requests,
}

impl Parts {
    pub fn bot(&self) -> crate::slack::Bot {
        crate::slack::Bot {
            services: self.services(),
            api: self.slack.clone(),
            config: self.config.clone(),
        }
    }

    pub fn services(&self) -> Services {
        Services {
            db: self.db.clone(),
            jobs: self.jobs.clone(),
            changes: self.changes.clone(),
        }
    }
}

pub fn router(state: AppState) -> Router {
    // What people and systems send us is logged at INFO; the page reads (thousands a minute
    // during an outage) and health probes only at DEBUG, so that logs stay readable and cheap.
    let writes = Router::new()
        .merge(hooks::routes(state.clone()))
        .merge(slack_events::routes())
        .merge(subscribe::routes())
        .merge(crate::admin::routes(state.clone()))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::count,
        ))
        .layer(request_log(Level::INFO));
    let reads = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/metrics", get(metrics::metrics))
        .merge(crate::public::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::count,
        ))
        .layer(request_log(Level::DEBUG));
    Router::new()
        .merge(writes)
        .merge(reads)
        .fallback(crate::public::not_found)
        .with_state(state)
        .layer(axum::middleware::from_fn(crate::public::security_headers))
        // A panic is a bug, but it must cost one request a 500, not the connection or the process.
        .layer(CatchPanicLayer::custom(|_| {
            crate::public::internal_error_page()
        }))
}

fn request_log(
    level: Level,
) -> TraceLayer<
    tower_http::classify::SharedClassifier<tower_http::classify::ServerErrorsAsFailures>,
    RouteSpan,
> {
    TraceLayer::new_for_http()
        .make_span_with(RouteSpan(level))
        .on_response(DefaultOnResponse::new().level(level))
}

/// A request's log span names its route's pattern (`/integrations/opsgenie/hook/{secret}`),
/// never the path itself: hook secrets and subscribers' tokens travel in paths.
#[derive(Clone, Copy)]
struct RouteSpan(Level);

impl<B> tower_http::trace::MakeSpan<B> for RouteSpan {
    fn make_span(&mut self, request: &axum::http::Request<B>) -> tracing::Span {
        let route = request
            .extensions()
            .get::<axum::extract::MatchedPath>()
            .map_or("(no route)", |p| p.as_str());
        let method = request.method();
        if self.0 == Level::DEBUG {
            tracing::debug_span!("request", %method, route)
        } else {
            tracing::info_span!("request", %method, route)
        }
    }
}

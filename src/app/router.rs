//! All routes in one router: each area's routes, logged and counted, behind the security
//! headers and the panic guard.

use super::metrics;
use super::state::AppState;
use axum::Router;
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub fn router(state: AppState) -> Router {
    // What people and systems send us is logged at INFO; the page reads (thousands a minute
    // during an outage) and health probes only at DEBUG, so that logs stay readable and cheap.
    let writes = Router::new()
        .merge(crate::integrations::routes(state.hooks.clone()))
        .merge(crate::slack::routes())
        .merge(crate::public::subscription_routes())
        .merge(crate::admin::routes(state.admin.clone()))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::count,
        ))
        .layer(request_log(Level::INFO));
    let reads = Router::new()
        .route("/healthz", get(crate::web::health::healthz))
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

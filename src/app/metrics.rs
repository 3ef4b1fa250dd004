//! `/metrics`: this instance's counters and the shared job queue, in Prometheus text format.

use super::state::AppState;
use crate::config::MetricsAccess;
use crate::metrics::label;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::fmt::Write;
use subtle::ConstantTimeEq;

/// Counts every answered request by its route pattern and status, when metrics are on.
pub async fn count(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if state.config.metrics == MetricsAccess::Off {
        return next.run(request).await;
    }
    let route = request.extensions().get::<MatchedPath>().cloned();
    let response = next.run(request).await;
    let route = route.as_ref().map_or("(no route)", |p| p.as_str());
    state.requests.add(route, response.status().as_u16());
    response
}

fn allowed(access: &MetricsAccess, headers: &HeaderMap) -> Option<bool> {
    match access {
        MetricsAccess::Off => None,
        MetricsAccess::Open => Some(true),
        MetricsAccess::Token(token) => Some(
            headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .is_some_and(|given| bool::from(given.as_bytes().ct_eq(token.expose().as_bytes()))),
        ),
    }
}

pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match allowed(&state.config.metrics, &headers) {
        None => return crate::public::not_found(State(state.public.clone())).await,
        Some(false) => {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "A bearer token is needed.",
            )
                .into_response();
        }
        Some(true) => {}
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP monostat_http_requests_total Requests answered by this instance, by route and status."
    );
    let _ = writeln!(out, "# TYPE monostat_http_requests_total counter");
    for (route, status, n) in state.requests.snapshot() {
        let _ = writeln!(
            out,
            "monostat_http_requests_total{{route=\"{}\",status=\"{status}\"}} {n}",
            label(&route)
        );
    }
    let (renders, seconds, failures) = state.pages.render_stats().read();
    let _ = writeln!(
        out,
        "# HELP monostat_page_renders_total Renderings of the public pages, API and feeds."
    );
    let _ = writeln!(out, "# TYPE monostat_page_renders_total counter");
    let _ = writeln!(out, "monostat_page_renders_total {renders}");
    let _ = writeln!(
        out,
        "# HELP monostat_page_render_seconds_total Time spent rendering them."
    );
    let _ = writeln!(out, "# TYPE monostat_page_render_seconds_total counter");
    let _ = writeln!(out, "monostat_page_render_seconds_total {seconds:.6}");
    let _ = writeln!(
        out,
        "# HELP monostat_page_render_failures_total Renderings that failed (the last good one stays served)."
    );
    let _ = writeln!(out, "# TYPE monostat_page_render_failures_total counter");
    let _ = writeln!(out, "monostat_page_render_failures_total {failures}");
    let _ = writeln!(
        out,
        "# HELP monostat_job_attempts_total Job attempts on this instance by kind and outcome (done, retry, failed); slack.* and mail.* retries and failures are Slack and SMTP errors."
    );
    let _ = writeln!(out, "# TYPE monostat_job_attempts_total counter");
    for ((kind, outcome), n) in state.jobs.outcomes() {
        let _ = writeln!(
            out,
            "monostat_job_attempts_total{{kind=\"{}\",outcome=\"{outcome}\"}} {n}",
            label(&kind)
        );
    }
    let _ = writeln!(
        out,
        "# HELP monostat_password_hashes_total Password hashes computed by this instance (logins, password checks, new passwords)."
    );
    let _ = writeln!(out, "# TYPE monostat_password_hashes_total counter");
    let _ = writeln!(
        out,
        "monostat_password_hashes_total {}",
        state.admin.admin_limits.password_hashes()
    );
    let depth = match state.db.acquire().await {
        Ok(mut conn) => crate::storage::jobs::queue_depth(&mut conn).await.ok(),
        Err(_) => None,
    };
    let _ = writeln!(
        out,
        "# HELP monostat_up_database Whether this instance reaches its database."
    );
    let _ = writeln!(out, "# TYPE monostat_up_database gauge");
    let _ = writeln!(out, "monostat_up_database {}", u8::from(depth.is_some()));
    let _ = writeln!(
        out,
        "# HELP monostat_jobs Jobs in the shared queue that wait (pending) or gave up (failed), by kind."
    );
    let _ = writeln!(out, "# TYPE monostat_jobs gauge");
    for (kind, job_state, n) in depth.unwrap_or_default() {
        let _ = writeln!(
            out,
            "monostat_jobs{{kind=\"{}\",state=\"{job_state}\"}} {n}",
            label(&kind)
        );
    }
    (
        [
            (
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        out,
    )
        .into_response()
}

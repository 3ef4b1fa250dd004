//! `GET /healthz`: is this instance able to serve? Load balancers and container runtimes ask.

use crate::storage::Db;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

/// A health check that hangs is as bad as a failed one; answer within this.
const DATABASE_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn healthz(State(db): State<Db>) -> (StatusCode, Json<Value>) {
    match tokio::time::timeout(DATABASE_CHECK_TIMEOUT, db.ping()).await {
        Ok(Ok(())) => (
            StatusCode::OK,
            Json(json!({"status": "ok", "database": "ok"})),
        ),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            unavailable()
        }
        Err(_) => {
            tracing::warn!("health check: database did not answer in time");
            unavailable()
        }
    }
}

fn unavailable() -> (StatusCode, Json<Value>) {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({"status": "unavailable", "database": "unreachable"})),
    )
}

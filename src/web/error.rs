//! The web layer's one error type: logs the cause, answers the client with a safe message and
//! the right status.

use crate::storage::StorageError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The request itself is wrong; the message is shown to the client.
    #[error("{0}")]
    BadRequest(String),
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        match self {
            Self::BadRequest(message) => (StatusCode::BAD_REQUEST, message).into_response(),
            Self::Forbidden => (StatusCode::FORBIDDEN, "Forbidden").into_response(),
            Self::NotFound => (StatusCode::NOT_FOUND, "Not found").into_response(),
            // Callers retry on 503 (monitoring systems do), which is right while the database
            // is away; the details go to the log, not to the client.
            Self::Storage(e) => {
                tracing::error!(error = %e, "request failed on storage");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The service is temporarily unavailable; please try again.",
                )
                    .into_response()
            }
        }
    }
}

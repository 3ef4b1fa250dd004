//! Answers with HTML pages, for the admin and the public pages alike: the response helpers, and
//! [`PageError`], the one failure a page handler passes up with `?` instead of answering itself.
//!
//! A page that cannot be shown because the database is not answering gets one answer
//! everywhere: 503 with `Retry-After: 30`, "Temporarily unavailable" and a message that says
//! nothing of the cause, which is logged once (at WARN, with where it happened) by
//! [`PageError`]'s `IntoResponse`. A template that fails to render is a bug: 500, logged at
//! ERROR.

use crate::storage::StorageError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::panic::Location;
use std::sync::Arc;

/// How long a client should wait before trying a page again while the database is away. Long
/// enough that a crowd reloading does not keep a recovering database down, short enough that
/// people get their page soon after it is back.
pub const RETRY_AFTER_SECONDS: &str = "30";

const UNAVAILABLE_TITLE: &str = "Temporarily unavailable";
const UNAVAILABLE_MESSAGE: &str = "This page cannot be shown right now, and nothing was \
     changed: the database is not answering. Please try again in a minute.";
const BROKEN_TITLE: &str = "Something went wrong";
const BROKEN_MESSAGE: &str = "This page could not be shown. We have logged the problem.";

/// What a page handler answers: its page, or the error page.
pub type PageResult = Result<Response, PageError>;

/// An HTML answer.
pub fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// A short answer in plain text, for the rare refusals that have no page of their own.
pub fn plain(status: StatusCode, message: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

/// A rendered template, never kept by a cache (admin pages and forms).
#[track_caller]
pub fn page(status: StatusCode, template: &impl askama::Template) -> PageResult {
    let mut response = html(status, template.render()?);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// An area's look for its error pages: its header and footer around a title and a message.
/// Without one, the error page is a bare HTML document.
pub trait Look: Send + Sync {
    fn error_page(&self, title: &str, message: &str) -> String;
}

/// Why a page could not be shown. Made with `?` from the cause, which records where (file and
/// line of the `?`) for the log; the request's log span adds the route.
pub struct PageError {
    cause: Cause,
    at: &'static Location<'static>,
    look: Option<Arc<dyn Look>>,
}

enum Cause {
    Storage(StorageError),
    Template(askama::Error),
}

impl From<StorageError> for PageError {
    #[track_caller]
    fn from(e: StorageError) -> Self {
        PageError {
            cause: Cause::Storage(e),
            at: Location::caller(),
            look: None,
        }
    }
}

impl From<askama::Error> for PageError {
    #[track_caller]
    fn from(e: askama::Error) -> Self {
        PageError {
            cause: Cause::Template(e),
            at: Location::caller(),
            look: None,
        }
    }
}

impl PageError {
    /// The error page in this look (the public site's header and footer, say).
    pub fn in_look(mut self, look: Arc<dyn Look>) -> Self {
        self.look = Some(look);
        self
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.respond(false)
    }
}

/// For handlers that answer `Result<Response, Response>`.
impl From<PageError> for Response {
    fn from(e: PageError) -> Response {
        e.into_response()
    }
}

/// The same failure for a page's script (`fetch`), which shows the `error` of a JSON body.
pub struct ScriptError(PageError);

impl From<StorageError> for ScriptError {
    #[track_caller]
    fn from(e: StorageError) -> Self {
        ScriptError(PageError::from(e))
    }
}

impl IntoResponse for ScriptError {
    fn into_response(self) -> Response {
        self.0.respond(true)
    }
}

impl PageError {
    /// Logs the cause and answers: the error page, or for a script `{"error": …}`.
    fn respond(self, json: bool) -> Response {
        let at = self.at;
        let (status, title, message) = match &self.cause {
            Cause::Storage(e) => {
                tracing::warn!(error = %e, %at, "page not shown: the database is not answering");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    UNAVAILABLE_TITLE,
                    UNAVAILABLE_MESSAGE,
                )
            }
            Cause::Template(e) => {
                tracing::error!(error = %e, %at, "page not shown: its template failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    BROKEN_TITLE,
                    BROKEN_MESSAGE,
                )
            }
        };
        let mut response = match &self.look {
            _ if json => {
                (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
            }
            Some(look) => html(status, look.error_page(title, message)),
            None => html(
                status,
                format!(
                    "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>{title}</title>\
                     <h1>{title}</h1><p>{message}</p></html>"
                ),
            ),
        };
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(
                header::RETRY_AFTER,
                HeaderValue::from_static(RETRY_AFTER_SECONDS),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_away_is_one_503_that_says_nothing_of_the_cause() {
        let cause = StorageError::Corrupt {
            column: "secret_column",
            message: "secret detail".into(),
        };
        let error = PageError::from(cause);
        assert!(error.at.file().ends_with("page.rs"));
        let response = error.into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], RETRY_AFTER_SECONDS);
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
        assert!(
            response.headers()[header::CONTENT_TYPE]
                .to_str()
                .is_ok_and(|t| t.starts_with("text/html"))
        );
    }

    struct Framed;

    impl Look for Framed {
        fn error_page(&self, title: &str, message: &str) -> String {
            format!("[site] {title}: {message}")
        }
    }

    #[tokio::test]
    async fn a_look_dresses_the_page() {
        let response = PageError::from(StorageError::SchemaBehind)
            .in_look(Arc::new(Framed))
            .into_response();
        let body = axum::body::to_bytes(response.into_body(), 10_000)
            .await
            .expect("body");
        let body = String::from_utf8_lossy(&body);
        assert!(
            body.starts_with("[site] Temporarily unavailable: "),
            "{body}"
        );
        assert!(!body.contains("schema"), "{body}");
    }
}

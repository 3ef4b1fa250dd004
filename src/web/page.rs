//! Answers with HTML pages, for the admin and the public pages alike: the response helpers, and
//! [`PageError`], the one failure a page handler passes up with `?` instead of answering itself.
//!
//! A page that cannot be shown because the database is away or too busy gets one answer
//! everywhere: 503 with `Retry-After: 30`, "Temporarily unavailable" and a message that says
//! nothing of the cause (but whether anything was changed, or where the current status still
//! is), which is logged once (at WARN, with where it happened) by [`PageError`]'s
//! `IntoResponse`. Anything else (a template that fails, a query the database refuses, a value
//! it holds that the program does not understand) is a bug or an operator's mistake: 500 with a
//! generic message, logged at ERROR.

use crate::storage::StorageError;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::panic::Location;
use std::sync::Arc;

/// How long a client should wait before trying a page again while the database is away. Long
/// enough that a crowd reloading does not keep a recovering database down, short enough that
/// people get their page soon after it is back.
pub const RETRY_AFTER_SECONDS: &str = "30";

const UNAVAILABLE_TITLE: &str = "Temporarily unavailable";
/// For a form sent (anything but GET and HEAD).
const NOT_CHANGED_MESSAGE: &str = "This page cannot be shown right now, and nothing was \
     changed: the database is not answering. Please try again in a minute.";
/// For a page read while the public page still shows the last rendering.
const STATUS_STILL_THERE_MESSAGE: &str = "This page cannot be shown right now: the database is \
     not answering. Please try again in a minute; the current status is still available at /.";
/// For a page read anywhere else (admin pages).
const UNAVAILABLE_MESSAGE: &str = "This page cannot be shown right now: the database is not \
     answering. Please try again in a minute.";
/// Before the first rendering of the public page succeeded.
const STARTING_MESSAGE: &str = "The status page is starting. Please try again in a minute.";
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
    starting: bool,
}

tokio::task_local! {
    /// Whether the request being answered sends a change (anything but GET and HEAD), so that
    /// an error page can say that nothing was changed.
    static SENDS_CHANGE: bool;
}

/// Middleware for routes with forms: lets their error pages know whether a change was sent.
/// Without it, a request counts as a read.
pub async fn note_method(request: Request, next: Next) -> Response {
    let change = !matches!(*request.method(), Method::GET | Method::HEAD);
    SENDS_CHANGE.scope(change, next.run(request)).await
}

/// Who hears of a failure and how: its status and the level of its log line.
fn severity(cause: &Cause) -> (StatusCode, tracing::Level) {
    match cause {
        Cause::Storage(e) if e.is_unavailable() => {
            (StatusCode::SERVICE_UNAVAILABLE, tracing::Level::WARN)
        }
        Cause::Storage(_) | Cause::Template(_) => {
            (StatusCode::INTERNAL_SERVER_ERROR, tracing::Level::ERROR)
        }
    }
}

/// Marks the bare 500 page of an error without a look, for an area that dresses it in its own
/// (the admin pages answer with their internal error page).
#[derive(Clone, Copy, Debug)]
pub struct Undressed;

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
            starting: false,
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
            starting: false,
        }
    }
}

impl PageError {
    /// The error page in this look (the public site's header and footer, say).
    pub fn in_look(mut self, look: Arc<dyn Look>) -> Self {
        self.look = Some(look);
        self
    }

    /// The public page has not been rendered once yet: the error page says it is starting.
    pub fn before_first_rendering(mut self) -> Self {
        self.starting = true;
        self
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.respond(false)
    }
}

/// The cause and where it happened, for a caller that logs a failure instead of answering it.
impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.cause {
            Cause::Storage(e) => write!(f, "{e} (at {})", self.at),
            Cause::Template(e) => write!(f, "{e} (at {})", self.at),
        }
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
        let (status, level) = severity(&self.cause);
        match (&self.cause, level) {
            (Cause::Storage(e), tracing::Level::WARN) => {
                tracing::warn!(error = %e, %at, "page not shown: the database is not answering")
            }
            (Cause::Storage(e), _) => {
                tracing::error!(error = %e, %at, "page not shown: the database failed it")
            }
            (Cause::Template(e), _) => {
                tracing::error!(error = %e, %at, "page not shown: its template failed")
            }
        }
        let (title, message) = if status == StatusCode::SERVICE_UNAVAILABLE {
            let message = if SENDS_CHANGE.try_with(|c| *c).unwrap_or(false) {
                NOT_CHANGED_MESSAGE
            } else if self.starting {
                STARTING_MESSAGE
            } else if self.look.is_some() {
                STATUS_STILL_THERE_MESSAGE
            } else {
                UNAVAILABLE_MESSAGE
            };
            (UNAVAILABLE_TITLE, message)
        } else {
            (BROKEN_TITLE, BROKEN_MESSAGE)
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
        if !json && self.look.is_none() && status == StatusCode::INTERNAL_SERVER_ERROR {
            response.extensions_mut().insert(Undressed);
        }
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

    fn unavailable() -> StorageError {
        StorageError::Query(sqlx::Error::PoolTimedOut)
    }

    #[test]
    fn only_the_database_away_is_a_503_logged_as_a_warning() {
        use tracing::Level;
        let outage = (StatusCode::SERVICE_UNAVAILABLE, Level::WARN);
        let bug = (StatusCode::INTERNAL_SERVER_ERROR, Level::ERROR);
        let cases = [
            (unavailable(), outage),
            (StorageError::Query(sqlx::Error::PoolClosed), outage),
            (
                StorageError::Query(sqlx::Error::Io(
                    std::io::ErrorKind::ConnectionRefused.into(),
                )),
                outage,
            ),
            (StorageError::SchemaBehind, bug),
            (
                StorageError::Corrupt {
                    column: "status",
                    message: "no such status".into(),
                },
                bug,
            ),
            (StorageError::Query(sqlx::Error::RowNotFound), bug),
            (
                StorageError::Query(sqlx::Error::ColumnNotFound("title".into())),
                bug,
            ),
        ];
        for (e, expected) in cases {
            let shown = format!("{e}");
            assert_eq!(severity(&Cause::Storage(e)), expected, "{shown}");
        }
        assert_eq!(
            severity(&Cause::Template(askama::Error::Fmt)),
            (StatusCode::INTERNAL_SERVER_ERROR, Level::ERROR)
        );
    }

    #[test]
    fn the_database_away_is_one_503_that_says_nothing_of_the_cause() {
        let error = PageError::from(unavailable());
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

    async fn body(response: Response) -> String {
        let body = axum::body::to_bytes(response.into_body(), 10_000)
            .await
            .expect("body");
        String::from_utf8_lossy(&body).into_owned()
    }

    #[tokio::test]
    async fn a_bug_is_a_500_with_a_generic_message_and_no_retry() {
        let cause = StorageError::Corrupt {
            column: "secret_column",
            message: "secret detail".into(),
        };
        let response = PageError::from(cause).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(response.headers().get(header::RETRY_AFTER).is_none());
        assert!(response.extensions().get::<Undressed>().is_some());
        let body = body(response).await;
        assert!(body.contains(BROKEN_MESSAGE), "{body}");
        assert!(!body.contains("secret"), "{body}");
    }

    #[tokio::test]
    async fn the_503_says_what_fits_the_request() {
        let read = |e: PageError| async move { body(e.into_response()).await };
        let sent =
            |e: PageError| SENDS_CHANGE.scope(true, async move { body(e.into_response()).await });
        let on_site = || PageError::from(unavailable()).in_look(Arc::new(Framed));
        assert!(
            read(on_site())
                .await
                .contains("the current status is still available at /")
        );
        assert!(!read(on_site()).await.contains("nothing was changed"));
        assert!(sent(on_site()).await.contains("nothing was changed"));
        let starting = || PageError::from(unavailable()).before_first_rendering();
        assert!(
            read(starting())
                .await
                .contains("The status page is starting")
        );
        assert!(sent(starting()).await.contains("nothing was changed"));
        let admin = read(PageError::from(unavailable())).await;
        assert!(admin.contains(UNAVAILABLE_MESSAGE) && !admin.contains("nothing was changed"));
    }

    struct Framed;

    impl Look for Framed {
        fn error_page(&self, title: &str, message: &str) -> String {
            format!("[site] {title}: {message}")
        }
    }

    #[tokio::test]
    async fn a_look_dresses_the_page() {
        let response = PageError::from(unavailable())
            .in_look(Arc::new(Framed))
            .into_response();
        assert!(response.extensions().get::<Undressed>().is_none());
        let body = body(response).await;
        assert!(
            body.starts_with("[site] Temporarily unavailable: "),
            "{body}"
        );
        assert!(!body.contains("timed out"), "{body}");
    }
}

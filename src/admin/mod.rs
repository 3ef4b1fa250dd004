//! The admin pages: setting monostat up, correcting history, posting maintenance ahead of time
//! and looking back at who did what. Server-rendered forms that work without JavaScript; every
//! change goes through the same services as Slack and the alert hooks.

mod account;
mod django_paths;
mod incidents;
mod known_device;
mod login;
mod maintenance;
mod people;
mod recurring;
mod security_keys;
pub mod session;
pub mod settings;
mod state;
pub use crate::accounts::totp;

pub use login::LoginLimits;
pub use state::{AdminParts, AdminState};

use crate::config::Config;
use crate::logo;
use crate::public::assets::Assets;
use crate::storage::StorageError;
pub use crate::web::page::{PageError, PageResult, page, plain};
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use std::sync::Arc;

/// The logo may be 1 MiB; the multipart wrapping around it needs a little more.
const LOGO_BODY_LIMIT: usize = logo::MAX_BYTES + 64 * 1024;

pub fn routes<S>(state: AdminState) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    AdminState: FromRef<S>,
    Arc<Config>: FromRef<S>,
{
    // Open to an admin who still has to set up a second factor (`session::must_enrol`).
    let enrolment = Router::new()
        .route("/admin/logout", post(login::logout))
        .route(session::ENROLMENT, get(account::enrolment))
        .route(
            "/admin/account/totp",
            get(account::enrol_form).post(account::enrol),
        )
        .route(
            "/admin/account/keys/start",
            post(security_keys::start_registration),
        )
        .route(
            "/admin/account/keys",
            post(security_keys::finish_registration),
        );
    let gated = Router::new()
        .route(
            "/admin/",
            get(|| async { Redirect::to("/admin/incidents/") }),
        )
        .route("/admin/incidents/", get(incidents::list))
        .route(
            "/admin/incidents/new",
            get(incidents::new_form).post(incidents::create),
        )
        .route(
            "/admin/incidents/{id}/",
            get(incidents::edit_form).post(incidents::save),
        )
        .route(
            "/admin/incidents/{id}/updates/{update}",
            post(incidents::edit_update),
        )
        .route(
            "/admin/incidents/{id}/updates/{update}/delete",
            post(incidents::delete_update),
        )
        .route(
            "/admin/incidents/{id}/alerts/{alert}/close",
            post(incidents::close_alert),
        )
        .route("/admin/preview", post(incidents::preview))
        .route("/admin/maintenance/", get(maintenance::list))
        .route(
            "/admin/maintenance/{id}/start",
            post(maintenance::start_now),
        )
        .route(
            "/admin/maintenance/{id}/complete",
            post(maintenance::complete_now),
        )
        .route(
            "/admin/maintenance/recurring/",
            get(recurring::list).post(recurring::create),
        )
        .route(
            "/admin/maintenance/recurring/{id}/stop",
            post(recurring::stop),
        )
        .route("/admin/maintenance/{id}/extend", post(maintenance::extend))
        .route("/admin/maintenance/{id}/cancel", post(maintenance::cancel))
        .route(
            "/admin/maintenance/{id}/reschedule",
            post(maintenance::reschedule),
        )
        .route("/admin/account/", get(account::show))
        .route("/admin/account/password", post(account::change_password))
        .route("/admin/account/totp/remove", post(account::remove_totp))
        .route(
            "/admin/account/keys/{id}/delete",
            post(security_keys::remove),
        )
        .route(
            "/admin/settings/",
            get(|| async { Redirect::to("/admin/settings/site") }),
        )
        .route(
            "/admin/settings/site",
            get(settings::site).post(settings::save_site),
        )
        .route(
            "/admin/settings/logo",
            post(settings::upload_logo).layer(DefaultBodyLimit::max(LOGO_BODY_LIMIT)),
        )
        .route("/admin/settings/logo/remove", post(settings::remove_logo))
        .route(
            "/admin/settings/notifications",
            get(settings::notifications).post(settings::save_notifications),
        )
        .route(
            "/admin/settings/maintenance",
            get(settings::maintenance).post(settings::save_maintenance),
        )
        .route(
            "/admin/settings/hooks",
            get(settings::hooks).post(settings::save_hooks),
        )
        .route(
            "/admin/settings/hooks/regenerate",
            post(settings::regenerate_hook_secret),
        )
        .route(
            "/admin/settings/slack",
            get(settings::slack).post(settings::save_slack),
        )
        .route("/admin/settings/slack/test", post(settings::test_slack))
        .route("/admin/subscribers/", get(people::subscribers))
        .route("/admin/subscribers.csv", get(people::export_subscribers))
        .route(
            "/admin/subscribers/{id}/delete",
            post(people::delete_subscriber),
        )
        .route("/admin/users/", get(people::users))
        .route("/admin/users/new", post(people::create_user))
        .route(
            "/admin/users/{id}/deactivate",
            post(people::deactivate_user),
        )
        .route("/admin/users/{id}/activate", post(people::activate_user))
        .route(
            "/admin/users/{id}/reset-second-factor",
            post(people::reset_second_factor),
        )
        .route("/admin/users/{id}/password", post(people::reset_password))
        .route("/admin/audit/", get(people::audit_log))
        .route_layer(axum::middleware::from_fn(session::require_second_factor));
    let protected = enrolment
        .merge(gated)
        .route_layer(axum::middleware::from_fn_with_state(
            state,
            session::require_login,
        ));
    Router::new()
        .route("/admin", get(|| async { Redirect::permanent("/admin/") }))
        .route("/admin/login", get(login::form).post(login::submit))
        .route(
            "/admin/login/verify",
            get(login::second_factor_form).post(login::second_factor),
        )
        .route("/admin/login/key/start", post(security_keys::start_login))
        .route("/admin/login/key", post(security_keys::finish_login))
        .merge(django_paths::routes())
        .layer(DefaultBodyLimit::max(crate::web::STRANGERS_BODY_LIMIT))
        .merge(protected)
        .layer(axum::middleware::from_fn(dress_errors))
        .layer(axum::middleware::from_fn(crate::web::page::note_method))
}

/// An admin page that failed with a bug shows the same page as a panic does.
async fn dress_errors(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let response = next.run(request).await;
    if response
        .extensions()
        .get::<crate::web::page::Undressed>()
        .is_none()
    {
        return response;
    }
    let mut page = crate::public::internal_error_page();
    page.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    page
}

/// What every admin page shows around its content.
pub struct Chrome {
    pub title: String,
    /// Which menu entry is current.
    pub nav: &'static str,
    /// Empty on the login pages, which have no menu.
    pub username: String,
    /// False while the admin must set up a second factor: every other page is closed to them.
    pub menu: bool,
    pub csrf: String,
    pub system_name: String,
    pub notice: Option<&'static str>,
    pub style_url: String,
    pub script_url: String,
    pub favicon_url: String,
}

impl Chrome {
    pub fn new(system_name: &str, title: impl Into<String>) -> Self {
        let assets = Assets::get();
        Chrome {
            title: title.into(),
            nav: "",
            username: String::new(),
            menu: false,
            csrf: String::new(),
            system_name: system_name.to_owned(),
            notice: None,
            style_url: assets.url("admin.css"),
            script_url: assets.url("admin.js"),
            favicon_url: assets.url("favicon.svg"),
        }
    }

    pub fn for_admin(
        system_name: &str,
        title: impl Into<String>,
        nav: &'static str,
        admin: &session::Admin,
    ) -> Self {
        Chrome {
            nav,
            username: admin.user.username.clone(),
            menu: !admin.must_enrol,
            csrf: admin.csrf.clone(),
            ..Chrome::new(system_name, title)
        }
    }

    /// The confirmation a redirect after a change asked for (`?notice=saved`). Only these
    /// fixed texts: nothing from the URL is ever echoed.
    pub fn with_notice(mut self, code: Option<&str>) -> Self {
        self.notice = code.and_then(|code| {
            Some(match code {
                "saved" => "Saved.",
                "created" => "Created.",
                "deleted" => "Deleted.",
                "logged-out" => "You have logged out.",
                "enrolled" => "Your authenticator app is set up.",
                "removed" => "Removed.",
                "regenerated" => "A new secret was generated. Update the URLs in your monitoring.",
                "key-added" => "Your security key is added.",
                "maintenance-started" => "The maintenance has started.",
                "maintenance-completed" => "The maintenance is completed.",
                "maintenance-extended" => "The maintenance now ends 30 minutes later.",
                "maintenance-rescheduled" => "The maintenance is rescheduled.",
                "maintenance-cancelled" => "The maintenance is cancelled.",
                "series-created" => "The series is created; its coming occurrences are announced.",
                "series-stopped" => "The series is stopped.",
                "alert-closed" => "The alert is closed, as if monitoring had closed it.",
                "alert-closed-dismissed" => {
                    "The alert is closed. It was the last open one, so the suspected incident is \
                     dismissed, as when monitoring closes it."
                }
                "alert-already-closed" => "Monitoring had closed this alert already.",
                _ => return None,
            })
        });
        self
    }
}

/// Where a form goes after a change: the page it asked for, or the "try again" page when the
/// database refused (nothing was saved then).
#[track_caller]
pub fn redirect_after(result: Result<(), StorageError>, to: &str) -> PageResult {
    result?;
    Ok(Redirect::to(to).into_response())
}

/// Runs `change` and its audit entry (by the logged-in admin, about no incident) as one
/// transaction: a change is never saved without its record, nor recorded without being saved.
pub(crate) async fn audited(
    state: &AdminState,
    admin: &session::Admin,
    action: &str,
    message: String,
    change: impl AsyncFnOnce(&mut crate::storage::AnyConnection) -> Result<(), StorageError>,
) -> Result<(), StorageError> {
    let mut tx = state.db.begin().await?;
    change(&mut tx).await?;
    crate::storage::audit::record(
        &mut tx,
        jiff::Timestamp::now(),
        &admin.actor().audit_name(),
        None,
        action,
        &message,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The system's name for page titles; a placeholder while the database is away.
pub async fn system_name(state: &AdminState) -> String {
    match crate::public::site(&state.pages).await {
        Ok(site) => site.name.clone(),
        Err(e) => {
            // The page itself may still be shown; only its title lacks the name.
            tracing::warn!(error = %e, "admin page titled without the system's name");
            "monostat".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    #[tokio::test]
    async fn a_failed_template_shows_the_internal_error_page() {
        let broken = Router::new()
            .route(
                "/admin/broken",
                get(|| async { Err::<Response, _>(PageError::from(askama::Error::Fmt)) }),
            )
            .layer(axum::middleware::from_fn(dress_errors));
        let request = axum::http::Request::get("/admin/broken")
            .body(Body::empty())
            .expect("request");
        let response = broken.oneshot(request).await.expect("answered");
        assert_eq!(
            response.status(),
            axum::http::StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(response.headers()["cache-control"], "no-store");
        let body = axum::body::to_bytes(response.into_body(), 100_000)
            .await
            .expect("body");
        let body = String::from_utf8_lossy(&body);
        let expected = crate::public::internal_error_page();
        let expected = axum::body::to_bytes(expected.into_body(), 100_000)
            .await
            .expect("body");
        assert_eq!(body, String::from_utf8_lossy(&expected));
        assert!(body.contains("stylesheet"), "{body}");
    }
}

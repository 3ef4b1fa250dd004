//! The original (Django) monostat's admin addresses, which old Slack messages, bookmarks and
//! runbooks still link to, redirected to the pages that do the same job here.
//!
//! Only the path decides; Django's list filters (`?status__exact=…`) mean nothing here and are
//! dropped. Anything under `/admin/` that is neither ours nor listed stays a 404. The redirects
//! need no login: the page they lead to asks for one.

use axum::Router;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

/// Django admin model pages (`/admin/{app}/{model}/`) and their counterparts.
const MODEL_PAGES: [(&str, &str); 8] = [
    ("/admin/core/incident/", "/admin/incidents/"),
    ("/admin/core/siteconfiguration/", "/admin/settings/site"),
    (
        "/admin/notifications/notificationconfiguration/",
        "/admin/settings/notifications",
    ),
    ("/admin/notifications/subscriber/", "/admin/subscribers/"),
    ("/admin/slack/slackconfiguration/", "/admin/settings/slack"),
    (
        "/admin/opsgenie/opsgenieconfiguration/",
        "/admin/settings/hooks",
    ),
    ("/admin/auth/user/", "/admin/users/"),
    ("/admin/auth/group/", "/admin/users/"),
];

pub fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let mut router = Router::new()
        .route("/admin/login/", get(|| moved("/admin/login")))
        .route(
            "/admin/core/incident/add/",
            get(|| moved("/admin/incidents/new")),
        )
        .route("/admin/core/incident/{id}/", get(incident))
        .route("/admin/core/incident/{id}/change/", get(incident))
        .route("/admin/core/incident/{id}/history/", get(incident))
        // django-multifactor's pages, where admins managed their second factors.
        .route("/multifactor/", get(|| moved("/admin/account/")))
        .route("/multifactor/{*rest}", get(|| moved("/admin/account/")));
    for (django, ours) in MODEL_PAGES {
        router = router.route(django, get(move || moved(ours)));
    }
    router
}

async fn moved(to: &'static str) -> Response {
    Redirect::permanent(to).into_response()
}

/// The incident's edit page; imported incidents kept their ids. A mangled id (a link cut short
/// in a chat) leads to the list, where the incident can be found.
async fn incident(Path(id): Path<String>) -> Response {
    match id.parse::<u32>() {
        Ok(id) if id > 0 => Redirect::permanent(&format!("/admin/incidents/{id}/")).into_response(),
        _ => Redirect::to("/admin/incidents/").into_response(),
    }
}

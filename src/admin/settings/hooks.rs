//! The alert hooks page: the URLs to give OpsGenie and Alertmanager, and a new secret for them.

use super::super::session::Admin;
use super::super::{AdminState, Chrome, PageResult, page, plain, redirect_after, system_name};
use super::{NoticeQuery, saved};
use crate::storage::settings;
use askama::Template;
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;

#[derive(Template)]
#[template(path = "admin/settings_hooks.html")]
struct HooksPage {
    chrome: Chrome,
    opsgenie_url: String,
    jsm_url: String,
    webhook_url: String,
    alertmanager_url: String,
    from_environment: bool,
}

pub async fn hooks(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Query(query): Query<NoticeQuery>,
) -> PageResult {
    let in_force = crate::settings::hook_secret(&state.config, &state.db).await?;
    let secret = &in_force.value;
    let base = state.config.site_url.as_str().trim_end_matches('/');
    let name = system_name(&state).await;
    page(
        StatusCode::OK,
        &HooksPage {
            chrome: Chrome::for_admin(&name, "Alert hooks", "settings", &admin)
                .with_notice(query.notice.as_deref()),
            opsgenie_url: format!("{base}/integrations/opsgenie/hook/{secret}"),
            jsm_url: format!("{base}/integrations/jsm/hook/{secret}"),
            webhook_url: format!("{base}/integrations/webhook/hook/{secret}"),
            alertmanager_url: format!("{base}/integrations/alertmanager/hook/{secret}"),
            from_environment: in_force.from_environment,
        },
    )
}

/// A new secret: the old URLs stop working at once (a leaked URL is why anyone does this).
pub async fn regenerate_hook_secret(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
) -> PageResult {
    let Some(secret) = crate::settings::replacement_hook_secret(&state.config) else {
        return Ok(plain(
            StatusCode::CONFLICT,
            "The secret is set by the environment (MONOSTAT_WEBHOOK_SECRET); change it there.",
        ));
    };
    let result = saved(
        &state,
        &admin,
        "settings.hook_secret",
        "the alert hook secret (regenerated it)",
        async |conn| settings::set_webhook_secret(conn, &secret).await,
    )
    .await;
    redirect_after(result, "/admin/settings/hooks?notice=regenerated")
}

//! The notification settings page: the reply-to address and whether people may subscribe.

use super::super::session::Admin;
use super::super::{AdminState, Chrome, PageResult, page, redirect_after, system_name};
use super::{NoticeQuery, saved};
use crate::storage::settings::{self, NotificationSettings};
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;

#[derive(Template)]
#[template(path = "admin/settings_notifications.html")]
struct NotificationsPage {
    chrome: Chrome,
    reply_to: String,
    allow_subscriptions: bool,
    error: Option<String>,
    mail_from: String,
    mail_server: String,
}

#[derive(serde::Deserialize)]
pub struct NotificationsForm {
    #[serde(default)]
    reply_to: String,
    #[serde(default)]
    allow_subscriptions: Option<String>,
}

async fn notifications_page(
    state: &AdminState,
    admin: &Admin,
    status: StatusCode,
    current: NotificationSettings,
    error: Option<String>,
    notice: Option<&str>,
) -> PageResult {
    let name = system_name(state).await;
    let mail = &state.config.mail;
    page(
        status,
        &NotificationsPage {
            chrome: Chrome::for_admin(&name, "Notification settings", "settings", admin)
                .with_notice(notice),
            reply_to: current.reply_to,
            allow_subscriptions: current.allow_subscriptions,
            error,
            mail_from: mail.from.clone(),
            mail_server: match &mail.host {
                Some(host) => format!("{host}:{}", mail.port),
                None => format!(
                    "none: mails are written to {}",
                    state.config.data_dir.join("outbox").display()
                ),
            },
        },
    )
}

pub async fn notifications(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Query(query): Query<NoticeQuery>,
) -> PageResult {
    let current = settings::notifications(&mut *state.db.acquire().await?).await?;
    notifications_page(
        &state,
        &admin,
        StatusCode::OK,
        current,
        None,
        query.notice.as_deref(),
    )
    .await
}

pub async fn save_notifications(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Form(form): Form<NotificationsForm>,
) -> PageResult {
    let wanted = NotificationSettings {
        reply_to: form.reply_to.trim().to_owned(),
        allow_subscriptions: form.allow_subscriptions.is_some(),
    };
    if let Err(e) = crate::accounts::validate_email(&wanted.reply_to) {
        let message = super::super::account::capitalised(&e.to_string());
        return notifications_page(
            &state,
            &admin,
            StatusCode::BAD_REQUEST,
            wanted,
            Some(message),
            None,
        )
        .await;
    }
    let result = saved(
        &state,
        &admin,
        "settings.notifications",
        "the notification settings",
        async |conn| settings::save_notifications(conn, &wanted).await,
    )
    .await;
    redirect_after(result, "/admin/settings/notifications?notice=saved")
}

//! The settings pages: the site (name, contacts, colours, logo), notifications, the alert hooks
//! and Slack. A value the environment sets is shown, read-only, as set by the environment.

use super::AdminState;
use super::session::Admin;
use super::{Chrome, page, plain, redirect_after, system_name, unavailable};
use crate::logo;
use crate::storage::StorageError;
use crate::storage::settings::{self, NotificationSettings, SiteSettings, SlackSettings};
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};

#[derive(serde::Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

/// Writes the audit entry for a settings change and commits it with the change.
async fn saved(
    state: &AdminState,
    admin: &Admin,
    action: &str,
    what: &str,
    change: impl AsyncFnOnce(&mut crate::storage::AnyConnection) -> Result<(), StorageError>,
) -> Result<(), StorageError> {
    let message = format!("{} changed {what}", admin.user.username);
    super::audited(state, admin, action, message, change).await?;
    // The public page shows the new name, colours or logo at once.
    state.services().committed();
    Ok(())
}

// ---- Site ----

struct Colour {
    name: &'static str,
    label: &'static str,
    value: String,
    error: Option<String>,
}

#[derive(Default)]
struct SiteErrors {
    system_name: Option<String>,
    support_email: Option<String>,
    support_phone: Option<String>,
    legal_url: Option<String>,
    privacy_url: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/settings_site.html")]
struct SitePage {
    chrome: Chrome,
    form: SiteForm,
    colours: Vec<Colour>,
    errors: SiteErrors,
    has_errors: bool,
    logo_url: Option<String>,
    logo_error: Option<String>,
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct SiteForm {
    #[serde(default)]
    system_name: String,
    #[serde(default)]
    support_email: String,
    #[serde(default)]
    support_phone: String,
    #[serde(default)]
    legal_url: String,
    #[serde(default)]
    privacy_url: String,
    #[serde(default)]
    primary_color: String,
    #[serde(default)]
    link_color: String,
    #[serde(default)]
    success_color: String,
    #[serde(default)]
    warning_color: String,
    #[serde(default)]
    danger_color: String,
    #[serde(default)]
    info_color: String,
    #[serde(default)]
    primary_text_color: String,
    #[serde(default)]
    secondary_text_color: String,
    #[serde(default)]
    background_color: String,
}

impl SiteForm {
    fn of(s: &SiteSettings) -> Self {
        let c = &s.colors;
        SiteForm {
            system_name: s.system_name.clone(),
            support_email: s.support_email.clone(),
            support_phone: s.support_phone.clone(),
            legal_url: s.legal_url.clone(),
            privacy_url: s.privacy_url.clone(),
            primary_color: c.primary.clone(),
            link_color: c.link.clone(),
            success_color: c.success.clone(),
            warning_color: c.warning.clone(),
            danger_color: c.danger.clone(),
            info_color: c.info.clone(),
            primary_text_color: c.primary_text.clone(),
            secondary_text_color: c.secondary_text.clone(),
            background_color: c.background.clone(),
        }
    }

    fn colours(&self) -> [(&'static str, &'static str, &String); 9] {
        [
            ("primary_color", "Primary (header)", &self.primary_color),
            ("link_color", "Links", &self.link_color),
            ("success_color", "Operational", &self.success_color),
            ("warning_color", "Warning", &self.warning_color),
            ("danger_color", "Outage", &self.danger_color),
            ("info_color", "Information", &self.info_color),
            ("primary_text_color", "Text", &self.primary_text_color),
            (
                "secondary_text_color",
                "Secondary text",
                &self.secondary_text_color,
            ),
            ("background_color", "Background", &self.background_color),
        ]
    }
}

/// `#RRGGBB`: what colour pickers send, and all the theme stylesheet may contain.
fn is_colour(value: &str) -> bool {
    value.len() == 7 && value.starts_with('#') && value[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// An absolute http(s) URL, or nothing.
fn check_url(value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    match url::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => None,
        _ => Some("Enter a full address starting with https://, or leave it empty.".into()),
    }
}

fn check_site(form: &SiteForm) -> (SiteErrors, Vec<Colour>) {
    let mut errors = SiteErrors::default();
    let name = form.system_name.trim();
    if name.is_empty() {
        errors.system_name = Some("Enter the name of your system.".into());
    } else if name.chars().count() > 100 || name.chars().any(char::is_control) {
        errors.system_name = Some("One line of at most 100 characters.".into());
    }
    if let Err(e) = crate::accounts::validate_email(form.support_email.trim()) {
        errors.support_email = Some(super::account::capitalised(&e.to_string()));
    }
    let phone = form.support_phone.trim();
    if phone.chars().count() > 40
        || !phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()/.".contains(c))
    {
        errors.support_phone = Some("Only digits, spaces and + - ( ) / . please.".into());
    }
    errors.legal_url = check_url(form.legal_url.trim());
    errors.privacy_url = check_url(form.privacy_url.trim());
    let colours = form
        .colours()
        .into_iter()
        .map(|(name, label, value)| Colour {
            name,
            label,
            value: value.clone(),
            error: (!is_colour(value)).then(|| "A colour like #3B1C4A.".into()),
        })
        .collect();
    (errors, colours)
}

impl SiteErrors {
    fn any(&self) -> bool {
        self.system_name.is_some()
            || self.support_email.is_some()
            || self.support_phone.is_some()
            || self.legal_url.is_some()
            || self.privacy_url.is_some()
    }
}

/// The page with `form` as typed, and next to each field what is wrong with it.
async fn site_page(
    state: &AdminState,
    admin: &Admin,
    status: StatusCode,
    form: SiteForm,
    logo_error: Option<String>,
    notice: Option<&str>,
) -> Response {
    let (errors, colours) = check_site(&form);
    let logo = match state.db.acquire().await {
        Ok(mut conn) => match settings::site(&mut conn).await {
            Ok(site) => site.logo,
            Err(e) => return unavailable(e),
        },
        Err(e) => return unavailable(e),
    };
    let name = system_name(state).await;
    let has_errors = errors.any() || colours.iter().any(|c| c.error.is_some());
    page(
        status,
        &SitePage {
            chrome: Chrome::for_admin(&name, "Site settings", "settings", admin)
                .with_notice(notice),
            form,
            colours,
            errors,
            has_errors,
            logo_url: logo
                .filter(|l| !l.is_empty())
                .map(|l| format!("/media/{l}")),
            logo_error,
        },
    )
}

pub async fn site(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Query(query): Query<NoticeQuery>,
) -> Response {
    let current = match state.db.acquire().await {
        Ok(mut conn) => settings::site(&mut conn).await,
        Err(e) => Err(e),
    };
    let form = match current {
        Ok(current) => SiteForm::of(&current),
        Err(e) => return unavailable(e),
    };
    site_page(
        &state,
        &admin,
        StatusCode::OK,
        form,
        None,
        query.notice.as_deref(),
    )
    .await
}

pub async fn save_site(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Form(form): Form<SiteForm>,
) -> Response {
    let (errors, colours) = check_site(&form);
    if errors.any() || colours.iter().any(|c| c.error.is_some()) {
        return site_page(&state, &admin, StatusCode::BAD_REQUEST, form, None, None).await;
    }
    let result = saved(
        &state,
        &admin,
        "settings.site",
        "the site settings",
        async |conn| {
            let mut site = settings::site(conn).await?;
            site.system_name = form.system_name.trim().to_owned();
            site.support_email = form.support_email.trim().to_owned();
            site.support_phone = form.support_phone.trim().to_owned();
            site.legal_url = form.legal_url.trim().to_owned();
            site.privacy_url = form.privacy_url.trim().to_owned();
            let c = &mut site.colors;
            c.primary = form.primary_color.clone();
            c.link = form.link_color.clone();
            c.success = form.success_color.clone();
            c.warning = form.warning_color.clone();
            c.danger = form.danger_color.clone();
            c.info = form.info_color.clone();
            c.primary_text = form.primary_text_color.clone();
            c.secondary_text = form.secondary_text_color.clone();
            c.background = form.background_color.clone();
            settings::save_site(conn, &site).await
        },
    )
    .await;
    redirect_after(result, "/admin/settings/site?notice=saved")
}

async fn logo_refused(
    state: &AdminState,
    admin: &Admin,
    status: StatusCode,
    message: String,
) -> Response {
    let current = match state.db.acquire().await {
        Ok(mut conn) => settings::site(&mut conn).await,
        Err(e) => Err(e),
    };
    let form = match current {
        Ok(current) => SiteForm::of(&current),
        Err(e) => return unavailable(e),
    };
    site_page(state, admin, status, form, Some(message), None).await
}

/// The upload was cut off while being read, so its size is not known, only that it is too big.
async fn logo_too_large(state: &AdminState, admin: &Admin) -> Response {
    let message = "This file is larger than 1 MiB; at most 1024 KiB (1 MiB) is allowed.".into();
    logo_refused(state, admin, StatusCode::PAYLOAD_TOO_LARGE, message).await
}

/// The upload: checked by its content (never its name), stored under a hashed name, then the
/// setting points at it.
pub async fn upload_logo(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    mut multipart: Multipart,
) -> Response {
    let mut bytes = None;
    // The body limit cuts off anything much larger than 1 MiB while it is being read.
    let too_large =
        |e: &axum::extract::multipart::MultipartError| e.status() == StatusCode::PAYLOAD_TOO_LARGE;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if too_large(&e) => return logo_too_large(&state, &admin).await,
            Err(_) => break,
        };
        if field.name() != Some("logo") {
            continue;
        }
        match field.bytes().await {
            Ok(b) => bytes = Some(b),
            Err(e) if too_large(&e) => return logo_too_large(&state, &admin).await,
            Err(_) => {}
        }
        break;
    }
    let Some(bytes) = bytes else {
        return logo_refused(
            &state,
            &admin,
            StatusCode::BAD_REQUEST,
            "Choose an image file to upload.".into(),
        )
        .await;
    };
    let format = match logo::check(&bytes) {
        Ok(format) => format,
        Err(e) => {
            let status = match e {
                logo::LogoError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::BAD_REQUEST,
            };
            return logo_refused(&state, &admin, status, e.to_string()).await;
        }
    };
    let hash: String = Sha256::digest(&bytes)[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let name = format!("logo.{hash}.{}", format.extension());
    // In the database, with the setting, so that every instance serves it.
    let result = saved(&state, &admin, "settings.logo", "the logo", async |conn| {
        crate::storage::media::put(conn, &name, &bytes, jiff::Timestamp::now()).await?;
        let mut site = settings::site(conn).await?;
        site.logo = Some(name.clone());
        settings::save_site(conn, &site).await
    })
    .await;
    redirect_after(result, "/admin/settings/site?notice=saved")
}

pub async fn remove_logo(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
) -> Response {
    let result = saved(
        &state,
        &admin,
        "settings.logo",
        "the logo (removed it)",
        async |conn| {
            let mut site = settings::site(conn).await?;
            site.logo = None;
            settings::save_site(conn, &site).await
        },
    )
    .await;
    redirect_after(result, "/admin/settings/site?notice=removed")
}

// ---- Notifications ----

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
) -> Response {
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
) -> Response {
    let current = match state.db.acquire().await {
        Ok(mut conn) => settings::notifications(&mut conn).await,
        Err(e) => Err(e),
    };
    match current {
        Ok(current) => {
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
        Err(e) => unavailable(e),
    }
}

pub async fn save_notifications(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Form(form): Form<NotificationsForm>,
) -> Response {
    let wanted = NotificationSettings {
        reply_to: form.reply_to.trim().to_owned(),
        allow_subscriptions: form.allow_subscriptions.is_some(),
    };
    if let Err(e) = crate::accounts::validate_email(&wanted.reply_to) {
        let message = super::account::capitalised(&e.to_string());
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

// ---- Alert hooks ----

#[derive(Template)]
#[template(path = "admin/settings_hooks.html")]
struct HooksPage {
    chrome: Chrome,
    opsgenie_url: String,
    alertmanager_url: String,
    from_environment: bool,
}

pub async fn hooks(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Query(query): Query<NoticeQuery>,
) -> Response {
    let secret = match &state.config.webhook_secret {
        Some(secret) => Ok(secret.expose().to_owned()),
        None => match state.db.acquire().await {
            Ok(mut conn) => settings::webhook_secret(&mut conn).await,
            Err(e) => Err(e),
        },
    };
    let secret = match secret {
        Ok(secret) => secret,
        Err(e) => return unavailable(e),
    };
    let base = state.config.site_url.as_str().trim_end_matches('/');
    let name = system_name(&state).await;
    page(
        StatusCode::OK,
        &HooksPage {
            chrome: Chrome::for_admin(&name, "Alert hooks", "settings", &admin)
                .with_notice(query.notice.as_deref()),
            opsgenie_url: format!("{base}/integrations/opsgenie/hook/{secret}"),
            alertmanager_url: format!("{base}/integrations/alertmanager/hook/{secret}"),
            from_environment: state.config.webhook_secret.is_some(),
        },
    )
}

/// A new secret: the old URLs stop working at once (a leaked URL is why anyone does this).
pub async fn regenerate_hook_secret(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
) -> Response {
    if state.config.webhook_secret.is_some() {
        return plain(
            StatusCode::CONFLICT,
            "The secret is set by the environment (MONOSTAT_WEBHOOK_SECRET); change it there.",
        );
    }
    let secret: String = rand::rng()
        .sample_iter(Alphanumeric)
        .take(64)
        .map(char::from)
        .collect();
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

// ---- Slack ----

/// One Slack credential as the page shows it.
struct Credential {
    name: &'static str,
    label: &'static str,
    /// `xoxb-…8f2a`, or empty when unset.
    masked: String,
    from_environment: bool,
    hint: &'static str,
}

#[derive(Template)]
#[template(path = "admin/settings_slack.html")]
struct SlackPage {
    chrome: Chrome,
    credentials: Vec<Credential>,
    channel_name: String,
    channel_from_environment: bool,
    channel_id: Option<String>,
    socket_mode: String,
    test_result: Option<(bool, String)>,
    error: Option<String>,
}

/// Enough to recognise a token, too little to use it.
fn masked(secret: &str) -> String {
    if secret.is_empty() {
        return String::new();
    }
    let prefix: String = secret.chars().take_while(|c| *c != '-').take(4).collect();
    let tail: String = secret
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if secret.chars().count() <= 12 {
        "••••••••".into()
    } else if secret.contains('-') {
        format!("{prefix}-…{tail}")
    } else {
        format!("…{tail}")
    }
}

async fn slack_page(
    state: &AdminState,
    admin: &Admin,
    status: StatusCode,
    test_result: Option<(bool, String)>,
    error: Option<String>,
    notice: Option<&str>,
) -> Response {
    let stored = match state.db.acquire().await {
        Ok(mut conn) => settings::slack(&mut conn).await,
        Err(e) => Err(e),
    };
    let stored = match stored {
        Ok(stored) => stored,
        Err(e) => return unavailable(e),
    };
    let env = &state.config.slack;
    let credential =
        |name, label, value: &str, over: &Option<crate::config::Secret>, hint| Credential {
            name,
            label,
            masked: masked(over.as_ref().map_or(value, |s| s.expose())),
            from_environment: over.is_some(),
            hint,
        };
    let credentials = vec![
        credential(
            "bot_token",
            "Bot token",
            &stored.bot_token,
            &env.bot_token,
            "Starts with xoxb-. OAuth & Permissions in your Slack app.",
        ),
        credential(
            "app_token",
            "App-level token (Socket Mode)",
            &stored.app_token,
            &env.app_token,
            "Starts with xapp-. Leave empty to receive Slack's requests over HTTP instead.",
        ),
        credential(
            "signing_secret",
            "Signing secret (HTTP)",
            &stored.signing_secret,
            &env.signing_secret,
            "Basic Information in your Slack app. Needed only without Socket Mode.",
        ),
    ];
    let socket_mode = match state.socket_mode.get() {
        crate::slack::socket_mode::State::Off => "Off (no app-level token)".to_owned(),
        crate::slack::socket_mode::State::Connected => "Connected".to_owned(),
        crate::slack::socket_mode::State::Failed(e) => format!("Not connected: {e}"),
    };
    let name = system_name(state).await;
    let channel_name = env.channel.clone().unwrap_or(stored.channel_name.clone());
    let effective = match state.db.acquire().await {
        Ok(mut conn) => crate::slack::settings::load(&mut conn, env).await.ok(),
        Err(_) => None,
    };
    page(
        status,
        &SlackPage {
            chrome: Chrome::for_admin(&name, "Slack settings", "settings", admin)
                .with_notice(notice),
            credentials,
            channel_name,
            channel_from_environment: env.channel.is_some(),
            channel_id: effective.and_then(|e| e.channel_id),
            socket_mode,
            test_result,
            error,
        },
    )
}

pub async fn slack(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Query(query): Query<NoticeQuery>,
) -> Response {
    slack_page(
        &state,
        &admin,
        StatusCode::OK,
        None,
        None,
        query.notice.as_deref(),
    )
    .await
}

#[derive(serde::Deserialize)]
pub struct SlackForm {
    #[serde(default)]
    bot_token: String,
    #[serde(default)]
    app_token: String,
    #[serde(default)]
    signing_secret: String,
    #[serde(default)]
    channel_name: Option<String>,
    /// Ticked boxes `clear_bot_token` etc. remove a stored credential.
    #[serde(default)]
    clear_bot_token: Option<String>,
    #[serde(default)]
    clear_app_token: Option<String>,
    #[serde(default)]
    clear_signing_secret: Option<String>,
}

/// A new value replaces the stored one, an empty field keeps it, a ticked box clears it.
fn updated(current: &str, typed: &str, clear: bool) -> String {
    if clear {
        String::new()
    } else if typed.trim().is_empty() {
        current.to_owned()
    } else {
        typed.trim().to_owned()
    }
}

pub async fn save_slack(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Form(form): Form<SlackForm>,
) -> Response {
    let problems = [
        (&form.bot_token, "xoxb-", "The bot token starts with xoxb-."),
        (
            &form.app_token,
            "xapp-",
            "The app-level token starts with xapp-.",
        ),
    ];
    for (value, prefix, message) in problems {
        let value = value.trim();
        if !value.is_empty() && !value.starts_with(prefix) {
            return slack_page(
                &state,
                &admin,
                StatusCode::BAD_REQUEST,
                None,
                Some(message.into()),
                None,
            )
            .await;
        }
    }
    if let Some(channel) = &form.channel_name {
        let name = crate::slack::settings::normalise(channel);
        if name.len() > 80
            || !name
                .chars()
                .all(|c| c.is_lowercase() || c.is_ascii_digit() || "-_".contains(c))
        {
            return slack_page(
                &state,
                &admin,
                StatusCode::BAD_REQUEST,
                None,
                Some(
                    "A channel name has lowercase letters, digits, - and _ only, like #statuspage."
                        .into(),
                ),
                None,
            )
            .await;
        }
    }
    let result = saved(
        &state,
        &admin,
        "settings.slack",
        "the Slack settings",
        async |conn| {
            let current = settings::slack(conn).await?;
            let channel_name = match &form.channel_name {
                Some(channel) => channel.trim().to_owned(),
                None => current.channel_name.clone(),
            };
            let bot_token = updated(
                &current.bot_token,
                &form.bot_token,
                form.clear_bot_token.is_some(),
            );
            // A channel id belongs to the name it was resolved for, in the workspace of the
            // token it was resolved with: a new name or token has to resolve it again.
            let same_channel = crate::slack::settings::normalise(&channel_name)
                == crate::slack::settings::normalise(&current.channel_name)
                && bot_token == current.bot_token;
            let wanted = SlackSettings {
                app_token: updated(
                    &current.app_token,
                    &form.app_token,
                    form.clear_app_token.is_some(),
                ),
                signing_secret: updated(
                    &current.signing_secret,
                    &form.signing_secret,
                    form.clear_signing_secret.is_some(),
                ),
                channel_id: current.channel_id.clone().filter(|_| same_channel),
                bot_token,
                channel_name,
            };
            settings::save_slack(conn, &wanted).await
        },
    )
    .await;
    redirect_after(result, "/admin/settings/slack?notice=saved")
}

/// "Test connection": `auth.test` with the bot token in force, shown on the page.
pub async fn test_slack(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
) -> Response {
    let effective = match state.db.acquire().await {
        Ok(mut conn) => crate::slack::settings::load(&mut conn, &state.config.slack).await,
        Err(e) => Err(e),
    };
    let effective = match effective {
        Ok(effective) => effective,
        Err(e) => return unavailable(e),
    };
    let result = if effective.bot_token.is_empty() {
        (
            false,
            "There is no bot token to test. Enter one above first.".to_owned(),
        )
    } else {
        match state.slack.auth_test(&effective.bot_token).await {
            Ok((team, user)) => (
                true,
                format!("Connected to the workspace {team:?} as {user:?}."),
            ),
            Err(crate::slack::SlackCallError::Api(code)) => (
                false,
                format!("Slack refused the token: {code}. Check the bot token."),
            ),
            Err(crate::slack::SlackCallError::RateLimited(_)) => (
                false,
                "Slack is rate-limiting this app right now; try again in a minute.".to_owned(),
            ),
            Err(e) => {
                tracing::warn!(error = %e, "Slack connection test failed");
                (
                    false,
                    "Slack could not be reached from this server. Check that it can make \
                     outgoing HTTPS connections to slack.com (firewall, proxy, DNS); the log \
                     has the details."
                        .to_owned(),
                )
            }
        }
    };
    slack_page(&state, &admin, StatusCode::OK, Some(result), None, None).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_shown_masked() {
        assert_eq!(masked(""), "");
        assert_eq!(masked("xoxb-1234-5678-abcdefgh8f2a"), "xoxb-…8f2a");
        assert_eq!(masked("0123456789abcdef0123"), "…0123");
        assert_eq!(masked("short"), "••••••••");
    }
}

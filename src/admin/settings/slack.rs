//! The Slack settings page: credentials, the channel, a connection test.

use super::super::session::Admin;
use super::super::{AdminState, Chrome, PageResult, page, redirect_after, system_name};
use super::{NoticeQuery, saved};
use crate::settings::InForce;
use crate::storage::settings::{self, SlackSettings};
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;

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

/// What the page says above the settings.
enum Said<'a> {
    /// The confirmation a redirect asked for (`?notice=saved`), if any.
    Notice(Option<&'a str>),
    /// How the connection test went.
    Tested(bool, String),
    /// What is wrong with the form that was sent (400).
    Refused(String),
}

async fn slack_page(state: &AdminState, admin: &Admin, said: Said<'_>) -> PageResult {
    let (status, notice, test_result, error) = match said {
        Said::Notice(notice) => (StatusCode::OK, notice, None, None),
        Said::Tested(ok, text) => (StatusCode::OK, None, Some((ok, text)), None),
        Said::Refused(error) => (StatusCode::BAD_REQUEST, None, None, Some(error)),
    };
    let in_force =
        crate::settings::slack(&mut *state.db.acquire().await?, &state.config.slack).await?;
    let credential = |name, label, value: &InForce, hint| Credential {
        name,
        label,
        masked: masked(&value.value),
        from_environment: value.from_environment,
        hint,
    };
    let credentials = vec![
        credential(
            "bot_token",
            "Bot token",
            &in_force.bot_token,
            "Starts with xoxb-. OAuth & Permissions in your Slack app.",
        ),
        credential(
            "app_token",
            "App-level token (Socket Mode)",
            &in_force.app_token,
            "Starts with xapp-. Leave empty to receive Slack's requests over HTTP instead.",
        ),
        credential(
            "signing_secret",
            "Signing secret (HTTP)",
            &in_force.signing_secret,
            "Basic Information in your Slack app. Needed only without Socket Mode.",
        ),
    ];
    let socket_mode = match state.socket_mode.get() {
        crate::slack::socket_mode::State::Off => "Off (no app-level token)".to_owned(),
        crate::slack::socket_mode::State::Connected => "Connected".to_owned(),
        crate::slack::socket_mode::State::Failed(e) => format!("Not connected: {e}"),
    };
    let name = system_name(state).await;
    page(
        status,
        &SlackPage {
            chrome: Chrome::for_admin(&name, "Slack settings", "settings", admin)
                .with_notice(notice),
            credentials,
            channel_name: in_force.channel_name.value,
            channel_from_environment: in_force.channel_name.from_environment,
            channel_id: in_force.channel_id,
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
) -> PageResult {
    slack_page(&state, &admin, Said::Notice(query.notice.as_deref())).await
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
) -> PageResult {
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
            return slack_page(&state, &admin, Said::Refused(message.into())).await;
        }
    }
    if let Some(channel) = &form.channel_name {
        let name = crate::settings::normalise_channel(channel);
        if name.len() > 80
            || !name
                .chars()
                .all(|c| c.is_lowercase() || c.is_ascii_digit() || "-_".contains(c))
        {
            let message =
                "A channel name has lowercase letters, digits, - and _ only, like #statuspage.";
            return slack_page(&state, &admin, Said::Refused(message.into())).await;
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
            let same_channel = crate::settings::normalise_channel(&channel_name)
                == crate::settings::normalise_channel(&current.channel_name)
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
) -> PageResult {
    let effective =
        crate::slack::settings::load(&mut *state.db.acquire().await?, &state.config.slack).await?;
    let (ok, text) = if effective.bot_token.is_empty() {
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
    slack_page(&state, &admin, Said::Tested(ok, text)).await
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

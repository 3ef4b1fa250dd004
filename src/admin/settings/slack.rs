//! The Slack settings page: credentials, the channel, a connection test.

use super::super::session::Admin;
use super::super::{AdminState, Chrome, PageResult, page, redirect_after, system_name};
use super::{NoticeQuery, saved};
use crate::settings::InForce;
use crate::slack::channel::{self, ChannelRef, Problem};
use crate::storage::jobs::{JobRecord, JobState};
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
    /// What else a save has to say besides "Saved." (the bot is not in the channel yet, …).
    saved_note: Option<String>,
    last_error: Option<LastError>,
}

/// The error of the Slack job that says most about Slack's trouble now (`storage::jobs::last_error`).
struct LastError {
    /// As the job recorded it, shortened.
    error: String,
    kind: String,
    /// When, and what becomes of the job: "3 minutes ago, gave up after 1 attempt".
    when: String,
}

/// Enough to recognise an error; the log has it whole.
const MAX_ERROR_CHARS: usize = 300;

/// `text` on one line and at most `MAX_ERROR_CHARS` long.
fn shortened(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX_ERROR_CHARS {
        return one_line;
    }
    let mut short: String = one_line.chars().take(MAX_ERROR_CHARS - 1).collect();
    short.push('…');
    short
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// How long until `seconds` from now, in words.
fn from_now(seconds: i64) -> String {
    match seconds {
        ..60 => "within a minute".into(),
        60..3_600 => format!("in {}", plural(seconds / 60, "minute")),
        3_600..86_400 => format!("in {}", plural(seconds / 3_600, "hour")),
        _ => format!("in {}", plural(seconds / 86_400, "day")),
    }
}

impl LastError {
    fn of(job: &JobRecord, now: jiff::Timestamp) -> LastError {
        let when = match (job.state, job.finished) {
            (JobState::Failed, Some(finished)) => format!(
                "{}, gave up after {}",
                super::hooks::ago(now.as_second() - finished.as_second()),
                plural(i64::from(job.attempts), "attempt")
            ),
            _ => format!(
                "attempt {} of {}, tries again {}",
                job.attempts,
                job.max_attempts,
                from_now(job.run_at.as_second() - now.as_second())
            ),
        };
        LastError {
            error: shortened(job.last_error.as_deref().unwrap_or_default()),
            kind: job.kind.clone(),
            when,
        }
    }
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
    /// What is wrong with the form that was sent (400), and the channel as typed, to correct.
    Refused(String, Option<String>),
}

/// After a save, the bot is not in the channel yet (`?notice=saved-join`).
const SAVED_JOIN: &str = "saved-join";
/// After a save, there was no bot token to check the channel with (`?notice=saved-unchecked`).
const SAVED_UNCHECKED: &str = "saved-unchecked";

async fn slack_page(state: &AdminState, admin: &Admin, said: Said<'_>) -> PageResult {
    let (status, notice, test_result, error, typed_channel) = match said {
        Said::Notice(notice) => (StatusCode::OK, notice, None, None, None),
        Said::Tested(ok, text) => (StatusCode::OK, None, Some((ok, text)), None, None),
        Said::Refused(error, typed) => (StatusCode::BAD_REQUEST, None, None, Some(error), typed),
    };
    let (in_force, last_error) = {
        let mut conn = state.db.acquire().await?;
        (
            crate::settings::slack(&mut conn, &state.config.slack).await?,
            crate::storage::jobs::last_error(&mut conn, "slack.").await?,
        )
    };
    let last_error = last_error.map(|job| LastError::of(&job, jiff::Timestamp::now()));
    // Only fixed texts and the channel in force: nothing from the URL is echoed.
    let channel = crate::settings::normalise_channel(&in_force.channel_name.value);
    let saved_note = match notice {
        Some(SAVED_JOIN) => Some(format!(
            "The bot is not in #{channel} yet. It joins this public channel by itself before \
             its first message (the app needs the channels:join scope for that); to add it \
             now, type /invite @ and the app's name in #{channel}."
        )),
        Some(SAVED_UNCHECKED) => Some(
            "The channel was not checked: there is no bot token yet to check it with. It is \
             checked when a bot token is saved."
                .to_owned(),
        ),
        _ => None,
    };
    let notice = match notice {
        Some(SAVED_JOIN | SAVED_UNCHECKED) => Some("saved"),
        other => other,
    };
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
            channel_name: typed_channel.unwrap_or(in_force.channel_name.value),
            channel_from_environment: in_force.channel_name.from_environment,
            channel_id: in_force.channel_id,
            socket_mode,
            test_result,
            error,
            saved_note,
            last_error,
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

/// What the admin reads when the channel cannot be used (after "Nothing was saved:").
fn problem_text(problem: &Problem) -> String {
    const FIND_THE_ID: &str = "in Slack, the channel's details show it at the bottom";
    match problem {
        Problem::UnknownId(id) => format!(
            "Slack has no channel with the id {id} that the bot can see. Check the id \
             ({FIND_THE_ID}), or enter the channel's name. A private channel: /invite the bot \
             there first."
        ),
        Problem::UnknownName {
            name,
            complete: true,
            ..
        } => format!(
            "Slack has no public channel named #{name}. Check the spelling. A private channel: \
             /invite the bot there, then enter the channel's id ({FIND_THE_ID})."
        ),
        Problem::UnknownName {
            name, looked_at, ..
        } => format!(
            "#{name} is not among the first {looked_at} channels of the workspace, which is as \
             far as the lookup goes. Enter the channel's id instead ({FIND_THE_ID})."
        ),
        Problem::Archived(found) => format!(
            "#{} is archived, so the bot cannot post there. Unarchive it in Slack, or choose \
             another channel.",
            found.name
        ),
        Problem::Refused(code)
            if matches!(
                code.as_str(),
                "invalid_auth"
                    | "not_authed"
                    | "token_revoked"
                    | "token_expired"
                    | "account_inactive"
            ) =>
        {
            format!(
                "Slack refused the bot token ({code}), so the channel could not be checked. \
                 Check the token (OAuth & Permissions in your Slack app)."
            )
        }
        Problem::Refused(code) if code == "missing_scope" => "The bot token may not look \
            the channel up (missing_scope): add the channels:read scope (groups:read too, for a \
            private channel) under OAuth & Permissions in your Slack app, reinstall the app, \
            and save again."
            .to_owned(),
        Problem::Refused(code) => format!("Slack refused to look the channel up: {code}."),
        Problem::RateLimited(after) => format!(
            "Slack is rate-limiting this app right now, so the channel could not be checked. \
             Save again {}.",
            match after {
                Some(after) if after.as_secs() > 1 => format!("in {} seconds", after.as_secs()),
                _ => "in a moment".to_owned(),
            }
        ),
        Problem::Unreachable => "Slack could not be reached to check the channel. Check that \
            this server can make outgoing HTTPS connections to slack.com (firewall, proxy, DNS), \
            then save again; the log has the details."
            .to_owned(),
        Problem::TooSlow => format!(
            "Slack did not answer within {} seconds, so the channel could not be checked. Save \
             again in a moment.",
            channel::CHECK_BUDGET.as_secs()
        ),
    }
}

const NOT_A_CHANNEL: &str = "A channel name has lowercase letters, digits, - and _ only, like \
    #statuspage; a channel id looks like C0123456789.";

pub async fn save_slack(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Form(form): Form<SlackForm>,
) -> PageResult {
    let typed_channel = form.channel_name.as_deref().map(str::trim);
    let refuse = async |message: String| {
        // The tokens typed are not sent back to the browser, so they must be typed again.
        let retype = [&form.bot_token, &form.app_token, &form.signing_secret]
            .iter()
            .any(|t| !t.trim().is_empty());
        let message = if retype {
            format!("{message} The tokens and secrets you entered have to be entered again.")
        } else {
            message
        };
        let said = Said::Refused(message, typed_channel.map(str::to_owned));
        slack_page(&state, &admin, said).await
    };
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
            return refuse(message.into()).await;
        }
    }
    if let Some(typed) = typed_channel
        && !crate::settings::normalise_channel(typed).is_empty()
        && ChannelRef::parse(typed).is_none()
    {
        return refuse(NOT_A_CHANNEL.into()).await;
    }

    // Read outside the transaction that saves: no transaction may wait on Slack.
    let current = settings::slack(&mut *state.db.acquire().await?).await?;
    let channel_name = match typed_channel {
        Some(channel) => channel.to_owned(),
        None => current.channel_name.clone(),
    };
    let bot_token = updated(
        &current.bot_token,
        &form.bot_token,
        form.clear_bot_token.is_some(),
    );
    // A channel id belongs to the name it was resolved for, in the workspace of the token it
    // was resolved with: a new name or token has to resolve it again.
    let same_channel = crate::settings::normalise_channel(&channel_name)
        == crate::settings::normalise_channel(&current.channel_name)
        && bot_token == current.bot_token;
    let mut wanted = SlackSettings {
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

    // The channel is checked whenever the posting would otherwise have to look it up: a new
    // channel or token. Saving anything else does not depend on Slack being reachable.
    let overrides = &state.config.slack;
    let token = overrides
        .bot_token
        .as_ref()
        .map_or(wanted.bot_token.as_str(), |t| t.expose())
        .to_owned();
    let (channel_text, from_environment) = match &overrides.channel {
        Some(channel) => (channel.clone(), true),
        None => (wanted.channel_name.clone(), false),
    };
    let channel = crate::settings::normalise_channel(&channel_text);
    let known = wanted.channel_id.is_some()
        && crate::settings::normalise_channel(&wanted.channel_name) == channel;
    let unresolved = !channel.is_empty() && !known;
    let mut notice = "saved";
    if unresolved && token.is_empty() {
        notice = SAVED_UNCHECKED;
    } else if unresolved {
        let Some(wanted_channel) = ChannelRef::parse(channel) else {
            let message = if from_environment {
                format!(
                    "MONOSTAT_SLACK_CHANNEL is {channel_text:?}, which is no channel name or \
                     id. {NOT_A_CHANNEL}"
                )
            } else {
                NOT_A_CHANNEL.to_owned()
            };
            return refuse(message).await;
        };
        let found = match channel::check(&state.slack, &token, &wanted_channel).await {
            Ok(found) => found,
            Err(problem) => return refuse(problem_text(&problem)).await,
        };
        if !found.is_member {
            notice = SAVED_JOIN;
        }
        // What the jobs read: the name in force with the id it resolved to. A channel given by
        // its id keeps the id as its name: it may be private, which no search by name finds
        // again when the id is lost (a `channel_not_found`, a new token).
        wanted.channel_name = if from_environment {
            channel_text
        } else if matches!(wanted_channel, ChannelRef::Id(_)) {
            found.id.clone()
        } else {
            format!("#{}", found.name)
        };
        wanted.channel_id = Some(found.id);
    }

    let result = saved(
        &state,
        &admin,
        "settings.slack",
        "the Slack settings",
        async |conn| settings::save_slack(conn, &wanted).await,
    )
    .await;
    redirect_after(result, &format!("/admin/settings/slack?notice={notice}"))
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

    #[test]
    fn job_errors_are_shown_on_one_line_and_cut_short() {
        assert_eq!(
            shortened("Slack refused\n  the call: x"),
            "Slack refused the call: x"
        );
        let long = shortened(&"é".repeat(1_000));
        assert_eq!(long.chars().count(), MAX_ERROR_CHARS);
        assert!(long.ends_with('…'));
        assert_eq!(
            shortened(&"a".repeat(MAX_ERROR_CHARS)),
            "a".repeat(MAX_ERROR_CHARS)
        );
    }

    #[test]
    fn retries_are_told_in_words() {
        assert_eq!(from_now(-5), "within a minute");
        assert_eq!(from_now(59), "within a minute");
        assert_eq!(from_now(60), "in 1 minute");
        assert_eq!(from_now(599), "in 9 minutes");
        assert_eq!(from_now(7_200), "in 2 hours");
        assert_eq!(from_now(172_800), "in 2 days");
    }
}

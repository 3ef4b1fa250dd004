//! The alert hooks page: every URL to give monitoring, when each source last delivered, a new
//! hook secret, and the alert sources' settings (signing secrets, the heartbeat watch, the
//! nudge).

use super::super::session::Admin;
use super::super::{AdminState, Chrome, PageResult, page, plain, redirect_after, system_name};
use super::{NoticeQuery, saved};
use crate::settings::InForce;
use crate::storage::integrations::{self, IntegrationSettings};
use crate::storage::settings;
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;
use jiff::Timestamp;

/// One source's URL as the page shows it.
struct HookRow {
    /// `opsgenie`, …: the name `integrations::routes::delivered` records, and the field's id.
    source: &'static str,
    label: &'static str,
    /// Where to paste it in the source (static HTML).
    hint: &'static str,
    url: String,
    last_delivered: String,
}

/// Each source: its recorded name, label, the hint, and its path before the secret.
const SOURCES: [(&str, &str, &str, &str); 7] = [
    (
        "opsgenie",
        "OpsGenie",
        "Settings → Integrations → Webhook, \"Add alert description to payload\" on",
        "/integrations/opsgenie/hook/",
    ),
    (
        "jsm",
        "Jira Service Management",
        "Operations → Integrations → Webhook, \"Add alert description to payload\" on",
        "/integrations/jsm/hook/",
    ),
    (
        "alertmanager",
        "Prometheus Alertmanager",
        "a <code>webhook_configs</code> receiver with <code>url:</code>",
        "/integrations/alertmanager/hook/",
    ),
    (
        "grafana",
        "Grafana",
        "Alerting → Contact points → Webhook; its HMAC signature secret goes below",
        "/integrations/grafana/hook/",
    ),
    (
        "pagerduty",
        "PagerDuty",
        "Integrations → Generic Webhooks (v3) → New Webhook; its signing secret goes below",
        "/integrations/pagerduty/hook/",
    ),
    (
        "webhook",
        "Anything else",
        "Uptime Kuma, Gatus, scripts: <code>{\"id\", \"status\": \"firing\" | \"resolved\", \"message\", \"description\"}</code>",
        "/integrations/webhook/hook/",
    ),
    (
        "heartbeat",
        "Heartbeat",
        "GET or POST from your monitoring every interval (below) to show that it is alive",
        "/integrations/heartbeat/",
    ),
];

/// A signing secret as the page shows it: whether it is set and where from, never the value.
struct SecretShown {
    set: bool,
    /// `…wxyz` for a long secret, to tell one from another; empty otherwise.
    ending: String,
    from_environment: bool,
}

impl SecretShown {
    fn of(in_force: &InForce) -> Self {
        let count = in_force.value.chars().count();
        SecretShown {
            set: count > 0,
            // Four characters of twenty or more leave the rest far beyond guessing.
            ending: if count >= 20 {
                let tail: String = in_force.value.chars().skip(count - 4).collect();
                format!("…{tail}")
            } else {
                String::new()
            },
            from_environment: in_force.from_environment,
        }
    }
}

/// What the settings form holds, as typed; the secrets are never sent back to the browser.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct HooksForm {
    #[serde(default)]
    pagerduty_signing_secret: String,
    #[serde(default)]
    clear_pagerduty_signing_secret: Option<String>,
    #[serde(default)]
    grafana_secret: String,
    #[serde(default)]
    clear_grafana_secret: Option<String>,
    #[serde(default)]
    grafana_timestamp_header: String,
    #[serde(default)]
    heartbeat_interval_seconds: String,
    #[serde(default)]
    heartbeat_grace_seconds: String,
    #[serde(default)]
    nudge_minutes: String,
}

impl HooksForm {
    fn of(s: &IntegrationSettings) -> Self {
        HooksForm {
            grafana_timestamp_header: s.grafana_timestamp_header.clone(),
            heartbeat_interval_seconds: s.heartbeat_interval_seconds.to_string(),
            heartbeat_grace_seconds: s.heartbeat_grace_seconds.to_string(),
            nudge_minutes: s.nudge_minutes.to_string(),
            ..HooksForm::default()
        }
    }
}

#[derive(Debug, Default)]
struct HooksErrors {
    pagerduty_signing_secret: Option<String>,
    grafana_secret: Option<String>,
    grafana_timestamp_header: Option<String>,
    heartbeat_interval_seconds: Option<String>,
    heartbeat_grace_seconds: Option<String>,
    nudge_minutes: Option<String>,
}

impl HooksErrors {
    fn any(&self) -> bool {
        self.pagerduty_signing_secret.is_some()
            || self.grafana_secret.is_some()
            || self.grafana_timestamp_header.is_some()
            || self.heartbeat_interval_seconds.is_some()
            || self.heartbeat_grace_seconds.is_some()
            || self.nudge_minutes.is_some()
    }
}

/// The longest signing secret taken: PagerDuty's are 64 characters, Grafana's whatever the
/// team typed; this bounds what is stored and keyed with, not what anyone uses.
pub const MAX_SECRET_CHARS: usize = 256;
/// The longest timestamp header name taken.
pub const MAX_HEADER_NAME: usize = 64;

/// What the form asks of a signing secret.
#[derive(Clone, Debug, PartialEq, Eq)]
enum SecretChange {
    /// An empty field: the stored secret stays.
    Keep,
    Replace(String),
    /// The "remove" box was ticked.
    Remove,
}

impl SecretChange {
    fn applied_to(&self, stored: &str) -> String {
        match self {
            SecretChange::Keep => stored.to_owned(),
            SecretChange::Replace(new) => new.clone(),
            SecretChange::Remove => String::new(),
        }
    }

    /// For the audit entry (never the secret itself).
    fn described(&self, name: &str) -> Option<String> {
        match self {
            SecretChange::Keep => None,
            SecretChange::Replace(_) => Some(format!("{name} replaced")),
            SecretChange::Remove => Some(format!("{name} removed")),
        }
    }
}

/// The form's settings, checked.
#[derive(Debug, PartialEq, Eq)]
struct Wanted {
    pagerduty_signing_secret: SecretChange,
    grafana_secret: SecretChange,
    grafana_timestamp_header: String,
    heartbeat_interval_seconds: i64,
    heartbeat_grace_seconds: i64,
    nudge_minutes: i64,
}

/// A secret as typed (or its removal), or why it is refused. `variable` names the environment
/// variable when it sets the secret: then nothing may be stored, it would not be in force.
fn secret_change(
    typed: &str,
    remove: bool,
    variable: Option<&str>,
) -> Result<SecretChange, String> {
    let typed = typed.trim();
    if let Some(variable) = variable {
        return if typed.is_empty() && !remove {
            Ok(SecretChange::Keep)
        } else {
            Err(format!(
                "This secret is set by the environment ({variable}); change it there."
            ))
        };
    }
    match (typed.is_empty(), remove) {
        (true, false) => Ok(SecretChange::Keep),
        (true, true) => Ok(SecretChange::Remove),
        (false, true) => Err("Either type a new secret or tick \"Remove\", not both.".into()),
        (false, false) if typed.chars().count() > MAX_SECRET_CHARS => Err(format!(
            "A secret of at most {MAX_SECRET_CHARS} characters."
        )),
        (false, false) if typed.chars().any(char::is_control) => {
            Err("A secret on one line, without control characters.".into())
        }
        (false, false) => Ok(SecretChange::Replace(typed.to_owned())),
    }
}

/// An HTTP header name (RFC 9110's token) of at most [`MAX_HEADER_NAME`] characters, or empty.
fn header_name(typed: &str) -> Result<String, String> {
    let name = typed.trim();
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.len() <= MAX_HEADER_NAME && name.chars().all(token) {
        Ok(name.to_owned())
    } else {
        Err(format!(
            "A header name of at most {MAX_HEADER_NAME} letters, digits and - (like \
             X-Grafana-Alerting-Signature-Timestamp), or empty."
        ))
    }
}

/// A whole number from `min` to `max`, or what is wrong with `text`.
fn whole_number(text: &str, min: i64, max: i64, unit: &str) -> Result<i64, String> {
    match text.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("A whole number of {unit} from {min} to {max}.")),
    }
}

/// The settings the form asks for, or each field's problem. `environment` names the variables
/// that set the PagerDuty and the Grafana secret, when they do.
fn check(
    form: &HooksForm,
    environment: (Option<&str>, Option<&str>),
) -> Result<Wanted, Box<HooksErrors>> {
    let max_seconds = IntegrationSettings::MAX_HEARTBEAT_SECONDS;
    let pagerduty = secret_change(
        &form.pagerduty_signing_secret,
        form.clear_pagerduty_signing_secret.is_some(),
        environment.0,
    );
    let grafana = secret_change(
        &form.grafana_secret,
        form.clear_grafana_secret.is_some(),
        environment.1,
    );
    let header = header_name(&form.grafana_timestamp_header);
    let interval = whole_number(&form.heartbeat_interval_seconds, 1, max_seconds, "seconds");
    let grace = whole_number(&form.heartbeat_grace_seconds, 0, max_seconds, "seconds");
    let nudge = whole_number(
        &form.nudge_minutes,
        0,
        IntegrationSettings::MAX_NUDGE_MINUTES,
        "minutes",
    );
    match (pagerduty, grafana, header, interval, grace, nudge) {
        (Ok(p), Ok(g), Ok(h), Ok(i), Ok(gr), Ok(n)) => Ok(Wanted {
            pagerduty_signing_secret: p,
            grafana_secret: g,
            grafana_timestamp_header: h,
            heartbeat_interval_seconds: i,
            heartbeat_grace_seconds: gr,
            nudge_minutes: n,
        }),
        (p, g, h, i, gr, n) => Err(Box::new(HooksErrors {
            pagerduty_signing_secret: p.err(),
            grafana_secret: g.err(),
            grafana_timestamp_header: h.err(),
            heartbeat_interval_seconds: i.err(),
            heartbeat_grace_seconds: gr.err(),
            nudge_minutes: n.err(),
        })),
    }
}

/// How long ago `seconds` were, in words.
pub(super) fn ago(seconds: i64) -> String {
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit} ago")
        } else {
            format!("{n} {unit}s ago")
        }
    };
    match seconds {
        ..60 => "just now".into(),
        60..3_600 => plural(seconds / 60, "minute"),
        3_600..86_400 => plural(seconds / 3_600, "hour"),
        _ => plural(seconds / 86_400, "day"),
    }
}

#[derive(Template)]
#[template(path = "admin/settings_hooks.html")]
struct HooksPage {
    chrome: Chrome,
    hooks: Vec<HookRow>,
    from_environment: bool,
    pagerduty: SecretShown,
    grafana: SecretShown,
    form: HooksForm,
    errors: HooksErrors,
    max_secret_chars: usize,
    max_header_name: usize,
    max_heartbeat_seconds: i64,
    max_nudge_minutes: i64,
}

async fn hooks_page(
    state: &AdminState,
    admin: &Admin,
    status: StatusCode,
    form: Option<HooksForm>,
    errors: HooksErrors,
    notice: Option<&str>,
) -> PageResult {
    let in_force = crate::settings::hook_secret(&state.config, &state.db).await?;
    let signing = crate::settings::hook_signing(&state.config, &state.db).await?;
    let (stored, last) = {
        let mut conn = state.db.acquire().await?;
        (
            integrations::get(&mut conn).await?,
            integrations::last_deliveries(&mut conn).await?,
        )
    };
    let secret = &in_force.value;
    let base = state.config.site_url.as_str().trim_end_matches('/');
    let tz = &state.config.time_zone.zone;
    let now = Timestamp::now();
    let hooks = SOURCES
        .iter()
        .map(|&(source, label, hint, path)| HookRow {
            source,
            label,
            hint,
            url: match source {
                "heartbeat" => format!("{base}{path}{}", crate::settings::heartbeat_token(secret)),
                _ => format!("{base}{path}{secret}"),
            },
            last_delivered: match last.iter().find(|(s, _)| s == source) {
                Some((_, at)) => format!(
                    "{} ({})",
                    at.to_zoned(tz.clone()).strftime("%Y-%m-%d %H:%M"),
                    ago(now.as_second() - at.as_second())
                ),
                None => "never".into(),
            },
        })
        .collect();
    let name = system_name(state).await;
    page(
        status,
        &HooksPage {
            chrome: Chrome::for_admin(&name, "Alert hooks", "settings", admin).with_notice(notice),
            hooks,
            from_environment: in_force.from_environment,
            pagerduty: SecretShown::of(&signing.pagerduty),
            grafana: SecretShown::of(&signing.grafana),
            form: form.unwrap_or_else(|| HooksForm::of(&stored)),
            errors,
            max_secret_chars: MAX_SECRET_CHARS,
            max_header_name: MAX_HEADER_NAME,
            max_heartbeat_seconds: IntegrationSettings::MAX_HEARTBEAT_SECONDS,
            max_nudge_minutes: IntegrationSettings::MAX_NUDGE_MINUTES,
        },
    )
}

pub async fn hooks(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Query(query): Query<NoticeQuery>,
) -> PageResult {
    hooks_page(
        &state,
        &admin,
        StatusCode::OK,
        None,
        HooksErrors::default(),
        query.notice.as_deref(),
    )
    .await
}

/// Saves the alert sources' settings: numbers as given, each secret replaced, kept (an empty
/// field) or removed (its box ticked), never one the environment sets.
pub async fn save_hooks(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Form(form): Form<HooksForm>,
) -> PageResult {
    let config = &state.config;
    let environment = (
        config
            .pagerduty_signing_secret
            .is_some()
            .then_some("MONOSTAT_PAGERDUTY_SIGNING_SECRET"),
        config
            .grafana_secret
            .is_some()
            .then_some("MONOSTAT_GRAFANA_SECRET"),
    );
    let wanted = match check(&form, environment) {
        Ok(wanted) => wanted,
        Err(errors) => {
            let shown = HooksForm {
                pagerduty_signing_secret: String::new(),
                grafana_secret: String::new(),
                ..form
            };
            return hooks_page(
                &state,
                &admin,
                StatusCode::BAD_REQUEST,
                Some(shown),
                *errors,
                None,
            )
            .await;
        }
    };
    let changes: Vec<String> = [
        wanted
            .pagerduty_signing_secret
            .described("PagerDuty signing secret"),
        wanted.grafana_secret.described("Grafana secret"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let what = if changes.is_empty() {
        "the alert source settings".to_owned()
    } else {
        format!("the alert source settings ({})", changes.join(", "))
    };
    let result = saved(
        &state,
        &admin,
        "settings.integrations",
        &what,
        async |conn| {
            let current = integrations::get(conn).await?;
            let new = IntegrationSettings {
                pagerduty_signing_secret: wanted
                    .pagerduty_signing_secret
                    .applied_to(&current.pagerduty_signing_secret),
                grafana_secret: wanted.grafana_secret.applied_to(&current.grafana_secret),
                grafana_timestamp_header: wanted.grafana_timestamp_header.clone(),
                heartbeat_interval_seconds: wanted.heartbeat_interval_seconds,
                heartbeat_grace_seconds: wanted.heartbeat_grace_seconds,
                nudge_minutes: wanted.nudge_minutes,
            };
            integrations::save(conn, &new).await
        },
    )
    .await;
    redirect_after(result, "/admin/settings/hooks?notice=saved")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> HooksForm {
        HooksForm {
            grafana_timestamp_header: " X-Grafana-Alerting-Signature-Timestamp ".into(),
            heartbeat_interval_seconds: "60".into(),
            heartbeat_grace_seconds: "0".into(),
            nudge_minutes: "1440".into(),
            ..HooksForm::default()
        }
    }

    #[test]
    fn empty_secrets_are_kept_typed_ones_replace_and_ticked_ones_go() {
        let ok = check(&form(), (None, None)).expect("valid");
        assert_eq!(ok.pagerduty_signing_secret, SecretChange::Keep);
        assert_eq!(
            ok.grafana_timestamp_header,
            "X-Grafana-Alerting-Signature-Timestamp"
        );
        assert_eq!(
            (
                ok.heartbeat_interval_seconds,
                ok.heartbeat_grace_seconds,
                ok.nudge_minutes
            ),
            (60, 0, 1440)
        );
        let typed = HooksForm {
            grafana_secret: " new ".into(),
            clear_pagerduty_signing_secret: Some("on".into()),
            ..form()
        };
        let ok = check(&typed, (None, None)).expect("valid");
        assert_eq!(ok.grafana_secret, SecretChange::Replace("new".into()));
        assert_eq!(ok.pagerduty_signing_secret, SecretChange::Remove);
        assert_eq!(ok.grafana_secret.applied_to("old"), "new");
        assert_eq!(SecretChange::Keep.applied_to("old"), "old");
    }

    #[test]
    fn what_the_environment_sets_cannot_be_changed_here() {
        let typed = HooksForm {
            grafana_secret: "new".into(),
            ..form()
        };
        let errors = check(&typed, (None, Some("MONOSTAT_GRAFANA_SECRET"))).expect_err("refused");
        assert_eq!(
            errors.grafana_secret.as_deref(),
            Some(
                "This secret is set by the environment (MONOSTAT_GRAFANA_SECRET); change it there."
            )
        );
        assert!(
            check(&form(), (Some("X"), Some("Y"))).is_ok(),
            "empty is fine"
        );
    }

    #[test]
    fn the_limits_are_the_tables() {
        let bad = HooksForm {
            pagerduty_signing_secret: "x".repeat(257),
            grafana_secret: "two\nlines".into(),
            grafana_timestamp_header: "X Timestamp".into(),
            heartbeat_interval_seconds: "0".into(),
            heartbeat_grace_seconds: "86401".into(),
            nudge_minutes: "1441".into(),
            ..HooksForm::default()
        };
        let errors = check(&bad, (None, None)).expect_err("refused");
        assert_eq!(
            errors.pagerduty_signing_secret.as_deref(),
            Some("A secret of at most 256 characters.")
        );
        assert!(errors.grafana_secret.is_some());
        assert!(errors.grafana_timestamp_header.is_some());
        assert_eq!(
            errors.heartbeat_interval_seconds.as_deref(),
            Some("A whole number of seconds from 1 to 86400.")
        );
        assert_eq!(
            errors.heartbeat_grace_seconds.as_deref(),
            Some("A whole number of seconds from 0 to 86400.")
        );
        assert_eq!(
            errors.nudge_minutes.as_deref(),
            Some("A whole number of minutes from 0 to 1440.")
        );
        let long_header = HooksForm {
            grafana_timestamp_header: "X".repeat(65),
            ..form()
        };
        assert!(check(&long_header, (None, None)).is_err());
        let both = HooksForm {
            grafana_secret: "new".into(),
            clear_grafana_secret: Some("on".into()),
            ..form()
        };
        assert!(check(&both, (None, None)).is_err());
    }

    #[test]
    fn secrets_are_shown_by_their_last_four_characters_at_most() {
        let shown = |value: &str| {
            SecretShown::of(&InForce {
                value: value.into(),
                from_environment: false,
            })
        };
        assert!(!shown("").set);
        assert_eq!(shown("short secret").ending, "");
        assert!(shown("short secret").set);
        assert_eq!(shown("0123456789abcdefwxyz").ending, "…wxyz");
    }

    #[test]
    fn ages_read_as_words() {
        assert_eq!(ago(-3), "just now");
        assert_eq!(ago(59), "just now");
        assert_eq!(ago(60), "1 minute ago");
        assert_eq!(ago(3_599), "59 minutes ago");
        assert_eq!(ago(7_200), "2 hours ago");
        assert_eq!(ago(86_400 * 3), "3 days ago");
    }
}

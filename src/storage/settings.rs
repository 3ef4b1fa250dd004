//! The singleton settings rows (id 1 in each table).

use super::{AnyConnection, Result};
use crate::domain::maintenance::MaintenanceSettings;
use sqlx::Row;

/// How the public page looks and whom it tells people to contact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteSettings {
    pub system_name: String,
    pub support_email: String,
    pub support_phone: String,
    pub legal_url: String,
    pub privacy_url: String,
    pub colors: ThemeColors,
    pub logo: Option<String>,
    /// The site's language tag; empty until the admin picks one (then `MONOSTAT_LANGUAGE`).
    pub language: String,
    /// The languages readers may get, as comma-separated tags; empty for all of them.
    pub languages: String,
    /// Every admin needs an authenticator app or a security key besides the password.
    pub second_factor_required: bool,
}

/// The nine theme colours, as CSS colour strings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThemeColors {
    pub primary: String,
    pub link: String,
    pub success: String,
    pub warning: String,
    pub danger: String,
    pub info: String,
    pub primary_text: String,
    pub secondary_text: String,
    pub background: String,
}

pub async fn site(conn: &mut AnyConnection) -> Result<SiteSettings> {
    let row = sqlx::query(
        "SELECT system_name, support_email, support_phone, legal_url, privacy_url,
                primary_color, link_color, success_color, warning_color, danger_color,
                info_color, primary_text_color, secondary_text_color, background_color, logo,
                language, languages, second_factor_required
         FROM site_settings WHERE id = 1",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(SiteSettings {
        system_name: row.try_get("system_name")?,
        support_email: row.try_get("support_email")?,
        support_phone: row.try_get("support_phone")?,
        legal_url: row.try_get("legal_url")?,
        privacy_url: row.try_get("privacy_url")?,
        colors: ThemeColors {
            primary: row.try_get("primary_color")?,
            link: row.try_get("link_color")?,
            success: row.try_get("success_color")?,
            warning: row.try_get("warning_color")?,
            danger: row.try_get("danger_color")?,
            info: row.try_get("info_color")?,
            primary_text: row.try_get("primary_text_color")?,
            secondary_text: row.try_get("secondary_text_color")?,
            background: row.try_get("background_color")?,
        },
        logo: row.try_get("logo")?,
        language: row.try_get("language")?,
        languages: row.try_get("languages")?,
        second_factor_required: row.try_get::<i32, _>("second_factor_required")? != 0,
    })
}

pub async fn save_site(conn: &mut AnyConnection, s: &SiteSettings) -> Result<()> {
    sqlx::query(
        "UPDATE site_settings SET system_name = $1, support_email = $2, support_phone = $3,
                legal_url = $4, privacy_url = $5, primary_color = $6, link_color = $7,
                success_color = $8, warning_color = $9, danger_color = $10, info_color = $11,
                primary_text_color = $12, secondary_text_color = $13, background_color = $14,
                logo = $15, language = $16, languages = $17, second_factor_required = $18
         WHERE id = 1",
    )
    .bind(&s.system_name)
    .bind(&s.support_email)
    .bind(&s.support_phone)
    .bind(&s.legal_url)
    .bind(&s.privacy_url)
    .bind(&s.colors.primary)
    .bind(&s.colors.link)
    .bind(&s.colors.success)
    .bind(&s.colors.warning)
    .bind(&s.colors.danger)
    .bind(&s.colors.info)
    .bind(&s.colors.primary_text)
    .bind(&s.colors.secondary_text)
    .bind(&s.colors.background)
    .bind(&s.logo)
    .bind(&s.language)
    .bind(&s.languages)
    .bind(i32::from(s.second_factor_required))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether every admin needs a second factor: read on each admin request of an admin without
/// an authenticator app, so without the rest of the row.
pub async fn second_factor_required(conn: &mut AnyConnection) -> Result<bool> {
    let required: i32 =
        sqlx::query_scalar("SELECT second_factor_required FROM site_settings WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?;
    Ok(required != 0)
}

pub async fn set_second_factor_required(conn: &mut AnyConnection, required: bool) -> Result<()> {
    sqlx::query("UPDATE site_settings SET second_factor_required = $1 WHERE id = 1")
        .bind(i32::from(required))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotificationSettings {
    pub reply_to: String,
    pub allow_subscriptions: bool,
}

pub async fn notifications(conn: &mut AnyConnection) -> Result<NotificationSettings> {
    let row =
        sqlx::query("SELECT reply_to, allow_subscriptions FROM notification_settings WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?;
    Ok(NotificationSettings {
        reply_to: row.try_get("reply_to")?,
        allow_subscriptions: row.try_get::<i32, _>("allow_subscriptions")? != 0,
    })
}

pub async fn save_notifications(conn: &mut AnyConnection, s: &NotificationSettings) -> Result<()> {
    sqlx::query(
        "UPDATE notification_settings SET reply_to = $1, allow_subscriptions = $2 WHERE id = 1",
    )
    .bind(&s.reply_to)
    .bind(i32::from(s.allow_subscriptions))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Returns the stored alert-hook secret, storing `generated` first if there is none yet. Safe
/// when several instances start at once: the first insert wins and all read the same value.
pub async fn ensure_webhook_secret(conn: &mut AnyConnection, generated: &str) -> Result<String> {
    sqlx::query(
        "INSERT INTO alert_hook_settings (id, webhook_secret) VALUES (1, $1)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(generated)
    .execute(&mut *conn)
    .await?;
    webhook_secret(conn).await
}

/// Returns this installation's id, storing `generated` first if there is none yet; like the
/// hook secret, the first of several instances starting at once wins.
pub async fn ensure_installation_id(conn: &mut AnyConnection, generated: &str) -> Result<String> {
    sqlx::query(
        "INSERT INTO installation (id, installation_id) VALUES (1, $1)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(generated)
    .execute(&mut *conn)
    .await?;
    Ok(
        sqlx::query_scalar("SELECT installation_id FROM installation WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?,
    )
}

pub async fn webhook_secret(conn: &mut AnyConnection) -> Result<String> {
    Ok(
        sqlx::query_scalar("SELECT webhook_secret FROM alert_hook_settings WHERE id = 1")
            .fetch_one(&mut *conn)
            .await?,
    )
}

pub async fn set_webhook_secret(conn: &mut AnyConnection, secret: &str) -> Result<()> {
    sqlx::query("UPDATE alert_hook_settings SET webhook_secret = $1 WHERE id = 1")
        .bind(secret)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(Clone, PartialEq, Eq, Default)]
pub struct SlackSettings {
    pub bot_token: String,
    pub app_token: String,
    pub signing_secret: String,
    pub channel_name: String,
    pub channel_id: Option<String>,
}

impl std::fmt::Debug for SlackSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set = |s: &str| if s.is_empty() { "unset" } else { "***" };
        f.debug_struct("SlackSettings")
            .field("bot_token", &set(&self.bot_token))
            .field("app_token", &set(&self.app_token))
            .field("signing_secret", &set(&self.signing_secret))
            .field("channel_name", &self.channel_name)
            .field("channel_id", &self.channel_id)
            .finish()
    }
}

pub async fn slack(conn: &mut AnyConnection) -> Result<SlackSettings> {
    let row = sqlx::query(
        "SELECT bot_token, app_token, signing_secret, channel_name, channel_id
         FROM slack_settings WHERE id = 1",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(SlackSettings {
        bot_token: row.try_get("bot_token")?,
        app_token: row.try_get("app_token")?,
        signing_secret: row.try_get("signing_secret")?,
        channel_name: row.try_get("channel_name")?,
        channel_id: row.try_get("channel_id")?,
    })
}

pub async fn save_slack(conn: &mut AnyConnection, s: &SlackSettings) -> Result<()> {
    sqlx::query(
        "UPDATE slack_settings SET bot_token = $1, app_token = $2, signing_secret = $3,
                channel_name = $4, channel_id = $5
         WHERE id = 1",
    )
    .bind(&s.bot_token)
    .bind(&s.app_token)
    .bind(&s.signing_secret)
    .bind(&s.channel_name)
    .bind(&s.channel_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Remembers which channel id `channel_name` resolved to.
pub async fn set_slack_channel(
    conn: &mut AnyConnection,
    channel_name: &str,
    channel_id: &str,
) -> Result<()> {
    sqlx::query("UPDATE slack_settings SET channel_name = $1, channel_id = $2 WHERE id = 1")
        .bind(channel_name)
        .bind(channel_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_slack_channel_id(
    conn: &mut AnyConnection,
    channel_id: Option<&str>,
) -> Result<()> {
    sqlx::query("UPDATE slack_settings SET channel_id = $1 WHERE id = 1")
        .bind(channel_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// How planned maintenance starts and ends, and whom it tells (`domain::maintenance`).
pub async fn maintenance(conn: &mut AnyConnection) -> Result<MaintenanceSettings> {
    let row = sqlx::query(
        "SELECT mode, prompt_minutes, reminder_hours, notify_start, notify_end
         FROM maintenance_settings WHERE id = 1",
    )
    .fetch_one(&mut *conn)
    .await?;
    let mode: String = row.try_get("mode")?;
    Ok(MaintenanceSettings {
        mode: super::parse_column("maintenance_settings.mode", &mode)?,
        prompt_minutes: i64::from(row.try_get::<i32, _>("prompt_minutes")?),
        reminder_hours: i64::from(row.try_get::<i32, _>("reminder_hours")?),
        notify_start: row.try_get::<i32, _>("notify_start")? != 0,
        notify_end: row.try_get::<i32, _>("notify_end")? != 0,
    })
}

pub async fn save_maintenance(conn: &mut AnyConnection, s: &MaintenanceSettings) -> Result<()> {
    // The table's CHECKs bound the numbers too; clamping here keeps a bad value from being an
    // error page when the form's own check was bypassed.
    let clamp = |v: i64, max: i64| i32::try_from(v.clamp(0, max)).unwrap_or(0);
    sqlx::query(
        "UPDATE maintenance_settings SET mode = $1, prompt_minutes = $2, reminder_hours = $3,
                notify_start = $4, notify_end = $5
         WHERE id = 1",
    )
    .bind(s.mode.as_str())
    .bind(clamp(
        s.prompt_minutes,
        MaintenanceSettings::MAX_PROMPT_MINUTES,
    ))
    .bind(clamp(
        s.reminder_hours,
        MaintenanceSettings::MAX_REMINDER_HOURS,
    ))
    .bind(i32::from(s.notify_start))
    .bind(i32::from(s.notify_end))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

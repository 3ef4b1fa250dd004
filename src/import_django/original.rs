//! Reading an original (Django) monostat database, SQLite or PostgreSQL, into plain values.
//! Only this file knows the original's tables; it reads them as Django's migrations made them.
//!
//! The queries are written so one text serves both backends through sqlx's `Any` driver:
//! integers and flags are cast to BIGINT (PostgreSQL's `integer` and `boolean` are not what
//! `Any` decodes as `i64`), and date-times are read as text, UTC, in one format.

use crate::storage::AnyConnection;
use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("reading {table}: {source}")]
    Query {
        table: &'static str,
        source: sqlx::Error,
    },
    #[error("{table} row {id}: {column} is {value:?}, which is not a date and time")]
    Time {
        table: &'static str,
        id: i64,
        column: &'static str,
        value: String,
    },
}

#[derive(Clone, Debug, Default)]
pub struct Original {
    pub site: Option<Site>,
    pub notifications: Option<Notifications>,
    pub opsgenie_secret: Option<String>,
    pub slack: Option<Slack>,
    pub incidents: Vec<Incident>,
    pub updates: Vec<Update>,
    pub alerts: Vec<Alert>,
    pub subscribers: Vec<Subscriber>,
    pub users: Vec<User>,
    /// django-multifactor's second factors of the users.
    pub user_keys: Vec<UserKey>,
}

#[derive(Clone, Debug)]
pub struct Site {
    pub system_name: String,
    pub support_email: String,
    pub support_phone: String,
    pub legal_url: String,
    pub privacy_url: String,
    /// primary, link, success, warning, danger, info, primary text, secondary text.
    pub colors: [String; 8],
    pub logo: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Notifications {
    pub reply_to: String,
    pub allow_subscriptions: bool,
}

#[derive(Clone, Debug)]
pub struct Slack {
    pub bot_token: String,
    pub signing_secret: String,
    pub channel_name: String,
    pub channel_id: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Incident {
    pub id: i64,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub status: String,
    pub severity: String,
    pub start: Timestamp,
    pub end: Option<Timestamp>,
    pub title: String,
    pub summary: Option<String>,
    pub slack_message_ts: Option<String>,
    pub last_notified_status: Option<String>,
    pub silent: bool,
}

#[derive(Clone, Debug)]
pub struct Update {
    pub incident_id: i64,
    pub created: Timestamp,
    pub new_status: Option<String>,
    pub message: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Alert {
    pub incident_id: i64,
    pub external_id: String,
    pub message: Option<String>,
    pub created: Timestamp,
    pub resolved: Option<Timestamp>,
}

#[derive(Clone, Debug)]
pub struct Subscriber {
    pub email: String,
    pub active: bool,
    pub token: String,
    pub created: Timestamp,
}

#[derive(Clone)]
pub struct User {
    /// The original's id, which its second factors refer to.
    pub id: i64,
    pub username: String,
    pub email: String,
    pub password_hash: String,
    pub active: bool,
    /// Staff could use the original's admin; others could not log in anywhere.
    pub staff: bool,
    pub joined: Timestamp,
    pub last_login: Option<Timestamp>,
}

/// A row of django-multifactor's `multifactor_userkey`: a TOTP secret or a FIDO2 credential,
/// as JSON in `properties`.
#[derive(Clone)]
pub struct UserKey {
    pub id: i64,
    pub user_id: i64,
    /// `TOTP` or `FIDO2`.
    pub key_type: String,
    pub enabled: bool,
    pub properties: Option<String>,
    pub name: Option<String>,
    pub added_on: Timestamp,
    pub last_used: Option<Timestamp>,
}

/// Without the properties: a TOTP secret must not end up in a log.
impl std::fmt::Debug for UserKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserKey")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("key_type", &self.key_type)
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// A date-time column as text in UTC, `YYYY-MM-DD HH:MM:SS[.ffffff]`, on either backend.
fn time(dialect: Dialect, column: &str) -> String {
    match dialect {
        Dialect::Sqlite => format!("CAST(\"{column}\" AS TEXT)"),
        Dialect::Postgres => {
            format!("to_char(\"{column}\" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')")
        }
    }
}

fn flag(column: &str) -> String {
    format!("CAST(CASE WHEN \"{column}\" THEN 1 ELSE 0 END AS BIGINT)")
}

/// Django with `USE_TZ` stores UTC; SQLite keeps it as text, sometimes with an offset.
fn parse_time(value: &str) -> Option<Timestamp> {
    let value = value.trim();
    if let Ok(at) = value.parse::<Timestamp>() {
        return Some(at);
    }
    value
        .replace(' ', "T")
        .parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|civil| civil.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|zoned| zoned.timestamp())
}

struct Rows {
    table: &'static str,
    rows: Vec<AnyRow>,
}

async fn fetch(
    conn: &mut AnyConnection,
    table: &'static str,
    sql: String,
) -> Result<Rows, ReadError> {
    // Built from this file's constants only (column names), never from input.
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *conn)
        .await
        .map_err(|source| ReadError::Query { table, source })?;
    Ok(Rows { table, rows })
}

impl Rows {
    fn get<'r, T>(&self, row: &'r AnyRow, column: &'static str) -> Result<T, ReadError>
    where
        T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
    {
        row.try_get(column).map_err(|source| ReadError::Query {
            table: self.table,
            source,
        })
    }

    fn time(&self, row: &AnyRow, column: &'static str) -> Result<Timestamp, ReadError> {
        let value: String = self.get(row, column)?;
        parse_time(&value).ok_or_else(|| ReadError::Time {
            table: self.table,
            id: row.try_get("id").unwrap_or_default(),
            column,
            value,
        })
    }

    fn time_opt(&self, row: &AnyRow, column: &'static str) -> Result<Option<Timestamp>, ReadError> {
        let value: Option<String> = self.get(row, column)?;
        match value {
            None => Ok(None),
            Some(v) if v.is_empty() => Ok(None),
            Some(_) => self.time(row, column).map(Some),
        }
    }
}

/// Reads everything the import copies. Settings tables may be empty (never saved in the
/// original's admin); the others may be empty too.
pub async fn read(conn: &mut AnyConnection, dialect: Dialect) -> Result<Original, ReadError> {
    let t = |column: &str| time(dialect, column);
    let mut original = Original::default();

    let site = fetch(
        conn,
        "core_siteconfiguration",
        "SELECT CAST(id AS BIGINT) AS id, system_name, support_email, support_phone, legal_url, \
         privacy_url, primary_color, link_color, success_color, warning_color, danger_color, \
         info_color, primary_text_color, secondary_text_color, logo \
         FROM core_siteconfiguration ORDER BY id LIMIT 1"
            .into(),
    )
    .await?;
    if let Some(row) = site.rows.first() {
        let logo: Option<String> = site.get(row, "logo")?;
        original.site = Some(Site {
            system_name: site.get(row, "system_name")?,
            support_email: site.get(row, "support_email")?,
            support_phone: site.get(row, "support_phone")?,
            legal_url: site.get(row, "legal_url")?,
            privacy_url: site.get(row, "privacy_url")?,
            colors: [
                site.get(row, "primary_color")?,
                site.get(row, "link_color")?,
                site.get(row, "success_color")?,
                site.get(row, "warning_color")?,
                site.get(row, "danger_color")?,
                site.get(row, "info_color")?,
                site.get(row, "primary_text_color")?,
                site.get(row, "secondary_text_color")?,
            ],
            logo: logo.filter(|l| !l.is_empty()),
        });
    }

    let notifications = fetch(
        conn,
        "notifications_notificationconfiguration",
        format!(
            "SELECT reply_to, {} AS allow_subscriptions \
             FROM notifications_notificationconfiguration ORDER BY id LIMIT 1",
            flag("allow_subscriptions")
        ),
    )
    .await?;
    if let Some(row) = notifications.rows.first() {
        original.notifications = Some(Notifications {
            reply_to: notifications.get(row, "reply_to")?,
            allow_subscriptions: notifications.get::<i64>(row, "allow_subscriptions")? != 0,
        });
    }

    let opsgenie = fetch(
        conn,
        "opsgenie_opsgenieconfiguration",
        "SELECT secret FROM opsgenie_opsgenieconfiguration ORDER BY id LIMIT 1".into(),
    )
    .await?;
    if let Some(row) = opsgenie.rows.first() {
        let secret: String = opsgenie.get(row, "secret")?;
        original.opsgenie_secret = Some(secret).filter(|s| !s.is_empty());
    }

    let slack = fetch(
        conn,
        "slack_slackconfiguration",
        "SELECT bot_token, signing_secret, channel_name, channel_id \
         FROM slack_slackconfiguration ORDER BY id LIMIT 1"
            .into(),
    )
    .await?;
    if let Some(row) = slack.rows.first() {
        original.slack = Some(Slack {
            bot_token: slack.get(row, "bot_token")?,
            signing_secret: slack.get(row, "signing_secret")?,
            channel_name: slack.get(row, "channel_name")?,
            channel_id: slack
                .get::<Option<String>>(row, "channel_id")?
                .filter(|c| !c.is_empty()),
        });
    }

    let incidents = fetch(
        conn,
        "core_incident",
        format!(
            "SELECT CAST(id AS BIGINT) AS id, {} AS created, {} AS updated, status, severity, \
             {} AS start, {} AS \"end\", title, summary, slack_message_ts, \
             last_notified_status, {} AS silent FROM core_incident ORDER BY id",
            t("created"),
            t("updated"),
            t("start"),
            t("end"),
            flag("silent")
        ),
    )
    .await?;
    for row in &incidents.rows {
        original.incidents.push(Incident {
            id: incidents.get(row, "id")?,
            created: incidents.time(row, "created")?,
            updated: incidents.time(row, "updated")?,
            status: incidents.get(row, "status")?,
            severity: incidents.get(row, "severity")?,
            start: incidents.time(row, "start")?,
            end: incidents.time_opt(row, "end")?,
            title: incidents.get(row, "title")?,
            summary: incidents.get(row, "summary")?,
            slack_message_ts: incidents
                .get::<Option<String>>(row, "slack_message_ts")?
                .filter(|ts| !ts.is_empty()),
            last_notified_status: incidents
                .get::<Option<String>>(row, "last_notified_status")?
                .filter(|s| !s.is_empty()),
            silent: incidents.get::<i64>(row, "silent")? != 0,
        });
    }

    let updates = fetch(
        conn,
        "core_incidentupdate",
        format!(
            "SELECT CAST(id AS BIGINT) AS id, CAST(incident_id AS BIGINT) AS incident_id, \
             {} AS created, new_status, message FROM core_incidentupdate ORDER BY id",
            t("created")
        ),
    )
    .await?;
    for row in &updates.rows {
        original.updates.push(Update {
            incident_id: updates.get(row, "incident_id")?,
            created: updates.time(row, "created")?,
            new_status: updates
                .get::<Option<String>>(row, "new_status")?
                .filter(|s| !s.is_empty()),
            message: updates.get(row, "message")?,
        });
    }

    let alerts = fetch(
        conn,
        "core_incomingalert",
        format!(
            "SELECT CAST(id AS BIGINT) AS id, CAST(incident_id AS BIGINT) AS incident_id, \
             {} AS created, {} AS resolved, message, external_id \
             FROM core_incomingalert ORDER BY id",
            t("created"),
            t("resolved")
        ),
    )
    .await?;
    for row in &alerts.rows {
        original.alerts.push(Alert {
            incident_id: alerts.get(row, "incident_id")?,
            external_id: alerts.get(row, "external_id")?,
            message: alerts.get(row, "message")?,
            created: alerts.time(row, "created")?,
            resolved: alerts.time_opt(row, "resolved")?,
        });
    }

    let subscribers = fetch(
        conn,
        "notifications_subscriber",
        format!(
            "SELECT CAST(id AS BIGINT) AS id, email, {} AS active, token, {} AS created \
             FROM notifications_subscriber ORDER BY id",
            flag("active"),
            t("created")
        ),
    )
    .await?;
    for row in &subscribers.rows {
        original.subscribers.push(Subscriber {
            email: subscribers.get(row, "email")?,
            active: subscribers.get::<i64>(row, "active")? != 0,
            token: subscribers.get(row, "token")?,
            created: subscribers.time(row, "created")?,
        });
    }

    let users = fetch(
        conn,
        "auth_user",
        format!(
            "SELECT CAST(id AS BIGINT) AS id, username, email, password, {} AS active, \
             {} AS staff, {} AS superuser, {} AS joined, {} AS last_login \
             FROM auth_user ORDER BY id",
            flag("is_active"),
            flag("is_staff"),
            flag("is_superuser"),
            t("date_joined"),
            t("last_login")
        ),
    )
    .await?;
    for row in &users.rows {
        original.users.push(User {
            id: users.get(row, "id")?,
            username: users.get(row, "username")?,
            email: users.get(row, "email")?,
            password_hash: users.get(row, "password")?,
            active: users.get::<i64>(row, "active")? != 0,
            staff: users.get::<i64>(row, "staff")? != 0 || users.get::<i64>(row, "superuser")? != 0,
            joined: users.time(row, "joined")?,
            last_login: users.time_opt(row, "last_login")?,
        });
    }

    // `properties` is JSON text in SQLite and jsonb in PostgreSQL: read as text on both.
    let keys = fetch(
        conn,
        "multifactor_userkey",
        format!(
            "SELECT CAST(id AS BIGINT) AS id, CAST(user_id AS BIGINT) AS user_id, key_type, \
             {} AS enabled, CAST(properties AS TEXT) AS properties, name, {} AS added_on, \
             {} AS last_used FROM multifactor_userkey ORDER BY id",
            flag("enabled"),
            t("added_on"),
            t("last_used")
        ),
    )
    .await?;
    for row in &keys.rows {
        original.user_keys.push(UserKey {
            id: keys.get(row, "id")?,
            user_id: keys.get(row, "user_id")?,
            key_type: keys.get(row, "key_type")?,
            enabled: keys.get::<i64>(row, "enabled")? != 0,
            properties: keys.get(row, "properties")?,
            name: keys
                .get::<Option<String>>(row, "name")?
                .filter(|n| !n.trim().is_empty()),
            added_on: keys.time(row, "added_on")?,
            last_used: keys.time_opt(row, "last_used")?,
        });
    }
    Ok(original)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn django_times_are_read_as_utc() {
        let expected: Timestamp = "2026-11-24T12:36:37.0339Z".parse().expect("valid");
        for text in [
            "2026-11-24 12:36:37.033900",
            "2026-11-24T12:36:37.033900",
            "2026-11-24 12:36:37.033900+00:00",
            "2026-11-24 13:36:37.033900+01:00",
        ] {
            assert_eq!(parse_time(text), Some(expected), "{text}");
        }
        assert_eq!(
            parse_time("2026-11-24 12:36:37"),
            "2026-11-24T12:36:37Z".parse().ok()
        );
        assert_eq!(parse_time("yesterday"), None);
        assert_eq!(parse_time(""), None);
    }
}

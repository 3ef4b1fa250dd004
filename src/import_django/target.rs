//! Writing what was read from the original into monostat's own tables, keeping what must stay
//! the same for the outside world: incident ids (public URLs), subscriber tokens (unsubscribe
//! links in old mails), the alert-hook secret (the URL in OpsGenie), password hashes and second
//! factors.
//!
//! Every insert is keyed by what identifies the row (incident id, alert id, subscriber token,
//! username) and does nothing when it exists, so an import never duplicates anything.

use super::original::{Alert, Incident, Notifications, Site, Slack, Subscriber, Update, User};
use crate::storage::{AnyConnection, Backend, Result, to_db_time};
use jiff::Timestamp;

pub async fn existing_incident_titles(conn: &mut AnyConnection) -> Result<Vec<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT id, title FROM incidents ORDER BY id")
            .fetch_all(&mut *conn)
            .await?,
    )
}

/// True when the incident was inserted, false when its id was taken.
pub async fn insert_incident(conn: &mut AnyConnection, incident: &Incident) -> Result<bool> {
    let inserted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO incidents (id, status, severity, start_at, end_at, title, summary,
             slack_message_ts, silent, last_notified_status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (id) DO NOTHING RETURNING id",
    )
    .bind(incident.id)
    .bind(&incident.status)
    .bind(&incident.severity)
    .bind(to_db_time(incident.start))
    .bind(incident.end.map(to_db_time))
    .bind(&incident.title)
    .bind(&incident.summary)
    .bind(&incident.slack_message_ts)
    .bind(i32::from(incident.silent))
    .bind(&incident.last_notified_status)
    .bind(to_db_time(incident.created))
    .bind(to_db_time(incident.updated))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(inserted.is_some())
}

pub async fn insert_update(conn: &mut AnyConnection, update: &Update) -> Result<()> {
    sqlx::query(
        "INSERT INTO incident_updates (incident_id, created_at, new_status, message)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(update.incident_id)
    .bind(to_db_time(update.created))
    .bind(&update.new_status)
    .bind(&update.message)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The original received alerts from OpsGenie only.
pub async fn insert_alert(conn: &mut AnyConnection, alert: &Alert) -> Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO incoming_alerts (incident_id, source, external_id, message, created_at,
             resolved_at)
         VALUES ($1, 'opsgenie', $2, $3, $4, $5)
         ON CONFLICT (source, external_id) DO NOTHING",
    )
    .bind(alert.incident_id)
    .bind(&alert.external_id)
    .bind(&alert.message)
    .bind(to_db_time(alert.created))
    .bind(alert.resolved.map(to_db_time))
    .execute(&mut *conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Left out when the token is here, or when the address has an active subscription here
/// already: an address is mailed once. The database refuses a second active row of an address
/// too (`subscribers_one_active_per_address`); `ON CONFLICT DO NOTHING` without a target leaves
/// out a row that hits either unique index instead of failing the whole import.
pub async fn insert_subscriber(conn: &mut AnyConnection, subscriber: &Subscriber) -> Result<bool> {
    let subscribed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM subscribers WHERE LOWER(email) = LOWER($1) AND active = 1",
    )
    .bind(&subscriber.email)
    .fetch_one(&mut *conn)
    .await?;
    if subscribed > 0 {
        return Ok(false);
    }
    let inserted = sqlx::query(
        "INSERT INTO subscribers (email, active, token, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING",
    )
    .bind(&subscriber.email)
    .bind(i32::from(subscriber.active))
    .bind(&subscriber.token)
    .bind(to_db_time(subscriber.created))
    .execute(&mut *conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// The new user's id; `None` when the username was taken.
pub async fn insert_user(conn: &mut AnyConnection, user: &User) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "INSERT INTO users (username, email, password_hash, active, created_at, last_login_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (username) DO NOTHING RETURNING id",
    )
    .bind(&user.username)
    .bind(&user.email)
    .bind(&user.password_hash)
    .bind(i32::from(user.active))
    .bind(to_db_time(user.joined))
    .bind(user.last_login.map(to_db_time))
    .fetch_optional(&mut *conn)
    .await?)
}

/// The authenticator app of a user just imported (who has none yet, and no recovery codes:
/// django-multifactor had none).
pub async fn set_totp(conn: &mut AnyConnection, user_id: i64, secret: &str) -> Result<()> {
    crate::storage::users::set_totp(conn, user_id, Some(secret), &[]).await
}

pub async fn insert_security_key(
    conn: &mut AnyConnection,
    user_id: i64,
    name: &str,
    credential: &str,
    added: Timestamp,
    last_used: Option<Timestamp>,
) -> Result<()> {
    let id = crate::storage::security_keys::insert(conn, user_id, name, credential, added).await?;
    if let Some(at) = last_used {
        crate::storage::security_keys::used(conn, id, credential, at).await?;
    }
    Ok(())
}

pub async fn set_site(conn: &mut AnyConnection, site: &Site) -> Result<()> {
    let [
        primary,
        link,
        success,
        warning,
        danger,
        info,
        text,
        secondary,
    ] = &site.colors;
    sqlx::query(
        "UPDATE site_settings SET system_name = $1, support_email = $2, support_phone = $3,
             legal_url = $4, privacy_url = $5, primary_color = $6, link_color = $7,
             success_color = $8, warning_color = $9, danger_color = $10, info_color = $11,
             primary_text_color = $12, secondary_text_color = $13
         WHERE id = 1",
    )
    .bind(&site.system_name)
    .bind(&site.support_email)
    .bind(&site.support_phone)
    .bind(&site.legal_url)
    .bind(&site.privacy_url)
    .bind(primary)
    .bind(link)
    .bind(success)
    .bind(warning)
    .bind(danger)
    .bind(info)
    .bind(text)
    .bind(secondary)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_notifications(conn: &mut AnyConnection, n: &Notifications) -> Result<()> {
    sqlx::query(
        "UPDATE notification_settings SET reply_to = $1, allow_subscriptions = $2 WHERE id = 1",
    )
    .bind(&n.reply_to)
    .bind(i32::from(n.allow_subscriptions))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_webhook_secret(conn: &mut AnyConnection, secret: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO alert_hook_settings (id, webhook_secret) VALUES (1, $1)
         ON CONFLICT (id) DO UPDATE SET webhook_secret = excluded.webhook_secret",
    )
    .bind(secret)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The app-level token is new in monostat (Socket Mode) and stays as it is.
pub async fn set_slack(conn: &mut AnyConnection, slack: &Slack) -> Result<()> {
    sqlx::query(
        "UPDATE slack_settings SET bot_token = $1, signing_secret = $2, channel_name = $3,
             channel_id = $4
         WHERE id = 1",
    )
    .bind(&slack.bot_token)
    .bind(&slack.signing_secret)
    .bind(&slack.channel_name)
    .bind(&slack.channel_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Before inserting ids by hand, PostgreSQL's identity is moved past the largest of them, so
/// that an incident created meanwhile (by a running instance) cannot take one. SQLite's
/// AUTOINCREMENT follows inserted ids by itself, and its write lock keeps others out.
pub async fn reserve_incident_ids(
    conn: &mut AnyConnection,
    backend: Backend,
    largest: i64,
) -> Result<()> {
    if backend == Backend::Postgres {
        sqlx::query(
            // Never lower: ids of deleted incidents must not be handed out again.
            "SELECT setval(pg_get_serial_sequence('incidents', 'id'),
                 GREATEST((SELECT COALESCE(MAX(id), 1) FROM incidents), $1,
                          (SELECT COALESCE(MAX(last_value), 1) FROM pg_sequences
                           WHERE schemaname || '.' || sequencename
                                 = pg_get_serial_sequence('incidents', 'id'))))",
        )
        .bind(largest)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

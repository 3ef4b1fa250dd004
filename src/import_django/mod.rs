//! `monostat import-django`: moving over from the original (Django) monostat without anybody
//! noticing. Incident URLs, unsubscribe links, the OpsGenie hook URL, admin passwords and
//! second factors all keep working. Everything is read first and checked, then written in one
//! transaction, so a failed import leaves the database as it was.

mod factors;
mod original;
mod target;

pub use original::Dialect;

use crate::domain::input::IncidentDraft;
use crate::domain::{IncidentStatus, Severity};
use crate::storage::{self, Db};
use jiff::Timestamp;
use sqlx::Connection;
use std::collections::{HashMap, HashSet};
use std::fmt;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The `--from` value cannot be used.
    #[error("--from: {0}")]
    Source(String),
    #[error("cannot open the original database {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("{0} (is this an original monostat database?)")]
    Read(#[from] original::ReadError),
    /// A value the original holds that monostat cannot take; nothing was written.
    #[error("{0}; nothing was imported")]
    Invalid(String),
    #[error(
        "this database already has {} that did not come from this original monostat (a trial \
         run?); nothing was imported. Import into a new, empty database, or use --force: what \
         is here stays, and original incidents whose ids are taken are left out",
        count(*.0, "incident")
    )]
    Refused(usize),
    #[error(transparent)]
    Storage(#[from] storage::StorageError),
}

impl ImportError {
    /// Whether the person running the command can fix it by changing what they typed.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Self::Source(_) | Self::Invalid(_) | Self::Refused(_) | Self::Read(_)
        )
    }
}

/// Where the original database is: `postgres://…`, `sqlite:///path`, or a file path.
#[derive(Clone, Debug)]
pub struct Source {
    connect_url: String,
    /// For messages: without a password.
    shown: String,
    dialect: Dialect,
}

impl Source {
    pub fn parse(from: &str) -> Result<Source, ImportError> {
        let from = from.trim();
        if from.starts_with("postgres://") || from.starts_with("postgresql://") {
            let mut shown = url::Url::parse(from)
                .map_err(|e| ImportError::Source(format!("{from:?} is not a URL: {e}")))?;
            if shown.password().is_some() {
                let _ = shown.set_password(Some("***"));
            }
            return Ok(Source {
                connect_url: from.to_owned(),
                shown: shown.to_string(),
                dialect: Dialect::Postgres,
            });
        }
        let path = match from.strip_prefix("sqlite:") {
            Some(rest) => rest.strip_prefix("//").unwrap_or(rest),
            None if from.contains("://") => {
                return Err(ImportError::Source(format!(
                    "{from:?}: expected postgres://user:password@host/database, \
                     sqlite:///path/to/db.sqlite3 or a file path"
                )));
            }
            None => from,
        };
        let path = std::path::Path::new(path);
        if !path.is_file() {
            return Err(ImportError::Source(format!(
                "{} is not a file",
                path.display()
            )));
        }
        let absolute = std::path::absolute(path)
            .ok()
            .and_then(|p| url::Url::from_file_path(p).ok())
            .ok_or_else(|| ImportError::Source(format!("{} is not a path", path.display())))?;
        Ok(Source {
            // Read-only: the original's database is never changed by moving away from it.
            connect_url: format!("sqlite://{}?mode=ro", absolute.path()),
            shown: format!("sqlite://{}", absolute.path()),
            dialect: Dialect::Sqlite,
        })
    }

    pub async fn read(&self) -> Result<original::Original, ImportError> {
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&self.connect_url)
            .await
            .map_err(|source| ImportError::Connect {
                url: self.shown.clone(),
                source,
            })?;
        let read = original::read(&mut conn, self.dialect).await;
        let _ = conn.close().await;
        Ok(read?)
    }
}

/// What an import did, for the person who ran it.
#[derive(Debug, Default)]
pub struct Report {
    /// The original's incidents were all here already: nothing was written.
    pub already_imported: bool,
    pub incidents: usize,
    /// Ids taken here by other incidents.
    pub incidents_skipped: usize,
    /// The same incidents, here from an earlier import.
    pub incidents_already_here: usize,
    pub updates: usize,
    pub alerts: usize,
    pub subscribers: usize,
    pub active_subscribers: usize,
    pub users: usize,
    /// Second factors imported: authenticator apps (TOTP) and security keys (FIDO2).
    pub authenticator_apps: usize,
    pub security_keys: usize,
    /// The original's second factors left out (each with a warning saying why).
    pub factors_left_out: usize,
    pub settings: Vec<&'static str>,
    /// Things the admin should look at afterwards.
    pub warnings: Vec<String>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.already_imported {
            return writeln!(
                f,
                "Already imported: every incident of the original is here. Nothing changed."
            );
        }
        writeln!(
            f,
            "Imported {} ({}, {}), {} ({} active), {}.",
            count(self.incidents, "incident"),
            count(self.updates, "update"),
            count(self.alerts, "alert"),
            count(self.subscribers, "subscriber"),
            self.active_subscribers,
            count(self.users, "user")
        )?;
        if self.authenticator_apps + self.security_keys + self.factors_left_out > 0 {
            writeln!(
                f,
                "Second factors: imported {} and {}, left out {}.",
                count(self.authenticator_apps, "authenticator app"),
                count(self.security_keys, "security key"),
                self.factors_left_out
            )?;
        }
        if self.incidents_already_here > 0 {
            writeln!(
                f,
                "Left out {} here from an earlier import.",
                count(self.incidents_already_here, "incident")
            )?;
        }
        if self.incidents_skipped > 0 {
            writeln!(
                f,
                "Left out {} (ids taken here by other incidents).",
                count(self.incidents_skipped, "incident")
            )?;
        }
        if !self.settings.is_empty() {
            writeln!(f, "Settings: {}.", self.settings.join(", "))?;
        }
        for warning in &self.warnings {
            writeln!(f, "Note: {warning}")?;
        }
        Ok(())
    }
}

/// django-multifactor's factors of the users just imported: TOTP secrets become authenticator
/// apps (the newest one per user: we keep one), FIDO2 credentials added for this site's domain
/// become security keys. Every factor left out gets a warning saying why, and the admins left
/// without any are named: they set one up at their next login.
async fn import_factors(
    tx: &mut storage::AnyConnection,
    original: &original::Original,
    users: &HashMap<i64, (i64, &original::User)>,
    site_url: &url::Url,
    report: &mut Report,
) -> Result<(), ImportError> {
    let site_domain = site_url.domain();
    let mut newest_app: HashMap<i64, (&original::UserKey, String)> = HashMap::new();
    let mut with_factor = HashSet::new();
    for key in &original.user_keys {
        let Some((id, user)) = users.get(&key.user_id) else {
            continue;
        };
        let whose = format!("{}'s {}", user.username, key.described());
        let left_out = match factors::convert(key, site_domain) {
            Ok(factors::Factor::Totp(secret)) => {
                let older = match newest_app.get(id) {
                    Some((kept, _)) if (kept.added_on, kept.id) > (key.added_on, key.id) => key,
                    _ => match newest_app.insert(*id, (key, secret)) {
                        Some((replaced, _)) => replaced,
                        None => continue,
                    },
                };
                report.factors_left_out += 1;
                report.warnings.push(format!(
                    "{}'s {} was left out: monostat keeps one authenticator app per admin, the \
                     newest",
                    user.username,
                    older.described()
                ));
                continue;
            }
            Ok(factors::Factor::SecurityKey { name, credential }) => {
                target::insert_security_key(
                    tx,
                    *id,
                    &name,
                    &credential,
                    key.added_on,
                    key.last_used,
                )
                .await?;
                report.security_keys += 1;
                with_factor.insert(*id);
                continue;
            }
            Err(factors::LeftOut::Disabled) => {
                format!("{whose} was turned off in the original; left out")
            }
            Err(factors::LeftOut::OtherSite { domain }) => format!(
                "{whose} was added for {domain}, not for {} (MONOSTAT_SITE_URL); left out: a \
                 security key works only for the site it was added on",
                site_domain.unwrap_or_default()
            ),
            Err(factors::LeftOut::NoDomain) => format!(
                "{whose} was left out: security keys need MONOSTAT_SITE_URL to name the site by \
                 its domain, not an IP address"
            ),
            Err(factors::LeftOut::Unreadable(why)) => format!(
                "{whose} (multifactor_userkey {}) was left out: {why}",
                key.id
            ),
        };
        report.factors_left_out += 1;
        report.warnings.push(left_out);
    }
    for (id, (_, secret)) in &newest_app {
        target::set_totp(tx, *id, secret).await?;
        report.authenticator_apps += 1;
        with_factor.insert(*id);
    }
    let mut without: Vec<&str> = users
        .values()
        .filter(|(id, user)| user.active && !with_factor.contains(id))
        .map(|(_, user)| user.username.as_str())
        .collect();
    without.sort_unstable();
    if !without.is_empty() {
        report.warnings.push(format!(
            "no second factor here for {}: asked to set one up right after the password at the \
             next login",
            without.join(", ")
        ));
    }
    Ok(())
}

fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// Refuses values monostat has no place for, before anything is written, and returns what the
/// admin should know about values kept although today's rules would refuse them. The rules
/// are the domain's (`IncidentDraft::check_history`): history keeps what the original allowed.
fn check(original: &original::Original) -> Result<Vec<String>, ImportError> {
    let mut warnings = Vec::new();
    let status = |id: i64, what: &str, value: &str| {
        value.parse::<IncidentStatus>().map(|_| ()).map_err(|_| {
            ImportError::Invalid(format!(
                "incident {id}: {what} {value:?} is not one of planned, suspected, dismissed, \
                 confirmed, watching, resolved"
            ))
        })
    };
    for incident in &original.incidents {
        status(incident.id, "status", &incident.status)?;
        if let Some(last) = &incident.last_notified_status {
            status(incident.id, "last notified status", last)?;
        }
        let severity = incident.severity.parse::<Severity>().map_err(|_| {
            ImportError::Invalid(format!(
                "incident {}: severity {:?} is not one of maintenance, notice, bug, partial, \
                 outage",
                incident.id, incident.severity
            ))
        })?;
        let draft = IncidentDraft {
            title: incident.title.clone(),
            status: incident.status.parse().map_err(|_| {
                ImportError::Invalid(format!("incident {}: unknown status", incident.id))
            })?,
            severity,
            start: incident.start,
            end: incident.end,
            summary: incident.summary.clone(),
            text: None,
        };
        let described = |p: &crate::domain::input::Problem| {
            let said = p.to_string();
            let said = said.trim_end_matches('.');
            format!("incident {}: {}: {said}", incident.id, p.field().name())
        };
        match draft.check_history() {
            Ok(kept) => warnings.extend(kept.iter().map(|p| {
                format!(
                    "{} (kept as the original has it; a new value must follow today's rules)",
                    described(p)
                )
            })),
            Err(refused) => {
                let all: Vec<String> = refused.iter().map(described).collect();
                return Err(ImportError::Invalid(all.join("; ")));
            }
        }
    }
    for update in &original.updates {
        if let Some(new_status) = &update.new_status {
            status(update.incident_id, "an update's status", new_status)?;
        }
    }
    Ok(warnings)
}

/// Copies the original into `db`. With `force`, imports into a database that has incidents of
/// its own, keeping them. `site_url` is `MONOSTAT_SITE_URL`: security keys are imported only
/// when they were added for its domain.
pub async fn import(
    db: &Db,
    original: &original::Original,
    force: bool,
    site_url: &url::Url,
) -> Result<Report, ImportError> {
    let kept = check(original)?;
    let mut report = Report {
        warnings: kept,
        ..Report::default()
    };
    let mut tx = db.begin().await?;
    let existing = target::existing_incident_titles(&mut tx).await?;
    let here: HashSet<(i64, &str)> = existing
        .iter()
        .map(|(id, title)| (*id, title.as_str()))
        .collect();
    if !existing.is_empty() {
        let all_here = !original.incidents.is_empty()
            && original
                .incidents
                .iter()
                .all(|i| here.contains(&(i.id, i.title.as_str())));
        if all_here && !force {
            report.already_imported = true;
            return Ok(report);
        }
        if !force {
            return Err(ImportError::Refused(existing.len()));
        }
    }

    let largest = original.incidents.iter().map(|i| i.id).max().unwrap_or(1);
    target::reserve_incident_ids(&mut tx, db.backend(), largest).await?;
    let mut imported = HashSet::new();
    for incident in &original.incidents {
        if target::insert_incident(&mut tx, incident).await? {
            imported.insert(incident.id);
        } else if here.contains(&(incident.id, incident.title.as_str())) {
            report.incidents_already_here += 1;
        } else {
            report.incidents_skipped += 1;
        }
    }
    report.incidents = imported.len();
    for update in original
        .updates
        .iter()
        .filter(|u| imported.contains(&u.incident_id))
    {
        target::insert_update(&mut tx, update).await?;
        report.updates += 1;
    }
    for alert in original
        .alerts
        .iter()
        .filter(|a| imported.contains(&a.incident_id))
    {
        if target::insert_alert(&mut tx, alert).await? {
            report.alerts += 1;
        }
    }
    let mut already_subscribed = 0;
    for subscriber in &original.subscribers {
        if target::insert_subscriber(&mut tx, subscriber).await? {
            report.subscribers += 1;
            report.active_subscribers += usize::from(subscriber.active);
        } else {
            already_subscribed += 1;
        }
    }
    if already_subscribed > 0 {
        report.warnings.push(format!(
            "left out {} already here (the same token, or the address subscribed), so nobody \
             is mailed twice",
            count(already_subscribed, "subscriber")
        ));
    }
    let mut not_staff = 0;
    // The original's user id → ours, for the users this import created.
    let mut imported_users = HashMap::new();
    for user in &original.users {
        if !user.staff {
            not_staff += 1;
            continue;
        }
        let Some(id) = target::insert_user(&mut tx, user).await? else {
            let factors = if original.user_keys.iter().any(|k| k.user_id == user.id) {
                " (without the original's second factors)"
            } else {
                ""
            };
            report.warnings.push(format!(
                "a user named {:?} existed here already and was kept as it is{factors}",
                user.username
            ));
            continue;
        };
        imported_users.insert(user.id, (id, user));
        report.users += 1;
        if let Some(why) = crate::accounts::hash_problem(&user.password_hash) {
            report.warnings.push(format!(
                "user {:?} has no password monostat can check ({why}); set one on Admin → Users",
                user.username
            ));
        }
    }
    if not_staff > 0 {
        report.warnings.push(format!(
            "{not_staff} users without staff status were left out: they could not use the \
             original's admin either"
        ));
    }
    import_factors(&mut tx, original, &imported_users, site_url, &mut report).await?;

    if let Some(site) = &original.site {
        target::set_site(&mut tx, site).await?;
        report.settings.push("site");
        if let Some(logo) = &site.logo {
            report.warnings.push(format!(
                "the logo ({logo}) lives in the original's media folder; upload it again on \
                 Admin → Settings → Site"
            ));
        }
    }
    if let Some(notifications) = &original.notifications {
        target::set_notifications(&mut tx, notifications).await?;
        report.settings.push("notifications");
    }
    if let Some(secret) = &original.opsgenie_secret {
        target::set_webhook_secret(&mut tx, secret).await?;
        report
            .settings
            .push("alert-hook secret (the OpsGenie URL stays the same)");
    }
    if let Some(slack) = &original.slack {
        target::set_slack(&mut tx, slack).await?;
        report.settings.push("Slack");
    }
    // The original asked every admin for a second factor (outside development).
    storage::settings::set_second_factor_required(&mut tx, true).await?;
    report.settings.push("every admin needs a second factor");
    // Also tells running instances that the page changed.
    storage::audit::record(
        &mut tx,
        Timestamp::now(),
        "system",
        None,
        "import.django",
        &format!(
            "imported {} incidents, {} subscribers and {} users from the original monostat",
            report.incidents, report.subscribers, report.users
        ),
    )
    .await?;
    tx.commit().await.map_err(storage::StorageError::from)?;
    Ok(report)
}

//! The maintenance settings page: whether maintenance starts and ends by itself or asks the
//! channel first, when the channel and subscribers hear of it, and which notices go out.

use super::super::session::Admin;
use super::super::{AdminState, Chrome, PageResult, page, redirect_after, system_name};
use super::{NoticeQuery, saved};
use crate::domain::maintenance::{MaintenanceSettings, Mode};
use crate::storage::settings;
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Query, State};
use axum::http::StatusCode;

/// What the form holds, as typed, so that it can be shown again with the errors.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct MaintenanceForm {
    #[serde(default)]
    mode: String,
    #[serde(default)]
    prompt_minutes: String,
    #[serde(default)]
    reminder_hours: String,
    #[serde(default)]
    notify_start: Option<String>,
    #[serde(default)]
    notify_end: Option<String>,
}

impl MaintenanceForm {
    fn of(s: &MaintenanceSettings) -> Self {
        MaintenanceForm {
            mode: s.mode.as_str().into(),
            prompt_minutes: s.prompt_minutes.to_string(),
            reminder_hours: s.reminder_hours.to_string(),
            notify_start: s.notify_start.then(|| "on".into()),
            notify_end: s.notify_end.then(|| "on".into()),
        }
    }
}

#[derive(Debug, Default)]
struct MaintenanceErrors {
    mode: Option<String>,
    prompt_minutes: Option<String>,
    reminder_hours: Option<String>,
}

impl MaintenanceErrors {
    fn any(&self) -> bool {
        self.mode.is_some() || self.prompt_minutes.is_some() || self.reminder_hours.is_some()
    }
}

/// A whole number from 0 to `max`, or what is wrong with `text`.
fn whole_number(text: &str, max: i64, unit: &str) -> Result<i64, String> {
    match text.trim().parse::<i64>() {
        Ok(n) if (0..=max).contains(&n) => Ok(n),
        _ => Err(format!("A whole number of {unit} from 0 to {max}.")),
    }
}

/// The settings the form asks for, or each field's problem.
fn check(form: &MaintenanceForm) -> Result<MaintenanceSettings, MaintenanceErrors> {
    let mode = form.mode.parse::<Mode>().ok();
    let prompt = whole_number(
        &form.prompt_minutes,
        MaintenanceSettings::MAX_PROMPT_MINUTES,
        "minutes",
    );
    let reminder = whole_number(
        &form.reminder_hours,
        MaintenanceSettings::MAX_REMINDER_HOURS,
        "hours",
    );
    match (mode, prompt, reminder) {
        (Some(mode), Ok(prompt_minutes), Ok(reminder_hours)) => Ok(MaintenanceSettings {
            mode,
            prompt_minutes,
            reminder_hours,
            notify_start: form.notify_start.is_some(),
            notify_end: form.notify_end.is_some(),
        }),
        (mode, prompt, reminder) => Err(MaintenanceErrors {
            mode: mode
                .is_none()
                .then(|| "Choose how maintenance starts and ends.".into()),
            prompt_minutes: prompt.err(),
            reminder_hours: reminder.err(),
        }),
    }
}

#[derive(Template)]
#[template(path = "admin/settings_maintenance.html")]
struct MaintenancePage {
    chrome: Chrome,
    form: MaintenanceForm,
    errors: MaintenanceErrors,
    max_prompt_minutes: i64,
    max_reminder_hours: i64,
}

async fn maintenance_page(
    state: &AdminState,
    admin: &Admin,
    status: StatusCode,
    form: MaintenanceForm,
    errors: MaintenanceErrors,
    notice: Option<&str>,
) -> PageResult {
    let name = system_name(state).await;
    page(
        status,
        &MaintenancePage {
            chrome: Chrome::for_admin(&name, "Maintenance settings", "settings", admin)
                .with_notice(notice),
            form,
            errors,
            max_prompt_minutes: MaintenanceSettings::MAX_PROMPT_MINUTES,
            max_reminder_hours: MaintenanceSettings::MAX_REMINDER_HOURS,
        },
    )
}

pub async fn maintenance(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Query(query): Query<NoticeQuery>,
) -> PageResult {
    let current = settings::maintenance(&mut *state.db.acquire().await?).await?;
    maintenance_page(
        &state,
        &admin,
        StatusCode::OK,
        MaintenanceForm::of(&current),
        MaintenanceErrors::default(),
        query.notice.as_deref(),
    )
    .await
}

pub async fn save_maintenance(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Form(form): Form<MaintenanceForm>,
) -> PageResult {
    let wanted = match check(&form) {
        Ok(wanted) => wanted,
        Err(errors) => {
            return maintenance_page(&state, &admin, StatusCode::BAD_REQUEST, form, errors, None)
                .await;
        }
    };
    saved(
        &state,
        &admin,
        "settings.maintenance",
        "the maintenance settings",
        async |conn| settings::save_maintenance(conn, &wanted).await,
    )
    .await?;
    // The moments of the new settings (an earlier prompt, a reminder turned on) are queued
    // now; jobs queued under the old ones find themselves out of the plan and do nothing.
    let result = crate::service::maintenance::schedule_all(&state.services())
        .await
        .map(|_| ());
    redirect_after(result, "/admin/settings/maintenance?notice=saved")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(mode: &str, prompt: &str, reminder: &str) -> MaintenanceForm {
        MaintenanceForm {
            mode: mode.into(),
            prompt_minutes: prompt.into(),
            reminder_hours: reminder.into(),
            notify_start: Some("on".into()),
            notify_end: None,
        }
    }

    #[test]
    fn the_limits_are_the_domains() {
        let ok = check(&form("ask", " 0 ", "720")).expect("valid");
        assert_eq!(ok.mode, Mode::Ask);
        assert_eq!((ok.prompt_minutes, ok.reminder_hours), (0, 720));
        assert!(ok.notify_start && !ok.notify_end);
        let errors = check(&form("sometimes", "1441", "-1")).expect_err("refused");
        assert!(errors.mode.is_some());
        assert_eq!(
            errors.prompt_minutes.as_deref(),
            Some("A whole number of minutes from 0 to 1440.")
        );
        assert_eq!(
            errors.reminder_hours.as_deref(),
            Some("A whole number of hours from 0 to 720.")
        );
        let errors = check(&form("automatic", "15", "1.5")).expect_err("refused");
        assert!(errors.mode.is_none() && errors.prompt_minutes.is_none());
        assert!(errors.reminder_hours.is_some());
    }
}

//! The admin's recurring maintenance: create a series from a simple form (weekly on weekdays,
//! monthly on a day or on the nth weekday, or an RRULE typed in), list the series with their
//! next occurrences, stop one. The occurrences themselves are ordinary maintenance, on the
//! maintenance page like any other (`service::recurrence`).

use super::AdminState;
use super::session::Admin;
use super::{Chrome, PageError, PageResult, page, plain, system_name};
use crate::domain::input::Field;
use crate::domain::recurrence::{MAX_DURATION_MINUTES, Rule};
use crate::service::recurrence::{self as service, NewSeries, SeriesError};
use crate::storage::maintenance_series;
use askama::Template;
use axum::Form;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use std::collections::HashMap;

/// How many coming occurrences the list shows per series.
const NEXT: usize = 3;

const WEEKDAYS: [(&str, &str); 7] = [
    ("MO", "Monday"),
    ("TU", "Tuesday"),
    ("WE", "Wednesday"),
    ("TH", "Thursday"),
    ("FR", "Friday"),
    ("SA", "Saturday"),
    ("SU", "Sunday"),
];

/// The series form as typed: shown again, with its errors, when refused.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct SeriesForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    /// The first start, `datetime-local`.
    #[serde(default)]
    first: String,
    /// Minutes.
    #[serde(default)]
    duration: String,
    /// `weekly`, `monthday`, `weekday` or `rule`.
    #[serde(default)]
    repeat: String,
    #[serde(default)]
    interval: String,
    day_mo: Option<String>,
    day_tu: Option<String>,
    day_we: Option<String>,
    day_th: Option<String>,
    day_fr: Option<String>,
    day_sa: Option<String>,
    day_su: Option<String>,
    /// 1 to 31, or -1 for the last day.
    #[serde(default)]
    month_day: String,
    /// 1 to 4, or -1 for the last.
    #[serde(default)]
    nth: String,
    #[serde(default)]
    weekday: String,
    /// An RRULE typed in (`repeat=rule`).
    #[serde(default)]
    rule: String,
    /// The last day, `YYYY-MM-DD`, optional.
    #[serde(default)]
    until: String,
    /// How many in all, optional.
    #[serde(default)]
    count: String,
    silent: Option<String>,
}

impl SeriesForm {
    fn blank() -> SeriesForm {
        SeriesForm {
            duration: "60".into(),
            repeat: "weekly".into(),
            interval: "1".into(),
            month_day: "1".into(),
            nth: "1".into(),
            weekday: "SU".into(),
            ..SeriesForm::default()
        }
    }

    fn days(&self) -> [(&'static str, &'static str, bool); 7] {
        let ticked = [
            &self.day_mo,
            &self.day_tu,
            &self.day_we,
            &self.day_th,
            &self.day_fr,
            &self.day_sa,
            &self.day_su,
        ];
        let mut days = [("", "", false); 7];
        for (i, ((code, name), on)) in WEEKDAYS.iter().zip(ticked).enumerate() {
            days[i] = (code, name, on.is_some());
        }
        days
    }

    /// The rule the simple choices make, as RRULE text (parsed by `domain::recurrence`, which
    /// refuses what it does not understand), or why not.
    fn rule_text(&self) -> Result<String, String> {
        let interval = match self.interval.trim() {
            "" => 1,
            text => text
                .parse::<u32>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or("Repeat every 1 or more weeks or months.")?,
        };
        let every = if interval == 1 {
            String::new()
        } else {
            format!(";INTERVAL={interval}")
        };
        let mut text = match self.repeat.as_str() {
            "weekly" => {
                let days: Vec<&str> = self
                    .days()
                    .iter()
                    .filter(|(_, _, on)| *on)
                    .map(|(code, _, _)| *code)
                    .collect();
                if days.is_empty() {
                    return Err("Tick at least one weekday.".into());
                }
                format!("FREQ=WEEKLY{every};BYDAY={}", days.join(","))
            }
            "monthday" => format!("FREQ=MONTHLY{every};BYMONTHDAY={}", self.month_day.trim()),
            "weekday" => format!(
                "FREQ=MONTHLY{every};BYDAY={}{}",
                self.nth.trim(),
                self.weekday.trim()
            ),
            "rule" => return Ok(self.rule.trim().to_owned()),
            _ => return Err("Choose how it repeats.".into()),
        };
        match (self.until.trim(), self.count.trim()) {
            ("", "") => {}
            (until, "") => {
                let date: Date = until.parse().map_err(|_| "Enter the last day as a date.")?;
                text.push_str(&format!(";UNTIL={}", date.strftime("%Y%m%d")));
            }
            ("", count) => text.push_str(&format!(";COUNT={count}")),
            _ => return Err("Give a last day or a number of times, not both.".into()),
        }
        Ok(text)
    }
}

#[derive(Default)]
struct Errors {
    title: Option<String>,
    summary: Option<String>,
    first: Option<String>,
    duration: Option<String>,
    repeat: Option<String>,
}

impl Errors {
    fn any(&self) -> bool {
        self.title.is_some()
            || self.summary.is_some()
            || self.first.is_some()
            || self.duration.is_some()
            || self.repeat.is_some()
    }
}

struct NextRow {
    when: String,
    /// The maintenance it became, once announced.
    incident: Option<i64>,
}

struct SeriesRow {
    id: i64,
    title: String,
    rule: String,
    words: String,
    at: String,
    duration: i64,
    active: bool,
    next: Vec<NextRow>,
    announced: usize,
}

#[derive(Template)]
#[template(path = "admin/recurring.html")]
struct ListPage {
    chrome: Chrome,
    series: Vec<SeriesRow>,
    form: SeriesForm,
    days: [(&'static str, &'static str, bool); 7],
    errors: Errors,
    time_zone: String,
    horizon_days: i64,
    max_duration: i64,
}

async fn rows(state: &AdminState) -> Result<Vec<SeriesRow>, crate::storage::StorageError> {
    let mut conn = state.db.acquire().await?;
    let tz = &state.config.time_zone.zone;
    let now = Timestamp::now();
    let mut rows = Vec::new();
    for series in maintenance_series::list(&mut conn).await? {
        let created: HashMap<String, i64> = maintenance_series::occurrences(&mut conn, series.id)
            .await?
            .into_iter()
            .collect();
        let schedule = service::schedule_of(&series);
        let next = schedule
            .as_ref()
            .filter(|_| series.active)
            .map(|s| s.next(tz, now, NEXT))
            .unwrap_or_default()
            .into_iter()
            .map(|o| NextRow {
                when: o
                    .start
                    .to_zoned(tz.clone())
                    .strftime("%a %Y-%m-%d %H:%M")
                    .to_string(),
                incident: created
                    .get(&o.local.strftime("%Y-%m-%dT%H:%M:%S").to_string())
                    .copied(),
            })
            .collect();
        rows.push(SeriesRow {
            id: series.id,
            words: schedule
                .as_ref()
                .map_or_else(|| "(rule not understood)".into(), |s| s.rule.describe()),
            at: schedule.as_ref().map_or_else(String::new, |s| {
                format!("{}, from {}", s.first.strftime("%H:%M"), s.first.date())
            }),
            title: series.title,
            rule: series.rule,
            duration: series.duration_minutes,
            active: series.active,
            next,
            announced: created.len(),
        });
    }
    Ok(rows)
}

async fn list_page(
    state: &AdminState,
    admin: &Admin,
    status: StatusCode,
    form: SeriesForm,
    errors: Errors,
    notice: Option<&str>,
) -> PageResult {
    let name = system_name(state).await;
    page(
        status,
        &ListPage {
            chrome: Chrome::for_admin(&name, "Recurring maintenance", "maintenance", admin)
                .with_notice(notice),
            series: rows(state).await?,
            days: form.days(),
            form,
            errors,
            time_zone: state.config.time_zone.name.clone(),
            horizon_days: crate::domain::recurrence::HORIZON.as_hours() / 24,
            max_duration: MAX_DURATION_MINUTES,
        },
    )
}

#[derive(serde::Deserialize)]
pub struct ListQuery {
    notice: Option<String>,
}

pub async fn list(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let form = SeriesForm::blank();
    let notice = query.notice.as_deref();
    list_page(
        &state,
        &admin,
        StatusCode::OK,
        form,
        Errors::default(),
        notice,
    )
    .await
}

pub async fn create(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Form(form): Form<SeriesForm>,
) -> PageResult {
    let mut errors = Errors::default();
    let first = form.first.trim().parse::<DateTime>().ok();
    if first.is_none() {
        errors.first = Some("Enter a date and time.".into());
    }
    let duration = form
        .duration
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|m| (1..=MAX_DURATION_MINUTES).contains(m));
    if duration.is_none() {
        errors.duration = Some(format!(
            "A whole number of minutes from 1 to {MAX_DURATION_MINUTES}."
        ));
    }
    let rule = match form.rule_text() {
        Ok(text) => match text.parse::<Rule>() {
            Ok(rule) => Some(rule),
            Err(e) => {
                errors.repeat = Some(e.to_string());
                None
            }
        },
        Err(e) => {
            errors.repeat = Some(e);
            None
        }
    };
    let (Some(first), Some(duration_minutes), Some(rule)) = (first, duration, rule) else {
        return refused(&state, &admin, form, errors).await;
    };
    let summary = Some(form.summary.trim().to_owned()).filter(|s| !s.is_empty());
    let new = NewSeries {
        title: form.title.trim().to_owned(),
        summary,
        rule,
        first,
        duration_minutes,
        silent: form.silent.is_some(),
    };
    let tz = &state.config.time_zone.zone;
    match service::create_series(&state.services(), &admin.actor(), tz, &new).await {
        Ok(_) => {
            Ok(Redirect::to("/admin/maintenance/recurring/?notice=series-created").into_response())
        }
        Err(SeriesError::Invalid(problems)) => {
            for problem in problems.iter() {
                let slot = match problem.field() {
                    Field::Title => &mut errors.title,
                    Field::Summary => &mut errors.summary,
                    Field::Start => &mut errors.first,
                    Field::End => &mut errors.duration,
                    _ => &mut errors.repeat,
                };
                slot.get_or_insert_with(|| problem.to_string());
            }
            refused(&state, &admin, form, errors).await
        }
        Err(SeriesError::NoOccurrence) => {
            errors.repeat = Some("This rule gives no occurrence after now.".into());
            refused(&state, &admin, form, errors).await
        }
        Err(SeriesError::Duration) => {
            errors.duration = Some(format!(
                "A whole number of minutes from 1 to {MAX_DURATION_MINUTES}."
            ));
            refused(&state, &admin, form, errors).await
        }
        Err(SeriesError::Storage(e)) => Err(PageError::from(e)),
    }
}

async fn refused(
    state: &AdminState,
    admin: &Admin,
    form: SeriesForm,
    errors: Errors,
) -> PageResult {
    debug_assert!(errors.any());
    list_page(state, admin, StatusCode::BAD_REQUEST, form, errors, None).await
}

#[derive(serde::Deserialize)]
pub struct StopForm {
    /// Also cancel the occurrences announced and not yet started.
    cancel_announced: Option<String>,
}

pub async fn stop(
    State(state): State<AdminState>,
    Extension(admin): Extension<Admin>,
    Path(id): Path<i64>,
    Form(form): Form<StopForm>,
) -> PageResult {
    let cancel = form.cancel_announced.is_some();
    match service::stop(&state.services(), &admin.actor(), id, cancel).await? {
        None => Ok(plain(StatusCode::NOT_FOUND, "There is no such series.")),
        Some(_) => {
            Ok(Redirect::to("/admin/maintenance/recurring/?notice=series-stopped").into_response())
        }
    }
}

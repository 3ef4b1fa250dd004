//! The Atlassian Statuspage public API v2 (`/api/v2/*.json`), which status aggregators, chat
//! integrations and client libraries read. monostat's model is mapped onto Statuspage's here,
//! and only here (the table is in the README):
//!
//! | monostat | Statuspage |
//! |---|---|
//! | suspected / confirmed / watching / resolved | incident `investigating` / `identified` / `monitoring` / `resolved` |
//! | planned, or severity maintenance | a scheduled maintenance: `scheduled` before its start, `in_progress` while confirmed or watching (the page says "In progress" for both), `completed` when resolved |
//! | outage / partial / bug / notice / maintenance | impact `critical` / `major` / `minor` / `none` / `maintenance`; a suspicion is `minor`, whatever monitoring guessed |
//! | overall state (`OverallState::of`: what is confirmed, so an outage being watched is `none`, as on Statuspage once it is monitoring and the components are operational again) | `status.indicator`: down `critical`, partially unavailable `major`, might have issues and known issue `minor`, maintenance `maintenance`, otherwise `none` |
//! | dismissed | never shown |
//!
//! There are no components by design: every `components` list is empty.
//!
//! `uptime.json` is monostat's own (Statuspage's public API has no uptime): the figures of
//! `crate::domain::uptime`, as the page and the badges give them.

use crate::domain::{Incident, IncidentStatus, OverallState, Severity};
use crate::storage::incidents::IncidentUpdate;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Value, json};
use std::collections::HashMap;

/// How many incidents and maintenances the lists carry, as Statuspage's do.
pub const LIST_LENGTH: usize = 50;

/// The endpoints, by path below `/api/v2/`.
pub const ENDPOINTS: [&str; 9] = [
    "status.json",
    "summary.json",
    "components.json",
    "incidents.json",
    "incidents/unresolved.json",
    "scheduled-maintenances.json",
    "scheduled-maintenances/upcoming.json",
    "scheduled-maintenances/active.json",
    "uptime.json",
];

pub fn indicator(state: OverallState) -> (&'static str, &'static str) {
    match state {
        OverallState::Down => ("critical", "Major Service Outage"),
        OverallState::PartiallyUnavailable => ("major", "Partial System Outage"),
        OverallState::MightHaveIssues => ("minor", "Investigating Possible Issues"),
        OverallState::KnownIssue => ("minor", "Minor Service Outage"),
        OverallState::UnderMaintenance => ("maintenance", "Service Under Maintenance"),
        OverallState::UpWithNotices | OverallState::Up => ("none", "All Systems Operational"),
    }
}

fn impact(incident: &Incident) -> &'static str {
    if incident.status == IncidentStatus::Suspected {
        return "minor";
    }
    match incident.severity {
        Severity::Outage => "critical",
        Severity::Partial => "major",
        Severity::Bug => "minor",
        Severity::Notice => "none",
        Severity::Maintenance => "maintenance",
    }
}

fn is_maintenance(incident: &Incident) -> bool {
    incident.status == IncidentStatus::Planned || incident.severity == Severity::Maintenance
}

/// The Statuspage status an incident has while in `status`. A maintenance's follows its status
/// alone, as the page's does: the clock moves it from scheduled to in progress to completed
/// (`domain::maintenance`), so the API, the page, the badge and the banner say the same at
/// every moment, and a maintenance waiting for somebody to start it (ask mode) is still
/// scheduled everywhere.
fn status_name(incident: &Incident, status: IncidentStatus) -> &'static str {
    if is_maintenance(incident) {
        return match status {
            IncidentStatus::Planned => "scheduled",
            IncidentStatus::Resolved | IncidentStatus::Dismissed => "completed",
            _ => "in_progress",
        };
    }
    match status {
        IncidentStatus::Suspected | IncidentStatus::Planned => "investigating",
        IncidentStatus::Confirmed => "identified",
        IncidentStatus::Watching => "monitoring",
        IncidentStatus::Resolved | IncidentStatus::Dismissed => "resolved",
    }
}

/// The page's shared facts, and the moment of rendering.
pub struct Page<'a> {
    pub id: String,
    pub name: &'a str,
    pub url: &'a str,
    pub tz: &'a TimeZone,
    pub now: Timestamp,
}

impl Page<'_> {
    fn time(&self, t: Timestamp) -> String {
        t.to_zoned(self.tz.clone())
            .strftime("%Y-%m-%dT%H:%M:%S%.3f%:z")
            .to_string()
    }

    fn envelope(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "url": self.url,
            "time_zone": self.tz.iana_name().unwrap_or("UTC"),
            "updated_at": self.time(self.now),
        })
    }

    fn incident(&self, incident: &Incident, updates: &[IncidentUpdate]) -> Value {
        // Updates come newest first; the status each one speaks in is the one in force then.
        let mut in_force = if is_maintenance(incident) {
            IncidentStatus::Planned
        } else {
            IncidentStatus::Suspected
        };
        let mut rendered: Vec<Value> = updates
            .iter()
            .rev()
            .map(|update| {
                if let Some(status) = update.new_status {
                    in_force = status;
                }
                json!({
                    "id": update.id.to_string(),
                    "incident_id": incident.id.to_string(),
                    "status": status_name(incident, in_force),
                    "body": update.message.clone().unwrap_or_default(),
                    "created_at": self.time(update.created),
                    "updated_at": self.time(update.created),
                    "display_at": self.time(update.created),
                    "affected_components": null,
                    "deliver_notifications": !incident.silent,
                    "custom_tweet": null,
                    "tweet_id": null,
                })
            })
            .collect();
        rendered.reverse();
        let first_with = |wanted: IncidentStatus| {
            updates
                .iter()
                .rev()
                .find(|u| u.new_status == Some(wanted))
                .map(|u| self.time(u.created))
        };
        let resolved_at = (incident.status == IncidentStatus::Resolved)
            .then(|| incident.end.map(|t| self.time(t)))
            .flatten();
        let mut object = json!({
            "id": incident.id.to_string(),
            "page_id": self.id,
            "name": incident.title,
            "status": status_name(incident, incident.status),
            "impact": impact(incident),
            "created_at": self.time(incident.created),
            "updated_at": self.time(incident.updated),
            "started_at": self.time(incident.start),
            "monitoring_at": first_with(IncidentStatus::Watching),
            "resolved_at": resolved_at,
            "shortlink": format!(
                "{}{}",
                self.url.trim_end_matches('/'),
                crate::links::incident_path(incident)
            ),
            "incident_updates": rendered,
            "components": [],
        });
        if is_maintenance(incident) {
            object["scheduled_for"] = json!(self.time(incident.start));
            object["scheduled_until"] = json!(incident.end.map(|t| self.time(t)));
        }
        object
    }
}

/// `uptime.json`: each window's figure (`last_30_days`, `last_90_days`) and each day's of the
/// longest window, newest first. `percent` has the page's three decimals.
pub fn uptime(page: &Page, figures: &super::uptime::Figures) -> String {
    let measure = |m: crate::domain::uptime::Measure| {
        json!({
            "percent": m.percent().as_f64(),
            "seconds": m.seconds,
            "down_seconds": m.down_seconds,
            "partial_seconds": m.partial_seconds,
        })
    };
    let start_of = |day: jiff::civil::Date| {
        day.to_zoned(page.tz.clone())
            .ok()
            .map(|z| page.time(z.timestamp()))
    };
    let mut object = serde_json::Map::new();
    for days in super::uptime::WINDOWS {
        let first = figures
            .days
            .newest_first()
            .take(usize::try_from(days).unwrap_or(usize::MAX))
            .last()
            .map(|(day, _)| day);
        let mut window = measure(figures.window(days));
        window["days"] = json!(days);
        window["from"] = json!(first.and_then(start_of));
        window["to"] = json!(page.time(page.now));
        object.insert(format!("last_{days}_days"), window);
    }
    let longest = super::uptime::WINDOWS.iter().copied().max().unwrap_or(1);
    let daily: Vec<Value> = figures
        .days
        .newest_first()
        .take(usize::try_from(longest).unwrap_or(usize::MAX))
        .map(|(day, m)| {
            let mut entry = measure(m);
            entry["date"] = json!(day.to_string());
            entry
        })
        .collect();
    object.insert("days".to_owned(), Value::Array(daily));
    json!({ "page": page.envelope(), "uptime": object }).to_string()
}

/// Every endpoint's body, from the overall state and the public incidents (newest first) with
/// their updates (newest first).
pub fn render(
    page: &Page,
    state: OverallState,
    incidents: &[Incident],
    updates: &HashMap<i64, Vec<IncidentUpdate>>,
) -> Vec<(&'static str, String)> {
    let none = Vec::new();
    let objects: Vec<(bool, Value)> = incidents
        .iter()
        .filter(|i| i.status.is_public())
        .map(|i| {
            let its = updates.get(&i.id).unwrap_or(&none);
            (is_maintenance(i), page.incident(i, its))
        })
        .collect();
    let status_of = |v: &Value| v["status"].as_str().unwrap_or_default().to_owned();
    let list = |keep: &dyn Fn(bool, &str) -> bool| -> Vec<Value> {
        objects
            .iter()
            .filter(|(maintenance, v)| keep(*maintenance, &status_of(v)))
            .map(|(_, v)| v.clone())
            .take(LIST_LENGTH)
            .collect()
    };
    let unresolved = list(&|m, s| !m && matches!(s, "investigating" | "identified" | "monitoring"));
    let maintenances = list(&|m, _| m);
    let upcoming = list(&|m, s| m && s == "scheduled");
    let active = list(&|m, s| m && matches!(s, "in_progress" | "verifying"));
    let upcoming_and_active =
        list(&|m, s| m && matches!(s, "scheduled" | "in_progress" | "verifying"));
    let (indicator, description) = indicator(state);
    let status = json!({ "indicator": indicator, "description": description });
    let envelope = page.envelope();
    let body = |extra: Value| {
        let mut object = json!({ "page": envelope });
        if let (Some(target), Value::Object(fields)) = (object.as_object_mut(), extra) {
            target.extend(fields);
        }
        object.to_string()
    };
    vec![
        ("status.json", body(json!({ "status": status }))),
        (
            "summary.json",
            body(json!({
                "status": status,
                "components": [],
                "incidents": unresolved,
                "scheduled_maintenances": upcoming_and_active,
            })),
        ),
        ("components.json", body(json!({ "components": [] }))),
        (
            "incidents.json",
            body(json!({ "incidents": list(&|_, _| true) })),
        ),
        (
            "incidents/unresolved.json",
            body(json!({ "incidents": unresolved })),
        ),
        (
            "scheduled-maintenances.json",
            body(json!({ "scheduled_maintenances": maintenances })),
        ),
        (
            "scheduled-maintenances/upcoming.json",
            body(json!({ "scheduled_maintenances": upcoming })),
        ),
        (
            "scheduled-maintenances/active.json",
            body(json!({ "scheduled_maintenances": active })),
        ),
    ]
}

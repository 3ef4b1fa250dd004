//! The messages the bot posts, as Block Kit. Every message has a plain `text` too: Slack shows
//! it in notifications and reads it to screen readers.

use super::limits::{self, SECTION_TEXT, escape, fit_mrkdwn, fit_mrkdwn_between};
use crate::domain::input::MAX_TITLE_CHARS;
use crate::domain::notification::{Markup, Note};
use crate::domain::{Incident, IncidentStatus, Severity};
use crate::links;
use serde_json::{Value, json};
use slack_morphism::prelude::{SlackBlock, SlackMessageContent};

pub(super) fn section(text: &str) -> Value {
    json!({"type": "section", "text": {"type": "mrkdwn", "text": text}})
}

pub(super) fn button(text: &str, action_id: &str, value: String) -> Value {
    json!({"type": "button", "text": {"type": "plain_text", "text": text, "emoji": true},
           "action_id": action_id, "value": value})
}

pub(super) fn content(text: String, blocks: Vec<Value>) -> SlackMessageContent {
    // The blocks are built right here from literals; a failure would be a bug that every test
    // posting a message catches, so it degrades to the plain text instead of failing the job.
    let blocks: Vec<SlackBlock> =
        serde_json::from_value(Value::Array(blocks)).unwrap_or_else(|e| {
            tracing::error!(error = %e, "Slack blocks do not match Block Kit; sending text only");
            Vec::new()
        });
    SlackMessageContent::new()
        .with_text(text)
        .with_blocks(blocks)
}

/// The headline of an incident's message, by status.
fn headline(incident: &Incident) -> String {
    match incident.status {
        IncidentStatus::Suspected => {
            "*Monitoring has reported a new incident.* The status page now \
             says the system might be having issues. Please check whether users are affected; if \
             they are, confirm the incident."
                .to_owned()
        }
        IncidentStatus::Planned => format!(
            "*Planned maintenance* starting {}",
            slack_date(incident.start)
        ),
        _ if incident.cancelled.is_some() => "*Cancelled maintenance*".to_owned(),
        IncidentStatus::Confirmed | IncidentStatus::Watching
            if incident.severity == Severity::Maintenance =>
        {
            "*Maintenance in progress*".to_owned()
        }
        IncidentStatus::Resolved if incident.severity == Severity::Maintenance => {
            "*Completed maintenance*".to_owned()
        }
        IncidentStatus::Resolved => "*Resolved incident*".to_owned(),
        IncidentStatus::Dismissed => "*Dismissed incident*".to_owned(),
        IncidentStatus::Confirmed | IncidentStatus::Watching => "*Ongoing incident*".to_owned(),
    }
}

/// A date Slack shows in each reader's own time zone, with a UTC fallback.
fn slack_date(t: jiff::Timestamp) -> String {
    format!(
        "<!date^{}^{{date_short_pretty}} at {{time}}|{} UTC>",
        t.as_second(),
        t.strftime("%Y-%m-%d %H:%M")
    )
}

/// A moment in a note or a window: like [`slack_date`], shorter, for running text.
fn slack_time(t: jiff::Timestamp) -> String {
    format!(
        "<!date^{}^{{date_short_pretty}} {{time}}|{} UTC>",
        t.as_second(),
        t.strftime("%Y-%m-%d %H:%M")
    )
}

/// A maintenance's window, each end in the reader's own time: what the channel plans around.
/// `None` for an incident that is no maintenance.
pub fn window(incident: &Incident) -> Option<String> {
    let is_maintenance = incident.severity == Severity::Maintenance || incident.cancelled.is_some();
    if !is_maintenance {
        return None;
    }
    Some(match incident.end {
        Some(end) => format!(
            "*Window:* {} – {}",
            slack_time(incident.start),
            slack_time(end)
        ),
        None => format!("*Window:* from {}, no end set", slack_time(incident.start)),
    })
}

/// The one interactive message every incident has in the team's channel. Outside text (the
/// title, the alert's message) is shortened to fit, linking to the admin page for all of it.
pub fn incident_message(
    incident: &Incident,
    alert_message: Option<&str>,
    site: &url::Url,
) -> SlackMessageContent {
    let admin = links::incident_admin(site, incident.id);
    let headline = headline(incident);
    let mut blocks = vec![
        section(&headline),
        section(&fit_mrkdwn_between(
            "*",
            &escape(&incident.title),
            &format!("* ({})", incident.severity.label()),
            SECTION_TEXT,
            &admin,
        )),
    ];
    if let Some(window) = window(incident) {
        blocks.push(section(&window));
    }
    if let Some(message) = alert_message {
        blocks.push(section(&fit_mrkdwn_between(
            "Alert message: ",
            &escape(message),
            "",
            SECTION_TEXT,
            &admin,
        )));
    }
    blocks.extend(status_blocks(incident));
    let mut links =
        vec![json!({"type": "mrkdwn", "text": format!("<{admin}|Change on admin page>")})];
    if incident.status.is_public() {
        links.push(json!({"type": "mrkdwn", "text": format!("<{}|View on public page>", links::incident_public(site, incident))}));
    }
    blocks.push(json!({"type": "context", "elements": links}));
    content(headline, blocks)
}

/// The incident's message when Slack refused the full one: no outside text at all, but the
/// same buttons, because the on-call must always be able to confirm.
pub fn minimal_incident_message(incident: &Incident, site: &url::Url) -> SlackMessageContent {
    let headline = headline(incident);
    let mut blocks = vec![section(&format!(
        "{headline}\nIncident {}: Slack could not show its details; <{}|see them on the admin page>.",
        incident.id,
        links::incident_admin(site, incident.id)
    ))];
    blocks.extend(window(incident).map(|w| section(&w)));
    blocks.extend(status_blocks(incident));
    content(headline, blocks)
}

/// What an incident's status lets people do: its line and buttons.
pub(super) fn status_blocks(incident: &Incident) -> Vec<Value> {
    let id = incident.id.to_string();
    let mut blocks = Vec::new();
    let maintenance = incident.severity == Severity::Maintenance;
    match incident.status {
        IncidentStatus::Dismissed if incident.cancelled.is_some() => {
            blocks.push(section(":no_entry_sign: Maintenance cancelled."));
        }
        IncidentStatus::Confirmed | IncidentStatus::Watching if maintenance => {
            blocks.push(section(":construction: Maintenance in progress."));
        }
        IncidentStatus::Resolved if maintenance => {
            blocks.push(section(":white_check_mark: Maintenance completed."));
        }
        IncidentStatus::Suspected => {
            let mut dismiss = button("Dismiss incident", "dismiss_incident", id.clone());
            dismiss["style"] = "danger".into();
            dismiss["confirm"] = json!({
                "title": {"type": "plain_text", "text": "Are you sure?"},
                "text": {"type": "plain_text", "text": "This hides the incident from the status page."},
                "confirm": {"type": "plain_text", "text": "Dismiss incident"},
                "deny": {"type": "plain_text", "text": "Cancel"}
            });
            let mut confirm = button(
                ":fire: Yes, this is a real incident",
                "confirm_incident",
                id.clone(),
            );
            confirm["style"] = "primary".into();
            blocks.push(json!({"type": "actions", "elements": [confirm, dismiss]}));
        }
        IncidentStatus::Dismissed => blocks.push(section(":no_bell: Incident dismissed.")),
        IncidentStatus::Confirmed => blocks.push(section(":fire: Incident confirmed and ongoing.")),
        IncidentStatus::Watching => blocks.push(section(
            ":eyes: Incident confirmed; watching whether the fix holds.",
        )),
        IncidentStatus::Resolved => blocks.push(section(":white_check_mark: Incident resolved.")),
        IncidentStatus::Planned => {}
    }
    if !matches!(
        incident.status,
        IncidentStatus::Suspected | IncidentStatus::Dismissed
    ) {
        blocks.push(json!({"type": "actions", "elements": [button("Update incident", "update_incident", id)]}));
    }
    blocks
}

/// The broadcast thread reply after monitoring dismissed an incident nobody had confirmed.
pub fn auto_dismissed_reply(incident_id: i64, site: &url::Url) -> SlackMessageContent {
    let text = "Monitoring closed all alerts before anybody confirmed this incident, so it was \
                dismissed and no longer shows on the status page. Please review whether it was a \
                real incident; if it was, record it on the admin page.";
    let mut review = button("Review incident", "link", incident_id.to_string());
    review["url"] = links::incident_admin(site, incident_id).into();
    content(
        text.to_owned(),
        vec![
            json!({"type": "section", "text": {"type": "mrkdwn", "text": text}, "accessory": review}),
        ],
    )
}

/// Notes worded in mrkdwn: names and update texts are text, never markup.
struct Mrkdwn;

impl Markup for Mrkdwn {
    fn text(&self, text: &str) -> String {
        escape(text)
    }
    fn strong(&self, value: &str) -> String {
        format!("*{value}*")
    }
    fn quote(&self, text: &str) -> String {
        text.lines()
            .map(|l| format!("> {}", escape(l)))
            .collect::<Vec<_>>()
            .join("\n")
    }
    /// Each reader sees the moment in their own time zone (the fallback, for clients that
    /// cannot, is UTC): a note that a maintenance was extended is read all over the world.
    fn time(&self, at: jiff::Timestamp) -> String {
        slack_time(at)
    }
}

/// What a thread note says, in mrkdwn.
pub fn note_text(note: &Note) -> String {
    note.words(&Mrkdwn)
}

/// A thread reply saying what changed and who changed it; `note` is our own mrkdwn, with
/// outside text already escaped (`note_text`). A long one (an update's text) is shortened,
/// linking to the incident's admin page.
pub fn thread_note(note: &str, incident_id: i64, site: &url::Url) -> SlackMessageContent {
    let note = fit_mrkdwn(
        note,
        SECTION_TEXT,
        &links::incident_admin(site, incident_id),
    );
    content(note.clone(), vec![section(&note)])
}

/// A thread reply in place of one Slack refused: that there was news, and where to read it.
pub fn minimal_thread_note(incident_id: i64, site: &url::Url) -> SlackMessageContent {
    let text = format!(
        "There is news on this incident that Slack could not show; <{}|read it on the admin page>.",
        links::incident_admin(site, incident_id)
    );
    content(text.clone(), vec![section(&text)])
}

/// The broadcast thread reply after all alerts of a confirmed incident closed.
pub fn all_alerts_closed_reply() -> SlackMessageContent {
    let text = "All alerts of this incident have closed. If it is over for users too, please set \
                it to *resolved* with \"Update incident\".";
    content(text.to_owned(), vec![section(text)])
}

/// A view built here from literals; `None` (and an error in the log) would be a bug that the
/// tests opening each view catch.
fn view_from(view: Value, what: &str) -> Option<slack_morphism::prelude::SlackView> {
    serde_json::from_value(view)
        .map_err(|e| tracing::error!(error = %e, view = what, "view does not match Block Kit"))
        .ok()
}

/// The statuses a person may choose in the update form.
pub const UPDATE_STATUSES: [IncidentStatus; 3] = [
    IncidentStatus::Confirmed,
    IncidentStatus::Watching,
    IncidentStatus::Resolved,
];

/// Every severity, as options of a select menu.
fn severity_options() -> Vec<Value> {
    crate::domain::Severity::ALL
        .iter()
        .map(|s| option(s.label(), s.as_str()))
        .collect()
}

fn option(text: &str, value: &str) -> Value {
    json!({"text": {"type": "plain_text", "text": text}, "value": value})
}

/// A multi-line text field as long as Slack allows.
fn long_text_input(action_id: &str) -> Value {
    json!({"type": "plain_text_input", "action_id": action_id, "multiline": true,
           "max_length": limits::TEXT_INPUT})
}

/// The "Update incident" modal, prefilled from the incident. A summary too long for Slack's
/// text field (admins may write longer ones) is not offered for editing here, since a shortened
/// one would come back as the new summary: the form says where to change it instead, and a
/// submission without the field keeps the summary.
pub fn update_modal(
    incident: &Incident,
    site: &url::Url,
) -> Option<slack_morphism::prelude::SlackView> {
    let prefill = incident
        .summary
        .as_deref()
        .is_none_or(|s| limits::length(s) <= limits::TEXT_INPUT);
    update_modal_with(incident, site, prefill)
}

/// The update form when Slack refused the prefilled one: no outside text in it at all, and the
/// summary left to the admin page.
pub fn minimal_update_modal(
    incident: &Incident,
    site: &url::Url,
) -> Option<slack_morphism::prelude::SlackView> {
    update_modal_with(incident, site, false)
}

fn update_modal_with(
    incident: &Incident,
    site: &url::Url,
    offer_summary: bool,
) -> Option<slack_morphism::prelude::SlackView> {
    let statuses: Vec<Value> = UPDATE_STATUSES
        .iter()
        .map(|s| option(s.label(), s.as_str()))
        .collect();
    let severities = severity_options();
    let mut summary = long_text_input("new_summary");
    summary["placeholder"] = json!({"type": "plain_text", "text": "Leave empty for no summary"});
    let summary_block = if offer_summary {
        if let Some(current) = &incident.summary {
            summary["initial_value"] = current.as_str().into();
        }
        json!({"type": "input", "block_id": "new_summary", "optional": true,
               "label": {"type": "plain_text", "text": "Summary"}, "element": summary})
    } else {
        json!({"type": "context", "elements": [{"type": "mrkdwn", "text": format!(
            "The summary cannot be changed in Slack's form; <{}|change it on the admin page>.",
            links::incident_admin(site, incident.id))}]})
    };
    let mut update_text = long_text_input("update_text");
    update_text["placeholder"] =
        json!({"type": "plain_text", "text": "Leave empty to post no update"});
    let view = json!({
        "type": "modal",
        "callback_id": "update_incident_modal",
        "private_metadata": incident.id.to_string(),
        "title": {"type": "plain_text", "text": "Update incident"},
        "submit": {"type": "plain_text", "text": "Submit"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "input", "block_id": "new_status", "optional": true,
             "label": {"type": "plain_text", "text": "New status"},
             "element": {"type": "static_select", "action_id": "new_status", "options": statuses,
                         "placeholder": {"type": "plain_text", "text": format!("Keep current status ({})", incident.status.label())}}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "Subscribers are notified when the status changes."}]},
            {"type": "input", "block_id": "update_text", "optional": true,
             "label": {"type": "plain_text", "text": "Update text"}, "element": update_text},
            {"type": "input", "block_id": "new_severity", "optional": true,
             "label": {"type": "plain_text", "text": "New severity"},
             "element": {"type": "static_select", "action_id": "new_severity", "options": severities,
                         "placeholder": {"type": "plain_text", "text": format!("Keep current severity ({})", incident.severity.label())}}},
            summary_block
        ]
    });
    view_from(view, "update modal")
}

/// The statuses Slack's create form offers: what the on-call announces or reports now. The
/// rules (`domain::input::may_create`) allow `resolved` too, for recording an incident after
/// the fact, which is done on the admin page, where its end can be given.
pub const CREATE_STATUSES: [IncidentStatus; 3] = [
    IncidentStatus::Planned,
    IncidentStatus::Confirmed,
    IncidentStatus::Watching,
];

/// The bot's Home tab: where incidents nobody's monitoring noticed are created.
pub fn home_view() -> Option<slack_morphism::prelude::SlackView> {
    let view = json!({
        "type": "home",
        "blocks": [
            section("*Status page*\nSomething is wrong that monitoring did not catch, or maintenance is coming? Create an incident: it appears on the status page and subscribers are told."),
            {"type": "actions", "elements": [
                {"type": "button", "style": "primary", "action_id": "create_incident",
                 "text": {"type": "plain_text", "text": "Create incident"}}
            ]}
        ]
    });
    view_from(view, "home view")
}

/// The "Create incident" modal; `now` is the default start.
pub fn create_modal(now: jiff::Timestamp) -> Option<slack_morphism::prelude::SlackView> {
    let statuses: Vec<Value> = CREATE_STATUSES
        .iter()
        .map(|s| option(s.label(), s.as_str()))
        .collect();
    let severities = severity_options();
    let view = json!({
        "type": "modal",
        "callback_id": "create_incident_modal",
        "title": {"type": "plain_text", "text": "Create incident"},
        "submit": {"type": "plain_text", "text": "Create"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "input", "block_id": "title", "label": {"type": "plain_text", "text": "Title"},
             "element": {"type": "plain_text_input", "action_id": "title", "max_length": MAX_TITLE_CHARS}},
            {"type": "input", "block_id": "status", "label": {"type": "plain_text", "text": "Status"},
             "element": {"type": "static_select", "action_id": "status", "options": statuses,
                         "initial_option": option(IncidentStatus::Confirmed.label(), "confirmed")}},
            {"type": "input", "block_id": "severity", "label": {"type": "plain_text", "text": "Severity"},
             "element": {"type": "static_select", "action_id": "severity", "options": severities}},
            {"type": "input", "block_id": "start", "optional": true, "label": {"type": "plain_text", "text": "Start"},
             "element": {"type": "datetimepicker", "action_id": "start", "initial_date_time": now.as_second()},
             "hint": {"type": "plain_text", "text": "In your own time zone. Planned maintenance starts in the future."}},
            {"type": "input", "block_id": "end", "optional": true, "label": {"type": "plain_text", "text": "End"},
             "element": {"type": "datetimepicker", "action_id": "end"},
             "hint": {"type": "plain_text", "text": "Planned maintenance needs an end after its start; leave it empty for an incident still going on."}},
            {"type": "input", "block_id": "update_text", "optional": true, "label": {"type": "plain_text", "text": "First update"},
             "element": long_text_input("update_text")},
            {"type": "input", "block_id": "summary", "optional": true, "label": {"type": "plain_text", "text": "Summary"},
             "element": long_text_input("summary")}
        ]
    });
    view_from(view, "create modal")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Severity;

    fn incident(status: IncidentStatus) -> Incident {
        let t = jiff::Timestamp::from_second(1_767_225_600).expect("valid");
        Incident {
            id: 42,
            status,
            severity: Severity::Outage,
            start: t,
            end: None,
            title: "Checkout <fails> & more".into(),
            summary: None,
            slack_message_ts: None,
            silent: false,
            last_notified_status: None,
            created: t,
            updated: t,
            schedule_sequence: 0,
            cancelled: None,
        }
    }

    fn action_ids(content: &SlackMessageContent) -> Vec<String> {
        let blocks = serde_json::to_value(&content.blocks).expect("serialises");
        blocks
            .as_array()
            .into_iter()
            .flatten()
            .filter(|b| b["type"] == "actions")
            .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
            .map(|e| e["action_id"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    #[test]
    fn a_suspected_incident_offers_confirm_and_dismiss_only() {
        let site = url::Url::parse("https://status.example.test").expect("url");
        let message = incident_message(
            &incident(IncidentStatus::Suspected),
            Some("probe failed"),
            &site,
        );
        assert_eq!(
            action_ids(&message),
            vec!["confirm_incident", "dismiss_incident"]
        );
        let json = serde_json::to_string(&message.blocks).expect("serialises");
        assert!(json.contains("Alert message: probe failed"));
        assert!(json.contains("Are you sure?"));
        assert!(json.contains("https://status.example.test/admin/incidents/42/"));
        assert!(json.contains("https://status.example.test/2026-01-01/42"));
    }

    #[test]
    fn other_statuses_offer_update_except_dismissed() {
        let site = url::Url::parse("https://status.example.test").expect("url");
        for status in [
            IncidentStatus::Confirmed,
            IncidentStatus::Watching,
            IncidentStatus::Resolved,
            IncidentStatus::Planned,
        ] {
            assert_eq!(
                action_ids(&incident_message(&incident(status), None, &site)),
                vec!["update_incident"],
                "{status}"
            );
        }
        let dismissed = incident_message(&incident(IncidentStatus::Dismissed), None, &site);
        assert!(action_ids(&dismissed).is_empty());
        assert!(
            !serde_json::to_string(&dismissed.blocks)
                .expect("json")
                .contains("View on public page")
        );
    }

    #[test]
    fn text_from_outside_cannot_become_markup() {
        let site = url::Url::parse("https://status.example.test").expect("url");
        let json = serde_json::to_string(
            &incident_message(
                &incident(IncidentStatus::Confirmed),
                Some("<!channel>"),
                &site,
            )
            .blocks,
        )
        .expect("json");
        assert!(json.contains("Checkout &lt;fails&gt; &amp; more"));
        assert!(json.contains("&lt;!channel&gt;"));
    }

    #[test]
    fn pagerduty_notes_keep_pagerduty_s_names_as_text() {
        let by = Some("<!channel> Jane".to_owned());
        assert_eq!(
            note_text(&Note::PagerdutyAcknowledged { by: by.clone() }),
            "Acknowledged in PagerDuty by &lt;!channel&gt; Jane."
        );
        assert_eq!(
            note_text(&Note::PagerdutyAnnotated {
                by: None,
                text: "disk full\n<@U123> look".into()
            }),
            "A note was added in PagerDuty:\n> disk full\n> &lt;@U123&gt; look"
        );
        assert_eq!(
            note_text(&Note::PagerdutyPriorityChanged {
                by,
                priority: Some("P1 <urgent>".into())
            }),
            "Priority changed to *P1 &lt;urgent&gt;* in PagerDuty by &lt;!channel&gt; Jane."
        );
        assert_eq!(
            note_text(&Note::PagerdutyPriorityChanged {
                by: None,
                priority: None
            }),
            "Priority removed in PagerDuty."
        );
    }

    #[test]
    fn the_create_form_asks_for_a_window_in_the_persons_time_zone() {
        let view = create_modal(jiff::Timestamp::now()).expect("valid Block Kit");
        let json: Value = serde_json::to_value(&view).expect("json");
        let blocks = json["blocks"].as_array().expect("blocks");
        let pickers: Vec<&str> = blocks
            .iter()
            .filter(|b| b["element"]["type"] == "datetimepicker")
            .map(|b| b["block_id"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(pickers, vec!["start", "end"]);
        assert!(
            json.to_string()
                .contains("Planned maintenance needs an end after its start")
        );
    }

    #[test]
    fn a_maintenance_message_shows_its_window_in_each_readers_time() {
        let site = url::Url::parse("https://status.example.test").expect("url");
        let mut maintenance = incident(IncidentStatus::Planned);
        maintenance.severity = Severity::Maintenance;
        maintenance.end = Some(maintenance.start + jiff::SignedDuration::from_hours(2));
        let json = serde_json::to_string(&incident_message(&maintenance, None, &site).blocks)
            .expect("json");
        assert!(
            json.contains(
                "*Window:* <!date^1767225600^{date_short_pretty} {time}|2026-01-01 00:00 UTC> – \
                 <!date^1767232800^{date_short_pretty} {time}|2026-01-01 02:00 UTC>"
            ),
            "{json}"
        );
        maintenance.status = IncidentStatus::Confirmed;
        let message = incident_message(&maintenance, None, &site);
        assert_eq!(message.text.as_deref(), Some("*Maintenance in progress*"));
        let outage = incident_message(&incident(IncidentStatus::Confirmed), None, &site);
        assert!(
            !serde_json::to_string(&outage.blocks)
                .expect("json")
                .contains("Window")
        );
    }

    #[test]
    fn notes_show_times_in_each_readers_time_zone() {
        let at = jiff::Timestamp::from_second(1_767_225_600).expect("valid");
        let note = Note::MaintenanceExtended {
            by: "jdoe".into(),
            until: at,
        };
        assert_eq!(
            note_text(&note),
            "jdoe extended the maintenance until \
             <!date^1767225600^{date_short_pretty} {time}|2026-01-01 00:00 UTC>."
        );
    }
}

//! What the templates show, prepared from domain values: times already formatted, Markdown
//! already turned into safe HTML, icons chosen. Templates only lay it out.

use super::assets::Assets;
use super::icons::Icon;
use crate::domain::maintenance::Phase;
use crate::domain::{Incident, IncidentStatus, Severity};
use crate::logo::LogoName;
use crate::rich_text;
use crate::storage::incidents::IncidentUpdate;
use crate::storage::settings::{NotificationSettings, SiteSettings};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use url::Url;

/// The site-wide parts of every page: name, logo, links, theme.
#[derive(Clone, Debug)]
pub struct SiteView {
    pub name: String,
    /// `MONOSTAT_SITE_URL` without its trailing slash, for the absolute addresses that shared
    /// links and search engines need (canonical link, Open Graph): a path is appended to it.
    pub url: String,
    pub logo_url: Option<String>,
    pub support_email: String,
    pub support_phone: String,
    pub legal_url: String,
    pub privacy_url: String,
    pub allow_subscriptions: bool,
    pub style_url: String,
    pub script_url: String,
    pub favicon_url: String,
    pub theme_url: String,
    /// The theme's colours as CSS variables, served as its own stylesheet so that the pages
    /// need no inline style and the CSP can forbid it.
    pub theme_css: String,
}

impl SiteView {
    pub fn new(site: &SiteSettings, notifications: &NotificationSettings, url: &Url) -> Self {
        let assets = Assets::get();
        let theme_css = theme_css(site);
        let theme_url = format!(
            "/static/{}",
            Assets::hashed_name("theme", "css", &theme_css)
        );
        Self {
            name: site.system_name.clone(),
            url: url.as_str().trim_end_matches('/').to_owned(),
            logo_url: site
                .logo
                .as_deref()
                .and_then(LogoName::parse)
                .map(|logo| logo.url()),
            support_email: site.support_email.clone(),
            support_phone: site.support_phone.clone(),
            legal_url: site.legal_url.clone(),
            privacy_url: site.privacy_url.clone(),
            allow_subscriptions: notifications.allow_subscriptions,
            style_url: assets.url("style.css"),
            script_url: assets.url("time.js"),
            favicon_url: assets.url("favicon.svg"),
            theme_url,
            theme_css,
        }
    }

    /// The stored logo's name (see `storage::media`), when there is one.
    pub fn logo_name(&self) -> Option<LogoName> {
        LogoName::from_url(self.logo_url.as_deref()?)
    }

    /// `tel:` link target: the number without spaces and punctuation people write in it.
    pub fn phone_link(&self) -> String {
        self.support_phone
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect()
    }
}

fn theme_css(site: &SiteSettings) -> String {
    let c = &site.colors;
    let vars = [
        ("primary", &c.primary),
        ("link", &c.link),
        ("success", &c.success),
        ("warning", &c.warning),
        ("danger", &c.danger),
        ("info", &c.info),
        ("text", &c.primary_text),
        ("secondary-text", &c.secondary_text),
        ("background", &c.background),
    ];
    let mut css = String::from(":root {\n");
    for (name, value) in vars {
        // Colours come from the admin's settings; anything that is not a plain colour value is
        // left out rather than allowed to break out of the declaration.
        if value
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "#(),.% ".contains(ch))
        {
            css.push_str(&format!("  --{name}: {value};\n"));
        }
    }
    css.push_str("}\n");
    css
}

/// A moment as the page shows it: machine-readable UTC for `<time datetime>` and the script,
/// readable text in the site's time zone for everyone else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeView {
    pub utc: String,
    pub text: String,
}

impl TimeView {
    pub fn new(t: Timestamp, tz: &TimeZone) -> Self {
        Self {
            utc: t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            text: t
                .to_zoned(tz.clone())
                .strftime("%-d %b %Y, %H:%M %Z")
                .to_string(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct IncidentView {
    pub id: i64,
    pub title: String,
    pub url: String,
    pub icon: Icon,
    pub status: &'static str,
    pub severity: &'static str,
    pub planned: bool,
    /// A cancelled maintenance: only its own page shows it (it is in no list), saying so.
    pub cancelled: bool,
    pub start: TimeView,
    pub end: Option<TimeView>,
    pub summary_html: Option<String>,
    /// A suspected incident nobody has described yet.
    pub awaiting_confirmation: bool,
    pub updates: Vec<UpdateView>,
}

#[derive(Clone, Debug)]
pub struct UpdateView {
    pub icon: Icon,
    pub status: Option<&'static str>,
    pub time: TimeView,
    pub message_html: Option<String>,
}

impl IncidentView {
    pub fn new(incident: &Incident, updates: &[IncidentUpdate], tz: &TimeZone) -> Self {
        let summary_html = incident
            .summary
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(rich_text::to_html);
        let cancelled = Phase::of(incident) == Some(Phase::Cancelled);
        Self {
            id: incident.id,
            title: incident.title.clone(),
            url: crate::links::incident_path(incident),
            icon: if cancelled {
                Icon::cancelled()
            } else {
                Icon::for_incident(incident.status, incident.severity)
            },
            cancelled,
            status: crate::domain::maintenance::status_label(incident),
            severity: incident.severity.label(),
            planned: incident.status == IncidentStatus::Planned,
            start: TimeView::new(incident.start, tz),
            end: incident.end.map(|end| TimeView::new(end, tz)),
            awaiting_confirmation: summary_html.is_none()
                && incident.status == IncidentStatus::Suspected,
            summary_html,
            updates: updates
                .iter()
                .map(|update| {
                    let mut view = UpdateView::new(update, incident.severity, tz);
                    // Cancelling dismissed it; readers are told the word they know.
                    if cancelled && update.new_status == Some(IncidentStatus::Dismissed) {
                        view.icon = Icon::cancelled();
                        view.status = Some(Phase::Cancelled.label());
                    }
                    view
                })
                .collect(),
        }
    }
}

impl UpdateView {
    fn new(update: &IncidentUpdate, severity: Severity, tz: &TimeZone) -> Self {
        Self {
            icon: update
                .new_status
                .map(|status| Icon::for_incident(status, severity))
                .unwrap_or_else(Icon::note),
            status: update.new_status.map(IncidentStatus::label),
            time: TimeView::new(update.created, tz),
            message_html: update
                .message
                .as_deref()
                .filter(|m| !m.trim().is_empty())
                .map(rich_text::to_html),
        }
    }
}

//! What the templates show, prepared from domain values: times already formatted, Markdown
//! already turned into safe HTML, icons chosen. Templates only lay it out.

use super::assets::Assets;
use super::icons::Icon;
use crate::domain::maintenance::Phase;
use crate::domain::{Incident, IncidentStatus, Severity};
use crate::i18n::{self, Arg, Language};
use crate::logo::LogoName;
use crate::rich_text;
use crate::storage::incidents::IncidentUpdate;
use crate::storage::settings::{NotificationSettings, SiteSettings};
use jiff::Timestamp;
use jiff::tz::TimeZone;

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
    /// The language of the pages rendered with this view.
    pub lang: &'static Language,
    /// The site's own language: readers whose browser asks for none of `languages` get it.
    pub default_lang: &'static Language,
    /// The languages readers may get, the site's own among them; the switch lists them.
    pub languages: Vec<&'static Language>,
}

impl SiteView {
    /// `fallback_language` is the site's language while the admin has picked none
    /// (`MONOSTAT_LANGUAGE`).
    pub fn new(
        site: &SiteSettings,
        notifications: &NotificationSettings,
        fallback_language: &str,
        site_url: &url::Url,
    ) -> Self {
        let assets = Assets::get();
        let default_lang = i18n::get(&site.language)
            .or_else(|| i18n::get(fallback_language))
            .unwrap_or_else(i18n::english);
        let mut languages: Vec<&'static Language> = if site.languages.trim().is_empty() {
            i18n::all().iter().collect()
        } else {
            i18n::all()
                .iter()
                .filter(|language| {
                    site.languages
                        .split(',')
                        .any(|tag| tag.trim().eq_ignore_ascii_case(language.tag))
                })
                .collect()
        };
        if !languages.contains(&default_lang) {
            languages.insert(0, default_lang);
        }
        let theme_css = super::theme::css(&site.colors);
        let theme_url = format!(
            "/static/{}",
            Assets::hashed_name("theme", "css", &theme_css)
        );
        Self {
            name: site.system_name.clone(),
            url: site_url.as_str().trim_end_matches('/').to_owned(),
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
            lang: default_lang,
            default_lang,
            languages,
        }
    }

    /// The same site, its pages in `lang`.
    pub fn in_language(&self, lang: &'static Language) -> Self {
        Self {
            lang,
            ..self.clone()
        }
    }

    /// The language a request gets: the one it names (`?lang=`, or the cookie the switch
    /// sets), else its browser's choice among the site's languages, else the site's own.
    pub fn choose_language(
        &self,
        asked: Option<&str>,
        accept_language: Option<&str>,
    ) -> &'static Language {
        asked
            .and_then(i18n::get)
            .filter(|language| self.languages.contains(language))
            .or_else(|| accept_language.and_then(|header| i18n::negotiate(header, &self.languages)))
            .unwrap_or(self.default_lang)
    }

    /// Whether readers may pick among several languages.
    pub fn multilingual(&self) -> bool {
        self.languages.len() > 1
    }

    /// A fixed word of the page in its language.
    pub fn t(&self, id: &str) -> String {
        self.lang.t(id)
    }

    /// A fixed word of the page with one value: `{ $name }`.
    pub fn t1(&self, id: &str, name: &str, value: &str) -> String {
        self.lang.with(id, &[(name, Arg::Text(value))])
    }

    /// A fixed word with the system's name: `{ $system }`.
    pub fn ts(&self, id: &str) -> String {
        self.t1(id, "system", &self.name)
    }

    /// The status page's description for search engines and link previews.
    pub fn meta_status(&self, headline: &str) -> String {
        self.lang.with(
            "meta-status",
            &[
                ("headline", Arg::Text(headline)),
                ("system", Arg::Text(&self.name)),
            ],
        )
    }

    /// "Powered by monostat", the name a link.
    pub fn powered_by(&self) -> String {
        self.html(
            "powered-by",
            &[(
                "link",
                "<a href=\"https://github.com/pretix/monostat\">monostat</a>",
            )],
        )
    }

    /// A fixed sentence as HTML, around values that are HTML already.
    pub fn html(&self, id: &str, args: &[(&str, &str)]) -> String {
        self.lang.html(id, args)
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

/// A moment as the page shows it: machine-readable UTC for `<time datetime>` and the script,
/// readable text in the site's time zone for everyone else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeView {
    pub utc: String,
    pub text: String,
}

impl TimeView {
    pub fn new(t: Timestamp, tz: &TimeZone, lang: &Language) -> Self {
        Self {
            utc: t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            text: lang.date_time(&t.to_zoned(tz.clone())),
        }
    }
}

#[derive(Clone, Debug)]
pub struct IncidentView {
    pub id: i64,
    pub title: String,
    pub url: String,
    pub icon: Icon,
    pub status: String,
    pub severity: String,
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
    pub status: Option<String>,
    pub time: TimeView,
    pub message_html: Option<String>,
}

impl IncidentView {
    pub fn new(
        incident: &Incident,
        updates: &[IncidentUpdate],
        tz: &TimeZone,
        lang: &Language,
    ) -> Self {
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
                Icon::cancelled(lang)
            } else {
                Icon::for_incident(incident.status, incident.severity, lang)
            },
            cancelled,
            status: lang.state_of(incident),
            severity: lang.severity(incident.severity),
            planned: incident.status == IncidentStatus::Planned,
            start: TimeView::new(incident.start, tz, lang),
            end: incident.end.map(|end| TimeView::new(end, tz, lang)),
            awaiting_confirmation: summary_html.is_none()
                && incident.status == IncidentStatus::Suspected,
            summary_html,
            updates: updates
                .iter()
                .map(|update| {
                    let mut view = UpdateView::new(update, incident.severity, tz, lang);
                    // Cancelling dismissed it; readers are told the word they know.
                    if cancelled && update.new_status == Some(IncidentStatus::Dismissed) {
                        view.icon = Icon::cancelled(lang);
                        view.status = Some(lang.phase(Phase::Cancelled));
                    }
                    view
                })
                .collect(),
        }
    }
}

impl UpdateView {
    fn new(update: &IncidentUpdate, severity: Severity, tz: &TimeZone, lang: &Language) -> Self {
        Self {
            icon: update
                .new_status
                .map(|status| Icon::for_incident(status, severity, lang))
                .unwrap_or_else(|| Icon::note(lang)),
            status: update.new_status.map(|status| lang.status(status)),
            time: TimeView::new(update.created, tz, lang),
            message_html: update
                .message
                .as_deref()
                .filter(|m| !m.trim().is_empty())
                .map(rich_text::to_html),
        }
    }
}

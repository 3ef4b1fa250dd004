//! Turns what is stored into the public pages' bytes. The cached pages (status, history, feeds)
//! are rendered together into a [`Snapshot`]; incident and day pages are rendered per request.
//! Every page asks the database a fixed number of questions, however many incidents it shows.

use super::calendar::{self, MonthView};
use super::icons::Icon;
use super::rendered::Rendered;
use super::uptime::{self, Figures};
use super::views::{IncidentView, SiteView, TimeView};
use crate::domain::{Incident, IncidentStatus, OverallState, Severity};
use crate::i18n::Language;
use crate::storage::incidents::IncidentUpdate;
use crate::storage::{self, AnyConnection, Db, incidents, settings};
use askama::Template;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use sha2::Digest;
use std::sync::Arc;
use url::Url;

/// How far back "Recent incidents" on the status page reaches.
const RECENT: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);
/// How many incidents the feeds carry.
const FEED_LENGTH: i64 = 50;
/// How many of the newest dismissed incidents the snapshot knows, so that their addresses,
/// shared while they were suspicions, are answered from memory too.
const DISMISSED_REMEMBERED: i64 = 50;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Storage(#[from] storage::StorageError),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
}

impl From<sqlx::Error> for RenderError {
    fn from(e: sqlx::Error) -> Self {
        Self::Storage(e.into())
    }
}

/// Everything served from memory, rendered at one moment.
pub struct Snapshot {
    /// The site in its own language.
    pub site: Arc<SiteView>,
    pub theme: Rendered,
    /// The pages in every language readers may get, the site's own first.
    pub languages: Vec<LanguagePages>,
    /// `/maintenance.ics`: planned maintenance as an iCalendar feed.
    pub calendar: Rendered,
    /// The Statuspage-compatible API's bodies, by path below `/api/v2/`.
    pub api: std::collections::HashMap<&'static str, Rendered>,
    pub badge: Rendered,
    /// `/badge/uptime-{days}.svg`, by the window's days (`uptime::WINDOWS`).
    pub uptime_badges: Vec<(u32, Rendered)>,
    /// The logo (name, bytes), so that it is served from memory like the page that shows it.
    pub logo: Option<(String, bytes::Bytes)>,
    /// The newest dismissed incidents (not cancelled maintenance), by id with the day in their
    /// address: their address shows [`LanguagePages::closed`].
    pub dismissed: std::collections::HashMap<i64, Date>,
}

/// The pages of one language, rendered at one moment.
pub struct LanguagePages {
    /// The site in this language, for the pages rendered per request.
    pub site: Arc<SiteView>,
    pub status: Rendered,
    pub history: Rendered,
    pub rss: Rendered,
    pub atom: Rendered,
    /// `/feed/json`: the same items as JSON Feed 1.1.
    pub json_feed: Rendered,
    /// The pages of the incidents on the status page, by id with the day in their address:
    /// the ones mails and Slack link to, which everybody opens at once.
    pub incidents: std::collections::HashMap<i64, (Date, Rendered)>,
    /// What the address of every dismissed incident shows: the same page for all of them,
    /// since it says nothing of the incident.
    pub closed: Rendered,
}

impl Snapshot {
    /// The pages in `lang`, or in the site's own language if readers may not get `lang`.
    pub fn in_language(&self, lang: &Language) -> &LanguagePages {
        self.languages
            .iter()
            .find(|pages| pages.site.lang == lang)
            .unwrap_or(&self.languages[0])
    }
}

/// What the status page and the incident pages it links show, read once for every language.
struct Shown {
    incidents: Vec<Incident>,
    updates: std::collections::HashMap<i64, Vec<IncidentUpdate>>,
    state: OverallState,
}

/// What is at an incident's address (`/{day}/{id}`).
#[derive(Debug)]
pub enum IncidentPage {
    Page(String),
    /// The incident's start is on another day now: its path.
    Moved(String),
    /// A dismissed incident: "Incident closed" ([`LanguagePages::closed`]), as the original
    /// answered the link shared while it was a suspicion.
    Closed,
    /// No incident the public may see.
    Missing,
}

/// Every rendered page of the public site at one moment, for the static mirror
/// ([`Renderer::site_pages`]).
pub struct SitePages {
    pub site: SiteView,
    /// By the path the server serves it at (`/`, `/history`, `/2026-01-31/7`, …).
    pub pages: Vec<(String, String)>,
    /// The logo's content, when the site has one.
    pub logo: Option<Vec<u8>>,
}

#[derive(Clone)]
pub struct Renderer {
    db: Db,
    tz: TimeZone,
    site_url: Url,
    /// The site's language while the admin has picked none (`MONOSTAT_LANGUAGE`).
    language: &'static str,
}

#[derive(Template)]
#[template(path = "public/status.html")]
struct StatusTemplate<'a> {
    site: &'a SiteView,
    nav: &'a str,
    path: &'a str,
    state: OverallState,
    headline: String,
    state_icon: Icon,
    current: Vec<IncidentView>,
    recent: Vec<IncidentView>,
    planned: Vec<IncidentView>,
    /// The uptime windows, as the page lists them.
    uptime: Vec<String>,
    generated: TimeView,
}

impl StatusTemplate<'_> {
    /// "Contact us at …": the address, the number, or both, as links.
    fn contact_html(&self) -> String {
        use crate::i18n::escape_html;
        let site = self.site;
        let email = (!site.support_email.is_empty()).then(|| {
            let email = escape_html(&site.support_email);
            format!("<a href=\"mailto:{email}\">{email}</a>")
        });
        let phone = (!site.support_phone.is_empty()).then(|| {
            format!(
                "<a href=\"tel:{}\">{}</a>",
                escape_html(&site.phone_link()),
                escape_html(&site.support_phone)
            )
        });
        let contact = match (email, phone) {
            (Some(email), Some(phone)) => {
                site.html("contact-or", &[("email", &email), ("phone", &phone)])
            }
            (Some(one), None) | (None, Some(one)) => one,
            (None, None) => return String::new(),
        };
        site.html("state-up-contact", &[("contact", &contact)])
    }

    fn calendar_line(&self) -> String {
        let link = format!(
            "<a href=\"/maintenance.ics\">{}</a>",
            crate::i18n::escape_html(&self.site.t("calendar-add"))
        );
        self.site.html("calendar-add-line", &[("link", &link)])
    }

    fn last_updated(&self) -> String {
        let time = format!(
            "<time datetime=\"{}\" data-relative>{}</time>",
            self.generated.utc,
            crate::i18n::escape_html(&self.generated.text)
        );
        self.site.html("last-updated", &[("time", &time)])
    }
}

#[derive(Template)]
#[template(path = "public/history.html")]
struct HistoryTemplate<'a> {
    site: &'a SiteView,
    nav: &'a str,
    path: &'a str,
    legend: Vec<(&'static str, String)>,
    months: Vec<MonthView>,
}

#[derive(Template)]
#[template(path = "public/day.html")]
struct DayTemplate<'a> {
    site: &'a SiteView,
    nav: &'a str,
    path: &'a str,
    day: Date,
    day_text: String,
    incidents: Vec<IncidentView>,
}

#[derive(Template)]
#[template(path = "public/incident_page.html")]
struct IncidentTemplate<'a> {
    site: &'a SiteView,
    nav: &'a str,
    path: &'a str,
    day: Date,
    day_text: String,
    incident: IncidentView,
}

impl IncidentTemplate<'_> {
    fn everything_on(&self) -> String {
        let day = format!(
            "<time datetime=\"{}\" data-date-only>{}</time>",
            self.day,
            crate::i18n::escape_html(&self.day_text)
        );
        self.site.html("everything-on", &[("day", &day)])
    }
}

/// A dismissed incident's address. Nothing of the incident: neither its title nor its text
/// was meant for the public, and one body serves every such address.
#[derive(Template)]
#[template(path = "public/closed.html")]
struct ClosedTemplate<'a> {
    site: &'a SiteView,
    nav: &'a str,
    /// Empty: the page is not one address's. The language switch links `?lang=…`, relative to
    /// whichever address shows it.
    path: &'a str,
    icon: Icon,
}

#[derive(Template)]
#[template(path = "public/error.html")]
struct ErrorTemplate<'a> {
    site: &'a SiteView,
    nav: &'a str,
    path: &'a str,
    title: &'a str,
    message: &'a str,
}

/// The feeds' bodies, rendered together from the same items.
struct Feeds {
    rss: String,
    atom: String,
    json: String,
}

struct FeedItem {
    title: String,
    link: String,
    published_rfc2822: String,
    published_rfc3339: String,
    updated_rfc3339: String,
    /// Escaped once more by the template: feeds carry HTML as text.
    content_html: String,
}

#[derive(Template)]
#[template(path = "public/rss.xml")]
struct RssTemplate<'a> {
    lang: &'a str,
    description: String,
    title: String,
    site_url: &'a str,
    self_url: String,
    updated_rfc2822: String,
    items: &'a [FeedItem],
}

#[derive(Template)]
#[template(path = "public/atom.xml")]
struct AtomTemplate<'a> {
    lang: &'a str,
    title: String,
    system_name: &'a str,
    site_url: &'a str,
    self_url: String,
    updated_rfc3339: String,
    items: &'a [FeedItem],
}

const HTML: &str = "text/html; charset=utf-8";
/// JSON Feed's own media type (its charset is always UTF-8).
const JSON_FEED: &str = "application/feed+json";
const CALENDAR: &str = "text/calendar; charset=utf-8";

impl Renderer {
    pub fn new(db: Db, tz: TimeZone, site_url: Url) -> Self {
        Self {
            db,
            tz,
            site_url,
            language: crate::i18n::DEFAULT,
        }
    }

    /// The site's language while the admin has picked none (`MONOSTAT_LANGUAGE`).
    pub fn with_language(mut self, tag: &'static str) -> Self {
        self.language = tag;
        self
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    pub fn site_url(&self) -> &Url {
        &self.site_url
    }

    pub async fn snapshot(&self, now: Timestamp) -> Result<Snapshot, RenderError> {
        let mut conn = self.db.acquire().await?;
        let site = Arc::new(self.site(&mut conn).await?);
        let uptime = self.uptime(&mut conn, now).await?;
        let shown = self.shown(&mut conn, now).await?;
        let marks = self.history_marks(&mut conn, now).await?;
        let published = incidents::latest_published(&mut conn, FEED_LENGTH).await?;
        let (calendar, _) = self.maintenance_calendar(&mut conn, &site, now).await?;
        let (api, state) = self.api(&mut conn, &site, &uptime, now).await?;
        let dismissed = dismissed_addresses(&mut conn).await?;
        let api = api
            .into_iter()
            .map(|(path, body)| (path, Rendered::new("application/json", body)))
            .collect();
        let logo = match site.logo_name() {
            Some(name) => crate::storage::media::get(&mut conn, name.as_str())
                .await?
                .map(|content| (name.as_str().to_owned(), bytes::Bytes::from(content))),
            None => None,
        };
        drop(conn);
        // Every language from what was read once: the same moment in each.
        let languages = site
            .languages
            .iter()
            .map(|lang| {
                let site = Arc::new(site.in_language(lang));
                let Feeds { rss, atom, json } = self.feeds(&site, &published, now)?;
                Ok(LanguagePages {
                    json_feed: Rendered::new(JSON_FEED, json),
                    status: Rendered::new(HTML, self.status_html(&site, &shown, &uptime, now)?),
                    history: Rendered::new(HTML, self.history_html(&site, &marks, &uptime, now)?),
                    rss: Rendered::new("application/rss+xml; charset=utf-8", rss),
                    atom: Rendered::new("application/atom+xml; charset=utf-8", atom),
                    incidents: self.shown_incident_pages(&site, &shown)?,
                    closed: Rendered::new(HTML, closed_html(&site)?),
                    site,
                })
            })
            .collect::<Result<Vec<_>, RenderError>>()?;
        Ok(Snapshot {
            languages,
            logo,
            dismissed,
            api,
            badge: Rendered::new("image/svg+xml", super::badge::svg(&site.name, state)),
            uptime_badges: uptime_badges(&site, &uptime)
                .into_iter()
                .map(|(days, svg)| (days, Rendered::new("image/svg+xml", svg)))
                .collect(),
            theme: Rendered::new("text/css; charset=utf-8", site.theme_css.clone()),
            site,
            calendar: Rendered::new(CALENDAR, calendar),
        })
    }

    async fn api(
        &self,
        conn: &mut AnyConnection,
        site: &SiteView,
        uptime: &Figures,
        now: Timestamp,
    ) -> Result<(Vec<(&'static str, String)>, OverallState), RenderError> {
        use super::statuspage;
        let shown = incidents::for_status_page(conn, now - RECENT).await?;
        let state = OverallState::of(shown.iter().map(|i| (i.status, i.severity)));
        // The latest ones, and whatever is still open or planned however long ago it began.
        let mut listed = incidents::latest_public(conn, statuspage::LIST_LENGTH as i64).await?;
        for incident in shown {
            if !listed.iter().any(|i| i.id == incident.id) {
                listed.push(incident);
            }
        }
        listed.sort_by(|a, b| b.start.cmp(&a.start).then(b.id.cmp(&a.id)));
        let ids: Vec<i64> = listed.iter().map(|i| i.id).collect();
        let updates = incidents::updates_of(conn, &ids).await?;
        let url = self.site_url.as_str();
        let id: String = sha2::Sha256::digest(url.as_bytes())[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let page = statuspage::Page {
            id,
            name: &site.name,
            url,
            tz: &self.tz,
            now,
        };
        let mut bodies = statuspage::render(&page, state, &listed, &updates);
        bodies.push(("uptime.json", statuspage::uptime(&page, uptime)));
        Ok((bodies, state))
    }

    /// The uptime figures at `now` (see `super::uptime`), from one query reaching back to the
    /// history's first day or the longest window's, whichever is earlier.
    async fn uptime(
        &self,
        conn: &mut AnyConnection,
        now: Timestamp,
    ) -> Result<Figures, RenderError> {
        let today = now.to_zoned(self.tz.clone()).date();
        let longest = uptime::WINDOWS.iter().copied().max().unwrap_or(1);
        let window_first = today
            .checked_sub(jiff::Span::new().days(i64::from(longest) - 1))
            .unwrap_or(today);
        let first = calendar::first_day(today).min(window_first);
        let from = self.start_of_day(first)?;
        let counting = incidents::counting_toward_uptime(conn, from, now).await?;
        Ok(Figures {
            days: crate::domain::uptime::Days::measure(&counting, &self.tz, first, now),
        })
    }

    /// `/maintenance.ics`, and the maintenance it carries.
    async fn maintenance_calendar(
        &self,
        conn: &mut AnyConnection,
        site: &SiteView,
        now: Timestamp,
    ) -> Result<(String, Vec<Incident>), RenderError> {
        let since = now
            .checked_sub(crate::ical::KEPT_AFTER_END)
            .unwrap_or(Timestamp::MIN);
        let mut shown = incidents::maintenance_calendar(conn, since).await?;
        shown.retain(|incident| crate::ical::in_feed(incident, now));
        let events: Vec<crate::ical::Event> = shown
            .iter()
            .filter_map(|incident| {
                crate::ical::Event::of_maintenance(incident, &self.site_url, &site.name)
            })
            .collect();
        let name = format!("{} maintenance", site.name);
        Ok((crate::ical::calendar(&name, &events), shown))
    }

    pub async fn site(&self, conn: &mut AnyConnection) -> Result<SiteView, RenderError> {
        let site = settings::site(conn).await?;
        let notifications = settings::notifications(conn).await?;
        Ok(SiteView::new(
            &site,
            &notifications,
            self.language,
            &self.site_url,
        ))
    }

    async fn views(
        &self,
        conn: &mut AnyConnection,
        list: &[Incident],
        lang: &Language,
    ) -> Result<Vec<IncidentView>, RenderError> {
        let ids: Vec<i64> = list.iter().map(|i| i.id).collect();
        let updates = incidents::updates_of(conn, &ids).await?;
        Ok(self.views_of(list, &updates, lang))
    }

    fn views_of(
        &self,
        list: &[Incident],
        updates: &std::collections::HashMap<i64, Vec<IncidentUpdate>>,
        lang: &Language,
    ) -> Vec<IncidentView> {
        list.iter()
            .map(|incident| {
                let none = Vec::new();
                let its = updates.get(&incident.id).unwrap_or(&none);
                IncidentView::new(incident, its, &self.tz, lang)
            })
            .collect()
    }

    async fn shown(&self, conn: &mut AnyConnection, now: Timestamp) -> Result<Shown, RenderError> {
        let incidents = incidents::for_status_page(conn, now - RECENT).await?;
        let state = OverallState::of(incidents.iter().map(|i| (i.status, i.severity)));
        let ids: Vec<i64> = incidents.iter().map(|i| i.id).collect();
        let updates = incidents::updates_of(conn, &ids).await?;
        Ok(Shown {
            incidents,
            updates,
            state,
        })
    }

    async fn status_page(
        &self,
        conn: &mut AnyConnection,
        site: &SiteView,
        uptime: &Figures,
        now: Timestamp,
    ) -> Result<String, RenderError> {
        let shown = self.shown(conn, now).await?;
        self.status_html(site, &shown, uptime, now)
    }

    fn status_html(
        &self,
        site: &SiteView,
        shown: &Shown,
        uptime: &Figures,
        now: Timestamp,
    ) -> Result<String, RenderError> {
        let state = shown.state;
        let mut views = self
            .views_of(&shown.incidents, &shown.updates, site.lang)
            .into_iter();
        let (mut current, mut recent, mut planned) = (Vec::new(), Vec::new(), Vec::new());
        for incident in &shown.incidents {
            let Some(view) = views.next() else { break };
            match incident.status {
                IncidentStatus::Planned => planned.push(view),
                IncidentStatus::Resolved => recent.push(view),
                status if status.is_current() => current.push(view),
                _ => {}
            }
        }
        // Newest first for what has happened; planned maintenance stays earliest first.
        current.reverse();
        recent.reverse();
        Ok(StatusTemplate {
            site,
            nav: "status",
            path: "/",
            state,
            headline: site.lang.headline(state, &site.name),
            state_icon: Icon::for_state(state, site.lang),
            current,
            recent,
            planned,
            uptime: uptime.windows(site.lang),
            generated: TimeView::new(now, &self.tz, site.lang),
        }
        .render()?)
    }

    /// The worst severity of every day of the history's months.
    async fn history_marks(
        &self,
        conn: &mut AnyConnection,
        now: Timestamp,
    ) -> Result<std::collections::HashMap<Date, Severity>, RenderError> {
        let today = now.to_zoned(self.tz.clone()).date();
        let first = calendar::first_day(today);
        let from = self.start_of_day(first)?;
        let touching = incidents::public_between(conn, from, now).await?;
        Ok(calendar::worst_by_day(
            &touching, &self.tz, first, today, now,
        ))
    }

    async fn history_page(
        &self,
        conn: &mut AnyConnection,
        site: &SiteView,
        uptime: &Figures,
        now: Timestamp,
    ) -> Result<String, RenderError> {
        let marks = self.history_marks(conn, now).await?;
        self.history_html(site, &marks, uptime, now)
    }

    fn history_html(
        &self,
        site: &SiteView,
        marks: &std::collections::HashMap<Date, Severity>,
        uptime: &Figures,
        now: Timestamp,
    ) -> Result<String, RenderError> {
        let today = now.to_zoned(self.tz.clone()).date();
        let mut legend: Vec<(&'static str, String)> = Severity::ALL
            .iter()
            .rev()
            .map(|s| (calendar::severity_class(*s), site.lang.severity(*s)))
            .collect();
        legend.push(("sev-none", site.t("no-incidents")));
        Ok(HistoryTemplate {
            site,
            nav: "history",
            path: "/history",
            legend,
            months: calendar::months(today, marks, uptime, site.lang),
        }
        .render()?)
    }

    fn start_of_day(&self, day: Date) -> Result<Timestamp, RenderError> {
        day.to_zoned(self.tz.clone())
            .map(|z| z.timestamp())
            .map_err(|e| RenderError::Template(askama::Error::custom(e)))
    }

    /// Where `day` begins and the next one does, in the site's time zone; `None` at the end of
    /// time (9999-12-31, or the day before in a zone whose next midnight lies past the last
    /// instant a timestamp can name), which has no page.
    fn day_bounds(&self, day: Date) -> Option<(Timestamp, Timestamp)> {
        let start = |day: Date| self.start_of_day(day).ok();
        Some((start(day)?, start(day.tomorrow().ok()?)?))
    }

    /// The incident page of `id` at `day`. An incident whose start has moved to another day
    /// (postponed, rescheduled, started early) since a link was sent is [`IncidentPage::Moved`]
    /// to its address now, so that links in mails and calendars keep working.
    pub async fn incident_page(
        &self,
        site: &SiteView,
        day: Date,
        id: i64,
    ) -> Result<IncidentPage, RenderError> {
        let mut conn = self.db.acquire().await?;
        let Some(incident) = incidents::get(&mut conn, id).await? else {
            return Ok(IncidentPage::Missing);
        };
        let its_day = incident.start.to_zoned(TimeZone::UTC).date();
        // A cancelled maintenance is in no list, but the calendar and the mails link its page.
        // Any other incident off the page (a dismissed suspicion) says only that it was closed,
        // and only at its own address, as the original did: a redirect from any other day
        // would tell anybody counting through the ids the day of every false alarm.
        if is_closed(&incident) {
            return Ok(if its_day == day {
                IncidentPage::Closed
            } else {
                IncidentPage::Missing
            });
        }
        if its_day != day {
            return Ok(IncidentPage::Moved(crate::links::incident_path(&incident)));
        }
        let view = self
            .views(&mut conn, std::slice::from_ref(&incident), site.lang)
            .await?
            .into_iter()
            .next();
        let Some(incident) = view else {
            return Ok(IncidentPage::Missing);
        };
        Ok(IncidentPage::Page(incident_html(site, day, incident)?))
    }

    /// The incident pages of every incident the status page shows.
    fn shown_incident_pages(
        &self,
        site: &SiteView,
        shown: &Shown,
    ) -> Result<std::collections::HashMap<i64, (Date, Rendered)>, RenderError> {
        let views = self.views_of(&shown.incidents, &shown.updates, site.lang);
        let mut pages = std::collections::HashMap::with_capacity(shown.incidents.len());
        for (incident, view) in shown.incidents.iter().zip(views) {
            // The day in an incident's address is its start's in UTC (see `incident_page`).
            let day = incident.start.to_zoned(TimeZone::UTC).date();
            let html = incident_html(site, day, view)?;
            pages.insert(incident.id, (day, Rendered::new(HTML, html)));
        }
        Ok(pages)
    }

    /// The incidents touching `day` in the site's time zone, oldest first; `None` for a day
    /// without bounds (see `day_bounds`).
    pub async fn day_page(
        &self,
        site: &SiteView,
        day: Date,
    ) -> Result<Option<String>, RenderError> {
        let Some((from, to)) = self.day_bounds(day) else {
            return Ok(None);
        };
        let mut conn = self.db.acquire().await?;
        let touching = incidents::public_between(&mut conn, from, to).await?;
        let incidents = self.views(&mut conn, &touching, site.lang).await?;
        day_html(site, day, incidents).map(Some)
    }

    /// The whole public site at `now` as the static mirror holds it, by the path the server
    /// serves each page at: what [`Renderer::snapshot`] holds, the day pages of the history's
    /// twelve months (and the day on either side, which incident pages may link in another time
    /// zone), the incident pages linked from any of them or from the status page, and the days
    /// ahead that planned maintenance links. All read on one connection, so the pages agree with
    /// each other. Without the subscription link: the mirror cannot take subscriptions.
    pub async fn site_pages(&self, now: Timestamp) -> Result<SitePages, RenderError> {
        let mut conn = self.db.acquire().await?;
        let mut site = self.site(&mut conn).await?;
        site.allow_subscriptions = false;
        // Static files have one version per address: the site's own language, without the
        // switch, whose `?lang=` links a static server would answer with the same page.
        site.languages = vec![site.default_lang];
        let uptime = self.uptime(&mut conn, now).await?;
        let mut pages = vec![
            (
                "/".to_owned(),
                self.status_page(&mut conn, &site, &uptime, now).await?,
            ),
            (
                "/history".to_owned(),
                self.history_page(&mut conn, &site, &uptime, now).await?,
            ),
        ];
        let published = incidents::latest_published(&mut conn, FEED_LENGTH).await?;
        let Feeds { rss, atom, json } = self.feeds(&site, &published, now)?;
        pages.push(("/feed/rss".to_owned(), rss));
        pages.push(("/feed/atom".to_owned(), atom));
        pages.push(("/feed/json".to_owned(), json));
        let (calendar, in_calendar) = self.maintenance_calendar(&mut conn, &site, now).await?;
        pages.push(("/maintenance.ics".to_owned(), calendar));
        let (api, state) = self.api(&mut conn, &site, &uptime, now).await?;
        pages.extend(
            api.into_iter()
                .map(|(path, body)| (format!("/api/v2/{path}"), body)),
        );
        pages.push((
            "/badge.svg".to_owned(),
            super::badge::svg(&site.name, state),
        ));
        pages.extend(
            uptime_badges(&site, &uptime)
                .into_iter()
                .map(|(days, svg)| (uptime_badge_path(days), svg)),
        );
        pages.push((site.theme_url.clone(), site.theme_css.clone()));

        let today = now.to_zoned(self.tz.clone()).date();
        let first = calendar::first_day(today);
        let first = first.yesterday().unwrap_or(first);
        let last = today.tomorrow().unwrap_or(today);
        let (Some((from, _)), Some((_, until))) = (self.day_bounds(first), self.day_bounds(last))
        else {
            return Err(RenderError::Template(askama::Error::custom(format!(
                "the days around {today} have no bounds in the site's time zone"
            ))));
        };
        let mut linked = incidents::public_between(&mut conn, from, until).await?;
        // Planned maintenance further ahead is on the status page too.
        for incident in incidents::for_status_page(&mut conn, now - RECENT).await? {
            if !linked.iter().any(|i| i.id == incident.id) {
                linked.push(incident);
            }
        }
        // The calendar links cancelled maintenance too, whose pages only the calendar links.
        let cancelled: Vec<Incident> = in_calendar
            .into_iter()
            .filter(|i| !i.status.is_public())
            .collect();
        let cancelled_views = self.views(&mut conn, &cancelled, site.lang).await?;
        let views = self.views(&mut conn, &linked, site.lang).await?;
        let closed = dismissed_since(&mut conn, from).await?;
        let logo = match site.logo_name() {
            Some(name) => crate::storage::media::get(&mut conn, name.as_str()).await?,
            None => None,
        };
        drop(conn);
        let start_days: std::collections::BTreeSet<Date> = linked
            .iter()
            .map(|i| i.start.to_zoned(TimeZone::UTC).date())
            .filter(|day| *day > last)
            .collect();
        let days = first
            .series(jiff::ToSpan::day(1))
            .take_while(|d| *d <= last)
            .chain(start_days);
        for day in days {
            // Planned maintenance in the last days of 9999 has an incident page, but its day
            // has none.
            let Some((from, to)) = self.day_bounds(day) else {
                continue;
            };
            // As `incidents::public_between` selects them for one day: every incident touching
            // a day up to the future ones is among the linked.
            let shown = linked
                .iter()
                .zip(&views)
                .filter(|(i, _)| i.start < to && i.end.is_none_or(|end| end >= from))
                .map(|(_, view)| view.clone())
                .collect();
            pages.push((format!("/{day}"), day_html(&site, day, shown)?));
        }
        for (incident, view) in linked
            .iter()
            .zip(views)
            .chain(cancelled.iter().zip(cancelled_views))
        {
            let day = incident.start.to_zoned(TimeZone::UTC).date();
            pages.push((
                crate::links::incident_path(incident),
                incident_html(&site, day, view)?,
            ));
        }
        // The addresses of the history's false alarms, shared while they were suspicions.
        if !closed.is_empty() {
            let body = closed_html(&site)?;
            pages.extend(
                closed
                    .iter()
                    .map(|incident| (crate::links::incident_path(incident), body.clone())),
            );
        }
        Ok(SitePages { site, pages, logo })
    }

    fn feeds(
        &self,
        site: &SiteView,
        published: &[Incident],
        now: Timestamp,
    ) -> Result<Feeds, RenderError> {
        let base = self.site_url.as_str().trim_end_matches('/');
        let items: Vec<FeedItem> = published
            .iter()
            .map(|incident| FeedItem {
                title: format!(
                    "[{}] {}",
                    site.lang.severity(incident.severity),
                    incident.title
                ),
                link: crate::links::incident_public(&self.site_url, incident),
                published_rfc2822: rfc2822(incident.start),
                published_rfc3339: rfc3339(incident.start),
                updated_rfc3339: rfc3339(incident.updated.max(incident.start)),
                content_html: feed_content(incident, site.lang),
            })
            .collect();
        let updated = published
            .iter()
            .map(|i| i.updated.max(i.start))
            .max()
            .unwrap_or(now);
        let title = site.ts("site-status");
        let rss = RssTemplate {
            lang: site.lang.tag,
            description: site.ts("feed-description"),
            title: title.clone(),
            site_url: base,
            self_url: format!("{base}/feed/rss"),
            updated_rfc2822: rfc2822(updated),
            items: &items,
        }
        .render()?;
        let atom = AtomTemplate {
            lang: site.lang.tag,
            title: title.clone(),
            system_name: &site.name,
            site_url: base,
            self_url: format!("{base}/feed/atom"),
            updated_rfc3339: rfc3339(updated),
            items: &items,
        }
        .render()?;
        let json = json_feed(site, &title, base, &items);
        Ok(Feeds { rss, atom, json })
    }
}

/// The uptime badges, by the window's days.
fn uptime_badges(site: &SiteView, uptime: &Figures) -> Vec<(u32, String)> {
    uptime::WINDOWS
        .iter()
        .map(|&days| {
            let percent = uptime.window(days).percent();
            (days, super::badge::uptime_svg(&site.name, days, percent))
        })
        .collect()
}

/// Where the uptime badge of a window is served.
pub fn uptime_badge_path(days: u32) -> String {
    format!("/badge/uptime-{days}.svg")
}

fn day_html(
    site: &SiteView,
    day: Date,
    incidents: Vec<IncidentView>,
) -> Result<String, RenderError> {
    Ok(DayTemplate {
        site,
        nav: "history",
        path: &format!("/{day}"),
        day,
        day_text: site.lang.date_long(day),
        incidents,
    }
    .render()?)
}

fn closed_html(site: &SiteView) -> Result<String, RenderError> {
    Ok(ClosedTemplate {
        site,
        nav: "",
        path: "",
        icon: Icon::new(
            super::icons::Shape::Check,
            super::icons::Tone::Muted,
            &site.t("incident-closed-title"),
        ),
    }
    .render()?)
}

/// Dismissed, and not a cancelled maintenance (which keeps its own page, for the calendar and
/// the mails that link it).
fn is_closed(incident: &Incident) -> bool {
    !incident.status.is_public()
        && crate::domain::maintenance::Phase::of(incident)
            != Some(crate::domain::maintenance::Phase::Cancelled)
}

/// The day in the address of each of the newest dismissed incidents (see [`is_closed`]).
async fn dismissed_addresses(
    conn: &mut AnyConnection,
) -> Result<std::collections::HashMap<i64, Date>, RenderError> {
    let newest = incidents::list(
        conn,
        Some(IncidentStatus::Dismissed),
        None,
        DISMISSED_REMEMBERED,
        0,
    )
    .await?;
    Ok(newest
        .iter()
        .filter(|incident| is_closed(incident))
        .map(|incident| (incident.id, incident.start.to_zoned(TimeZone::UTC).date()))
        .collect())
}

/// The dismissed incidents (see [`is_closed`]) that started at `from` or later.
async fn dismissed_since(
    conn: &mut AnyConnection,
    from: Timestamp,
) -> Result<Vec<Incident>, RenderError> {
    const BATCH: i64 = 500;
    let mut found = Vec::new();
    let mut offset = 0;
    loop {
        // Newest start first: the first one before `from` ends the search.
        let batch =
            incidents::list(conn, Some(IncidentStatus::Dismissed), None, BATCH, offset).await?;
        let last = batch.len() < BATCH as usize || batch.iter().any(|i| i.start < from);
        found.extend(
            batch
                .into_iter()
                .filter(|incident| incident.start >= from && is_closed(incident)),
        );
        if last {
            return Ok(found);
        }
        offset += BATCH;
    }
}

fn incident_html(
    site: &SiteView,
    day: Date,
    incident: IncidentView,
) -> Result<String, RenderError> {
    Ok(IncidentTemplate {
        site,
        nav: "",
        path: &incident.url.clone(),
        day,
        day_text: site.lang.date_long(day),
        incident,
    }
    .render()?)
}

/// Error pages in the site's look.
impl crate::web::page::Look for SiteView {
    fn error_page(&self, title: &str, message: &str) -> String {
        error_page(self, title, message)
    }
}

impl From<RenderError> for crate::web::page::PageError {
    #[track_caller]
    fn from(e: RenderError) -> Self {
        match e {
            RenderError::Storage(e) => Self::from(e),
            RenderError::Template(e) => Self::from(e),
        }
    }
}

/// A friendly error page in the site's style.
pub fn error_page(site: &SiteView, title: &str, message: &str) -> String {
    ErrorTemplate {
        site,
        nav: "",
        path: "/",
        title,
        message,
    }
    .render()
    .unwrap_or_else(|_| format!("<!doctype html><title>{title}</title><h1>{title}</h1>"))
}

fn feed_content(incident: &Incident, lang: &Language) -> String {
    let mut html = format!(
        "<p><strong>{}</strong> · {}</p>",
        crate::i18n::escape_html(&lang.severity(incident.severity)),
        crate::i18n::escape_html(&lang.state_of(incident))
    );
    if let Some(summary) = incident.summary.as_deref().filter(|s| !s.trim().is_empty()) {
        html.push_str(&crate::rich_text::to_html(summary));
    }
    html
}

/// JSON Feed 1.1 (<https://jsonfeed.org/version/1.1>) of the items the RSS and Atom feeds carry,
/// with the same ids as Atom's entries so that a reader moving between them sees no duplicates.
fn json_feed(site: &SiteView, title: &str, base: &str, items: &[FeedItem]) -> String {
    #[derive(serde::Serialize)]
    struct Feed<'a> {
        version: &'static str,
        title: &'a str,
        home_page_url: String,
        feed_url: String,
        description: String,
        language: &'a str,
        authors: [Author<'a>; 1],
        items: Vec<Item<'a>>,
    }
    #[derive(serde::Serialize)]
    struct Author<'a> {
        name: &'a str,
    }
    #[derive(serde::Serialize)]
    struct Item<'a> {
        id: &'a str,
        url: &'a str,
        title: &'a str,
        content_html: &'a str,
        date_published: &'a str,
        date_modified: &'a str,
    }
    let feed = Feed {
        version: "https://jsonfeed.org/version/1.1",
        title,
        home_page_url: format!("{base}/"),
        feed_url: format!("{base}/feed/json"),
        // As the RSS feed's channel describes itself.
        description: site.ts("feed-description"),
        language: site.lang.tag,
        authors: [Author { name: &site.name }],
        items: items
            .iter()
            .map(|item| Item {
                id: &item.link,
                url: &item.link,
                title: &item.title,
                content_html: &item.content_html,
                date_published: &item.published_rfc3339,
                date_modified: &item.updated_rfc3339,
            })
            .collect(),
    };
    // Strings and plain structs: serialising cannot fail.
    serde_json::to_string(&feed).unwrap_or_default()
}

fn rfc2822(t: Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

//! Turns what is stored into the public pages' bytes. The cached pages (status, history, feeds)
//! are rendered together into a [`Snapshot`]; incident and day pages are rendered per request.
//! Every page asks the database a fixed number of questions, however many incidents it shows.

use super::calendar::{self, MonthView};
use super::icons::Icon;
use super::rendered::Rendered;
use super::views::{IncidentView, SiteView, TimeView};
use crate::domain::{Incident, IncidentStatus, OverallState, Severity};
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
    pub site: Arc<SiteView>,
    pub theme: Rendered,
    pub status: Rendered,
    pub history: Rendered,
    pub rss: Rendered,
    pub atom: Rendered,
    /// `/feed/json`: the same items as JSON Feed 1.1.
    pub json_feed: Rendered,
    /// `/maintenance.ics`: planned maintenance as an iCalendar feed.
    pub calendar: Rendered,
    /// The Statuspage-compatible API's bodies, by path below `/api/v2/`.
    pub api: std::collections::HashMap<&'static str, Rendered>,
    pub badge: Rendered,
    /// The logo (name, bytes), so that it is served from memory like the page that shows it.
    pub logo: Option<(String, bytes::Bytes)>,
    /// The pages of the incidents on the status page, by id with the day in their address:
    /// the ones mails and Slack link to, which everybody opens at once.
    pub incidents: std::collections::HashMap<i64, (Date, Rendered)>,
}

/// What is at an incident's address (`/{day}/{id}`).
#[derive(Debug)]
pub enum IncidentPage {
    Page(String),
    /// The incident's start is on another day now: its path.
    Moved(String),
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
}

#[derive(Template)]
#[template(path = "public/status.html")]
struct StatusTemplate<'a> {
    site: &'a SiteView,
    nav: &'a str,
    state: OverallState,
    headline: String,
    state_icon: Icon,
    current: Vec<IncidentView>,
    recent: Vec<IncidentView>,
    planned: Vec<IncidentView>,
    generated: TimeView,
}

#[derive(Template)]
#[template(path = "public/history.html")]
struct HistoryTemplate<'a> {
    site: &'a SiteView,
    nav: &'a str,
    legend: Vec<(&'static str, &'static str)>,
    months: Vec<MonthView>,
}

#[derive(Template)]
#[template(path = "public/day.html")]
struct DayTemplate<'a> {
    site: &'a SiteView,
    nav: &'a str,
    day: Date,
    day_text: String,
    incidents: Vec<IncidentView>,
}

#[derive(Template)]
#[template(path = "public/incident_page.html")]
struct IncidentTemplate<'a> {
    site: &'a SiteView,
    nav: &'a str,
    day: Date,
    day_text: String,
    incident: IncidentView,
}

#[derive(Template)]
#[template(path = "public/error.html")]
struct ErrorTemplate<'a> {
    site: &'a SiteView,
    nav: &'a str,
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
    title: String,
    system_name: &'a str,
    site_url: &'a str,
    self_url: String,
    updated_rfc2822: String,
    items: &'a [FeedItem],
}

#[derive(Template)]
#[template(path = "public/atom.xml")]
struct AtomTemplate<'a> {
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
        Self { db, tz, site_url }
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
        let status = self.status_page(&mut conn, &site, now).await?;
        let history = self.history_page(&mut conn, &site, now).await?;
        let published = incidents::latest_published(&mut conn, FEED_LENGTH).await?;
        let Feeds { rss, atom, json } = self.feeds(&site, &published, now)?;
        let (calendar, _) = self.maintenance_calendar(&mut conn, &site, now).await?;
        let (api, state) = self.api(&mut conn, &site, now).await?;
        let api = api
            .into_iter()
            .map(|(path, body)| (path, Rendered::new("application/json", body)))
            .collect();
        let incident_pages = self.shown_incident_pages(&mut conn, &site, now).await?;
        let logo = match site.logo_name() {
            Some(name) => crate::storage::media::get(&mut conn, name.as_str())
                .await?
                .map(|content| (name.as_str().to_owned(), bytes::Bytes::from(content))),
            None => None,
        };
        Ok(Snapshot {
            incidents: incident_pages,
            logo,
            api,
            badge: Rendered::new("image/svg+xml", super::badge::svg(&site.name, state)),
            theme: Rendered::new("text/css; charset=utf-8", site.theme_css.clone()),
            site,
            status: Rendered::new(HTML, status),
            history: Rendered::new(HTML, history),
            rss: Rendered::new("application/rss+xml; charset=utf-8", rss),
            atom: Rendered::new("application/atom+xml; charset=utf-8", atom),
            json_feed: Rendered::new(JSON_FEED, json),
            calendar: Rendered::new(CALENDAR, calendar),
        })
    }

    async fn api(
        &self,
        conn: &mut AnyConnection,
        site: &SiteView,
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
        Ok((statuspage::render(&page, state, &listed, &updates), state))
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
        Ok(SiteView::new(&site, &notifications, &self.site_url))
    }

    async fn views(
        &self,
        conn: &mut AnyConnection,
        list: &[Incident],
    ) -> Result<Vec<IncidentView>, RenderError> {
        let ids: Vec<i64> = list.iter().map(|i| i.id).collect();
        let updates = incidents::updates_of(conn, &ids).await?;
        Ok(list
            .iter()
            .map(|incident| {
                let none = Vec::new();
                let its = updates.get(&incident.id).unwrap_or(&none);
                IncidentView::new(incident, its, &self.tz)
            })
            .collect())
    }

    async fn status_page(
        &self,
        conn: &mut AnyConnection,
        site: &SiteView,
        now: Timestamp,
    ) -> Result<String, RenderError> {
        let since = now - RECENT;
        let shown = incidents::for_status_page(conn, since).await?;
        let state = OverallState::of(shown.iter().map(|i| (i.status, i.severity)));
        let mut views = self.views(conn, &shown).await?.into_iter();
        let (mut current, mut recent, mut planned) = (Vec::new(), Vec::new(), Vec::new());
        for incident in &shown {
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
            state,
            headline: state.headline(&site.name),
            state_icon: Icon::for_state(state),
            current,
            recent,
            planned,
            generated: TimeView::new(now, &self.tz),
        }
        .render()?)
    }

    async fn history_page(
        &self,
        conn: &mut AnyConnection,
        site: &SiteView,
        now: Timestamp,
    ) -> Result<String, RenderError> {
        let today = now.to_zoned(self.tz.clone()).date();
        let first = calendar::first_day(today);
        let from = self.start_of_day(first)?;
        let touching = incidents::public_between(conn, from, now).await?;
        let marks = calendar::worst_by_day(&touching, &self.tz, first, today, now);
        let mut legend: Vec<(&'static str, &'static str)> = Severity::ALL
            .iter()
            .rev()
            .map(|s| (calendar::severity_class(*s), s.label()))
            .collect();
        legend.push(("sev-none", "No incidents"));
        Ok(HistoryTemplate {
            site,
            nav: "history",
            legend,
            months: calendar::months(today, &marks),
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
        // A cancelled maintenance is in no list, but the calendar and the mails link its page.
        // Any other incident off the page (a dismissed suspicion) has no page at any address.
        let cancelled = crate::domain::maintenance::Phase::of(&incident)
            == Some(crate::domain::maintenance::Phase::Cancelled);
        if !(incident.status.is_public() || cancelled) {
            return Ok(IncidentPage::Missing);
        }
        if incident.start.to_zoned(TimeZone::UTC).date() != day {
            return Ok(IncidentPage::Moved(crate::links::incident_path(&incident)));
        }
        let view = self
            .views(&mut conn, std::slice::from_ref(&incident))
            .await?
            .into_iter()
            .next();
        let Some(incident) = view else {
            return Ok(IncidentPage::Missing);
        };
        Ok(IncidentPage::Page(incident_html(site, day, incident)?))
    }

    /// The incident pages of every incident the status page shows.
    async fn shown_incident_pages(
        &self,
        conn: &mut AnyConnection,
        site: &SiteView,
        now: Timestamp,
    ) -> Result<std::collections::HashMap<i64, (Date, Rendered)>, RenderError> {
        let shown = incidents::for_status_page(conn, now - RECENT).await?;
        let views = self.views(conn, &shown).await?;
        let mut pages = std::collections::HashMap::with_capacity(shown.len());
        for (incident, view) in shown.iter().zip(views) {
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
        let incidents = self.views(&mut conn, &touching).await?;
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
        let mut pages = vec![
            (
                "/".to_owned(),
                self.status_page(&mut conn, &site, now).await?,
            ),
            (
                "/history".to_owned(),
                self.history_page(&mut conn, &site, now).await?,
            ),
        ];
        let published = incidents::latest_published(&mut conn, FEED_LENGTH).await?;
        let Feeds { rss, atom, json } = self.feeds(&site, &published, now)?;
        pages.push(("/feed/rss".to_owned(), rss));
        pages.push(("/feed/atom".to_owned(), atom));
        pages.push(("/feed/json".to_owned(), json));
        let (calendar, in_calendar) = self.maintenance_calendar(&mut conn, &site, now).await?;
        pages.push(("/maintenance.ics".to_owned(), calendar));
        let (api, state) = self.api(&mut conn, &site, now).await?;
        pages.extend(
            api.into_iter()
                .map(|(path, body)| (format!("/api/v2/{path}"), body)),
        );
        pages.push((
            "/badge.svg".to_owned(),
            super::badge::svg(&site.name, state),
        ));
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
        let cancelled_views = self.views(&mut conn, &cancelled).await?;
        let views = self.views(&mut conn, &linked).await?;
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
                title: format!("[{}] {}", incident.severity.label(), incident.title),
                link: crate::links::incident_public(&self.site_url, incident),
                published_rfc2822: rfc2822(incident.start),
                published_rfc3339: rfc3339(incident.start),
                updated_rfc3339: rfc3339(incident.updated.max(incident.start)),
                content_html: feed_content(incident),
            })
            .collect();
        let updated = published
            .iter()
            .map(|i| i.updated.max(i.start))
            .max()
            .unwrap_or(now);
        let title = format!("{} status", site.name);
        let rss = RssTemplate {
            title: title.clone(),
            system_name: &site.name,
            site_url: base,
            self_url: format!("{base}/feed/rss"),
            updated_rfc2822: rfc2822(updated),
            items: &items,
        }
        .render()?;
        let atom = AtomTemplate {
            title: title.clone(),
            system_name: &site.name,
            site_url: base,
            self_url: format!("{base}/feed/atom"),
            updated_rfc3339: rfc3339(updated),
            items: &items,
        }
        .render()?;
        let json = json_feed(&title, &site.name, base, &items);
        Ok(Feeds { rss, atom, json })
    }
}

fn day_html(
    site: &SiteView,
    day: Date,
    incidents: Vec<IncidentView>,
) -> Result<String, RenderError> {
    Ok(DayTemplate {
        site,
        nav: "history",
        day,
        day_text: long_date(day),
        incidents,
    }
    .render()?)
}

fn incident_html(
    site: &SiteView,
    day: Date,
    incident: IncidentView,
) -> Result<String, RenderError> {
    Ok(IncidentTemplate {
        site,
        nav: "",
        day,
        day_text: long_date(day),
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
        title,
        message,
    }
    .render()
    .unwrap_or_else(|_| format!("<!doctype html><title>{title}</title><h1>{title}</h1>"))
}

fn feed_content(incident: &Incident) -> String {
    let mut html = format!(
        "<p><strong>{}</strong> · {}</p>",
        incident.severity.label(),
        crate::domain::maintenance::status_label(incident)
    );
    if let Some(summary) = incident.summary.as_deref().filter(|s| !s.trim().is_empty()) {
        html.push_str(&crate::rich_text::to_html(summary));
    }
    html
}

/// JSON Feed 1.1 (<https://jsonfeed.org/version/1.1>) of the items the RSS and Atom feeds carry,
/// with the same ids as Atom's entries so that a reader moving between them sees no duplicates.
fn json_feed(title: &str, system_name: &str, base: &str, items: &[FeedItem]) -> String {
    #[derive(serde::Serialize)]
    struct Feed<'a> {
        version: &'static str,
        title: &'a str,
        home_page_url: String,
        feed_url: String,
        description: String,
        language: &'static str,
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
        description: format!("Incidents and maintenance of {system_name}"),
        language: "en",
        authors: [Author { name: system_name }],
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

fn long_date(day: Date) -> String {
    day.strftime("%A, %-d %B %Y").to_string()
}

fn rfc2822(t: Timestamp) -> String {
    t.strftime("%a, %d %b %Y %H:%M:%S +0000").to_string()
}

fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

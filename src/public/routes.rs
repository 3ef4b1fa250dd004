//! The public routes, which are the original monostat's so that old links keep working.

use super::PublicPages;
use super::assets::Assets;
use super::language::{self, Choice};
use super::render::{IncidentPage, LanguagePages, RenderError, Snapshot, error_page};
use super::rendered::Rendered;
use super::state::PublicState;
use super::views::SiteView;
use crate::web::page::{PageError, PageResult, html};
use axum::Router;
use axum::extract::{FromRef, Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::civil::Date;
use std::sync::Arc;

/// Pages change at any moment: caches may keep them but must ask (cheaply, with the ETag)
/// before every use.
const REVALIDATE: &str = "public, no-cache";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// No inline script or style anywhere, nothing from other hosts, no framing by other sites.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
     object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

/// The page, its feeds and API, the badge: read by everybody, answered from memory.
pub fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    PublicState: FromRef<S>,
{
    Router::new()
        .route("/", get(status))
        .route("/history", get(history))
        .route("/feed/rss", get(rss))
        .route("/feed/atom", get(atom))
        .route("/feed/json", get(json_feed))
        .route("/maintenance.ics", get(calendar))
        .route("/static/{name}", get(asset))
        .route("/media/{name}", get(media))
        .route("/api/v2/{*path}", get(api))
        .route("/badge.svg", get(badge))
        .route("/badge/{name}", get(uptime_badge))
        .route("/embed.js", get(embed))
        .route("/{day}", get(day))
        .route("/{day}/{id}", get(incident))
}

/// The security headers of every response, pages or not.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// The snapshot, rendering the first one now if none has succeeded yet (start-up, or a
/// database that was away since start). Without one, there is no site to dress the error page
/// in.
async fn snapshot(pages: &PublicPages) -> Result<Arc<Snapshot>, PageError> {
    pages
        .current_or_render()
        .await
        .map_err(|e| PageError::from(e).before_first_rendering())
}

async fn cached(
    state: &PublicState,
    headers: &HeaderMap,
    pick: fn(&Snapshot) -> &Rendered,
) -> Response {
    match snapshot(&state.pages).await {
        Ok(snapshot) => pick(&snapshot).respond(headers, REVALIDATE),
        Err(e) => e.into_response(),
    }
}

/// A page rendered in every language: the one the request gets.
async fn cached_in_language(
    state: &PublicState,
    query: Option<String>,
    headers: &HeaderMap,
    pick: fn(&LanguagePages) -> &Rendered,
) -> Response {
    match snapshot(&state.pages).await {
        Ok(snapshot) => {
            let choice = language::choose(&snapshot.site, query.as_deref(), headers);
            let mut response = pick(snapshot.in_language(choice.lang)).respond(headers, REVALIDATE);
            choice.mark(&snapshot.site, &mut response);
            response
        }
        Err(e) => e.into_response(),
    }
}

async fn status(
    State(state): State<PublicState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    cached_in_language(&state, query, &headers, |s| &s.status).await
}

async fn history(
    State(state): State<PublicState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    cached_in_language(&state, query, &headers, |s| &s.history).await
}

async fn rss(
    State(state): State<PublicState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    cached_in_language(&state, query, &headers, |s| &s.rss).await
}

async fn atom(
    State(state): State<PublicState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    cached_in_language(&state, query, &headers, |s| &s.atom).await
}

async fn json_feed(
    State(state): State<PublicState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    cached_in_language(&state, query, &headers, |s| &s.json_feed).await
}

/// Planned maintenance for calendar apps; they fetch it on their own schedule (the feed asks
/// for hourly), revalidating with the ETag like the feeds.
async fn calendar(State(state): State<PublicState>, headers: HeaderMap) -> Response {
    cached(&state, &headers, |s| &s.calendar).await
}

/// The Statuspage-compatible API, from memory like the page; any site may read it.
async fn api(
    State(state): State<PublicState>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> PageResult {
    let snapshot = snapshot(&state.pages).await?;
    let mut response = match snapshot.api.get(path.as_str()) {
        Some(body) => body.respond(&headers, REVALIDATE),
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"error":"no such endpoint; see /api/v2/summary.json"}"#,
        )
            .into_response(),
    };
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(response)
}

async fn badge(State(state): State<PublicState>, headers: HeaderMap) -> Response {
    let mut response = cached(&state, &headers, |s| &s.badge).await;
    // Shown on other sites (READMEs, dashboards), which may also fetch it.
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// `/badge/uptime-30.svg` and the other windows', from memory like the state badge.
async fn uptime_badge(
    State(state): State<PublicState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> PageResult {
    let snapshot = snapshot(&state.pages).await?;
    let wanted = name
        .strip_prefix("uptime-")
        .and_then(|rest| rest.strip_suffix(".svg"))
        .and_then(|days| days.parse::<u32>().ok());
    let Some((_, rendered)) = snapshot
        .uptime_badges
        .iter()
        .find(|(days, _)| Some(*days) == wanted)
    else {
        return Ok(not_found(State(state)).await);
    };
    let mut response = rendered.respond(&headers, REVALIDATE);
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(response)
}

/// The banner script other sites include by this fixed name: cached for an hour, not for good.
async fn embed(headers: HeaderMap) -> Response {
    match Assets::get().by_name("embed.js") {
        Some(script) => {
            let mut response = script.respond(&headers, "public, max-age=3600");
            // Loaded by other sites' pages.
            response.headers_mut().insert(
                axum::http::HeaderName::from_static("cross-origin-resource-policy"),
                HeaderValue::from_static("cross-origin"),
            );
            response
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn asset(
    State(state): State<PublicState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(file) = Assets::get().file(&name) {
        return file.respond(&headers, IMMUTABLE);
    }
    if name.starts_with("theme.") && name.ends_with(".css") {
        let snapshot = match snapshot(&state.pages).await {
            Ok(snapshot) => snapshot,
            Err(e) => return e.into_response(),
        };
        // A page rendered before the colours changed asks for the old name: it gets today's
        // theme, but only this name's own content may be cached for good.
        let current = snapshot.site.theme_url.ends_with(&format!("/{name}"));
        return snapshot
            .theme
            .respond(&headers, if current { IMMUTABLE } else { REVALIDATE });
    }
    not_found(State(state)).await
}

/// An uploaded logo. Its name carries its content's hash, so it may be cached for good. An SVG
/// opened on its own may run nothing and load nothing, whatever slipped past the upload check.
async fn media(State(state): State<PublicState>, Path(name): Path<String>) -> Response {
    let Some(logo) = crate::logo::LogoName::parse(&name) else {
        return not_found(State(state)).await;
    };
    // The current logo from memory, like the page that shows it; a former one from the
    // database, for pages and mails that still name it.
    let current = state
        .pages
        .snapshot()
        .and_then(|snapshot| snapshot.logo.clone())
        .filter(|(current, _)| *current == name);
    let bytes = match current {
        Some((_, bytes)) => bytes,
        None => {
            let Some(turn) = state.pages.per_request_turn().await else {
                return busy();
            };
            let stored = match state.db.acquire().await {
                Ok(mut conn) => crate::storage::media::get(&mut conn, &name)
                    .await
                    .ok()
                    .flatten(),
                Err(_) => None,
            };
            drop(turn);
            match stored {
                Some(content) => bytes::Bytes::from(content),
                None => return not_found(State(state)).await,
            }
        }
    };
    (
        [
            (header::CONTENT_TYPE, logo.format().content_type()),
            (header::CACHE_CONTROL, IMMUTABLE),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; sandbox",
            ),
        ],
        bytes,
    )
        .into_response()
}

/// A page, or the page that says why not.
type Answer = Result<Response, Response>;

async fn day(
    State(state): State<PublicState>,
    Path(day): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Answer {
    let Some(day) = parse_day(&day) else {
        return Ok(not_found(State(state)).await);
    };
    let (site, choice) = site_in_language(&state.pages, query.as_deref(), &headers).await?;
    let Some(turn) = state.pages.per_request_turn().await else {
        return Ok(busy_page(&site));
    };
    let rendered = state.pages.renderer().day_page(&site, day).await;
    drop(turn);
    let mut response = match rendered {
        // A day at the end of time that the site's time zone cannot end: no such page.
        Ok(None) => not_found(State(state)).await,
        rendered => page(&site, rendered),
    };
    choice.mark(&site, &mut response);
    Ok(response)
}

/// The site in the language a request gets, for pages rendered per request.
async fn site_in_language(
    pages: &PublicPages,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Result<(Arc<SiteView>, Choice), PageError> {
    let snapshot = snapshot(pages).await?;
    let choice = language::choose(&snapshot.site, query, headers);
    Ok((snapshot.in_language(choice.lang).site.clone(), choice))
}

async fn incident(
    State(state): State<PublicState>,
    Path((day, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Answer {
    let (Some(day), Ok(id)) = (parse_day(&day), id.parse::<i64>()) else {
        return Ok(not_found(State(state)).await);
    };
    let snapshot = snapshot(&state.pages).await?;
    let choice = language::choose(&snapshot.site, query.as_deref(), &headers);
    let mut response = incident_in(&state, &snapshot, choice.lang, day, id, &headers).await;
    choice.mark(&snapshot.site, &mut response);
    Ok(response)
}

/// What the last rendering holds at an incident's address.
#[derive(Clone, Copy)]
enum Remembered<'a> {
    /// An incident on the status page: its page, at the day in its address.
    Page(Date, &'a Rendered),
    /// One of the newest dismissed incidents: "Incident closed", at its own address only.
    Closed(Date, &'a Rendered),
}

async fn incident_in(
    state: &PublicState,
    snapshot: &Snapshot,
    lang: &'static crate::i18n::Language,
    day: Date,
    id: i64,
    headers: &HeaderMap,
) -> Response {
    let pages = snapshot.in_language(lang);
    // The incidents on the status page, which mails and Slack link to, come from memory, and so
    // do the newest dismissed ones, whose links were shared while they were suspicions; while a
    // change is being rendered they are rendered per request, and from memory again when that
    // cannot be done (database away, every turn taken). One whose start moved to another day
    // since a link was sent is sent on to its address now, from memory too.
    let remembered = match (pages.incidents.get(&id), snapshot.dismissed.get(&id)) {
        (Some((its_day, rendered)), _) => Some(Remembered::Page(*its_day, rendered)),
        (None, Some(its_day)) => Some(Remembered::Closed(*its_day, &pages.closed)),
        (None, None) => None,
    };
    let from_memory = |remembered: Remembered| match remembered {
        Remembered::Page(its_day, rendered) | Remembered::Closed(its_day, rendered)
            if its_day == day =>
        {
            rendered.respond(headers, REVALIDATE)
        }
        Remembered::Page(its_day, _) => moved(&format!("/{its_day}/{id}")),
        Remembered::Closed(..) => page(&pages.site, Ok(None)),
    };
    if let Some(remembered) = remembered
        && state.pages.is_current()
    {
        return from_memory(remembered);
    }
    let site = pages.site.clone();
    let Some(_turn) = state.pages.per_request_turn().await else {
        return remembered.map_or_else(|| busy_page(&site), from_memory);
    };
    match state.pages.renderer().incident_page(&site, day, id).await {
        Err(RenderError::Storage(e)) if remembered.is_some() => {
            tracing::warn!(error = %e, "serving an incident page from the last rendering");
            remembered.map_or_else(|| busy_page(&site), from_memory)
        }
        Ok(IncidentPage::Moved(path)) => moved(&path),
        Ok(IncidentPage::Page(body)) => page(&site, Ok(Some(body))),
        Ok(IncidentPage::Closed) => pages.closed.respond(headers, REVALIDATE),
        Ok(IncidentPage::Missing) => page(&site, Ok(None)),
        Err(e) => page(&site, Err(e)),
    }
}

/// `301` to `path`, the address of an incident whose start moved to another day. Browsers keep
/// a permanent redirect until told otherwise; kept as briefly as the page itself, since the
/// start may move again, even back to the day that redirects now.
fn moved(path: &str) -> Response {
    match HeaderValue::from_str(path) {
        Ok(location) => (
            StatusCode::MOVED_PERMANENTLY,
            [
                (header::LOCATION, location),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=30"),
                ),
            ],
        )
            .into_response(),
        // A path of a date and a number is always a header value; were it not, there is no
        // page to send anybody to.
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A friendly 404 in the site's style, for every path nobody serves.
pub async fn not_found(State(state): State<PublicState>) -> Response {
    match site(&state.pages).await {
        Ok(site) => html(
            StatusCode::NOT_FOUND,
            error_page(&site, &site.t("not-found-title"), &site.t("not-found-text")),
        ),
        Err(e) => e.into_response(),
    }
}

/// The site's look and settings from the last rendering, for pages rendered per request.
pub async fn site(pages: &PublicPages) -> Result<Arc<SiteView>, PageError> {
    snapshot(pages).await.map(|s| s.site.clone())
}

fn page(site: &Arc<SiteView>, rendered: Result<Option<String>, RenderError>) -> Response {
    match rendered {
        Ok(Some(body)) => {
            let mut response = html(StatusCode::OK, body);
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=30"),
            );
            response
        }
        Ok(None) => html(
            StatusCode::NOT_FOUND,
            error_page(
                site,
                &site.t("not-found-title"),
                &site.t("no-incident-here"),
            ),
        ),
        Err(e) => PageError::from(e).in_look(site.clone()).into_response(),
    }
}

/// Every turn for pages rendered per request has been taken for a while.
fn busy_page(site: &SiteView) -> Response {
    let mut response = html(
        StatusCode::SERVICE_UNAVAILABLE,
        error_page(site, &site.t("busy-title"), &site.t("busy-text")),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response
}

fn busy() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "5")],
        "busy; try again in a few seconds",
    )
        .into_response()
}

/// The page shown when a request panics: a bug, which must still look like the site (the
/// stylesheet carries the default colours; the theme is out of reach here).
pub fn internal_error_page() -> Response {
    let style = Assets::get().url("style.css");
    html(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>Something went wrong</title><link rel=\"stylesheet\" href=\"{style}\"></head>\
             <body><main class=\"wrap\"><h1>Something went wrong</h1><p>This page could not be \
             shown. We have logged the problem.</p><p><a href=\"/\">See the current status</a></p>\
             </main></body></html>"
        ),
    )
}

/// `YYYY-MM-DD` exactly; anything else is no day of ours.
fn parse_day(text: &str) -> Option<Date> {
    let well_formed = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !well_formed {
        return None;
    }
    text.parse().ok()
}

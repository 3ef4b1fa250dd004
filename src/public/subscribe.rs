//! Subscribing, confirming and unsubscribing, as pages and plain forms. Nothing here changes
//! anything on a GET: link scanners open every link in a mail.

use super::language;
use super::state::PublicState;
use super::{SiteView, not_found};
use crate::config::Config;
use crate::service::subscriptions::{self, SubscribeError, TokenOutcome, TokenState};
use crate::web::client::Client;
use crate::web::csrf;
use crate::web::page::{PageError, html};
use askama::Template;
use axum::extract::{FromRef, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use std::sync::Arc;

/// A page, or (the site not readable, subscriptions off) the page that says why not.
type Answer = Result<Response, Response>;

/// Subscribing and unsubscribing: forms that strangers send, logged like every write.
pub fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    PublicState: FromRef<S>,
    Arc<Config>: FromRef<S>,
{
    Router::new()
        .route(
            "/subscribe",
            get(|| async { Redirect::permanent("/subscribe/") }),
        )
        .route("/subscribe/", get(form).post(submit))
        .route("/subscribe/done", get(done))
        .route("/subscribe/confirmed", get(confirmed))
        .route("/subscribe/{token}", get(confirm_page).post(confirm))
        .route("/unsubscribe/done", get(unsubscribed))
        .route(
            "/unsubscribe/{token}",
            get(unsubscribe_page).post(unsubscribe),
        )
        .layer(axum::extract::DefaultBodyLimit::max(
            crate::web::STRANGERS_BODY_LIMIT,
        ))
        .layer(axum::middleware::from_fn(crate::web::page::note_method))
}

#[derive(Template)]
#[template(path = "public/subscribe.html")]
struct FormPage<'a> {
    site: &'a SiteView,
    nav: &'a str,
    path: &'a str,
    csrf: &'a str,
    email: &'a str,
    consent: bool,
    error: Option<String>,
}

struct Action {
    url: String,
    button: String,
    csrf: String,
}

#[derive(Template)]
#[template(path = "public/message.html")]
struct MessagePage<'a> {
    site: &'a SiteView,
    nav: &'a str,
    path: &'a str,
    title: &'a str,
    paragraphs: Vec<&'a str>,
    action: Option<Action>,
}

impl FormPage<'_> {
    fn privacy_sentence(&self) -> String {
        let link = format!(
            "<a href=\"{}\">{}</a>",
            crate::i18n::escape_html(&self.site.privacy_url),
            crate::i18n::escape_html(&self.site.t("privacy-policy"))
        );
        self.site.html("consent-privacy", &[("link", &link)])
    }
}

#[derive(serde::Deserialize)]
struct SubscribeForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    consent: Option<String>,
    #[serde(default)]
    csrf: String,
    /// The language the form was shown in: the subscriber's mails come in it.
    #[serde(default)]
    lang: String,
}

#[derive(serde::Deserialize)]
struct TokenForm {
    #[serde(default)]
    csrf: String,
    /// RFC 8058: mail clients post `List-Unsubscribe=One-Click`.
    #[serde(default, rename = "List-Unsubscribe")]
    list_unsubscribe: Option<String>,
}

fn render(status: StatusCode, page: impl Template, cookie: Option<HeaderValue>) -> Response {
    let body = page.render().unwrap_or_else(|_| {
        "<!doctype html><title>Error</title><h1>Something went wrong</h1>".into()
    });
    let mut response = html(status, body);
    let headers = response.headers_mut();
    // Pages with a form or a personal token are nobody else's business.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(cookie) = cookie {
        headers.insert(header::SET_COOKIE, cookie);
    }
    response
}

fn message(
    status: StatusCode,
    site: &SiteView,
    title: &str,
    paragraphs: &[&str],
    action: Option<Action>,
    cookie: Option<HeaderValue>,
) -> Response {
    let mut response = render(
        status,
        MessagePage {
            site,
            nav: "",
            path: "/",
            title,
            paragraphs: paragraphs.to_vec(),
            action,
        },
        cookie,
    );
    if site.multilingual() {
        response.headers_mut().insert(
            header::VARY,
            HeaderValue::from_static("Accept-Language, Cookie"),
        );
    }
    response
}

/// A page that only says something, in the site's style: a title and paragraphs, by message id.
fn said(status: StatusCode, site: &SiteView, title: &str, paragraphs: &[&str]) -> Response {
    let paragraphs: Vec<String> = paragraphs.iter().map(|id| site.t(id)).collect();
    let paragraphs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
    message(status, site, &site.t(title), &paragraphs, None, None)
}

/// The site in the language the request gets (`lang`, when the request names one, as the
/// subscription form does).
async fn site_for(
    state: &PublicState,
    headers: &HeaderMap,
    lang: Option<&str>,
) -> Result<Arc<SiteView>, Response> {
    let snapshot = state
        .pages
        .current_or_render()
        .await
        .map_err(|e| PageError::from(e).before_first_rendering().into_response())?;
    let query = lang.map(|tag| format!("lang={tag}"));
    let choice = language::choose(&snapshot.site, query.as_deref(), headers);
    Ok(snapshot.in_language(choice.lang).site.clone())
}

/// The site, if subscriptions are allowed; otherwise the 404 page, as if there were no such page.
async fn subscriptions_site(
    state: &PublicState,
    headers: &HeaderMap,
    lang: Option<&str>,
) -> Result<Arc<SiteView>, Response> {
    let site = site_for(state, headers, lang).await?;
    if site.allow_subscriptions {
        Ok(site)
    } else {
        Err(not_found(State(state.clone())).await)
    }
}

fn secure(state: &PublicState) -> bool {
    state.config.site_url.scheme() == "https"
}

/// The database did not answer: the one 503 page of every page, in the site's look.
#[track_caller]
fn unavailable(site: &Arc<SiteView>, e: crate::storage::StorageError) -> Response {
    PageError::from(e).in_look(site.clone()).into_response()
}

fn expired(site: &SiteView) -> Response {
    said(
        StatusCode::FORBIDDEN,
        site,
        "try-again-title",
        &["form-expired"],
    )
}

async fn form(
    State(state): State<PublicState>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
    headers: HeaderMap,
) -> Answer {
    let lang = query.as_deref().and_then(|query| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "lang")
            .map(|(_, value)| value.into_owned())
    });
    let site = subscriptions_site(&state, &headers, lang.as_deref()).await?;
    let (token, cookie) = csrf::token(&headers, secure(&state));
    Ok(render(
        StatusCode::OK,
        FormPage {
            site: &site,
            nav: "",
            path: "/subscribe/",
            csrf: &token,
            email: "",
            consent: false,
            error: None,
        },
        cookie,
    ))
}

/// Why an address was refused, in the page's language.
fn invalid_address(site: &SiteView, e: &crate::domain::email::InvalidAddress) -> String {
    use crate::domain::email::InvalidAddress;
    site.t(match e {
        InvalidAddress::Empty => "email-empty",
        InvalidAddress::TooLong => "email-too-long",
        InvalidAddress::NotBare => "email-not-bare",
        InvalidAddress::Malformed => "email-malformed",
    })
}

async fn submit(
    State(state): State<PublicState>,
    client: Client,
    headers: HeaderMap,
    Form(input): Form<SubscribeForm>,
) -> Answer {
    let site = subscriptions_site(&state, &headers, Some(input.lang.as_str())).await?;
    if !state.subscribe_limiter.take(&client.limit_key()).await {
        let mut response = said(
            StatusCode::TOO_MANY_REQUESTS,
            &site,
            "too-many-title",
            &["too-many-text"],
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("120"));
        return Ok(response);
    }
    if !csrf::verify(&headers, &input.csrf) {
        return Ok(expired(&site));
    }
    let consent = input.consent.as_deref() == Some("yes");
    let result = if consent {
        subscriptions::subscribe(
            &state.services,
            &input.email,
            state.config.mail.opt_in_mails_per_hour,
            site.lang.tag,
        )
        .await
    } else {
        Ok(())
    };
    // Whether the address is new, pending or subscribed, and whether it was mailed, the answer
    // is this same redirect: the form must not tell strangers who our subscribers are.
    let (status, retry_after, error) = match result {
        Ok(()) if consent => return Ok(Redirect::to("/subscribe/done").into_response()),
        Ok(()) => (StatusCode::BAD_REQUEST, None, site.t("consent-missing")),
        Err(SubscribeError::Storage(e)) => return Ok(unavailable(&site, e)),
        Err(SubscribeError::Busy { retry_after }) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Some(retry_after),
            site.lang.with(
                "subscribe-busy",
                &[(
                    "minutes",
                    crate::i18n::Arg::Number(((retry_after.as_secs() + 59) / 60).max(1)),
                )],
            ),
        ),
        Err(SubscribeError::Invalid(e)) => {
            (StatusCode::BAD_REQUEST, None, invalid_address(&site, &e))
        }
    };
    let email: String = input
        .email
        .chars()
        .filter(|c| !c.is_control())
        .take(254)
        .collect();
    let mut response = render(
        status,
        FormPage {
            site: &site,
            nav: "",
            path: "/subscribe/",
            csrf: &input.csrf,
            email: &email,
            consent,
            error: Some(error),
        },
        None,
    );
    if let Some(wait) = retry_after {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(wait.as_secs().max(1)),
        );
    }
    Ok(response)
}

async fn done(State(state): State<PublicState>, headers: HeaderMap) -> Answer {
    let site = subscriptions_site(&state, &headers, None).await?;
    let limits = site.lang.with(
        "check-inbox-limits",
        &[
            (
                "mails",
                crate::i18n::Arg::Number(subscriptions::OPT_IN_MAILS_PER_RECIPIENT),
            ),
            (
                "hours",
                crate::i18n::Arg::Number(subscriptions::SIGN_UP_VALID_FOR.as_hours()),
            ),
        ],
    );
    Ok(message(
        StatusCode::OK,
        &site,
        &site.t("check-inbox-title"),
        &[&site.t("check-inbox-text"), &limits],
        None,
        None,
    ))
}

async fn confirmed(State(state): State<PublicState>, headers: HeaderMap) -> Answer {
    let site = site_for(&state, &headers, None).await?;
    Ok(said(
        StatusCode::OK,
        &site,
        "subscribed-title",
        &["subscribed-text"],
    ))
}

fn unknown_token(site: &SiteView) -> Response {
    said(
        StatusCode::NOT_FOUND,
        site,
        "link-invalid-title",
        &["link-invalid-text"],
    )
}

async fn confirm_page(
    State(state): State<PublicState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Answer {
    let site = site_for(&state, &headers, None).await?;
    let outcome = subscriptions::token_state(&state.services, &token).await;
    Ok(match outcome {
        Err(e) => unavailable(&site, e),
        Ok(TokenState::Unknown) => unknown_token(&site),
        Ok(TokenState::Expired) => expired_sign_up(&site),
        Ok(TokenState::Active) => already_confirmed(&site),
        Ok(TokenState::Pending) => {
            let (csrf, cookie) = csrf::token(&headers, secure(&state));
            message(
                StatusCode::OK,
                &site,
                &site.t("confirm-title"),
                &[&site.t("confirm-text")],
                Some(Action {
                    url: format!("/subscribe/{token}"),
                    button: site.t("confirm-button"),
                    csrf,
                }),
                cookie,
            )
        }
    })
}

/// Said with 410 Gone: the link will not work again, but subscribing again will.
fn expired_sign_up(site: &SiteView) -> Response {
    let why = site.lang.with(
        "link-expired-text",
        &[(
            "hours",
            crate::i18n::Arg::Number(subscriptions::SIGN_UP_VALID_FOR.as_hours()),
        )],
    );
    message(
        StatusCode::GONE,
        site,
        &site.t("link-expired-title"),
        &[&why, &site.t("link-expired-again")],
        None,
        None,
    )
}

fn already_confirmed(site: &SiteView) -> Response {
    said(
        StatusCode::OK,
        site,
        "already-confirmed-title",
        &["already-confirmed-text"],
    )
}

async fn confirm(
    State(state): State<PublicState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(input): Form<TokenForm>,
) -> Answer {
    let site = site_for(&state, &headers, None).await?;
    if !csrf::verify(&headers, &input.csrf) {
        return Ok(expired(&site));
    }
    let outcome = subscriptions::confirm(&state.services, &token).await;
    Ok(match outcome {
        Ok(TokenOutcome::Done) => Redirect::to("/subscribe/confirmed").into_response(),
        Ok(TokenOutcome::AlreadyDone) => already_confirmed(&site),
        Ok(TokenOutcome::Expired) => expired_sign_up(&site),
        Ok(TokenOutcome::UnknownToken) => unknown_token(&site),
        Err(e) => unavailable(&site, e),
    })
}

async fn unsubscribe_page(
    State(state): State<PublicState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Answer {
    let site = site_for(&state, &headers, None).await?;
    let outcome = subscriptions::token_state(&state.services, &token).await;
    Ok(match outcome {
        Err(e) => unavailable(&site, e),
        Ok(TokenState::Unknown | TokenState::Expired) => unknown_token(&site),
        Ok(TokenState::Active | TokenState::Pending) => {
            let (csrf, cookie) = csrf::token(&headers, secure(&state));
            message(
                StatusCode::OK,
                &site,
                &site.t("unsubscribe-title"),
                &[&site.t("unsubscribe-question")],
                Some(Action {
                    url: format!("/unsubscribe/{token}"),
                    button: site.t("unsubscribe-button"),
                    csrf,
                }),
                cookie,
            )
        }
    })
}

async fn unsubscribe(
    State(state): State<PublicState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(input): Form<TokenForm>,
) -> Answer {
    let site = site_for(&state, &headers, None).await?;
    // RFC 8058: the mail client posts without cookies; the unguessable token is the authority.
    let one_click = input.list_unsubscribe.as_deref() == Some("One-Click");
    if !one_click && !csrf::verify(&headers, &input.csrf) {
        return Ok(expired(&site));
    }
    let outcome = subscriptions::unsubscribe(&state.services, &token).await;
    Ok(match outcome {
        Ok(TokenOutcome::Done | TokenOutcome::AlreadyDone) if one_click => said(
            StatusCode::OK,
            &site,
            "unsubscribed-title",
            &["unsubscribed-text"],
        ),
        Ok(TokenOutcome::Done | TokenOutcome::AlreadyDone) => {
            Redirect::to("/unsubscribe/done").into_response()
        }
        Ok(TokenOutcome::UnknownToken | TokenOutcome::Expired) => unknown_token(&site),
        Err(e) => unavailable(&site, e),
    })
}

async fn unsubscribed(State(state): State<PublicState>, headers: HeaderMap) -> Answer {
    let site = site_for(&state, &headers, None).await?;
    Ok(said(
        StatusCode::OK,
        &site,
        "unsubscribed-title",
        &["unsubscribed-deleted"],
    ))
}

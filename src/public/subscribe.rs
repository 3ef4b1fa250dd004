//! Subscribing, confirming and unsubscribing, as pages and plain forms. Nothing here changes
//! anything on a GET: link scanners open every link in a mail.

use super::state::PublicState;
use super::{SiteView, not_found, site};
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
    csrf: &'a str,
    email: &'a str,
    consent: bool,
    error: Option<String>,
}

struct Action {
    url: String,
    button: &'static str,
    csrf: String,
}

#[derive(Template)]
#[template(path = "public/message.html")]
struct MessagePage<'a> {
    site: &'a SiteView,
    nav: &'a str,
    title: &'a str,
    paragraphs: Vec<&'a str>,
    action: Option<Action>,
}

#[derive(serde::Deserialize)]
struct SubscribeForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    consent: Option<String>,
    #[serde(default)]
    csrf: String,
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
    render(
        status,
        MessagePage {
            site,
            nav: "",
            title,
            paragraphs: paragraphs.to_vec(),
            action,
        },
        cookie,
    )
}

/// The site, if subscriptions are allowed; otherwise the 404 page, as if there were no such page.
async fn subscriptions_site(state: &PublicState) -> Result<Arc<SiteView>, Response> {
    let site = site(&state.pages).await?;
    if site.allow_subscriptions {
        Ok(site)
    } else {
        Err(not_found(State(state.clone())).await)
    }
}

/// A page that only says something, in the site's style.
async fn notice(
    state: &PublicState,
    status: StatusCode,
    title: &str,
    paragraphs: &[&str],
) -> Response {
    match site(&state.pages).await {
        Ok(site) => message(status, &site, title, paragraphs, None, None),
        Err(e) => e.into_response(),
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
    message(
        StatusCode::FORBIDDEN,
        site,
        "Please try again",
        &[
            "This form has expired or was sent from another site. Please go back, reload the page and send it again.",
        ],
        None,
        None,
    )
}

async fn form(State(state): State<PublicState>, headers: HeaderMap) -> Answer {
    let site = subscriptions_site(&state).await?;
    let (token, cookie) = csrf::token(&headers, secure(&state));
    Ok(render(
        StatusCode::OK,
        FormPage {
            site: &site,
            nav: "",
            csrf: &token,
            email: "",
            consent: false,
            error: None,
        },
        cookie,
    ))
}

async fn submit(
    State(state): State<PublicState>,
    client: Client,
    headers: HeaderMap,
    Form(input): Form<SubscribeForm>,
) -> Answer {
    let site = subscriptions_site(&state).await?;
    if !state.subscribe_limiter.take(&client.limit_key()).await {
        let mut response = message(
            StatusCode::TOO_MANY_REQUESTS,
            &site,
            "Too many attempts",
            &[
                "Too many subscription requests came from your network. Please try again in a few minutes.",
            ],
            None,
            None,
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
        )
        .await
    } else {
        Ok(())
    };
    // Whether the address is new, pending or subscribed, and whether it was mailed, the answer
    // is this same redirect: the form must not tell strangers who our subscribers are.
    let (status, retry_after, error) = match result {
        Ok(()) if consent => return Ok(Redirect::to("/subscribe/done").into_response()),
        Ok(()) => (
            StatusCode::BAD_REQUEST,
            None,
            "Please confirm that we may keep your address for sending notifications.".to_owned(),
        ),
        Err(SubscribeError::Storage(e)) => return Ok(unavailable(&site, e)),
        Err(e @ SubscribeError::Busy { retry_after }) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Some(retry_after),
            e.to_string(),
        ),
        Err(e @ SubscribeError::Invalid(_)) => (StatusCode::BAD_REQUEST, None, e.to_string()),
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

async fn done(State(state): State<PublicState>) -> Answer {
    let limits = format!(
        "Nothing after a few minutes? Please look in your spam folder. So that this form cannot be used against anybody's inbox, we send at most {} such mails to one address a day, and each link works for {} hours.",
        subscriptions::OPT_IN_MAILS_PER_RECIPIENT,
        subscriptions::SIGN_UP_VALID_FOR.as_hours()
    );
    let site = subscriptions_site(&state).await?;
    Ok(message(
        StatusCode::OK,
        &site,
        "Please check your inbox",
        &[
            "We are sending a mail with a link to the address you entered. Open it and confirm your subscription; until then you will not receive any notifications.",
            &limits,
        ],
        None,
        None,
    ))
}

async fn confirmed(State(state): State<PublicState>) -> Response {
    notice(&state, StatusCode::OK, "You are subscribed", &[
                "From now on we will mail you when an incident is confirmed, changes or is resolved. Every mail has a link to unsubscribe.",
            ]).await
}

async fn unknown_token(state: PublicState) -> Response {
    notice(&state, StatusCode::NOT_FOUND, "Link not valid", &[
                "This link is not (or no longer) valid. If you have unsubscribed already, there is nothing more to do.",
            ]).await
}

async fn confirm_page(
    State(state): State<PublicState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Answer {
    let site = site(&state.pages).await?;
    let outcome = subscriptions::token_state(&state.services, &token).await;
    Ok(match outcome {
        Err(e) => unavailable(&site, e),
        Ok(TokenState::Unknown) => unknown_token(state).await,
        Ok(TokenState::Expired) => expired_sign_up(&site),
        Ok(TokenState::Active) => already_confirmed(&site),
        Ok(TokenState::Pending) => {
            let (csrf, cookie) = csrf::token(&headers, secure(&state));
            message(
                StatusCode::OK,
                &site,
                "Confirm your subscription",
                &[
                    "One more click: confirm that you want to receive status updates at this address.",
                ],
                Some(Action {
                    url: format!("/subscribe/{token}"),
                    button: "Confirm subscription",
                    csrf,
                }),
                cookie,
            )
        }
    })
}

/// Said with 410 Gone: the link will not work again, but subscribing again will.
fn expired_sign_up(site: &SiteView) -> Response {
    let why = format!(
        "Confirmation links work for {} hours, and this one is older; we have not subscribed this address.",
        subscriptions::SIGN_UP_VALID_FOR.as_hours()
    );
    message(
        StatusCode::GONE,
        site,
        "This link has expired",
        &[
            &why,
            "If you still want status updates by mail, please subscribe again: you will get a new link.",
        ],
        None,
        None,
    )
}

fn already_confirmed(site: &SiteView) -> Response {
    message(
        StatusCode::OK,
        site,
        "Already confirmed",
        &["Your subscription is already confirmed; there is nothing more to do."],
        None,
        None,
    )
}

async fn confirm(
    State(state): State<PublicState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(input): Form<TokenForm>,
) -> Answer {
    let site = site(&state.pages).await?;
    if !csrf::verify(&headers, &input.csrf) {
        return Ok(expired(&site));
    }
    let outcome = subscriptions::confirm(&state.services, &token).await;
    Ok(match outcome {
        Ok(TokenOutcome::Done) => Redirect::to("/subscribe/confirmed").into_response(),
        Ok(TokenOutcome::AlreadyDone) => already_confirmed(&site),
        Ok(TokenOutcome::Expired) => expired_sign_up(&site),
        Ok(TokenOutcome::UnknownToken) => unknown_token(state).await,
        Err(e) => unavailable(&site, e),
    })
}

async fn unsubscribe_page(
    State(state): State<PublicState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Answer {
    let site = site(&state.pages).await?;
    let outcome = subscriptions::token_state(&state.services, &token).await;
    Ok(match outcome {
        Err(e) => unavailable(&site, e),
        Ok(TokenState::Unknown | TokenState::Expired) => unknown_token(state).await,
        Ok(TokenState::Active | TokenState::Pending) => {
            let (csrf, cookie) = csrf::token(&headers, secure(&state));
            message(
                StatusCode::OK,
                &site,
                "Unsubscribe",
                &["Do you want to stop receiving status updates by mail?"],
                Some(Action {
                    url: format!("/unsubscribe/{token}"),
                    button: "Unsubscribe",
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
    let site = site(&state.pages).await?;
    // RFC 8058: the mail client posts without cookies; the unguessable token is the authority.
    let one_click = input.list_unsubscribe.as_deref() == Some("One-Click");
    if !one_click && !csrf::verify(&headers, &input.csrf) {
        return Ok(expired(&site));
    }
    let outcome = subscriptions::unsubscribe(&state.services, &token).await;
    Ok(match outcome {
        Ok(TokenOutcome::Done | TokenOutcome::AlreadyDone) if one_click => message(
            StatusCode::OK,
            &site,
            "You are unsubscribed",
            &["You will not receive any more status updates by mail."],
            None,
            None,
        ),
        Ok(TokenOutcome::Done | TokenOutcome::AlreadyDone) => {
            Redirect::to("/unsubscribe/done").into_response()
        }
        Ok(TokenOutcome::UnknownToken | TokenOutcome::Expired) => unknown_token(state).await,
        Err(e) => unavailable(&site, e),
    })
}

async fn unsubscribed(State(state): State<PublicState>) -> Response {
    notice(
        &state,
        StatusCode::OK,
        "You are unsubscribed",
        &["You will not receive any more status updates by mail. We have deleted your address."],
    )
    .await
}

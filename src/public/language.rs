//! Which language a request to the public site is answered in, and the response headers that
//! go with it: `?lang=` (the language switch's plain links, remembered in a cookie), else the
//! cookie, else the browser's `Accept-Language`, else the site's own language.

use super::views::SiteView;
use crate::i18n::Language;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

const COOKIE: &str = "monostat_lang";

/// The language a request gets, and whether to remember a choice it made.
pub struct Choice {
    pub lang: &'static Language,
    /// `?lang=` named a language the site offers: the cookie that keeps it for the next pages.
    remember: bool,
}

/// `query` is the request's query string, if any.
pub fn choose(site: &SiteView, query: Option<&str>, headers: &HeaderMap) -> Choice {
    if !site.multilingual() {
        return Choice {
            lang: site.default_lang,
            remember: false,
        };
    }
    let asked = query.and_then(|query| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "lang")
            .map(|(_, value)| value.into_owned())
    });
    if let Some(asked) = asked.as_deref()
        && let Some(lang) = offered(site, asked)
    {
        return Choice {
            lang,
            remember: true,
        };
    }
    let remembered = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(COOKIE)?.strip_prefix('='))
        .and_then(|tag| offered(site, tag));
    let lang = remembered.unwrap_or_else(|| {
        site.choose_language(
            None,
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        )
    });
    Choice {
        lang,
        remember: false,
    }
}

fn offered(site: &SiteView, tag: &str) -> Option<&'static Language> {
    site.languages
        .iter()
        .find(|language| language.tag.eq_ignore_ascii_case(tag.trim()))
        .copied()
}

impl Choice {
    /// Says which language the response is in, that another request may get another one, and
    /// remembers a choice made with `?lang=`.
    pub fn mark(&self, site: &SiteView, response: &mut Response) {
        if !site.multilingual() {
            return;
        }
        let headers = response.headers_mut();
        headers.insert(
            header::VARY,
            HeaderValue::from_static("Accept-Encoding, Accept-Language, Cookie"),
        );
        if let Ok(tag) = HeaderValue::from_str(self.lang.tag) {
            headers.insert(header::CONTENT_LANGUAGE, tag);
        }
        if self.remember
            && let Ok(cookie) = HeaderValue::from_str(&format!(
                "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                self.lang.tag
            ))
        {
            headers.append(header::SET_COOKIE, cookie);
        }
    }
}

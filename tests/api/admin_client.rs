//! A minimal browser for the admin pages over plain HTTP: it keeps cookies, does not follow
//! redirects (tests assert them), and fills in each form's CSRF token the way a browser sends
//! the hidden field it was given.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Mutex;

pub struct Browser {
    base: String,
    client: reqwest::Client,
    cookies: Mutex<HashMap<String, String>>,
}

#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    /// The value of the first hidden `csrf` field on the page.
    pub fn csrf(&self) -> String {
        hidden_value(&self.body, "csrf").expect("the page has a form with a CSRF token")
    }

    pub fn contains(&self, text: &str) -> bool {
        self.body.contains(text)
    }
}

/// `name="…" value="…"` of an input, as our templates write them.
pub fn hidden_value(body: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_owned())
}

impl Browser {
    pub fn new(base: &str) -> Self {
        Browser {
            base: base.to_owned(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookies: Mutex::new(HashMap::new()),
        }
    }

    /// A browser at `client`, seen through a reverse proxy on the test's loopback (a trusted
    /// proxy by default), which appends the client's address to `X-Forwarded-For`.
    pub fn behind_proxy(base: &str, client: &str) -> Self {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            reqwest::header::HeaderValue::from_str(client).expect("an address"),
        );
        Browser {
            base: base.to_owned(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .default_headers(headers)
                .build()
                .expect("client"),
            cookies: Mutex::new(HashMap::new()),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .expect("cookies")
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().expect("cookies").get(name).cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies
            .lock()
            .expect("cookies")
            .insert(name.to_owned(), value.to_owned());
    }

    pub fn forget_cookies(&self) {
        self.cookies.lock().expect("cookies").clear();
    }

    async fn read(&self, response: reqwest::Response) -> Page {
        for value in response.headers().get_all(reqwest::header::SET_COOKIE) {
            let text = value.to_str().expect("ascii cookie");
            let pair = text.split(';').next().expect("name=value");
            let (name, value) = pair.split_once('=').expect("name=value");
            let mut jar = self.cookies.lock().expect("cookies");
            if value.is_empty() || text.contains("Max-Age=0") {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
        Page {
            status: response.status().as_u16(),
            location: response
                .headers()
                .get(reqwest::header::LOCATION)
                .map(|v| v.to_str().expect("ascii").to_owned()),
            headers: response.headers().clone(),
            body: response.text().await.expect("body"),
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .send()
            .await
            .expect("GET sent");
        self.read(response).await
    }

    /// Posts exactly these fields.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .form(fields)
            .send()
            .await
            .expect("POST sent");
        self.read(response).await
    }

    /// Uploads one file as a browser does (`multipart/form-data`).
    pub async fn upload(&self, path: &str, field: &str, filename: &str, bytes: &[u8]) -> Page {
        let boundary = "----monostat-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, self.cookie_header())
            .header(
                reqwest::header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .expect("upload sent");
        self.read(response).await
    }

    /// Opens the page with the form, then posts the fields with that page's CSRF token.
    /// Hidden fields other than the token (`based_on`) come along too, as a browser sends them.
    pub async fn submit(&self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.get(form_page).await;
        let csrf = page.csrf();
        let based_on = hidden_value(&page.body, "based_on");
        let mut all = vec![("csrf", csrf.as_str())];
        if let Some(based_on) = based_on.as_deref()
            && !fields.iter().any(|(name, _)| *name == "based_on")
        {
            all.push(("based_on", based_on));
        }
        all.extend_from_slice(fields);
        self.post(action, &all).await
    }

    pub async fn log_in(&self, username: &str, password: &str) -> Page {
        self.submit(
            "/admin/login",
            "/admin/login",
            &[
                ("username", username),
                ("password", password),
                ("next", "/admin/"),
            ],
        )
        .await
    }
}

//! A small WebDriver client for Debian's headless Chromium through `chromedriver`: enough to
//! load pages, run scripts, read the console and take screenshots.

use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Debian's paths; `MONOSTAT_TEST_CHROMIUM` and `MONOSTAT_TEST_CHROMEDRIVER` name others.
fn chromium() -> String {
    std::env::var("MONOSTAT_TEST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
}

fn chromedriver() -> String {
    std::env::var("MONOSTAT_TEST_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into())
}

/// Whether the browser tests can run here. Without Chromium they say "skipped: …" and pass
/// without running, except in CI, where `.ci/run` installs it.
pub fn browser_available() -> bool {
    let (chromium, chromedriver) = (chromium(), chromedriver());
    let present =
        std::path::Path::new(&chromium).exists() && std::path::Path::new(&chromedriver).exists();
    if !present {
        crate::helpers::skip(
            &format!(
                "{chromium} or {chromedriver} is not installed (apt-get install chromium chromium-driver)"
            ),
            "the browser tests would be skipped",
        );
    }
    present
}

pub struct Driver {
    process: Child,
    base: String,
    http: reqwest::Client,
    _profile: tempfile::TempDir,
}

pub struct Session<'a> {
    driver: &'a Driver,
    id: String,
}

#[derive(Clone, Copy, Debug)]
pub enum Viewport {
    Desktop,
    Phone,
}

impl Viewport {
    pub fn width(self) -> u32 {
        match self {
            Self::Desktop => 1280,
            Self::Phone => 390,
        }
    }
}

impl Driver {
    pub async fn start() -> Driver {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
            listener.local_addr().expect("addr").port()
        };
        let process = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver {
            process,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
            _profile: tempfile::tempdir().expect("profile dir"),
        };
        crate::helpers::eventually(Duration::from_secs(20), || async {
            let ready = driver
                .http
                .get(format!("{}/status", driver.base))
                .send()
                .await
                .ok()?;
            let body: Value = ready.json().await.ok()?;
            (body["value"]["ready"] == true).then_some(())
        })
        .await;
        driver
    }

    pub async fn session(&self, viewport: Viewport) -> Session<'_> {
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--hide-scrollbars".into(),
            format!(
                "--user-data-dir={}/{:?}",
                self._profile.path().display(),
                viewport
            ),
        ];
        let mut options = json!({ "binary": chromium() });
        match viewport {
            Viewport::Desktop => args.push("--window-size=1280,900".into()),
            Viewport::Phone => {
                options["mobileEmulation"] = json!({
                    "deviceMetrics": { "width": 390, "height": 844, "pixelRatio": 2.0, "touch": true }
                });
            }
        }
        options["args"] = json!(args);
        let created = self
            .call(
                reqwest::Method::POST,
                "/session",
                Some(json!({ "capabilities": { "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": options,
                    "goog:loggingPrefs": { "browser": "ALL" },
                }}})),
            )
            .await;
        let id = created["sessionId"]
            .as_str()
            .expect("session id")
            .to_owned();
        Session { driver: self, id }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("chromedriver answers");
        let status = response.status();
        let body: Value = response.json().await.expect("json from chromedriver");
        assert!(status.is_success(), "WebDriver {path}: {status} {body}");
        body["value"].clone()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Session<'_> {
    fn path(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.id)
    }

    pub async fn goto(&self, url: &str) {
        self.driver
            .call(
                reqwest::Method::POST,
                &self.path("/url"),
                Some(json!({ "url": url })),
            )
            .await;
    }

    pub async fn run(&self, script: &str) -> Value {
        self.driver
            .call(
                reqwest::Method::POST,
                &self.path("/execute/sync"),
                Some(json!({ "script": script, "args": [] })),
            )
            .await
    }

    /// Runs `script`, which must call `arguments[0]` with its result.
    pub async fn run_async(&self, script: &str) -> Value {
        self.driver
            .call(
                reqwest::Method::POST,
                &self.path("/execute/async"),
                Some(json!({ "script": script, "args": [] })),
            )
            .await
    }

    /// Console messages and browser errors (CSP violations, failed loads) since the last call.
    pub async fn severe_logs(&self) -> Vec<String> {
        let logs = self
            .driver
            .call(
                reqwest::Method::POST,
                &self.path("/se/log"),
                Some(json!({ "type": "browser" })),
            )
            .await;
        logs.as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["level"] == "SEVERE")
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    pub async fn screenshot(&self, file: &std::path::Path) {
        use base64::Engine as _;
        let data = self
            .driver
            .call(reqwest::Method::GET, &self.path("/screenshot"), None)
            .await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().expect("base64 screenshot"))
            .expect("valid base64");
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).expect("screenshot dir");
        }
        std::fs::write(file, png).expect("write screenshot");
    }

    /// The `prefers-color-scheme` the pages see from now on ("light" or "dark"), through
    /// DevTools' `Emulation.setEmulatedMedia`, which chromedriver passes on: unlike a command
    /// line flag it needs no new browser, and it holds for every page this tab loads next.
    pub async fn prefer_color_scheme(&self, scheme: &str) {
        self.driver
            .call(
                reqwest::Method::POST,
                &self.path("/goog/cdp/execute"),
                Some(json!({
                    "cmd": "Emulation.setEmulatedMedia",
                    "params": { "features": [{ "name": "prefers-color-scheme", "value": scheme }] },
                })),
            )
            .await;
    }

    /// Whether a JavaScript dialog (`alert`) is open.
    pub async fn dialog_open(&self) -> bool {
        let response = self
            .driver
            .http
            .get(format!("{}{}", self.driver.base, self.path("/alert/text")))
            .send()
            .await
            .expect("chromedriver answers");
        response.status().is_success()
    }

    /// The WebDriver id of the first element matching the CSS `selector`.
    async fn element(&self, selector: &str) -> String {
        let found = self
            .driver
            .call(
                reqwest::Method::POST,
                &self.path("/element"),
                Some(json!({ "using": "css selector", "value": selector })),
            )
            .await;
        found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {selector}"))
            .to_owned()
    }

    /// Clears the field and types `text` into it, as a person would.
    pub async fn type_into(&self, selector: &str, text: &str) {
        let id = self.element(selector).await;
        self.driver
            .call(
                reqwest::Method::POST,
                &self.path(&format!("/element/{id}/clear")),
                Some(json!({})),
            )
            .await;
        self.driver
            .call(
                reqwest::Method::POST,
                &self.path(&format!("/element/{id}/value")),
                Some(json!({ "text": text })),
            )
            .await;
    }

    pub async fn click(&self, selector: &str) {
        let id = self.element(selector).await;
        self.driver
            .call(
                reqwest::Method::POST,
                &self.path(&format!("/element/{id}/click")),
                Some(json!({})),
            )
            .await;
    }

    pub async fn current_url(&self) -> String {
        self.driver
            .call(reqwest::Method::GET, &self.path("/url"), None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The page's visible text.
    pub async fn text(&self) -> String {
        self.run("return document.body.innerText;")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Adds a virtual FIDO2 security key to the browser (the W3C WebAuthn WebDriver
    /// extension): it answers `navigator.credentials` as a real key would, touch included.
    pub async fn add_security_key(&self) {
        self.driver
            .call(
                reqwest::Method::POST,
                &self.path("/webauthn/authenticator"),
                Some(json!({
                    "protocol": "ctap2",
                    "transport": "usb",
                    "hasResidentKey": false,
                    "hasUserVerification": true,
                    "isUserConsenting": true,
                    "isUserVerified": true,
                })),
            )
            .await;
    }

    /// Waits (up to 10 s) until the page shows `needle`: a click on a submit button returns
    /// before the next page has loaded.
    pub async fn wait_for_text(&self, needle: &str) -> bool {
        for _ in 0..100 {
            if self.text().await.contains(needle) {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        false
    }

    /// Waits (up to 10 s) until `script` returns `true` on the page.
    pub async fn wait_until(&self, script: &str) -> bool {
        for _ in 0..200 {
            if self.run(script).await == Value::Bool(true) {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        false
    }

    pub async fn close(self) {
        self.driver
            .call(reqwest::Method::DELETE, &self.path(""), None)
            .await;
    }
}

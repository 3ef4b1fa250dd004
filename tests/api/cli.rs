//! The `monostat` binary as an admin runs it.

use crate::helpers::{Backend, Hooks, TestDatabase, eventually};
use crate::on_both_backends;
use monostat::storage::{Db, users};
use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// The binary with a clean environment pointing at `db`.
fn monostat(db: &TestDatabase) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_monostat"));
    command.env_clear().envs(db.env());
    command
}

fn run_with_stdin(mut command: Command, stdin: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("monostat starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("monostat finishes")
}

fn stderr_line(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.trim_end().lines().collect();
    assert_eq!(lines.len(), 1, "expected one line on stderr, got: {stderr}");
    lines[0].to_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

#[tokio::test]
async fn each_bad_configuration_value_stops_start_up_with_one_line_and_status_2() {
    let db = TestDatabase::new(Backend::Sqlite).await;
    let cases = [
        (
            "MONOSTAT_DB_TYPE",
            "mysql",
            r#"expected "sqlite" or "postgresql""#,
        ),
        (
            "MONOSTAT_DB_PORT",
            "fivefourthreetwo",
            "expected a port number",
        ),
        ("MONOSTAT_REDIS_PORT", "0", "expected a port number"),
        (
            "MONOSTAT_METRICS",
            "maybe",
            "expected 1 to serve /metrics, or 0",
        ),
        ("MONOSTAT_MAIL_PORT", "99999", "expected a port number"),
        (
            "MONOSTAT_TIME_ZONE",
            "Europe/Atlantis",
            "expected an IANA time zone name",
        ),
        (
            "MONOSTAT_SITE_URL",
            "status.example.com",
            "expected an absolute http:// or https:// URL",
        ),
        (
            "MONOSTAT_LISTEN",
            "everywhere",
            "expected an address and port",
        ),
        ("NUM_WORKERS", "many", "expected a whole number"),
        ("MONOSTAT_MAIL_TLS", "sometimes", "expected true or false"),
        ("AUTOMIGRATE", "later", "expected \"skip\""),
        (
            "MONOSTAT_WEBHOOK_SECRET",
            "short",
            "expected at least 16 characters",
        ),
        (
            "MONOSTAT_LOG_FORMAT",
            "yaml",
            "expected \"text\" or \"json\"",
        ),
    ];
    for (variable, value, expected) in cases {
        let mut command = monostat(&db);
        command.arg("serve").env(variable, value);
        if variable == "MONOSTAT_DB_PORT" {
            command.env("MONOSTAT_DB_TYPE", "postgresql");
        }
        if variable == "MONOSTAT_REDIS_PORT" {
            command.env("MONOSTAT_REDIS_HOST", "localhost");
        }

        let output = command.output().expect("monostat runs");

        assert_eq!(output.status.code(), Some(2), "{variable}={value}");
        let line = stderr_line(&output);
        assert!(
            line.starts_with(&format!("monostat: {variable}: ")) && line.contains(expected),
            "{variable}={value}: {line}"
        );
    }
}

on_both_backends!(
    logs_name_routes_never_secrets,
    createsuperuser_creates_an_admin_from_a_script,
    createsuperuser_refuses_bad_input_with_one_line_and_status_2,
    serve_runs_on_the_configured_database_and_stops_on_sigterm,
    automigrate_skip_starts_without_migrating,
);

async fn createsuperuser_creates_an_admin_from_a_script(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let mut command = monostat(&db);
    command.args([
        "createsuperuser",
        "--username",
        "alice",
        "--email",
        "alice@example.com",
        "--password-stdin",
    ]);

    let output = run_with_stdin(command, "correct horse battery\n");

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "Superuser \"alice\" created.\n"
    );
    let storage = Db::connect(&db.database_config()).await.expect("connect");
    let alice = users::by_username(&mut storage.acquire().await.expect("conn"), "alice")
        .await
        .expect("query")
        .expect("alice was created");
    assert_eq!(alice.email, "alice@example.com");
    assert!(alice.active);
    assert!(alice.password_hash.starts_with("$argon2id$"));
    assert!(monostat::accounts::verify_password(
        "correct horse battery",
        &alice.password_hash
    ));
    storage.close().await;
}

async fn createsuperuser_refuses_bad_input_with_one_line_and_status_2(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let create = |username: &str, stdin: &str| {
        let mut command = monostat(&db);
        command.args([
            "createsuperuser",
            "--username",
            username,
            "--password-stdin",
        ]);
        run_with_stdin(command, stdin)
    };
    assert!(create("alice", "first password\n").status.success());

    let cases = [
        (
            create("alice", "another password\n"),
            "a user named \"alice\" already exists",
        ),
        (create("bob", "\n"), "the password must not be empty"),
        (create("bob", ""), "standard input was empty"),
        (create("bob", "short\n"), "at least 8 characters"),
        (
            create("bob smith", "long enough\n"),
            "may only contain letters",
        ),
    ];
    for (output, expected) in cases {
        assert_eq!(output.status.code(), Some(2), "{expected}");
        let line = stderr_line(&output);
        assert!(
            line.starts_with("monostat: ") && line.contains(expected),
            "{line}"
        );
    }

    // Without --password-stdin and without a terminal there is nobody to ask.
    let mut command = monostat(&db);
    command.args(["createsuperuser", "--username", "carol"]);
    let output = run_with_stdin(command, "");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_line(&output).contains("use --password-stdin"));

    let storage = Db::connect(&db.database_config()).await.expect("connect");
    let mut conn = storage.acquire().await.expect("conn");
    for refused in ["bob", "bob smith", "carol"] {
        assert!(
            users::by_username(&mut conn, refused)
                .await
                .expect("query")
                .is_none(),
            "{refused}"
        );
    }
    drop(conn);
    storage.close().await;
}

async fn serve_runs_on_the_configured_database_and_stops_on_sigterm(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let port = free_port();
    let child = monostat(&db)
        .env("MONOSTAT_LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("monostat starts");

    assert_eq!(health(port).await, 200);
    if backend == Backend::Sqlite {
        assert!(db.data_dir.path().join("monostat.db").exists());
    }
    let exit = stop(child);
    assert!(exit.success(), "SIGTERM is a clean stop, got {exit:?}");
}

async fn logs_name_routes_never_secrets(backend: Backend) {
    const SECRET: &str = "hook-secret-that-must-stay-out-of-logs-0123456789";
    const TOKEN: &str = "subscriber-token-that-must-stay-out-of-logs";
    let db = TestDatabase::new(backend).await;
    let port = free_port();
    let log_path = db.data_dir.path().join("stderr.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let mut child = monostat(&db)
        .env("MONOSTAT_LISTEN", format!("127.0.0.1:{port}"))
        .env("MONOSTAT_WEBHOOK_SECRET", SECRET)
        .stdout(Stdio::null())
        .stderr(Stdio::from(log))
        .spawn()
        .expect("monostat starts");
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    eventually(Duration::from_secs(30), || {
        let client = client.clone();
        let url = format!("{base}/healthz");
        async move { client.get(url).send().await.ok() }
    })
    .await;
    let create = include_str!("../fixtures/opsgenie_create.json");
    assert_eq!(Hooks::at(&base, SECRET).opsgenie(create).await.0, 200);
    client
        .get(format!("{base}/unsubscribe/{TOKEN}"))
        .send()
        .await
        .expect("sent");
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    eventually(Duration::from_secs(30), || {
        let exit = child.try_wait().expect("wait");
        async move { exit }
    })
    .await;
    let logged = std::fs::read_to_string(&log_path).expect("log");
    assert!(
        logged.contains("/integrations/opsgenie/hook/{secret}"),
        "the request is logged by its route: {logged}"
    );
    assert!(!logged.contains(SECRET), "the hook secret leaked: {logged}");
    assert!(
        !logged.contains(TOKEN),
        "a subscriber token leaked: {logged}"
    );
    assert!(!logged.contains('\u{1b}'), "no colour codes in a file");
}

async fn automigrate_skip_starts_without_migrating(backend: Backend) {
    let db = TestDatabase::new(backend).await;

    // On an empty database, skipping migrations cannot work: say so, and create nothing.
    let output = monostat(&db)
        .args(["createsuperuser", "--username", "alice", "--password-stdin"])
        .env("AUTOMIGRATE", "skip")
        .stdin(Stdio::null())
        .output()
        .expect("monostat runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_line(&output).contains("run `monostat migrate`"));
    let storage = Db::connect(&db.database_config()).await.expect("connect");
    assert!(
        !storage.is_schema_current().await.expect("check"),
        "nothing was migrated"
    );

    let migrated = monostat(&db).arg("migrate").output().expect("migrate runs");
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    assert!(storage.is_schema_current().await.expect("check"));
    storage.close().await;

    let mut command = monostat(&db);
    command
        .args(["createsuperuser", "--username", "alice", "--password-stdin"])
        .env("AUTOMIGRATE", "skip");
    let output = run_with_stdin(command, "long enough\n");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn version_prints_the_version() {
    let output = Command::new(env!("CARGO_BIN_EXE_monostat"))
        .arg("version")
        .env_clear()
        .output()
        .expect("runs");
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("monostat {}\n", env!("CARGO_PKG_VERSION"))
    );
}

on_both_backends!(simulate_alert_opens_an_incident_and_dismisses_it_on_enter);

async fn simulate_alert_opens_an_incident_and_dismisses_it_on_enter(backend: Backend) {
    use monostat::domain::IncidentStatus;
    use monostat::storage::{alerts, incidents};

    let db = TestDatabase::new(backend).await;
    let app = crate::helpers::TestApp::spawn(&db).await;
    // Stored PagerDuty and Grafana secrets (Grafana's over `timestamp:body`): the server refuses
    // unsigned deliveries to those hooks, so the simulated ones pass only if signed with them.
    {
        use monostat::storage::integrations;
        let mut conn = app.handle.db.acquire().await.expect("conn");
        let mut settings = integrations::get(&mut conn).await.expect("settings");
        settings.pagerduty_signing_secret = "fake-pagerduty-signing-secret-cli".into();
        settings.grafana_secret = "fake-grafana-secret-cli".into();
        settings.grafana_timestamp_header = "X-Grafana-Alerting-Signature-Timestamp".into();
        integrations::save(&mut conn, &settings)
            .await
            .expect("save");
        app.handle.changes.notify();
    }
    for (flag, source) in [
        (None, "opsgenie"),
        (Some("--alertmanager"), "alertmanager"),
        (Some("--webhook"), "webhook"),
        (Some("--pagerduty"), "pagerduty"),
    ] {
        let mut command = monostat(&db);
        command
            .args(["simulate-alert", "--url", &app.base_url])
            .args(flag);
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("monostat starts");

        // Before Enter: a suspected incident with the simulated alert.
        let incident = eventually(Duration::from_secs(30), || async {
            let mut conn = app.handle.db.acquire().await.expect("conn");
            incidents::all(&mut conn)
                .await
                .expect("incidents")
                .into_iter()
                .find(|i| i.status == IncidentStatus::Suspected)
        })
        .await;
        let attached = alerts::for_incident(
            &mut app.handle.db.acquire().await.expect("conn"),
            incident.id,
        )
        .await
        .expect("alerts");
        assert_eq!(attached.len(), 1, "{source}");
        assert_eq!(attached[0].source, source);
        assert!(attached[0].external_id.starts_with("simulated-"));

        // Enter closes it again.
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(b"\n")
            .expect("press Enter");
        let output = child.wait_with_output().expect("monostat finishes");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(String::from_utf8_lossy(&output.stdout).contains("is closed"));
        let after = app.incident(incident.id).await;
        assert_eq!(after.status, IncidentStatus::Dismissed, "{source}");
    }
    app.stop().await;
}

#[tokio::test]
async fn simulate_alert_says_clearly_when_no_server_answers() {
    let db = TestDatabase::new(Backend::Sqlite).await;
    let output = monostat(&db)
        .args([
            "simulate-alert",
            "--url",
            &format!("http://127.0.0.1:{}", free_port()),
        ])
        .stdin(Stdio::null())
        .output()
        .expect("monostat runs");
    assert_eq!(output.status.code(), Some(1));
    let line = stderr_line(&output);
    assert!(
        line.starts_with("monostat: cannot reach http://127.0.0.1:"),
        "{line}"
    );
    assert!(
        line.contains("/integrations/opsgenie/hook/…"),
        "the secret stays out of messages: {line}"
    );
}

/// Waits for `GET /healthz` on `port` to answer, and returns its status.
async fn health(port: u16) -> reqwest::StatusCode {
    let client = reqwest::Client::new();
    eventually(Duration::from_secs(30), || {
        let client = client.clone();
        async move {
            let response = client
                .get(format!("http://127.0.0.1:{port}/healthz"))
                .send()
                .await
                .ok()?;
            Some(response.status())
        }
    })
    .await
}

fn stop(mut child: std::process::Child) -> std::process::ExitStatus {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    let started = std::time::Instant::now();
    loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            return exit;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "monostat did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

// A compose file written for the original's image starts it with `all` or `web`.
#[tokio::test]
async fn the_originals_all_and_web_arguments_serve_the_page() {
    for argument in ["all", "web"] {
        let db = TestDatabase::new(Backend::Sqlite).await;
        let port = free_port();
        let child = monostat(&db)
            .arg(argument)
            .env("MONOSTAT_LISTEN", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("monostat starts");
        assert_eq!(health(port).await, 200, "monostat {argument}");
        assert!(stop(child).success(), "monostat {argument}");
    }
}

on_both_backends!(the_originals_worker_argument_runs_jobs_without_serving);

/// The original's `worker` container beside `web`: it sends what the web instance queued,
/// and takes no port.
async fn the_originals_worker_argument_runs_jobs_without_serving(backend: Backend) {
    use monostat::changes::Changes;
    use monostat::jobs::{JobRegistry, Jobs, WorkerSettings};
    use monostat::service::{Services, subscriptions};

    let db = TestDatabase::new(backend).await;
    let migrated = monostat(&db).arg("migrate").output().expect("runs");
    assert!(migrated.status.success());
    // Queued as the web instance would queue it; nothing in this process runs jobs.
    let storage = Db::connect(&db.database_config()).await.expect("connect");
    let services = Services {
        db: storage.clone(),
        jobs: Jobs::new(
            storage.clone(),
            JobRegistry::default(),
            WorkerSettings::default(),
        ),
        changes: Changes::new(),
    };
    subscriptions::subscribe(&services, "reader@example.com", 10, "en")
        .await
        .expect("subscribed");
    storage.close().await;

    let port = free_port();
    let worker = monostat(&db)
        .arg("worker")
        .env("MONOSTAT_LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("monostat worker starts");
    let outbox = db.data_dir.path().join("outbox");
    let mail = eventually(Duration::from_secs(30), || {
        let outbox = outbox.clone();
        async move {
            let entry = std::fs::read_dir(&outbox).ok()?.flatten().next()?;
            std::fs::read_to_string(entry.path()).ok()
        }
    })
    .await;
    assert!(mail.contains("To: reader@example.com"), "{mail}");
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "a worker serves no requests"
    );
    assert!(stop(worker).success(), "SIGTERM stops a worker cleanly");
}

on_both_backends!(the_originals_opsgenie_simulate_alert_command_still_works);

async fn the_originals_opsgenie_simulate_alert_command_still_works(backend: Backend) {
    use monostat::domain::IncidentStatus;
    use monostat::storage::incidents;

    let db = TestDatabase::new(backend).await;
    let app = crate::helpers::TestApp::spawn(&db).await;
    let output = run_with_stdin(
        {
            let mut command = monostat(&db);
            command.args(["opsgenie_simulate_alert", "--url", &app.base_url]);
            command
        },
        "\n",
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("is closed"));
    let mut conn = app.handle.db.acquire().await.expect("conn");
    let all = incidents::all(&mut conn).await.expect("incidents");
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].status, IncidentStatus::Dismissed);
    drop(conn);
    app.stop().await;
}

//! `monostat import-django`, run as an admin runs it, on a database of the original (Django)
//! monostat made by its own migrations: everything arrives, and what the outside world holds
//! (incident URLs, unsubscribe links, the OpsGenie hook URL, passwords) keeps working.

use crate::admin_client::Browser;
use crate::helpers::{Backend, Hooks, TestApp, TestDatabase, postgres_available};
use crate::on_both_backends;
use std::process::{Command, Output};

/// 205 incidents (one dismissed) with 411 updates and 2 alerts, 25 subscribers (20 active),
/// settings, and the user `admin` with the password below. A copy of the shared sample, so a
/// clone tests on its own.
const ORIGINAL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/monostat-django.sqlite3"
);
const ADMIN_PASSWORD: &str = "monostat-import-test";
const OPSGENIE_SECRET: &str = "v8OjfuMRKxeJU3Oe5bUBSbvA3oGEUD1eOkw3AummNJw1dOZwYAsZKmcaPfpsH4RQ";
const IMPORTED: &str = "Imported 205 incidents (411 updates, 2 alerts), 25 subscribers (20 active), 1 user.\n\
    Settings: site, notifications, alert-hook secret (the OpsGenie URL stays the same), Slack, every admin needs a second factor.\n\
    Note: no second factor here for admin: asked to set one up right after the password at the next login\n";

fn original() -> String {
    let path = std::path::Path::new(ORIGINAL);
    assert!(
        path.is_file(),
        "the original's sample database is missing: {ORIGINAL}"
    );
    format!(
        "sqlite://{}",
        std::fs::canonicalize(path).expect("path").display()
    )
}

fn import(db: &TestDatabase, from: &str, extra: &[&str]) -> Output {
    import_for(db, from, extra, None)
}

/// The import as run for the site at `site_url` (`MONOSTAT_SITE_URL`).
fn import_for(db: &TestDatabase, from: &str, extra: &[&str], site_url: Option<&str>) -> Output {
    Command::new(env!("CARGO_BIN_EXE_monostat"))
        .env_clear()
        .envs(db.env())
        .envs(site_url.map(|url| ("MONOSTAT_SITE_URL", url)))
        .args(["import-django", "--from", from])
        .args(extra)
        .output()
        .expect("monostat runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn scalar(app: &TestApp, sql: &'static str) -> i64 {
    let mut conn = app.handle.db.acquire().await.expect("conn");
    sqlx::query_scalar(sql)
        .fetch_one(&mut *conn)
        .await
        .expect("query")
}

/// The original's "Database upgrade", planned for four days ago, never ended by itself there;
/// here the clock completes it as the server starts (one more update), telling nobody.
async fn completed_by_the_clock(app: &TestApp) {
    crate::helpers::eventually(std::time::Duration::from_secs(30), || async {
        (scalar(
            app,
            "SELECT COUNT(*) FROM incidents WHERE status = 'planned'",
        )
        .await
            == 0)
            .then_some(())
    })
    .await;
}

/// What an admin and the public see after the import.
async fn everything_arrived(app: &TestApp) {
    completed_by_the_clock(app).await;
    for (sql, expected) in [
        ("SELECT COUNT(*) FROM incidents", 205),
        (
            "SELECT COUNT(*) FROM incidents WHERE status = 'dismissed'",
            1,
        ),
        ("SELECT COUNT(*) FROM incident_updates", 412),
        ("SELECT COUNT(*) FROM incoming_alerts", 2),
        ("SELECT COUNT(*) FROM subscribers", 25),
        ("SELECT COUNT(*) FROM subscribers WHERE active = 1", 20),
        ("SELECT COUNT(*) FROM users", 1),
    ] {
        assert_eq!(scalar(app, sql).await, expected, "{sql}");
    }

    // The public URL of an incident is what it was: the start date and the original's id.
    let page = app.get("/2026-11-24/1").await;
    assert_eq!(page.status(), 200);
    let body = page.text().await.expect("page");
    assert!(body.contains("Checkout slow for some customers"), "{body}");
    assert!(body.contains("<strong>elevated error rates</strong>"));
    assert!(body.contains("Update 1: we are <em>investigating</em> the issue"));
    let home = app.get("/").await.text().await.expect("page");
    assert!(home.contains("Example Shop"), "the site's name");
    assert!(
        home.contains("Checkout slow for some customers"),
        "the open incident"
    );

    // The hook URL pasted into OpsGenie years ago still answers.
    let hooks = Hooks::at(&app.base_url, OPSGENIE_SECRET);
    let create = include_str!("../fixtures/opsgenie_create.json");
    assert_eq!(hooks.opsgenie(create).await.0, 200);

    // The admin logs in with the password they always had; it is re-hashed on the way.
    let browser = Browser::new(&app.base_url);
    let page = browser.log_in("admin", ADMIN_PASSWORD).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let hash: String = {
        let mut conn = app.handle.db.acquire().await.expect("conn");
        sqlx::query_scalar("SELECT password_hash FROM users WHERE username = 'admin'")
            .fetch_one(&mut *conn)
            .await
            .expect("hash")
    };
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    let again = Browser::new(&app.base_url);
    assert!(
        again
            .log_in("admin", "monostat-import-tesT")
            .await
            .contains("Wrong username or password.")
    );
    assert_eq!(again.log_in("admin", ADMIN_PASSWORD).await.status, 303);

    // An unsubscribe link from a mail the original sent.
    let link = app
        .client
        .post(format!("{}/unsubscribe/QalxBZH8Haf67Oyx", app.base_url))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .expect("sent");
    assert_eq!(link.status(), 200);
    assert!(
        link.text()
            .await
            .expect("body")
            .contains("You are unsubscribed")
    );
    assert_eq!(
        scalar(
            app,
            "SELECT COUNT(*) FROM subscribers WHERE email = 'subscriber2@example.com'"
        )
        .await,
        0
    );
}

on_both_backends!(
    the_original_moves_over_and_a_second_run_changes_nothing,
    a_database_with_incidents_of_its_own_is_refused_unless_forced,
    what_is_not_an_original_database_is_refused_and_changes_nothing,
);

async fn the_original_moves_over_and_a_second_run_changes_nothing(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let output = import(&db, &original(), &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), IMPORTED);

    let again = import(&db, &original(), &[]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(
        text(&again.stdout),
        "Already imported: every incident of the original is here. Nothing changed.\n"
    );
    // Forced again, the same incidents are recognised as such, not as others in the way.
    let forced = import(&db, &original(), &["--force"]);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    assert!(
        text(&forced.stdout).starts_with(
            "Imported 0 incidents (0 updates, 0 alerts), 0 subscribers (0 active), 0 users.\nLeft out 205 incidents here from an earlier import.\n"
        ),
        "{}",
        text(&forced.stdout)
    );

    let app = TestApp::spawn(&db).await;
    // New incidents continue after the original's ids.
    let next: i64 = {
        let mut conn = app.handle.db.acquire().await.expect("conn");
        sqlx::query_scalar(
            "INSERT INTO incidents (status, severity, start_at, title, created_at, updated_at)
             VALUES ('confirmed', 'notice', 0, 'New', 0, 0) RETURNING id",
        )
        .fetch_one(&mut *conn)
        .await
        .expect("insert")
    };
    assert_eq!(next, 206);
    sqlx::query("DELETE FROM incidents WHERE id = 206")
        .execute(&mut *app.handle.db.acquire().await.expect("conn"))
        .await
        .expect("delete");
    everything_arrived(&app).await;
    app.stop().await;
}

async fn a_database_with_incidents_of_its_own_is_refused_unless_forced(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    {
        let mut conn = app.handle.db.acquire().await.expect("conn");
        sqlx::query(
            "INSERT INTO incidents (status, severity, start_at, title, created_at, updated_at)
             VALUES ('resolved', 'notice', 0, 'Ours', 0, 0)",
        )
        .execute(&mut *conn)
        .await
        .expect("insert");
        // Somebody the original also mails, subscribed here already.
        sqlx::query(
            "INSERT INTO subscribers (email, active, token, created_at)
             VALUES ('Subscriber1@example.com', 1, 'ours-0123456789abcdef0123456789', 0)",
        )
        .execute(&mut *conn)
        .await
        .expect("insert");
    }
    let refused = import(&db, &original(), &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).starts_with(
            "monostat: this database already has 1 incident that did not come from this original monostat (a trial run?); nothing was imported. Import into a new, empty database, or use --force"
        ),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM incidents").await, 1);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM subscribers").await, 1);

    let forced = import(&db, &original(), &["--force"]);
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    let report = text(&forced.stdout);
    // Ours took id 1, so the original's incident 1 (and its 3 updates, 1 alert) stay out.
    assert!(
        report.starts_with("Imported 204 incidents (408 updates, 1 alert), 24 subscribers (19 active), 1 user.\nLeft out 1 incident (ids taken here by other incidents).\n"),
        "{report}"
    );
    assert!(
        report.contains("Note: left out 1 subscriber already here (the same token, or the address subscribed), so nobody is mailed twice\n"),
        "{report}"
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM subscribers WHERE LOWER(email) = 'subscriber1@example.com'"
        )
        .await,
        1
    );
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM incidents").await, 205);
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM incidents WHERE title = 'Ours'").await,
        1
    );
    app.stop().await;
}

async fn what_is_not_an_original_database_is_refused_and_changes_nothing(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let ours = db.data_dir.path().join("ours.db");
    std::fs::write(&ours, b"").expect("an empty SQLite file");
    let cases = [
        (
            "/nonexistent/monostat.sqlite3".to_owned(),
            "monostat: --from: /nonexistent/monostat.sqlite3 is not a file\n".to_owned(),
        ),
        (
            "mysql://monostat@db/monostat".to_owned(),
            "monostat: --from: \"mysql://monostat@db/monostat\": expected postgres://user:password@host/database, sqlite:///path/to/db.sqlite3 or a file path\n".to_owned(),
        ),
        (
            format!("sqlite://{}", ours.display()),
            "monostat: reading core_siteconfiguration: error returned from database: (code: 1) no such table: core_siteconfiguration (is this an original monostat database?)\n".to_owned(),
        ),
    ];
    for (from, expected) in cases {
        let output = import(&db, &from, &[]);
        assert_eq!(output.status.code(), Some(2), "{from}");
        assert_eq!(text(&output.stderr), expected, "{from}");
        assert!(output.stdout.is_empty());
    }
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM incidents").await, 0);
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM users").await, 0);
    app.stop().await;
}

/// The original's PostgreSQL schema as Django makes it (integer ids, `timestamp with time
/// zone`, `boolean`, `jsonb`), filled with the sample database's rows (but for text that is not
/// JSON, which a `jsonb` column cannot hold).
const TO_POSTGRES: &str = r#"
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
tables = ["auth_user", "core_siteconfiguration", "core_incident", "core_incidentupdate",
          "core_incomingalert", "notifications_notificationconfiguration",
          "notifications_subscriber", "opsgenie_opsgenieconfiguration", "slack_slackconfiguration",
          "multifactor_userkey"]
def pg_type(table, column, declared):
    # Django's JSONField is jsonb on PostgreSQL.
    if (table, column) == ("multifactor_userkey", "properties"): return "jsonb"
    d = declared.lower()
    if d == "datetime": return "timestamp with time zone"
    if d == "bool": return "boolean"
    return d
def literal(value, declared):
    if value is None: return "NULL"
    if declared.lower() == "bool": return "true" if value else "false"
    if isinstance(value, int): return str(value)
    text = str(value).replace("'", "''")
    return "'" + text + ("+00'" if declared.lower() == "datetime" else "'")
for table in tables:
    columns = db.execute(f'PRAGMA table_info("{table}")').fetchall()
    ddl = ", ".join(f'"{c[1]}" {pg_type(table, c[1], c[2])}' + (" PRIMARY KEY" if c[5] else "") for c in columns)
    print(f'CREATE TABLE "{table}" ({ddl});')
    names = ", ".join(f'"{c[1]}"' for c in columns)
    for row in db.execute(f'SELECT * FROM "{table}"'):
        types = [pg_type(table, c[1], c[2]) for c in columns]
        try:
            [json.loads(v) for v, t in zip(row, types) if t == "jsonb" and v is not None]
        except ValueError:
            continue
        values = ", ".join(literal(v, c[2]) for v, c in zip(row, columns))
        print(f'INSERT INTO "{table}" ({names}) VALUES ({values});')
"#;

/// The SQLite original at `path` copied into a new PostgreSQL database (dropped with the
/// returned value), and its URL.
async fn on_postgresql(path: &str) -> (TestDatabase, String) {
    let script = Command::new("python3")
        .args(["-c", TO_POSTGRES, path])
        .output()
        .expect("python3 runs");
    assert!(script.status.success(), "{}", text(&script.stderr));
    let original_db = TestDatabase::new(Backend::Postgres).await;
    let original_url = original_db.postgres_url().expect("a PostgreSQL database");
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&original_url)
        .await
        .expect("connect");
    sqlx::raw_sql(sqlx::AssertSqlSafe(text(&script.stdout)))
        .execute(&mut conn)
        .await
        .expect("the original's tables");
    (original_db, original_url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_original_on_postgresql_moves_over_alike() {
    if !postgres_available() {
        return;
    }
    let (_original_db, original_url) = on_postgresql(ORIGINAL).await;

    // From PostgreSQL into SQLite, compared with the same import from the SQLite original.
    let from_postgres = TestDatabase::new(Backend::Sqlite).await;
    let output = import(&from_postgres, &original_url, &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), IMPORTED);
    let from_sqlite = TestDatabase::new(Backend::Sqlite).await;
    assert!(import(&from_sqlite, &original(), &[]).status.success());
    // The servers complete imported maintenance whose window has passed as they start, each at
    // its own moment: what they add is left out of the comparison.
    let imported = jiff::Timestamp::now().as_microsecond();
    let a = TestApp::spawn(&from_postgres).await;
    let b = TestApp::spawn(&from_sqlite).await;
    completed_by_the_clock(&a).await;
    completed_by_the_clock(&b).await;
    let updates = format!(
        "SELECT CAST(SUM(created_at) AS TEXT) || '/' || CAST(COUNT(new_status) AS TEXT) FROM incident_updates WHERE created_at < {imported}"
    );
    for sql in [
        "SELECT CAST(SUM(start_at) AS TEXT) || '/' || CAST(SUM(COALESCE(end_at, 0)) AS TEXT) || '/' || CAST(SUM(created_at) AS TEXT) FROM incidents",
        updates.as_str(),
        "SELECT GROUP_CONCAT(token, ',') FROM (SELECT token FROM subscribers ORDER BY token)",
        "SELECT GROUP_CONCAT(CAST(silent AS TEXT) || status || severity, ',') FROM (SELECT * FROM incidents ORDER BY id)",
    ] {
        let read = |app: &TestApp| {
            let db = app.handle.db.clone();
            async move {
                let mut conn = db.acquire().await.expect("conn");
                sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql.to_owned()))
                    .fetch_one(&mut *conn)
                    .await
                    .expect("query")
            }
        };
        assert_eq!(read(&a).await, read(&b).await, "{sql}");
    }
    everything_arrived(&a).await;
    a.stop().await;
    b.stop().await;
}

/// Decision: the import keeps what the original allowed although today's rules refuse it (a
/// title over 200 characters), and says so; it refuses only a title that is missing, naming the
/// incident, and then imports nothing.
async fn titles_the_original_allowed_are_kept_and_a_missing_one_is_refused(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let app = TestApp::spawn(&db).await;
    let dir = tempfile::tempdir().expect("dir");
    let copy = dir.path().join("original.sqlite3");
    std::fs::copy(ORIGINAL, &copy).expect("copy of the original");
    let from = format!("sqlite://{}", copy.display());
    let set_title = |title: String| {
        let from = from.clone();
        async move {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let mut conn = sqlx::AnyConnection::connect(&from).await.expect("copy");
            sqlx::query("UPDATE core_incident SET title = $1 WHERE id = 2")
                .bind(title)
                .execute(&mut conn)
                .await
                .expect("title set");
            conn.close().await.expect("closed");
        }
    };

    set_title(String::new()).await;
    let output = import(&db, &from, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stderr),
        "monostat: incident 2: title: Give the incident a title; nothing was imported\n"
    );
    assert_eq!(scalar(&app, "SELECT COUNT(*) FROM incidents").await, 0);

    let long = "A long title from the original ".repeat(8);
    set_title(long.clone()).await;
    let output = import(&db, &from, &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains(
            "Note: incident 2: title: At most 200 characters (kept as the original has it; a \
             new value must follow today's rules)\n"
        ),
        "{}",
        text(&output.stdout)
    );
    let page = app.get("/2026-11-24/2").await.text().await.expect("page");
    assert!(page.contains(long.trim()), "{page}");
    app.stop().await;
}

on_both_backends!(titles_the_original_allowed_are_kept_and_a_missing_one_is_refused);

/// The sample with django-multifactor's factors (tests/fixtures/make-multifactor-fixture.py):
/// the admin's authenticator app and security key for localhost, a key turned off, and bob's
/// key for another site and unreadable rows.
const WITH_FACTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/monostat-django-factors.sqlite3"
);
/// The fixture's TOTP secret: base32 of RFC 6238's "12345678901234567890".
const TOTP_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
/// The fixture security key's private key (test only) and credential id.
const KEY_PEM: &[u8] = include_bytes!("../fixtures/fido2-test-key.pem");
const IMPORTED_FACTORS: &str = "Imported 205 incidents (411 updates, 2 alerts), 25 subscribers (20 active), 2 users.\n\
    Second factors: imported 1 authenticator app and 1 security key, left out 6.\n\
    Settings: site, notifications, alert-hook secret (the OpsGenie URL stays the same), Slack, every admin needs a second factor.\n\
    Note: admin's security key \"Lost key\" was turned off in the original; left out\n\
    Note: bob's security key \"Old site key\" was added for status.old.example, not for localhost (MONOSTAT_SITE_URL); left out: a security key works only for the site it was added on\n\
    Note: bob's security key (multifactor_userkey 5) was left out: its device is not websafe base64\n\
    Note: bob's security key (multifactor_userkey 6) was left out: its public key is not valid CBOR\n\
    Note: bob's second factor (multifactor_userkey 7) was left out: its type \"U2F\" is neither TOTP nor FIDO2\n\
    Note: bob's authenticator app (multifactor_userkey 8) was left out: its properties are not JSON\n\
    Note: no second factor here for bob: asked to set one up right after the password at the next login\n";

fn credential_id() -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(b"monostat fixture security key").to_vec()
}

fn websafe(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What a security key holding the fixture's key answers to the server's challenge: the
/// WebAuthn assertion (§7.2), signed with ES256 over the authenticator data and the client
/// data's hash.
fn assertion(options: &serde_json::Value, origin: &str, counter: u32) -> String {
    signed_assertion(options, origin, counter, 0x01)
}

/// The same with the authenticator data's `flags`: 0x01 user present, 0x08 backup eligible
/// (a passkey that syncs), 0x10 backed up.
fn signed_assertion(options: &serde_json::Value, origin: &str, counter: u32, flags: u8) -> String {
    use sha2::Digest;
    let options = &options["publicKey"];
    let rp_id = options["rpId"].as_str().expect("rpId");
    let client_data = serde_json::json!({
        "type": "webauthn.get",
        "challenge": options["challenge"].as_str().expect("challenge"),
        "origin": origin,
        "crossOrigin": false,
    })
    .to_string();
    let mut authenticator_data = sha2::Sha256::digest(rp_id.as_bytes()).to_vec();
    authenticator_data.push(flags);
    authenticator_data.extend(counter.to_be_bytes());
    let mut signed = authenticator_data.clone();
    signed.extend(sha2::Sha256::digest(client_data.as_bytes()));
    let key = openssl::pkey::PKey::private_key_from_pem(KEY_PEM).expect("the fixture key");
    let mut signer =
        openssl::sign::Signer::new(openssl::hash::MessageDigest::sha256(), &key).expect("signer");
    let signature = signer.sign_oneshot_to_vec(&signed).expect("signed");
    let id = websafe(&credential_id());
    serde_json::json!({
        "id": id,
        "rawId": id,
        "type": "public-key",
        "response": {
            "authenticatorData": websafe(&authenticator_data),
            "clientDataJSON": websafe(client_data.as_bytes()),
            "signature": websafe(&signature),
            "userHandle": null,
        },
        "extensions": {},
    })
    .to_string()
}

/// A server reached as `localhost` (WebAuthn needs a domain name) on a free port: its
/// configuration and `MONOSTAT_SITE_URL`.
fn localhost_site() -> (std::net::SocketAddr, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    (
        format!("127.0.0.1:{port}").parse().expect("address"),
        format!("http://localhost:{port}/"),
    )
}

/// The admin's authenticator app and security key work after the move as before it; bob,
/// whose key belonged to another site, is taken to set up a new factor.
async fn second_factors_move_over(backend: Backend) {
    let db = TestDatabase::new(backend).await;
    let (listen, site) = localhost_site();
    let output = import_for(&db, &format!("sqlite://{WITH_FACTORS}"), &[], Some(&site));
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), IMPORTED_FACTORS);
    // Forced again, the users here stay as they are: no key twice.
    let forced = import_for(
        &db,
        &format!("sqlite://{WITH_FACTORS}"),
        &["--force"],
        Some(&site),
    );
    assert!(forced.status.success(), "{}", text(&forced.stderr));
    let report = text(&forced.stdout);
    assert!(
        report.contains(
            "Note: a user named \"admin\" existed here already and was kept as it is (without the original's second factors)\n"
        ),
        "{report}"
    );
    assert!(!report.contains("Second factors:"), "{report}");

    let app = TestApp::spawn_as_installed(
        &db,
        |config| {
            config.listen = listen;
            config.site_url = site.parse().expect("url");
        },
        monostat::jobs::WorkerSettings::default(),
        |_| {},
    )
    .await;

    // The authenticator app: the code it shows now.
    let browser = Browser::new(&app.base_url);
    let login = browser.log_in("admin", ADMIN_PASSWORD).await;
    assert_eq!(
        login.location.as_deref(),
        Some("/admin/login/verify?next=%2Fadmin%2F"),
        "{}",
        login.body
    );
    let form = browser.get("/admin/login/verify").await;
    assert!(form.contains("Use your security key"), "{}", form.body);
    assert!(form.contains("6-digit code"));
    let code = crate::admin::totp_code(TOTP_SECRET, jiff::Timestamp::now().as_second());
    let verified = browser
        .post(
            "/admin/login/verify",
            &[("csrf", &form.csrf()), ("code", &code)],
        )
        .await;
    assert_eq!(verified.status, 303, "{}", verified.body);
    assert_eq!(verified.location.as_deref(), Some("/admin/"));
    let account = browser.get("/admin/account/").await;
    assert_eq!(account.status, 200, "{}", account.body);
    assert!(account.contains("An authenticator app is set up."));
    // Added and last used as in the original.
    assert!(
        account.contains("<td>Blue key</td><td>2026-11-20"),
        "{}",
        account.body
    );
    assert!(account.contains("2026-11-23"), "{}", account.body);
    assert!(!account.contains("Lost key"), "turned off in the original");
    assert_eq!(account.body.matches("<td>Blue key</td>").count(), 1);

    // The security key: the server's challenge signed with the key's private key.
    let browser = Browser::new(&app.base_url);
    browser.log_in("admin", ADMIN_PASSWORD).await;
    let csrf = browser.get("/admin/login/verify").await.csrf();
    let started = browser
        .post("/admin/login/key/start", &[("csrf", &csrf)])
        .await;
    assert_eq!(started.status, 200, "{}", started.body);
    let options: serde_json::Value = serde_json::from_str(&started.body).expect("JSON options");
    assert_eq!(
        options["publicKey"]["allowCredentials"][0]["id"],
        websafe(&credential_id()),
        "{options}"
    );
    let origin = site.trim_end_matches('/');
    let answer = browser
        .post(
            "/admin/login/key",
            &[
                ("csrf", &csrf),
                ("credential", &assertion(&options, origin, 1)),
                ("next", "/admin/incidents/"),
            ],
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body, r#"{"redirect":"/admin/incidents/"}"#);
    let list = browser.get("/admin/incidents/").await;
    assert_eq!(list.status, 200);
    assert!(list.contains("<h1>Incidents</h1>"));
    let account = browser.get("/admin/account/").await;
    assert!(
        !account.contains("2026-11-23"),
        "last used now: {}",
        account.body
    );

    // A signature from another key is refused.
    let other = Browser::new(&app.base_url);
    other.log_in("admin", ADMIN_PASSWORD).await;
    let csrf = other.get("/admin/login/verify").await.csrf();
    let started = other
        .post("/admin/login/key/start", &[("csrf", &csrf)])
        .await;
    let options: serde_json::Value = serde_json::from_str(&started.body).expect("JSON options");
    let mut forged: serde_json::Value =
        serde_json::from_str(&assertion(&options, origin, 2)).expect("JSON");
    forged["response"]["signature"] =
        websafe(&[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]).into();
    let refused = other
        .post(
            "/admin/login/key",
            &[("csrf", &csrf), ("credential", &forged.to_string())],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(
        refused.body,
        r#"{"error":"The security key's answer was not valid."}"#
    );
    assert_eq!(other.get("/admin/incidents/").await.status, 303);

    // The original did not keep whether a key syncs between devices (a passkey): such a key
    // is refused with what to do instead.
    let started = other
        .post("/admin/login/key/start", &[("csrf", &csrf)])
        .await;
    let options: serde_json::Value = serde_json::from_str(&started.body).expect("JSON options");
    let synced = signed_assertion(&options, origin, 3, 0x01 | 0x08 | 0x10);
    let refused = other
        .post(
            "/admin/login/key",
            &[("csrf", &csrf), ("credential", &synced)],
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("This key is a passkey that syncs between devices"),
        "{}",
        refused.body
    );
    assert_eq!(other.get("/admin/incidents/").await.status, 303);

    // bob's only key belonged to another site: his password leads to setting up a new factor.
    let bob = Browser::new(&app.base_url);
    let login = bob.log_in("bob", ADMIN_PASSWORD).await;
    assert_eq!(login.location.as_deref(), Some("/admin/"), "{}", login.body);
    let gated = bob.get("/admin/incidents/").await;
    assert_eq!(
        gated.location.as_deref(),
        Some("/admin/account/second-factor")
    );
    assert!(
        bob.get("/admin/account/second-factor")
            .await
            .contains("Set up a second factor")
    );
    app.stop().await;
}

on_both_backends!(second_factors_move_over);

/// django-multifactor's `properties` are `jsonb` in an original on PostgreSQL: read alike (the
/// row that is not JSON cannot exist there).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_factors_of_an_original_on_postgresql_move_over_alike() {
    if !postgres_available() {
        return;
    }
    let (_original, original_url) = on_postgresql(WITH_FACTORS).await;
    let db = TestDatabase::new(Backend::Sqlite).await;
    let output = import_for(&db, &original_url, &[], Some("http://localhost:8000/"));
    assert!(output.status.success(), "{}", text(&output.stderr));
    let expected = IMPORTED_FACTORS
        .replace("left out 6", "left out 5")
        .replace(
            "Note: bob's authenticator app (multifactor_userkey 8) was left out: its properties are not JSON\n",
            "",
        );
    assert_eq!(text(&output.stdout), expected);
}

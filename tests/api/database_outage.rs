//! The page outlives the database: a PostgreSQL cluster of the test's own (never the machine's
//! shared server) is stopped while readers keep loading the page, then started again.

use crate::helpers::{Backend, TestApp, TestDatabase, eventually};
use monostat::config::{DatabaseConfig, SecretUrl};
use monostat::jobs::WorkerSettings;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// A throwaway PostgreSQL cluster in a temporary directory, on a port of its own.
struct OwnCluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    _dir: tempfile::TempDir,
}

fn postgres_bin() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("pg_ctl").exists() && bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop()
}

impl OwnCluster {
    /// `initdb` refuses to run as root, so as root the cluster belongs to `postgres`.
    fn command(&self, program: &str) -> Command {
        as_owner(&self.bin.join(program))
    }

    fn start(&self) {
        let status = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .args(["-w", "-t", "30", "-l"])
            .arg(self.data.join("server.log"))
            .arg("-o")
            .arg(format!(
                "-p {} -c listen_addresses=127.0.0.1 -k {}",
                self.port,
                self.data.display()
            ))
            .arg("start")
            .status()
            .expect("pg_ctl runs");
        assert!(status.success(), "the test's PostgreSQL starts");
    }

    fn stop(&self) {
        let status = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .args(["-w", "-m", "fast", "stop"])
            .status()
            .expect("pg_ctl runs");
        assert!(status.success(), "the test's PostgreSQL stops");
    }

    fn url(&self) -> url::Url {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
            .parse()
            .expect("url")
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .args(["-w", "-m", "immediate", "stop"])
            .status();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn as_owner(program: &Path) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn own_cluster() -> Option<OwnCluster> {
    let Some(bin) = postgres_bin() else {
        crate::helpers::skip(
            "no PostgreSQL server programs (initdb, pg_ctl) under /usr/lib/postgresql",
            "the database outage test would be skipped",
        );
        return None;
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    let data = dir.path().join("cluster");
    if is_root() {
        let owned = Command::new("chown")
            .args(["postgres:postgres"])
            .arg(dir.path())
            .status()
            .expect("chown runs");
        assert!(owned.success());
    }
    let init = as_owner(&bin.join("initdb"))
        .arg("-D")
        .arg(&data)
        .args(["-U", "postgres", "--auth=trust", "--no-sync"])
        .output()
        .expect("initdb runs");
    assert!(
        init.status.success(),
        "initdb: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let cluster = OwnCluster {
        bin,
        data,
        port,
        _dir: dir,
    };
    cluster.start();
    Some(cluster)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_outlives_the_database() {
    let Some(cluster) = own_cluster() else {
        return;
    };
    // The data directory (uploads, outbox) from a throwaway SQLite installation; the database
    // is the test's own cluster.
    let files = TestDatabase::new(Backend::Sqlite).await;
    let url = cluster.url();
    let app = TestApp::spawn_configured(
        &files,
        move |config| {
            config.database = DatabaseConfig::Postgres {
                url: SecretUrl(url),
            }
        },
        WorkerSettings::default(),
        |_| {},
    )
    .await;
    // The secret is read now: during the outage the test cannot read it.
    let hooks = app.hooks().await;
    let create = include_str!("../fixtures/opsgenie_create.json");
    let close = include_str!("../fixtures/opsgenie_close.json");
    assert_eq!(hooks.opsgenie(create).await.0, 200);
    eventually(Duration::from_secs(10), || async {
        let body = app.get("/").await.text().await.ok()?;
        body.contains("might be having issues").then_some(())
    })
    .await;

    // Readers: about 200 requests a second across the cached pages, for the whole outage.
    let running = Arc::new(AtomicBool::new(true));
    let read = Arc::new(AtomicUsize::new(0));
    let readers = {
        let (running, read) = (running.clone(), read.clone());
        let client = app.client.clone();
        let base = app.base_url.clone();
        tokio::spawn(async move {
            let paths = [
                "/",
                "/history",
                "/feed/rss",
                "/api/v2/summary.json",
                "/badge.svg",
            ];
            let mut answers: Vec<(String, u16)> = Vec::new();
            let mut tick = tokio::time::interval(Duration::from_millis(5));
            let mut n = 0usize;
            while running.load(Ordering::Relaxed) {
                tick.tick().await;
                let path = paths[n % paths.len()];
                n += 1;
                let status = match client.get(format!("{base}{path}")).send().await {
                    Ok(response) => response.status().as_u16(),
                    Err(_) => 0,
                };
                answers.push((path.to_owned(), status));
                read.fetch_add(1, Ordering::Relaxed);
            }
            answers
        })
    };

    // Readers reading, then the database goes away.
    let reads = |at_least: usize| {
        let read = read.clone();
        eventually(Duration::from_secs(30), move || {
            let n = read.load(Ordering::Relaxed);
            std::future::ready((n >= at_least).then_some(n))
        })
    };
    reads(50).await;
    cluster.stop();
    let at_stop = read.load(Ordering::Relaxed);
    // While it is away: health says so, hooks ask to be retried, and the page keeps answering
    // some 400 reads (two seconds of them).
    eventually(Duration::from_secs(10), || async {
        (app.get("/healthz").await.status() == 503).then_some(())
    })
    .await;
    assert_eq!(
        hooks.opsgenie(close).await.0,
        503,
        "monitoring retries a 503"
    );
    reads(at_stop + 400).await;

    cluster.start();
    eventually(Duration::from_secs(30), || async {
        (app.get("/healthz").await.status() == 200).then_some(())
    })
    .await;
    // The retried delivery goes through once the database is back, without a restart.
    assert_eq!(hooks.opsgenie(close).await.0, 200);
    eventually(Duration::from_secs(10), || async {
        let body = app.get("/").await.text().await.ok()?;
        (!body.contains("might be having issues")).then_some(())
    })
    .await;

    running.store(false, Ordering::Relaxed);
    let answers = readers.await.expect("readers");
    let failed: Vec<&(String, u16)> = answers.iter().filter(|(_, s)| *s != 200).collect();
    assert!(answers.len() >= at_stop + 400, "{} requests", answers.len());
    assert!(
        failed.is_empty(),
        "{} of {} reads failed, e.g. {:?}",
        failed.len(),
        answers.len(),
        failed.iter().take(5).collect::<Vec<_>>()
    );
    eprintln!("{} reads during the outage, all 200", answers.len());
    app.stop().await;
}

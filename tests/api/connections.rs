//! The HTTP server under abuse: half-sent requests, idle connections, slow bodies and more
//! connections than the server will hold. The page, `/healthz` and the hooks keep answering.

use crate::helpers::{Backend, TestApp, TestDatabase};
use monostat::jobs::WorkerSettings;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn spawn(
    db: &TestDatabase,
    configure: impl FnOnce(&mut monostat::config::Config),
) -> TestApp {
    TestApp::spawn_configured(db, configure, WorkerSettings::default(), |_| {}).await
}

/// A connection that sent the start of a request and nothing more.
async fn half_open(app: &TestApp) -> TcpStream {
    let mut stream = TcpStream::connect(app.handle.addr).await.expect("connect");
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: status.example\r\nUser-Agent: slow")
        .await
        .expect("write");
    stream
}

/// A connection that asked one question, got its answer and stays open.
async fn idle(app: &TestApp) -> TcpStream {
    let mut stream = TcpStream::connect(app.handle.addr).await.expect("connect");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: status.example\r\n\r\n")
        .await
        .expect("write");
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&answer).contains("\"status\"") {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .expect("an answer")
            .expect("read");
        assert!(n > 0, "closed before answering");
        answer.extend_from_slice(&buf[..n]);
    }
    assert!(answer.starts_with(b"HTTP/1.1 200"), "{answer:?}");
    stream
}

/// Waits until the server, asked with `Expect: 100-continue`, says "send the body": the request
/// is then in flight, its handler waiting for the body.
async fn until_continue(stream: &mut TcpStream) {
    let mut answer = Vec::new();
    let mut buf = [0u8; 256];
    while !answer.ends_with(b"\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .expect("an interim answer")
            .expect("read");
        assert!(
            n > 0,
            "closed before asking for the body: {}",
            String::from_utf8_lossy(&answer)
        );
        answer.extend_from_slice(&buf[..n]);
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 100 Continue"), "{answer}");
}

/// Reads until the server closes the connection, and returns what it sent.
async fn until_closed(stream: &mut TcpStream, limit: Duration) -> Option<Vec<u8>> {
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    let read_all = async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => all.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(limit, read_all).await.ok()?;
    Some(all)
}

/// A reader's request on a connection of its own: with a 1 s idle timeout a pooled connection
/// may be closed by the server just as the next request goes out, which browsers retry.
async fn new_reader_status(app: &TestApp, path: &str) -> u16 {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client")
        .get(format!("{}{path}", app.base_url))
        .send()
        .await
        .expect("request sent")
        .status()
        .as_u16()
}

/// Whether the server still holds the connection open (nothing to read, no end of stream).
async fn still_open(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1];
    tokio::time::timeout(Duration::from_millis(200), stream.read(&mut buf))
        .await
        .is_err()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_open_and_idle_connections_are_closed_while_healthz_answers() {
    let db = TestDatabase::new(Backend::Sqlite).await;
    let app = spawn(&db, |config| {
        config.http.header_timeout = Duration::from_secs(1);
    })
    .await;

    let started = Instant::now();
    let mut held = Vec::new();
    for _ in 0..50 {
        held.push(half_open(&app).await);
        held.push(idle(&app).await);
    }
    for _ in 0..5 {
        assert_eq!(new_reader_status(&app, "/healthz").await, 200);
    }
    for stream in &mut held {
        let sent = until_closed(stream, Duration::from_secs(10))
            .await
            .expect("the server closes a half-sent or idle connection");
        // A half-sent request is not answered with a page; an idle one gets nothing more.
        assert!(
            !String::from_utf8_lossy(&sent).contains("200 OK"),
            "{sent:?}"
        );
    }
    eprintln!(
        "100 half-open and idle connections closed {:?} after they opened (header timeout 1 s)",
        started.elapsed()
    );
    assert_eq!(new_reader_status(&app, "/healthz").await, 200);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_body_that_does_not_arrive_in_time_is_refused_and_changes_nothing() {
    let db = TestDatabase::new(Backend::Sqlite).await;
    let app = spawn(&db, |config| {
        config.http.body_timeout = Duration::from_secs(1);
    })
    .await;
    let secret = app.hook_secret().await;

    let mut stream = TcpStream::connect(app.handle.addr).await.expect("connect");
    let head = format!(
        "POST /integrations/opsgenie/hook/{secret} HTTP/1.1\r\nHost: status.example\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"action\":\"Create\","
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    let answer = until_closed(&mut stream, Duration::from_secs(10))
        .await
        .expect("the server gives up on the body and closes the connection");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");

    let incidents =
        monostat::storage::incidents::all(&mut app.handle.db.acquire().await.expect("connection"))
            .await
            .expect("incidents");
    assert!(incidents.is_empty(), "nothing was opened: {incidents:?}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_connection_cap_new_readers_get_the_page_and_the_oldest_waiting_connection_goes() {
    let db = TestDatabase::new(Backend::Sqlite).await;
    let app = spawn(&db, |config| {
        config.http.max_connections = Some(20);
        config.http.header_timeout = Duration::from_secs(60);
    })
    .await;

    let mut held = Vec::new();
    for _ in 0..20 {
        held.push(half_open(&app).await);
        // Distinct ages, so that "oldest" means the first one opened.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for _ in 0..5 {
        let reader = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .expect("client");
        let page = reader
            .get(format!("{}/", app.base_url))
            .send()
            .await
            .expect("a new reader is let in at the cap");
        assert_eq!(page.status(), 200);
        assert!(page.text().await.expect("body").contains("<html"));
    }
    assert!(
        until_closed(&mut held[0], Duration::from_secs(5))
            .await
            .is_some(),
        "the oldest half-sent request made room"
    );
    assert!(
        still_open(&mut held[19]).await,
        "the newest one is kept while older ones can go"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_does_not_wait_for_a_stuck_client_beyond_the_grace_period() {
    let db = TestDatabase::new(Backend::Sqlite).await;
    let app = spawn(&db, |config| {
        config.http.header_timeout = Duration::from_secs(600);
        config.http.body_timeout = Duration::from_secs(600);
        config.http.shutdown_grace = Duration::from_secs(1);
    })
    .await;
    // A request in flight, whose body never comes: graceful shutdown would wait for it. (With a
    // wrong secret the hook answers 403 at once, before the body: the right one is needed.)
    let secret = app.hook_secret().await;
    let mut stuck = TcpStream::connect(app.handle.addr).await.expect("connect");
    let head = format!(
        "POST /integrations/opsgenie/hook/{secret} HTTP/1.1\r\nHost: status.example\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\
         Expect: 100-continue\r\n\r\n"
    );
    stuck.write_all(head.as_bytes()).await.expect("write");
    until_continue(&mut stuck).await;
    stuck.write_all(b"{").await.expect("write");
    let started = Instant::now();

    app.stop().await;

    let stopped = started.elapsed();
    eprintln!("stopped {stopped:?} after the signal");
    assert!(
        stopped >= Duration::from_millis(900),
        "shutdown waited for the request in flight, for the grace period: {stopped:?}"
    );
    assert!(
        until_closed(&mut stuck, Duration::from_secs(5))
            .await
            .is_some(),
        "the stuck connection is closed once the grace period is over"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_connection_cap_requests_whose_body_never_comes_make_room_too() {
    let db = TestDatabase::new(Backend::Sqlite).await;
    let app = spawn(&db, |config| {
        config.http.max_connections = Some(20);
        config.http.body_timeout = Duration::from_secs(600);
    })
    .await;
    let mut held = Vec::new();
    for _ in 0..20 {
        let mut stream = TcpStream::connect(app.handle.addr).await.expect("connect");
        stream
            .write_all(
                b"POST /subscribe/ HTTP/1.1\r\nHost: status.example\r\n\
                  Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000\r\n\
                  Expect: 100-continue\r\n\r\n",
            )
            .await
            .expect("write");
        // In flight, its handler waiting for the body, before the next one comes.
        until_continue(&mut stream).await;
        stream.write_all(b"email=").await.expect("write");
        held.push(stream);
    }
    for _ in 0..5 {
        assert_eq!(new_reader_status(&app, "/").await, 200);
    }
    assert!(
        until_closed(&mut held[0], Duration::from_secs(5))
            .await
            .is_some(),
        "the oldest slow upload made room"
    );
    app.stop().await;
}

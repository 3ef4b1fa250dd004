//! A real monostat server in the fuzzing process: built and run exactly as `monostat serve`
//! does, on SQLite in a temporary directory and port 0, and reached over HTTP/1.1 on loopback.
//! Everything runs on one current-thread runtime that is driven only while a fuzz input is being
//! answered, so the process stays on one core and each input sees the same server.
//!
//! libfuzzer-sys aborts on any panic, even one that axum's panic layer would have turned into a
//! 500: a panic reachable from a request is a crash.

use monostat::app::{AppHandle, Application};
use monostat::config::Config;
use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::runtime::Runtime;

/// How long a request may take before the input counts as a hang (libFuzzer's -timeout catches
/// the rest).
const ANSWER_WITHIN: std::time::Duration = std::time::Duration::from_secs(20);

pub fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// A running server and one kept-alive connection to it.
pub struct Server {
    pub handle: AppHandle,
    pub config: Config,
    pub data_dir: PathBuf,
    connection: Mutex<Option<BufReader<TcpStream>>>,
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A fresh data directory under `$TMPDIR` (bench/fuzz points it at a directory it removes).
fn data_dir() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "monostat-fuzz-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a data directory");
    dir
}

/// The configuration from environment variables, as `monostat serve` reads them.
pub fn config(vars: &[(&str, &str)], data_dir: &std::path::Path) -> Config {
    let mut env: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    env.insert("MONOSTAT_LISTEN".into(), "127.0.0.1:0".into());
    env.insert("MONOSTAT_DATA_DIR".into(), data_dir.display().to_string());
    env.entry("NUM_WORKERS".into()).or_insert("1".into());
    Config::from_lookup(move |name| env.get(name).cloned()).expect("a valid configuration")
}

impl Server {
    /// Builds the application and spawns it on `rt`; it serves while `rt` is driven.
    pub fn start(rt: &Runtime, vars: &[(&str, &str)]) -> Server {
        let data_dir = data_dir();
        let config = config(vars, &data_dir);
        let app = rt
            .block_on(Application::build(config.clone()))
            .expect("the application starts");
        let handle = app.handle();
        rt.spawn(async move {
            if let Err(e) = app.run().await {
                panic!("the server stopped: {e}");
            }
        });
        Server {
            handle,
            config,
            data_dir,
            connection: Mutex::new(None),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.handle.addr
    }

    /// Sends `head` (request line and headers, without the blank line; `Host`, `Content-Length`
    /// and keep-alive are added) and `body`, and reads the answer. A connection the server
    /// closed is opened again once.
    pub fn send(&self, rt: &Runtime, head: &str, body: &[u8]) -> Response {
        let mut request = Vec::with_capacity(head.len() + body.len() + 100);
        request.extend_from_slice(head.as_bytes());
        request.extend_from_slice(
            format!(
                "\r\nHost: {}\r\nContent-Length: {}\r\n\r\n",
                self.addr(),
                body.len()
            )
            .as_bytes(),
        );
        request.extend_from_slice(body);
        let mut slot = self.connection.lock().unwrap_or_else(|e| e.into_inner());
        rt.block_on(async {
            for attempt in 0..2 {
                let mut connection = match slot.take() {
                    Some(connection) => connection,
                    None => BufReader::new(
                        TcpStream::connect(self.addr())
                            .await
                            .expect("the server accepts connections"),
                    ),
                };
                let answer =
                    tokio::time::timeout(ANSWER_WITHIN, exchange(&mut connection, &request)).await;
                match answer {
                    Err(_) => panic!("no answer within {ANSWER_WITHIN:?} to {head:?}"),
                    Ok(Ok((response, keep))) => {
                        if keep {
                            *slot = Some(connection);
                        }
                        return response;
                    }
                    // A kept-alive connection the server had closed: once more on a new one.
                    Ok(Err(e)) if attempt == 0 => {
                        let _ = e;
                    }
                    Ok(Err(e)) => panic!("the server did not answer {head:?}: {e}"),
                }
            }
            unreachable!("the loop returns or panics")
        })
    }
}

/// Writes one request and reads its response; whether the connection may be used again.
async fn exchange(
    connection: &mut BufReader<TcpStream>,
    request: &[u8],
) -> io::Result<(Response, bool)> {
    connection.get_mut().write_all(request).await?;
    let mut line = String::new();
    if connection.read_line(&mut line).await? == 0 {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| io::Error::other(format!("not a status line: {line:?}")))?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        if connection.read_line(&mut line).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        if let Some((name, value)) = trimmed.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let mut response = Response {
        status,
        headers,
        body: Vec::new(),
    };
    let mut keep = !response
        .header("connection")
        .is_some_and(|v| v.eq_ignore_ascii_case("close"));
    if response
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        loop {
            line.clear();
            connection.read_line(&mut line).await?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|_| io::Error::other(format!("not a chunk size: {line:?}")))?;
            if size == 0 {
                // Trailers, then the blank line.
                loop {
                    line.clear();
                    connection.read_line(&mut line).await?;
                    if line.trim_end().is_empty() {
                        break;
                    }
                }
                break;
            }
            let start = response.body.len();
            response.body.resize(start + size, 0);
            connection.read_exact(&mut response.body[start..]).await?;
            line.clear();
            connection.read_line(&mut line).await?;
        }
    } else if let Some(length) = response.header("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| io::Error::other("a bad Content-Length"))?;
        response.body.resize(length, 0);
        connection.read_exact(&mut response.body).await?;
    } else if !(status == 204 || status == 304 || (100..200).contains(&status)) {
        connection.read_to_end(&mut response.body).await?;
        keep = false;
    }
    Ok((response, keep))
}

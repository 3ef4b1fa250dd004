//! The HTTP server's own loop, in place of `axum::serve`, because the worst day needs limits
//! that `axum::serve` does not have: a client that sends half a request and waits, or thousands
//! that open a connection and keep it, must not take the page away from everybody else.
//!
//! - The request head must arrive within [`HttpLimits::header_timeout`]; the same clock runs
//!   while a kept-alive connection waits for its next request (hyper starts it whenever it waits
//!   for a head), so idle connections close after that long too.
//! - A request body must arrive whole within [`HttpLimits::body_timeout`].
//! - At most [`HttpLimits::max_connections`] are open, below the process's file limit. When a
//!   new one arrives at the cap, the connection that has waited longest without a request in
//!   flight (idle, or stuck in a half-sent request) is closed to make room: a new reader is worth
//!   more than somebody who keeps a socket open. A request whose body is still arriving
//!   counts as waiting too: the client is the slow one.
//! - On shutdown, connections get [`HttpLimits::shutdown_grace`] to finish, then are closed.

use axum::Router;
use axum::extract::ConnectInfo;
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tower::Service;

pub use crate::config::HttpLimits;

/// Request heads larger than this are refused (431): a half-sent request may hold this much
/// memory, so it is what a thousand of them cost.
const MAX_HEAD_BYTES: usize = 32 * 1024;
const MAX_HEADERS: usize = 64;

/// File descriptors kept back from the connection cap, for what the process opens itself:
/// database and Redis pools, SMTP and Slack connections, the mirror's files, logs.
const RESERVED_FILES: u64 = 256;
/// Above this many connections, memory (about 23-29 KiB each) matters more than the file limit.
const MAX_CONNECTIONS: u64 = 3_072;
const MIN_CONNECTIONS: u64 = 64;

/// Raises the soft limit on open files to the hard limit (systemd gives services 1,024 soft and
/// 524,288 hard by default) and returns the new soft limit.
pub fn raise_file_limit() -> u64 {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(e) => {
            tracing::warn!(error = %e, "cannot raise the open-file limit");
            rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(1024, |(soft, _)| soft)
        }
    }
}

/// The connection cap for a soft file limit and the cap set by hand, if any: what leaves room
/// for our own files, and by default no more than memory comfortably holds.
pub fn connection_cap(soft_file_limit: u64, set: Option<usize>) -> usize {
    let room = soft_file_limit
        .saturating_sub(RESERVED_FILES)
        .max(MIN_CONNECTIONS);
    let cap = match set {
        Some(set) => u64::try_from(set).unwrap_or(u64::MAX).min(room),
        None => room.min(MAX_CONNECTIONS),
    };
    usize::try_from(cap).unwrap_or(usize::MAX)
}

/// Serves `router` on `listener` until `shutdown` is cancelled, then for at most
/// `limits.shutdown_grace` more.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: HttpLimits,
    shutdown: CancellationToken,
) -> io::Result<()> {
    let max_connections = connection_cap(raise_file_limit(), limits.max_connections);
    tracing::info!(max_connections, "HTTP connections capped");
    let open = Connections::default();
    let mut accept_error_logged = None::<Instant>;
    loop {
        let accepted = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) if is_connection_error(&e) => continue,
            Err(e) => {
                // Out of file descriptors (or memory): make room rather than spin, and say so
                // once a minute, not thousands of times a second.
                if accept_error_logged.is_none_or(|at| at.elapsed() > Duration::from_secs(60)) {
                    tracing::error!(error = %e, connections = open.len(), "cannot accept connections");
                    accept_error_logged = Some(Instant::now());
                }
                open.shed_one();
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        if open.len() >= max_connections && !open.shed_one() {
            // Every connection is busy with a request: this one waits for none of them.
            drop(stream);
            continue;
        }
        let _ = stream.set_nodelay(true);
        let conn = open.add();
        tokio::spawn(serve_connection(
            stream,
            peer,
            router.clone(),
            limits.clone(),
            conn,
            open.clone(),
            // A token of its own: every connection waiting on the one shared token would have
            // them all take its lock at every wake-up (a third of the page's throughput).
            shutdown.child_token(),
        ));
    }
    drop(listener);
    let deadline = tokio::time::Instant::now() + limits.shutdown_grace;
    while !open.is_empty() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    if !open.is_empty() {
        tracing::warn!(
            connections = open.len(),
            "closing connections still open after the shutdown grace period"
        );
        open.close_all();
    }
    Ok(())
}

async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: HttpLimits,
    conn: Arc<Connection>,
    open: Connections,
    shutdown: CancellationToken,
) {
    let _registered = Registered {
        conn: conn.clone(),
        open,
    };
    let io = TokioIo::new(Tracked {
        stream,
        conn: conn.clone(),
    });
    let body_timeout = limits.body_timeout;
    let in_flight = conn.clone();
    let receiving = conn.clone();
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        let request = request.map(|body| {
            // Most requests (page reads) have no body, and need no timer.
            if body.is_end_stream() {
                axum::body::Body::new(body)
            } else {
                axum::body::Body::new(DeadlineBody::new(
                    body,
                    Instant::now() + body_timeout,
                    receiving.clone(),
                ))
            }
        });
        let guard = InFlight::start(in_flight.clone());
        let mut router = router.clone();
        async move {
            let response = router.call(request).await;
            drop(guard);
            response
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(MAX_HEAD_BYTES)
        .max_headers(MAX_HEADERS);
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);
    let mut shutting_down = false;
    loop {
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                return;
            }
            () = conn.close.cancelled() => return,
            () = shutdown.cancelled(), if !shutting_down => {
                shutting_down = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}

/// A connection as the shedding sees it.
struct Connection {
    /// Its slot in [`ConnectionsInner::slots`].
    slot: usize,
    /// Milliseconds since [`Connections::epoch`] of the last byte read or written.
    last_active: AtomicU64,
    in_flight: AtomicU32,
    /// Requests of those in flight whose body is still arriving: the client is the one who is
    /// slow, so the connection may go like an idle one.
    receiving: AtomicU32,
    close: CancellationToken,
    epoch: Instant,
}

impl Connection {
    fn touch(&self) {
        let now = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_active.store(now, Ordering::Relaxed);
    }

    fn may_go(&self) -> bool {
        self.in_flight.load(Ordering::Relaxed) <= self.receiving.load(Ordering::Relaxed)
            && !self.close.is_cancelled()
    }
}

/// The open connections, shared by the accept loop and every connection task.
#[derive(Clone)]
struct Connections {
    inner: Arc<Mutex<ConnectionsInner>>,
    epoch: Instant,
}

/// Connections in numbered slots, so that shedding can look at a few picked at random instead
/// of all of them: at the cap every new connection sheds one, thousands of times a second.
#[derive(Default)]
struct ConnectionsInner {
    slots: Vec<Option<Arc<Connection>>>,
    free: Vec<usize>,
    open: usize,
}

/// How many connections shedding compares. Among 32 picked at random, the longest-waiting is
/// older than 95% of all the others with a chance of 1 - 0.95^32 = 81%; an attacker's
/// connections are the old ones, so one of them goes.
const SHED_SAMPLE: usize = 32;

impl Default for Connections {
    fn default() -> Self {
        Connections {
            inner: Arc::default(),
            epoch: Instant::now(),
        }
    }
}

impl Connections {
    fn lock(&self) -> std::sync::MutexGuard<'_, ConnectionsInner> {
        // A panic while holding this lock cannot leave the slots inconsistent, so a poisoned
        // lock is used as it is.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn len(&self) -> usize {
        self.lock().open
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn add(&self) -> Arc<Connection> {
        let mut inner = self.lock();
        let slot = inner.free.pop().unwrap_or(inner.slots.len());
        let conn = Arc::new(Connection {
            slot,
            last_active: AtomicU64::new(0),
            in_flight: AtomicU32::new(0),
            receiving: AtomicU32::new(0),
            close: CancellationToken::new(),
            epoch: self.epoch,
        });
        conn.touch();
        if slot == inner.slots.len() {
            inner.slots.push(Some(conn.clone()));
        } else {
            inner.slots[slot] = Some(conn.clone());
        }
        inner.open += 1;
        conn
    }

    /// Takes `conn` out, unless shedding already did (and its slot may hold another now).
    fn remove(&self, conn: &Arc<Connection>) {
        let mut inner = self.lock();
        inner.take(conn.slot, conn);
    }

    /// Closes the connection that has waited longest without a request in flight, among a
    /// sample; false when every connection is busy.
    fn shed_one(&self) -> bool {
        let mut inner = self.lock();
        let victim = if inner.slots.len() <= SHED_SAMPLE {
            inner.oldest_waiting(0..inner.slots.len())
        } else {
            let len = inner.slots.len();
            let sampled = (0..SHED_SAMPLE).map(|_| rand::random_range(0..len));
            inner
                .oldest_waiting(sampled)
                .or_else(|| inner.oldest_waiting(0..len))
        };
        let Some(victim) = victim else {
            return false;
        };
        victim.close.cancel();
        inner.take(victim.slot, &victim);
        true
    }

    fn close_all(&self) {
        for conn in self.lock().slots.iter().flatten() {
            conn.close.cancel();
        }
    }
}

impl ConnectionsInner {
    fn oldest_waiting(&self, slots: impl Iterator<Item = usize>) -> Option<Arc<Connection>> {
        slots
            .filter_map(|slot| self.slots.get(slot)?.as_ref())
            .filter(|conn| conn.may_go())
            .min_by_key(|conn| conn.last_active.load(Ordering::Relaxed))
            .cloned()
    }

    fn take(&mut self, slot: usize, conn: &Arc<Connection>) {
        let Some(entry) = self.slots.get_mut(slot) else {
            return;
        };
        if entry.as_ref().is_some_and(|held| Arc::ptr_eq(held, conn)) {
            *entry = None;
            self.free.push(slot);
            self.open -= 1;
        }
    }
}

/// Takes a connection out of the count when its task ends, however it ends.
struct Registered {
    conn: Arc<Connection>,
    open: Connections,
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.open.remove(&self.conn);
    }
}

/// Marks a connection busy while one of its requests is being answered.
struct InFlight(Arc<Connection>);

impl InFlight {
    fn start(conn: Arc<Connection>) -> Self {
        conn.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(conn)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
        self.0.touch();
    }
}

/// A TCP stream that notes when it last moved a byte.
struct Tracked {
    stream: TcpStream,
    conn: Arc<Connection>,
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.conn.touch();
        }
        polled
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// A request body that must arrive whole by a deadline; after it, reading fails, which the
/// handlers' extractors answer with 400 and hyper follows by closing the connection.
struct DeadlineBody {
    body: Incoming,
    deadline: Pin<Box<tokio::time::Sleep>>,
    /// Counted in [`Connection::receiving`] until the body has arrived or is given up.
    receiving: Option<Arc<Connection>>,
}

impl DeadlineBody {
    fn new(body: Incoming, deadline: Instant, conn: Arc<Connection>) -> Self {
        conn.receiving.fetch_add(1, Ordering::Relaxed);
        DeadlineBody {
            body,
            deadline: Box::pin(tokio::time::sleep_until(deadline.into())),
            receiving: Some(conn),
        }
    }

    fn arrived(&mut self) {
        if let Some(conn) = self.receiving.take() {
            conn.receiving.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

impl Drop for DeadlineBody {
    fn drop(&mut self) {
        self.arrived();
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
struct BodyTimedOut;

impl Body for DeadlineBody {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.body).poll_frame(cx) {
            if !matches!(frame, Some(Ok(_))) || self.body.is_end_stream() {
                self.arrived();
            }
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => {
                self.arrived();
                Poll::Ready(Some(Err(BodyTimedOut.into())))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_leaves_room_for_our_own_files() {
        assert_eq!(connection_cap(1024, None), 768);
        assert_eq!(connection_cap(100, None), 64);
        assert_eq!(connection_cap(1 << 20, None), 3_072);
        assert_eq!(connection_cap(1 << 20, Some(20_000)), 20_000);
        assert_eq!(
            connection_cap(1024, Some(20_000)),
            768,
            "a cap set by hand fits the files"
        );
        assert_eq!(connection_cap(1024, Some(20)), 20);
    }

    #[test]
    fn shedding_picks_the_longest_waiting_connection_without_a_request() {
        let open = Connections::default();
        let busy = open.add();
        let waited_long = open.add();
        let recent = open.add();
        busy.last_active.store(0, Ordering::Relaxed);
        busy.in_flight.store(1, Ordering::Relaxed);
        waited_long.last_active.store(5, Ordering::Relaxed);
        recent.last_active.store(9, Ordering::Relaxed);

        assert!(open.shed_one());
        assert!(waited_long.close.is_cancelled());
        assert!(!busy.close.is_cancelled());
        assert!(open.shed_one());
        assert!(recent.close.is_cancelled());
        assert!(
            !open.shed_one(),
            "a connection answering a request is never shed"
        );
        assert_eq!(open.len(), 1);
        // A shed connection's task ending later does not take out whoever has its slot now.
        let newcomer = open.add();
        assert_eq!(newcomer.slot, recent.slot);
        open.remove(&recent);
        assert_eq!(open.len(), 2);
        open.remove(&newcomer);
        assert_eq!(open.len(), 1);
    }

    #[test]
    fn among_many_shedding_finds_an_old_waiting_connection() {
        let open = Connections::default();
        let conns: Vec<_> = (0..5_000u64).map(|_| open.add()).collect();
        for (age, conn) in (0u64..).zip(&conns) {
            // The first half are an attacker's old connections; the rest are busy readers.
            conn.last_active.store(age, Ordering::Relaxed);
            if age >= 2_500 {
                conn.in_flight.store(1, Ordering::Relaxed);
            }
        }
        for _ in 0..100 {
            assert!(open.shed_one());
        }
        let shed = conns.iter().filter(|c| c.close.is_cancelled()).count();
        assert_eq!(shed, 100);
        assert!(conns[2_500..].iter().all(|c| !c.close.is_cancelled()));
        assert_eq!(open.len(), 4_900);
    }
}

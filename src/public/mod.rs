//! The public status page and its feeds.
//!
//! The pages everybody loads at once during an outage (`/`, `/history`, the feeds) are rendered
//! when something changes, not when someone asks: [`PublicPages::keep_fresh`] re-renders them
//! whenever [`crate::changes::Changes`] fires and at least once a minute (for "the last 24
//! hours" and today's calendar cell), and requests are answered from memory, compressed, with
//! ETags. If the database is unreachable the last rendering keeps being served.

pub mod assets;
mod badge;
mod calendar;
mod icons;
mod language;
pub mod mirror;
mod render;
mod rendered;
mod routes;
mod state;
pub mod statuspage;
mod subscribe;
pub mod theme;
mod uptime;
pub mod views;

pub use render::{LanguagePages, RenderError, Renderer, SitePages, Snapshot};
pub use routes::{internal_error_page, not_found, routes, security_headers, site};
pub use state::{PublicParts, PublicState};
pub use subscribe::routes as subscription_routes;
pub use views::SiteView;

use crate::changes::Changes;
use jiff::Timestamp;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// The longest the cached pages go without re-rendering.
const RENDER_EVERY: Duration = Duration::from_secs(60);
/// How often to look for changes other instances made.
const CHANGE_POLL: Duration = Duration::from_secs(1);
/// While Redis relays other instances' changes, the database is still looked at this seldom
/// (in polls), in case a notice was lost.
const POLLS_PER_LOOK_WHILE_RELAYED: u32 = 15;
/// After a failed rendering (database away), how soon to try again.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct PublicPages {
    renderer: Renderer,
    current: Arc<RwLock<Option<Arc<Snapshot>>>>,
    /// Renderings are numbered as they begin; the current one's number. Two may overlap (a
    /// change notice and an explicit refresh), and the one that began later read later data:
    /// an earlier one finishing last must not put older news back on the page.
    began: Arc<std::sync::atomic::AtomicU64>,
    published: Arc<std::sync::atomic::AtomicU64>,
    changes: Changes,
    stats: crate::metrics::RenderStats,
    /// The newest audit entry the current rendering includes (see `keep_fresh`).
    rendered_as_of: Arc<AtomicI64>,
    /// The change generation ([`Changes::generation`]) the current rendering includes.
    rendered_generation: Arc<std::sync::atomic::AtomicU64>,
    /// Counts successful renderings, for the static mirror to follow.
    renderings: tokio::sync::watch::Sender<u64>,
    mirror: Option<mirror::Mirror>,
    /// Held while a request renders the first snapshot, so that a crowd arriving at start-up
    /// costs one rendering, not one each.
    first_rendering: Arc<tokio::sync::Mutex<()>>,
    /// Pages rendered per request (days, older incidents, former logos) share these few
    /// database connections; the rest of the pool stays free for hooks, Slack and jobs.
    per_request: Arc<tokio::sync::Semaphore>,
}

/// How long a per-request page waits for a turn before it is answered 503.
const PER_REQUEST_WAIT: Duration = Duration::from_secs(2);

impl PublicPages {
    pub fn new(renderer: Renderer, changes: Changes) -> Self {
        Self {
            renderer: renderer.clone(),
            current: Arc::new(RwLock::new(None)),
            began: Arc::default(),
            published: Arc::default(),
            changes,
            stats: Default::default(),
            rendered_as_of: Arc::new(AtomicI64::new(-1)),
            rendered_generation: Arc::default(),
            renderings: tokio::sync::watch::Sender::new(0),
            mirror: None,
            first_rendering: Arc::default(),
            per_request: Arc::new(tokio::sync::Semaphore::new(
                renderer.db().backend().per_request_reads(),
            )),
        }
    }

    /// Also writes the site as static files after every rendering (`MONOSTAT_STATIC_MIRROR_DIR`).
    pub fn with_mirror(mut self, mirror: Option<mirror::Mirror>) -> Self {
        self.mirror = mirror;
        self
    }

    /// How many renderings there were, how long they took, how many failed.
    pub fn render_stats(&self) -> &crate::metrics::RenderStats {
        &self.stats
    }

    pub fn renderer(&self) -> &Renderer {
        &self.renderer
    }

    /// The last rendering, if any has succeeded yet.
    pub fn snapshot(&self) -> Option<Arc<Snapshot>> {
        match self.current.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The last rendering, or, before any has succeeded, a new one that every request waiting
    /// for it shares.
    pub async fn current_or_render(&self) -> Result<Arc<Snapshot>, RenderError> {
        if let Some(snapshot) = self.snapshot() {
            return Ok(snapshot);
        }
        let _turn = self.first_rendering.lock().await;
        if let Some(snapshot) = self.snapshot() {
            return Ok(snapshot);
        }
        self.refresh().await
    }

    /// Whether the last rendering includes every change this instance knows of; between a
    /// change and its rendering (milliseconds), pages that may show it are rendered per request,
    /// so that whoever just made the change sees it.
    pub fn is_current(&self) -> bool {
        self.snapshot().is_some()
            && self.rendered_generation.load(Ordering::Relaxed) == self.changes.generation()
    }

    /// A turn to render a page per request, or `None` when others have been using every turn
    /// for a while (the caller answers 503).
    pub async fn per_request_turn(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        tokio::time::timeout(PER_REQUEST_WAIT, self.per_request.acquire())
            .await
            .ok()?
            .ok()
    }

    /// Renders everything now and swaps it in. On failure the previous rendering stays.
    pub async fn refresh(&self) -> Result<Arc<Snapshot>, RenderError> {
        let started = std::time::Instant::now();
        let turn = self.began.fetch_add(1, Ordering::SeqCst) + 1;
        // Read first: whatever is committed by now is in this rendering.
        let generation = self.changes.generation();
        let as_of = self.newest_change().await;
        let rendered = self.renderer.snapshot(Timestamp::now()).await;
        let snapshot = match rendered {
            Ok(snapshot) => Arc::new(snapshot),
            Err(e) => {
                self.stats.failed();
                return Err(e);
            }
        };
        self.stats.rendered(started.elapsed());
        if let Some(as_of) = as_of {
            self.rendered_as_of.fetch_max(as_of, Ordering::Relaxed);
        }
        self.rendered_generation
            .fetch_max(generation, Ordering::Relaxed);
        {
            let mut guard = match self.current.write() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            // Checked and set under the lock, so two renderings finishing together agree.
            if self.published.load(Ordering::SeqCst) > turn {
                tracing::debug!("a later rendering finished first; this one is dropped");
                return Ok(guard.clone().unwrap_or(snapshot));
            }
            self.published.store(turn, Ordering::SeqCst);
            *guard = Some(snapshot.clone());
        }
        self.renderings.send_modify(|n| *n = n.wrapping_add(1));
        tracing::debug!(
            elapsed_ms = started.elapsed().as_millis(),
            "public pages rendered"
        );
        Ok(snapshot)
    }

    /// The id of the newest audit entry, or `None` when the database cannot say.
    async fn newest_change(&self) -> Option<i64> {
        let mut conn = self.renderer.db().acquire().await.ok()?;
        crate::storage::audit::newest_id(&mut conn).await.ok()
    }

    /// Re-renders on every change notice (this instance's; another's relayed by Redis, or seen
    /// in the database within a second) and on a timer, until shutdown; with a static mirror,
    /// rewrites it after each rendering.
    pub async fn keep_fresh(self, shutdown: CancellationToken) {
        let mirror = self.mirror.clone().map(|mirror| {
            tokio::spawn(mirror.keep_written(
                self.renderer.clone(),
                self.renderings.subscribe(),
                shutdown.clone(),
            ))
        });
        self.render_until(&shutdown).await;
        // An export under way finishes: the mirror's last generation stays complete.
        if let Some(mirror) = mirror
            && let Err(e) = mirror.await
        {
            tracing::error!(error = %e, "static mirror writer stopped abnormally");
        }
    }

    async fn render_until(&self, shutdown: &CancellationToken) {
        let mut changes = self.changes.subscribe();
        let mut healthy = true;
        // Changes made by other instances sharing the database: every change that shows on the
        // page is audited, so an audit entry newer than the rendering means "render again".
        // One indexed lookup a second.
        let mut poll = tokio::time::interval(CHANGE_POLL);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_render = tokio::time::Instant::now();
        let mut polls: u32 = 0;
        loop {
            let wait = if healthy {
                RENDER_EVERY
            } else {
                RETRY_AFTER_FAILURE
            };
            let due = last_render + wait;
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = changes.changed() => {}
                _ = tokio::time::sleep_until(due) => {}
                _ = poll.tick() => {
                    polls = polls.wrapping_add(1);
                    if self.changes.relayed() && !polls.is_multiple_of(POLLS_PER_LOOK_WHILE_RELAYED) {
                        continue;
                    }
                    let rendered = self.rendered_as_of.load(Ordering::Relaxed);
                    if self.newest_change().await.is_none_or(|newest| newest <= rendered) {
                        continue;
                    }
                }
            }
            changes.borrow_and_update();
            last_render = tokio::time::Instant::now();
            match self.refresh().await {
                Ok(_) => {
                    if !healthy {
                        tracing::info!("public pages rendered again");
                    }
                    healthy = true;
                }
                Err(e) => {
                    if healthy {
                        tracing::warn!(error = %e, "cannot render the public pages; serving the last rendering");
                    }
                    healthy = false;
                }
            }
        }
    }
}

//! A signal that what the public sees may have changed: an incident, an update or a setting was
//! written. The public page re-renders when it fires; notices that arrive while it renders fold
//! into one more rendering, so a burst of writes costs two renderings, not one per write.
//!
//! With several instances, this instance's own changes are also relayed to the others (through
//! Redis, which listens here: `redis::SharedRedis::relay_changes`), and theirs arrive here as
//! notices from elsewhere.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::watch;

#[derive(Clone)]
pub struct Changes(Arc<Inner>);

struct Inner {
    /// Every change: this instance's and those heard from elsewhere.
    any: watch::Sender<u64>,
    /// This instance's own changes only: what there is to relay.
    ours: watch::Sender<u64>,
    /// Whether other instances' changes are being relayed to this one right now.
    relayed: AtomicBool,
}

impl Default for Changes {
    fn default() -> Self {
        Self::new()
    }
}

fn bump(sender: &watch::Sender<u64>) {
    sender.send_modify(|generation| *generation = generation.wrapping_add(1));
}

impl Changes {
    pub fn new() -> Self {
        Self(Arc::new(Inner {
            any: watch::Sender::new(0),
            ours: watch::Sender::new(0),
            relayed: AtomicBool::new(false),
        }))
    }

    /// Call after the transaction that changed public content has committed.
    pub fn notify(&self) {
        bump(&self.0.any);
        bump(&self.0.ours);
    }

    /// Another instance says it changed something (or may have, while we were not listening).
    pub fn notify_from_elsewhere(&self) {
        bump(&self.0.any);
    }

    /// Counts every change so far: equal numbers mean nothing changed in between.
    pub fn generation(&self) -> u64 {
        *self.0.any.borrow()
    }

    /// Fires on every change.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.0.any.subscribe()
    }

    /// Fires on this instance's own changes.
    pub fn subscribe_ours(&self) -> watch::Receiver<u64> {
        self.0.ours.subscribe()
    }

    pub fn set_relayed(&self, relayed: bool) {
        self.0.relayed.store(relayed, Ordering::Relaxed);
    }

    /// True while other instances' changes arrive as notices, so nobody needs to look for them.
    pub fn relayed(&self) -> bool {
        self.0.relayed.load(Ordering::Relaxed)
    }
}

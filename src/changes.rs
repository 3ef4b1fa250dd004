//! A signal that what the public sees may have changed: an incident, an update or a setting was
//! written. The public page re-renders when it fires; notices that arrive while it renders fold
//! into one more rendering, so a burst of writes costs two renderings, not one per write.

use std::sync::Arc;
use tokio::sync::watch;

#[derive(Clone)]
pub struct Changes(Arc<watch::Sender<u64>>);

impl Default for Changes {
    fn default() -> Self {
        Self::new()
    }
}

impl Changes {
    pub fn new() -> Self {
        Self(Arc::new(watch::Sender::new(0)))
    }

    /// Call after the transaction that changed public content has committed.
    pub fn notify(&self) {
        self.0
            .send_modify(|generation| *generation = generation.wrapping_add(1));
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.0.subscribe()
    }
}

//! The request state: everything the routes use, put together once at start-up.
//!
//! Each area's handlers take only their own part (`State<PublicState>`, `State<AdminState>`,
//! …), which [`FromRef`] hands them out of the one [`AppState`]. Every part is a single `Arc`:
//! every request clones the state it takes (each extractor and middleware that takes it), and
//! cloning some forty `Arc`s of the parts instead cost the page a quarter of its throughput
//! (`bench/public-page`).

use crate::admin::AdminState;
use crate::changes::Changes;
use crate::config::Config;
use crate::integrations::HookState;
use crate::jobs::Jobs;
use crate::public::{PublicPages, PublicState};
use crate::slack::{Bot, SlackState, socket_mode};
use crate::storage::Db;
use axum::extract::FromRef;
use std::sync::Arc;

/// What the routes share: one `Arc`.
#[derive(Clone)]
pub struct AppState(Arc<Parts>);

impl AppState {
    pub fn new(parts: Parts) -> Self {
        AppState(Arc::new(parts))
    }
}

impl std::ops::Deref for AppState {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}

/// What the state holds: each area's part, and what start-up, shutdown and `/metrics` use.
pub struct Parts {
    pub config: Arc<Config>,
    pub db: Db,
    pub jobs: Jobs,
    pub changes: Changes,
    pub pages: PublicPages,
    /// The bot Socket Mode hands Slack's events to.
    pub bot: Bot,
    pub socket_mode: socket_mode::Status,
    /// Requests answered, by route pattern and status, for `/metrics`.
    pub requests: crate::metrics::Requests,
    pub public: PublicState,
    pub admin: AdminState,
    pub slack: SlackState,
    pub hooks: HookState,
}

// Every state a request takes is one pointer, so taking it is one `Arc` clone: a part that
// grows into a struct of clones fails the build here instead of slowing every request.
const _: () = {
    const ONE_ARC: usize = std::mem::size_of::<Arc<()>>();
    assert!(std::mem::size_of::<AppState>() == ONE_ARC);
    assert!(std::mem::size_of::<PublicState>() == ONE_ARC);
    assert!(std::mem::size_of::<AdminState>() == ONE_ARC);
    assert!(std::mem::size_of::<SlackState>() == ONE_ARC);
    assert!(std::mem::size_of::<HookState>() == ONE_ARC);
};

impl FromRef<AppState> for PublicState {
    fn from_ref(state: &AppState) -> Self {
        state.public.clone()
    }
}

impl FromRef<AppState> for AdminState {
    fn from_ref(state: &AppState) -> Self {
        state.admin.clone()
    }
}

impl FromRef<AppState> for SlackState {
    fn from_ref(state: &AppState) -> Self {
        state.slack.clone()
    }
}

impl FromRef<AppState> for HookState {
    fn from_ref(state: &AppState) -> Self {
        state.hooks.clone()
    }
}

/// For the health check.
impl FromRef<AppState> for Db {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}

/// For `web::client::Client`, which reads the trusted proxies.
impl FromRef<AppState> for Arc<Config> {
    fn from_ref(state: &AppState) -> Self {
        state.config.clone()
    }
}

//! What the public routes (the page, the feeds, the API, the subscription pages) may use.

use super::PublicPages;
use crate::config::Config;
use crate::service::Services;
use crate::storage::Db;
use crate::web::rate_limit::Allowance;
use std::sync::Arc;

/// The public routes' state: one `Arc`, so taking it costs a request one clone however many
/// parts it has (see `app::state`).
pub type PublicState = Arc<PublicParts>;

pub struct PublicParts {
    pub config: Arc<Config>,
    pub db: Db,
    /// The renderings served from memory, and the renderer for pages made per request.
    pub pages: PublicPages,
    /// The subscription use cases.
    pub services: Services,
    /// Subscription requests per client: each one mails an address of the client's choosing.
    pub subscribe_limiter: Allowance,
}

//! The HTTP foundation every area's routes stand on: the server with its timeouts and
//! connection cap, who the client is, CSRF tokens, rate limits, the hook and Slack signing
//! secrets, the JSON error answer and the health check. The routes themselves live with their
//! area (`public`, `admin`, `slack`, `integrations`) and are put together in `app::router`;
//! nothing here imports those areas, so each of them may import this.

pub mod client;
pub(crate) mod csrf;
mod error;
pub mod health;
pub mod rate_limit;
pub mod secrets;
pub mod server;

pub use error::WebError;

/// The largest body accepted from somebody not yet known (subscribe and login forms): they
/// are a few hundred bytes, and every connection may hold one of these while it arrives.
pub const STRANGERS_BODY_LIMIT: usize = 16 * 1024;

//! What the fuzz targets share: a real monostat server to send requests to, and small readers of
//! what it answers. See bench/fuzz.

pub mod html;
pub mod server;

pub use html::{Tag, html_tags};

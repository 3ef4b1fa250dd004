//! monostat: a status page and Slack bot for small on-call teams.
//!
//! Where things are (see `docs/architecture.md` for the picture):
//! - [`web`]: the HTTP foundation: server, client address, CSRF, rate limits, secrets.
//! - [`domain`]: the incident rules, free of I/O, used by every entry point.
//! - [`storage`]: all SQL, for SQLite and PostgreSQL alike.
//! - [`service`]: use cases (an alert fires, someone confirms), each one transaction.
//! - [`integrations`]: what monitoring systems send, parsed into service events.
//! - [`jobs`]: the durable queue that carries every outbound side effect.
//! - [`slack`]: the Slack bot: its jobs, messages and Web API client.
//! - [`ical`]: planned maintenance as iCalendar, for the feed and the mails.
//! - [`mail`]: subscriber mails: composing, sending over SMTP or to the outbox, the fan-out.
//! - [`admin`]: the admin pages: login with a second factor, incidents, settings, people.
//! - [`public`]: the public status page and feeds, rendered on change and served from memory.
//! - [`config`], [`app`], [`cli`]: configuration; start-up, the request state and the router;
//!   the command line.
//!
//! Modules import each other in layers, never in a circle (`.ci/check-module-cycles`).

pub mod accounts;
pub mod admin;
pub mod app;
pub mod changes;
pub mod cli;
pub mod config;
pub mod domain;
pub mod i18n;
pub mod ical;
pub mod import_django;
pub mod integrations;
pub mod jobs;
pub mod links;
pub mod logo;
pub mod mail;
pub mod metrics;
pub mod net;
pub mod public;
pub mod redis;
pub mod rich_text;
pub mod service;
pub mod settings;
pub mod simulate;
pub mod slack;
pub mod storage;
pub mod telemetry;
pub mod web;

//! Integration tests: the real server on a random port, against a fresh real database.
//! Each scenario runs on SQLite, and on PostgreSQL when `MONOSTAT_TEST_DATABASE_URL` is set.

mod helpers;

mod admin;
mod admin_browser;
mod admin_client;
mod admin_incidents;
mod admin_login_abuse;
mod admin_maintenance;
mod admin_people;
mod admin_settings;
mod alert_races;
mod browser;
mod cli;
mod connections;
mod crash;
mod database_outage;
mod database_pool;
mod fake_slack;
mod fuzz_findings;
mod health;
mod hooks;
mod import_django;
mod incident_rules;
mod instances;
mod jobs;
mod maintenance_calendar;
mod maintenance_clock;
mod maintenance_mail;
mod metrics;
mod moved_incident;
mod public_fixtures;
mod public_pages;
mod real_alertmanager;
mod recurring_maintenance;
mod redis;
mod slack;
mod slack_http;
mod slack_limits;
mod slack_maintenance;
mod slack_socket_mode;
mod static_mirror;
mod statuspage_api;
mod storage;
mod subscribers;
mod webdriver;

//! Configuration from environment variables.
//!
//! The variable names are the original monostat's, so an existing deployment can switch by
//! changing its image only. Every value is parsed here, once, at start-up; a wrong value stops
//! start-up with one line that names the variable and what was expected (see [`ConfigError`]).
//! Nothing else in the program reads the environment.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use url::Url;

/// A secret value: never printed by `Debug`, so configuration can be logged safely.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    /// The public address of this installation; links in mails and Slack messages start here.
    pub site_url: Url,
    pub listen: SocketAddr,
    /// Holds the SQLite database, uploaded media and the mail outbox.
    pub data_dir: PathBuf,
    pub database: DatabaseConfig,
    pub automigrate: bool,
    pub redis: Option<RedisConfig>,
    pub mail: MailConfig,
    /// How many background jobs run at once in this process.
    pub num_workers: usize,
    /// How long a claimed job stays reserved for the instance running it. After a crash, the
    /// jobs it was running are retried once their lease runs out.
    pub job_lease: std::time::Duration,
    pub time_zone: TimeZoneConfig,
    /// The site's language until the admin picks one (`MONOSTAT_LANGUAGE`, a tag such as `de`).
    pub language: &'static str,
    /// Overrides the alert-hook secret stored in the database.
    pub webhook_secret: Option<Secret>,
    /// Overrides PagerDuty's stored signing secret (`MONOSTAT_PAGERDUTY_SIGNING_SECRET`).
    pub pagerduty_signing_secret: Option<Secret>,
    /// Overrides Grafana's stored HMAC secret (`MONOSTAT_GRAFANA_SECRET`).
    pub grafana_secret: Option<Secret>,
    pub log_format: LogFormat,
    pub slack: SlackOverrides,
    pub metrics: MetricsAccess,
    /// Where the public site is also kept as static files, rewritten after every rendering
    /// (`public::mirror`).
    pub static_mirror_dir: Option<PathBuf>,
    /// Timeouts and the connection cap of the HTTP server.
    pub http: HttpLimits,
    /// Reverse proxies whose `X-Forwarded-For` is believed; loopback only unless configured.
    pub trusted_proxies: crate::net::TrustedProxies,
}

/// Who may read `/metrics`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MetricsAccess {
    /// The default: there is no `/metrics`.
    Off,
    /// `MONOSTAT_METRICS=1`: anybody who can reach the port (a private network).
    Open,
    /// `MONOSTAT_METRICS_TOKEN`: requests carrying `Authorization: Bearer <token>`.
    Token(Secret),
}

/// Slack settings fixed by the environment; each one set here wins over the admin settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlackOverrides {
    pub bot_token: Option<Secret>,
    pub app_token: Option<Secret>,
    pub signing_secret: Option<Secret>,
    pub channel: Option<String>,
    /// The Web API's base URL: Slack's own unless a test or a proxy stands in.
    pub api_url: Url,
}

/// Where Slack's Web API lives.
pub const SLACK_API_URL: &str = "https://slack.com/api";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseConfig {
    /// The embedded default: one file, nothing to install.
    Sqlite { path: PathBuf },
    /// A `postgres://` URL built from the `MONOSTAT_DB_*` variables (its password is redacted
    /// from `Debug` output by [`DatabaseConfig::redacted_url`]).
    Postgres { url: SecretUrl },
}

/// A connection URL that may carry a password.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretUrl(pub Url);

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.0.clone();
        if shown.password().is_some() {
            let _ = shown.set_password(Some("***"));
        }
        write!(f, "{shown}")
    }
}

impl DatabaseConfig {
    /// What the logs may say about where the data lives.
    pub fn redacted_url(&self) -> String {
        match self {
            Self::Sqlite { path } => format!("sqlite://{}", path.display()),
            Self::Postgres { url } => format!("{url:?}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedisConfig {
    pub host: String,
    pub port: u16,
    pub password: Option<Secret>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailConfig {
    pub from: String,
    /// Without a host, mails are written to `$MONOSTAT_DATA_DIR/outbox/` instead of being sent.
    pub host: Option<String>,
    pub port: u16,
    /// STARTTLS after connecting in plain text (usually port 587).
    pub starttls: bool,
    /// TLS from the first byte (usually port 465).
    pub tls: bool,
    pub user: Option<String>,
    pub password: Option<Secret>,
    /// Cap on the mails the subscribe form sends in any hour, for the whole installation
    /// (`MONOSTAT_OPT_IN_MAILS_PER_HOUR`): past it, sign-ups are asked to try again later.
    pub opt_in_mails_per_hour: u32,
}

#[derive(Clone, Debug)]
pub struct TimeZoneConfig {
    pub name: String,
    pub zone: jiff::tz::TimeZone,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// A configuration value that cannot be used. Shown to the admin as one line:
/// `MONOSTAT_DB_PORT: expected a port number from 1 to 65535, got "abc"`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: expected {expected}, got {got:?}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub expected: String,
    pub got: String,
}

/// The default listen address: loopback, so a first `cargo run` exposes nothing to the network.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8000";
/// Jobs mostly wait for Slack or a mail server, so many may run at once cheaply; 16 lets one
/// instance mail some 1,400 subscribers a second (bench/email-fanout) where 2 managed 1,000.
pub const DEFAULT_NUM_WORKERS: usize = 16;
/// Opt-in mails per hour for the whole installation: far above a normal day's sign-ups, far
/// below what gets a sender's domain listed as a spam source when a botnet uses the form.
pub const DEFAULT_OPT_IN_MAILS_PER_HOUR: u32 = 200;
/// Upper bound on `NUM_WORKERS`: each worker may hold a database connection while it runs.
const MAX_NUM_WORKERS: usize = 64;
/// A webhook secret travels in a URL path, so it must be URL-safe, and long enough not to guess.
const MIN_WEBHOOK_SECRET_LEN: usize = 16;

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup`, which returns a variable's value if it is set.
    /// Empty values count as unset, as they did in the original.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String> + 'static,
    ) -> Result<Config, ConfigError> {
        let env = Env(Box::new(move |name| {
            lookup(name).filter(|v| !v.trim().is_empty())
        }));

        let listen = env.parse_with(
            "MONOSTAT_LISTEN",
            "an address and port such as 127.0.0.1:8000 or [::]:80",
            DEFAULT_LISTEN,
            |v| v.parse::<SocketAddr>().ok(),
        )?;
        let site_url = match env.get("MONOSTAT_SITE_URL") {
            Some(value) => parse_site_url(&value)?,
            None => Url::parse(&format!("http://{listen}")).map_err(|_| ConfigError {
                variable: "MONOSTAT_LISTEN",
                expected: "an address usable in a URL".into(),
                got: listen.to_string(),
            })?,
        };
        let data_dir = PathBuf::from(
            env.get("MONOSTAT_DATA_DIR")
                .unwrap_or_else(|| "./data".into()),
        );
        let database = parse_database(&env, &data_dir)?;
        let automigrate = match env.get("AUTOMIGRATE").as_deref() {
            None => true,
            Some(v) if v.eq_ignore_ascii_case("skip") => false,
            Some(v) if is_truthy(v) => true,
            Some(v) => {
                return Err(ConfigError {
                    variable: "AUTOMIGRATE",
                    expected: "\"skip\" to start without migrating, or no value".into(),
                    got: v.into(),
                });
            }
        };
        let redis = match env.get("MONOSTAT_REDIS_HOST") {
            None => None,
            Some(host) => Some(RedisConfig {
                host,
                port: env.port("MONOSTAT_REDIS_PORT", 6379)?,
                password: env.get("MONOSTAT_REDIS_PASSWORD").map(Secret::new),
            }),
        };
        let mail = parse_mail(&env, &site_url)?;
        let num_workers = env.parse_with(
            "NUM_WORKERS",
            &format!("a whole number from 1 to {MAX_NUM_WORKERS}"),
            &DEFAULT_NUM_WORKERS.to_string(),
            |v| {
                v.parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_NUM_WORKERS).contains(n))
            },
        )?;
        let job_lease_seconds = env.parse_with(
            "MONOSTAT_JOB_LEASE_SECONDS",
            "a whole number of seconds from 10 to 3600",
            "120",
            |v| v.parse::<u64>().ok().filter(|n| (10..=3600).contains(n)),
        )?;
        let time_zone_name = env
            .get("MONOSTAT_TIME_ZONE")
            .unwrap_or_else(|| "UTC".into());
        let zone = jiff::tz::TimeZone::get(&time_zone_name).map_err(|_| ConfigError {
            variable: "MONOSTAT_TIME_ZONE",
            expected: "an IANA time zone name such as UTC or Europe/Berlin".into(),
            got: time_zone_name.clone(),
        })?;
        let language = match env.get("MONOSTAT_LANGUAGE") {
            None => crate::i18n::DEFAULT,
            Some(tag) => crate::i18n::get(&tag)
                .map(|language| language.tag)
                .ok_or_else(|| ConfigError {
                    variable: "MONOSTAT_LANGUAGE",
                    expected: format!(
                        "one of {}",
                        crate::i18n::all()
                            .iter()
                            .map(|l| l.tag)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    got: tag.clone(),
                })?,
        };
        let webhook_secret = match env.get("MONOSTAT_WEBHOOK_SECRET") {
            None => None,
            Some(v) if is_valid_webhook_secret(&v) => Some(Secret::new(v)),
            // The secret itself is never echoed: it may be a real one with a typo.
            Some(v) => {
                return Err(ConfigError {
                    variable: "MONOSTAT_WEBHOOK_SECRET",
                    expected: format!(
                        "at least {MIN_WEBHOOK_SECRET_LEN} characters from A-Z, a-z, 0-9, '-', '_', '.' and '~' (it is part of a URL)"
                    ),
                    got: if v.chars().count() < MIN_WEBHOOK_SECRET_LEN {
                        format!("{} characters", v.chars().count())
                    } else {
                        "characters outside that set".into()
                    },
                });
            }
        };
        let log_format = match env.get("MONOSTAT_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(v) => {
                return Err(ConfigError {
                    variable: "MONOSTAT_LOG_FORMAT",
                    expected: "\"text\" or \"json\"".into(),
                    got: v.into(),
                });
            }
        };

        // Empty means unset: a deployment template with an empty variable should not demand
        // signatures nobody can make.
        let pagerduty_signing_secret = env
            .get("MONOSTAT_PAGERDUTY_SIGNING_SECRET")
            .filter(|v| !v.trim().is_empty())
            .map(Secret::new);
        let grafana_secret = env
            .get("MONOSTAT_GRAFANA_SECRET")
            .filter(|v| !v.trim().is_empty())
            .map(Secret::new);

        let slack = SlackOverrides {
            bot_token: env.get("MONOSTAT_SLACK_BOT_TOKEN").map(Secret::new),
            app_token: env.get("MONOSTAT_SLACK_APP_TOKEN").map(Secret::new),
            signing_secret: env.get("MONOSTAT_SLACK_SIGNING_SECRET").map(Secret::new),
            channel: env.get("MONOSTAT_SLACK_CHANNEL"),
            api_url: env.parse_with(
                "MONOSTAT_SLACK_API_URL",
                "an absolute http:// or https:// URL such as https://slack.com/api",
                SLACK_API_URL,
                |v| {
                    Url::parse(v)
                        .ok()
                        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
                },
            )?,
        };

        let metrics = match (
            env.get("MONOSTAT_METRICS_TOKEN"),
            env.get("MONOSTAT_METRICS"),
        ) {
            (Some(token), _) => MetricsAccess::Token(Secret::new(token)),
            (None, Some(v)) if is_truthy(&v) => MetricsAccess::Open,
            (None, Some(v))
                if ["0", "false", "no", "off"]
                    .iter()
                    .any(|f| v.eq_ignore_ascii_case(f)) =>
            {
                MetricsAccess::Off
            }
            (None, Some(v)) => {
                return Err(ConfigError {
                    variable: "MONOSTAT_METRICS",
                    expected: "1 to serve /metrics, or 0".into(),
                    got: v,
                });
            }
            (None, None) => MetricsAccess::Off,
        };

        let static_mirror_dir = match env.get("MONOSTAT_STATIC_MIRROR_DIR") {
            None => None,
            Some(v) => Some(static_mirror_dir(&v).ok_or_else(|| ConfigError {
                variable: "MONOSTAT_STATIC_MIRROR_DIR",
                expected:
                    "a path ending in the mirror's own name, such as /srv/status-mirror".into(),
                got: v,
            })?),
        };

        let max_connections = match env.get("MONOSTAT_MAX_CONNECTIONS") {
            None => None,
            Some(v) => Some(
                v.parse::<usize>()
                    .ok()
                    .filter(|n| (16..=1_000_000).contains(n))
                    .ok_or_else(|| ConfigError {
                        variable: "MONOSTAT_MAX_CONNECTIONS",
                        expected: "a whole number from 16 to 1000000".into(),
                        got: v,
                    })?,
            ),
        };
        let http = HttpLimits {
            max_connections,
            ..Default::default()
        };

        let trusted_proxies = match env.get("MONOSTAT_TRUSTED_PROXIES") {
            None => crate::net::TrustedProxies::default(),
            Some(v) => crate::net::TrustedProxies::parse(&v).map_err(|why| ConfigError {
                variable: "MONOSTAT_TRUSTED_PROXIES",
                expected: format!(
                    "a comma-separated list of addresses or CIDR ranges such as 127.0.0.0/8, ::1/128, 10.0.0.0/8, or none ({why})"
                ),
                got: v,
            })?,
        };

        Ok(Config {
            http,
            trusted_proxies,
            static_mirror_dir,
            metrics,
            site_url,
            listen,
            data_dir,
            database,
            automigrate,
            redis,
            mail,
            num_workers,
            job_lease: std::time::Duration::from_secs(job_lease_seconds),
            time_zone: TimeZoneConfig {
                name: time_zone_name,
                zone,
            },
            language,
            webhook_secret,
            pagerduty_signing_secret,
            grafana_secret,
            log_format,
            slack,
        })
    }
}

/// Reads one variable; `None` when it is unset or empty.
type Lookup = Box<dyn Fn(&str) -> Option<String>>;

struct Env(Lookup);

impl Env {
    fn get(&self, name: &str) -> Option<String> {
        (self.0)(name)
    }

    fn parse_with<T>(
        &self,
        variable: &'static str,
        expected: &str,
        default: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<T, ConfigError> {
        let value = self.get(variable).unwrap_or_else(|| default.to_owned());
        parse(value.trim()).ok_or_else(|| ConfigError {
            variable,
            expected: expected.to_owned(),
            got: value,
        })
    }

    fn port(&self, variable: &'static str, default: u16) -> Result<u16, ConfigError> {
        self.parse_with(
            variable,
            "a port number from 1 to 65535",
            &default.to_string(),
            |v| v.parse::<u16>().ok().filter(|p| *p != 0),
        )
    }

    fn flag(&self, variable: &'static str) -> Result<bool, ConfigError> {
        match self.get(variable) {
            None => Ok(false),
            Some(v) if is_truthy(&v) => Ok(true),
            Some(v) if is_falsy(&v) => Ok(false),
            Some(v) => Err(ConfigError {
                variable,
                expected: "true or false".into(),
                got: v,
            }),
        }
    }
}

fn is_truthy(v: &str) -> bool {
    ["true", "1", "yes", "on"]
        .iter()
        .any(|t| v.trim().eq_ignore_ascii_case(t))
}

fn is_falsy(v: &str) -> bool {
    ["false", "0", "no", "off"]
        .iter()
        .any(|t| v.trim().eq_ignore_ascii_case(t))
}

fn is_valid_webhook_secret(v: &str) -> bool {
    v.len() >= MIN_WEBHOOK_SECRET_LEN
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~'))
}

/// A static mirror's path: it must end in a name, since the mirror is a symbolic link by that
/// name with its generations beside it (`/` or `..` name no such place).
pub fn static_mirror_dir(value: &str) -> Option<PathBuf> {
    let path = PathBuf::from(value.trim());
    path.file_name()?;
    Some(path)
}

fn parse_site_url(value: &str) -> Result<Url, ConfigError> {
    let error = || ConfigError {
        variable: "MONOSTAT_SITE_URL",
        expected: "an absolute http:// or https:// URL such as https://status.example.com".into(),
        got: value.to_owned(),
    };
    let url = Url::parse(value.trim()).map_err(|_| error())?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(error());
    }
    Ok(url)
}

fn parse_database(env: &Env, data_dir: &std::path::Path) -> Result<DatabaseConfig, ConfigError> {
    let db_type = env
        .get("MONOSTAT_DB_TYPE")
        .unwrap_or_else(|| "sqlite".into());
    match db_type.trim().to_ascii_lowercase().as_str() {
        // `sqlite3` and `postgresql` are the Django engine names the original took.
        "sqlite" | "sqlite3" => Ok(DatabaseConfig::Sqlite {
            path: data_dir.join("monostat.db"),
        }),
        "postgresql" | "postgres" => {
            let host = env
                .get("MONOSTAT_DB_HOST")
                .unwrap_or_else(|| "localhost".into());
            let port = env.port("MONOSTAT_DB_PORT", 5432)?;
            let name = env
                .get("MONOSTAT_DB_NAME")
                .unwrap_or_else(|| "monostat".into());
            let mut url = Url::parse("postgres://localhost/").map_err(|_| ConfigError {
                variable: "MONOSTAT_DB_HOST",
                expected: "a host name".into(),
                got: host.clone(),
            })?;
            let bad_host = || ConfigError {
                variable: "MONOSTAT_DB_HOST",
                expected: "a host name or IP address".into(),
                got: host.clone(),
            };
            url.set_host(Some(host.trim_matches(['[', ']'])))
                .map_err(|_| bad_host())?;
            url.set_port(Some(port)).map_err(|_| bad_host())?;
            if let Some(user) = env.get("MONOSTAT_DB_USER") {
                url.set_username(&user).map_err(|_| bad_host())?;
            }
            if let Some(pass) = env.get("MONOSTAT_DB_PASS") {
                url.set_password(Some(&pass)).map_err(|_| bad_host())?;
            }
            url.path_segments_mut()
                .map_err(|_| bad_host())?
                .clear()
                .push(&name);
            Ok(DatabaseConfig::Postgres {
                url: SecretUrl(url),
            })
        }
        _ => Err(ConfigError {
            variable: "MONOSTAT_DB_TYPE",
            expected: "\"sqlite\" or \"postgresql\"".into(),
            got: db_type,
        }),
    }
}

fn parse_mail(env: &Env, site_url: &Url) -> Result<MailConfig, ConfigError> {
    let starttls = env.flag("MONOSTAT_MAIL_TLS")?;
    let tls = env.flag("MONOSTAT_MAIL_SSL")?;
    if starttls && tls {
        return Err(ConfigError {
            variable: "MONOSTAT_MAIL_SSL",
            expected: "false while MONOSTAT_MAIL_TLS is true (use one: TLS for STARTTLS on 587, SSL for port 465)".into(),
            got: "true".into(),
        });
    }
    let default_from = format!("monostat@{}", site_url.host_str().unwrap_or("localhost"));
    let from = env.get("MONOSTAT_MAIL_FROM").unwrap_or(default_from);
    let looks_like_address = from.contains('@')
        && !from
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '<' || c == '>');
    if !looks_like_address {
        return Err(ConfigError {
            variable: "MONOSTAT_MAIL_FROM",
            expected: "a plain email address such as status@example.com".into(),
            got: from,
        });
    }
    Ok(MailConfig {
        from,
        host: env.get("MONOSTAT_MAIL_HOST"),
        port: env.port(
            "MONOSTAT_MAIL_PORT",
            if tls {
                465
            } else if starttls {
                587
            } else {
                25
            },
        )?,
        starttls,
        tls,
        user: env.get("MONOSTAT_MAIL_USER"),
        password: env.get("MONOSTAT_MAIL_PASSWORD").map(Secret::new),
        opt_in_mails_per_hour: env.parse_with(
            "MONOSTAT_OPT_IN_MAILS_PER_HOUR",
            "a whole number from 1 to 100000",
            &DEFAULT_OPT_IN_MAILS_PER_HOUR.to_string(),
            |v| v.parse::<u32>().ok().filter(|n| (1..=100_000).contains(n)),
        )?,
    })
}

/// The HTTP server's limits (`web::server`); [`HttpLimits::default`] is what production runs
/// with, tests shorten them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpLimits {
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    /// `None`: derived from the file limit at start-up (`web::server::connection_cap`), which also bounds
    /// a number set here.
    pub max_connections: Option<usize>,
    pub shutdown_grace: Duration,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_connections: None,
            shutdown_grace: Duration::from_secs(15),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(move |name| map.get(name).cloned())
    }

    fn error(vars: &[(&str, &str)]) -> String {
        config(vars)
            .expect_err("configuration should be refused")
            .to_string()
    }

    #[test]
    fn nothing_set_means_sqlite_in_the_data_dir_on_loopback() {
        let c = config(&[]).expect("defaults are valid");
        assert_eq!(c.listen.to_string(), "127.0.0.1:8000");
        assert_eq!(c.site_url.as_str(), "http://127.0.0.1:8000/");
        assert_eq!(
            c.database,
            DatabaseConfig::Sqlite {
                path: PathBuf::from("./data/monostat.db")
            }
        );
        assert!(c.automigrate);
        assert_eq!(c.num_workers, 16);
        assert_eq!(c.time_zone.name, "UTC");
        assert!(c.redis.is_none());
        assert!(c.mail.host.is_none());
        assert_eq!(c.log_format, LogFormat::Text);
    }

    #[test]
    fn postgresql_is_built_from_the_original_variables() {
        let c = config(&[
            ("MONOSTAT_DB_TYPE", "postgresql"),
            ("MONOSTAT_DB_HOST", "db.internal"),
            ("MONOSTAT_DB_PORT", "6432"),
            ("MONOSTAT_DB_NAME", "status"),
            ("MONOSTAT_DB_USER", "monostat"),
            ("MONOSTAT_DB_PASS", "p@ss/Zq9x"),
        ])
        .expect("valid");
        let DatabaseConfig::Postgres { url } = &c.database else {
            panic!("expected PostgreSQL, got {:?}", c.database)
        };
        assert_eq!(
            url.0.as_str(),
            "postgres://monostat:p%40ss%2FZq9x@db.internal:6432/status"
        );
        assert_eq!(
            c.database.redacted_url(),
            "postgres://monostat:***@db.internal:6432/status"
        );
        let debug = format!("{c:?}");
        assert!(
            !debug.contains("Zq9x"),
            "password leaked into Debug: {debug}"
        );
    }

    #[test]
    fn bad_values_name_the_variable_and_what_was_expected() {
        assert_eq!(
            error(&[("MONOSTAT_DB_TYPE", "mysql")]),
            r#"MONOSTAT_DB_TYPE: expected "sqlite" or "postgresql", got "mysql""#
        );
        assert_eq!(
            error(&[
                ("MONOSTAT_DB_TYPE", "postgresql"),
                ("MONOSTAT_DB_PORT", "54x")
            ]),
            r#"MONOSTAT_DB_PORT: expected a port number from 1 to 65535, got "54x""#
        );
        assert_eq!(
            error(&[("MONOSTAT_TIME_ZONE", "Mars/Olympus")]),
            r#"MONOSTAT_TIME_ZONE: expected an IANA time zone name such as UTC or Europe/Berlin, got "Mars/Olympus""#
        );
        assert!(
            error(&[("MONOSTAT_SITE_URL", "status.example.com")])
                .starts_with("MONOSTAT_SITE_URL: expected an absolute http")
        );
        assert!(error(&[("MONOSTAT_LISTEN", "localhost")]).starts_with("MONOSTAT_LISTEN: "));
        assert!(error(&[("NUM_WORKERS", "0")]).starts_with("NUM_WORKERS: "));
        assert!(
            error(&[
                ("MONOSTAT_REDIS_HOST", "r"),
                ("MONOSTAT_REDIS_PORT", "70000")
            ])
            .starts_with("MONOSTAT_REDIS_PORT: ")
        );
        assert!(error(&[("MONOSTAT_MAIL_TLS", "maybe")]).starts_with("MONOSTAT_MAIL_TLS: "));
        assert!(
            error(&[("MONOSTAT_MAIL_TLS", "true"), ("MONOSTAT_MAIL_SSL", "true")])
                .starts_with("MONOSTAT_MAIL_SSL: ")
        );
        assert!(
            error(&[("MONOSTAT_MAIL_FROM", "Status <s@example.com>")])
                .starts_with("MONOSTAT_MAIL_FROM: ")
        );
        assert!(error(&[("AUTOMIGRATE", "no")]).starts_with("AUTOMIGRATE: "));
        assert!(error(&[("MONOSTAT_LOG_FORMAT", "xml")]).starts_with("MONOSTAT_LOG_FORMAT: "));
        assert!(
            error(&[("MONOSTAT_SLACK_API_URL", "slack.com")])
                .starts_with("MONOSTAT_SLACK_API_URL: ")
        );
        for no_name in ["/", "..", "/srv/.."] {
            assert!(
                error(&[("MONOSTAT_STATIC_MIRROR_DIR", no_name)])
                    .starts_with("MONOSTAT_STATIC_MIRROR_DIR: expected a path ending in"),
                "{no_name}"
            );
        }
    }

    #[test]
    fn the_static_mirror_is_off_unless_a_directory_is_named() {
        assert_eq!(config(&[]).expect("valid").static_mirror_dir, None);
        assert_eq!(
            config(&[("MONOSTAT_STATIC_MIRROR_DIR", "/srv/status-mirror/")])
                .expect("valid")
                .static_mirror_dir,
            Some(PathBuf::from("/srv/status-mirror/"))
        );
    }

    #[test]
    fn a_short_webhook_secret_is_refused_without_echoing_it() {
        let message = error(&[("MONOSTAT_WEBHOOK_SECRET", "hunter2")]);
        assert!(message.starts_with("MONOSTAT_WEBHOOK_SECRET: expected at least 16"));
        assert!(!message.contains("hunter2"));
        let c = config(&[("MONOSTAT_WEBHOOK_SECRET", "0123456789abcdef-_")]).expect("valid");
        assert_eq!(
            c.webhook_secret.map(|s| s.expose().to_owned()),
            Some("0123456789abcdef-_".into())
        );
    }

    #[test]
    fn automigrate_skip_disables_migrations() {
        assert!(
            !config(&[("AUTOMIGRATE", "skip")])
                .expect("valid")
                .automigrate
        );
        assert!(
            !config(&[("AUTOMIGRATE", "SKIP")])
                .expect("valid")
                .automigrate
        );
        assert!(
            config(&[("AUTOMIGRATE", "yes")])
                .expect("valid")
                .automigrate
        );
    }

    #[test]
    fn trusted_proxies_default_to_loopback_and_bad_ranges_are_named() {
        let ip = |text: &str| text.parse::<std::net::IpAddr>().expect("address");
        let default = config(&[]).expect("valid").trusted_proxies;
        assert!(default.contains(ip("127.0.0.1")) && default.contains(ip("::1")));
        assert!(default.contains(ip("::ffff:127.0.0.1")));
        assert!(
            !default.contains(ip("10.0.0.1")),
            "private is not trusted by default"
        );
        let set = config(&[("MONOSTAT_TRUSTED_PROXIES", "10.0.0.0/8, fd00::/8,192.0.2.7")])
            .expect("valid")
            .trusted_proxies;
        assert!(set.contains(ip("10.9.9.9")) && set.contains(ip("fd12::1")));
        assert!(set.contains(ip("192.0.2.7")) && !set.contains(ip("127.0.0.1")));
        let none = config(&[("MONOSTAT_TRUSTED_PROXIES", "none")])
            .expect("valid")
            .trusted_proxies;
        assert!(!none.contains(ip("127.0.0.1")));
        assert_eq!(
            error(&[("MONOSTAT_TRUSTED_PROXIES", "10.0.0.0/8, 172.16.0.0/33")]),
            "MONOSTAT_TRUSTED_PROXIES: expected a comma-separated list of addresses or CIDR \
             ranges such as 127.0.0.0/8, ::1/128, 10.0.0.0/8, or none (the prefix length \"33\" \
             is not a number from 0 to 32), got \"10.0.0.0/8, 172.16.0.0/33\""
        );
        assert!(
            error(&[("MONOSTAT_TRUSTED_PROXIES", "10.1.0.0/8")]).contains(
                "10.1.0.0/8 has bits set after its prefix; the range would be written 10.0.0.0/8"
            )
        );
    }

    #[test]
    fn empty_values_count_as_unset() {
        let c = config(&[("MONOSTAT_DB_TYPE", ""), ("MONOSTAT_DB_PORT", " ")]).expect("valid");
        assert!(matches!(c.database, DatabaseConfig::Sqlite { .. }));
    }

    #[test]
    fn mail_port_defaults_follow_the_encryption_mode() {
        assert_eq!(config(&[]).expect("valid").mail.port, 25);
        assert_eq!(
            config(&[("MONOSTAT_MAIL_TLS", "True")])
                .expect("valid")
                .mail
                .port,
            587
        );
        assert_eq!(
            config(&[("MONOSTAT_MAIL_SSL", "1")])
                .expect("valid")
                .mail
                .port,
            465
        );
    }
}

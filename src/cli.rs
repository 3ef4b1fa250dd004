//! The command line: `monostat [serve|worker|migrate|createsuperuser|export|simulate-alert|
//! import-django|version]`, with the original's names (`all`, `web`, `opsgenie_simulate_alert`)
//! as aliases.
//!
//! Every failure ends in one line on stderr and an exit status: 2 when what the user gave us
//! (configuration, arguments, input) is wrong and must be fixed, 1 when something else failed
//! (database unreachable, port taken). Never a panic or a backtrace.

use crate::accounts::{self, AccountError};
use crate::app::{self, Application, Role};
use crate::config::Config;
use crate::storage::users;
use crate::telemetry;
use clap::{Args, Parser, Subcommand};
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "monostat",
    version,
    about = "A status page and Slack bot for small on-call teams",
    after_help = "Configuration comes from environment variables; see the README."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the status page, the alert hooks and the Slack endpoints (the default)
    // `all` and `web` are what the original's container was started with.
    #[command(alias = "all", alias = "web")]
    Serve,
    /// Run jobs, watch monitoring and hold the Slack connection without serving requests: another
    /// instance beside `serve`, sharing its database
    Worker,
    /// Bring the database schema up to date, then exit
    Migrate,
    /// Create an admin user
    Createsuperuser(CreateSuperuserArgs),
    /// Write the public site as static files, for a static file server or object storage
    Export(ExportArgs),
    /// Send a simulated alert to the running server, and close it again when you press Enter
    // The original's management command, which scripts may still call.
    #[command(alias = "opsgenie_simulate_alert")]
    SimulateAlert(SimulateAlertArgs),
    /// Copy everything from an original (Django) monostat database into this one
    ImportDjango(ImportDjangoArgs),
    /// Print the version
    Version,
}

#[derive(Args, Debug)]
struct CreateSuperuserArgs {
    /// The new user's name (asked for when not given)
    #[arg(long)]
    username: Option<String>,
    /// The new user's email address (optional)
    #[arg(long)]
    email: Option<String>,
    /// Read the password from the first line of standard input, for scripts
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Args, Debug)]
struct ExportArgs {
    /// Where to publish the site: becomes a symbolic link to DIR.monostat-<generation> beside
    /// it, swapped atomically on every export
    #[arg(long, value_name = "DIR")]
    out: std::path::PathBuf,
}

#[derive(Args, Debug)]
struct SimulateAlertArgs {
    /// Send it the way Prometheus Alertmanager does, instead of OpsGenie
    #[arg(long, conflicts_with_all = ["webhook", "pagerduty"])]
    alertmanager: bool,
    /// Send it to the generic hook (Uptime Kuma, Gatus, scripts), instead of OpsGenie
    #[arg(long, conflicts_with = "pagerduty")]
    webhook: bool,
    /// Send it the way PagerDuty's v3 webhooks do (an incident triggered, then resolved), signed
    /// with the PagerDuty signing secret in force, instead of OpsGenie
    #[arg(long)]
    pagerduty: bool,
    /// The running server (default: http:// and MONOSTAT_LISTEN, on loopback)
    #[arg(long, value_name = "URL")]
    url: Option<url::Url>,
}

#[derive(Args, Debug)]
struct ImportDjangoArgs {
    /// The original's database: postgres://user:password@host/name or sqlite:///path/db.sqlite3
    #[arg(long, value_name = "URL")]
    from: String,
    /// Import even though this database has incidents of its own (they are kept)
    #[arg(long)]
    force: bool,
}

/// Why the command failed, and with which exit status.
#[derive(Debug)]
struct Failure {
    status: u8,
    message: String,
}

impl Failure {
    /// The user's input or configuration is wrong.
    fn usage(message: impl std::fmt::Display) -> Self {
        Self {
            status: 2,
            message: message.to_string(),
        }
    }

    /// Something outside the user's input failed.
    fn runtime(message: impl std::fmt::Display) -> Self {
        Self {
            status: 1,
            message: message.to_string(),
        }
    }
}

impl From<AccountError> for Failure {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Invalid(message) => Failure::usage(message),
            AccountError::Storage(e) => Failure::runtime(e),
        }
    }
}

pub fn main() -> ExitCode {
    // Clap prints its own usage errors and exits with status 2.
    let cli = Cli::parse();
    match run(cli.command.unwrap_or(Command::Serve)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("monostat: {}", failure.message);
            ExitCode::from(failure.status)
        }
    }
}

fn run(command: Command) -> Result<(), Failure> {
    if let Command::Version = command {
        println!("monostat {}", env!("CARGO_PKG_VERSION"));
        return Ok(());
    }
    let config = Config::from_env().map_err(Failure::usage)?;
    telemetry::init(config.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async move {
        match command {
            Command::Serve => serve(Role::Serve, config).await,
            Command::Worker => serve(Role::Worker, config).await,
            Command::Migrate => migrate(config).await,
            Command::Createsuperuser(args) => create_superuser(config, args).await,
            Command::Export(args) => export(config, args).await,
            Command::SimulateAlert(args) => simulate_alert(config, args).await,
            Command::ImportDjango(args) => import_django(config, args).await,
            Command::Version => Ok(()),
        }
    })
}

async fn serve(role: Role, config: Config) -> Result<(), Failure> {
    let app = Application::build_as(role, config, Default::default(), |_| {})
        .await
        .map_err(Failure::runtime)?;
    let shutdown = app.handle().shutdown;
    tokio::spawn(async move {
        app::shutdown_signal().await;
        shutdown.cancel();
    });
    app.run().await.map_err(Failure::runtime)
}

async fn import_django(config: Config, args: ImportDjangoArgs) -> Result<(), Failure> {
    let failure = |e: crate::import_django::ImportError| {
        if e.is_usage() {
            Failure::usage(e)
        } else {
            Failure::runtime(e)
        }
    };
    // The source is checked before the target is touched (created, migrated).
    let source = crate::import_django::Source::parse(&args.from).map_err(failure)?;
    let original = source.read().await.map_err(failure)?;
    let db = app::open_database(&config)
        .await
        .map_err(Failure::runtime)?;
    let imported = crate::import_django::import(&db, &original, args.force, &config.site_url).await;
    db.close().await;
    print!("{}", imported.map_err(failure)?);
    // On stderr, with other diagnostics: the report on stdout stays what the import did.
    if let Some(note) = time_zone_note(&config.time_zone.name) {
        eprintln!("{note}");
    }
    Ok(())
}

/// The original showed every time and drew every day's line in this zone, whatever the server's.
const ORIGINAL_TIME_ZONE: &str = "Europe/Berlin";

/// What the person moving over must know when this installation shows times in another zone
/// than the original did: the data is the same (stored in UTC), what readers see moves.
fn time_zone_note(configured: &str) -> Option<String> {
    (configured != ORIGINAL_TIME_ZONE).then(|| {
        format!(
            "Note: the original showed times and days in {ORIGINAL_TIME_ZONE}; this monostat \
             shows them in {configured} (MONOSTAT_TIME_ZONE). Times on the page and in mails will \
             read differently, and incidents near midnight may move to another day in the \
             history and the uptime bars. To keep them as they were, set \
             MONOSTAT_TIME_ZONE={ORIGINAL_TIME_ZONE}."
        )
    })
}

async fn migrate(config: Config) -> Result<(), Failure> {
    let db = crate::storage::Db::connect(&config.database)
        .await
        .map_err(Failure::runtime)?;
    db.migrate().await.map_err(Failure::runtime)?;
    db.close().await;
    println!("The database is up to date.");
    Ok(())
}

async fn export(config: Config, args: ExportArgs) -> Result<(), Failure> {
    let started = std::time::Instant::now();
    let db = app::open_database(&config)
        .await
        .map_err(Failure::runtime)?;
    let written = crate::public::mirror::export(&db, &config, args.out.clone()).await;
    db.close().await;
    let written = written.map_err(|e| {
        if e.is_usage() {
            Failure::usage(e)
        } else {
            Failure::runtime(e)
        }
    })?;
    // A new mirror always writes; `None` would mean the files were there already.
    let (files, bytes) = written.map_or((0, 0), |w| (w.files, w.bytes));
    println!(
        "Exported {files} files ({} KiB) to {} in {} ms.",
        bytes.div_ceil(1024),
        args.out.display(),
        started.elapsed().as_millis()
    );
    Ok(())
}

async fn create_superuser(config: Config, args: CreateSuperuserArgs) -> Result<(), Failure> {
    let db = app::open_database(&config)
        .await
        .map_err(Failure::runtime)?;
    let mut conn = db.acquire().await.map_err(Failure::runtime)?;
    let interactive = args.username.is_none();

    let username = match args.username {
        Some(name) => name,
        None => prompt_line("Username: ")?,
    };
    // Checked before asking for a password, so nobody types one for nothing.
    accounts::validate_username(&username)?;
    if users::by_username(&mut conn, &username)
        .await
        .map_err(Failure::runtime)?
        .is_some()
    {
        return Err(Failure::usage(format!(
            "a user named {username:?} already exists"
        )));
    }
    let email = match args.email {
        Some(email) => email,
        None if interactive => prompt_line("Email address (optional): ")?,
        None => String::new(),
    };
    accounts::validate_email(&email)?;

    let password = if args.password_stdin {
        read_stdin_line()?.ok_or_else(|| {
            Failure::usage("--password-stdin was given, but standard input was empty")
        })?
    } else {
        prompt_new_password()?
    };
    let user = accounts::create_user(&mut conn, &username, &email, &password).await?;
    drop(conn);
    db.close().await;
    println!("Superuser {:?} created.", user.username);
    Ok(())
}

fn prompt_new_password() -> Result<String, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage(
            "no terminal to ask for a password on; use --password-stdin",
        ));
    }
    let ask = |prompt: &str| {
        rpassword::prompt_password(prompt)
            .map_err(|e| Failure::usage(format!("cannot read the password: {e}")))
    };
    let first = ask("Password: ")?;
    accounts::validate_password(&first)?;
    let second = ask("Password (again): ")?;
    if first != second {
        return Err(Failure::usage("the two passwords do not match"));
    }
    Ok(first)
}

fn prompt_line(prompt: &str) -> Result<String, Failure> {
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    read_stdin_line()?.ok_or_else(|| {
        Failure::usage(format!(
            "no answer to {:?} on standard input",
            prompt.trim_end_matches([':', ' '])
        ))
    })
}

/// One line from standard input without its line ending; `None` at end of input.
fn read_stdin_line() -> Result<Option<String>, Failure> {
    let mut line = String::new();
    let read = std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::usage(format!("cannot read standard input: {e}")))?;
    if read == 0 {
        return Ok(None);
    }
    Ok(Some(line.trim_end_matches(['\n', '\r']).to_owned()))
}

async fn simulate_alert(config: Config, args: SimulateAlertArgs) -> Result<(), Failure> {
    use crate::simulate::{self, Sender};

    let secret = crate::settings::hook_secret_or(&config, async || {
        let db = app::open_database(&config).await?;
        let secret = crate::storage::settings::webhook_secret(&mut *db.acquire().await?).await;
        db.close().await;
        secret
    })
    .await
    .map_err(Failure::runtime)?
    .value;
    let base = match args.url {
        Some(url) => url.as_str().trim_end_matches('/').to_owned(),
        None => {
            // A server listening on every address is reached on loopback.
            let mut listen = config.listen;
            if listen.ip().is_unspecified() {
                listen.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
            }
            format!("http://{listen}")
        }
    };
    let sender = if args.alertmanager {
        Sender::Alertmanager
    } else if args.webhook {
        Sender::Webhook
    } else if args.pagerduty {
        Sender::Pagerduty
    } else {
        Sender::Opsgenie
    };
    let signing = signing_for(sender, &config).await?;
    let url = format!("{base}{}", sender.hook_path(&secret));
    let id = format!("simulated-{:016x}", rand::random::<u64>());
    let started = jiff::Timestamp::now();
    let client = reqwest::Client::new();

    simulate::send(&client, &url, &sender.firing(&id, started), &signing)
        .await
        .map_err(Failure::runtime)?;
    println!(
        "Alert {id} is firing: the status page should now say the system might be having issues."
    );
    println!("Press Enter to close the alert again.");
    let _ = tokio::task::spawn_blocking(read_stdin_line).await;
    simulate::send(
        &client,
        &url,
        &sender.resolved(&id, started, jiff::Timestamp::now()),
        &signing,
    )
    .await
    .map_err(Failure::runtime)?;
    println!("Alert {id} is closed: an incident nobody confirmed is dismissed.");
    Ok(())
}

/// How the server in front of us wants `sender`'s deliveries signed: PagerDuty's with its
/// signing secret, Alertmanager's with Grafana's secret (the server then requires it on the
/// Alertmanager hook too), each only when one is in force. The database is opened only when the
/// environment does not decide it.
async fn signing_for(
    sender: crate::simulate::Sender,
    config: &Config,
) -> Result<crate::simulate::Signing, Failure> {
    use crate::simulate::{Sender, Signing};
    if !matches!(sender, Sender::Pagerduty | Sender::Alertmanager) {
        return Ok(Signing::None);
    }
    let in_force = match (sender, &config.pagerduty_signing_secret) {
        (Sender::Pagerduty, Some(secret)) => crate::settings::HookSigning {
            pagerduty: crate::settings::InForce {
                value: secret.expose().to_owned(),
                from_environment: true,
            },
            ..Default::default()
        },
        _ => {
            let db = app::open_database(config).await.map_err(Failure::runtime)?;
            let signing = crate::settings::hook_signing(config, &db).await;
            db.close().await;
            signing.map_err(Failure::runtime)?
        }
    };
    Ok(match sender {
        Sender::Pagerduty if !in_force.pagerduty.value.is_empty() => {
            Signing::Pagerduty(in_force.pagerduty.value)
        }
        Sender::Alertmanager if !in_force.grafana.value.is_empty() => Signing::Grafana {
            secret: in_force.grafana.value,
            timestamp_header: in_force.grafana_timestamp_header,
        },
        _ => Signing::None,
    })
}

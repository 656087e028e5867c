//! The command line: serving, the demo, migrations, users, tokens, the audit chain, and the
//! calendar and validators for admins.

use anyhow::{Context, anyhow};
use clap::{Args, Parser, Subcommand};
use ratusz_app::audit::Actor;
use ratusz_app::{App, AppError, SystemClock};
use ratusz_core::roles::Role;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::config::Config;

#[derive(Parser, Debug)]
#[command(
    name = "ratusz",
    version,
    about = "Ratusz — cyfrowy urząd gminy / the digital municipal office"
)]
pub struct Cli {
    /// Configuration file (default: ./ratusz.toml when present).
    #[arg(long, global = true, env = "RATUSZ_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the portal, the staff panel and the API (production).
    Serve,
    /// Create (or reuse) the demo municipality "Gmina Przykładowo" and serve it.
    Demo,
    /// Apply database migrations and exit.
    Migrate,
    /// Municipalities served by this installation.
    #[command(subcommand)]
    Tenant(TenantCmd),
    /// Staff accounts.
    #[command(subcommand)]
    User(UserCmd),
    /// API tokens for staff users and integrations.
    #[command(subcommand)]
    Token(TokenCmd),
    /// The tamper-evident audit log.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Polish public holidays and KPA deadlines.
    #[command(subcommand)]
    Calendar(CalendarCmd),
    /// Validate identifiers read one per line from stdin: prints `value<TAB>ok` or
    /// `value<TAB>error:<code>`.
    Validate {
        /// pesel, nip, regon, iban, postal-code or ade.
        kind: String,
    },
    /// Background jobs.
    #[command(subcommand)]
    Jobs(JobsCmd),
    /// Benchmarks that print figures.
    #[command(subcommand)]
    Bench(crate::bench::BenchCmd),
    /// AI intake: measure the routing model on labelled texts.
    #[command(subcommand)]
    Intake(crate::intake_cli::IntakeCmd),
    /// Rebuild this node's search index from the database.
    Reindex,
    /// Crisis alerts: the address register residents subscribe by.
    #[command(subcommand)]
    Alerts(AlertsCmd),
}

#[derive(Subcommand, Debug)]
pub enum AlertsCmd {
    /// Replace a municipality's address register with a CSV file (header
    /// miejscowosc,ulica,numer,kod_pocztowy,szerokosc,dlugosc; WGS84 degrees).
    ImportAddresses {
        #[command(flatten)]
        tenant: TenantArg,
        /// The CSV file (UTF-8).
        #[arg(long)]
        file: std::path::PathBuf,
    },
    /// Re-publish another service's CAP 1.1/1.2 alert on the municipality's alerts page.
    ImportCap {
        #[command(flatten)]
        tenant: TenantArg,
        /// The CAP XML file.
        #[arg(long)]
        file: std::path::PathBuf,
    },
    /// Add another service's CAP feed (Atom or RSS) for the robot to re-publish.
    AddFeed {
        #[command(flatten)]
        tenant: TenantArg,
        /// What staff call it, e.g. "IMGW – ostrzeżenia".
        #[arg(long)]
        name: String,
        /// The feed's address (https://…).
        #[arg(long)]
        url: String,
        /// Minutes between readings.
        #[arg(long, default_value_t = ratusz_app::alerts::feeds::EVERY_MINUTES_DEFAULT)]
        every_minutes: i64,
    },
    /// List the municipality's CAP feeds and how their last reading went.
    Feeds {
        #[command(flatten)]
        tenant: TenantArg,
    },
    /// Read the municipality's CAP feeds now (all, or the one given) and say what was published.
    ReadFeeds {
        #[command(flatten)]
        tenant: TenantArg,
        /// Only this feed (its id, from `feeds`).
        #[arg(long)]
        id: Option<String>,
    },
    /// Remove a CAP feed (what it published stays published).
    RemoveFeed {
        #[command(flatten)]
        tenant: TenantArg,
        #[arg(long)]
        id: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum TenantCmd {
    /// Create a municipality.
    Create {
        /// Short id, e.g. `nowawies`.
        #[arg(long)]
        slug: String,
        /// Full name, e.g. "Gmina Nowa Wieś".
        #[arg(long)]
        name: String,
        /// Host names it is served at (repeatable).
        #[arg(long = "host")]
        hosts: Vec<String>,
    },
    /// List municipalities.
    List,
}

#[derive(Args, Debug)]
pub struct TenantArg {
    /// The municipality (slug).
    #[arg(long)]
    pub tenant: String,
}

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Create a staff account. The password is read from stdin (one line) or generated.
    Create {
        #[command(flatten)]
        tenant: TenantArg,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// clerk, manager, registrar or admin.
        #[arg(long)]
        role: String,
        /// Unit symbol (required for clerk and manager).
        #[arg(long)]
        unit: Option<String>,
        /// Read the password from stdin instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Grant a further role.
    Grant {
        #[command(flatten)]
        tenant: TenantArg,
        #[arg(long)]
        email: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        unit: Option<String>,
    },
    /// Disable an account (someone left): ends its sessions, stops its API tokens.
    Disable {
        #[command(flatten)]
        tenant: TenantArg,
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled account again.
    Enable {
        #[command(flatten)]
        tenant: TenantArg,
        #[arg(long)]
        email: String,
    },
    /// Remove a user's TOTP (lost phone); they enrol again at the next sign-in.
    ResetMfa {
        #[command(flatten)]
        tenant: TenantArg,
        #[arg(long)]
        email: String,
    },
    /// List staff accounts.
    List {
        #[command(flatten)]
        tenant: TenantArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCmd {
    /// Create an API token for a user; prints it once.
    Create {
        #[command(flatten)]
        tenant: TenantArg,
        /// The staff user the token acts as.
        #[arg(
            long,
            required_unless_present = "integration",
            conflicts_with = "integration"
        )]
        email: Option<String>,
        /// Or an integration (robot, external system) acting under its own name, created on
        /// first use with --role (and --unit for a clerk or manager).
        #[arg(long)]
        integration: Option<String>,
        /// Role of a new integration: clerk, manager or registrar.
        #[arg(long, requires = "integration")]
        role: Option<String>,
        /// Unit symbol of a new integration.
        #[arg(long, requires = "integration")]
        unit: Option<String>,
        /// A name to recognise it by.
        #[arg(long, default_value = "integration")]
        name: String,
        /// Comma-separated: read, write, admin.
        #[arg(long, default_value = "read")]
        scopes: String,
        /// Valid for this many days (default: until revoked).
        #[arg(long)]
        days: Option<i64>,
    },
    /// Revoke a token by its id.
    Revoke {
        #[command(flatten)]
        tenant: TenantArg,
        #[arg(long)]
        id: String,
    },
    /// List tokens (ids, names, scopes; never the secret).
    List {
        #[command(flatten)]
        tenant: TenantArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// Verify every municipality's hash chain. Exit 0 when intact; 1 naming the first bad event.
    Verify,
}

#[derive(Subcommand, Debug)]
pub enum CalendarCmd {
    /// Public holidays of a year: `YYYY-MM-DD<TAB>name` per line.
    Holidays { year: i32 },
    /// The due date of a term under KPA art. 57.
    Deadline {
        /// The day of the event (not counted), YYYY-MM-DD.
        #[arg(long)]
        from: String,
        /// 14d, 2w, 1m, 2m, 3m …
        #[arg(long)]
        term: String,
        /// Also print how the date was computed.
        #[arg(long)]
        explain: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum JobsCmd {
    /// Run due jobs until the queue is empty, then exit.
    Run,
    /// Put a municipality's dead-lettered jobs back in the queue.
    RetryDead {
        #[command(flatten)]
        tenant: TenantArg,
    },
    /// Queue again the e-mails kept in the outbox while SMTP was not configured.
    ReleaseHeldMail,
    /// Queue again the SMS kept in the outbox while no SMS gateway was configured.
    ReleaseHeldSms,
}

pub fn init_logging(filter: &str) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(filter)),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

/// Connects and migrates.
pub fn open_app(cfg: &Config) -> anyhow::Result<App> {
    let settings = cfg.app_settings().map_err(|e| anyhow!(e))?;
    let url = cfg.database_url();
    let store = ratusz_store::Store::connect(&url, cfg.pool_size)
        .map_err(|e| anyhow!("{e}"))
        .context("opening the database")?;
    let applied = store.migrate().map_err(|e| anyhow!("{e}"))?;
    for m in applied {
        tracing::info!(migration = %m, "applied");
    }
    Ok(App::new(store, Arc::new(SystemClock), settings))
}

fn app_err(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(fields) => anyhow!(
            "{}",
            fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message_en))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow!("{other}"),
    }
}

fn tenant_id(app: &App, slug: &str) -> anyhow::Result<String> {
    app.tenant_by_slug(slug)
        .map_err(app_err)?
        .map(|t| t.tenant_id)
        .ok_or_else(|| anyhow!("no municipality with slug {slug:?} (see `ratusz tenant list`)"))
}

fn unit_id(app: &App, tenant: &str, symbol: Option<&str>) -> anyhow::Result<Option<String>> {
    let Some(symbol) = symbol else {
        return Ok(None);
    };
    let units = app.units(tenant).map_err(app_err)?;
    units
        .into_iter()
        .find(|u| u.symbol.eq_ignore_ascii_case(symbol) || u.symbol == symbol.to_uppercase())
        .map(|u| Some(u.id))
        .ok_or_else(|| anyhow!("no unit with symbol {symbol:?}"))
}

fn parse_role(s: &str) -> anyhow::Result<Role> {
    s.parse::<Role>()
        .map_err(|_| anyhow!("unknown role {s:?}: use clerk, manager, registrar or admin"))
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // Law commands need no configuration or database.
    match &cli.command {
        Command::Calendar(c) => return calendar(c),
        Command::Validate { kind } => return validate(kind),
        _ => {}
    }
    if let Command::Intake(cmd) = cli.command {
        return crate::intake_cli::run(cmd);
    }
    let mut cfg = Config::load(cli.config.as_deref()).map_err(|e| anyhow!(e))?;
    init_logging(&cfg.log);
    match cli.command {
        Command::Serve => {
            let app = open_app(&cfg)?;
            serve(app, &cfg)?;
        }
        Command::Demo => {
            if cfg.default_tenant.is_none() {
                cfg.default_tenant = Some(ratusz_app::demo::SLUG.into());
            }
            let app = open_app(&cfg)?;
            app.ensure_demo(&[]).map_err(app_err)?;
            print_demo_banner(&cfg);
            serve(app, &cfg)?;
        }
        Command::Migrate => {
            let app = open_app(&cfg)?;
            println!("database ready ({})", app.store.engine().as_str());
        }
        Command::Tenant(cmd) => {
            let app = open_app(&cfg)?;
            match cmd {
                TenantCmd::Create { slug, name, hosts } => {
                    let t = app
                        .create_tenant(&slug, &name, &hosts, &Actor::cli())
                        .map_err(app_err)?;
                    println!("{}\t{}\t{}", t.slug, t.tenant_id, t.name);
                }
                TenantCmd::List => {
                    for t in app.tenants().map_err(app_err)? {
                        println!("{}\t{}\t{}", t.slug, t.tenant_id, t.name);
                    }
                }
            }
        }
        Command::User(cmd) => user(open_app(&cfg)?, cmd)?,
        Command::Token(cmd) => token(open_app(&cfg)?, cmd)?,
        Command::Audit(AuditCmd::Verify) => return audit_verify(&open_app(&cfg)?),
        Command::Jobs(JobsCmd::Run) => {
            let app = open_app(&cfg)?;
            // The portal robot's periodic work first, so that its notices go out in this run.
            let sweep = app.portal_sweep().map_err(app_err)?;
            let delays = app.delay_sweep().map_err(app_err)?;
            let n = app.drain_jobs("cli").map_err(app_err)?;
            println!("{n} jobs run");
            if delays > 0 {
                println!("intake: {delays} delay notices drafted");
            }
            if sweep != Default::default() {
                println!(
                    "portal: {} letters deemed delivered, {} reminders",
                    sweep.deemed, sweep.reminders
                );
            }
        }
        Command::Alerts(AlertsCmd::ImportAddresses { tenant, file }) => {
            let app = open_app(&cfg)?;
            let tid = tenant_id(&app, &tenant.tenant)?;
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow!("cannot read {} as UTF-8 text: {e}", file.display()))?;
            let n = app
                .import_address_points(&tid, &Actor::cli(), &text)
                .map_err(app_err)?;
            println!("{n} address points imported");
        }
        Command::Alerts(AlertsCmd::ImportCap { tenant, file }) => {
            let app = open_app(&cfg)?;
            let tid = tenant_id(&app, &tenant.tenant)?;
            let bytes =
                std::fs::read(&file).map_err(|e| anyhow!("cannot read {}: {e}", file.display()))?;
            let row = app
                .import_cap(&tid, &Actor::cli(), &bytes)
                .map_err(app_err)?;
            println!("published {} ({})", row.id, row.identifier);
        }
        Command::Alerts(AlertsCmd::AddFeed {
            tenant,
            name,
            url,
            every_minutes,
        }) => {
            let app = open_app(&cfg)?;
            let tid = tenant_id(&app, &tenant.tenant)?;
            let row = app
                .add_cap_feed(&tid, &Actor::cli(), &name, &url, every_minutes)
                .map_err(app_err)?;
            println!(
                "feed {} added: {} every {} min",
                row.id, row.url, row.every_minutes
            );
        }
        Command::Alerts(AlertsCmd::Feeds { tenant }) => {
            let app = open_app(&cfg)?;
            let tid = tenant_id(&app, &tenant.tenant)?;
            for f in app.cap_feeds(&tid).map_err(app_err)? {
                println!(
                    "{}\t{}\t{}\tevery {} min\tpublished {}\t{}{}",
                    f.id,
                    f.name,
                    f.url,
                    f.every_minutes,
                    f.published,
                    f.last_status.as_deref().unwrap_or("not read yet"),
                    f.last_error.map(|e| format!(": {e}")).unwrap_or_default()
                );
            }
        }
        Command::Alerts(AlertsCmd::ReadFeeds { tenant, id }) => {
            let app = open_app(&cfg)?;
            let tid = tenant_id(&app, &tenant.tenant)?;
            let feeds = app.cap_feeds(&tid).map_err(app_err)?;
            let chosen: Vec<_> = feeds
                .iter()
                .filter(|f| id.as_ref().is_none_or(|id| *id == f.id))
                .collect();
            if chosen.is_empty() {
                return Err(anyhow!(
                    "no CAP feed to read (see `ratusz alerts feeds`; add one with `add-feed`)"
                ));
            }
            let mut failed = false;
            for f in chosen {
                match app.read_cap_feed(&tid, &Actor::cli(), &f.id) {
                    Ok(r) => {
                        println!(
                            "{}: {} entries, {} published, {} already known, {} refused, {} left for later",
                            f.name,
                            r.entries,
                            r.published,
                            r.known,
                            r.refused.len(),
                            r.later
                        );
                        for e in &r.refused {
                            println!("  refused {}: {}", e.entry, e.message_en);
                        }
                    }
                    Err(e) => {
                        failed = true;
                        eprintln!("{}: {}", f.name, app_err(e));
                    }
                }
            }
            if failed {
                return Err(anyhow!("some feeds could not be read"));
            }
        }
        Command::Alerts(AlertsCmd::RemoveFeed { tenant, id }) => {
            let app = open_app(&cfg)?;
            let tid = tenant_id(&app, &tenant.tenant)?;
            app.remove_cap_feed(&tid, &Actor::cli(), &id)
                .map_err(app_err)?;
            println!("feed {id} removed");
        }
        Command::Jobs(JobsCmd::RetryDead { tenant }) => {
            let app = open_app(&cfg)?;
            let tid = tenant_id(&app, &tenant.tenant)?;
            let n = app.retry_dead_jobs(&tid, &Actor::cli()).map_err(app_err)?;
            println!("{n} dead jobs queued again");
        }
        Command::Jobs(JobsCmd::ReleaseHeldMail) => {
            let app = open_app(&cfg)?;
            if cfg.smtp.is_none() {
                eprintln!("note: SMTP is not configured, so released messages will be held again");
            }
            let n = app.release_held_mail().map_err(app_err)?;
            println!("{n} held messages queued for sending");
        }
        Command::Jobs(JobsCmd::ReleaseHeldSms) => {
            let app = open_app(&cfg)?;
            if cfg.sms.is_none() {
                eprintln!("note: no SMS gateway is configured, so released SMS will be held again");
            }
            let n = app.release_held_sms().map_err(app_err)?;
            println!("{n} held SMS queued for sending");
        }
        Command::Bench(cmd) => return crate::bench::run(cmd, &cfg),
        Command::Reindex => {
            let app = open_app(&cfg)?;
            let started = std::time::Instant::now();
            let n = app.reindex().map_err(app_err)?;
            println!(
                "search index rebuilt: {n} objects in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        Command::Calendar(_) | Command::Validate { .. } | Command::Intake(_) => {}
    }
    Ok(ExitCode::SUCCESS)
}

fn print_demo_banner(cfg: &Config) {
    use ratusz_app::demo;
    println!("Ratusz demo: {} at {}", demo::NAME, cfg.public_url());
    println!("  staff password (all staff): {}", demo::STAFF_PASSWORD);
    println!(
        "  staff TOTP secret (add to an authenticator app): {}",
        demo::STAFF_TOTP_SECRET
    );
    for (email, _, role, unit) in demo::STAFF {
        println!(
            "    {email:<36} {role}{}",
            unit.map(|u| format!(" ({u})")).unwrap_or_default()
        );
    }
    println!("  residents (password {}):", demo::RESIDENT_PASSWORD);
    for (email, _) in demo::RESIDENTS {
        println!("    {email}");
    }
}

/// Serves HTTP and runs the job workers until Ctrl-C or SIGTERM.
pub fn serve(app: App, cfg: &Config) -> anyhow::Result<()> {
    check_antivirus(&app, cfg)?;
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..cfg.workers)
        .map(|i| app.spawn_worker(format!("{}-{i}", hostname()), stop.clone()))
        .chain(std::iter::once(app.spawn_indexer(stop.clone())))
        .collect();
    // Blocking work is database work: more blocking threads than pooled connections would
    // only queue on the pool, so the two are sized together.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads((cfg.pool_size as usize).max(2))
        .build()
        .context("starting the runtime")?;
    let router = ratusz_web::router(app, cfg.web_config());
    let listen = cfg.listen.clone();
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        tracing::info!("listening on http://{listen}");
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server")
    })?;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}

/// Says at start-up whether uploads are scanned: a warning when they are not, a refusal when
/// the configuration requires scanning. clamd not answering yet is only a warning (it may still
/// be loading its signatures); until it answers, uploads fail and `/readyz` says so.
fn check_antivirus(app: &App, cfg: &Config) -> anyhow::Result<()> {
    match app.antivirus() {
        None if cfg.antivirus.required => Err(anyhow!(
            "antivirus.required is set but antivirus.clamd (RATUSZ_CLAMD) is not: set it to \
             tcp://HOST:PORT or unix:/PATH of your clamd (docs/antywirus.md)"
        )),
        None => {
            tracing::warn!(
                "antivirus: clamd is not configured, so uploaded files are stored WITHOUT a virus \
                 scan; set [antivirus] clamd or RATUSZ_CLAMD (docs/antywirus.md)"
            );
            Ok(())
        }
        Some(scanner) => {
            let upload = app.settings.max_upload_bytes;
            if upload > scanner.stream_max_bytes {
                tracing::warn!(
                    "antivirus: max_upload_mib ({} MiB) is larger than antivirus.stream_max_mib \
                     ({} MiB): files in between are refused as too large to scan",
                    upload / (1024 * 1024),
                    scanner.stream_max_bytes / (1024 * 1024)
                );
            }
            match scanner.ping() {
                Ok(()) => {
                    tracing::info!(clamd = %scanner.address, "antivirus: uploads are scanned")
                }
                Err(e) => tracing::warn!(
                    clamd = %scanner.address,
                    error = %e,
                    "antivirus: clamd does not answer yet; uploads are refused until it does"
                ),
            }
            Ok(())
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|_| "node".into())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

fn read_password_line() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

fn user(app: App, cmd: UserCmd) -> anyhow::Result<()> {
    match cmd {
        UserCmd::Create {
            tenant,
            email,
            name,
            role,
            unit,
            password_stdin,
        } => {
            let tid = tenant_id(&app, &tenant.tenant)?;
            let role = parse_role(&role)?;
            let unit_id = unit_id(&app, &tid, unit.as_deref())?;
            let (password, generated) = if password_stdin {
                (read_password_line()?, false)
            } else {
                (ratusz_app::accounts::random_token(18), true)
            };
            let user = app
                .create_staff(
                    &tid,
                    &ratusz_app::accounts::NewStaff {
                        email,
                        display_name: name,
                        password: password.clone(),
                        role,
                        unit_id,
                        totp_secret: None,
                    },
                    &Actor::cli(),
                )
                .map_err(app_err)?;
            println!("created {} ({})", user.email, user.id);
            if generated {
                println!("temporary password (shown once): {password}");
            }
            println!("TOTP enrolment is required at the first sign-in.");
        }
        UserCmd::Grant {
            tenant,
            email,
            role,
            unit,
        } => {
            let tid = tenant_id(&app, &tenant.tenant)?;
            let role = parse_role(&role)?;
            let unit_id = unit_id(&app, &tid, unit.as_deref())?;
            let user = app
                .user_by_email(&tid, &email)
                .map_err(app_err)?
                .ok_or_else(|| anyhow!("no user {email}"))?;
            app.grant_role(&tid, &user.id, role, unit_id.as_deref(), &Actor::cli())
                .map_err(app_err)?;
            println!("granted {role} to {}", user.email);
        }
        UserCmd::Disable { tenant, email } => set_disabled(&app, &tenant.tenant, &email, true)?,
        UserCmd::Enable { tenant, email } => set_disabled(&app, &tenant.tenant, &email, false)?,
        UserCmd::ResetMfa { tenant, email } => {
            let tid = tenant_id(&app, &tenant.tenant)?;
            let user = app
                .user_by_email(&tid, &email)
                .map_err(app_err)?
                .ok_or_else(|| anyhow!("no user {email}"))?;
            app.reset_mfa(&tid, &user.id, &Actor::cli())
                .map_err(app_err)?;
            println!(
                "two-step verification of {} reset; they enrol again at the next sign-in",
                user.email
            );
        }
        UserCmd::List { tenant } => {
            let tid = tenant_id(&app, &tenant.tenant)?;
            for (u, roles) in app.staff(&tid).map_err(app_err)? {
                let roles: Vec<String> = roles.iter().map(|r| r.role.clone()).collect();
                println!(
                    "{}\t{}\t{}\tmfa:{}",
                    u.email,
                    u.display_name,
                    roles.join(","),
                    if u.totp_enabled_at.is_some() {
                        "on"
                    } else {
                        "off"
                    }
                );
            }
        }
    }
    Ok(())
}

fn set_disabled(app: &App, slug: &str, email: &str, disable: bool) -> anyhow::Result<()> {
    let tid = tenant_id(app, slug)?;
    let user = app
        .user_by_email(&tid, email)
        .map_err(app_err)?
        .ok_or_else(|| anyhow!("no user {email}"))?;
    app.set_user_disabled(&tid, &user.id, disable, &Actor::cli())
        .map_err(app_err)?;
    println!(
        "{} {}",
        user.email,
        if disable { "disabled" } else { "enabled" }
    );
    Ok(())
}

fn token(app: App, cmd: TokenCmd) -> anyhow::Result<()> {
    match cmd {
        TokenCmd::Create {
            tenant,
            email,
            integration,
            role,
            unit,
            name,
            scopes,
            days,
        } => {
            let tid = tenant_id(&app, &tenant.tenant)?;
            let user = match (email, integration) {
                (Some(email), _) => app
                    .user_by_email(&tid, &email)
                    .map_err(app_err)?
                    .ok_or_else(|| anyhow!("no user {email}"))?,
                (None, Some(name)) => {
                    let key = ratusz_app::accounts::integration_key(&name);
                    match app.user_by_email(&tid, &key).map_err(app_err)? {
                        Some(u) => u,
                        None => {
                            let role = role.as_deref().ok_or_else(|| {
                                anyhow!(
                                    "a new integration needs --role (clerk, manager or registrar)"
                                )
                            })?;
                            let role = parse_role(role)?;
                            let unit_id = unit_id(&app, &tid, unit.as_deref())?;
                            app.ensure_integration(
                                &tid,
                                &name,
                                role,
                                unit_id.as_deref(),
                                &Actor::cli(),
                            )
                            .map_err(app_err)?
                        }
                    }
                }
                (None, None) => return Err(anyhow!("give --email or --integration")),
            };
            let scopes: Vec<String> = scopes
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect();
            let (secret, row) = app
                .create_api_token(&tid, &user.id, &name, &scopes, days, &Actor::cli())
                .map_err(app_err)?;
            eprintln!(
                "token id {} for {} (scopes: {}); the secret below is shown once:",
                row.id, user.email, row.scopes
            );
            println!("{secret}");
        }
        TokenCmd::Revoke { tenant, id } => {
            let tid = tenant_id(&app, &tenant.tenant)?;
            app.revoke_api_token(&tid, &id, &Actor::cli())
                .map_err(app_err)?;
            println!("revoked {id}");
        }
        TokenCmd::List { tenant } => {
            let tid = tenant_id(&app, &tenant.tenant)?;
            let rows = app.api_tokens(&tid).map_err(app_err)?;
            for t in rows {
                println!(
                    "{}\t{}\t{}\t{}",
                    t.id,
                    t.name,
                    t.scopes,
                    if t.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    }
                );
            }
        }
    }
    Ok(())
}

fn audit_verify(app: &App) -> anyhow::Result<ExitCode> {
    let reports = ratusz_app::audit::verify_all(&app.store).map_err(app_err)?;
    let slugs: std::collections::HashMap<String, String> = app
        .tenants()
        .map_err(app_err)?
        .into_iter()
        .map(|t| (t.tenant_id, t.slug))
        .collect();
    let slug = |id: &str| slugs.get(id).cloned().unwrap_or_default();
    let mut ok = true;
    for r in &reports {
        match &r.first_break {
            None => println!(
                "ok\t{}\t{} events\thead {}\t{}",
                r.tenant_id,
                r.events,
                r.head_hash,
                slug(&r.tenant_id)
            ),
            Some(b) => {
                ok = false;
                println!(
                    "BROKEN\t{}\tfirst bad event: seq {}{}\t{}\t{}",
                    r.tenant_id,
                    b.seq,
                    b.event_id
                        .as_deref()
                        .map(|id| format!(" (id {id})"))
                        .unwrap_or_default(),
                    b.problem,
                    slug(&r.tenant_id)
                );
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn calendar(cmd: &CalendarCmd) -> anyhow::Result<ExitCode> {
    use ratusz_core::calendar;
    let mut out = std::io::stdout().lock();
    match cmd {
        CalendarCmd::Holidays { year } => {
            let list = calendar::holidays(*year).map_err(|e| anyhow!("{e}"))?;
            for h in list {
                writeln!(out, "{}\t{}", h.date, h.name)?;
            }
        }
        CalendarCmd::Deadline {
            from,
            term,
            explain,
        } => {
            let fmt = time::macros::format_description!("[year]-[month]-[day]");
            let start = time::Date::parse(from.trim(), &fmt)
                .map_err(|_| anyhow!("--from must be a date YYYY-MM-DD, got {from:?}"))?;
            let term: calendar::Term = term.parse().map_err(|e| anyhow!("--term: {e}"))?;
            let d = calendar::deadline(start, term).map_err(|e| anyhow!("{e}"))?;
            writeln!(out, "{}", d.due)?;
            if *explain {
                writeln!(out, "{}", d.explain_pl())?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn validate(kind: &str) -> anyhow::Result<ExitCode> {
    use ratusz_core::validate::{self as v, Kind};
    let kind: Kind = kind.parse().map_err(|_| {
        anyhow!("unknown kind {kind:?}: use pesel, nip, regon, iban, postal-code or ade")
    })?;
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line?;
        let value = line.trim_end_matches('\r');
        match v::validate(kind, value) {
            Ok(_) => writeln!(out, "{value}\tok")?,
            Err(e) => writeln!(out, "{value}\terror:{}", e.code())?,
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

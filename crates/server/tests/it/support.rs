//! Test harness: a fresh database per test (SQLite file or PostgreSQL schema), the real router
//! served on an ephemeral port, and a cookie-keeping HTTP client that knows about CSRF and TOTP.

#![allow(dead_code)]

use ratusz_app::audit::Actor;
use ratusz_app::{App, Settings};
use ratusz_core::clock::SystemClock;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Which engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Runs `$body` once per engine: `sqlite_<name>` always, `pg_<name>` when RATUSZ_TEST_PG_URL is
/// set (otherwise that variant prints why it did nothing).
#[macro_export]
macro_rules! both_engines {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[test]
            fn sqlite() {
                ($body)($crate::support::Engine::Sqlite)
            }
            #[test]
            fn postgres() {
                if $crate::support::pg_url().is_none() {
                    eprintln!("RATUSZ_TEST_PG_URL not set: PostgreSQL variant not run");
                    return;
                }
                ($body)($crate::support::Engine::Postgres)
            }
        }
    };
}

pub fn pg_url() -> Option<String> {
    std::env::var("RATUSZ_TEST_PG_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// A fresh, migrated database. The SQLite file lives in a temp dir removed on drop; the
/// PostgreSQL schema is dropped on drop.
pub struct TestDb {
    pub engine: Engine,
    pub url: String,
    pub dir: PathBuf,
    schema: Option<String>,
}

fn unique(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::now_v7().simple())
}

impl TestDb {
    /// [`test_settings`] with files (blobs) under this database's temporary directory, removed
    /// with it.
    pub fn settings(&self) -> Settings {
        Settings {
            data_dir: self.dir.join("app-data"),
            ..test_settings()
        }
    }

    pub fn new(engine: Engine) -> Self {
        let dir = std::env::temp_dir().join(unique("ratusz_it"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        match engine {
            Engine::Sqlite => {
                let url = format!("sqlite://{}", dir.join("ratusz.db").display());
                Self {
                    engine,
                    url,
                    dir,
                    schema: None,
                }
            }
            Engine::Postgres => {
                use diesel::Connection;
                use diesel::connection::SimpleConnection;
                let base = pg_url().expect("RATUSZ_TEST_PG_URL");
                let schema = unique("it");
                let mut c =
                    diesel::PgConnection::establish(&base).expect("connect to RATUSZ_TEST_PG_URL");
                c.batch_execute(&format!("CREATE SCHEMA {schema}"))
                    .expect("create schema");
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
                Self {
                    engine,
                    url,
                    dir,
                    schema: Some(schema),
                }
            }
        }
    }

    /// A migrated store on this database.
    pub fn store(&self) -> ratusz_store::Store {
        let store = ratusz_store::Store::connect(&self.url, 8).expect("connect");
        store.migrate().expect("migrate");
        store
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(schema) = &self.schema
            && let Some(base) = pg_url()
        {
            use diesel::Connection;
            use diesel::connection::SimpleConnection;
            if let Ok(mut c) = diesel::PgConnection::establish(&base) {
                let _ = c.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"));
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Settings for tests: cheap argon2 so that sign-ins are fast.
pub fn test_settings() -> Settings {
    Settings {
        argon2_memory_kib: 1024,
        default_tenant: Some("przykladowo".into()),
        data_dir: std::env::temp_dir().join(format!("ratusz-it-{}", uuid::Uuid::now_v7())),
        search_in_memory: true,
        max_upload_bytes: 2 * 1024 * 1024,
        ..Settings::default()
    }
}

/// A running server on an ephemeral port, with the demo municipality and a second one
/// ("sasiednia", served at host `sasiednia.test`) for isolation tests.
pub struct TestServer {
    pub db: TestDb,
    pub app: App,
    pub addr: SocketAddr,
    pub base: String,
    pub demo_tenant: String,
    pub other_tenant: String,
    _rt: tokio::runtime::Runtime,
}

pub const OTHER_HOST: &str = "sasiednia.test";
pub const OTHER_ADMIN: &str = "admin@sasiednia.gov.pl";

impl TestServer {
    pub fn start(engine: Engine) -> Self {
        Self::start_with(engine, ratusz_web::WebConfig::default())
    }

    pub fn start_with(engine: Engine, web: ratusz_web::WebConfig) -> Self {
        Self::start_custom(engine, web, |_| {})
    }

    /// A server whose settings `adjust` changes first (e.g. to scan uploads with clamd).
    pub fn start_custom(
        engine: Engine,
        web: ratusz_web::WebConfig,
        adjust: impl FnOnce(&mut Settings),
    ) -> Self {
        let db = TestDb::new(engine);
        let mut settings = db.settings();
        adjust(&mut settings);
        let app = App::new(db.store(), Arc::new(SystemClock), settings);
        let demo = app.ensure_demo(&[]).expect("demo");
        let other = app
            .create_tenant(
                "sasiednia",
                "Gmina Sąsiednia",
                &[OTHER_HOST.into()],
                &Actor::cli(),
            )
            .expect("second tenant");
        let unit = app
            .create_unit(
                &other.tenant_id,
                "BX",
                "Biuro Sąsiednie Tajne",
                &Actor::cli(),
            )
            .expect("unit");
        app.create_staff(
            &other.tenant_id,
            &ratusz_app::accounts::NewStaff {
                email: OTHER_ADMIN.into(),
                display_name: "Bożena Sąsiednia".into(),
                password: ratusz_app::demo::STAFF_PASSWORD.into(),
                role: ratusz_core::roles::Role::Admin,
                unit_id: None,
                totp_secret: Some(ratusz_app::demo::STAFF_TOTP_SECRET.into()),
            },
            &Actor::cli(),
        )
        .expect("other admin");
        let _ = unit;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let router = ratusz_web::router(app.clone(), web);
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        rt.spawn(async move {
            let _ = axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await;
        });
        Self {
            base: format!("http://{addr}"),
            db,
            app,
            addr,
            demo_tenant: demo.tenant_id,
            other_tenant: other.tenant_id,
            _rt: rt,
        }
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base, None)
    }

    /// A client that sends `Host: <host>` (to reach another tenant).
    pub fn client_for_host(&self, host: &str) -> Client {
        Client::new(&self.base, Some(host.to_owned()))
    }

    /// A fully signed-in demo staff client (password + TOTP).
    pub fn staff(&self, email: &str) -> Client {
        let c = self.client();
        c.sign_in_staff(
            email,
            ratusz_app::demo::STAFF_PASSWORD,
            ratusz_app::demo::STAFF_TOTP_SECRET,
        );
        c
    }

    /// An API token for a user of a tenant.
    pub fn token(&self, tenant_id: &str, email: &str, scopes: &[&str]) -> String {
        let user = self
            .app
            .user_by_email(tenant_id, email)
            .expect("lookup")
            .expect("user exists");
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        self.app
            .create_api_token(tenant_id, &user.id, "test", &scopes, None, &Actor::cli())
            .expect("token")
            .0
    }
}

/// The current TOTP code for a base32 secret.
pub fn totp_now(secret_b32: &str) -> String {
    totp_at_step(secret_b32, now_step())
}

pub fn now_step() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    (secs / 30) as i64
}

/// The TOTP code of a 30-second step.
pub fn totp_at_step(secret_b32: &str, step: i64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret_b32.to_owned())
        .to_bytes()
        .expect("base32");
    let t = totp_rs::TOTP::new_unchecked(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        None,
        String::new(),
    );
    t.generate((step * 30) as u64)
}

/// The server accepts each code once per account (RFC 6238 § 5.2), and tolerates one step of
/// clock drift. For repeated sign-ins of one account in a test, this hands out the next unused
/// step (the current one, then the next), waiting for a new step only when both are used.
pub fn fresh_totp(account_key: &str, secret_b32: &str) -> String {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static USED: OnceLock<Mutex<HashMap<String, i64>>> = OnceLock::new();
    let used = USED.get_or_init(|| Mutex::new(HashMap::new()));
    loop {
        let now = now_step();
        let mut map = used.lock().unwrap_or_else(|p| p.into_inner());
        let last = map.get(account_key).copied().unwrap_or(i64::MIN);
        let step = if last < now { now } else { last + 1 };
        if step <= now + 1 {
            map.insert(account_key.to_owned(), step);
            return totp_at_step(secret_b32, step);
        }
        drop(map);
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

/// A response, read fully.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Resp {
    /// The value of `<input … name="csrf" value="…">` in the page.
    pub fn csrf(&self) -> String {
        extract_input(&self.body, "csrf").unwrap_or_default()
    }
}

pub fn extract_input(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html.find(&needle)? + needle.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}

/// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
pub struct Client {
    pub base: String,
    pub host: Option<String>,
    pub http: reqwest::blocking::Client,
}

impl Client {
    pub fn new(base: &str, host: Option<String>) -> Self {
        Self::with_headers(base, host, reqwest::header::HeaderMap::new())
    }

    /// A client that sends `X-Forwarded-For: <ip>` with every request (a server started with
    /// `trust_proxy` takes it as the client's address, as behind the office's reverse proxy).
    pub fn forwarded_for(base: &str, ip: &str) -> Self {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            reqwest::header::HeaderValue::from_str(ip).expect("an IP address"),
        );
        Self::with_headers(base, None, headers)
    }

    fn with_headers(base: &str, host: Option<String>, headers: reqwest::header::HeaderMap) -> Self {
        let http = reqwest::blocking::Client::builder()
            .default_headers(headers)
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("client");
        Self {
            base: base.to_owned(),
            host,
            http,
        }
    }

    fn with_host(
        &self,
        rb: reqwest::blocking::RequestBuilder,
    ) -> reqwest::blocking::RequestBuilder {
        match &self.host {
            Some(h) => rb.header(reqwest::header::HOST, h),
            None => rb,
        }
    }

    fn read(resp: reqwest::blocking::Response) -> Resp {
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let location = headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = resp.text().unwrap_or_default();
        Resp {
            status,
            location,
            headers,
            body,
        }
    }

    pub fn get(&self, path: &str) -> Resp {
        Self::read(
            self.with_host(self.http.get(format!("{}{path}", self.base)))
                .send()
                .expect("GET"),
        )
    }

    /// Posts a url-encoded form as-is.
    pub fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        Self::read(
            self.with_host(self.http.post(format!("{}{path}", self.base)).form(fields))
                .send()
                .expect("POST"),
        )
    }

    pub fn post_raw(&self, path: &str, content_type: &str, body: Vec<u8>) -> Resp {
        Self::read(
            self.with_host(self.http.post(format!("{}{path}", self.base)))
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(body)
                .send()
                .expect("POST"),
        )
    }

    /// GETs `page`, then posts `fields` plus the page's CSRF token to `action`.
    pub fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> Resp {
        let csrf = self.get(page).csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form(action, &all)
    }

    /// Posts a multipart form: text fields and files (field name, file name, bytes).
    pub fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, Vec<u8>)],
    ) -> Resp {
        let mut form = reqwest::blocking::multipart::Form::new();
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        for (field, name, bytes) in files {
            form = form.part(
                field.to_string(),
                reqwest::blocking::multipart::Part::bytes(bytes.clone())
                    .file_name(name.to_string()),
            );
        }
        Self::read(
            self.with_host(
                self.http
                    .post(format!("{}{path}", self.base))
                    .multipart(form),
            )
            .send()
            .expect("POST"),
        )
    }

    pub fn api_get(&self, path: &str, token: Option<&str>) -> Resp {
        let mut rb = self.http.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        Self::read(self.with_host(rb).send().expect("GET"))
    }

    pub fn api_post(&self, path: &str, token: Option<&str>, json: &str) -> Resp {
        let mut rb = self
            .http
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(json.to_owned());
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        Self::read(self.with_host(rb).send().expect("POST"))
    }

    /// Password then TOTP; asserts each step's redirect.
    pub fn sign_in_staff(&self, email: &str, password: &str, secret: &str) {
        let r = self.submit(
            "/login",
            "/login",
            &[("email", email), ("password", password)],
        );
        assert_eq!(r.status, 303, "password step for {email}: {}", r.body);
        assert_eq!(r.location.as_deref(), Some("/login/mfa"));
        let code = fresh_totp(
            &format!(
                "{}|{}|{email}",
                self.base,
                self.host.as_deref().unwrap_or("")
            ),
            secret,
        );
        let r = self.submit("/login/mfa", "/login/mfa", &[("code", &code)]);
        assert_eq!(r.status, 303, "TOTP step for {email}: {}", r.body);
        assert_eq!(r.location.as_deref(), Some("/panel"));
    }
}

// ------------------------------------------------------------------------------------------------
// Helpers for the schema, audit_chain, jobs, durability and cli tests (appended; CLI and raw SQL).
// ------------------------------------------------------------------------------------------------

/// The `ratusz` binary running in `workdir`, with no `RATUSZ_*` variable inherited from the test
/// environment (so neither `RATUSZ_CONFIG` nor anything else leaks in) and `RATUSZ_LOG=warn`.
pub fn ratusz_in(workdir: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ratusz"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("RATUSZ_") {
            cmd.env_remove(key);
        }
    }
    cmd.current_dir(workdir)
        .env("RATUSZ_LOG", "warn")
        .stdin(std::process::Stdio::null());
    cmd
}

/// What a finished command printed.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    /// The signal that ended the process, if one did (then `code` is `None`).
    pub signal: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?} signal {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.signal, self.stdout, self.stderr
        )
    }
}

/// Runs a command to completion, feeding `stdin` when given.
pub fn run_cmd(cmd: &mut std::process::Command, stdin: Option<&str>) -> Run {
    use std::io::Write;
    use std::process::Stdio;
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    if stdin.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd.spawn().expect("spawn ratusz");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(input.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait for ratusz");
    #[cfg(unix)]
    let signal = std::os::unix::process::ExitStatusExt::signal(&out.status);
    #[cfg(not(unix))]
    let signal = None;
    Run {
        code: out.status.code(),
        signal,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

impl TestDb {
    /// `ratusz` configured for this database (`RATUSZ_DATABASE_URL`, `RATUSZ_DATA_DIR`), run in
    /// an empty working directory so that no `ratusz.toml` is picked up.
    pub fn ratusz(&self) -> std::process::Command {
        let work = self.dir.join("work");
        std::fs::create_dir_all(&work).expect("work dir");
        let mut cmd = ratusz_in(&work);
        cmd.env("RATUSZ_DATABASE_URL", &self.url)
            .env("RATUSZ_DATA_DIR", self.dir.join("data"));
        cmd
    }

    /// Runs `ratusz <args>` against this database.
    pub fn run(&self, args: &[&str]) -> Run {
        run_cmd(self.ratusz().args(args), None)
    }

    /// Runs an idempotent command (`migrate`, `audit verify`), running it again if the process
    /// was killed by a signal. On PostgreSQL the binary sometimes crashes with SIGSEGV while
    /// exiting (see `audit_chain::the_cli_exits_cleanly_every_time`, which exposes that); tests
    /// about something else use this so that they keep testing their own subject.
    pub fn run_idempotent(&self, args: &[&str]) -> Run {
        let mut r = self.run(args);
        for _ in 0..5 {
            if r.signal.is_none() {
                break;
            }
            eprintln!(
                "ratusz {} died by signal {:?}; running it again",
                args.join(" "),
                r.signal
            );
            r = self.run(args);
        }
        r
    }

    /// Executes one raw SQL statement (outside the app, as an intruder would); returns the
    /// number of rows it changed.
    pub fn exec_sql(&self, sql: &str) -> usize {
        use diesel::RunQueryDsl;
        let store = ratusz_store::Store::connect(&self.url, 1).expect("connect");
        let mut conn = store.conn().expect("conn");
        match &mut *conn {
            ratusz_store::Db::Sqlite(c) => diesel::sql_query(sql).execute(c),
            ratusz_store::Db::Pg(c) => diesel::sql_query(sql).execute(c),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// An app over this database (migrating it if needed) with the test settings.
    pub fn app(&self) -> App {
        App::new(self.store(), Arc::new(SystemClock), self.settings())
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("ephemeral port")
        .port()
}

/// Makes a job waiting for its backoff due now.
pub fn make_due(s: &TestServer, job_id: &str) {
    use diesel::prelude::*;
    use ratusz_app::store::schema::jobs::dsl as j;
    s.app
        .store
        .write(|c| {
            diesel::update(j::jobs.filter(j::id.eq(job_id)))
                .set(j::run_at.eq(0i64))
                .execute(c)
                .map_err(ratusz_app::store::StoreError::from)
        })
        .expect("due");
}

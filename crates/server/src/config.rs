//! Configuration: defaults, then `ratusz.toml`, then `RATUSZ_*` environment variables (nested
//! keys with `__`, e.g. `RATUSZ_SMTP__HOST`), then `*_FILE` secrets (e.g.
//! `RATUSZ_SMTP__PASSWORD_FILE=/run/secrets/smtp`), each overriding the one before.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Config {
    /// Address to listen on.
    pub listen: String,
    /// Directory for the SQLite database and files.
    pub data_dir: PathBuf,
    /// `sqlite://…` (default: `sqlite://<data_dir>/ratusz.db`) or `postgres://…`.
    pub database_url: Option<String>,
    /// Public address used in e-mail links (default: `http://<listen>`).
    pub public_url: Option<String>,
    /// Tenant (slug) served on host names no tenant claims.
    pub default_tenant: Option<String>,
    /// Cookies `Secure` + HSTS: set when the site is served over HTTPS.
    pub secure_cookies: bool,
    /// Trust `X-Forwarded-For` (only behind your own reverse proxy).
    pub trust_proxy: bool,
    pub mail_from: String,
    pub smtp: Option<SmtpConfig>,
    /// SMS gateway (SMSAPI.pl's HTTP API) for alerts by SMS; without it SMS stay in the outbox.
    pub sms: Option<SmsConfig>,
    /// Web push to residents' browsers (on by default, with a VAPID key made at first start).
    pub push: PushConfig,
    /// Background job workers in this process.
    pub workers: usize,
    /// Database connections in the pool.
    pub pool_size: u32,
    /// Session idle timeout in minutes.
    pub session_idle_minutes: i64,
    /// Largest request body in KiB.
    pub max_body_kib: usize,
    /// Log filter (`info`, `ratusz=debug,…`).
    pub log: String,
    /// Largest file staff may attach, in MiB.
    pub max_upload_mib: usize,
    /// S3-compatible storage for documents; without it they go to `<data_dir>/blobs`.
    pub s3: Option<S3Config>,
    /// Virus scanning of uploads with clamd; without it files are stored unscanned.
    pub antivirus: AntivirusConfig,
    /// AI intake: the folder a network scanner writes to.
    pub intake: IntakeConfig,
}

/// `[intake]`: the watched folder (env `RATUSZ_INTAKE__WATCH_DIR`, `RATUSZ_INTAKE__TENANT`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IntakeConfig {
    /// Files written here are registered as incoming items and read by the intake robot.
    pub watch_dir: Option<PathBuf>,
    /// The municipality (slug) the folder's and the mailbox's letters belong to.
    pub tenant: Option<String>,
    /// The office's e-mail inbox, read over IMAP.
    pub imap: Option<ImapConfig>,
}

/// `[intake.imap]`: the mailbox (password also as `RATUSZ_INTAKE__IMAP__PASSWORD_FILE`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImapConfig {
    pub host: String,
    #[serde(default = "default_imap_port")]
    pub port: u16,
    /// `tls` (IMAPS, the default), `starttls` or `none` (only for a server on the same
    /// machine).
    #[serde(default = "default_imap_security")]
    pub security: String,
    /// A certificate (PEM) to trust besides the system's (the office's CA).
    #[serde(default)]
    pub ca_file: Option<std::path::PathBuf>,
    pub username: String,
    pub password: String,
    #[serde(default = "default_imap_mailbox")]
    pub mailbox: String,
}

fn default_imap_port() -> u16 {
    993
}
fn default_imap_security() -> String {
    "tls".into()
}
fn default_imap_mailbox() -> String {
    "INBOX".into()
}

impl IntakeConfig {
    fn mailbox(&self) -> Result<Option<ratusz_app::intake::mailbox::Mailbox>, String> {
        let Some(m) = &self.imap else {
            return Ok(None);
        };
        let Some(tenant) = self
            .tenant
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        else {
            return Err(
                "intake.imap is set but intake.tenant is not: name the municipality (slug) \
                 whose mailbox it is"
                    .into(),
            );
        };
        if !matches!(m.security.as_str(), "tls" | "starttls" | "none") {
            return Err(format!(
                "intake.imap.security must be \"tls\" (IMAPS), \"starttls\" or \"none\", not {:?}",
                m.security
            ));
        }
        if let Some(ca) = &m.ca_file
            && !ca.is_file()
        {
            return Err(format!(
                "intake.imap.ca_file {} is not a readable file",
                ca.display()
            ));
        }
        Ok(Some(ratusz_app::intake::mailbox::Mailbox {
            host: m.host.clone(),
            port: m.port,
            security: m.security.clone(),
            ca_file: m.ca_file.clone(),
            username: m.username.clone(),
            password: m.password.clone(),
            mailbox: m.mailbox.clone(),
            tenant: tenant.to_owned(),
        }))
    }

    fn watched_folder(&self) -> Result<Option<ratusz_app::intake::folder::WatchedFolder>, String> {
        match (&self.watch_dir, &self.tenant) {
            (None, _) => Ok(None),
            (Some(dir), Some(tenant)) if !tenant.trim().is_empty() => {
                Ok(Some(ratusz_app::intake::folder::WatchedFolder {
                    dir: dir.clone(),
                    tenant: tenant.trim().to_owned(),
                }))
            }
            (Some(_), _) => Err(
                "intake.watch_dir is set but intake.tenant is not: name the municipality (slug) \
                 whose letters the scanner writes there"
                    .into(),
            ),
        }
    }
}

/// `[antivirus]`: where clamd listens and how long to wait for it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AntivirusConfig {
    /// `tcp://127.0.0.1:3310` or `unix:/run/clamav/clamd.ctl` (env `RATUSZ_CLAMD`).
    pub clamd: Option<String>,
    /// Refuse to start without `clamd` (so a production node cannot run unscanned by mistake).
    pub required: bool,
    /// Seconds to wait for a connection.
    pub connect_timeout_secs: u64,
    /// Seconds to wait for each read or write while a file is scanned.
    pub timeout_secs: u64,
    /// The largest file clamd accepts on a stream, in MiB: at most clamd's `StreamMaxLength`.
    pub stream_max_mib: usize,
}

impl Default for AntivirusConfig {
    fn default() -> Self {
        Self {
            clamd: None,
            required: false,
            connect_timeout_secs: 5,
            timeout_secs: 120,
            stream_max_mib: 25,
        }
    }
}

impl AntivirusConfig {
    /// The scanner, `None` when clamd is not configured; an error names what to fix.
    pub fn scanner(&self) -> Result<Option<ratusz_app::antivirus::Scanner>, String> {
        let Some(addr) = self
            .clamd
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        else {
            return Ok(None);
        };
        let address = addr
            .parse::<ratusz_app::antivirus::ClamdAddress>()
            .map_err(|e| format!("antivirus.clamd (RATUSZ_CLAMD): {e}"))?;
        let mut s = ratusz_app::antivirus::Scanner::new(address);
        s.connect_timeout = std::time::Duration::from_secs(self.connect_timeout_secs.clamp(1, 60));
        s.io_timeout = std::time::Duration::from_secs(self.timeout_secs.clamp(1, 3600));
        s.stream_max_bytes = self.stream_max_mib.clamp(1, 4096) * 1024 * 1024;
        Ok(Some(s))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Config {
    pub bucket: String,
    #[serde(default = "default_region")]
    pub region: String,
    pub endpoint: Option<String>,
    pub access_key_id: String,
    pub secret_access_key: String,
    #[serde(default)]
    pub allow_http: bool,
}

fn default_region() -> String {
    "us-east-1".into()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    /// `starttls` (default), `tls` or `none`.
    #[serde(default = "default_security")]
    pub security: String,
    /// Messages a second at most per worker (mass mail); 0: no limit.
    #[serde(default)]
    pub rate_per_second: u32,
}

/// `[sms]`: the SMS gateway (token also as `RATUSZ_SMS__TOKEN_FILE`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsConfig {
    /// The API's base (`https://api.smsapi.pl`, or `https://api.smsapi.com`).
    #[serde(default = "default_sms_api")]
    pub api_url: String,
    /// The OAuth token generated in the gateway's panel.
    pub token: String,
    /// The sender name registered with the gateway; empty: the account's default.
    #[serde(default)]
    pub sender: String,
    /// Messages a second at most per worker; 0: no limit.
    #[serde(default)]
    pub rate_per_second: u32,
    /// Seconds to wait for the gateway's answer.
    #[serde(default = "default_sms_timeout")]
    pub timeout_secs: u64,
    /// SMS codes the public subscription form may send in an hour, all residents together;
    /// 0: no limit.
    #[serde(default = "default_sms_codes_per_hour")]
    pub codes_per_hour: u32,
}

/// `[push]`: web push (RFC 8030) with a VAPID key (RFC 8292).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PushConfig {
    /// Let residents subscribe their browsers.
    pub enabled: bool,
    /// A file with the VAPID private key (32 bytes, base64url). Default: the installation's
    /// key in the database, made on first use (every node shares it; database backups keep
    /// it). With a new key every browser must subscribe again.
    pub vapid_key_file: Option<PathBuf>,
    /// Who push services may contact about our messages; default `mailto:` and the address
    /// of `mail_from`.
    pub contact: Option<String>,
    /// Push service hosts endpoints may be on (`*.` for subdomains); default: the browsers'
    /// own services (FCM, Mozilla, Apple, Windows).
    pub endpoint_hosts: Option<Vec<String>>,
    /// Accept `http://` endpoints: only for a local push service in tests.
    pub allow_http: bool,
    /// Messages a second at most per worker; 0: no limit.
    pub rate_per_second: u32,
    /// Seconds to wait for a push service's answer.
    pub timeout_secs: u64,
}

impl Default for PushConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            vapid_key_file: None,
            contact: None,
            endpoint_hosts: None,
            allow_http: false,
            rate_per_second: 0,
            timeout_secs: 15,
        }
    }
}

fn default_sms_api() -> String {
    "https://api.smsapi.pl".into()
}
fn default_sms_codes_per_hour() -> u32 {
    ratusz_app::alerts::SMS_CODES_PER_HOUR
}
fn default_sms_timeout() -> u64 {
    15
}

fn default_smtp_port() -> u16 {
    587
}
fn default_security() -> String {
    "starttls".into()
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            public_url: None,
            default_tenant: None,
            secure_cookies: false,
            trust_proxy: false,
            mail_from: "Ratusz <no-reply@localhost>".into(),
            smtp: None,
            sms: None,
            push: PushConfig::default(),
            workers: 1,
            pool_size: 8,
            session_idle_minutes: 8 * 60,
            max_body_kib: 64,
            log: "info".into(),
            max_upload_mib: 25,
            s3: None,
            antivirus: AntivirusConfig::default(),
            intake: IntakeConfig::default(),
        }
    }
}

impl Config {
    /// Loads the configuration; `file` defaults to `./ratusz.toml` when it exists.
    pub fn load(file: Option<&Path>) -> Result<Self, String> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(f) if !f.exists() => {
                return Err(format!("configuration file {} does not exist", f.display()));
            }
            Some(f) => fig = fig.merge(Toml::file(f)),
            None => fig = fig.merge(Toml::file("ratusz.toml")),
        }
        fig = fig.merge(
            Env::prefixed("RATUSZ_")
                .split("__")
                .filter(|k| !k.as_str().to_ascii_lowercase().ends_with("_file")),
        );
        // The short name the operators' guide uses for `RATUSZ_ANTIVIRUS__CLAMD`.
        if let Ok(clamd) = std::env::var("RATUSZ_CLAMD") {
            fig = fig.merge(Serialized::default("antivirus.clamd", clamd));
        }
        for (key, value) in std::env::vars() {
            let Some(rest) = key.strip_prefix("RATUSZ_") else {
                continue;
            };
            let Some(name) = rest.strip_suffix("_FILE") else {
                continue;
            };
            let secret = std::fs::read_to_string(&value)
                .map_err(|e| format!("cannot read {key}={value}: {e}"))?;
            let path = name.to_ascii_lowercase().replace("__", ".");
            fig = fig.merge(Serialized::default(
                &path,
                secret.trim_end_matches(['\n', '\r']).to_owned(),
            ));
        }
        fig.extract().map_err(|e| format!("configuration: {e}"))
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("ratusz.db").display()))
    }

    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen))
            .trim_end_matches('/')
            .to_owned()
    }

    /// The use cases' settings; fails with a message naming the setting to fix.
    pub fn app_settings(&self) -> Result<ratusz_app::Settings, String> {
        Ok(ratusz_app::Settings {
            public_url: self.public_url(),
            mail_from: self.mail_from.clone(),
            smtp: self.smtp.as_ref().map(|s| ratusz_app::SmtpSettings {
                host: s.host.clone(),
                port: s.port,
                username: s.username.clone(),
                password: s.password.clone(),
                security: s.security.clone(),
                rate_per_second: s.rate_per_second,
            }),
            sms: self.sms.as_ref().map(|s| ratusz_app::SmsSettings {
                api_url: s.api_url.clone(),
                token: s.token.clone(),
                sender: s.sender.clone(),
                rate_per_second: s.rate_per_second,
                timeout_secs: s.timeout_secs,
                codes_per_hour: s.codes_per_hour,
            }),
            push: self.push_settings()?,
            default_tenant: self.default_tenant.clone(),
            session_idle: time::Duration::minutes(self.session_idle_minutes.max(5)),
            data_dir: self.data_dir.clone(),
            blobs: self
                .s3
                .as_ref()
                .map(|s| ratusz_app::store::blobs::BlobConfig::S3 {
                    bucket: s.bucket.clone(),
                    region: s.region.clone(),
                    endpoint: s.endpoint.clone(),
                    access_key_id: s.access_key_id.clone(),
                    secret_access_key: s.secret_access_key.clone(),
                    allow_http: s.allow_http,
                }),
            max_upload_bytes: self.max_upload_mib.clamp(1, 1024) * 1024 * 1024,
            antivirus: self.antivirus.scanner()?,
            watched_folder: self.intake.watched_folder()?,
            mailbox: self.intake.mailbox()?,
            ..ratusz_app::Settings::default()
        })
    }

    /// Web push settings (with the VAPID key of `vapid_key_file`, when set).
    fn push_settings(&self) -> Result<Option<ratusz_app::push::PushSettings>, String> {
        let p = &self.push;
        if !p.enabled {
            return Ok(None);
        }
        let key = match &p.vapid_key_file {
            Some(path) => Some(
                ratusz_app::push::VapidKey::load(path)
                    .map_err(|e| format!("{e} (push.vapid_key_file)"))?,
            ),
            None => None,
        };
        let contact = match &p.contact {
            Some(c) if c.starts_with("mailto:") || c.starts_with("https:") => c.clone(),
            Some(c) => {
                return Err(format!(
                    "push.contact must start with mailto: or https:, not {c:?}"
                ));
            }
            None => {
                let from = &self.mail_from;
                let address = match (from.find('<'), from.rfind('>')) {
                    (Some(a), Some(b)) if a < b => &from[a + 1..b],
                    _ => from.as_str(),
                };
                format!("mailto:{}", address.trim())
            }
        };
        let mut settings = ratusz_app::push::PushSettings::new(key, contact);
        if let Some(hosts) = &p.endpoint_hosts {
            settings.endpoint_hosts = hosts.clone();
        }
        settings.allow_http = p.allow_http;
        settings.rate_per_second = p.rate_per_second;
        settings.timeout_secs = p.timeout_secs.max(1);
        Ok(Some(settings))
    }

    pub fn web_config(&self) -> ratusz_web::WebConfig {
        ratusz_web::WebConfig {
            secure_cookies: self.secure_cookies,
            trust_proxy: self.trust_proxy,
            max_body: self.max_body_kib.max(1) * 1024,
            // Room for the form fields and multipart framing around the largest file.
            max_upload_body: (self.max_upload_mib.clamp(1, 1024) + 1) * 1024 * 1024,
        }
    }
}

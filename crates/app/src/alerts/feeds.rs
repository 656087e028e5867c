//! Re-publishing other services' CAP feeds: a weather service's or a voivode's Atom/RSS index
//! of alerts, read by the alert robot every few minutes (or on demand), each new alert
//! published on the office's alerts page like an imported file ([`App::import_cap`]).
//!
//! The feed's address is set by the administrator; everything the feed says is untrusted:
//!
//! * the feed and each CAP file are read by the guarded readers of
//!   [`ratusz_documents::cap`] (no DTD or entities, size, depth and element limits) and the
//!   download itself stops at the reader's size limit, whatever `Content-Length` claims;
//! * links are followed only over http(s) and only to the feed's own host (redirects too, at
//!   most three) — otherwise a feed could make the office's server fetch from its internal
//!   network;
//! * at most [`MAX_FETCHES`] CAP files are fetched per reading, each within
//!   [`FETCH_TIMEOUT`], all within [`READING_BUDGET`]; the rest wait for the next reading (the
//!   report says how many). The worker reads feeds on a thread of its own, so a slow site never
//!   holds up the job queue.
//!
//! Entries dealt with (published, already known, refused) are remembered per feed, so old
//! entries are not fetched again; an entry that failed for a passing reason (timeout, HTTP
//! 5xx) is tried again at the next reading. Alerts are told apart by sender and identifier,
//! so the same alert in two feeds (or imported by hand) is published once.

use std::time::Duration;

use ratusz_core::alerts::{Alert, Scope, Status};
use ratusz_documents::cap::{CapError, EntryContent, ReadLimits, feed};
use ratusz_store::alerts::feeds::{self as repo, CapFeedRow};
use ratusz_store::new_id;
use reqwest::Url;
use serde_json::json;

use crate::audit::{Actor, record};
use crate::{App, AppError};

/// CAP files fetched in one reading of a feed at most.
pub const MAX_FETCHES: usize = 50;
/// The time one download (the feed or a CAP file) may take.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(20);
/// The time one reading may spend fetching CAP files; what is left waits for the next one.
pub const READING_BUDGET: Duration = Duration::from_secs(120);
/// Minutes between readings of a feed: the default and the bounds staff may choose within.
pub const EVERY_MINUTES_DEFAULT: i64 = 5;
pub const EVERY_MINUTES_MIN: i64 = 1;
pub const EVERY_MINUTES_MAX: i64 = 24 * 60;

/// One entry of a feed that was not published, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedEntry {
    /// The entry's id or link (or title), to find it in the feed.
    pub entry: String,
    pub code: String,
    pub message_pl: String,
    pub message_en: String,
}

/// What one reading of a feed did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedReport {
    pub entries: usize,
    pub published: usize,
    /// Already dealt with at an earlier reading, or already published (same sender and id).
    pub known: usize,
    pub refused: Vec<RefusedEntry>,
    /// Left for the next reading: a passing failure, or over [`MAX_FETCHES`].
    pub later: usize,
}

impl FeedReport {
    /// `ok`, `partly` (some entries refused or left for later) — stored as the feed's status.
    fn status(&self) -> &'static str {
        if self.refused.is_empty() && self.later == 0 {
            "ok"
        } else {
            "partly"
        }
    }
}

/// A download that failed; `passing` when trying again later may help.
struct FetchError {
    passing: bool,
    pl: String,
    en: String,
}

impl FetchError {
    fn new(passing: bool, pl: String, en: String) -> Self {
        Self { passing, pl, en }
    }
}

fn url_error(field: &str, pl: &str, en: &str) -> AppError {
    AppError::field(field, "bad-url", pl, en)
}

/// A feed address as staff entered it: absolute http(s), no credentials in it.
pub fn check_feed_url(text: &str) -> Result<Url, AppError> {
    let url = Url::parse(text.trim()).map_err(|_| {
        url_error(
            "url",
            "Podaj pełny adres kanału, np. https://example.gov.pl/ostrzezenia.atom.",
            "Enter the feed's full address, e.g. https://example.gov.pl/alerts.atom.",
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(url_error(
            "url",
            "Adres kanału musi zaczynać się od https:// (albo http://).",
            "The feed's address must start with https:// (or http://).",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(url_error(
            "url",
            "Adres kanału nie może zawierać loginu ani hasła.",
            "The feed's address may not contain a user name or password.",
        ));
    }
    Ok(url)
}

/// The entry's link as an address to fetch: resolved against the feed's, http(s), and on the
/// feed's own host.
fn entry_url(feed_url: &Url, link: &str) -> Result<Url, (String, String)> {
    let url = feed_url.join(link).map_err(|_| {
        (
            format!("Odnośnik „{}” nie jest poprawnym adresem.", short(link)),
            format!("The link \"{}\" is not a valid address.", short(link)),
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err((
            format!(
                "Odnośnik „{}” nie jest adresem http ani https.",
                short(link)
            ),
            format!(
                "The link \"{}\" is not an http or https address.",
                short(link)
            ),
        ));
    }
    if url.host_str() != feed_url.host_str() {
        return Err((
            format!(
                "Odnośnik „{}” prowadzi do innego serwera niż kanał; takich nie pobieramy.",
                short(link)
            ),
            format!(
                "The link \"{}\" leads to another server than the feed's; such links are not fetched.",
                short(link)
            ),
        ));
    }
    Ok(url)
}

fn short(text: &str) -> String {
    let mut s: String = text.chars().take(120).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    s
}

/// Downloads `url` (redirects only to the same host, at most three), stopping past `limit`
/// bytes.
async fn fetch(client: &reqwest::Client, url: &Url, limit: usize) -> Result<Vec<u8>, FetchError> {
    let mut resp = client.get(url.clone()).send().await.map_err(|e| {
        FetchError::new(
            true,
            format!("Nie udało się pobrać {url}: {}.", describe(&e)),
            format!("Could not fetch {url}: {}.", describe(&e)),
        )
    })?;
    let status = resp.status();
    if !status.is_success() {
        let passing = status.is_server_error() || status.as_u16() == 429;
        return Err(FetchError::new(
            passing,
            format!(
                "Serwer odpowiedział na {url} kodem HTTP {}.",
                status.as_u16()
            ),
            format!("The server answered {url} with HTTP {}.", status.as_u16()),
        ));
    }
    let too_large = |bytes: usize| {
        FetchError::new(
            false,
            format!("{url} ma ponad {bytes} bajtów (najwyżej {limit}); nie pobrano."),
            format!("{url} has over {bytes} bytes (at most {limit}); not fetched."),
        )
    };
    if let Some(n) = resp.content_length()
        && n > limit as u64
    {
        return Err(too_large(usize::try_from(n).unwrap_or(usize::MAX)));
    }
    let mut body = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                body.extend_from_slice(&chunk);
                if body.len() > limit {
                    return Err(too_large(body.len()));
                }
            }
            Ok(None) => return Ok(body),
            Err(e) => {
                return Err(FetchError::new(
                    true,
                    format!("Pobieranie {url} przerwane: {}.", describe(&e)),
                    format!("Fetching {url} broke off: {}.", describe(&e)),
                ));
            }
        }
    }
}

fn describe(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_redirect() {
        "redirect"
    } else if e.is_connect() {
        "connection"
    } else {
        "transfer"
    }
}

fn client() -> Result<reqwest::Client, String> {
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first().and_then(|u| u.host_str());
        let same_host = attempt.url().host_str() == first;
        let web = matches!(attempt.url().scheme(), "http" | "https");
        if attempt.previous().len() > 3 {
            attempt.error("too many redirects")
        } else if same_host && web {
            attempt.follow()
        } else {
            attempt.stop()
        }
    });
    reqwest::Client::builder()
        .timeout(FETCH_TIMEOUT)
        .connect_timeout(FETCH_TIMEOUT)
        .redirect(policy)
        .user_agent(concat!(
            "Ratusz/",
            env!("CARGO_PKG_VERSION"),
            " (CAP feed reader)"
        ))
        .build()
        .map_err(|e| e.to_string())
}

fn cap_refusal(entry: &str, e: &CapError) -> RefusedEntry {
    RefusedEntry {
        entry: short(entry),
        code: e.code().into(),
        message_pl: e.message_pl(),
        message_en: e.message_en(),
    }
}

/// Why an alert is not re-published, if it is not: only actual, public alerts are.
pub(super) fn not_public(alert: &Alert) -> Option<(String, String)> {
    (alert.status != Status::Actual || alert.scope != Scope::Public).then(|| {
        (
            format!(
                "To nie jest publiczne, rzeczywiste ostrzeżenie (status {}, zasięg {}): takich się nie publikuje.",
                alert.status.as_str(),
                alert.scope.as_str()
            ),
            format!(
                "This is not a public, actual alert (status {}, scope {}): such alerts are not published.",
                alert.status.as_str(),
                alert.scope.as_str()
            ),
        )
    })
}

/// What became of one entry.
enum Outcome {
    Published(String),
    Known,
    Refused(RefusedEntry),
    Later,
}

impl App {
    /// Adds a feed for the robot to read every `every_minutes`.
    pub fn add_cap_feed(
        &self,
        tenant_id: &str,
        actor: &Actor,
        name: &str,
        url: &str,
        every_minutes: i64,
    ) -> Result<CapFeedRow, AppError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            return Err(AppError::field(
                "name",
                "bad-name",
                "Podaj nazwę kanału (do 200 znaków), np. „IMGW – ostrzeżenia”.",
                "Enter the feed's name (up to 200 characters), e.g. \"IMGW – warnings\".",
            ));
        }
        let url = check_feed_url(url)?;
        if !(EVERY_MINUTES_MIN..=EVERY_MINUTES_MAX).contains(&every_minutes) {
            return Err(AppError::field(
                "every_minutes",
                "bad-interval",
                format!(
                    "Co ile minut czytać kanał: od {EVERY_MINUTES_MIN} do {EVERY_MINUTES_MAX}."
                ),
                format!(
                    "Minutes between readings: from {EVERY_MINUTES_MIN} to {EVERY_MINUTES_MAX}."
                ),
            ));
        }
        let now = self.now_ts();
        let row = CapFeedRow {
            id: new_id(),
            tenant_id: tenant_id.to_owned(),
            name: name.to_owned(),
            url: url.to_string(),
            every_minutes,
            created_at: now,
            checked_at: None,
            last_status: None,
            last_error: None,
            published: 0,
        };
        self.store.write(|c| {
            if repo::list(c, tenant_id)?.iter().any(|f| f.url == row.url) {
                return Err(AppError::field(
                    "url",
                    "duplicate",
                    "Ten kanał już jest na liście.",
                    "This feed is already on the list.",
                ));
            }
            repo::insert(c, &row)?;
            record(
                c,
                tenant_id,
                actor,
                "alert.feed_added",
                ("cap_feed", Some(&row.id)),
                json!({"name": row.name, "url": row.url, "every_minutes": every_minutes}),
                now,
            )?;
            Ok(row)
        })
    }

    pub fn cap_feeds(&self, tenant_id: &str) -> Result<Vec<CapFeedRow>, AppError> {
        self.store.read(|c| Ok(repo::list(c, tenant_id)?))
    }

    /// Removes a feed; what it published stays published.
    pub fn remove_cap_feed(
        &self,
        tenant_id: &str,
        actor: &Actor,
        id: &str,
    ) -> Result<(), AppError> {
        let now = self.now_ts();
        self.store.write(|c| {
            let feed = repo::get(c, tenant_id, id)?.ok_or(AppError::NotFound)?;
            repo::delete(c, tenant_id, id)?;
            record(
                c,
                tenant_id,
                actor,
                "alert.feed_removed",
                ("cap_feed", Some(id)),
                json!({"name": feed.name, "url": feed.url}),
                now,
            )?;
            Ok(())
        })
    }

    /// Reads one feed now (staff's "read now", the CLI), whenever it was last read.
    pub fn read_cap_feed(
        &self,
        tenant_id: &str,
        actor: &Actor,
        id: &str,
    ) -> Result<FeedReport, AppError> {
        let feed = self
            .store
            .read(|c| Ok::<_, AppError>(repo::get(c, tenant_id, id)?))?
            .ok_or(AppError::NotFound)?;
        let now = self.now_ts();
        self.store
            .write(|c| Ok::<_, AppError>(repo::claim(c, tenant_id, id, feed.checked_at, now)?))?;
        self.read_claimed_feed(actor, &feed)
    }

    /// The robot's round: every tenant's feeds that are due, each taken by one worker only.
    /// Returns how many feeds were read.
    pub fn read_due_cap_feeds(&self) -> Result<usize, AppError> {
        let now = self.now_ts();
        let due = self.store.read(|c| Ok::<_, AppError>(repo::due(c, now)?))?;
        let robot = Actor::Robot {
            name: "robot:cap-feeds".into(),
        };
        let mut n = 0;
        for feed in due {
            let mine = self.store.write(|c| {
                Ok::<_, AppError>(repo::claim(
                    c,
                    &feed.tenant_id,
                    &feed.id,
                    feed.checked_at,
                    now,
                )?)
            })?;
            if !mine {
                continue;
            }
            n += 1;
            if let Err(e) = self.read_claimed_feed(&robot, &feed) {
                tracing::warn!(feed = %feed.id, tenant = %feed.tenant_id, "CAP feed: {e}");
            }
        }
        Ok(n)
    }

    /// Reads a feed this caller has claimed and records how it went on the feed's row. A feed
    /// that cannot be read at all is an error (recorded too); refused entries are in the report.
    fn read_claimed_feed(&self, actor: &Actor, feed: &CapFeedRow) -> Result<FeedReport, AppError> {
        let tenant_id = feed.tenant_id.as_str();
        let result = self.read_feed_entries(actor, feed);
        let (status, error, published) = match &result {
            Ok(r) => (
                r.status(),
                r.refused
                    .first()
                    .map(|e| format!("{}: {}", e.entry, e.message_pl)),
                r.published,
            ),
            Err(e) => ("error", Some(e.clone()), 0),
        };
        self.store.write(|c| {
            Ok::<_, AppError>(repo::set_result(
                c,
                tenant_id,
                &feed.id,
                status,
                error.as_deref(),
                i64::try_from(published).unwrap_or(i64::MAX),
            )?)
        })?;
        result.map_err(|pl| {
            AppError::field(
                "url",
                "feed-unreadable",
                pl.clone(),
                format!("The feed could not be read: {pl}"),
            )
        })
    }

    /// Fetches and reads the feed, then each new entry, on one runtime with one client for the
    /// whole reading (a reqwest client's pooled connections belong to the runtime that opened
    /// them: the entries, on the feed's host, reuse its connection). `Err` carries the reason
    /// in Polish.
    fn read_feed_entries(&self, actor: &Actor, feed: &CapFeedRow) -> Result<FeedReport, String> {
        crate::block_on(async {
            let client = client()?;
            self.read_feed_with(&client, actor, feed).await
        })?
    }

    async fn read_feed_with(
        &self,
        client: &reqwest::Client,
        actor: &Actor,
        feed: &CapFeedRow,
    ) -> Result<FeedReport, String> {
        let tenant_id = feed.tenant_id.as_str();
        let feed_url = check_feed_url(&feed.url).map_err(|e| e.to_string())?;
        let bytes = fetch(client, &feed_url, feed::FEED_LIMITS.max_bytes)
            .await
            .map_err(|e| e.pl)?;
        let parsed = feed::read_feed(&bytes).map_err(|e| e.message_pl())?;
        let keys: Vec<String> = parsed
            .entries
            .iter()
            .filter_map(|e| e.key().map(str::to_owned))
            .collect();
        let known = self
            .store
            .read(|c| Ok::<_, AppError>(repo::known_entries(c, tenant_id, &feed.id, &keys)?))
            .map_err(|e| e.to_string())?;
        let mut report = FeedReport {
            entries: parsed.entries.len(),
            ..FeedReport::default()
        };
        let mut fetches = 0usize;
        let started = std::time::Instant::now();
        for entry in parsed.entries {
            let key = entry.key().map(str::to_owned);
            if key.as_ref().is_some_and(|k| known.contains(k)) {
                report.known += 1;
                continue;
            }
            let label = key
                .clone()
                .or_else(|| entry.title.clone())
                .unwrap_or_else(|| "?".into());
            let outcome = match entry.content {
                EntryContent::Nothing => {
                    Outcome::Refused(cap_refusal(&label, &CapError::NoAlertInEntry))
                }
                EntryContent::Embedded(alert) => match *alert {
                    Ok(alert) => self.publish_from_feed(tenant_id, actor, feed, &label, alert),
                    Err(e) => Outcome::Refused(cap_refusal(&label, &e)),
                },
                EntryContent::Link(link) => match entry_url(&feed_url, &link) {
                    Err((pl, en)) => Outcome::Refused(RefusedEntry {
                        entry: short(&label),
                        code: "link-refused".into(),
                        message_pl: pl,
                        message_en: en,
                    }),
                    Ok(_) if fetches >= MAX_FETCHES || started.elapsed() > READING_BUDGET => {
                        Outcome::Later
                    }
                    Ok(url) => {
                        fetches += 1;
                        let limit = ReadLimits::default().max_bytes;
                        match fetch(client, &url, limit).await {
                            Err(e) if e.passing => Outcome::Later,
                            Err(e) => Outcome::Refused(RefusedEntry {
                                entry: short(&label),
                                code: "fetch-failed".into(),
                                message_pl: e.pl,
                                message_en: e.en,
                            }),
                            Ok(bytes) => match ratusz_documents::cap::read_cap(&bytes) {
                                Ok(alert) => {
                                    self.publish_from_feed(tenant_id, actor, feed, &label, alert)
                                }
                                Err(e) => Outcome::Refused(cap_refusal(&label, &e)),
                            },
                        }
                    }
                },
            };
            let (alert_id, error) = match &outcome {
                Outcome::Published(id) => {
                    report.published += 1;
                    (Some(id.clone()), None)
                }
                Outcome::Known => {
                    report.known += 1;
                    (None, None)
                }
                Outcome::Refused(r) => {
                    let code = r.code.clone();
                    report.refused.push(r.clone());
                    (None, Some(code))
                }
                Outcome::Later => {
                    report.later += 1;
                    continue;
                }
            };
            if let Some(key) = key {
                let now = self.now_ts();
                self.store
                    .write(|c| {
                        Ok::<_, AppError>(repo::record_entry(
                            c,
                            tenant_id,
                            &feed.id,
                            &key,
                            alert_id.as_deref(),
                            error.as_deref(),
                            now,
                        )?)
                    })
                    .map_err(|e| e.to_string())?;
            }
        }
        Ok(report)
    }

    fn publish_from_feed(
        &self,
        tenant_id: &str,
        actor: &Actor,
        feed: &CapFeedRow,
        label: &str,
        alert: Alert,
    ) -> Outcome {
        if let Some((pl, en)) = not_public(&alert) {
            return Outcome::Refused(RefusedEntry {
                entry: short(label),
                code: "not-public".into(),
                message_pl: pl,
                message_en: en,
            });
        }
        match self.publish_external(tenant_id, actor, &alert, Some(&feed.name)) {
            Ok(Some(row)) => Outcome::Published(row.id),
            Ok(None) => Outcome::Known,
            Err(e) => Outcome::Refused(RefusedEntry {
                entry: short(label),
                code: "store".into(),
                message_pl: e.to_string(),
                message_en: e.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_addresses_are_absolute_web_addresses_without_credentials() {
        assert!(check_feed_url("https://meteo.example.pl/cap.atom").is_ok());
        for bad in [
            "meteo.example.pl/cap.atom",
            "file:///etc/passwd",
            "ftp://example.pl/a",
            "https://user:pw@example.pl/a",
            "",
        ] {
            assert!(check_feed_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn links_are_followed_only_to_the_feeds_own_host() {
        let feed = Url::parse("https://meteo.example.pl/feeds/cap.atom").unwrap();
        assert_eq!(
            entry_url(&feed, "alerts/1.cap").unwrap().as_str(),
            "https://meteo.example.pl/feeds/alerts/1.cap"
        );
        assert!(entry_url(&feed, "http://meteo.example.pl/x.cap").is_ok());
        for bad in [
            "http://127.0.0.1/admin",
            "https://meteo.example.pl.evil.example/x.cap",
            "file:///etc/passwd",
            "gopher://meteo.example.pl/x",
            "http://[::1]/x",
        ] {
            assert!(entry_url(&feed, bad).is_err(), "{bad}");
        }
    }
}

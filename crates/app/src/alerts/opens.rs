//! How often an alert's page was opened from its messages — the dashboard's "opened".
//!
//! Links in e-mails carry `?z=e` and in push notifications `?z=p`; the public page counts a
//! visit with such a mark per channel and minute. Nothing identifies the recipient (no
//! per-person links or pixels in public-safety messages), so the figure is visits, not
//! people: one resident opening twice counts twice, a forwarded link counts too. SMS carry no
//! link to the page (the 306 characters go to the warning itself), so SMS have no figure.
//!
//! Visits are counted in memory and written in batches (at most every [`FLUSH_EVERY`], by the
//! visit that finds the batch due, and before the dashboard is read): in a crisis, thousands
//! of residents opening the page at once must not queue on one database row. A crash loses
//! at most the last few seconds of counts, never anything else.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ratusz_store::alerts as repo;

use crate::{App, AppError};

/// The longest counts wait in memory while visits keep coming.
pub const FLUSH_EVERY: Duration = Duration::from_secs(5);

/// The channel a link's `z` mark stands for.
pub fn channel_of(mark: &str) -> Option<&'static str> {
    match mark {
        "e" => Some("email"),
        "p" => Some("push"),
        _ => None,
    }
}

type Key = (String, String, &'static str, i64);

#[derive(Default)]
pub struct OpenCounter {
    state: Mutex<(HashMap<Key, i64>, Option<Instant>)>,
}

impl App {
    /// Counts one visit of a published alert's page that came with the link mark `mark`
    /// (anything but a known mark is ignored).
    pub fn note_alert_open(&self, tenant_id: &str, alert_id: &str, mark: &str) {
        let Some(channel) = channel_of(mark) else {
            return;
        };
        let minute = self.now_ts() / 60_000_000 * 60_000_000;
        let due = match self.alert_opens.state.lock() {
            Ok(mut s) => {
                *s.0.entry((tenant_id.to_owned(), alert_id.to_owned(), channel, minute))
                    .or_default() += 1;
                let due = s.1.is_none_or(|t| t.elapsed() >= FLUSH_EVERY);
                if due {
                    s.1 = Some(Instant::now());
                }
                due
            }
            Err(_) => false,
        };
        if due && let Err(e) = self.flush_alert_opens() {
            tracing::warn!("alert opens: {e}");
        }
    }

    /// Writes the counted visits; on a database error they go back to be written later.
    pub fn flush_alert_opens(&self) -> Result<usize, AppError> {
        let taken: HashMap<Key, i64> = match self.alert_opens.state.lock() {
            Ok(mut s) => std::mem::take(&mut s.0),
            Err(_) => return Ok(0),
        };
        if taken.is_empty() {
            return Ok(0);
        }
        let mut by_tenant: HashMap<&str, Vec<(String, String, i64, i64)>> = HashMap::new();
        for ((tenant, alert, channel, minute), n) in &taken {
            by_tenant.entry(tenant.as_str()).or_default().push((
                alert.clone(),
                (*channel).to_owned(),
                *minute,
                *n,
            ));
        }
        let written = self.store.write(|c| {
            for (tenant, counts) in &by_tenant {
                repo::add_opens(c, tenant, counts)?;
            }
            Ok::<_, AppError>(taken.len())
        });
        if written.is_err()
            && let Ok(mut s) = self.alert_opens.state.lock()
        {
            for (k, n) in taken {
                *s.0.entry(k).or_default() += n;
            }
        }
        written
    }
}

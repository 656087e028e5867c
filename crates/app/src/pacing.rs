//! Per-channel rate limits: a relay or an SMS gateway accepts so many messages a second
//! (the contract, or the relay's anti-abuse limits), and going faster only earns refusals.
//! A [`Pacer`] spaces the batches of one channel in this process so that on average no more
//! than the configured rate leaves it. It is per process: with several workers or nodes,
//! divide the gateway's limit among them.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// When the next message of a channel may leave.
#[derive(Debug, Default)]
pub struct Pacer {
    next: Mutex<Option<Instant>>,
}

impl Pacer {
    /// How long to wait before `n` messages may go at `rate` a second (0: at once); the time
    /// they take at that rate is reserved, so the next caller waits after them.
    pub fn reserve(&self, n: usize, rate: u32) -> Duration {
        if rate == 0 || n == 0 {
            return Duration::ZERO;
        }
        let cost = Duration::from_secs_f64(n as f64 / f64::from(rate));
        let now = Instant::now();
        let Ok(mut next) = self.next.lock() else {
            return Duration::ZERO;
        };
        let start = next.map_or(now, |t| t.max(now));
        *next = Some(start + cost);
        start - now
    }

    /// Waits until `n` messages may go (see [`Pacer::reserve`]).
    pub fn wait(&self, n: usize, rate: u32) {
        let d = self.reserve(n, rate);
        if !d.is_zero() {
            std::thread::sleep(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_are_spaced_at_the_rate() {
        let p = Pacer::default();
        assert_eq!(p.reserve(100, 0), Duration::ZERO, "no limit");
        assert_eq!(
            p.reserve(100, 100),
            Duration::ZERO,
            "the first goes at once"
        );
        // The second batch of 100 at 100/s waits for the first second to pass.
        let wait = p.reserve(100, 100);
        assert!(
            wait > Duration::from_millis(900) && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        // The third waits two seconds.
        let wait = p.reserve(50, 100);
        assert!(wait > Duration::from_millis(1900), "{wait:?}");
    }
}

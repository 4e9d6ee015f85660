//! When a failed attempt is tried again, and how long to wait first: `Retry-After` (seconds or an
//! HTTP date), else exponential backoff with jitter, within a bounded number of tries and a bounded
//! total wait.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::Method;

/// The retry settings of a client.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryPolicy {
    /// Attempts after the first.
    pub(crate) max_retries: u32,
    /// The longest the client sleeps between the attempts of one call, in total.
    pub(crate) max_wait: Duration,
    /// The first backoff delay, doubled for each retry.
    pub(crate) backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { max_retries: 3, max_wait: Duration::from_secs(60), backoff: Duration::from_millis(500) }
    }
}

impl RetryPolicy {
    /// The backoff before retry number `retry` (0 for the first), between half and all of
    /// `backoff * 2^retry`, so that clients throttled together do not come back together.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let full = self.backoff.saturating_mul(1 << retry.min(16));
        let half = full / 2;
        let jitter_nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(fastrand::u64(0..=jitter_nanos))
    }
}

/// Whether a status means "try again later": throttling (429) and unavailability (503). Graph
/// answers both before doing any work, so even a POST is safe to repeat.
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 503)
}

/// Whether a transport failure after the connection was made may be retried: only for methods
/// that are safe to repeat. A POST that may have reached the server is never sent twice.
pub(crate) fn may_repeat(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Reads `Retry-After` as delay-seconds or an HTTP date (a date in the past means now). Anything else
/// (a negative or fractional number, text) is as if it were absent; a number too large for a `u64` is
/// the longest wait there is, so that it is never retried sooner than asked (the caller's
/// `max_retry_wait` then ends the call).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    parse_retry_after(headers.get(RETRY_AFTER)?.to_str().ok()?, SystemTime::now())
}

fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    // RFC 9110's delay-seconds is `1*DIGIT`: no sign, no fraction.
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(value.parse::<u64>().unwrap_or(u64::MAX)));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after(" 3 ", now), Some(Duration::from_secs(3)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(5));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(5)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(5));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("+3", now), None);
        assert_eq!(parse_retry_after("1.5", now), None);
        assert_eq!(parse_retry_after("", now), None);
        let huge = Some(Duration::from_secs(u64::MAX));
        assert_eq!(parse_retry_after("99999999999999999999999999", now), huge);
    }

    #[test]
    fn backoff_doubles_within_jitter() {
        let policy = RetryPolicy { backoff: Duration::from_millis(100), ..RetryPolicy::default() };
        for retry in 0..4 {
            let full = Duration::from_millis(100 << retry);
            let wait = policy.backoff(retry);
            assert!(wait >= full / 2 && wait <= full, "{retry}: {wait:?}");
        }
        // A huge retry number saturates instead of overflowing.
        let _ = policy.backoff(u32::MAX);
    }
}

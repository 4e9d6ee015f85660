//! [`Timestamp`]: Graph's `Edm.DateTimeOffset` (the spec's `format: date-time`), in a few hundred lines
//! instead of a date-time crate in every app's build.
//!
//! Graph's pages say of these values: "The Timestamp type represents date and time information using ISO
//! 8601 format and is always in UTC time. For example, midnight UTC on Jan 1, 2014 is 2014-01-01T00:00:00Z".
//! A `Timestamp` keeps the text Graph sent, so a value read and written back goes out byte for byte, and the
//! instant it names, for comparing and for [`SystemTime`]. Apps that want a calendar type parse
//! [`Timestamp::as_str`] with theirs (`chrono::DateTime::parse_from_rfc3339`, `time::OffsetDateTime::parse`).

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A point in time as Graph writes it: `2014-01-01T00:00:00Z`, RFC 3339 with an optional fraction of a
/// second (Graph sends up to seven digits) and an offset (`Z` or `+01:00`; a value without one is read
/// as UTC, which is what Graph means by it).
///
/// Two timestamps are equal, ordered and hashed by the instant they name, not by their text:
/// `2014-01-01T01:00:00+01:00 == 2014-01-01T00:00:00Z`.
///
/// ```
/// use generated_client::Timestamp;
///
/// let received: Timestamp = "2024-05-01T10:00:00.1234567Z".parse()?;
/// assert_eq!(received.unix_timestamp(), 1_714_557_600);
/// assert_eq!(received.subsec_nanos(), 123_456_700);
/// assert_eq!(received.as_str(), "2024-05-01T10:00:00.1234567Z");
/// assert!(received > "2024-05-01T11:59:59+02:00".parse()?);
/// # Ok::<(), generated_client::TimestampError>(())
/// ```
#[derive(Clone)]
pub struct Timestamp {
    text: String,
    /// Seconds since 1970-01-01T00:00:00Z.
    seconds: i64,
    nanos: u32,
}

/// Why a text is not a [`Timestamp`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError {
    text: String,
    why: &'static str,
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The text is a value from a response or an app, never a secret; cut it short all the same.
        let shown: String = self.text.chars().take(40).collect();
        write!(f, "`{shown}` is not an RFC 3339 timestamp: {}", self.why)
    }
}

impl std::error::Error for TimestampError {}

/// Seconds from 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z to the Unix epoch: the years RFC 3339 writes.
const MIN_SECONDS: i64 = -62_167_219_200;
const MAX_SECONDS: i64 = 253_402_300_799;

impl Timestamp {
    /// The instant `seconds` after 1970-01-01T00:00:00Z plus `nanos`, written in UTC
    /// (`2024-05-01T10:00:00.5Z`); `None` outside the years 0000 to 9999 or for `nanos` of a second or more.
    pub fn from_unix(seconds: i64, nanos: u32) -> Option<Self> {
        if !(MIN_SECONDS..=MAX_SECONDS).contains(&seconds) || nanos >= 1_000_000_000 {
            return None;
        }
        let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
        let (year, month, day) = civil_from_days(days);
        let mut text = format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            rest / 3600,
            rest / 60 % 60,
            rest % 60
        );
        if nanos > 0 {
            let fraction = format!("{nanos:09}");
            text.push('.');
            text.push_str(fraction.trim_end_matches('0'));
        }
        text.push('Z');
        Some(Timestamp { text, seconds, nanos })
    }

    /// Now, by the system clock.
    pub fn now() -> Self {
        Self::try_from(SystemTime::now())
            .unwrap_or_else(|_| Self::from_unix(0, 0).expect("the epoch is in range"))
    }

    /// The text, as Graph sent it (or as this type wrote it).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whole seconds since 1970-01-01T00:00:00Z (negative before it).
    pub fn unix_timestamp(&self) -> i64 {
        self.seconds
    }

    /// The fraction of the second, in nanoseconds.
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// The same instant as a [`SystemTime`].
    pub fn to_system_time(&self) -> SystemTime {
        let whole = Duration::from_secs(self.seconds.unsigned_abs());
        if self.seconds >= 0 {
            UNIX_EPOCH + whole + Duration::from_nanos(u64::from(self.nanos))
        } else {
            UNIX_EPOCH - whole + Duration::from_nanos(u64::from(self.nanos))
        }
    }

    fn parse(text: &str) -> Result<Self, &'static str> {
        let b = text.as_bytes();
        let digits = |at: usize, len: usize| -> Result<i64, &'static str> {
            let part = b.get(at..at + len).ok_or("it ends too early")?;
            if !part.iter().all(u8::is_ascii_digit) {
                return Err("a digit is expected");
            }
            Ok(part.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
        };
        let expect = |at: usize, what: &[u8], why: &'static str| match b.get(at) {
            Some(c) if what.contains(c) => Ok(()),
            Some(_) => Err(why),
            None => Err("it ends too early"),
        };
        let year = digits(0, 4)?;
        expect(4, b"-", "the date is YYYY-MM-DD")?;
        let month = digits(5, 2)?;
        expect(7, b"-", "the date is YYYY-MM-DD")?;
        let day = digits(8, 2)?;
        expect(10, b"Tt", "the date and the time are joined by `T`")?;
        let hour = digits(11, 2)?;
        expect(13, b":", "the time is hh:mm:ss")?;
        let minute = digits(14, 2)?;
        expect(16, b":", "the time is hh:mm:ss")?;
        let second = digits(17, 2)?;
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return Err("no such date");
        }
        // 60 is a leap second (RFC 3339 allows it); it is counted as the next minute's first.
        if hour > 23 || minute > 59 || second > 60 {
            return Err("no such time of day");
        }
        let mut at = 19;
        let mut nanos = 0u32;
        if b.get(at) == Some(&b'.') {
            at += 1;
            let start = at;
            while b.get(at).is_some_and(u8::is_ascii_digit) {
                // Digits past the ninth are finer than a nanosecond: read and dropped.
                if at - start < 9 {
                    nanos = nanos * 10 + u32::from(b[at] - b'0');
                }
                at += 1;
            }
            if at == start {
                return Err("a fraction of a second needs a digit");
            }
            nanos *= 10u32.pow(9u32.saturating_sub((at - start) as u32));
        }
        let offset = match b.get(at) {
            None => 0,
            Some(b'Z' | b'z') => {
                at += 1;
                0
            }
            Some(&sign @ (b'+' | b'-')) => {
                let hours = digits(at + 1, 2)?;
                expect(at + 3, b":", "the offset is ±hh:mm")?;
                let minutes = digits(at + 4, 2)?;
                if hours > 23 || minutes > 59 {
                    return Err("no such offset");
                }
                at += 6;
                let offset = hours * 3600 + minutes * 60;
                if sign == b'-' {
                    -offset
                } else {
                    offset
                }
            }
            Some(_) => return Err("the offset is `Z` or ±hh:mm"),
        };
        if at != b.len() {
            return Err("there is more after the offset");
        }
        let seconds =
            days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
        if !(MIN_SECONDS..=MAX_SECONDS).contains(&seconds) {
            return Err("the instant is outside the years 0000 to 9999");
        }
        Ok(Timestamp { text: text.to_owned(), seconds, nanos })
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(text).map_err(|why| TimestampError { text: text.to_owned(), why })
    }
}

impl TryFrom<SystemTime> for Timestamp {
    type Error = TimestampError;

    /// The instant in UTC; an error past the year 9999.
    fn try_from(time: SystemTime) -> Result<Self, Self::Error> {
        let (seconds, nanos) = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => (i64::try_from(after.as_secs()).unwrap_or(i64::MAX), after.subsec_nanos()),
            Err(before) => {
                let before = before.duration();
                let whole = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
                match before.subsec_nanos() {
                    0 => (-whole, 0),
                    n => (-whole - 1, 1_000_000_000 - n),
                }
            }
        };
        Timestamp::from_unix(seconds, nanos).ok_or_else(|| TimestampError {
            text: format!("{time:?}"),
            why: "the instant is outside the years 0000 to 9999",
        })
    }
}

impl From<Timestamp> for SystemTime {
    fn from(t: Timestamp) -> Self {
        t.to_system_time()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Timestamp").field(&self.text).finish()
    }
}

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        (self.seconds, self.nanos) == (other.seconds, other.nanos)
    }
}

impl Eq for Timestamp {}

impl Hash for Timestamp {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.seconds, self.nanos).hash(state);
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.seconds, self.nanos).cmp(&(other.seconds, other.nanos))
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp such as 2014-01-01T00:00:00Z")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Timestamp, E> {
                text.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn graph_values_read_with_their_instant_and_keep_their_text() {
        let t = ts("2014-01-01T00:00:00Z");
        assert_eq!((t.unix_timestamp(), t.subsec_nanos()), (1_388_534_400, 0));
        // Graph's seven digits (.NET ticks), nine, and more than nine.
        assert_eq!(ts("2017-08-29T04:00:00.0000007Z").subsec_nanos(), 700);
        assert_eq!(ts("2017-08-29T04:00:00.123456789Z").subsec_nanos(), 123_456_789);
        assert_eq!(ts("2017-08-29T04:00:00.1234567891Z").subsec_nanos(), 123_456_789);
        assert_eq!(ts("2017-08-29T04:00:00.5+02:00").as_str(), "2017-08-29T04:00:00.5+02:00");
        // No offset: UTC, as Graph means it.
        assert_eq!(ts("2014-01-01T00:00:00"), ts("2014-01-01T00:00:00Z"));
        assert_eq!(ts("2014-01-01T01:30:00+01:30"), ts("2014-01-01T00:00:00Z"));
        assert_eq!(ts("2013-12-31T19:00:00-05:00"), ts("2014-01-01T00:00:00Z"));
        assert_eq!(ts("1969-12-31T23:59:59.5Z").unix_timestamp(), -1);
        assert_eq!(ts("2016-12-31T23:59:60Z"), ts("2017-01-01T00:00:00Z"));
        assert_eq!(ts("2024-02-29T12:00:00z").unix_timestamp(), 1_709_208_000);
    }

    #[test]
    fn text_that_is_no_timestamp_is_refused_with_the_reason() {
        for (text, why) in [
            ("", "it ends too early"),
            ("2014-01-01", "it ends too early"),
            ("2014-01-01 00:00:00Z", "the date and the time are joined by `T`"),
            ("2014-13-01T00:00:00Z", "no such date"),
            ("2023-02-29T00:00:00Z", "no such date"),
            ("2014-01-01T24:00:00Z", "no such time of day"),
            ("2014-01-01T00:00:00.Z", "a fraction of a second needs a digit"),
            ("2014-01-01T00:00:00+0100", "the offset is ±hh:mm"),
            ("2014-01-01T00:00:00Z ", "there is more after the offset"),
            ("2014-01-01T00:00:00 UTC", "the offset is `Z` or ±hh:mm"),
            ("０２014-01-01T00:00:00Z", "a digit is expected"),
            ("0000-01-01T00:00:00+00:01", "the instant is outside the years 0000 to 9999"),
        ] {
            let err = text.parse::<Timestamp>().expect_err(text);
            assert_eq!(err.why, why, "{text}");
            assert!(err.to_string().contains("is not an RFC 3339 timestamp"), "{err}");
        }
    }

    #[test]
    fn written_timestamps_read_back_to_the_same_instant() {
        for (seconds, nanos, text) in [
            (0, 0, "1970-01-01T00:00:00Z"),
            (1_388_534_400, 500_000_000, "2014-01-01T00:00:00.5Z"),
            (-1, 999_999_999, "1969-12-31T23:59:59.999999999Z"),
            (MIN_SECONDS, 0, "0000-01-01T00:00:00Z"),
            (MAX_SECONDS, 0, "9999-12-31T23:59:59Z"),
            (951_782_400, 0, "2000-02-29T00:00:00Z"),
        ] {
            let t = Timestamp::from_unix(seconds, nanos).expect("in range");
            assert_eq!(t.as_str(), text);
            assert_eq!(ts(text), t);
            let back = Timestamp::try_from(t.to_system_time()).expect("in range");
            assert_eq!(back, t, "{text}");
        }
        assert!(Timestamp::from_unix(MAX_SECONDS + 1, 0).is_none());
        assert!(Timestamp::from_unix(0, 1_000_000_000).is_none());
    }

    #[test]
    fn json_goes_out_as_it_came_in() {
        let t: Timestamp = serde_json::from_str(r#""2024-05-01T10:00:00.0000000Z""#).expect("decodes");
        assert_eq!(serde_json::to_string(&t).expect("encodes"), r#""2024-05-01T10:00:00.0000000Z""#);
        let err = serde_json::from_str::<Timestamp>(r#""yesterday""#).expect_err("not a timestamp");
        assert!(err.to_string().contains("`yesterday` is not an RFC 3339 timestamp"), "{err}");
        assert!(serde_json::from_str::<Timestamp>("12").is_err());
    }
}

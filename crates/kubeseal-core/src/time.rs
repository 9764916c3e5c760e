//! A minimal UTC timestamp, enough to show certificate validity; the calendar
//! comes from `der`'s [`DateTime`] (the type X.509 validity is parsed into).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use der::DateTime;

/// A point in time, in whole seconds since the Unix epoch (UTC).
///
/// Displays as RFC 3339, e.g. `2036-11-22T12:57:37Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// From seconds since the Unix epoch.
    pub const fn from_unix(secs: i64) -> Self {
        Self(secs)
    }

    /// Seconds since the Unix epoch.
    pub const fn unix(self) -> i64 {
        self.0
    }

    /// The current time, from the system clock (JavaScript's `Date.now()` on
    /// `wasm32-unknown-unknown`, where the standard library has no clock).
    pub fn now() -> Self {
        #[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
        {
            // Milliseconds since the epoch, as an f64; whole seconds fit exactly.
            #[allow(clippy::cast_possible_truncation)]
            Self((js_sys::Date::now() / 1000.0).floor() as i64)
        }
        #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
        Self::from(SystemTime::now())
    }

    /// The calendar date as (year, month, day).
    pub fn date(self) -> (i64, u32, u32) {
        let (year, t) = self.calendar();
        (year, t.month().into(), t.day().into())
    }

    /// The year, and the rest of the date and time as `der`'s [`DateTime`].
    ///
    /// `DateTime` covers 1970 to 9999. The proleptic Gregorian calendar repeats
    /// every 400 years (146 097 days), so a time outside that range is shifted
    /// by whole 400-year cycles into it; only its year differs.
    fn calendar(self) -> (i64, DateTime) {
        const CYCLE_SECS: i64 = 146_097 * 86_400;
        let cycles = self.0.div_euclid(CYCLE_SECS);
        // In [0, CYCLE_SECS): from 1970-01-01 up to 2370-01-01.
        let shifted = Duration::from_secs(self.0.rem_euclid(CYCLE_SECS).unsigned_abs());
        // Never the fallback: 1970..2370 lies inside DateTime's range.
        let t = DateTime::from_unix_duration(shifted).unwrap_or(DateTime::INFINITY);
        (i64::from(t.year()) + 400 * cycles, t)
    }
}

impl From<SystemTime> for Timestamp {
    fn from(t: SystemTime) -> Self {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => Self(i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
            Err(e) => Self(-i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX)),
        }
    }
}

impl From<Duration> for Timestamp {
    fn from(d: Duration) -> Self {
        Self(i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, t) = self.calendar();
        write!(
            f,
            "{year:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.month(),
            t.day(),
            t.hour(),
            t.minutes(),
            t.seconds()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        // Values cross-checked with `date -u -d @N +%FT%TZ`.
        for (secs, want) in [
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (2_110_971_457, "2036-11-22T12:57:37Z"),
            (-1, "1969-12-31T23:59:59Z"),
            // Outside der's DateTime range (1970-9999) and across century rules.
            (-2_208_988_800, "1900-01-01T00:00:00Z"),
            (-62_135_596_800, "0001-01-01T00:00:00Z"),
            (-12_219_292_801, "1582-10-14T23:59:59Z"),
            (4_102_444_800, "2100-01-01T00:00:00Z"),
            (253_402_300_799, "9999-12-31T23:59:59Z"),
        ] {
            assert_eq!(Timestamp::from_unix(secs).to_string(), want);
        }
    }

    #[test]
    fn date_is_the_calendar_day() {
        assert_eq!(Timestamp::from_unix(951_782_400).date(), (2000, 2, 29));
        assert_eq!(Timestamp::from_unix(-1).date(), (1969, 12, 31));
        // The extremes neither panic nor overflow.
        assert!(Timestamp::from_unix(i64::MAX).date().0 > 292_000_000_000);
        assert!(Timestamp::from_unix(i64::MIN).date().0 < -292_000_000_000);
    }
}

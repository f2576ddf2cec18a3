//! Date formats of the wire (README "Dates").

use chrono::{DateTime, Utc};

/// `2019-04-29T19:48:15.000Z`: ISO 8601 UTC with the milliseconds forced to `.000`.
pub fn iso(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%S.000Z")
        .to_string()
}

/// `YYYY-MM-DD` (UTC).
pub fn day(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(iso(1_556_567_295_123), "2019-04-29T19:48:15.000Z");
        assert_eq!(day(1_556_567_295_123), "2019-04-29");
    }
}

//! Time-sortable string ids for accounts, statuses and reports.
//!
//! An id is 128 bits: 48 bits of Unix milliseconds, 24 bits of a per-process sequence and 56 random
//! bits, written as 22 base62 digits (`0-9A-Za-z`). Fixed length and digit order make string order
//! equal numeric order, so ordering by id is creation order. Within one process ids strictly increase,
//! even inside one millisecond or when the clock steps back; the random part keeps ids of several
//! processes sharing one database apart.

use std::sync::Mutex;

use rand::Rng;

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const LEN: usize = 22;
const SEQ_BITS: u32 = 24;

static LAST: Mutex<(u64, u64)> = Mutex::new((0, 0));

/// A new id, greater than every id this process made before.
pub fn new_id() -> String {
    let now = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
    let (ms, seq) = {
        let mut last = LAST.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let next = if now > last.0 {
            (now, 0)
        } else if last.1 + 1 < (1 << SEQ_BITS) {
            (last.0, last.1 + 1)
        } else {
            (last.0 + 1, 0)
        };
        *last = next;
        next
    };
    let random: u64 = rand::thread_rng().gen::<u64>() >> 8;
    let value = (u128::from(ms) << 80) | (u128::from(seq) << 56) | u128::from(random);
    encode(value)
}

/// The id that sorts before every id made at or after `ms` (for time-range queries on ids).
pub fn id_floor(ms: i64) -> String {
    encode(u128::from(u64::try_from(ms).unwrap_or(0)) << 80)
}

fn encode(mut value: u128) -> String {
    let mut out = [b'0'; LEN];
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(value % 62) as usize];
        value /= 62;
    }
    out.iter().map(|b| char::from(*b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_fixed_length_and_strictly_increasing() {
        let ids: Vec<String> = (0..10_000).map(|_| new_id()).collect();
        assert!(ids.iter().all(|id| id.len() == LEN));
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "ids must sort in creation order"
        );
    }

    #[test]
    fn floor_sorts_before_ids_of_that_time() {
        let before = chrono::Utc::now().timestamp_millis();
        let id = new_id();
        assert!(id_floor(before) <= id);
        assert!(id_floor(before + 10_000) > id);
    }
}

//! TOTP (RFC 6238): SHA-1, 6 digits, 30-second steps, one step of drift either way (auth.md §7).

use hmac::{Hmac, Mac};
use sha1::Sha1;

const STEP: i64 = 30;

/// Decodes an RFC 4648 base32 secret (case-insensitive, padding and spaces ignored).
pub fn decode_base32(secret: &str) -> Option<Vec<u8>> {
    let mut bits: u64 = 0;
    let mut count = 0u32;
    let mut out = Vec::new();
    for c in secret.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = match c.to_ascii_uppercase() {
            c @ 'A'..='Z' => c as u64 - 'A' as u64,
            c @ '2'..='7' => c as u64 - '2' as u64 + 26,
            _ => return None,
        };
        bits = (bits << 5) | v;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push(((bits >> count) & 0xff) as u8);
        }
    }
    if out.is_empty() {
        None
    } else {
        Some(out)
    }
}

/// The code for a secret at a Unix time.
pub fn code_at(secret: &[u8], unix_seconds: i64) -> Option<String> {
    let counter = (unix_seconds.div_euclid(STEP)) as u64;
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).ok()?;
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = (hash[hash.len() - 1] & 0x0f) as usize;
    let binary = (u32::from(hash[offset] & 0x7f) << 24)
        | (u32::from(hash[offset + 1]) << 16)
        | (u32::from(hash[offset + 2]) << 8)
        | u32::from(hash[offset + 3]);
    Some(format!("{:06}", binary % 1_000_000))
}

/// Checks a code against the current step and its neighbours.
pub fn verify(secret_base32: &str, code: &str, unix_seconds: i64) -> bool {
    let Some(secret) = decode_base32(secret_base32) else {
        return false;
    };
    let code = code.trim();
    [-STEP, 0, STEP].iter().any(|d| {
        code_at(&secret, unix_seconds + d)
            .map(|expected| super::secrets::constant_time_eq(&expected, code))
            .unwrap_or(false)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B vectors (SHA-1, last six digits).
    #[test]
    fn rfc_vectors() {
        let secret = b"12345678901234567890";
        assert_eq!(code_at(secret, 59).as_deref(), Some("287082"));
        assert_eq!(code_at(secret, 1_111_111_109).as_deref(), Some("081804"));
        assert_eq!(code_at(secret, 2_000_000_000).as_deref(), Some("279037"));
    }

    #[test]
    fn base32_and_drift() {
        // "12345678901234567890" in base32.
        let b32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert_eq!(
            decode_base32(b32).as_deref(),
            Some(&b"12345678901234567890"[..])
        );
        assert!(verify(b32, "287082", 59));
        assert!(verify(b32, "287082", 59 + 30));
        assert!(!verify(b32, "287082", 59 + 90));
        assert!(!verify("not base32!", "287082", 59));
    }
}

//! RFC 6238 time-based one-time passwords and single-use recovery codes.

use std::collections::HashSet;
use std::fmt::Write as _;

use hmac::{Hmac, KeyInit, Mac};
use qrcode::QrCode;
use qrcode::render::svg;
use rand::{Rng, RngCore};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Number of digits in a code.
pub const DIGITS: u32 = 6;
/// Length of one time step in seconds.
pub const STEP_SECONDS: i64 = 30;

/// Bytes in a new secret: 160 bits, as RFC 4226 recommends.
const SECRET_BYTES: usize = 20;
const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/// Lowercase letters and digits without the look-alikes 0 o 1 l i, so codes
/// copied from paper come back right.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
const RECOVERY_CODES: usize = 10;
const RECOVERY_GROUPS: usize = 3;
const RECOVERY_GROUP_LEN: usize = 4;

/// A fresh random secret of 20 bytes.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_BYTES];
    rand::rng().fill_bytes(&mut secret);
    secret
}

/// RFC 4648 base32 without padding, the form authenticator apps expect.
pub fn base32(secret: &[u8]) -> String {
    let mut out = String::with_capacity(secret.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &byte in secret {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(
                BASE32_ALPHABET[((buffer >> bits) & 31) as usize],
            ));
        }
    }
    if bits > 0 {
        out.push(char::from(
            BASE32_ALPHABET[((buffer << (5 - bits)) & 31) as usize],
        ));
    }
    out
}

/// Decodes base32, ignoring case, spaces and `=` padding; `None` on any other
/// character.
pub fn from_base32(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 5 / 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for c in s.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let value = match c.to_ascii_uppercase() {
            c @ 'A'..='Z' => c as u32 - 'A' as u32,
            c @ '2'..='7' => c as u32 - '2' as u32 + 26,
            _ => return None,
        };
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// The `otpauth://` URI that authenticator apps read from the QR code.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let issuer = percent_encode(issuer);
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}\
         &algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        account = percent_encode(account),
        secret = base32(secret),
    )
}

/// Keeps RFC 3986 unreserved characters and encodes every other byte, so the
/// result is safe in both the path and the query.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &byte in s.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// The code for the time step containing `unix_seconds`.
pub fn code_at(secret: &[u8], unix_seconds: i64) -> String {
    format_code(hotp(secret, step_of(unix_seconds)))
}

/// Checks `code` against the current step and one step either side (clock
/// drift); returns the matched step, which the caller stores and passes back
/// as `last_used_step` so that no code is accepted twice.
pub fn verify(
    secret: &[u8],
    code: &str,
    unix_seconds: i64,
    last_used_step: Option<i64>,
) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = step_of(unix_seconds);
    let mut matched = None;
    // Every candidate is computed and compared, so the time taken does not
    // tell which step (if any) matched.
    for step in [current - 1, current, current + 1] {
        if step < 0 || last_used_step.is_some_and(|last| step <= last) {
            continue;
        }
        let expected = format_code(hotp(secret, step));
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) && matched.is_none() {
            matched = Some(step);
        }
    }
    matched
}

fn step_of(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

fn format_code(value: u32) -> String {
    format!("{value:0width$}", width = DIGITS as usize)
}

/// RFC 4226 HOTP with dynamic truncation, reduced to `DIGITS` digits.
fn hotp(secret: &[u8], step: i64) -> u32 {
    // Steps before 1970 never occur in practice; clamping keeps this total.
    let counter = u64::try_from(step).unwrap_or(0);
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = usize::from(hash[hash.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    binary % 10u32.pow(DIGITS)
}

/// An inline `<svg>` QR code of `text` (black on white, with a quiet zone and
/// a `viewBox`), ready to embed in HTML; empty if `text` is too long for a QR
/// code (about 2.3 KB at the error correction used).
pub fn qr_svg(text: &str) -> String {
    let Ok(code) = QrCode::new(text.as_bytes()) else {
        return String::new();
    };
    let image = code
        .render::<svg::Color>()
        .quiet_zone(true)
        .module_dimensions(8, 8)
        .dark_color(svg::Color("#000"))
        .light_color(svg::Color("#fff"))
        .build();
    // The renderer emits an XML declaration, which is not allowed inside HTML.
    let start = image.find("<svg").unwrap_or(0);
    let body = &image[start..];
    let attrs = r#"<svg role="img" aria-label="QR code""#;
    match body.strip_prefix("<svg") {
        Some(rest) => format!("{attrs}{rest}"),
        None => body.to_owned(),
    }
}

/// Ten fresh recovery codes such as `k7pq-2mzx-h9wd`.
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::rng();
    let mut seen = HashSet::new();
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    while codes.len() < RECOVERY_CODES {
        let mut code = String::with_capacity(RECOVERY_GROUPS * (RECOVERY_GROUP_LEN + 1));
        for group in 0..RECOVERY_GROUPS {
            if group > 0 {
                code.push('-');
            }
            for _ in 0..RECOVERY_GROUP_LEN {
                let index = rng.random_range(0..RECOVERY_ALPHABET.len());
                code.push(char::from(RECOVERY_ALPHABET[index]));
            }
        }
        if seen.insert(code.clone()) {
            codes.push(code);
        }
    }
    codes
}

/// The stored form of a recovery code: hex SHA-256 of the code lowercased
/// without spaces or dashes, so `K7PQ 2MZX H9WD` matches `k7pq-2mzx-h9wd`.
pub fn hash_recovery_code(code: &str) -> String {
    let normalised: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    let digest = Sha256::digest(normalised.as_bytes());
    let mut hex = String::with_capacity(digest.len() * 2);
    for byte in digest.iter() {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc6238_sha1_vectors() {
        let vectors = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ];
        for (time, eight_digits) in vectors {
            assert_eq!(code_at(RFC_SECRET, time), eight_digits[2..], "at {time}");
        }
    }

    #[test]
    fn base32_known_vectors() {
        assert_eq!(base32(b""), "");
        assert_eq!(base32(b"f"), "MY");
        assert_eq!(base32(b"fo"), "MZXQ");
        assert_eq!(base32(b"foo"), "MZXW6");
        assert_eq!(base32(b"foob"), "MZXW6YQ");
        assert_eq!(base32(b"fooba"), "MZXW6YTB");
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(from_base32("MZXW6YTBOI").as_deref(), Some(&b"foobar"[..]));
        assert_eq!(
            from_base32("mzxw 6ytb oi======").as_deref(),
            Some(&b"foobar"[..])
        );
        assert_eq!(from_base32("MZXW1"), None);
        assert_eq!(from_base32("MZ!W"), None);
    }

    #[test]
    fn base32_round_trip() {
        for _ in 0..20 {
            let secret = new_secret();
            assert_eq!(secret.len(), 20);
            assert_eq!(from_base32(&base32(&secret)), Some(secret));
        }
        for len in 0..12 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 5) as u8).collect();
            assert_eq!(from_base32(&base32(&bytes)), Some(bytes));
        }
    }

    #[test]
    fn otpauth_uri_is_encoded() {
        let uri = otpauth_uri("Acme Status", "admin@example.com", b"foobar");
        assert_eq!(
            uri,
            "otpauth://totp/Acme%20Status:admin%40example.com?secret=MZXW6YTBOI\
             &issuer=Acme%20Status&algorithm=SHA1&digits=6&period=30"
        );
        assert!(otpauth_uri("a:b&c", "é", b"x").starts_with("otpauth://totp/a%3Ab%26c:%C3%A9?"));
    }

    #[test]
    fn verify_accepts_one_step_of_drift_only() {
        let now = 1_234_567_890;
        let step = now / STEP_SECONDS;
        for delta in [-1, 0, 1] {
            let code = code_at(RFC_SECRET, now + delta * STEP_SECONDS);
            assert_eq!(
                verify(RFC_SECRET, &code, now, None),
                Some(step + delta),
                "delta {delta}"
            );
        }
        for delta in [-2, 2] {
            let code = code_at(RFC_SECRET, now + delta * STEP_SECONDS);
            assert_eq!(verify(RFC_SECRET, &code, now, None), None, "delta {delta}");
        }
    }

    #[test]
    fn verify_refuses_replay() {
        let now = 1_234_567_890;
        let code = code_at(RFC_SECRET, now);
        let step = verify(RFC_SECRET, &code, now, None).expect("fresh code is accepted");
        assert_eq!(verify(RFC_SECRET, &code, now, Some(step)), None);
        assert_eq!(verify(RFC_SECRET, &code, now + 1, Some(step)), None);
        // A code from before the last used step is refused even within drift.
        let earlier = code_at(RFC_SECRET, now - STEP_SECONDS);
        assert_eq!(verify(RFC_SECRET, &earlier, now, Some(step)), None);
        let later = code_at(RFC_SECRET, now + STEP_SECONDS);
        assert_eq!(verify(RFC_SECRET, &later, now, Some(step)), Some(step + 1));
    }

    #[test]
    fn verify_input_format() {
        let now = 1_234_567_890;
        let code = code_at(RFC_SECRET, now);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(verify(RFC_SECRET, &spaced, now, None).is_some());
        assert_eq!(verify(RFC_SECRET, "abcdef", now, None), None);
        assert_eq!(verify(RFC_SECRET, "12345", now, None), None);
        assert_eq!(verify(RFC_SECRET, "1234567", now, None), None);
        assert_eq!(verify(RFC_SECRET, "", now, None), None);
        assert_eq!(verify(RFC_SECRET, "１２３４５６", now, None), None);
    }

    #[test]
    fn qr_svg_is_embeddable() {
        let svg = qr_svg(&otpauth_uri("Acme", "admin", &new_secret()));
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(!svg.contains("<?xml"));
        assert!(svg.contains("viewBox"));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains("aria-label="));
        assert!(svg.ends_with("</svg>"));
        assert_eq!(qr_svg(&"x".repeat(10_000)), "");
    }

    #[test]
    fn recovery_codes_shape() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert_eq!(codes.iter().collect::<HashSet<_>>().len(), 10);
        for code in &codes {
            let groups: Vec<&str> = code.split('-').collect();
            assert_eq!(groups.len(), 3, "{code}");
            for group in groups {
                assert_eq!(group.len(), 4, "{code}");
                assert!(
                    group.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)),
                    "{code}"
                );
            }
            assert!(!code.contains(['0', 'o', '1', 'l', 'i']), "{code}");
        }
    }

    #[test]
    fn recovery_code_hash_normalises() {
        let hash = hash_recovery_code("k7pq-2mzx-h9wd");
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains("k7pq"));
        assert_eq!(hash_recovery_code("K7PQ 2MZX H9WD"), hash);
        assert_eq!(hash_recovery_code(" k7pq2mzxh9wd "), hash);
        assert_ne!(hash_recovery_code("k7pq-2mzx-h9we"), hash);
        // Pinned so that a change of the stored form cannot slip through.
        assert_eq!(
            hash,
            "6b55b18fdf3c76e4f503acdae6b6bcdddcfc7e0077561cebe213145be9177074"
        );
    }
}

//! Grafana's HMAC signature on its webhook contact point (Grafana 12 and later): with a secret
//! set there, Grafana sends `X-Grafana-Alerting-Signature`, the lowercase hex HMAC-SHA256 of the
//! body, or of `timestamp:body` when a timestamp header is named too (then that header carries
//! the Unix time in seconds). The body is Alertmanager's JSON (`alertmanager.rs`).

use crate::settings::HookSigning;
use axum::http::HeaderMap;
use hmac::{Hmac, KeyInit, Mac};
use jiff::Timestamp;
use sha2::Sha256;

/// The header Grafana signs in unless told otherwise.
pub const SIGNATURE_HEADER: &str = "x-grafana-alerting-signature";

/// How far a signed timestamp may be from our clock: Grafana signs as it sends, and a delivery
/// older than this is a replay (or a clock to fix). Slack's window, for the same reason.
pub const MAX_SKEW_SECONDS: i64 = 300;

/// Why a delivery's signature is refused; the one line the sender (and its log) gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unsigned {
    #[error("the X-Grafana-Alerting-Signature header is missing (a Grafana secret is set here)")]
    Missing,
    #[error("the X-Grafana-Alerting-Signature header is not a hex HMAC-SHA256")]
    Malformed,
    #[error("the timestamp header named in the settings is missing")]
    NoTimestamp,
    #[error("the timestamp header is not Unix seconds")]
    BadTimestamp,
    #[error("the signed timestamp is more than 5 minutes from now")]
    Stale,
    #[error("the X-Grafana-Alerting-Signature does not match the body and the Grafana secret")]
    Wrong,
}

/// Whether an Alertmanager-shaped delivery is signed as `signing` requires; every delivery is
/// when no Grafana secret is set.
pub fn check(
    signing: &HookSigning,
    headers: &HeaderMap,
    body: &[u8],
    now: Timestamp,
) -> Result<(), Unsigned> {
    let secret = signing.grafana.value.as_str();
    if secret.is_empty() {
        return Ok(());
    }
    let given = headers
        .get(SIGNATURE_HEADER)
        .ok_or(Unsigned::Missing)?
        .to_str()
        .ok()
        .and_then(|text| from_hex(text.trim()))
        .ok_or(Unsigned::Malformed)?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    let timestamp_header = signing.grafana_timestamp_header.as_str();
    if !timestamp_header.is_empty() {
        let timestamp = headers
            .get(timestamp_header)
            .ok_or(Unsigned::NoTimestamp)?
            .to_str()
            .map_err(|_| Unsigned::BadTimestamp)?
            .trim();
        let seconds: i64 = timestamp.parse().map_err(|_| Unsigned::BadTimestamp)?;
        if now.as_second().abs_diff(seconds) > MAX_SKEW_SECONDS.unsigned_abs() {
            return Err(Unsigned::Stale);
        }
        // Signed as sent, digits exactly as in the header.
        mac.update(timestamp.as_bytes());
        mac.update(b":");
    }
    mac.update(body);
    // Constant time: how long the comparison takes tells nothing about the right signature.
    mac.verify_slice(&given).map_err(|_| Unsigned::Wrong)
}

/// The 32 bytes a SHA-256 HMAC's hex (either case) spells, or `None`.
fn from_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 {
        return None;
    }
    let digit = |c: u8| char::from(c).to_digit(16).map(|d| d as u8);
    text.as_bytes()
        .chunks(2)
        .map(|pair| Some((digit(pair[0])? << 4) | digit(pair[1])?))
        .collect()
}

/// What a Grafana with `secret` (and a timestamp `signed_at`, when one is configured) puts in
/// the signature header: for the tests and `simulate-alert`.
pub fn signature(secret: &str, signed_at: Option<i64>, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    if let Some(seconds) = signed_at {
        mac.update(format!("{seconds}:").as_bytes());
    }
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::InForce;

    const BODY: &[u8] = br#"{"version":"1","alerts":[]}"#;
    const NOW: i64 = 1_796_000_000;

    fn signing(secret: &str, timestamp_header: &str) -> HookSigning {
        HookSigning {
            grafana: InForce {
                value: secret.into(),
                from_environment: false,
            },
            grafana_timestamp_header: timestamp_header.into(),
            ..HookSigning::default()
        }
    }

    fn headers(pairs: &[(&'static str, String)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, value.parse().expect("header value"));
        }
        headers
    }

    fn now() -> Timestamp {
        Timestamp::from_second(NOW).expect("time")
    }

    #[test]
    fn without_a_secret_nothing_is_checked() {
        assert_eq!(
            check(&signing("", ""), &HeaderMap::new(), BODY, now()),
            Ok(())
        );
    }

    #[test]
    fn the_body_alone_is_signed_without_a_timestamp_header() {
        let s = signing("s3cret", "");
        let good = signature("s3cret", None, BODY);
        // Python's hmac.new(b"s3cret", body, "sha256").hexdigest(), another implementation.
        assert_eq!(
            good,
            "2c9738d872896c2f2ae6df407e897b969b9c0ef96e6fe2f583a1c7c35fd602f4"
        );
        let with = |sig: String| headers(&[(SIGNATURE_HEADER, sig)]);
        assert_eq!(check(&s, &with(good.clone()), BODY, now()), Ok(()));
        assert_eq!(
            check(&s, &with(good.to_uppercase()), BODY, now()),
            Ok(()),
            "hex in either case"
        );
        assert_eq!(
            check(&s, &with(good.clone()), b"{}", now()),
            Err(Unsigned::Wrong)
        );
        assert_eq!(
            check(&s, &with(signature("other", None, BODY)), BODY, now()),
            Err(Unsigned::Wrong)
        );
        assert_eq!(
            check(&s, &with(format!("sha256={good}")), BODY, now()),
            Err(Unsigned::Malformed)
        );
        assert_eq!(
            check(&s, &with(good[..62].to_owned()), BODY, now()),
            Err(Unsigned::Malformed)
        );
        assert_eq!(
            check(&s, &HeaderMap::new(), BODY, now()),
            Err(Unsigned::Missing)
        );
    }

    #[test]
    fn with_a_timestamp_header_the_signature_covers_timestamp_colon_body() {
        let s = signing("s3cret", "X-Grafana-Alerting-Signature-Timestamp");
        let signed = |at: i64, sig: String| {
            headers(&[
                (SIGNATURE_HEADER, sig),
                ("x-grafana-alerting-signature-timestamp", at.to_string()),
            ])
        };
        let good = signature("s3cret", Some(NOW), BODY);
        assert_eq!(
            good, "aae09715f6dbe80917111446990a2fd2d223c05c4288a8fdd4d9db63b22c8f0b",
            "Python's HMAC of b\"1796000000:\" + body"
        );
        assert_eq!(check(&s, &signed(NOW, good.clone()), BODY, now()), Ok(()));
        assert_eq!(
            check(
                &s,
                &signed(NOW, signature("s3cret", None, BODY)),
                BODY,
                now()
            ),
            Err(Unsigned::Wrong),
            "the body alone is not enough"
        );
        assert_eq!(
            check(&s, &signed(NOW + 1, good), BODY, now()),
            Err(Unsigned::Wrong),
            "the timestamp is signed"
        );
        for (at, outcome) in [
            (NOW - 300, Ok(())),
            (NOW + 300, Ok(())),
            (NOW - 301, Err(Unsigned::Stale)),
            (NOW + 301, Err(Unsigned::Stale)),
        ] {
            let sig = signature("s3cret", Some(at), BODY);
            assert_eq!(check(&s, &signed(at, sig), BODY, now()), outcome, "{at}");
        }
        let only_signature = headers(&[(SIGNATURE_HEADER, signature("s3cret", None, BODY))]);
        assert_eq!(
            check(&s, &only_signature, BODY, now()),
            Err(Unsigned::NoTimestamp)
        );
        let not_seconds = headers(&[
            (
                SIGNATURE_HEADER,
                signature("s3cret", Some(NOW * 1000), BODY),
            ),
            ("x-grafana-alerting-signature-timestamp", "soon".into()),
        ]);
        assert_eq!(
            check(&s, &not_seconds, BODY, now()),
            Err(Unsigned::BadTimestamp)
        );
    }
}

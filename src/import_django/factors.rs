//! django-multifactor's second factors, turned into ours: a TOTP secret becomes the user's
//! authenticator app, a FIDO2 credential a security key. A row that cannot be used is left out
//! with the reason, for the report; nothing here fails the import.

use super::original::UserKey;
use crate::accounts::totp;
use base64::Engine;
use webauthn_rs::prelude::SecurityKey;
use webauthn_rs_core::proto::{
    AttestationFormat, AttestationMetadata, COSEKey, Credential, ParsedAttestation,
    ParsedAttestationData, RegisteredExtensions, UserVerificationPolicy,
};

/// Shorter TOTP secrets are guessable (RFC 4226 asks for 128 bits and recommends 160;
/// django-multifactor makes 160, older pyotp versions 80).
const MIN_TOTP_SECRET_BYTES: usize = 10;
/// WebAuthn's limit of a credential id.
const MAX_CREDENTIAL_ID: usize = 1023;
/// Our limit of a key's name (as when adding one on "Your account").
const MAX_NAME: usize = 60;

#[derive(Debug, PartialEq, Eq)]
pub enum Factor {
    /// The secret in base32, as the users table keeps it.
    Totp(String),
    /// webauthn-rs's `SecurityKey` as JSON, as the security_keys table keeps it.
    SecurityKey { name: String, credential: String },
}

#[derive(Debug, PartialEq, Eq)]
pub enum LeftOut {
    /// Turned off in the original (`enabled` false).
    Disabled,
    /// A security key works only for the domain it was added on.
    OtherSite { domain: String },
    /// The site has no domain name (an IP address): security keys cannot work here at all.
    NoDomain,
    /// Why it cannot be read.
    Unreadable(String),
}

impl UserKey {
    /// What the user calls it in the report: "authenticator app", "security key \"Blue\"".
    pub fn described(&self) -> String {
        let kind = match self.key_type.as_str() {
            "TOTP" => "authenticator app",
            "FIDO2" => "security key",
            _ => "second factor",
        };
        match &self.name {
            Some(name) => format!("{kind} {:?}", name.trim()),
            None => kind.to_owned(),
        }
    }
}

/// Our factor for `key`, or why there is none. `site_domain` is the domain name of
/// `MONOSTAT_SITE_URL` (the relying party security keys are bound to), if it has one.
pub fn convert(key: &UserKey, site_domain: Option<&str>) -> Result<Factor, LeftOut> {
    if !key.enabled {
        return Err(LeftOut::Disabled);
    }
    let properties: serde_json::Value = key
        .properties
        .as_deref()
        .ok_or_else(|| unreadable("it has no properties"))
        .and_then(|text| {
            serde_json::from_str(text).map_err(|_| unreadable("its properties are not JSON"))
        })?;
    let text = |name: &str| {
        properties
            .get(name)
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| unreadable(&format!("its properties have no {name}")))
    };
    match key.key_type.as_str() {
        "TOTP" => {
            let secret = totp::from_base32(text("secret_key")?)
                .ok_or_else(|| unreadable("its secret is not base32"))?;
            if secret.len() < MIN_TOTP_SECRET_BYTES {
                return Err(unreadable("its secret is shorter than 80 bits"));
            }
            Ok(Factor::Totp(totp::base32(&secret)))
        }
        "FIDO2" => {
            let domain = text("domain")?;
            let Some(site) = site_domain else {
                return Err(LeftOut::NoDomain);
            };
            if !domain.eq_ignore_ascii_case(site) {
                return Err(LeftOut::OtherSite {
                    domain: domain.to_owned(),
                });
            }
            let device = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(text("device")?.trim_end_matches('='))
                .map_err(|_| unreadable("its device is not websafe base64"))?;
            let name = key
                .name
                .as_deref()
                .map(|n| n.trim().chars().take(MAX_NAME).collect::<String>())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "Security key".to_owned());
            Ok(Factor::SecurityKey {
                name,
                credential: security_key(&device).map_err(|why| unreadable(&why))?,
            })
        }
        other => Err(unreadable(&format!(
            "its type {other:?} is neither TOTP nor FIDO2"
        ))),
    }
}

fn unreadable(why: &str) -> LeftOut {
    LeftOut::Unreadable(why.to_owned())
}

/// The authenticator's attested credential data (WebAuthn §6.5.2: AAGUID, the credential id's
/// length as 16 bits big-endian, the id, the COSE public key in CBOR), as python-fido2 keeps
/// it, turned into webauthn-rs's security key as JSON. The signature counter starts at 0 (the
/// original did not keep it): any count the key sends is accepted the first time. Nothing is
/// known of the key's backup state; security keys are hardware, not backed up.
fn security_key(device: &[u8]) -> Result<String, String> {
    let too_short = || "its device data is cut short".to_owned();
    let rest = device.get(16..).ok_or_else(too_short)?;
    let (length, rest) = rest.split_first_chunk::<2>().ok_or_else(too_short)?;
    let length = usize::from(u16::from_be_bytes(*length));
    if length == 0 || length > MAX_CREDENTIAL_ID {
        return Err(format!("its credential id is {length} bytes long"));
    }
    let id = rest.get(..length).ok_or_else(too_short)?;
    let public_key = &rest[length..];
    let cbor: serde_cbor_2::Value = serde_cbor_2::from_slice(public_key)
        .map_err(|_| "its public key is not valid CBOR".to_owned())?;
    let public_key =
        COSEKey::try_from(&cbor).map_err(|e| format!("its public key cannot be used ({e:?})"))?;
    let credential = Credential {
        cred_id: id.to_vec().into(),
        cred: public_key,
        counter: 0,
        transports: None,
        user_verified: false,
        backup_eligible: false,
        backup_state: false,
        // As for keys added here: a touch is the second factor, no PIN (see security_keys.rs).
        registration_policy: UserVerificationPolicy::Discouraged_DO_NOT_USE,
        extensions: RegisteredExtensions::none(),
        attestation: ParsedAttestation {
            data: ParsedAttestationData::None,
            metadata: AttestationMetadata::None,
        },
        attestation_format: AttestationFormat::None,
    };
    serde_json::to_string(&SecurityKey::from(credential))
        .map_err(|e| format!("it cannot be stored ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    /// A P-256 public key as authenticators send it: kty EC2, alg ES256, crv P-256, x, y.
    /// The point is the generator of P-256, a valid public key.
    fn cose_p256() -> Vec<u8> {
        let x = hex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296");
        let y = hex("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
        let mut cbor = vec![0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20];
        cbor.extend(&x);
        cbor.extend([0x22, 0x58, 0x20]);
        cbor.extend(&y);
        cbor
    }

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
            .collect()
    }

    fn device(id: &[u8], public_key: &[u8]) -> Vec<u8> {
        let mut data = vec![0u8; 16];
        data.extend((id.len() as u16).to_be_bytes());
        data.extend(id);
        data.extend(public_key);
        data
    }

    fn websafe(data: &[u8]) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
    }

    fn key(key_type: &str, properties: Option<&str>) -> UserKey {
        UserKey {
            id: 7,
            user_id: 1,
            key_type: key_type.to_owned(),
            enabled: true,
            properties: properties.map(str::to_owned),
            name: None,
            added_on: Timestamp::UNIX_EPOCH,
            last_used: None,
        }
    }

    fn fido2(device: &str, domain: &str) -> UserKey {
        key(
            "FIDO2",
            Some(
                &serde_json::json!({"device": device, "type": "public-key", "domain": domain})
                    .to_string(),
            ),
        )
    }

    #[test]
    fn a_totp_secret_becomes_the_authenticator_app() {
        let row = key(
            "TOTP",
            Some(r#"{"secret_key": "jbswy3dpehpk3pxpjbswy3dpehpk3pxp"}"#),
        );
        assert_eq!(
            convert(&row, None),
            Ok(Factor::Totp("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP".into()))
        );
        let short = key("TOTP", Some(r#"{"secret_key": "JBSWY3DP"}"#));
        assert_eq!(
            convert(&short, None),
            Err(unreadable("its secret is shorter than 80 bits"))
        );
        let bad = key("TOTP", Some(r#"{"secret_key": "not base32!"}"#));
        assert_eq!(
            convert(&bad, None),
            Err(unreadable("its secret is not base32"))
        );
        let none = key("TOTP", Some(r#"{"secret": "JBSWY3DPEHPK3PXP"}"#));
        assert_eq!(
            convert(&none, None),
            Err(unreadable("its properties have no secret_key"))
        );
    }

    #[test]
    fn a_fido2_credential_of_this_site_becomes_a_security_key() {
        let id = [9u8; 32];
        let row = UserKey {
            name: Some("  Blue key ".into()),
            ..fido2(&websafe(&device(&id, &cose_p256())), "status.example.com")
        };
        let Ok(Factor::SecurityKey { name, credential }) =
            convert(&row, Some("Status.Example.com"))
        else {
            panic!("imported: {:?}", convert(&row, Some("status.example.com")));
        };
        assert_eq!(name, "Blue key");
        let key: SecurityKey = serde_json::from_str(&credential).expect("webauthn-rs reads it");
        assert_eq!(key.cred_id().as_ref(), &id[..]);
        // python-fido2's websafe_encode drops the padding; padded text is read alike.
        let padded = fido2(
            &format!("{}==", websafe(&device(&id, &cose_p256()))),
            "status.example.com",
        );
        assert!(matches!(
            convert(&padded, Some("status.example.com")),
            Ok(Factor::SecurityKey { .. })
        ));
    }

    #[test]
    fn a_fido2_credential_of_another_site_or_an_ip_is_left_out() {
        let row = fido2(&websafe(&device(&[1; 16], &cose_p256())), "old.example.com");
        assert_eq!(
            convert(&row, Some("status.example.com")),
            Err(LeftOut::OtherSite {
                domain: "old.example.com".into()
            })
        );
        assert_eq!(convert(&row, None), Err(LeftOut::NoDomain));
    }

    #[test]
    fn unusable_rows_say_why_and_never_panic() {
        let site = Some("status.example.com");
        let good = device(&[1; 16], &cose_p256());
        let mut trailing = good.clone();
        trailing.push(0);
        let mut not_a_point = good.clone();
        let last = not_a_point.len() - 1;
        not_a_point[last] ^= 1;
        for (data, why) in [
            (&good[..10], "its device data is cut short"),
            (&good[..17], "its device data is cut short"),
            (&good[..30], "its device data is cut short"),
            (&good[..40], "its public key is not valid CBOR"),
            (&trailing[..], "its public key is not valid CBOR"),
            (
                &device(&[], &cose_p256())[..],
                "its credential id is 0 bytes long",
            ),
        ] {
            let row = fido2(&websafe(data), "status.example.com");
            assert_eq!(convert(&row, site), Err(unreadable(why)), "{why}");
        }
        let row = fido2(&websafe(&not_a_point), "status.example.com");
        assert!(
            matches!(convert(&row, site), Err(LeftOut::Unreadable(why)) if why.starts_with("its public key cannot be used")),
            "{:?}",
            convert(&row, site)
        );
        let row = fido2("not base64 at all!", "status.example.com");
        assert_eq!(
            convert(&row, site),
            Err(unreadable("its device is not websafe base64"))
        );
        assert_eq!(
            convert(&key("FIDO2", Some("{not json")), site),
            Err(unreadable("its properties are not JSON"))
        );
        assert_eq!(
            convert(&key("FIDO2", None), site),
            Err(unreadable("it has no properties"))
        );
        assert_eq!(
            convert(&key("U2F", Some("{}")), site),
            Err(unreadable("its type \"U2F\" is neither TOTP nor FIDO2"))
        );
        let off = UserKey {
            enabled: false,
            ..key("TOTP", Some("{not json"))
        };
        assert_eq!(convert(&off, site), Err(LeftOut::Disabled));
    }
}

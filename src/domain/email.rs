//! Whether a subscriber's email address is one we may send to: a bare address, nothing that
//! could smuggle a header, a display name or a second recipient into a mail.

/// RFC 5321's limits: 64 characters before the `@`, 254 in all.
const MAX_LOCAL: usize = 64;
const MAX_TOTAL: usize = 254;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidAddress {
    #[error("Please enter an email address.")]
    Empty,
    #[error("This email address is too long.")]
    TooLong,
    #[error(
        "Please enter only the address itself, like name@example.com, without a name or line breaks."
    )]
    NotBare,
    #[error("This does not look like an email address; please check it.")]
    Malformed,
}

/// The address as it will be stored and used: trimmed, domain lower-cased.
pub fn parse_address(input: &str) -> Result<String, InvalidAddress> {
    let address = input.trim();
    if address.is_empty() {
        return Err(InvalidAddress::Empty);
    }
    if address.len() > MAX_TOTAL {
        return Err(InvalidAddress::TooLong);
    }
    if address
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || "<>\"(),;:[]\\".contains(c))
    {
        return Err(InvalidAddress::NotBare);
    }
    let Some((local, domain)) = address.rsplit_once('@') else {
        return Err(InvalidAddress::Malformed);
    };
    if local.len() > MAX_LOCAL {
        return Err(InvalidAddress::TooLong);
    }
    let local_ok = !local.is_empty()
        && !local.contains('@')
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    if !local_ok || !domain_ok {
        return Err(InvalidAddress::Malformed);
    }
    Ok(format!("{local}@{}", domain.to_lowercase()))
}

/// The inbox an address reaches, as far as we can tell: lower-cased, without a `+tag`
/// (`jane+1@…` and `jane+2@…` reach `jane@…` at most providers), and for Gmail without dots and
/// with `googlemail.com` as `gmail.com`. Only for limiting how much we mail one person: merging
/// two real inboxes by mistake costs a mail, not a subscription.
pub fn recipient_key(address: &str) -> String {
    let address = address.trim().to_lowercase();
    let Some((local, domain)) = address.rsplit_once('@') else {
        return address;
    };
    let local = match local.split_once('+') {
        Some((base, _)) if !base.is_empty() => base,
        _ => local,
    };
    let domain = if domain == "googlemail.com" {
        "gmail.com"
    } else {
        domain
    };
    let local = if domain == "gmail.com" {
        local.replace('.', "")
    } else {
        local.to_owned()
    };
    format!("{local}@{domain}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_addresses_are_accepted_and_normalised() {
        assert_eq!(
            parse_address(" Jane.Doe+status@Example.COM ").as_deref(),
            Ok("Jane.Doe+status@example.com")
        );
        assert_eq!(
            parse_address("ops@mail.example.co.uk").as_deref(),
            Ok("ops@mail.example.co.uk")
        );
    }

    #[test]
    fn header_injection_and_display_names_are_refused() {
        for attack in [
            "victim@example.com\r\nBcc: everyone@example.com",
            "victim@example.com\nSubject: hi",
            "Jane <jane@example.com>",
            "\"Jane\" jane@example.com",
            "a@example.com, b@example.com",
            "a@example.com;b@example.com",
        ] {
            assert_eq!(
                parse_address(attack),
                Err(InvalidAddress::NotBare),
                "{attack:?}"
            );
        }
    }

    #[test]
    fn malformed_and_overlong_addresses_are_refused() {
        for bad in [
            "jane",
            "jane@",
            "@example.com",
            "jane@localhost",
            "jane@@example.com",
            "jane@exa_mple.com",
            ".jane@example.com",
            "jane@-example.com",
        ] {
            assert_eq!(
                parse_address(bad),
                Err(InvalidAddress::Malformed),
                "{bad:?}"
            );
        }
        assert_eq!(parse_address(""), Err(InvalidAddress::Empty));
        assert_eq!(
            parse_address(&format!("{}@example.com", "a".repeat(65))),
            Err(InvalidAddress::TooLong)
        );
        assert_eq!(
            parse_address(&format!("a@{}.com", "b".repeat(260))),
            Err(InvalidAddress::TooLong)
        );
    }

    #[test]
    fn tagged_and_dotted_variants_share_one_recipient_key() {
        let jane = recipient_key("jane@example.com");
        for variant in [
            "Jane@Example.com",
            "jane+1@example.com",
            "JANE+a+b@example.com",
        ] {
            assert_eq!(recipient_key(variant), jane, "{variant}");
        }
        let gmail = recipient_key("janedoe@gmail.com");
        for variant in [
            "jane.doe@gmail.com",
            "j.a.n.e.d.o.e+x@gmail.com",
            "Jane.Doe@googlemail.com",
        ] {
            assert_eq!(recipient_key(variant), gmail, "{variant}");
        }
        // Dots matter elsewhere, and other inboxes stay apart.
        assert_ne!(
            recipient_key("jane.doe@example.com"),
            recipient_key("janedoe@example.com")
        );
        assert_ne!(
            recipient_key("jane@example.com"),
            recipient_key("jane@example.org")
        );
        assert_eq!(recipient_key("+tag@example.com"), "+tag@example.com");
    }
}

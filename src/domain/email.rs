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
}

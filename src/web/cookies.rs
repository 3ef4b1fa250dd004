//! Reading the request's `Cookie` headers, for every cookie monostat sets (the admin session,
//! the known-device cookie, the CSRF cookie of the subscribe form).

use axum::http::{HeaderMap, header};

/// The values of the cookies called `name`, in the order the browser sent them: every
/// `Cookie` header, each split at `;`, names compared exactly. A browser may send one name
/// twice (set for two paths); callers take the first that is well-formed for them.
pub fn values<'a>(headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(move |(n, _)| *n == name)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn finds_every_value_of_a_name_across_headers() {
        let mut headers = HeaderMap::new();
        for line in [
            "a=1; monostat_x=first;b=2",
            "monostat_x=se=cond",
            "monostat_xy=no; x=no",
        ] {
            headers.append(header::COOKIE, HeaderValue::from_static(line));
        }
        let found: Vec<_> = values(&headers, "monostat_x").collect();
        assert_eq!(found, ["first", "se=cond"]);
        assert_eq!(values(&HeaderMap::new(), "a").count(), 0);
    }
}

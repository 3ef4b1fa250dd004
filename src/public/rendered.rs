//! A rendered response body kept in memory, compressed once when it is made rather than on
//! every request, with a strong ETag per encoding so that repeat visitors get `304`.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use sha2::{Digest, Sha256};
use std::io::Write;

/// Bodies smaller than this are not worth compressing.
const COMPRESS_ABOVE: usize = 512;

#[derive(Clone, Debug)]
pub struct Rendered {
    content_type: HeaderValue,
    /// The hash of the identity body, quoted: the identity variant's ETag.
    etag: HeaderValue,
    gzip_etag: HeaderValue,
    br_etag: HeaderValue,
    identity: Bytes,
    gzip: Option<Bytes>,
    br: Option<Bytes>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Rendered {
    pub fn new(content_type: &'static str, body: impl Into<Bytes>) -> Self {
        let identity: Bytes = body.into();
        let digest = Sha256::digest(&identity);
        let hash: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        let etag = |suffix: &str| {
            HeaderValue::from_str(&format!("\"{hash}{suffix}\""))
                .unwrap_or(HeaderValue::from_static("\"0\""))
        };
        let (gzip, br) = if identity.len() > COMPRESS_ABOVE {
            (gzip(&identity), brotli(&identity))
        } else {
            (None, None)
        };
        Self {
            content_type: HeaderValue::from_static(content_type),
            etag: etag(""),
            gzip_etag: etag("-gz"),
            br_etag: etag("-br"),
            identity,
            gzip,
            br,
        }
    }

    pub fn body(&self) -> &Bytes {
        &self.identity
    }

    /// The response for a request with these headers: `304` when the client already holds this
    /// version, else the best encoding it accepts.
    pub fn respond(&self, request: &HeaderMap, cache_control: &'static str) -> Response {
        let encoding = self.pick_encoding(request);
        let (body, etag) = match encoding {
            Encoding::Brotli => (self.br.as_ref(), &self.br_etag),
            Encoding::Gzip => (self.gzip.as_ref(), &self.gzip_etag),
            Encoding::Identity => (Some(&self.identity), &self.etag),
        };
        let body = body.unwrap_or(&self.identity);
        let mut headers = HeaderMap::with_capacity(6);
        headers.insert(header::ETAG, etag.clone());
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        );
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        if self.matches(request) {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        headers.insert(header::CONTENT_TYPE, self.content_type.clone());
        match encoding {
            Encoding::Brotli => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            }
            Encoding::Gzip => {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            Encoding::Identity => {}
        }
        (headers, Body::from(body.clone())).into_response()
    }

    /// `If-None-Match` compares weakly (RFC 9110 §13.1.2): any encoding of this body matches.
    fn matches(&self, request: &HeaderMap) -> bool {
        let Some(value) = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
        else {
            return false;
        };
        value.split(',').map(str::trim).any(|tag| {
            let tag = tag.strip_prefix("W/").unwrap_or(tag);
            tag == "*"
                || [&self.etag, &self.gzip_etag, &self.br_etag]
                    .iter()
                    .any(|ours| ours.as_bytes() == tag.as_bytes())
        })
    }

    fn pick_encoding(&self, request: &HeaderMap) -> Encoding {
        if self.gzip.is_none() {
            return Encoding::Identity;
        }
        let accepted = request
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|item| {
                let mut parts = item.split(';').map(str::trim);
                let name = parts.next()?.to_ascii_lowercase();
                let refused = parts.any(|p| {
                    p.strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                (!refused).then_some(name)
            })
            .collect::<Vec<_>>();
        let accepts = |name: &str| accepted.iter().any(|a| a == name || a == "*");
        if self.br.is_some() && accepts("br") {
            Encoding::Brotli
        } else if accepts("gzip") {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }
}

fn gzip(data: &[u8]) -> Option<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    encoder.write_all(data).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

fn brotli(data: &[u8]) -> Option<Bytes> {
    let mut out = Vec::new();
    // Quality 6: the whole snapshot of a realistic year renders in about 20-30 ms; quality 11
    // took 170 ms (on every change and every minute) to save a few percent of bytes.
    let params = brotli::enc::BrotliEncoderParams {
        quality: 6,
        lgwin: 20,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &data[..], &mut out, &params).ok()?;
    Some(Bytes::from(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn page() -> Rendered {
        Rendered::new("text/html; charset=utf-8", "<p>hello</p>".repeat(200))
    }

    #[test]
    fn picks_brotli_then_gzip_then_identity() {
        let page = page();
        let enc = |h| page.pick_encoding(&headers(h));
        assert_eq!(
            enc(&[("accept-encoding", "gzip, deflate, br")]),
            Encoding::Brotli
        );
        assert_eq!(enc(&[("accept-encoding", "gzip, br;q=0")]), Encoding::Gzip);
        assert_eq!(enc(&[("accept-encoding", "deflate")]), Encoding::Identity);
        assert_eq!(enc(&[]), Encoding::Identity);
    }

    #[test]
    fn compressed_variants_decode_to_the_same_bytes() {
        let page = page();
        let mut out = String::new();
        flate2::read::GzDecoder::new(&page.gzip.as_ref().expect("gzip")[..])
            .read_to_string(&mut out)
            .expect("gunzip");
        assert_eq!(out.as_bytes(), &page.identity[..]);
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &page.br.as_ref().expect("br")[..], &mut out)
            .expect("unbrotli");
        assert_eq!(out, page.identity.to_vec());
    }

    #[test]
    fn if_none_match_with_any_variant_or_star_gives_304() {
        let page = page();
        let etag = page.etag.to_str().expect("ascii").to_owned();
        let leaked: &'static str = Box::leak(format!("\"other\", W/{etag}").into_boxed_str());
        let response = page.respond(&headers(&[("if-none-match", leaked)]), "no-cache");
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
        let response = page.respond(&headers(&[("if-none-match", "\"stale\"")]), "no-cache");
        assert_eq!(response.status(), StatusCode::OK);
        let response = page.respond(&headers(&[("if-none-match", "*")]), "no-cache");
        assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    }
}

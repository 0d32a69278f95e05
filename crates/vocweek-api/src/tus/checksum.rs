//! `Upload-Checksum: <algorithm> <base64 digest>` (the checksum extension): the digest of the
//! PATCH's body, computed while it streams. sha1 because the protocol requires it; sha256 for
//! clients that want a stronger one.

use base64::Engine;
use sha1::Digest;

use crate::ApiError;

pub const ALGORITHMS: &str = "sha1,sha256";

/// A digest being computed over a request body, with the value it must reach.
pub enum ChunkDigest {
    Sha1(sha1::Sha1, Vec<u8>),
    Sha256(sha2::Sha256, Vec<u8>),
}

impl ChunkDigest {
    pub fn parse(header: &str) -> Result<Self, ApiError> {
        let (algorithm, encoded) = header.trim().split_once(' ').ok_or_else(|| {
            ApiError::bad_request(
                "invalid-checksum",
                "Upload-Checksum is '<algorithm> <base64 digest>'",
            )
        })?;
        let expected = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| ApiError::bad_request("invalid-checksum", "the checksum is not base64"))?;
        match algorithm {
            "sha1" => Ok(ChunkDigest::Sha1(sha1::Sha1::new(), expected)),
            "sha256" => Ok(ChunkDigest::Sha256(sha2::Sha256::new(), expected)),
            other => Err(ApiError::bad_request(
                "unsupported-checksum-algorithm",
                format!(
                    "the checksum algorithm '{other}' is not supported; use one of {ALGORITHMS}"
                ),
            )
            .with_details(serde_json::json!({ "supported": ["sha1", "sha256"] }))),
        }
    }

    pub fn update(&mut self, chunk: &[u8]) {
        match self {
            ChunkDigest::Sha1(hasher, _) => hasher.update(chunk),
            ChunkDigest::Sha256(hasher, _) => hasher.update(chunk),
        }
    }

    pub fn matches(self) -> bool {
        match self {
            ChunkDigest::Sha1(hasher, expected) => hasher.finalize().as_slice() == expected,
            ChunkDigest::Sha256(hasher, expected) => hasher.finalize().as_slice() == expected,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_and_sha256_of_the_body_match_their_header() {
        // Digests of "hello" from `printf hello | openssl dgst -sha1 -binary | base64`.
        let mut sha1 = ChunkDigest::parse("sha1 qvTGHdzF6KLavt4PO0gs2a6pQ00=").unwrap();
        sha1.update(b"hel");
        sha1.update(b"lo");
        assert!(sha1.matches());
        let mut sha256 =
            ChunkDigest::parse("sha256 LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=").unwrap();
        sha256.update(b"hello");
        assert!(sha256.matches());
        let mut wrong = ChunkDigest::parse("sha1 qvTGHdzF6KLavt4PO0gs2a6pQ00=").unwrap();
        wrong.update(b"hellO");
        assert!(!wrong.matches());
    }

    #[test]
    fn an_unknown_algorithm_is_a_bad_request() {
        let Err(err) = ChunkDigest::parse("md5 XUFAKrxLKna5cZ2REBfFkg==") else {
            panic!("md5 is not offered")
        };
        assert_eq!(err.code, "unsupported-checksum-algorithm");
    }
}

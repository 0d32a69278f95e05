//! Signed media URLs: `?expires=<unix seconds>&signature=<base64url HMAC-SHA256>` over the
//! asset id and the expiry, with a key every node shares (an installation secret). One
//! signature covers all of an asset's files, so an HLS player given a signed playlist can
//! fetch its segments (the playlist's links carry the same query).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

#[derive(Clone)]
pub struct MediaSigner {
    /// Keyed once; cloned per signature.
    keyed: Hmac<Sha256>,
}

/// Why a signed URL is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum SignatureError {
    Invalid,
    Expired,
}

impl MediaSigner {
    /// `None` only if HMAC refused the key, which it does for no length.
    pub fn new(key: &[u8]) -> Option<Self> {
        Some(MediaSigner {
            keyed: Hmac::<Sha256>::new_from_slice(key).ok()?,
        })
    }

    fn mac(&self, asset_id: &str, expires: i64) -> Hmac<Sha256> {
        let mut mac = self.keyed.clone();
        mac.update(format!("vocweek-media\n{asset_id}\n{expires}").as_bytes());
        mac
    }

    /// The query string that grants the asset's files until `expires`.
    pub fn query(&self, asset_id: &str, expires: i64) -> String {
        let signature = URL_SAFE_NO_PAD.encode(self.mac(asset_id, expires).finalize().into_bytes());
        format!("expires={expires}&signature={signature}")
    }

    /// Checks a presented signature (in constant time) and its expiry.
    pub fn verify(
        &self,
        asset_id: &str,
        expires: i64,
        signature: &str,
        now: i64,
    ) -> Result<(), SignatureError> {
        let presented = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| SignatureError::Invalid)?;
        self.mac(asset_id, expires)
            .verify_slice(&presented)
            .map_err(|_| SignatureError::Invalid)?;
        if expires < now {
            return Err(SignatureError::Expired);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_binds_the_asset_and_the_expiry() {
        let signer = MediaSigner::new(b"0123456789abcdef0123456789abcdef").unwrap();
        let query = signer.query("asset-1", 2_000);
        let signature = query.split("signature=").nth(1).unwrap_or_default();
        assert_eq!(signer.verify("asset-1", 2_000, signature, 1_000), Ok(()));
        assert_eq!(
            signer.verify("asset-1", 2_000, signature, 3_000),
            Err(SignatureError::Expired)
        );
        assert_eq!(
            signer.verify("asset-2", 2_000, signature, 1_000),
            Err(SignatureError::Invalid)
        );
        assert_eq!(
            signer.verify("asset-1", 2_001, signature, 1_000),
            Err(SignatureError::Invalid)
        );
        assert_eq!(
            signer.verify("asset-1", 2_000, "not base64!", 1_000),
            Err(SignatureError::Invalid)
        );
    }
}

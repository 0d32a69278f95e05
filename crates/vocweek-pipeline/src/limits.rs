use serde::{Deserialize, Deserializer};
use vocweek_domain::{AssetKind, ByteSize};

const MB: u64 = 1_000_000;

/// Largest accepted upload per kind, in bytes. Checked while the bytes arrive: an upload stops
/// being read the moment it passes its limit. Also the `[limits]` section of `vocweek.toml`,
/// whose sizes are written like `50MB` or `2GiB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UploadLimits {
    #[serde(deserialize_with = "byte_size")]
    pub photo: u64,
    #[serde(deserialize_with = "byte_size")]
    pub video: u64,
    #[serde(deserialize_with = "byte_size")]
    pub article: u64,
}

impl Default for UploadLimits {
    fn default() -> Self {
        UploadLimits {
            photo: 50 * MB,
            video: 20_000 * MB,
            article: 50 * MB,
        }
    }
}

impl UploadLimits {
    pub fn for_kind(&self, kind: AssetKind) -> u64 {
        match kind {
            AssetKind::Photo => self.photo,
            AssetKind::Video => self.video,
            // A case is never uploaded (vocweek writes its document); no upload sniffs as one.
            AssetKind::Article | AssetKind::Case => self.article,
        }
    }

    /// The limit before the type is known: the largest of all.
    pub fn largest(&self) -> u64 {
        self.photo.max(self.video).max(self.article)
    }
}

/// A size as settings write it (`50MB`, `2GiB`, or a number of bytes), in bytes.
fn byte_size<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    ByteSize::deserialize(deserializer).map(ByteSize::as_u64)
}

/// Reads `50MB`, `20 GB`, `512KiB`, `1048576` (bytes). Decimal units are powers of 1000,
/// binary ones (`KiB`, `MiB`, `GiB`) of 1024 (the reading is [`ByteSize`]'s).
pub fn parse_byte_size(text: &str) -> Result<u64, String> {
    text.parse::<ByteSize>()
        .map(ByteSize::as_u64)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_in_both_unit_systems() {
        assert_eq!(parse_byte_size("50MB"), Ok(50_000_000));
        assert_eq!(parse_byte_size("20 GB"), Ok(20_000_000_000));
        assert_eq!(parse_byte_size("1MiB"), Ok(1_048_576));
        assert_eq!(parse_byte_size("1.5kb"), Ok(1_500));
        assert_eq!(parse_byte_size("123"), Ok(123));
        assert!(parse_byte_size("lots").is_err());
        assert!(parse_byte_size("5 parsecs").is_err());
        assert!(parse_byte_size("0").is_err());
    }
}

use crate::StorageError;

/// The content address of an original: `originals/ab/cd/<hash>`, fanned out so no directory
/// holds millions of entries.
pub fn original_key(blake3_hex: &str) -> Result<String, StorageError> {
    let valid = blake3_hex.len() == 64
        && blake3_hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !valid {
        return Err(StorageError::InvalidKey(blake3_hex.to_owned()));
    }
    Ok(format!(
        "originals/{}/{}/{}",
        &blake3_hex[..2],
        &blake3_hex[2..4],
        blake3_hex
    ))
}

/// A segment of a rendition key: letters, digits, `-`, `_` and `.`, not starting with a dot.
fn safe_segment(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !s.starts_with('.')
}

/// Where a rendition lives: `renditions/<asset id>/<name>`.
pub fn rendition_key(asset_id: &str, name: &str) -> Result<String, StorageError> {
    if !safe_segment(asset_id) || !name.split('/').all(safe_segment) {
        return Err(StorageError::InvalidKey(format!("{asset_id}/{name}")));
    }
    Ok(format!("renditions/{asset_id}/{name}"))
}

/// Where everything derived from an asset lives, `renditions/<asset id>`: the prefix that
/// [`crate::BlobStore::delete_prefix`] removes when the asset goes (every [`rendition_key`] of
/// the asset, HLS segments included, is under it).
pub fn asset_prefix(asset_id: &str) -> Result<String, StorageError> {
    if !safe_segment(asset_id) {
        return Err(StorageError::InvalidKey(asset_id.to_owned()));
    }
    Ok(format!("renditions/{asset_id}"))
}

/// Checks a key before it becomes a path: relative, no `..`, no empty segment.
pub(crate) fn checked(key: &str) -> Result<&str, StorageError> {
    let ok = !key.is_empty()
        && !key.starts_with('/')
        && key
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..");
    if ok {
        Ok(key)
    } else {
        Err(StorageError::InvalidKey(key.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn originals_fan_out_by_hash_prefix() {
        let hash = "ab".repeat(32);
        assert_eq!(
            original_key(&hash).unwrap(),
            format!("originals/ab/ab/{hash}")
        );
        assert!(original_key("../../etc/passwd").is_err());
        assert!(original_key(&"G".repeat(64)).is_err());
    }

    #[test]
    fn keys_cannot_escape_the_store() {
        assert!(checked("originals/ab/cd/x").is_ok());
        assert!(checked("../x").is_err());
        assert!(checked("/etc/passwd").is_err());
        assert!(checked("a//b").is_err());
        assert!(rendition_key("id", "../x").is_err());
        assert!(rendition_key("id", "hls/720p.m3u8").is_ok());
        assert_eq!(asset_prefix("id").unwrap(), "renditions/id");
        assert!(
            rendition_key("id", "hls/720p.m3u8")
                .unwrap()
                .starts_with(&format!("{}/", asset_prefix("id").unwrap()))
        );
        assert!(asset_prefix("..").is_err());
        assert!(asset_prefix("a/b").is_err());
    }
}

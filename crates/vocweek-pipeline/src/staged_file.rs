//! A complete file already on disk — a finished resumable upload — made into the same
//! `StagedUpload` the streaming upload produces, so both go through one `Ingestor::commit`.

use vocweek_domain::AssetKind;
use vocweek_media::{SNIFF_LEN, Sniffed};
use vocweek_storage::StagingFile;

use crate::upload::identify;
use crate::{IngestError, StagedUpload, UploadLimits};

/// How many first bytes of an upload tell its type.
pub const UPLOAD_HEAD_LEN: usize = SNIFF_LEN;

/// The size limit for an upload whose first bytes are `head`: its type's, or the largest one
/// when the bytes do not tell (the refusal itself comes from `check_upload_head`).
pub fn limit_from_head(head: &[u8], filename: &str, limits: UploadLimits) -> u64 {
    vocweek_media::sniff(head, filename)
        .map(|sniffed| limits.for_kind(sniffed.kind))
        .unwrap_or_else(|_| limits.largest())
}

/// Checks what the first bytes of an upload in progress say: its type (refused early when
/// unsupported or contradicting the declared kind) and, against that type's limit, the size the
/// upload will have (or already has).
pub fn check_upload_head(
    head: &[u8],
    filename: &str,
    declared: Option<AssetKind>,
    size: u64,
    limits: UploadLimits,
) -> Result<Sniffed, IngestError> {
    let sniffed = identify(head, filename, declared)?;
    let limit = limits.for_kind(sniffed.kind);
    if size > limit {
        return Err(IngestError::TooLarge {
            kind: sniffed.kind.as_str(),
            limit,
        });
    }
    Ok(sniffed)
}

/// Sniffs, checks and hashes a complete file (unless `known_blake3` was computed as its bytes
/// arrived). The hash reads the file once more, on every core: that re-read is what lets an upload resume on any node or after a restart
/// without carrying hasher state (BENCHMARKS.md has its cost). Blocking: run it off the runtime.
pub fn stage_complete_file(
    staging: StagingFile,
    filename: &str,
    declared: Option<AssetKind>,
    limits: UploadLimits,
    known_blake3: Option<String>,
) -> Result<StagedUpload, IngestError> {
    let path = staging.path().to_path_buf();
    let size = std::fs::metadata(&path)?.len();
    let mut head = Vec::with_capacity(SNIFF_LEN);
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::fs::File::open(&path)?, SNIFF_LEN as u64),
        &mut head,
    )?;
    let sniffed = check_upload_head(&head, filename, declared, size, limits)?;
    let blake3 = match known_blake3 {
        Some(known) => known,
        None => hash_file(&path)?,
    };
    Ok(StagedUpload {
        staging,
        blake3,
        size,
        sniffed,
        filename: filename.to_owned(),
    })
}

/// BLAKE3 of a file read in 16 MiB blocks, each hashed on every core. Not memory-mapped: a
/// mapped 4 GB file would count as the server's resident memory while it is hashed.
pub fn hash_file(path: &std::path::Path) -> std::io::Result<String> {
    const BLOCK: usize = 16 << 20;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = blake3::Hasher::new();
    let mut block = vec![0u8; BLOCK];
    loop {
        let mut filled = 0;
        while filled < BLOCK {
            match std::io::Read::read(&mut file, &mut block[filled..])? {
                0 => break,
                read => filled += read,
            }
        }
        if filled == 0 {
            break;
        }
        hasher.update_rayon(&block[..filled]);
    }
    Ok(hasher.finalize().to_hex().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_on_disk_is_staged_with_its_type_size_and_hash() {
        let dir = std::env::temp_dir().join(format!("vocweek-staged-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.part");
        let mut body = vec![0xFF, 0xD8, 0xFF, 0xE0];
        body.extend((0..3_000_000u32).map(|i| (i % 251) as u8));
        std::fs::write(&path, &body).unwrap();
        let staged = stage_complete_file(
            StagingFile::adopt(path.clone()),
            "a.jpg",
            None,
            UploadLimits::default(),
            None,
        )
        .unwrap();
        assert_eq!(staged.size, body.len() as u64);
        assert_eq!(staged.blake3, blake3::hash(&body).to_hex().to_string());
        assert_eq!(staged.sniffed.kind, AssetKind::Photo);
        drop(staged);
        assert!(!path.exists(), "an unstored staged file is removed");
    }

    #[test]
    fn a_type_contradicting_the_declared_kind_is_refused() {
        let err = check_upload_head(
            &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0],
            "a.jpg",
            Some(AssetKind::Video),
            10,
            UploadLimits::default(),
        )
        .unwrap_err();
        assert!(matches!(err, IngestError::KindMismatch { .. }), "{err:?}");
    }

    #[test]
    fn a_size_over_the_kind_limit_is_refused_from_the_head() {
        let limits = UploadLimits {
            photo: 100,
            ..UploadLimits::default()
        };
        let err =
            check_upload_head(&[0xFF, 0xD8, 0xFF, 0xE0], "a.jpg", None, 101, limits).unwrap_err();
        assert!(matches!(err, IngestError::TooLarge { .. }), "{err:?}");
    }
}

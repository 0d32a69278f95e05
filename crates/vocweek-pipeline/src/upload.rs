use std::path::Path;

use tokio::io::AsyncWriteExt;
use vocweek_domain::AssetKind;
use vocweek_media::{SNIFF_LEN, Sniffed, sniff};
use vocweek_storage::StagingFile;

use crate::{IngestError, UploadLimits};

/// Staging writes go through a buffer this large, so a 64 KiB network chunk is not a syscall.
const WRITE_BUFFER: usize = 1 << 20;

/// Receives an upload's bytes as they arrive: writes them to a staging file while hashing
/// (BLAKE3) and counting, learns the real type from the first bytes, and stops at the size
/// limit of that type. Nothing is kept in memory beyond the sniff window.
///
/// Dropping it at any point (a refused type, a limit, a dropped connection) removes the file.
pub struct UploadWriter {
    staging: StagingFile,
    file: tokio::io::BufWriter<tokio::fs::File>,
    hasher: blake3::Hasher,
    size: u64,
    head: Vec<u8>,
    sniffed: Option<Sniffed>,
    declared: Option<AssetKind>,
    limits: UploadLimits,
    filename: String,
}

/// A complete upload in staging: its hash, size and real type.
#[derive(Debug)]
pub struct StagedUpload {
    pub staging: StagingFile,
    pub blake3: String,
    pub size: u64,
    pub sniffed: Sniffed,
    pub filename: String,
}

impl UploadWriter {
    /// Starts a staging file in `dir`. `declared` is the form's `kind` when it came before the
    /// file: a contradiction is then refused at the first bytes instead of after the last.
    pub async fn create(
        dir: &Path,
        filename: &str,
        declared: Option<AssetKind>,
        limits: UploadLimits,
    ) -> Result<Self, IngestError> {
        let staging = StagingFile::new_in(dir);
        // Created here, not on the blocking pool: a client that drops the connection makes
        // actix drop this future, and a creation still pending on the pool would then make
        // the file after `staging` was dropped, an orphan nobody removes while this process
        // lives. Creating an empty file is one short system call.
        let file = tokio::fs::File::from_std(std::fs::File::create(staging.path())?);
        Ok(UploadWriter {
            staging,
            file: tokio::io::BufWriter::with_capacity(WRITE_BUFFER, file),
            hasher: blake3::Hasher::new(),
            size: 0,
            head: Vec::new(),
            sniffed: None,
            declared,
            limits,
            filename: filename.to_owned(),
        })
    }

    fn limit(&self) -> (u64, &'static str) {
        match self.sniffed.map(|s| s.kind).or(self.declared) {
            Some(kind) => (self.limits.for_kind(kind), kind.as_str()),
            None => (self.limits.largest(), "file"),
        }
    }

    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), IngestError> {
        self.size += chunk.len() as u64;
        if self.sniffed.is_none() && self.head.len() < SNIFF_LEN {
            let take = chunk.len().min(SNIFF_LEN - self.head.len());
            self.head.extend_from_slice(&chunk[..take]);
            if self.head.len() == SNIFF_LEN {
                self.identify()?;
            }
        }
        let (limit, kind) = self.limit();
        if self.size > limit {
            return Err(IngestError::TooLarge { kind, limit });
        }
        self.hasher.update(chunk);
        self.file.write_all(chunk).await?;
        Ok(())
    }

    fn identify(&mut self) -> Result<Sniffed, IngestError> {
        let sniffed = identify(&self.head, &self.filename, self.declared)?;
        self.sniffed = Some(sniffed);
        self.head = Vec::new();
        Ok(sniffed)
    }

    /// Flushes the file to disk and returns the staged upload.
    pub async fn finish(mut self) -> Result<StagedUpload, IngestError> {
        let sniffed = match self.sniffed {
            Some(sniffed) => sniffed,
            None => self.identify()?,
        };
        self.file.flush().await?;
        self.file.get_ref().sync_all().await?;
        Ok(StagedUpload {
            staging: self.staging,
            blake3: self.hasher.finalize().to_hex().to_string(),
            size: self.size,
            sniffed,
            filename: self.filename,
        })
    }
}

/// The real type of an upload from its first bytes, refused when it contradicts the declared
/// kind.
pub(crate) fn identify(
    head: &[u8],
    filename: &str,
    declared: Option<AssetKind>,
) -> Result<Sniffed, IngestError> {
    let sniffed = sniff(head, filename)?;
    if let Some(declared) = declared
        && declared != sniffed.kind
    {
        return Err(IngestError::KindMismatch {
            declared,
            actual: sniffed.kind,
        });
    }
    Ok(sniffed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("vocweek-upload-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[tokio::test]
    async fn hashes_counts_and_sniffs_while_streaming() {
        let dir = dir();
        let mut body = vec![0xFF, 0xD8, 0xFF, 0xE0];
        body.extend(std::iter::repeat_n(7u8, 200_000));
        let mut writer = UploadWriter::create(&dir, "a.jpg", None, UploadLimits::default())
            .await
            .unwrap();
        for chunk in body.chunks(8192) {
            writer.write(chunk).await.unwrap();
        }
        let staged = writer.finish().await.unwrap();
        assert_eq!(staged.size, body.len() as u64);
        assert_eq!(staged.blake3, blake3::hash(&body).to_hex().to_string());
        assert_eq!(staged.sniffed.kind, AssetKind::Photo);
        assert_eq!(std::fs::read(staged.staging.path()).unwrap(), body);
        drop(staged);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    }

    #[tokio::test]
    async fn stops_at_the_limit_of_the_sniffed_kind_and_leaves_nothing() {
        let dir = dir();
        let limits = UploadLimits {
            photo: 100_000,
            ..UploadLimits::default()
        };
        let mut writer = UploadWriter::create(&dir, "a.jpg", None, limits)
            .await
            .unwrap();
        let mut result = writer.write(&[0xFF, 0xD8, 0xFF, 0xE0]).await;
        while result.is_ok() {
            result = writer.write(&[0u8; 65536]).await;
        }
        assert!(matches!(
            result,
            Err(IngestError::TooLarge {
                kind: "photo",
                limit: 100_000
            })
        ));
        assert!(writer.size <= 100_000 + 65536);
        drop(writer);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    }

    #[tokio::test]
    async fn a_contradicting_declared_kind_is_refused_at_the_first_bytes() {
        let dir = dir();
        let mut writer = UploadWriter::create(
            &dir,
            "a.mp4",
            Some(AssetKind::Video),
            UploadLimits::default(),
        )
        .await
        .unwrap();
        writer.write(&[0xFF, 0xD8, 0xFF, 0xE0]).await.unwrap();
        let result = writer.finish().await;
        assert!(matches!(result, Err(IngestError::KindMismatch { .. })));
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    }
}

//! `vocweek storage copy --to OTHER.toml`: every blob of the configured store into the store
//! that OTHER.toml's `[storage]` describes (files → S3 or back), verified by reading each copy
//! back. Blobs already there with the same size are skipped, so an interrupted copy resumes.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use tokio::io::AsyncReadExt;
use vocweek_storage::{BlobEntry, BlobStore, StagingFile};

use crate::app::Services;
use crate::config::Config;

pub async fn run(services: &Services, target: &Path) -> anyhow::Result<ExitCode> {
    let other = Config::load(Some(target), |_| None)
        .with_context(|| format!("reading the target configuration {}", target.display()))?;
    let destination = crate::storage::open_store(&other.storage, &other.data_dir).await?;
    let source = services.store.clone();
    if source.describe() == destination.describe() {
        anyhow::bail!("the target is the store itself ({})", source.describe());
    }
    let blobs = source.list("").await?;
    let total: u64 = blobs.iter().map(|b| b.size).sum();
    eprintln!(
        "copying {} blobs ({total} bytes) from {} to {}",
        blobs.len(),
        source.describe(),
        destination.describe()
    );
    let progress = ProgressBar::new(total);
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let (mut copied, mut skipped, mut failed) = (0u64, 0u64, 0u64);
    for blob in &blobs {
        if destination.size(&blob.key).await? == Some(blob.size) {
            skipped += 1;
        } else {
            match copy_one(source.as_ref(), destination.as_ref(), blob).await {
                Ok(()) => copied += 1,
                Err(e) => {
                    failed += 1;
                    progress.suspend(|| eprintln!("failed: {}: {e:#}", blob.key));
                }
            }
        }
        progress.inc(blob.size);
    }
    progress.finish_and_clear();
    println!("{copied} copied and verified, {skipped} already there, {failed} failed");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Source → a staged file in the destination's staging area → the destination; then the
/// copy is read back and its BLAKE3 compared with what was read from the source.
async fn copy_one(
    source: &dyn BlobStore,
    destination: &dyn BlobStore,
    blob: &BlobEntry,
) -> anyhow::Result<()> {
    let staged = StagingFile::new_in(destination.staging_dir());
    let (mut reader, _) = source.open(&blob.key).await?;
    let mut file = tokio::fs::File::create(staged.path()).await?;
    let expected = copy_hashing(&mut reader, &mut file).await?;
    file.sync_all().await?;
    drop(file);
    destination.put_file(&blob.key, staged).await?;
    let (mut copy, size) = destination.open(&blob.key).await?;
    let actual = copy_hashing(&mut copy, &mut tokio::io::sink()).await?;
    if actual != expected || size != blob.size {
        anyhow::bail!("the copy does not read back the same ({size} bytes)");
    }
    Ok(())
}

/// Copies `reader` into `writer` and returns the BLAKE3 of what passed (`sink()` to hash only).
pub(super) async fn copy_hashing(
    reader: &mut (impl tokio::io::AsyncRead + Unpin + ?Sized),
    writer: &mut (impl tokio::io::AsyncWrite + Unpin),
) -> anyhow::Result<blake3::Hash> {
    use tokio::io::AsyncWriteExt;
    let mut hasher = blake3::Hasher::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let read = reader.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        writer.write_all(&buffer[..read]).await?;
    }
    writer.flush().await?;
    Ok(hasher.finalize())
}

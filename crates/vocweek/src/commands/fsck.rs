//! `vocweek fsck`: does the store hold what the database says, unchanged? Originals — the
//! assets' files, the files units replaced (kept as the items' earlier versions) and the units'
//! documents, all from `Db::expected_originals` — are re-read and re-hashed (BLAKE3, their
//! key), renditions checked by size; blobs nothing refers to and unfinished multipart uploads
//! are listed, and only those go with `--delete-orphans`. Exit status 1 when anything is wrong.

use std::collections::HashSet;
use std::process::ExitCode;
use std::sync::Arc;

use futures_util::{StreamExt, TryStreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use vocweek_storage::{BlobStore, StorageError, original_key};

use crate::app::Services;

/// Originals re-hashed at once (each reads one stream).
const PARALLEL_READS: usize = 4;

pub struct FsckOptions {
    /// Sizes only: no re-hashing.
    pub quick: bool,
    pub delete_orphans: bool,
}

enum Finding {
    MissingOriginal {
        asset: String,
        key: String,
    },
    CorruptOriginal {
        asset: String,
        key: String,
        why: String,
    },
    MissingRendition {
        asset: String,
        name: String,
        key: String,
    },
    Orphan {
        key: String,
        size: u64,
    },
    IncompleteUpload {
        key: String,
        upload_id: String,
    },
}

pub async fn run(services: &Services, options: FsckOptions) -> anyhow::Result<ExitCode> {
    let store = services.store.clone();
    eprintln!("checking {}", store.describe());
    let originals = services.db.expected_originals().await?;
    let renditions = services.db.expected_renditions().await?;
    let stored = store.list("").await?;
    let stored_sizes: std::collections::HashMap<&str, u64> =
        stored.iter().map(|b| (b.key.as_str(), b.size)).collect();
    let mut findings = Vec::new();

    let progress = ProgressBar::new(originals.len() as u64);
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} originals {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let checks = futures_util::stream::iter(originals.iter().map(|expected| {
        let store = store.clone();
        let key = original_key(&expected.blake3).unwrap_or_default();
        let on_store = stored_sizes.get(key.as_str()).copied();
        let progress = progress.clone();
        async move {
            let finding = check_original(store, expected, key, on_store, options.quick).await;
            progress.inc(1);
            finding
        }
    }))
    .buffer_unordered(PARALLEL_READS)
    .try_collect::<Vec<_>>()
    .await?;
    progress.finish_and_clear();
    findings.extend(checks.into_iter().flatten());

    for expected in &renditions {
        let intact = stored_sizes
            .get(expected.storage_key.as_str())
            .is_some_and(|size| *size == expected.size.max(0) as u64);
        if !intact {
            findings.push(Finding::MissingRendition {
                asset: expected.asset_id.clone(),
                name: expected.name.clone(),
                key: expected.storage_key.clone(),
            });
        }
    }

    let known_originals: HashSet<String> = originals
        .iter()
        .filter_map(|o| original_key(&o.blake3).ok())
        .collect();
    // Earlier versions are named `<id> (version <n>)`: their asset is in the list by its own id.
    let known_assets: HashSet<&str> = originals.iter().map(|o| o.asset_id.as_str()).collect();
    for blob in &stored {
        let referenced = match blob.key.split('/').collect::<Vec<_>>().as_slice() {
            ["originals", ..] => known_originals.contains(&blob.key),
            // An asset's HLS segments have no rows of their own: its existence is enough.
            ["renditions", asset, ..] => known_assets.contains(asset),
            _ => false,
        };
        if !referenced {
            findings.push(Finding::Orphan {
                key: blob.key.clone(),
                size: blob.size,
            });
        }
    }
    for (key, upload_id) in store.incomplete_uploads().await? {
        findings.push(Finding::IncompleteUpload { key, upload_id });
    }

    let mut repaired = 0;
    for finding in &findings {
        println!("{}", describe(finding));
        if options.delete_orphans {
            match finding {
                Finding::Orphan { key, .. } => {
                    store.delete(key).await?;
                    repaired += 1;
                }
                Finding::IncompleteUpload { key, upload_id } => {
                    store.abort_upload(key, upload_id).await?;
                    repaired += 1;
                }
                _ => {}
            }
        }
    }
    println!(
        "{} originals, {} renditions, {} blobs checked{}: {} problem(s){}",
        originals.len(),
        renditions.len(),
        stored.len(),
        if options.quick { " (sizes only)" } else { "" },
        findings.len(),
        if repaired > 0 {
            format!(", {repaired} orphan(s) removed")
        } else {
            String::new()
        }
    );
    Ok(if findings.len() == repaired {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn check_original(
    store: Arc<dyn BlobStore>,
    expected: &vocweek_db::inventory::ExpectedOriginal,
    key: String,
    on_store: Option<u64>,
    quick: bool,
) -> anyhow::Result<Option<Finding>> {
    let asset = expected.asset_id.clone();
    let Some(size) = on_store else {
        return Ok(Some(Finding::MissingOriginal { asset, key }));
    };
    if size != expected.size.max(0) as u64 {
        let why = format!("{size} bytes stored, {} recorded", expected.size);
        return Ok(Some(Finding::CorruptOriginal { asset, key, why }));
    }
    if quick {
        return Ok(None);
    }
    let (mut reader, _) = match store.open(&key).await {
        Ok(opened) => opened,
        Err(StorageError::NotFound(_)) => return Ok(Some(Finding::MissingOriginal { asset, key })),
        Err(other) => return Err(other.into()),
    };
    let actual = super::storage_copy::copy_hashing(&mut reader, &mut tokio::io::sink())
        .await?
        .to_hex()
        .to_string();
    Ok(
        (actual != expected.blake3).then(|| Finding::CorruptOriginal {
            asset,
            key,
            why: format!("its BLAKE3 is now {actual}"),
        }),
    )
}

fn describe(finding: &Finding) -> String {
    match finding {
        Finding::MissingOriginal { asset, key } => {
            format!("missing original  asset {asset}: {key} is not in the store")
        }
        Finding::CorruptOriginal { asset, key, why } => {
            format!("corrupt original  asset {asset}: {key}: {why}")
        }
        Finding::MissingRendition { asset, name, key } => {
            format!("missing rendition asset {asset}: {name} ({key}) absent or of another size")
        }
        Finding::Orphan { key, size } => format!("orphan blob       {key} ({size} bytes)"),
        Finding::IncompleteUpload { key, upload_id } => {
            format!("unfinished upload {key} (multipart upload {upload_id})")
        }
    }
}

//! The article part of processing: text, sanitised HTML preview and character count, made by
//! an article child and stored as renditions; pictures embedded in a Word document become
//! photo assets of their own (same unit, same tags), each going through the photo pipeline,
//! listed in the article's metadata. The pictures come back as files: this process only
//! sniffs their first bytes and hashes them.

use std::io::Read;
use std::path::Path;

use serde_json::{Value, json};
use vocweek_db::assets::{AssetRecord, NewAsset, Recorded};
use vocweek_db::entities::job;
use vocweek_domain::{AssetKind, Desk, Tags};
use vocweek_sandbox::{Done, ImageFile, Work};
use vocweek_storage::{StagingFile, original_key};

use super::media_child::{self, ChildOutcome, Scratch};
use super::rendition_store::{StoredRendition, scratch_file, store_files};
use super::{JobContext, JobError, process_asset_job};

/// What article processing produced.
pub struct ArticleDone {
    pub facts: Value,
    pub first_heading: Option<String>,
    pub renditions: Vec<StoredRendition>,
    pub image_assets: Vec<String>,
    /// Pictures that were not photos vocweek reads (e.g. Windows metafile drawings).
    pub skipped_images: Vec<String>,
}

pub async fn process(
    ctx: &JobContext,
    job: &job::Model,
    record: &AssetRecord,
    input: &Path,
) -> Result<ArticleDone, JobError> {
    let asset_id = record.asset.id.as_str();
    let work = Work::Article {
        mime: record.asset.mime.clone(),
        limits: ctx.media.article.clone(),
    };
    let scratch = Scratch::new(media_child::scratch_parent(ctx, &work))?;
    let outcome = media_child::run(ctx, job, asset_id, input, &scratch, work).await?;
    let ChildOutcome::Done(Done::Article {
        facts,
        first_heading,
        files,
        images,
    }) = outcome
    else {
        return Err(super::wrong_answer("article"));
    };
    let renditions = store_files(ctx, asset_id, &scratch, &files).await?;
    let mut image_assets = Vec::new();
    let mut skipped_images = Vec::new();
    for (index, image) in images.iter().enumerate() {
        let path = scratch_file(&scratch, &image.file)?;
        match record_image(ctx, record, index, image, &path).await? {
            Some(id) => image_assets.push(id),
            None => skipped_images.push(image.name.clone()),
        }
    }
    Ok(ArticleDone {
        facts,
        first_heading,
        renditions,
        image_assets,
        skipped_images,
    })
}

/// The first bytes (for sniffing), the BLAKE3 and the size of a file, read in one pass.
async fn sniff_and_hash(path: &Path) -> Result<(Vec<u8>, String, u64), JobError> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || -> std::io::Result<(Vec<u8>, String, u64)> {
        let mut file = std::fs::File::open(&path)?;
        let mut head = Vec::with_capacity(vocweek_media::SNIFF_LEN);
        (&mut file)
            .take(vocweek_media::SNIFF_LEN as u64)
            .read_to_end(&mut head)?;
        let mut hasher = blake3::Hasher::new();
        hasher.update(&head);
        let mut size = head.len() as u64;
        let mut buffer = vec![0u8; 256 * 1024];
        loop {
            let read = file.read(&mut buffer)?;
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
            size += read as u64;
        }
        Ok((head, hasher.finalize().to_hex().to_string(), size))
    })
    .await
    .map_err(|e| JobError::Transient(format!("hashing an embedded picture: {e}")))?
    .map_err(|e| JobError::Transient(format!("hashing an embedded picture: {e}")))
}

/// Stores an embedded picture as a photo asset of the article's unit (deduplicated by content
/// like any upload). `None` when the picture is not a photo format.
async fn record_image(
    ctx: &JobContext,
    article: &AssetRecord,
    index: usize,
    image: &ImageFile,
    path: &Path,
) -> Result<Option<String>, JobError> {
    let (head, blake3, size) = sniff_and_hash(path).await?;
    let sniffed = match vocweek_media::sniff(&head, &image.name) {
        Ok(sniffed) if sniffed.kind == AssetKind::Photo => sniffed,
        _ => return Ok(None),
    };
    let parent = &article.asset;
    let desk = vocweek_domain::Desk::parse(&parent.desk).unwrap_or(Desk::Edu);
    let new = NewAsset {
        id: uuid::Uuid::now_v7().to_string(),
        campaign_id: parent.campaign_id,
        unit_id: parent.unit_id,
        desk,
        kind: AssetKind::Photo,
        blake3,
        size: i64::try_from(size).unwrap_or(i64::MAX),
        mime: sniffed.mime.to_owned(),
        original_filename: image.name.rsplit('/').next().unwrap_or("image").to_owned(),
        title: format!("{} · 图 {}", parent.title, index + 1),
        description: String::new(),
        tags: Tags {
            city: parent.city.clone(),
            category: parent.category.clone(),
            subcategory: parent.subcategory.clone(),
            themes: article.themes.clone(),
        },
        captured_at: None,
        activity_date: parent.activity_date,
        metadata: json!({ "article_id": parent.id }),
    };
    let recorded = match ctx.db.asset_by_blake3(&new.blake3).await? {
        Some(existing) => ctx.db.record_duplicate(existing, &new).await?,
        None => {
            let staged = StagingFile::new_in(ctx.store.staging_dir());
            tokio::fs::rename(path, staged.path())
                .await
                .map_err(|e| JobError::Transient(format!("moving an embedded picture: {e}")))?;
            ctx.store
                .put_file(&original_key(&new.blake3)?, staged)
                .await?;
            let job = process_asset_job(&new.id, ctx.max_attempts);
            ctx.db.record_upload(new.clone(), job).await?
        }
    };
    Ok(Some(match recorded {
        Recorded::Created(record) | Recorded::Duplicate(record) => record.asset.id,
    }))
}

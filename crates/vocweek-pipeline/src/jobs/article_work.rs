//! The article part of processing: text, sanitised HTML preview and character count, stored as
//! renditions; pictures embedded in a Word document become photo assets of their own (same
//! unit, same tags), each going through the photo pipeline, listed in the article's metadata.

use std::path::PathBuf;

use serde_json::{Value, json};
use vocweek_db::assets::{AssetRecord, NewAsset, Recorded};
use vocweek_domain::{AssetKind, Desk, Tags};
use vocweek_media::article::{ArticleOutput, EmbeddedImage, process_article};
use vocweek_storage::{StagingFile, original_key};

use super::rendition_store::{RenditionBytes, StoredRendition, store};
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
    record: &AssetRecord,
    path: PathBuf,
) -> Result<ArticleDone, JobError> {
    let mime = record.asset.mime.clone();
    let work = tokio::task::spawn_blocking(move || {
        let bytes = std::fs::read(&path)
            .map_err(|e| vocweek_media::MediaError::Unreadable(e.to_string()))?;
        process_article(&bytes, &mime)
    });
    let output: ArticleOutput = tokio::time::timeout(ctx.media_timeout, work)
        .await
        .map_err(|_| JobError::Transient("article extraction timed out".to_owned()))?
        .map_err(|e| super::blocking_failure(e, "article"))?
        .map_err(|e| JobError::Permanent {
            code: e.code().to_owned(),
            reason: e.to_string(),
        })?;
    let asset_id = record.asset.id.as_str();
    let mut renditions = Vec::new();
    for (name, file, mime, bytes) in [
        (
            "text",
            "text.txt",
            "text/plain; charset=utf-8",
            output.text.as_bytes(),
        ),
        (
            "html",
            "preview.html",
            "text/html; charset=utf-8",
            output.html.as_bytes(),
        ),
    ] {
        let rendition = RenditionBytes {
            name,
            file,
            mime,
            bytes,
            dimensions: None,
        };
        renditions.push(store(ctx, asset_id, rendition).await?);
    }
    let mut image_assets = Vec::new();
    let mut skipped_images = Vec::new();
    for (index, image) in output.images.iter().enumerate() {
        match record_image(ctx, record, index, image).await? {
            Some(id) => image_assets.push(id),
            None => skipped_images.push(image.name.clone()),
        }
    }
    Ok(ArticleDone {
        facts: json!(output.facts),
        first_heading: output.facts.first_heading.clone(),
        renditions,
        image_assets,
        skipped_images,
    })
}

/// Stores an embedded picture as a photo asset of the article's unit (deduplicated by content
/// like any upload). `None` when the picture is not a photo format.
async fn record_image(
    ctx: &JobContext,
    article: &AssetRecord,
    index: usize,
    image: &EmbeddedImage,
) -> Result<Option<String>, JobError> {
    let sniffed = match vocweek_media::sniff(&image.bytes, &image.name) {
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
        blake3: blake3::hash(&image.bytes).to_hex().to_string(),
        size: i64::try_from(image.bytes.len()).unwrap_or(i64::MAX),
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
            tokio::fs::write(staged.path(), &image.bytes)
                .await
                .map_err(|e| JobError::Transient(format!("writing an embedded picture: {e}")))?;
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

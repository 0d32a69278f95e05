//! The article part of processing: text, sanitised HTML preview and character count, made by
//! an article child and stored as renditions; the pictures inside a Word document are kept
//! with the article, or become photo items at once (see `article_pictures`). The pictures
//! come back as files: this process only sniffs their first bytes and hashes them.

use std::path::Path;

use serde_json::Value;
use vocweek_db::assets::AssetRecord;
use vocweek_db::jobs::Job;
use vocweek_sandbox::{Done, Work};

use super::article_pictures::{self, EmbeddedPictures};
use super::media_child::{self, ChildOutcome, Scratch};
use super::rendition_store::{StoredRendition, scratch_file, store_files};
use super::{JobContext, JobError};

/// What article processing produced.
pub struct ArticleDone {
    pub facts: Value,
    pub first_heading: Option<String>,
    pub renditions: Vec<StoredRendition>,
    /// The pictures kept with the article, in order (`articles.embedded_pictures = attach`).
    pub pictures: Vec<Value>,
    /// Photo items made from the pictures (`articles.embedded_pictures = queue`).
    pub image_assets: Vec<String>,
    /// Pictures that were not photos vocweek reads (e.g. Windows metafile drawings).
    pub skipped_images: Vec<String>,
}

pub async fn process(
    ctx: &JobContext,
    job: &Job,
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
    let mut renditions = store_files(ctx, asset_id, &scratch, &files).await?;
    let mut pictures = Vec::new();
    let mut image_assets = Vec::new();
    let mut skipped_images = Vec::new();
    for image in &images {
        let path = scratch_file(&scratch, &image.file)?;
        let Some(picture) = article_pictures::examine(image, &path).await? else {
            skipped_images.push(image.name.clone());
            continue;
        };
        match ctx.media.embedded_pictures {
            EmbeddedPictures::Attach => {
                let index = pictures.len();
                let (rendition, entry) =
                    article_pictures::attach(ctx, asset_id, index, &picture, &path).await?;
                renditions.push(rendition);
                pictures.push(entry);
            }
            EmbeddedPictures::Queue => {
                let index = image_assets.len();
                let id =
                    article_pictures::queue_at_once(ctx, record, index, &picture, &path).await?;
                image_assets.push(id);
            }
        }
    }
    Ok(ArticleDone {
        facts,
        first_heading,
        renditions,
        pictures,
        image_assets,
        skipped_images,
    })
}

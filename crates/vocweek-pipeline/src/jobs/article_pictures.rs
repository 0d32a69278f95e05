//! Pictures found inside an article (a Word document's photos). By default they stay with the
//! article: each is stored as one of its renditions (`picture-<n>`) and listed in its
//! metadata, shown on its page, and an editor may choose any of them into the review queue
//! as a photo item of its own ([`promote_picture`]). One upload is one queue item: a .docx
//! with 200 pictures no longer floods the queue. `articles.embedded_pictures = "queue"` keeps
//! the older behaviour (every picture a queue item at once).

use std::io::Read;
use std::path::Path;

use serde_json::{Value, json};
use vocweek_db::Db;
use vocweek_db::assets::{AssetRecord, NewAsset, Recorded};
use vocweek_db::audit::Actor;
use vocweek_domain::{AssetKind, Tags};
use vocweek_sandbox::ImageFile;
use vocweek_storage::{BlobStore, StagingFile, original_key, rendition_key};

use super::rendition_store::StoredRendition;
use super::{JobContext, JobError, process_asset_job};

/// What becomes of the pictures inside an article (`articles.embedded_pictures`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EmbeddedPictures {
    /// Kept with the article; an editor chooses which go to the queue.
    #[default]
    Attach,
    /// Each becomes a photo item in the queue at once.
    Queue,
}

impl EmbeddedPictures {
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim() {
            "attach" => Some(EmbeddedPictures::Attach),
            "queue" => Some(EmbeddedPictures::Queue),
            _ => None,
        }
    }
}

/// A picture that is a photo format, sniffed and hashed.
pub struct Picture {
    pub name: String,
    pub mime: &'static str,
    pub blake3: String,
    pub size: u64,
}

/// Reads an embedded picture's first bytes and hash in one pass; `None` when it is not a
/// photo vocweek reads (a Windows metafile drawing, say). This process only sniffs.
pub async fn examine(image: &ImageFile, path: &Path) -> Result<Option<Picture>, JobError> {
    let (head, blake3, size) = sniff_and_hash(path).await?;
    Ok(match vocweek_media::sniff(&head, &image.name) {
        Ok(sniffed) if sniffed.kind == AssetKind::Photo => Some(Picture {
            name: image.name.rsplit('/').next().unwrap_or("image").to_owned(),
            mime: sniffed.mime,
            blake3,
            size,
        }),
        _ => None,
    })
}

/// Stores picture `index` (0-based) as the article's rendition `picture-<index+1>` and
/// returns it with its entry for the article's metadata.
pub async fn attach(
    ctx: &JobContext,
    article_id: &str,
    index: usize,
    picture: &Picture,
    path: &Path,
) -> Result<(StoredRendition, Value), JobError> {
    let name = format!("picture-{}", index + 1);
    let key = rendition_key(article_id, &name)?;
    let staged = StagingFile::new_in(ctx.store.staging_dir());
    tokio::fs::rename(path, staged.path())
        .await
        .map_err(|e| JobError::Transient(format!("moving an embedded picture: {e}")))?;
    ctx.store.put_file(&key, staged).await?;
    let entry = json!({
        "rendition": name,
        "name": picture.name,
        "mime": picture.mime,
        "size": picture.size,
        "blake3": picture.blake3,
        "asset_id": null,
    });
    let rendition = StoredRendition {
        name,
        key,
        mime: picture.mime.to_owned(),
        size: i64::try_from(picture.size).unwrap_or(i64::MAX),
        dimensions: None,
    };
    Ok((rendition, entry))
}

/// The photo item for picture `index` of `article`: its unit, tags, activity date, credit and
/// consent, titled after the article. The same bytes already stored are a duplicate
/// submission, as for any upload.
fn photo_item(article: &AssetRecord, index: usize, picture: &Picture) -> NewAsset {
    let parent = &article.asset;
    NewAsset {
        id: uuid::Uuid::now_v7().to_string(),
        campaign_id: parent.campaign_id,
        unit_id: parent.unit_id,
        desk: parent.desk,
        kind: AssetKind::Photo,
        blake3: picture.blake3.clone(),
        size: i64::try_from(picture.size).unwrap_or(i64::MAX),
        mime: picture.mime.to_owned(),
        original_filename: picture.name.clone(),
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
        // The article's credit and the unit's consent covered its pictures too.
        credit: parent.credit.clone(),
        portrait_consent: parent.portrait_consent,
        metadata: json!({ "article_id": parent.id }),
        // Taken out of the article by the job: nobody sent it as such.
        member_id: None,
    }
}

/// Records picture `index` of `article` as a photo item in the queue, its bytes taken from
/// `staged` when they are not stored yet. Returns the item's id.
async fn record_photo_item(
    db: &Db,
    store: &dyn BlobStore,
    article: &AssetRecord,
    index: usize,
    picture: &Picture,
    staged: StagingFile,
    max_attempts: i32,
) -> Result<String, JobError> {
    let new = photo_item(article, index, picture);
    let recorded = match db.asset_by_blake3(&new.blake3).await? {
        Some(existing) => db.record_duplicate(existing, &new).await?,
        None => {
            store.put_file(&original_key(&new.blake3)?, staged).await?;
            let job = process_asset_job(&new.id, max_attempts);
            db.record_upload(new.clone(), job).await?
        }
    };
    Ok(match recorded {
        Recorded::Created(record) | Recorded::Duplicate(record) => record.asset.id,
    })
}

/// The older behaviour: picture `index` becomes a queue item at once.
pub async fn queue_at_once(
    ctx: &JobContext,
    article: &AssetRecord,
    index: usize,
    picture: &Picture,
    path: &Path,
) -> Result<String, JobError> {
    let staged = StagingFile::new_in(ctx.store.staging_dir());
    tokio::fs::rename(path, staged.path())
        .await
        .map_err(|e| JobError::Transient(format!("moving an embedded picture: {e}")))?;
    record_photo_item(
        &ctx.db,
        ctx.store.as_ref(),
        article,
        index,
        picture,
        staged,
        ctx.max_attempts,
    )
    .await
}

/// Why a picture could not be chosen into the queue.
#[derive(Debug, thiserror::Error)]
pub enum PromoteError {
    #[error("the article has no picture {0}")]
    NoSuchPicture(usize),
    #[error(transparent)]
    Job(#[from] JobError),
    #[error(transparent)]
    Database(#[from] vocweek_db::DbError),
}

/// An editor chooses picture `number` (1-based, as shown) of an article into the queue: the
/// picture becomes a photo item (processed like an upload) and the article's metadata and
/// history say so. Choosing it again answers the same item.
pub async fn promote_picture(
    db: &Db,
    store: &dyn BlobStore,
    article: &AssetRecord,
    number: usize,
    actor: Actor,
    max_attempts: i32,
) -> Result<String, PromoteError> {
    let index = number
        .checked_sub(1)
        .ok_or(PromoteError::NoSuchPicture(number))?;
    let entry = article
        .asset
        .metadata
        .pointer(&format!("/article/pictures/{index}"))
        .cloned()
        .ok_or(PromoteError::NoSuchPicture(number))?;
    if let Some(existing) = entry["asset_id"].as_str() {
        return Ok(existing.to_owned());
    }
    let text = |field: &str| entry[field].as_str().unwrap_or_default().to_owned();
    let picture = Picture {
        name: text("name"),
        mime: photo_mime(&text("mime")),
        blake3: text("blake3"),
        size: entry["size"].as_u64().unwrap_or(0),
    };
    let rendition = rendition_key(&article.asset.id, &text("rendition")).map_err(JobError::from)?;
    let staged = StagingFile::new_in(store.staging_dir());
    let local = store.local_copy(&rendition).await.map_err(JobError::from)?;
    tokio::fs::copy(local.path(), staged.path())
        .await
        .map_err(|e| JobError::Transient(format!("copying an article's picture: {e}")))?;
    let id = record_photo_item(db, store, article, index, &picture, staged, max_attempts).await?;
    db.record_picture_chosen(&article.asset.id, index, &id, actor)
        .await?;
    Ok(id)
}

/// The stored mime as one of the sniffer's (the metadata is ours, but a `&'static str` keeps
/// `Picture` one type for both paths).
fn photo_mime(mime: &str) -> &'static str {
    const PHOTO_MIMES: [&str; 8] = [
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/tiff",
        "image/heic",
        "image/heif",
        "image/avif",
    ];
    PHOTO_MIMES
        .into_iter()
        .find(|known| *known == mime)
        .unwrap_or("application/octet-stream")
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

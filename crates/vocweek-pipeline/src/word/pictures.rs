//! The pictures a document embeds: an item's stored JPEG rendition (a photo's `preview`, a
//! video's `poster`), never its original — renditions are bounded in size, carry no metadata,
//! and every reader of a `.docx` shows a JPEG. A picture is a local copy of the stored file
//! (the file itself on a files store), copied into the package when the document is written.

use vocweek_db::Db;
use vocweek_db::assets::Asset;
use vocweek_domain::AssetKind;
use vocweek_storage::BlobStore;

use super::{Picture, WordError};

/// The largest rendition embedded, in bytes (a 1280-pixel preview is a few hundred KB).
pub const MAX_PICTURE_BYTES: i64 = 4 << 20;

/// The JPEG rendition of `asset` to embed, if it has one: none for an article or a case, nor
/// for an item still processing, a sound-only video or a rendition over
/// [`MAX_PICTURE_BYTES`].
pub async fn jpeg_picture(
    db: &Db,
    store: &dyn BlobStore,
    asset: &Asset,
) -> Result<Option<Picture>, WordError> {
    let name = match asset.kind {
        AssetKind::Photo => "preview",
        AssetKind::Video => "poster",
        AssetKind::Article | AssetKind::Case => return Ok(None),
    };
    let Some(rendition) = db.rendition(&asset.id, name).await? else {
        return Ok(None);
    };
    if rendition.mime != "image/jpeg" || rendition.size > MAX_PICTURE_BYTES {
        return Ok(None);
    }
    // A rendition whose file went (its item deleted meanwhile, or fsck) is a picture less,
    // not a document that cannot be written.
    let blob = match store.local_copy(&rendition.storage_key).await {
        Ok(blob) => blob,
        Err(vocweek_storage::StorageError::NotFound(_)) => return Ok(None),
        Err(other) => return Err(other.into()),
    };
    let side = |pixels: Option<i32>| pixels.and_then(|p| u32::try_from(p).ok()).unwrap_or(0);
    Ok(Some(Picture {
        blob,
        width: side(rendition.width),
        height: side(rendition.height),
    }))
}

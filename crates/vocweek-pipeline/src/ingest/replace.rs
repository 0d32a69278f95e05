//! A unit replaces the file of an item the editors returned: the staged bytes become the item's
//! file, the old file stays stored as an earlier version, and the item is processed again.
//! Who may do it, and when, is `vocweek-app`'s rule (`Editorial::replace_file`); this is the
//! ingest part: the same dedupe as an upload, the blob, then one transaction.

use serde_json::{Value, json};
use vocweek_db::assets::AssetRecord;
use vocweek_db::audit::Actor;
use vocweek_db::replace::{FileReplacement, Replacement};
use vocweek_storage::original_key;

use super::Ingestor;
use crate::jobs::replaced_file_job;
use crate::{IngestError, StagedUpload};

impl Ingestor {
    /// Makes `staged` the file of `asset` at `version` (the version the unit saw). Refused: a
    /// file of another kind than the item (`DifferentKind`), the bytes the item already has
    /// (`SameFile`), bytes stored as another item (`DuplicateFile`, dedupe holds); a
    /// `Database(Conflict)` when the item moved on. Answers the item, now `processing`.
    /// `member_id` is the unit's person who sent it (`None`: the unit's shared token).
    pub async fn replace_original(
        &self,
        staged: StagedUpload,
        asset: &AssetRecord,
        version: i32,
        actor: Actor,
        member_id: Option<i32>,
    ) -> Result<AssetRecord, IngestError> {
        let current = &asset.asset;
        if staged.sniffed.kind != current.kind {
            return Err(IngestError::DifferentKind {
                item: current.kind,
                actual: staged.sniffed.kind,
            });
        }
        if staged.blake3 == current.blake3 {
            return Err(IngestError::SameFile);
        }
        if let Some(other) = self.db.asset_by_blake3(&staged.blake3).await? {
            return Err(IngestError::DuplicateFile {
                asset_id: other.asset.id,
            });
        }
        // Stored even when the bytes are there already (an earlier version of some item, a
        // unit's document): the same content at the same address is harmless, and this way the
        // blob exists when the row naming it commits.
        let key = original_key(&staged.blake3)?;
        self.store.put_file(&key, staged.staging).await?;
        let replacement = FileReplacement {
            asset_id: &current.id,
            version,
            blake3: &staged.blake3,
            size: i64::try_from(staged.size).unwrap_or(i64::MAX),
            mime: staged.sniffed.mime,
            original_filename: &staged.filename,
            metadata: upload_metadata(&current.metadata),
            actor,
            member_id,
        };
        let job = replaced_file_job(&current.id, self.max_attempts);
        match self.db.replace_original(replacement, job).await? {
            Replacement::Replaced(record) => Ok(*record),
            // A twin took the bytes meanwhile: the blob is its file now, nothing to remove.
            Replacement::Duplicate { asset_id } => Err(IngestError::DuplicateFile { asset_id }),
        }
    }
}

/// What an upload's metadata starts with: the item keeps its title (`title_given`, so an
/// article's first heading does not rename it) and, for a picture taken out of an article,
/// which article. Everything processing learnt of the old file goes.
fn upload_metadata(old: &Value) -> Value {
    let mut fresh = serde_json::Map::new();
    fresh.insert("title_given".to_owned(), json!(true));
    if let Some(article) = old.get("article_id") {
        fresh.insert("article_id".to_owned(), article.clone());
    }
    Value::Object(fresh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_an_upload_starts_with_is_kept() {
        let old = json!({
            "title_given": false,
            "photo": { "width": 4000 },
            "perceptual_hash": "00ff",
            "similar_to": [],
        });
        assert_eq!(upload_metadata(&old), json!({ "title_given": true }));
        let picture = json!({ "article_id": "a1", "checked_mime": "image/png" });
        assert_eq!(
            upload_metadata(&picture),
            json!({ "title_given": true, "article_id": "a1" })
        );
        assert_eq!(
            upload_metadata(&json!(null)),
            json!({ "title_given": true })
        );
    }
}

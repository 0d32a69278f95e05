//! Replacing the file of a returned item: the unit that sent it sends a corrected file, and the
//! item — its id, title, tags, submissions and history — takes it; the old file stays stored as
//! an earlier version, and the item is processed and reviewed again. Sending the corrected file
//! as a new upload would make a second item, not a correction.
//!
//! Two steps, because the bytes arrive in between: [`Editorial::file_replacement`] checks who
//! replaces what before a byte is read (and says which kind of file the item takes, so that the
//! staging refuses another kind at the first bytes); [`Editorial::replace_file`] checks again
//! and hands the staged file to the ingestor. The service holds no ingestor: the caller passes
//! its own.

use vocweek_db::DbError;
use vocweek_db::assets::AssetRecord;
use vocweek_domain::{AssetKind, AssetState};
use vocweek_pipeline::{IngestError, Ingestor, StagedUpload};

use super::error::{EditorialError, Forbidden, NotAllowed};
use super::{Actor, Editorial};

impl Editorial {
    /// Whether `actor` may replace the file of item `id` now: only the unit that sent it, only
    /// while the editors have it returned. Answers the kind of file the item takes.
    pub async fn file_replacement(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<AssetKind, EditorialError> {
        let record = self.visible_asset(actor, id).await?;
        may_replace(actor, &record)?;
        self.not_shared(&record).await?;
        Ok(record.asset.kind)
    }

    /// Makes `staged` the file of item `id` at `version` (the version the unit saw), and
    /// answers the item as it is now (`processing`). Refused as [`Self::file_replacement`]
    /// refuses, as a `Conflict` when the item changed since `version`, and with the ingestor's
    /// refusals (`EditorialError::Ingest`): another kind of file, the same file, a file stored
    /// as another item. `member_id` names the unit's person who sends it (their personal
    /// account; `None` for the unit's shared token), recorded in the item's history.
    pub async fn replace_file(
        &self,
        actor: &Actor,
        id: &str,
        version: i32,
        staged: StagedUpload,
        ingestor: &Ingestor,
        member_id: Option<i32>,
    ) -> Result<AssetRecord, EditorialError> {
        let record = self.visible_asset(actor, id).await?;
        may_replace(actor, &record)?;
        self.not_shared(&record).await?;
        let conflict = || EditorialError::Conflict {
            id: record.asset.id.clone(),
            version,
            current: None,
        };
        if record.asset.version != version {
            return Err(self.described(conflict()).await);
        }
        match ingestor
            .replace_original(staged, &record, version, actor.audit(), member_id)
            .await
        {
            Ok(replaced) => Ok(replaced),
            Err(IngestError::Database(DbError::Conflict(_))) => {
                Err(self.described(conflict()).await)
            }
            Err(IngestError::Database(DbError::NotFound(_))) => Err(EditorialError::NotFound),
            Err(other) => Err(EditorialError::Ingest(other)),
        }
    }
}

impl Editorial {
    /// Refuses an item another unit sent too: its file is theirs as well.
    async fn not_shared(&self, record: &AssetRecord) -> Result<(), EditorialError> {
        let shared = self
            .db
            .sent_by_another_unit(&record.asset.id, record.asset.unit_id)
            .await?;
        if shared {
            return Err(NotAllowed::SharedFile.into());
        }
        Ok(())
    }
}

/// Only the unit that sent the item replaces its file (a unit that later sent the same bytes
/// sees the item but does not own it), and only once the editors returned it.
fn may_replace(actor: &Actor, record: &AssetRecord) -> Result<(), EditorialError> {
    match actor {
        Actor::Unit(unit) if *unit != record.asset.unit_id => {
            return Err(Forbidden::NotYourUnit.into());
        }
        Actor::Unit(_) => {}
        Actor::Staff { .. } => return Err(Forbidden::NotSender.into()),
        Actor::Partner(_) => return Err(Forbidden::Partner.into()),
    }
    if record.asset.state != AssetState::Returned {
        return Err(NotAllowed::NotReturned.into());
    }
    if record.asset.kind == AssetKind::Case {
        return Err(NotAllowed::CaseHasNoFile.into());
    }
    Ok(())
}

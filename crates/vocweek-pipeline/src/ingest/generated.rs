//! A document vocweek wrote itself for a unit — a 典型案例's Word file — recorded as that unit's
//! item exactly as an upload is: stored at its BLAKE3 address (dedupe holds: the same case sent
//! twice is a duplicate submission), one transaction with its submission, audit event and
//! processing job, so the queue, downloads and the batch export treat it as any original.
//! What the unit may send and attach is `vocweek-app`'s rule (`Cases::create`).

use serde_json::Value;
use vocweek_db::assets::{NewAsset, Recorded};
use vocweek_domain::AssetKind;
use vocweek_storage::original_key;

use super::{IngestOutcome, Ingestor, UploadForm, Uploader, credit_for, title_for};
use crate::IngestError;
use crate::jobs::process_asset_job;
use crate::word::{DOCX_MIME, WrittenDocx};

/// What makes a generated document an item besides its bytes.
#[derive(Debug)]
pub struct Generated {
    pub kind: AssetKind,
    /// The name it is downloaded and exported under.
    pub filename: String,
    /// The item's metadata (a case's fields under `"case"`).
    pub metadata: Value,
    /// The items it attaches, in order (a case's photos and videos), already checked.
    pub attachments: Vec<String>,
}

impl Ingestor {
    /// The directory a generated document is written in before it is stored (the store's
    /// staging, so storing it is a rename).
    pub fn staging_dir(&self) -> &std::path::Path {
        self.store.staging_dir()
    }

    /// Records `document` (written and hashed in staging) as `uploader`'s item of
    /// `generated.kind`, with the title, description, tags, date, credit and consent of
    /// `form`, checked as an upload's are. Stored unless those bytes are stored already.
    pub async fn commit_generated(
        &self,
        document: WrittenDocx,
        generated: Generated,
        form: UploadForm,
        uploader: &Uploader,
    ) -> Result<IngestOutcome, IngestError> {
        let title = title_for(&form, Some(generated.kind), &generated.filename)?
            .unwrap_or_else(|| generated.filename.clone());
        let credit = credit_for(&form)?;
        let campaign = self.campaign();
        let tags = campaign
            .vocabulary
            .validate(&form.tags, &uploader.city)
            .map_err(IngestError::Tags)?;
        let mut metadata = generated.metadata;
        if let Some(fields) = metadata.as_object_mut() {
            fields.insert("title_given".to_owned(), Value::Bool(true));
        }
        let new = NewAsset {
            id: uuid::Uuid::now_v7().to_string(),
            campaign_id: campaign.campaign.id,
            unit_id: uploader.unit_id,
            desk: uploader.desk,
            kind: generated.kind,
            blake3: document.blake3.clone(),
            size: i64::try_from(document.size).unwrap_or(i64::MAX),
            mime: DOCX_MIME.to_owned(),
            original_filename: generated.filename,
            title,
            description: form.description.unwrap_or_default().trim().to_owned(),
            tags,
            captured_at: None,
            activity_date: form
                .activity_date
                .unwrap_or_else(|| self.db.clock().today_in_shanghai()),
            credit,
            portrait_consent: form.portrait_consent,
            metadata,
            member_id: uploader.member_id,
        };
        let recorded = match self.db.asset_by_blake3(&document.blake3).await? {
            // The same document again: a submission of the item that has it; the staging
            // file is dropped (removed) unused.
            Some(existing) => self.db.record_duplicate(existing, &new).await?,
            None => {
                self.store
                    .put_file(&original_key(&document.blake3)?, document.staging)
                    .await?;
                let asset_id = new.id.clone();
                let job = process_asset_job(&asset_id, self.max_attempts);
                self.db
                    .record_case(new, &generated.attachments, job)
                    .await?
            }
        };
        Ok(match recorded {
            Recorded::Created(asset) => IngestOutcome {
                asset,
                duplicate: false,
            },
            Recorded::Duplicate(asset) => IngestOutcome {
                asset,
                duplicate: true,
            },
        })
    }
}

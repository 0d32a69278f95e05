use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use vocweek_db::Db;
use vocweek_db::assets::{AssetRecord, NewAsset, Recorded};
use vocweek_db::campaigns::ActiveCampaign;
use vocweek_domain::{AssetKind, Desk, TagInput, today_in_shanghai};
use vocweek_storage::{BlobStore, original_key};

use crate::jobs::process_asset_job;
use crate::{IngestError, StagedUpload, UploadLimits, UploadWriter};

fn file_stem(filename: &str) -> String {
    let name = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem).trim();
    if stem.is_empty() {
        "未命名稿件".to_owned()
    } else {
        stem.to_owned()
    }
}

/// The longest title accepted, in characters.
const TITLE_MAX_CHARS: usize = 200;

fn given_title(form: &UploadForm) -> Option<&str> {
    form.title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// The asset's title: the one given, or for an article its file name until processing finds the
/// document's first heading. `None` while the kind is not known yet and no title was given.
fn title_for(
    form: &UploadForm,
    kind: Option<AssetKind>,
    filename: &str,
) -> Result<Option<String>, IngestError> {
    let title = match (given_title(form), kind) {
        (Some(title), _) => title.to_owned(),
        (None, Some(AssetKind::Article)) => file_stem(filename),
        (None, None) => return Ok(None),
        (None, Some(_)) => {
            return Err(IngestError::bad_request(
                "missing-title",
                "the field 'title' is required (articles may omit it: their first heading is used)",
            ));
        }
    };
    if title.chars().count() > TITLE_MAX_CHARS {
        return Err(IngestError::bad_request(
            "title-too-long",
            format!("the title is longer than {TITLE_MAX_CHARS} characters"),
        ));
    }
    Ok(Some(title))
}

/// The form fields of an upload, parsed but not yet checked against the vocabulary.
#[derive(Debug, Clone, Default)]
pub struct UploadForm {
    pub title: Option<String>,
    pub description: Option<String>,
    pub kind: Option<AssetKind>,
    pub tags: TagInput,
    pub captured_at: Option<DateTime<Utc>>,
    pub activity_date: Option<NaiveDate>,
}

/// The unit sending the upload.
#[derive(Debug, Clone)]
pub struct Uploader {
    pub unit_id: i32,
    pub desk: Desk,
    pub city: String,
}

/// What ingest did with an upload.
#[derive(Debug, Clone)]
pub struct IngestOutcome {
    pub asset: AssetRecord,
    /// The bytes were already stored; nothing was stored again.
    pub duplicate: bool,
}

/// Turns staged uploads into stored, recorded assets.
#[derive(Clone)]
pub struct Ingestor {
    db: Db,
    store: Arc<dyn BlobStore>,
    campaign: Arc<ActiveCampaign>,
    limits: UploadLimits,
    max_attempts: i32,
}

impl Ingestor {
    pub fn new(
        db: Db,
        store: Arc<dyn BlobStore>,
        campaign: Arc<ActiveCampaign>,
        limits: UploadLimits,
        max_attempts: i32,
    ) -> Self {
        Ingestor {
            db,
            store,
            campaign,
            limits,
            max_attempts,
        }
    }

    pub fn campaign(&self) -> &ActiveCampaign {
        &self.campaign
    }

    pub fn limits(&self) -> UploadLimits {
        self.limits
    }

    /// A writer for the next file part, staging next to the store.
    pub async fn start_upload(
        &self,
        filename: &str,
        declared: Option<AssetKind>,
    ) -> Result<UploadWriter, IngestError> {
        UploadWriter::create(self.store.staging_dir(), filename, declared, self.limits).await
    }

    /// The checks of `commit` that need no bytes, for a resumable upload's creation: an unknown
    /// tag or a missing or over-long title is refused before the first byte is sent. `kind` is
    /// what the client says the file is, when it says.
    pub fn check_form(
        &self,
        form: &UploadForm,
        uploader: &Uploader,
        kind: Option<AssetKind>,
        filename: &str,
    ) -> Result<(), IngestError> {
        title_for(form, kind.or(form.kind), filename)?;
        self.campaign
            .vocabulary
            .validate(&form.tags, &uploader.city)
            .map_err(IngestError::Tags)?;
        Ok(())
    }

    /// Checks the form against the staged bytes and the vocabulary, then stores the original at
    /// its content address (unless those bytes are stored already) and records the asset.
    pub async fn commit(
        &self,
        staged: StagedUpload,
        form: UploadForm,
        uploader: &Uploader,
    ) -> Result<IngestOutcome, IngestError> {
        let title_given = given_title(&form).is_some();
        let title = title_for(&form, Some(staged.sniffed.kind), &staged.filename)?
            .unwrap_or_else(|| file_stem(&staged.filename));
        let title = title.as_str();
        if let Some(declared) = form.kind
            && declared != staged.sniffed.kind
        {
            return Err(IngestError::KindMismatch {
                declared,
                actual: staged.sniffed.kind,
            });
        }
        let tags = self
            .campaign
            .vocabulary
            .validate(&form.tags, &uploader.city)
            .map_err(IngestError::Tags)?;

        let key = original_key(&staged.blake3)?;
        let new = NewAsset {
            id: uuid::Uuid::now_v7().to_string(),
            campaign_id: self.campaign.campaign.id,
            unit_id: uploader.unit_id,
            desk: uploader.desk,
            kind: staged.sniffed.kind,
            blake3: staged.blake3.clone(),
            size: i64::try_from(staged.size).unwrap_or(i64::MAX),
            mime: staged.sniffed.mime.to_owned(),
            original_filename: staged.filename.clone(),
            title: title.to_owned(),
            description: form.description.unwrap_or_default().trim().to_owned(),
            tags,
            captured_at: form.captured_at,
            activity_date: form.activity_date.unwrap_or_else(today_in_shanghai),
            metadata: serde_json::json!({ "title_given": title_given }),
        };
        // Known bytes are not stored again: the staging file is dropped (removed) unused.
        let recorded = match self.db.asset_by_blake3(&staged.blake3).await? {
            Some(existing) => self.db.record_duplicate(existing, &new).await?,
            None => {
                self.store.put_file(&key, staged.staging).await?;
                let asset_id = new.id.clone();
                let job = process_asset_job(&asset_id, self.max_attempts);
                self.db.record_upload(new, job).await?
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

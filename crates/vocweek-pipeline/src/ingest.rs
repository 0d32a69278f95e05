use std::sync::{Arc, RwLock};

use chrono::{DateTime, NaiveDate, Utc};
use vocweek_db::Db;
use vocweek_db::assets::{AssetRecord, NewAsset, Recorded};
use vocweek_db::campaigns::ActiveCampaign;
use vocweek_db::reporting::{NewDocument, UnitDocument};
use vocweek_domain::reporting::DocumentPurpose;
use vocweek_domain::{AssetKind, CREDIT_MAX_CHARS, CreditProblem, Desk, TagInput, checked_credit};
use vocweek_storage::{BlobStore, original_key};

use crate::jobs::process_asset_job;
use crate::{IngestError, StagedUpload, UploadLimits, UploadWriter};

mod generated;
mod replace;

pub use generated::Generated;

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

/// The credit line (作者/摄影) as stored: trimmed, one line, at most [`CREDIT_MAX_CHARS`]
/// characters; empty when the form names nobody.
fn credit_for(form: &UploadForm) -> Result<String, IngestError> {
    checked_credit(form.credit.as_deref().unwrap_or_default()).map_err(|problem| match problem {
        CreditProblem::TooLong => IngestError::bad_request(
            "credit-too-long",
            format!("the credit is longer than {CREDIT_MAX_CHARS} characters"),
        ),
        CreditProblem::ControlCharacter(c) => IngestError::bad_request(
            "invalid-field",
            format!(
                "the field 'credit' is one line and contains the control character U+{:04X}",
                u32::from(c)
            ),
        ),
    })
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
    /// 作者/摄影, as sent (checked by `commit` and `check_form`).
    pub credit: Option<String>,
    /// 肖像使用已授权: absent is not given.
    pub portrait_consent: bool,
}

/// The unit sending the upload.
#[derive(Debug, Clone)]
pub struct Uploader {
    pub unit_id: i32,
    pub desk: Desk,
    pub city: String,
    /// The unit's person sending it (a personal account's session), recorded with the
    /// submission; `None` for the unit's shared token.
    pub member_id: Option<i32>,
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
    /// Swapped when an admin activates another campaign (`refresh_campaign`).
    campaign: Arc<RwLock<Arc<ActiveCampaign>>>,
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
            campaign: Arc::new(RwLock::new(campaign)),
            limits,
            max_attempts,
        }
    }

    /// Attempts given to the processing jobs of new items.
    pub fn max_attempts(&self) -> i32 {
        self.max_attempts
    }

    /// The campaign new uploads belong to, with its vocabulary.
    pub fn campaign(&self) -> Arc<ActiveCampaign> {
        match self.campaign.read() {
            Ok(current) => current.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Reloads the active campaign when another one was activated (by this node or another);
    /// returns whether it changed. Cheap when nothing changed: one indexed read.
    pub async fn refresh_campaign(&self) -> Result<bool, vocweek_db::DbError> {
        let current = self.campaign().campaign.id;
        match self.db.active_campaign_id().await? {
            Some(active) if active != current => {
                let loaded = Arc::new(self.db.active_campaign().await?);
                match self.campaign.write() {
                    Ok(mut slot) => *slot = loaded,
                    Err(poisoned) => *poisoned.into_inner() = loaded,
                }
                Ok(true)
            }
            _ => Ok(false),
        }
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
    /// tag, a missing or over-long title or a bad credit is refused before the first byte is
    /// sent. `kind` is
    /// what the client says the file is, when it says.
    pub fn check_form(
        &self,
        form: &UploadForm,
        uploader: &Uploader,
        kind: Option<AssetKind>,
        filename: &str,
    ) -> Result<(), IngestError> {
        title_for(form, kind.or(form.kind), filename)?;
        credit_for(form)?;
        self.campaign()
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
        let credit = credit_for(&form)?;
        if let Some(declared) = form.kind
            && declared != staged.sniffed.kind
        {
            return Err(IngestError::KindMismatch {
                declared,
                actual: staged.sniffed.kind,
            });
        }
        let campaign = self.campaign();
        let tags = campaign
            .vocabulary
            .validate(&form.tags, &uploader.city)
            .map_err(IngestError::Tags)?;

        let key = original_key(&staged.blake3)?;
        let new = NewAsset {
            id: uuid::Uuid::now_v7().to_string(),
            campaign_id: campaign.campaign.id,
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
            activity_date: form
                .activity_date
                .unwrap_or_else(|| self.db.clock().today_in_shanghai()),
            credit,
            portrait_consent: form.portrait_consent,
            metadata: serde_json::json!({ "title_given": title_given }),
            member_id: uploader.member_id,
        };
        // Known bytes are not stored again: the staging file is dropped (removed) unused, and
        // the existing item keeps its own fields (title, tags, credit, consent).
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

impl Ingestor {
    /// A unit's plan or summary report: the same staged, sniffed, size-limited bytes as any
    /// upload, stored at their BLAKE3 address, but recorded as the unit's document instead of
    /// an item for the editors' queue. Only documents (Word, PDF, text, HTML) are accepted.
    pub async fn commit_document(
        &self,
        staged: StagedUpload,
        campaign_id: i32,
        uploader: &Uploader,
        purpose: DocumentPurpose,
    ) -> Result<UnitDocument, IngestError> {
        if staged.sniffed.kind != AssetKind::Article {
            return Err(IngestError::KindMismatch {
                declared: AssetKind::Article,
                actual: staged.sniffed.kind,
            });
        }
        let key = original_key(&staged.blake3)?;
        let new = NewDocument {
            campaign_id,
            unit_id: uploader.unit_id,
            purpose,
            blake3: staged.blake3.clone(),
            size: i64::try_from(staged.size).unwrap_or(i64::MAX),
            mime: staged.sniffed.mime.to_owned(),
            original_filename: staged.filename.clone(),
        };
        // Bytes already stored (the same file sent before, or as an item) are not written
        // again; putting identical bytes at the same address would be harmless anyway.
        if !self.store.exists(&key).await? {
            self.store.put_file(&key, staged.staging).await?;
        }
        Ok(self.db.record_document(new).await?)
    }
}

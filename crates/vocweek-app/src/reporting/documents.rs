//! The plan (before the week) and the summary report (after it): a Word, PDF, text or HTML file
//! streamed through the normal ingest (size limit, type sniffing, BLAKE3), stored at its
//! content address and recorded as the unit's document, not as an item for the editors'
//! queue. A new version replaces the current one; the first one dates the submission.
//!
//! Sending one is three steps, because the bytes arrive in between: [`Reporting::document_upload`]
//! checks who sends what where before any byte is read, [`Reporting::stage_document`] opens
//! the staging file the caller writes the bytes to, and [`Reporting::record_document`] stores
//! and records them.

use vocweek_domain::AssetKind;
use vocweek_domain::reporting::DocumentPurpose;
use vocweek_pipeline::{StagedUpload, UploadWriter, Uploader};

use super::{Obligation, ReportTarget, Reporting, ReportingError, UnitReport};
use crate::Actor;

/// A document the actor may send: the unit's own, in the active campaign, of a purpose its
/// kind owes. Made by [`Reporting::document_upload`] only.
#[derive(Debug, Clone)]
pub struct DocumentUpload {
    target: ReportTarget,
    purpose: DocumentPurpose,
}

impl DocumentUpload {
    pub fn purpose(&self) -> DocumentPurpose {
        self.purpose
    }

    /// The unit and campaign the document is for.
    pub fn target(&self) -> &ReportTarget {
        &self.target
    }
}

impl Reporting {
    /// Whether the actor sends the `purpose` document of `unit` (an id, or `me`) in `campaign`
    /// (a slug, or `current`): the unit itself, in the active campaign; a plan from a unit that
    /// sends daily material, a summary report from one that reports the statistics table.
    pub async fn document_upload(
        &self,
        actor: &Actor,
        campaign: &str,
        unit: &str,
        purpose: DocumentPurpose,
    ) -> Result<DocumentUpload, ReportingError> {
        let owed = match purpose {
            DocumentPurpose::Plan => Obligation::Daily,
            DocumentPurpose::SummaryReport => Obligation::Statistics,
        };
        let target = self.writable(actor, campaign, unit, owed).await?;
        Ok(DocumentUpload { target, purpose })
    }

    /// A staging file for a document's bytes named `filename`: documents only (Word, PDF, text,
    /// HTML), within the size limit for them; a contradiction is refused at the first bytes.
    pub async fn stage_document(&self, filename: &str) -> Result<UploadWriter, ReportingError> {
        Ok(self
            .ingestor
            .start_upload(filename, Some(AssetKind::Article))
            .await?)
    }

    /// Stores the staged bytes (unless the same bytes are stored already) and records them as
    /// the unit's current `purpose` document. Answers the unit's reports as they are now.
    pub async fn record_document(
        &self,
        upload: DocumentUpload,
        staged: StagedUpload,
    ) -> Result<UnitReport, ReportingError> {
        let DocumentUpload { target, purpose } = upload;
        let unit = &target.unit;
        let uploader = Uploader {
            unit_id: unit.id,
            desk: unit.kind.desk(),
            city: unit.city.clone(),
            // A document is the unit's: it is recorded without the person who sent it.
            member_id: None,
        };
        self.ingestor
            .commit_document(staged, target.campaign.campaign.id, &uploader, purpose)
            .await?;
        self.report_of(target).await
    }
}

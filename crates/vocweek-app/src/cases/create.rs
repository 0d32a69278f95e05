//! Creating a case: only a unit sends one; its fields are checked (`input`), its title, credit
//! and tags as an upload's are; each attachment must be one of the unit's own photos or videos
//! (as its list of items shows them) that did not fail; then its Word document is written, with
//! the attachments' pictures where a rendition is ready, and recorded through the ingestor
//! exactly as an upload (stored by its hash, queued, processed straight to review).

use std::collections::HashMap;

use serde_json::json;
use vocweek_db::assets::{AssetRecord, Scope};
use vocweek_domain::{AssetKind, AssetState};
use vocweek_pipeline::word::{
    CaseAttachmentEntry, CaseDocument, MAX_PICTURES, case_document, jpeg_picture, write_staged,
};
use vocweek_pipeline::{Generated, IngestOutcome, UploadForm, Uploader};

use super::input::plausible_id;
use super::{CaseError, CaseInput, Cases};
use crate::Actor;

impl Cases {
    /// Creates `input` as a case of the acting unit, sent by its person `member_id` when a
    /// person (not the unit's token) sends it; answers the case (with `duplicate` when the same
    /// document was sent before: the existing case, untouched).
    pub async fn create(
        &self,
        actor: &Actor,
        member_id: Option<i32>,
        input: CaseInput,
    ) -> Result<IngestOutcome, CaseError> {
        let Actor::Unit(unit_id) = actor else {
            return Err(CaseError::NotAUnit);
        };
        let unit = self.db.unit(*unit_id).await?.ok_or(CaseError::NotAUnit)?;
        let uploader = Uploader {
            unit_id: unit.id,
            desk: unit.desk,
            city: unit.city.clone(),
            member_id,
        };
        let input = input.checked()?;
        let title = input.title.trim().to_owned();
        let filename = file_name(&title);
        let form = UploadForm {
            title: Some(title.clone()),
            // The summary is what the queue's cards and the Ministry's list say of the item.
            description: Some(input.summary.clone()),
            kind: Some(AssetKind::Case),
            tags: input.tags.clone(),
            captured_at: None,
            activity_date: input.activity_date,
            credit: input.credit.clone(),
            portrait_consent: input.portrait_consent,
        };
        // Title, credit and tags before any reading or writing.
        self.ingestor
            .check_form(&form, &uploader, Some(AssetKind::Case), &filename)?;
        let attached = self.attachments(unit.id, &input.attachments).await?;
        // The case's document shows its attachments' pictures, so it has the portrait consent
        // only when every attached photo and video has it: recommending the case is then under
        // the same rule as recommending them (a case without attachments shows nobody).
        let form = UploadForm {
            portrait_consent: attached.iter().all(|record| record.asset.portrait_consent),
            ..form
        };

        let campaign = self.ingestor.campaign();
        let vocabulary = &campaign.vocabulary;
        let mut entries = Vec::with_capacity(attached.len());
        for record in &attached {
            let picture = if entries.len() < MAX_PICTURES {
                jpeg_picture(&self.db, self.store.as_ref(), &record.asset).await?
            } else {
                None
            };
            entries.push(CaseAttachmentEntry {
                title: record.asset.title.clone(),
                kind: kind_zh(record.asset.kind),
                picture,
            });
        }
        let city = input.tags.city.clone().unwrap_or_else(|| unit.city.clone());
        let document = case_document(CaseDocument {
            title: title.clone(),
            unit: unit.name.clone(),
            city: vocabulary
                .city(&city)
                .map_or_else(|| city.clone(), |term| term.zh.clone()),
            category: input
                .tags
                .category
                .as_deref()
                .and_then(|slug| vocabulary.category(slug))
                .map(|category| category.zh.clone())
                .unwrap_or_default(),
            activity_date: input
                .activity_date
                .unwrap_or_else(|| self.db.clock().today_in_shanghai()),
            credit: input
                .credit
                .as_deref()
                .unwrap_or_default()
                .trim()
                .to_owned(),
            summary: input.summary.clone(),
            body: input.body.clone(),
            contacts: input.contacts.clone(),
            attachments: entries,
        });
        let written = write_staged(document, self.ingestor.staging_dir()).await?;
        let generated = Generated {
            kind: AssetKind::Case,
            filename,
            metadata: json!({
                "case": {
                    "summary": input.summary,
                    "body": input.body,
                    "contacts": input.contacts,
                    "attachments": input.attachments.clone(),
                }
            }),
            attachments: input.attachments,
        };
        Ok(self
            .ingestor
            .commit_generated(written, generated, form, &uploader)
            .await?)
    }

    /// The records of `ids`, in order, each one of `unit_id`'s own photos or videos that did
    /// not fail; [`CaseError::Attachment`] names the first that is not (or does not exist).
    async fn attachments(
        &self,
        unit_id: i32,
        ids: &[String],
    ) -> Result<Vec<AssetRecord>, CaseError> {
        if let Some(odd) = ids.iter().find(|id| !plausible_id(id)) {
            return Err(CaseError::Attachment(odd.clone()));
        }
        let mut found: HashMap<String, AssetRecord> = self
            .db
            .assets_by_ids(ids)
            .await?
            .into_iter()
            .map(|record| (record.asset.id.clone(), record))
            .collect();
        let mut ordered = Vec::with_capacity(ids.len());
        for id in ids {
            let refused = || CaseError::Attachment(id.clone());
            let record = found.remove(id).ok_or_else(refused)?;
            let media = matches!(record.asset.kind, AssetKind::Photo | AssetKind::Video);
            if !media
                || record.asset.state == AssetState::Failed
                || !self.db.asset_visible(&record, Scope::Unit(unit_id)).await?
            {
                return Err(refused());
            }
            ordered.push(record);
        }
        Ok(ordered)
    }
}

/// An attached item's kind as the document names it.
fn kind_zh(kind: AssetKind) -> &'static str {
    match kind {
        AssetKind::Photo => "照片",
        AssetKind::Video => "视频",
        AssetKind::Article => "稿件",
        AssetKind::Case => "典型案例",
    }
}

/// The document's file name: `典型案例-<title>.docx`, without the characters file systems
/// refuse, at most 60 characters of title.
fn file_name(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .take(60)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        "典型案例.docx".to_owned()
    } else {
        format!("典型案例-{cleaned}.docx")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_name_is_the_title_made_safe() {
        assert_eq!(file_name("产教/融合:案例"), "典型案例-产教_融合_案例.docx");
        assert_eq!(file_name("  "), "典型案例.docx");
        assert_eq!(file_name(&"长".repeat(80)).chars().count(), 60 + 10);
    }
}

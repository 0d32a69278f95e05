//! Request and response bodies: field names are English and stable; times are RFC 3339 UTC
//! (the web queue shows them in Asia/Shanghai).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

use vocweek_db::assets::{AssetPage, AssetRecord};
use vocweek_db::renditions::Rendition;
use vocweek_domain::Tags;

/// An asset as clients see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetJson {
    /// UUIDv7: sorts by upload time.
    pub id: String,
    /// `photo`, `video` or `article`, from the bytes; `case` for a 典型案例 (its original is
    /// the Word document written from its form, `POST /api/v1/cases`).
    pub kind: String,
    /// `processing`, `pending_review`, `approved`, `rejected`, `returned`, `recommended`, `failed`.
    pub state: String,
    /// BLAKE3 of the original, hex.
    pub blake3: String,
    pub size: i64,
    /// The sniffed MIME type.
    pub mime: String,
    pub original_filename: String,
    pub title: String,
    pub description: String,
    pub tags: Tags,
    pub captured_at: Option<DateTime<Utc>>,
    pub activity_date: NaiveDate,
    /// 作者/摄影: who made it, as the unit named them; empty when nobody was named.
    pub credit: String,
    /// 肖像使用已授权: the unit has the consent of the people recognisable in it. A photo or
    /// video without it is recommended only when the editor confirms
    /// (`confirm_without_consent`).
    pub portrait_consent: bool,
    /// `edu` or `hr`: the editorial desk that reviews it.
    pub desk: String,
    /// The unit that first sent these bytes.
    pub unit_id: i32,
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
    pub failure: Option<FailureJson>,
    /// While processing: how far the work is, in percent (a video's transcode reports it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<f64>,
    /// The latest editorial decision's note (why it was rejected or returned).
    pub review_note: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    /// Optimistic-lock version; decisions name it.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Derived files: `thumb` (WebP) and `preview` (JPEG) for photos.
    pub renditions: Vec<RenditionJson>,
    /// Stored photos that look the same (perceptual hash), nearest first. Editors and admins
    /// only: they may belong to other units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similar_to: Option<Vec<SimilarJson>>,
    /// On an upload answer: `true` when these bytes were already stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate: Option<bool>,
}

/// A derived file and where to fetch it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RenditionJson {
    pub name: String,
    pub mime: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub size: i64,
    /// `GET` it with the same token.
    pub url: String,
}

/// A near-duplicate photo.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SimilarJson {
    pub asset_id: String,
    /// Differing bits of the 64-bit perceptual hash (0 = visually identical).
    pub distance: u32,
}

/// Who an asset is shown to: some fields are for the editorial staff only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Unit,
    Staff,
}

/// The asset's metadata as `audience` may see it. The perceptual hash and the near-duplicate
/// list name other units' and unapproved items, so they are for the editorial staff only.
pub fn metadata_for(mut metadata: serde_json::Value, audience: Audience) -> serde_json::Value {
    if audience != Audience::Staff
        && let Some(fields) = metadata.as_object_mut()
    {
        fields.remove("similar_to");
        fields.remove("perceptual_hash");
    }
    metadata
}

/// The asset's metadata as a media partner sees it: what units may see, without the links to
/// items the partner cannot see (the article a picture came from, the items an article's
/// pictures became, the items a case attaches), which may not be approved.
pub fn partner_metadata(metadata: serde_json::Value) -> serde_json::Value {
    let mut metadata = metadata_for(metadata, Audience::Unit);
    if let Some(fields) = metadata.as_object_mut() {
        fields.remove("article_id");
    }
    if let Some(case) = metadata.get_mut("case").and_then(|c| c.as_object_mut()) {
        case.remove("attachments");
    }
    if let Some(article) = metadata.get_mut("article").and_then(|a| a.as_object_mut()) {
        article.remove("image_assets");
        if let Some(pictures) = article.get_mut("pictures").and_then(|p| p.as_array_mut()) {
            for picture in pictures.iter_mut().filter_map(|p| p.as_object_mut()) {
                picture.remove("asset_id");
            }
        }
    }
    metadata
}

/// Why processing failed.
#[derive(Debug, Serialize, ToSchema)]
pub struct FailureJson {
    /// Stable, for programs (`image-too-large`).
    pub code: String,
    /// The technical detail, in English (what exactly was wrong with the file).
    pub reason: String,
    /// For people, in Chinese (the campaign's language): what happened and what to do.
    pub message: String,
}

impl AssetJson {
    pub fn from_record(
        record: AssetRecord,
        renditions: Vec<Rendition>,
        audience: Audience,
        duplicate: Option<bool>,
    ) -> Self {
        let asset = record.asset;
        let similar_to = (audience == Audience::Staff).then(|| {
            asset
                .metadata
                .get("similar_to")
                .cloned()
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default()
        });
        let renditions = renditions
            .into_iter()
            .map(|r| RenditionJson {
                // The HLS master playlist is fetched under `hls/`, where its relative
                // playlist and segment names resolve.
                url: if r.name == "hls" {
                    format!("/api/v1/assets/{}/hls/master.m3u8", asset.id)
                } else {
                    format!("/api/v1/assets/{}/renditions/{}", asset.id, r.name)
                },
                name: r.name,
                mime: r.mime,
                width: r.width,
                height: r.height,
                size: r.size,
            })
            .collect();
        let failure = asset.failure_code.map(|code| FailureJson {
            message: vocweek_messages::failure(vocweek_messages::Lang::ZhCn, &code),
            code,
            reason: asset.failure_reason.unwrap_or_default(),
        });
        AssetJson {
            tags: Tags {
                city: asset.city,
                category: asset.category,
                subcategory: asset.subcategory,
                themes: record.themes,
            },
            id: asset.id,
            kind: asset.kind.as_str().to_owned(),
            state: asset.state.as_str().to_owned(),
            blake3: asset.blake3,
            size: asset.size,
            mime: asset.mime,
            original_filename: asset.original_filename,
            title: asset.title,
            description: asset.description,
            captured_at: asset.captured_at,
            activity_date: asset.activity_date,
            credit: asset.credit,
            portrait_consent: asset.portrait_consent,
            desk: asset.desk.as_str().to_owned(),
            unit_id: asset.unit_id,
            metadata: metadata_for(asset.metadata, audience),
            failure,
            progress: None,
            review_note: asset.review_note,
            reviewed_at: asset.reviewed_at,
            version: asset.version,
            created_at: asset.created_at,
            updated_at: asset.updated_at,
            renditions,
            similar_to,
            duplicate,
        }
    }
}

impl AssetJson {
    /// Adds the processing progress (0..1 from the job) as a percentage, while processing.
    pub fn with_progress(mut self, progress: &std::collections::HashMap<String, f64>) -> Self {
        if self.state == "processing" {
            self.progress =
                Some((progress.get(&self.id).copied().unwrap_or(0.0) * 1000.0).round() / 10.0);
        }
        self
    }
}

/// A page of assets, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetPageJson {
    pub items: Vec<AssetJson>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl AssetPageJson {
    pub fn new(
        page: AssetPage,
        mut renditions: HashMap<String, Vec<Rendition>>,
        audience: Audience,
    ) -> Self {
        AssetPageJson {
            items: page
                .items
                .into_iter()
                .map(|record| {
                    let own = renditions.remove(&record.asset.id).unwrap_or_default();
                    AssetJson::from_record(record, own, audience, None)
                })
                .collect(),
            next_cursor: page.next_cursor,
        }
    }
}

/// The error envelope of every non-2xx answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorEnvelope {
    pub error: ErrorJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorJson {
    /// Stable, kebab-case: `missing-title`, `unknown-tag`, `payload-too-large`…
    pub code: String,
    pub message: String,
    /// Facts about the error (e.g. `offset`, `reason`), or null.
    #[schema(value_type = Object, nullable)]
    pub details: serde_json::Value,
}

/// Sign-in of an editor or admin.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SignInRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionJson {
    /// Bearer token for the API and the web queue.
    pub token: String,
    pub expires_in_seconds: i64,
}

/// The multipart form of an upload (for the OpenAPI document).
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct UploadFormSchema {
    /// The file (photo, video or article).
    #[schema(format = Binary, value_type = String)]
    pub file: Vec<u8>,
    /// Required.
    pub title: String,
    pub description: Option<String>,
    /// `photo`, `video` or `article`; sniffed when absent and must agree with the bytes.
    pub kind: Option<String>,
    /// City slug; defaults to the unit's city.
    pub city: Option<String>,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    /// Repeat the field or separate with commas.
    pub themes: Option<Vec<String>>,
    /// RFC 3339, or `YYYY-MM-DD HH:MM:SS` in Beijing time.
    pub captured_at: Option<String>,
    /// `YYYY-MM-DD`; defaults to today in Beijing time.
    pub activity_date: Option<String>,
    /// 作者/摄影: one line, at most 100 characters (400 `credit-too-long`).
    pub credit: Option<String>,
    /// 肖像使用已授权: `true`/`1`/`on` or `false`/`0`/`off`; absent is `false`.
    pub portrait_consent: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_partners_do_not_see_other_items() {
        let metadata = serde_json::json!({
            "photo": { "width": 10 },
            "perceptual_hash": "00ff00ff00ff00ff",
            "similar_to": [{ "asset_id": "other-units-item", "distance": 2 }],
            "article_id": "an-unapproved-article",
        });
        let staff = metadata_for(metadata.clone(), Audience::Staff);
        assert_eq!(staff, metadata);
        let unit = metadata_for(metadata.clone(), Audience::Unit);
        assert!(unit.get("similar_to").is_none() && unit.get("perceptual_hash").is_none());
        assert_eq!(unit["photo"]["width"], 10);
        let partner = partner_metadata(metadata);
        assert!(!partner.to_string().contains("other-units-item"));
        assert!(!partner.to_string().contains("an-unapproved-article"));
        assert!(!partner.to_string().contains("00ff00ff"));
        let case = serde_json::json!({
            "case": { "summary": "摘要", "attachments": ["an-unapproved-photo"] },
        });
        let partner = partner_metadata(case);
        assert_eq!(partner["case"]["summary"], "摘要");
        assert!(!partner.to_string().contains("an-unapproved-photo"));
    }
}

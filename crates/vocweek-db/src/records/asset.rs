//! An asset's row as the other crates see it.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use vocweek_domain::{AssetKind, AssetState, Desk};

use crate::DbError;
use crate::entities::asset;

/// One asset: the `assets` row, with its desk, kind and state as domain types.
#[derive(Clone, Debug, PartialEq)]
pub struct Asset {
    pub id: String,
    pub campaign_id: i32,
    /// The unit that first sent these bytes; later senders are in `submissions`.
    pub unit_id: i32,
    pub desk: Desk,
    pub kind: AssetKind,
    pub state: AssetState,
    pub blake3: String,
    pub size: i64,
    pub mime: String,
    pub original_filename: String,
    pub title: String,
    pub description: String,
    pub city: String,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    pub captured_at: Option<DateTime<Utc>>,
    pub activity_date: NaiveDate,
    /// 作者/摄影: who made it, as the unit named them (empty: not named).
    pub credit: String,
    /// 肖像使用已授权: the unit has the consent of the people recognisable in it.
    pub portrait_consent: bool,
    /// What processing learnt (dimensions, duration, camera…), by the media issues.
    pub metadata: Value,
    pub failure_code: Option<String>,
    pub failure_reason: Option<String>,
    /// The latest decision's note (why an item was rejected or returned).
    pub review_note: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    /// Optimistic lock: every state change increments it and names the version it saw.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The one place a stored desk, kind or state is read back: a value outside its set was
/// written by hand or by a bug, so it is `Corrupt` (a server error), not the caller's fault.
impl TryFrom<asset::Model> for Asset {
    type Error = DbError;

    fn try_from(row: asset::Model) -> Result<Self, DbError> {
        let corrupt =
            |err: vocweek_domain::DomainError| DbError::Corrupt(format!("asset {}: {err}", row.id));
        let desk = Desk::parse(&row.desk).map_err(corrupt)?;
        let kind = AssetKind::parse(&row.kind).map_err(corrupt)?;
        let state = AssetState::parse(&row.state).map_err(corrupt)?;
        Ok(Asset {
            id: row.id,
            campaign_id: row.campaign_id,
            unit_id: row.unit_id,
            desk,
            kind,
            state,
            blake3: row.blake3,
            size: row.size,
            mime: row.mime,
            original_filename: row.original_filename,
            title: row.title,
            description: row.description,
            city: row.city,
            category: row.category,
            subcategory: row.subcategory,
            captured_at: row.captured_at,
            activity_date: row.activity_date,
            credit: row.credit,
            portrait_consent: row.portrait_consent,
            metadata: row.metadata,
            failure_code: row.failure_code,
            failure_reason: row.failure_reason,
            review_note: row.review_note,
            reviewed_at: row.reviewed_at,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(state: &str) -> asset::Model {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        asset::Model {
            id: "a1".to_owned(),
            campaign_id: 1,
            unit_id: 2,
            desk: "hr".to_owned(),
            kind: "video".to_owned(),
            state: state.to_owned(),
            blake3: "00".to_owned(),
            size: 3,
            mime: "video/mp4".to_owned(),
            original_filename: "a.mp4".to_owned(),
            title: "t".to_owned(),
            description: String::new(),
            city: "jinan".to_owned(),
            category: None,
            subcategory: None,
            captured_at: None,
            activity_date: at.date_naive(),
            credit: String::new(),
            portrait_consent: false,
            metadata: serde_json::json!({}),
            failure_code: None,
            failure_reason: None,
            review_note: None,
            reviewed_at: None,
            version: 4,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn a_stored_row_reads_as_domain_values() {
        let asset = Asset::try_from(row("pending_review")).unwrap();
        assert_eq!(
            (asset.desk, asset.kind, asset.state, asset.version),
            (Desk::Hr, AssetKind::Video, AssetState::PendingReview, 4)
        );
    }

    #[test]
    fn an_unknown_stored_state_is_corrupt_data() {
        let err = Asset::try_from(row("lost")).unwrap_err();
        assert!(
            matches!(err, DbError::Corrupt(ref why) if why.contains("a1")),
            "{err}"
        );
    }
}

//! A feed event's row as the other crates see it.

use chrono::{DateTime, Utc};
use vocweek_domain::AssetKind;

use crate::DbError;
use crate::entities::feed_event;

/// One entry of the partners' feed: the `feed_events` row, with the item's kind as a domain
/// type. The event stays text, one of `feed::PUBLISHED` and `feed::WITHDRAWN`; the tags are
/// the vocabulary's slugs.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedEvent {
    /// The feed's order and its cursor.
    pub id: i64,
    pub asset_id: String,
    /// `published` or `withdrawn`.
    pub event: String,
    pub kind: AssetKind,
    pub city: String,
    /// Empty when the item has none.
    pub category: String,
    /// `|theme-a|theme-b|`, so one theme is matched with LIKE.
    pub themes: String,
    pub created_at: DateTime<Utc>,
}

/// The one place a stored feed kind is read back: another word is `Corrupt`.
impl TryFrom<feed_event::Model> for FeedEvent {
    type Error = DbError;

    fn try_from(row: feed_event::Model) -> Result<Self, DbError> {
        let kind = AssetKind::parse(&row.kind)
            .map_err(|err| DbError::Corrupt(format!("feed event {}: {err}", row.id)))?;
        Ok(FeedEvent {
            id: row.id,
            asset_id: row.asset_id,
            event: row.event,
            kind,
            city: row.city,
            category: row.category,
            themes: row.themes,
            created_at: row.created_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: &str) -> feed_event::Model {
        feed_event::Model {
            id: 21,
            asset_id: "a1".to_owned(),
            event: "published".to_owned(),
            kind: kind.to_owned(),
            city: "jinan".to_owned(),
            category: String::new(),
            themes: "||".to_owned(),
            created_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_stored_kind_reads_as_a_domain_value() {
        assert_eq!(
            FeedEvent::try_from(row("photo")).unwrap().kind,
            AssetKind::Photo
        );
        let err = FeedEvent::try_from(row("podcast")).unwrap_err();
        assert!(
            matches!(err, DbError::Corrupt(ref why) if why.contains("feed event 21")),
            "{err}"
        );
    }
}

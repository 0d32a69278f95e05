use serde::{Deserialize, Serialize};

use crate::DomainError;

/// What an uploaded item is; decides its size limit and the processing it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    Photo,
    Video,
    Article,
    /// 典型案例: a structured story a unit writes in a form (summary, body, contacts, its own
    /// photos and videos attached). Never uploaded as a file: its original is the Word document
    /// vocweek writes from the form.
    Case,
}

impl AssetKind {
    pub const ALL: [AssetKind; 4] = [
        AssetKind::Photo,
        AssetKind::Video,
        AssetKind::Article,
        AssetKind::Case,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AssetKind::Photo => "photo",
            AssetKind::Video => "video",
            AssetKind::Article => "article",
            AssetKind::Case => "case",
        }
    }

    pub fn parse(value: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value.trim())
            .ok_or_else(|| DomainError::unknown("kind", value, Self::ALL.map(Self::as_str)))
    }

    /// Whether the item may show people: a photo or a video, whose recognisable faces need
    /// their consent (肖像使用授权) before the item is recommended, and a case, whose Word
    /// document embeds its attached photos' and videos' pictures (its consent is theirs, all of
    /// them). An article's pictures are items of their own once chosen.
    pub fn may_show_people(self) -> bool {
        matches!(self, AssetKind::Photo | AssetKind::Video | AssetKind::Case)
    }
}

impl std::fmt::Display for AssetKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind_and_refuses_others() {
        for kind in AssetKind::ALL {
            assert_eq!(AssetKind::parse(kind.as_str()), Ok(kind));
        }
        let err = AssetKind::parse("podcast").unwrap_err();
        assert!(matches!(err, DomainError::UnknownValue { ref allowed, .. } if allowed.len() == 4));
    }
}

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// What an uploaded item is; decides its size limit and the processing it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    Photo,
    Video,
    Article,
}

impl AssetKind {
    pub const ALL: [AssetKind; 3] = [AssetKind::Photo, AssetKind::Video, AssetKind::Article];

    pub fn as_str(self) -> &'static str {
        match self {
            AssetKind::Photo => "photo",
            AssetKind::Video => "video",
            AssetKind::Article => "article",
        }
    }

    pub fn parse(value: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value.trim())
            .ok_or_else(|| DomainError::unknown("kind", value, Self::ALL.map(Self::as_str)))
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
        assert!(matches!(err, DomainError::UnknownValue { ref allowed, .. } if allowed.len() == 3));
    }
}

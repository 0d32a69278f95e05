//! The two documents a reporting unit sends besides its daily material.

use serde::{Deserialize, Serialize};

use crate::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentPurpose {
    /// 活动周方案, due with the website and liaison before the week.
    Plan,
    /// 总结报告, due with the statistics table after the week.
    SummaryReport,
}

impl DocumentPurpose {
    pub const ALL: [DocumentPurpose; 2] = [DocumentPurpose::Plan, DocumentPurpose::SummaryReport];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentPurpose::Plan => "plan",
            DocumentPurpose::SummaryReport => "summary_report",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            DocumentPurpose::Plan => "活动周方案",
            DocumentPurpose::SummaryReport => "总结报告",
        }
    }

    pub fn parse(value: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == value.trim())
            .ok_or_else(|| DomainError::unknown("document", value, Self::ALL.map(Self::as_str)))
    }
}

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// The editorial desk an item is routed to, decided by the kind of unit that sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Desk {
    /// 省教育厅职业教育处, the education department's vocational education division.
    Edu,
    /// 省人力资源社会保障厅, the human resources and social security department.
    Hr,
}

impl Desk {
    pub const ALL: [Desk; 2] = [Desk::Edu, Desk::Hr];

    pub fn as_str(self) -> &'static str {
        match self {
            Desk::Edu => "edu",
            Desk::Hr => "hr",
        }
    }

    pub fn parse(value: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|desk| desk.as_str() == value.trim())
            .ok_or_else(|| DomainError::unknown("desk", value, Self::ALL.map(Self::as_str)))
    }
}

/// Who a submitting unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// 市教育（教体）局
    CityBureau,
    /// 高职院校
    HigherVocationalCollege,
    /// 中职学校 (usually uploads through its city bureau)
    SecondaryVocationalSchool,
    /// 省属技工院校
    TechnicalCollege,
    /// 市人力资源社会保障局
    CityHrBureau,
    /// 行业企业
    Enterprise,
    /// 省级单位
    Province,
}

impl UnitKind {
    pub const ALL: [UnitKind; 7] = [
        UnitKind::CityBureau,
        UnitKind::HigherVocationalCollege,
        UnitKind::SecondaryVocationalSchool,
        UnitKind::TechnicalCollege,
        UnitKind::CityHrBureau,
        UnitKind::Enterprise,
        UnitKind::Province,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::CityBureau => "city_bureau",
            UnitKind::HigherVocationalCollege => "higher_vocational_college",
            UnitKind::SecondaryVocationalSchool => "secondary_vocational_school",
            UnitKind::TechnicalCollege => "technical_college",
            UnitKind::CityHrBureau => "city_hr_bureau",
            UnitKind::Enterprise => "enterprise",
            UnitKind::Province => "province",
        }
    }

    pub fn parse(value: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value.trim())
            .ok_or_else(|| DomainError::unknown("unit kind", value, Self::ALL.map(Self::as_str)))
    }

    /// The plan routes city HR bureaus and provincial technical colleges to the HR department;
    /// everyone else reports to the education department, which leads the week.
    pub fn desk(self) -> Desk {
        match self {
            UnitKind::TechnicalCollege | UnitKind::CityHrBureau => Desk::Hr,
            UnitKind::CityBureau
            | UnitKind::HigherVocationalCollege
            | UnitKind::SecondaryVocationalSchool
            | UnitKind::Enterprise
            | UnitKind::Province => Desk::Edu,
        }
    }

    /// The seed (四(二)): city education bureaus and higher vocational colleges send a plan, a
    /// summary report and the statistics table (附件2) to the education department; a
    /// secondary school is counted by its city bureau.
    pub fn reports_statistics(self) -> bool {
        matches!(
            self,
            UnitKind::CityBureau | UnitKind::HigherVocationalCollege
        )
    }

    /// Who must send material every day of the week: the education side's bureaus and
    /// colleges, and "按此要求" the HR side's city bureaus and provincial technical colleges.
    pub fn reports_daily(self) -> bool {
        matches!(
            self,
            UnitKind::CityBureau
                | UnitKind::HigherVocationalCollege
                | UnitKind::CityHrBureau
                | UnitKind::TechnicalCollege
        )
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            UnitKind::CityBureau => "市教育（教体）局",
            UnitKind::HigherVocationalCollege => "高职院校",
            UnitKind::SecondaryVocationalSchool => "中职学校",
            UnitKind::TechnicalCollege => "省属技工院校",
            UnitKind::CityHrBureau => "市人力资源社会保障局",
            UnitKind::Enterprise => "行业企业",
            UnitKind::Province => "省级单位",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hr_units_go_to_the_hr_desk() {
        assert_eq!(UnitKind::CityHrBureau.desk(), Desk::Hr);
        assert_eq!(UnitKind::TechnicalCollege.desk(), Desk::Hr);
        assert_eq!(UnitKind::HigherVocationalCollege.desk(), Desk::Edu);
        assert_eq!(UnitKind::CityBureau.desk(), Desk::Edu);
    }

    #[test]
    fn unknown_kind_lists_the_allowed_ones() {
        let err = UnitKind::parse("ministry").unwrap_err();
        assert!(matches!(err, DomainError::UnknownValue { ref allowed, .. } if allowed.len() == 7));
    }
}

//! A unit's row as the other crates see it.

use chrono::{DateTime, Utc};
use vocweek_domain::{Desk, UnitKind};

use crate::DbError;
use crate::entities::unit;

/// One reporting unit: the `units` row, with its kind and desk as domain types.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    pub id: i32,
    pub name: String,
    pub kind: UnitKind,
    /// The desk its items go to (stored when the unit was created, from its kind).
    pub desk: Desk,
    /// A city slug of the vocabulary.
    pub city: String,
    pub created_at: DateTime<Utc>,
}

/// The one place a stored unit kind or desk is read back: a value outside its set was written
/// by hand or by a bug, so it is `Corrupt`.
impl TryFrom<unit::Model> for Unit {
    type Error = DbError;

    fn try_from(row: unit::Model) -> Result<Self, DbError> {
        let corrupt =
            |err: vocweek_domain::DomainError| DbError::Corrupt(format!("unit {}: {err}", row.id));
        let kind = UnitKind::parse(&row.kind).map_err(corrupt)?;
        let desk = Desk::parse(&row.desk).map_err(corrupt)?;
        Ok(Unit {
            id: row.id,
            name: row.name,
            kind,
            desk,
            city: row.city,
            created_at: row.created_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: &str) -> unit::Model {
        unit::Model {
            id: 3,
            name: "济南职业学院".to_owned(),
            kind: kind.to_owned(),
            desk: "edu".to_owned(),
            city: "jinan".to_owned(),
            created_at: DateTime::<Utc>::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_stored_row_reads_as_domain_values() {
        let unit = Unit::try_from(row("higher_vocational_college")).unwrap();
        assert_eq!(
            (unit.kind, unit.desk),
            (UnitKind::HigherVocationalCollege, Desk::Edu)
        );
    }

    #[test]
    fn an_unknown_stored_kind_is_corrupt_data() {
        let err = Unit::try_from(row("school")).unwrap_err();
        assert!(
            matches!(err, DbError::Corrupt(ref why) if why.contains("unit 3")),
            "{err}"
        );
    }
}

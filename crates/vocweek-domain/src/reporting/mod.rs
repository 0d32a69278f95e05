//! The campaign's reporting rules (seed 四(二) and 附件2): deadlines read in Beijing days, the
//! statistics table's fields and checks, and the contact details a unit registers before the week.

mod contact;
mod deadline;
mod document;
mod statistics;

pub use contact::{Liaison, check_email, check_mainland_mobile, check_website};
pub use deadline::{Deadline, beijing_day_start, campaign_days};
pub use document::DocumentPurpose;
pub use statistics::{
    Coverage, FieldProblem, RawFigures, STATISTICS_COLUMNS, StatisticsFigures, check_draft,
    check_final, weighted_coverage,
};

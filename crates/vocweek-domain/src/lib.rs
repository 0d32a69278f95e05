//! The campaign's vocabulary in types: asset kinds and states, units and desks, roles, tags and
//! the vocabularies they are checked against. Pure: no I/O, no async, no SQL.

mod asset_kind;
mod asset_state;
mod byte_size;
mod campaign;
mod case;
mod clock;
mod error;
mod local_time;
mod notice;
mod plain_text;
pub mod reporting;
mod review;
mod role;
mod tags;
mod unit_kind;
mod vocabulary;

pub use asset_kind::AssetKind;
pub use asset_state::AssetState;
pub use byte_size::ByteSize;
pub use campaign::{CampaignFields, CampaignSeed, builtin_campaigns};
pub use case::{
    CASE_ATTACHMENTS_MAX, CASE_BODY_MAX_CHARS, CASE_CONTACT_NAME_MAX_CHARS,
    CASE_CONTACT_PHONE_MAX_CHARS, CASE_CONTACT_ROLE_MAX_CHARS, CASE_CONTACTS_MAX,
    CASE_SUMMARY_MAX_CHARS, CaseContact,
};
pub use clock::Clock;
pub use error::DomainError;
pub use local_time::{in_shanghai, parse_date, parse_timestamp, today_in_shanghai};
pub use notice::NoticeKind;
pub use plain_text::{
    CREDIT_MAX_CHARS, CreditProblem, TITLE_MAX_CHARS, checked_credit, control_character,
};
pub use review::{HISTORY_ACTIONS, ReviewAction};
pub use role::{Role, UnitRole};
pub use tags::{TagChange, TagInput, Tags};
pub use unit_kind::{Desk, UnitKind};
pub use vocabulary::{Category, Term, Vocabulary};

//! The campaign's vocabulary in types: asset kinds and states, units and desks, roles, tags and
//! the vocabularies they are checked against. Pure: no I/O, no async, no SQL.

mod asset_kind;
mod asset_state;
mod byte_size;
mod campaign;
mod clock;
mod error;
mod local_time;
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
pub use clock::Clock;
pub use error::DomainError;
pub use local_time::{parse_date, parse_timestamp, today_in_shanghai};
pub use plain_text::{TITLE_MAX_CHARS, control_character};
pub use review::{HISTORY_ACTIONS, ReviewAction};
pub use role::Role;
pub use tags::{TagChange, TagInput, Tags};
pub use unit_kind::{Desk, UnitKind};
pub use vocabulary::{Category, Term, Vocabulary};

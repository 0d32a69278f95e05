//! Plain records that other crates read: a table's row with its closed sets of values as
//! domain types, checked once here when the row is read, so no caller parses strings again.
//! The sea-orm entities they are read from stay private to vocweek-db.

pub mod asset;
pub mod asset_version;
pub mod audit_event;
pub mod batch;
pub mod campaign;
pub mod feed_event;
pub mod job;
pub mod notification;
pub mod partner;
pub mod rendition;
pub mod resumable_upload;
pub mod statistics_report;
pub mod submission;
pub mod unit;
pub mod unit_document;
pub mod unit_member;
pub mod unit_registration;
pub mod user;
pub mod webhook;
pub mod webhook_delivery;

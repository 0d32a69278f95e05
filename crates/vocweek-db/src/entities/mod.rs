//! sea-orm entities, one file a table, matching `migrations/` column for column.

pub mod asset;
pub mod asset_theme;
pub mod audit_event;
pub mod batch;
pub mod batch_item;
pub mod campaign;
pub mod feed_event;
pub mod installation_secret;
pub mod job;
pub mod media_verdict;
pub mod partner;
pub mod photo_hash;
pub mod photo_hash_band;
pub mod rendition;
pub mod resumable_upload;
pub mod statistics_report;
pub mod submission;
pub mod token;
pub mod unit;
pub mod unit_document;
pub mod unit_registration;
pub mod user;
pub mod vocabulary_term;
pub mod webhook;
pub mod webhook_delivery;

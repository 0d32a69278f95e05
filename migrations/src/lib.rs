//! The one schema of vocweek, for SQLite and PostgreSQL alike (sea-orm-migration).
//!
//! Conventions: asset ids are UUIDv7 text (time-ordered, so keyset pagination by id is also by
//! upload time, and the same column type works on both databases); job-queue times are epoch
//! milliseconds (BIGINT) because the claim query compares them in SQL on both databases;
//! other timestamps are `timestamp with time zone` in UTC.

pub use sea_orm_migration::prelude::*;

mod m20261130_000001_accounts;
mod m20261130_000002_assets;
mod m20261130_000003_jobs_and_audit;
mod m20261130_000004_photo_hashes;
mod m20261130_000005_review_note;
mod m20261130_000006_batches;
mod m20261130_000007_resumable_uploads;
mod m20261130_000008_distribution;
mod m20261130_000009_reporting;
mod m20261201_000010_media_verdicts;
mod m20261202_000011_asset_versions;
mod m20261202_000012_credit_and_consent;
mod m20261202_000013_notifications;
mod m20261202_000014_case_attachments;
mod m20261202_000015_unit_members;
mod m20261202_000016_live_channels;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261130_000001_accounts::Migration),
            Box::new(m20261130_000002_assets::Migration),
            Box::new(m20261130_000003_jobs_and_audit::Migration),
            Box::new(m20261130_000004_photo_hashes::Migration),
            Box::new(m20261130_000005_review_note::Migration),
            Box::new(m20261130_000006_batches::Migration),
            Box::new(m20261130_000007_resumable_uploads::Migration),
            Box::new(m20261130_000008_distribution::Migration),
            Box::new(m20261130_000009_reporting::Migration),
            Box::new(m20261201_000010_media_verdicts::Migration),
            Box::new(m20261202_000011_asset_versions::Migration),
            Box::new(m20261202_000012_credit_and_consent::Migration),
            Box::new(m20261202_000013_notifications::Migration),
            Box::new(m20261202_000014_case_attachments::Migration),
            Box::new(m20261202_000015_unit_members::Migration),
            Box::new(m20261202_000016_live_channels::Migration),
        ]
    }
}

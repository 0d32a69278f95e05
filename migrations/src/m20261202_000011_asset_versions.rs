//! Earlier files of an asset: a unit that corrects a returned item by sending another file
//! keeps the item (its id, title, tags, history) and the file it replaced, numbered from 1
//! (the first file sent). The rows outlive no asset: deleting one deletes its versions in the
//! same transaction (no foreign key, so that the deletion reads the versions' hashes first and
//! removes their blobs after the commit).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AssetVersions::Table)
                    .col(string_len(AssetVersions::AssetId, 36))
                    .col(integer(AssetVersions::Number))
                    .col(string_len(AssetVersions::Blake3, 64))
                    .col(big_integer(AssetVersions::Size))
                    .col(string(AssetVersions::Mime))
                    .col(string(AssetVersions::OriginalFilename))
                    .col(timestamp_with_time_zone(AssetVersions::ReplacedAt))
                    .col(string(AssetVersions::ReplacedBy))
                    .primary_key(
                        Index::create()
                            .col(AssetVersions::AssetId)
                            .col(AssetVersions::Number),
                    )
                    .to_owned(),
            )
            .await?;
        // Whether any version still holds a blob (deleting an asset, fsck) is a lookup.
        manager
            .create_index(
                Index::create()
                    .name("ix_asset_versions_blake3")
                    .table(AssetVersions::Table)
                    .col(AssetVersions::Blake3)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AssetVersions::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum AssetVersions {
    Table,
    AssetId,
    Number,
    Blake3,
    Size,
    Mime,
    OriginalFilename,
    ReplacedAt,
    ReplacedBy,
}

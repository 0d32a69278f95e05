//! Perceptual hashes of photos, and their bands for finding near-duplicates without a scan.
//!
//! The 64-bit hash is split into 8 bands of 8 bits. Two hashes within Hamming distance 7 or less
//! share at least one band exactly (pigeonhole), so candidates are the photos that match any
//! band: an index lookup per band instead of a comparison with every stored photo.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261130_000002_assets::Assets;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PhotoHashes::Table)
                    .col(string_len(PhotoHashes::AssetId, 36).primary_key())
                    .col(big_integer(PhotoHashes::Hash))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PhotoHashes::Table, PhotoHashes::AssetId)
                            .to(Assets::Table, Assets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PhotoHashBands::Table)
                    .col(small_integer(PhotoHashBands::Band))
                    .col(small_integer(PhotoHashBands::Value))
                    .col(string_len(PhotoHashBands::AssetId, 36))
                    .primary_key(
                        Index::create()
                            .col(PhotoHashBands::Band)
                            .col(PhotoHashBands::Value)
                            .col(PhotoHashBands::AssetId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PhotoHashBands::Table, PhotoHashBands::AssetId)
                            .to(Assets::Table, Assets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_photo_hash_bands_asset")
                    .table(PhotoHashBands::Table)
                    .col(PhotoHashBands::AssetId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PhotoHashBands::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PhotoHashes::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum PhotoHashes {
    Table,
    AssetId,
    Hash,
}

#[derive(DeriveIden)]
enum PhotoHashBands {
    Table,
    Band,
    Value,
    AssetId,
}

//! Recommendation batches: the best items a desk sends to the Ministry of Education, in order.

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
                    .table(Batches::Table)
                    .col(pk_auto(Batches::Id))
                    .col(integer(Batches::CampaignId))
                    .col(string(Batches::Desk))
                    .col(string(Batches::Title))
                    .col(text(Batches::Note))
                    .col(string(Batches::State))
                    .col(integer(Batches::CreatedBy))
                    .col(timestamp_with_time_zone(Batches::CreatedAt))
                    .col(timestamp_with_time_zone_null(Batches::SentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BatchItems::Table)
                    .col(integer(BatchItems::BatchId))
                    .col(string_len(BatchItems::AssetId, 36))
                    .col(integer(BatchItems::Position))
                    .primary_key(
                        Index::create()
                            .col(BatchItems::BatchId)
                            .col(BatchItems::AssetId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(BatchItems::Table, BatchItems::BatchId)
                            .to(Batches::Table, Batches::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(BatchItems::Table, BatchItems::AssetId)
                            .to(Assets::Table, Assets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BatchItems::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Batches::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Batches {
    #[sea_orm(iden = "recommendation_batches")]
    Table,
    Id,
    CampaignId,
    Desk,
    Title,
    Note,
    State,
    CreatedBy,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum BatchItems {
    Table,
    BatchId,
    AssetId,
    Position,
}

//! Verdicts on bytes that killed a media child (a crash, memory beyond its limit, a timeout):
//! kept by BLAKE3 so the same bytes fail at once with the same code wherever they come back
//! (a re-upload after deletion, a picture inside another document), instead of costing
//! another child.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MediaVerdicts::Table)
                    .col(string(MediaVerdicts::Blake3).primary_key())
                    .col(string(MediaVerdicts::Code))
                    .col(text(MediaVerdicts::Reason))
                    .col(timestamp_with_time_zone(MediaVerdicts::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MediaVerdicts::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum MediaVerdicts {
    Table,
    Blake3,
    Code,
    Reason,
    CreatedAt,
}

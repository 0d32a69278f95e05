//! Resumable (tus) uploads: the state of each upload in the database, so any API node can take
//! the next PATCH; the bytes themselves live beside the store.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261130_000001_accounts::Units;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Uploads::Table)
                    .col(string_len(Uploads::Id, 36).primary_key())
                    .col(integer(Uploads::UnitId))
                    // NULL until a deferred length is declared (creation-defer-length).
                    .col(big_integer_null(Uploads::Length))
                    .col(big_integer(Uploads::Received))
                    // The client's Upload-Metadata header, echoed by HEAD, parsed again at the end.
                    .col(text(Uploads::Metadata))
                    .col(string(Uploads::Filename))
                    .col(string(Uploads::State))
                    .col(string_null(Uploads::LockedBy))
                    .col(big_integer_null(Uploads::LockedUntil))
                    .col(string_len_null(Uploads::AssetId, 36))
                    .col(boolean(Uploads::Duplicate).default(false))
                    .col(string_null(Uploads::ErrorCode))
                    .col(text_null(Uploads::ErrorMessage))
                    // Epoch milliseconds, like the job queue: compared in SQL on both databases.
                    .col(big_integer(Uploads::ExpiresAt))
                    .col(big_integer(Uploads::CreatedAt))
                    .col(big_integer(Uploads::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Uploads::Table, Uploads::UnitId)
                            .to(Units::Table, Units::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uploads_by_expiry")
                    .table(Uploads::Table)
                    .col(Uploads::State)
                    .col(Uploads::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Uploads::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Uploads {
    #[sea_orm(iden = "resumable_uploads")]
    Table,
    Id,
    UnitId,
    Length,
    Received,
    Metadata,
    Filename,
    State,
    LockedBy,
    LockedUntil,
    AssetId,
    Duplicate,
    ErrorCode,
    ErrorMessage,
    ExpiresAt,
    CreatedAt,
    UpdatedAt,
}

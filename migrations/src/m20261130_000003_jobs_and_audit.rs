//! The durable job queue and the audit trail.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .col(pk_auto(Jobs::Id))
                    .col(string(Jobs::Kind))
                    .col(string_len_null(Jobs::AssetId, 36))
                    .col(text(Jobs::Payload))
                    .col(string(Jobs::State))
                    .col(integer(Jobs::Attempts))
                    .col(integer(Jobs::MaxAttempts))
                    .col(big_integer(Jobs::RunAfter))
                    .col(string_null(Jobs::LockedBy))
                    .col(big_integer_null(Jobs::LockedUntil))
                    .col(text_null(Jobs::LastError))
                    .col(double(Jobs::Progress))
                    .col(big_integer(Jobs::CreatedAt))
                    .col(big_integer(Jobs::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // The claim query reads queued jobs by due time and running jobs by lease expiry.
        manager
            .create_index(
                Index::create()
                    .name("ix_jobs_state_run_after")
                    .table(Jobs::Table)
                    .col(Jobs::State)
                    .col(Jobs::RunAfter)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_jobs_state_locked_until")
                    .table(Jobs::Table)
                    .col(Jobs::State)
                    .col(Jobs::LockedUntil)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_jobs_asset")
                    .table(Jobs::Table)
                    .col(Jobs::AssetId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(pk_auto(AuditEvents::Id))
                    .col(string_len_null(AuditEvents::AssetId, 36))
                    .col(string(AuditEvents::ActorKind))
                    .col(string_null(AuditEvents::ActorId))
                    .col(string(AuditEvents::Action))
                    .col(string_null(AuditEvents::FromState))
                    .col(string_null(AuditEvents::ToState))
                    .col(json(AuditEvents::Details))
                    .col(timestamp_with_time_zone(AuditEvents::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_events_asset_id")
                    .table(AuditEvents::Table)
                    .col(AuditEvents::AssetId)
                    .col(AuditEvents::Id)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEvents::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Jobs::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    Kind,
    AssetId,
    Payload,
    State,
    Attempts,
    MaxAttempts,
    RunAfter,
    LockedBy,
    LockedUntil,
    LastError,
    Progress,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    AssetId,
    ActorKind,
    ActorId,
    Action,
    FromState,
    ToState,
    Details,
    CreatedAt,
}

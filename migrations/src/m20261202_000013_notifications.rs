//! Notices to units (issue 19): an item returned or rejected, the desk's reminder, a day sent
//! nothing, a report overdue. Each is shown on the unit's 我的报送 page and mailed to its
//! liaison; the row is also the mail's outbox (its state, attempts and next attempt, epoch
//! milliseconds as in the job queue). `(unit_id, kind, dedupe_key)` is unique: a reminder or a
//! missed day is recorded once per unit and day however many times it is asked for.

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
                    .table(Notifications::Table)
                    .col(pk_auto(Notifications::Id))
                    .col(integer(Notifications::UnitId))
                    .col(string(Notifications::Kind))
                    // No foreign key: the notice outlives a deleted item.
                    .col(string_len_null(Notifications::AssetId, 36))
                    // JSON: what the sentence names (title, note, day, report, due day).
                    .col(text(Notifications::Params))
                    .col(string(Notifications::DedupeKey))
                    .col(timestamp_with_time_zone(Notifications::CreatedAt))
                    .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                    // `pending`, `sent`, `no-address`, `failed` or `disabled`.
                    .col(string(Notifications::MailState))
                    .col(integer(Notifications::MailAttempts).default(0))
                    .col(big_integer(Notifications::NextAttemptAt))
                    .col(text_null(Notifications::LastError))
                    .col(timestamp_with_time_zone_null(Notifications::SentAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Notifications::Table, Notifications::UnitId)
                            .to(Units::Table, Units::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_notifications_once")
                    .table(Notifications::Table)
                    .col(Notifications::UnitId)
                    .col(Notifications::Kind)
                    .col(Notifications::DedupeKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // A unit's notices, newest first.
        manager
            .create_index(
                Index::create()
                    .name("notifications_by_unit")
                    .table(Notifications::Table)
                    .col(Notifications::UnitId)
                    .col(Notifications::Id)
                    .to_owned(),
            )
            .await?;
        // The mail sender's claim: pending and due.
        manager
            .create_index(
                Index::create()
                    .name("notifications_due_mail")
                    .table(Notifications::Table)
                    .col(Notifications::MailState)
                    .col(Notifications::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Notifications::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UnitId,
    Kind,
    AssetId,
    Params,
    DedupeKey,
    CreatedAt,
    ReadAt,
    MailState,
    MailAttempts,
    NextAttemptAt,
    LastError,
    SentAt,
}

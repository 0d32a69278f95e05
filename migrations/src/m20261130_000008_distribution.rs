//! Distribution to media partners: the feed's event log, webhook subscriptions and their
//! delivery log, and installation secrets (the key that signs media URLs, shared by all nodes).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261130_000001_accounts::Partners;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Appended in the transaction that publishes or withdraws an asset; the id is the
        // feed's order (writers serialise, so ids commit in order — see vocweek-db feed.rs).
        manager
            .create_table(
                Table::create()
                    .table(FeedEvents::Table)
                    .col(big_integer(FeedEvents::Id).auto_increment().primary_key())
                    .col(string_len(FeedEvents::AssetId, 36))
                    .col(string(FeedEvents::Event))
                    // The tags when the event happened, so feed filters also match the
                    // tombstone of an asset deleted since; themes as `|a|b|`.
                    .col(string(FeedEvents::Kind))
                    .col(string(FeedEvents::City))
                    .col(string(FeedEvents::Category))
                    .col(text(FeedEvents::Themes))
                    // No foreign key: a deleted asset's tombstone outlives its row.
                    .col(timestamp_with_time_zone(FeedEvents::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("feed_events_by_time")
                    .table(FeedEvents::Table)
                    .col(FeedEvents::CreatedAt)
                    .to_owned(),
            )
            .await?;
        // "Is there a later event of this asset?" — the feed shows only an asset's latest.
        manager
            .create_index(
                Index::create()
                    .name("feed_events_by_asset")
                    .table(FeedEvents::Table)
                    .col(FeedEvents::AssetId)
                    .col(FeedEvents::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Webhooks::Table)
                    .col(pk_auto(Webhooks::Id))
                    .col(integer(Webhooks::PartnerId))
                    .col(text(Webhooks::Url))
                    // `whsec_<base64>` as the Standard Webhooks specification writes secrets.
                    .col(string(Webhooks::Secret))
                    .col(timestamp_with_time_zone(Webhooks::CreatedAt))
                    .col(timestamp_with_time_zone_null(Webhooks::DisabledAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Webhooks::Table, Webhooks::PartnerId)
                            .to(Partners::Table, Partners::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Deliveries::Table)
                    .col(pk_auto(Deliveries::Id))
                    // The `webhook-id` header: the same for every attempt, so receivers dedupe.
                    .col(string_uniq(Deliveries::MessageId))
                    .col(integer(Deliveries::WebhookId))
                    .col(string(Deliveries::EventType))
                    .col(text(Deliveries::Payload))
                    .col(string(Deliveries::State))
                    .col(integer(Deliveries::Attempts).default(0))
                    .col(integer_null(Deliveries::LastStatus))
                    .col(text_null(Deliveries::LastError))
                    .col(timestamp_with_time_zone(Deliveries::CreatedAt))
                    .col(timestamp_with_time_zone(Deliveries::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Deliveries::DeliveredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Deliveries::Table, Deliveries::WebhookId)
                            .to(Webhooks::Table, Webhooks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("webhook_deliveries_by_hook")
                    .table(Deliveries::Table)
                    .col(Deliveries::WebhookId)
                    .col(Deliveries::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Secrets::Table)
                    .col(string(Secrets::Name).primary_key())
                    .col(string(Secrets::Value))
                    .col(timestamp_with_time_zone(Secrets::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Secrets::Table.into_iden(),
            Deliveries::Table.into_iden(),
            Webhooks::Table.into_iden(),
            FeedEvents::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum FeedEvents {
    Table,
    Id,
    AssetId,
    Event,
    Kind,
    City,
    Category,
    Themes,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    PartnerId,
    Url,
    Secret,
    CreatedAt,
    DisabledAt,
}

#[derive(DeriveIden)]
enum Deliveries {
    #[sea_orm(iden = "webhook_deliveries")]
    Table,
    Id,
    MessageId,
    WebhookId,
    EventType,
    Payload,
    State,
    Attempts,
    LastStatus,
    LastError,
    CreatedAt,
    UpdatedAt,
    DeliveredAt,
}

#[derive(DeriveIden)]
enum Secrets {
    #[sea_orm(iden = "installation_secrets")]
    Table,
    Name,
    Value,
    CreatedAt,
}

//! Live channels (网上观赛通道): a channel an editor opens for a competition event, its events
//! (one publish, or several joined by reconnects within the grace period) and the HLS segments
//! each event's renditions made, in the shared store under `live/<event>/…`.
//!
//! The stream key itself is never stored: only its BLAKE3 (`key_hash`, unique, so a key names
//! one channel), and its last four characters for the page. A revoked key is a NULL hash.
//! Segment rows are what every node's playlists are built from: the node that ingests writes
//! them, any node serves them.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261130_000001_accounts::{Campaigns, Units};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LiveChannels::Table)
                    .col(string_len(LiveChannels::Id, 36).primary_key())
                    .col(integer(LiveChannels::CampaignId))
                    .col(integer(LiveChannels::UnitId))
                    .col(string(LiveChannels::Title))
                    .col(string(LiveChannels::City))
                    .col(string(LiveChannels::Category))
                    .col(string(LiveChannels::Subcategory))
                    .col(text(LiveChannels::Themes))
                    .col(timestamp_with_time_zone(LiveChannels::ScheduledStart))
                    .col(string_len_null(LiveChannels::KeyHash, 64).unique_key())
                    .col(string_len(LiveChannels::KeyHint, 8))
                    .col(string_len_null(LiveChannels::LastRefusal, 40))
                    .col(timestamp_with_time_zone_null(LiveChannels::LastRefusalAt))
                    .col(integer_null(LiveChannels::CreatedBy))
                    .col(timestamp_with_time_zone(LiveChannels::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(LiveChannels::Table, LiveChannels::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LiveChannels::Table, LiveChannels::UnitId)
                            .to(Units::Table, Units::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LiveEvents::Table)
                    .col(string_len(LiveEvents::Id, 36).primary_key())
                    .col(string_len(LiveEvents::ChannelId, 36))
                    .col(string(LiveEvents::Node))
                    .col(timestamp_with_time_zone(LiveEvents::StartedAt))
                    .col(timestamp_with_time_zone_null(LiveEvents::InterruptedAt))
                    .col(timestamp_with_time_zone_null(LiveEvents::EndedAt))
                    .col(string_len_null(LiveEvents::EndedHow, 20))
                    .col(text_null(LiveEvents::Ladder))
                    .col(integer(LiveEvents::Publishes))
                    .col(big_integer(LiveEvents::SequenceBase))
                    .col(string_len_null(LiveEvents::ReplayAssetId, 36))
                    .foreign_key(
                        ForeignKey::create()
                            .from(LiveEvents::Table, LiveEvents::ChannelId)
                            .to(LiveChannels::Table, LiveChannels::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A channel's page and its playlists ask for its latest event.
        manager
            .create_index(
                Index::create()
                    .name("ix_live_events_channel_started")
                    .table(LiveEvents::Table)
                    .col(LiveEvents::ChannelId)
                    .col(LiveEvents::StartedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LiveSegments::Table)
                    .col(string_len(LiveSegments::EventId, 36))
                    .col(string_len(LiveSegments::Rung, 16))
                    .col(big_integer(LiveSegments::Sequence))
                    .col(integer(LiveSegments::DurationMs))
                    .col(big_integer(LiveSegments::Bytes))
                    .col(boolean(LiveSegments::Discontinuity))
                    .col(timestamp_with_time_zone(LiveSegments::StoredAt))
                    .primary_key(
                        Index::create()
                            .col(LiveSegments::EventId)
                            .col(LiveSegments::Rung)
                            .col(LiveSegments::Sequence),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LiveSegments::Table, LiveSegments::EventId)
                            .to(LiveEvents::Table, LiveEvents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LiveSegments::Table.into_iden(),
            LiveEvents::Table.into_iden(),
            LiveChannels::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum LiveChannels {
    Table,
    Id,
    CampaignId,
    UnitId,
    Title,
    City,
    Category,
    Subcategory,
    Themes,
    ScheduledStart,
    KeyHash,
    KeyHint,
    LastRefusal,
    LastRefusalAt,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LiveEvents {
    Table,
    Id,
    ChannelId,
    Node,
    StartedAt,
    InterruptedAt,
    EndedAt,
    EndedHow,
    Ladder,
    Publishes,
    SequenceBase,
    ReplayAssetId,
}

#[derive(DeriveIden)]
enum LiveSegments {
    Table,
    EventId,
    Rung,
    Sequence,
    DurationMs,
    Bytes,
    Discontinuity,
    StoredAt,
}

//! Assets, their themes, which units submitted them, and their renditions.
//!
//! Single-valued tags (city, category, subcategory) are columns of `assets`, so the schema itself
//! says "one city, one category" and the queue's filters get composite indexes; themes, of which
//! an asset has any number, live in `asset_themes`.

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
                    .table(Assets::Table)
                    .col(string_len(Assets::Id, 36).primary_key())
                    .col(integer(Assets::CampaignId))
                    .col(integer(Assets::UnitId))
                    .col(string(Assets::Desk))
                    .col(string(Assets::Kind))
                    .col(string(Assets::State))
                    .col(string_len_uniq(Assets::Blake3, 64))
                    .col(big_integer(Assets::Size))
                    .col(string(Assets::Mime))
                    .col(string(Assets::OriginalFilename))
                    .col(string(Assets::Title))
                    .col(text(Assets::Description))
                    .col(string(Assets::City))
                    .col(string_null(Assets::Category))
                    .col(string_null(Assets::Subcategory))
                    .col(timestamp_with_time_zone_null(Assets::CapturedAt))
                    .col(date(Assets::ActivityDate))
                    .col(json(Assets::Metadata))
                    .col(string_null(Assets::FailureCode))
                    .col(text_null(Assets::FailureReason))
                    .col(integer(Assets::Version))
                    .col(timestamp_with_time_zone(Assets::CreatedAt))
                    .col(timestamp_with_time_zone(Assets::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Assets::Table, Assets::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Assets::Table, Assets::UnitId)
                            .to(Units::Table, Units::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // Every queue filter is an equality followed by keyset order on id (UUIDv7 = time).
        for (name, column) in [
            ("ix_assets_state_id", Assets::State),
            ("ix_assets_kind_id", Assets::Kind),
            ("ix_assets_city_id", Assets::City),
            ("ix_assets_category_id", Assets::Category),
            ("ix_assets_activity_date_id", Assets::ActivityDate),
            ("ix_assets_desk_id", Assets::Desk),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Assets::Table)
                        .col(column)
                        .col(Assets::Id)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ix_assets_desk_state_id")
                    .table(Assets::Table)
                    .col(Assets::Desk)
                    .col(Assets::State)
                    .col(Assets::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AssetThemes::Table)
                    .col(string_len(AssetThemes::AssetId, 36))
                    .col(string(AssetThemes::Theme))
                    .primary_key(
                        Index::create()
                            .col(AssetThemes::AssetId)
                            .col(AssetThemes::Theme),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AssetThemes::Table, AssetThemes::AssetId)
                            .to(Assets::Table, Assets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_asset_themes_theme_asset")
                    .table(AssetThemes::Table)
                    .col(AssetThemes::Theme)
                    .col(AssetThemes::AssetId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Submissions::Table)
                    .col(pk_auto(Submissions::Id))
                    .col(string_len(Submissions::AssetId, 36))
                    .col(integer(Submissions::UnitId))
                    .col(string(Submissions::OriginalFilename))
                    .col(string(Submissions::Title))
                    .col(timestamp_with_time_zone(Submissions::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Submissions::Table, Submissions::AssetId)
                            .to(Assets::Table, Assets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Submissions::Table, Submissions::UnitId)
                            .to(Units::Table, Units::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One row per (unit, asset): a unit re-sending its own file adds nothing.
        manager
            .create_index(
                Index::create()
                    .name("ux_submissions_unit_asset")
                    .table(Submissions::Table)
                    .col(Submissions::UnitId)
                    .col(Submissions::AssetId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_submissions_asset")
                    .table(Submissions::Table)
                    .col(Submissions::AssetId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Renditions::Table)
                    .col(pk_auto(Renditions::Id))
                    .col(string_len(Renditions::AssetId, 36))
                    .col(string(Renditions::Name))
                    .col(string(Renditions::StorageKey))
                    .col(string(Renditions::Mime))
                    .col(big_integer(Renditions::Size))
                    .col(integer_null(Renditions::Width))
                    .col(integer_null(Renditions::Height))
                    .col(timestamp_with_time_zone(Renditions::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Renditions::Table, Renditions::AssetId)
                            .to(Assets::Table, Assets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_renditions_asset_name")
                    .table(Renditions::Table)
                    .col(Renditions::AssetId)
                    .col(Renditions::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Renditions::Table.into_iden(),
            Submissions::Table.into_iden(),
            AssetThemes::Table.into_iden(),
            Assets::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub enum Assets {
    Table,
    Id,
    CampaignId,
    UnitId,
    Desk,
    Kind,
    State,
    Blake3,
    Size,
    Mime,
    OriginalFilename,
    Title,
    Description,
    City,
    Category,
    Subcategory,
    CapturedAt,
    ActivityDate,
    Metadata,
    FailureCode,
    FailureReason,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AssetThemes {
    Table,
    AssetId,
    Theme,
}

#[derive(DeriveIden)]
pub enum Submissions {
    Table,
    Id,
    AssetId,
    UnitId,
    OriginalFilename,
    Title,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Renditions {
    Table,
    Id,
    AssetId,
    Name,
    StorageKey,
    Mime,
    Size,
    Width,
    Height,
    CreatedAt,
}

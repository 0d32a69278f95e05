//! Who made an item (作者/摄影, its credit line) and whether the unit has the consent of the
//! people recognisable in it (肖像使用已授权). Both travel with the item to the partners and the
//! Ministry's list; an item without consent is recommended only when an editor confirms it.
//! Existing items get no credit and no consent: nobody declared one for them.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261130_000002_assets::Assets;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Assets::Table)
                    .add_column(text(AssetsCredit::Credit).default(""))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Assets::Table)
                    .add_column(boolean(AssetsCredit::PortraitConsent).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [AssetsCredit::PortraitConsent, AssetsCredit::Credit] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Assets::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum AssetsCredit {
    Credit,
    PortraitConsent,
}

//! The photos and videos a 典型案例 (a case, an asset of kind `case`) attaches, in the order its
//! unit chose them: an editor sees them from the case, and the cases from each item. A link
//! outlives neither end: deleting the case or the attached item deletes its rows
//! (`ON DELETE CASCADE`, in the deletion's transaction).

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
                    .table(CaseAttachments::Table)
                    .col(string_len(CaseAttachments::CaseId, 36))
                    .col(string_len(CaseAttachments::AssetId, 36))
                    .col(integer(CaseAttachments::Position))
                    .primary_key(
                        Index::create()
                            .col(CaseAttachments::CaseId)
                            .col(CaseAttachments::AssetId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseAttachments::Table, CaseAttachments::CaseId)
                            .to(Assets::Table, Assets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseAttachments::Table, CaseAttachments::AssetId)
                            .to(Assets::Table, Assets::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // An item's page lists the cases that attach it: a lookup by the attached item.
        manager
            .create_index(
                Index::create()
                    .name("ix_case_attachments_asset_id")
                    .table(CaseAttachments::Table)
                    .col(CaseAttachments::AssetId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CaseAttachments::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum CaseAttachments {
    Table,
    CaseId,
    AssetId,
    Position,
}

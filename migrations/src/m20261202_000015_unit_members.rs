//! Personal accounts of a unit's people (issue 19), beside the unit's shared upload token: a
//! unit admin invites colleagues by username and a generated password. A person's session is a
//! `tokens` row of kind `session` naming the unit AND the person (`tokens.member_id`), so it
//! acts as the unit. What a person sends names them (`submissions.member_id`); the shared
//! token's submissions leave it empty.
//!
//! People are disabled, never deleted (their submissions keep naming them), so the new
//! columns hold no foreign key: SQLite cannot add one to an existing table.

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
                    .table(UnitMembers::Table)
                    .col(pk_auto(UnitMembers::Id))
                    .col(integer(UnitMembers::UnitId))
                    // Unique among the units' people; the staff's `users` are another sign-in.
                    .col(string_uniq(UnitMembers::Username))
                    .col(string(UnitMembers::DisplayName))
                    .col(string(UnitMembers::PasswordHash))
                    .col(string(UnitMembers::Role))
                    .col(boolean(UnitMembers::MustChangePassword))
                    .col(timestamp_with_time_zone(UnitMembers::CreatedAt))
                    .col(timestamp_with_time_zone_null(UnitMembers::DisabledAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(UnitMembers::Table, UnitMembers::UnitId)
                            .to(Units::Table, Units::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_unit_members_unit_id")
                    .table(UnitMembers::Table)
                    .col(UnitMembers::UnitId)
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Tokens::Table)
                    .add_column(integer_null(Tokens::MemberId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Submissions::Table)
                    .add_column(integer_null(Submissions::MemberId))
                    .to_owned(),
            )
            .await?;
        // Disabling a person ends their sessions: one indexed update.
        manager
            .create_index(
                Index::create()
                    .name("ix_tokens_member_id")
                    .table(Tokens::Table)
                    .col(Tokens::MemberId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_tokens_member_id")
                    .table(Tokens::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Submissions::Table)
                    .drop_column(Submissions::MemberId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Tokens::Table)
                    .drop_column(Tokens::MemberId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(UnitMembers::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum UnitMembers {
    Table,
    Id,
    UnitId,
    Username,
    DisplayName,
    PasswordHash,
    Role,
    MustChangePassword,
    CreatedAt,
    DisabledAt,
}

#[derive(DeriveIden)]
enum Tokens {
    Table,
    MemberId,
}

#[derive(DeriveIden)]
enum Submissions {
    Table,
    MemberId,
}

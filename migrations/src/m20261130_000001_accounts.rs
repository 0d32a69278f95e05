//! Campaigns and their vocabularies; who uploads (units), who curates (users), who pulls
//! (partners), and the tokens each of them presents.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Campaigns::Table)
                    .col(pk_auto(Campaigns::Id))
                    .col(string_uniq(Campaigns::Slug))
                    .col(integer(Campaigns::Year))
                    .col(string(Campaigns::NameZh))
                    .col(string(Campaigns::NameEn))
                    .col(string(Campaigns::ThemeZh))
                    .col(string(Campaigns::ThemeEn))
                    .col(date(Campaigns::StartsOn))
                    .col(date(Campaigns::EndsOn))
                    .col(date(Campaigns::PlanDueOn))
                    .col(date(Campaigns::ReportDueOn))
                    .col(boolean(Campaigns::Active))
                    .col(timestamp_with_time_zone(Campaigns::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(VocabularyTerms::Table)
                    .col(pk_auto(VocabularyTerms::Id))
                    .col(integer(VocabularyTerms::CampaignId))
                    .col(string(VocabularyTerms::Facet))
                    .col(string(VocabularyTerms::Slug))
                    .col(string_null(VocabularyTerms::ParentSlug))
                    .col(string(VocabularyTerms::NameZh))
                    .col(string(VocabularyTerms::NameEn))
                    .col(integer(VocabularyTerms::Position))
                    .foreign_key(
                        ForeignKey::create()
                            .from(VocabularyTerms::Table, VocabularyTerms::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_vocabulary_terms_facet_slug")
                    .table(VocabularyTerms::Table)
                    .col(VocabularyTerms::CampaignId)
                    .col(VocabularyTerms::Facet)
                    .col(VocabularyTerms::Slug)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Units::Table)
                    .col(pk_auto(Units::Id))
                    .col(string_uniq(Units::Name))
                    .col(string(Units::Kind))
                    .col(string(Units::Desk))
                    .col(string(Units::City))
                    .col(timestamp_with_time_zone(Units::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk_auto(Users::Id))
                    .col(string_uniq(Users::Username))
                    .col(string(Users::PasswordHash))
                    .col(string(Users::Role))
                    .col(string_null(Users::Desk))
                    .col(boolean(Users::MustChangePassword))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Partners::Table)
                    .col(pk_auto(Partners::Id))
                    .col(string_uniq(Partners::Name))
                    .col(timestamp_with_time_zone(Partners::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Tokens::Table)
                    .col(pk_auto(Tokens::Id))
                    .col(string(Tokens::Kind))
                    .col(string_uniq(Tokens::Hash))
                    .col(string(Tokens::Prefix))
                    .col(integer_null(Tokens::UnitId))
                    .col(integer_null(Tokens::UserId))
                    .col(integer_null(Tokens::PartnerId))
                    .col(timestamp_with_time_zone(Tokens::CreatedAt))
                    .col(timestamp_with_time_zone_null(Tokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Tokens::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Tokens::Table, Tokens::UnitId)
                            .to(Units::Table, Units::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Tokens::Table, Tokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Tokens::Table, Tokens::PartnerId)
                            .to(Partners::Table, Partners::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_tokens_prefix")
                    .table(Tokens::Table)
                    .col(Tokens::Prefix)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Tokens::Table.into_iden(),
            Partners::Table.into_iden(),
            Users::Table.into_iden(),
            Units::Table.into_iden(),
            VocabularyTerms::Table.into_iden(),
            Campaigns::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
pub enum Campaigns {
    Table,
    Id,
    Slug,
    Year,
    NameZh,
    NameEn,
    ThemeZh,
    ThemeEn,
    StartsOn,
    EndsOn,
    PlanDueOn,
    ReportDueOn,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum VocabularyTerms {
    Table,
    Id,
    CampaignId,
    Facet,
    Slug,
    ParentSlug,
    NameZh,
    NameEn,
    Position,
}

#[derive(DeriveIden)]
pub enum Units {
    Table,
    Id,
    Name,
    Kind,
    Desk,
    City,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum Users {
    Table,
    Id,
    Username,
    PasswordHash,
    Role,
    Desk,
    MustChangePassword,
    CreatedAt,
}

#[derive(DeriveIden)]
pub enum Partners {
    Table,
    Id,
    Name,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Tokens {
    Table,
    Id,
    Kind,
    Hash,
    Prefix,
    UnitId,
    UserId,
    PartnerId,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

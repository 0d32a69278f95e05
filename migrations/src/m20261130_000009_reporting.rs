//! Campaign reporting (seed 四(二), 附件2): what each unit registers before the week (website,
//! liaison), the documents it sends (activity plan, summary report) and its statistics table.
//! Lateness is not stored: it is the first submission's time against the campaign's deadline.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261130_000001_accounts::{Campaigns, Units};
use crate::m20261130_000002_assets::Submissions;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The daily tracker counts what units uploaded, not the pictures an article job took
        // out of their documents.
        manager
            .alter_table(
                Table::alter()
                    .table(Submissions::Table)
                    .add_column(boolean(SubmissionsExtracted::Extracted).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UnitRegistrations::Table)
                    .col(integer(UnitRegistrations::CampaignId))
                    .col(integer(UnitRegistrations::UnitId))
                    .col(text_null(UnitRegistrations::WebsiteUrl))
                    .col(timestamp_with_time_zone_null(
                        UnitRegistrations::WebsiteFirstAt,
                    ))
                    .col(string_null(UnitRegistrations::LiaisonName))
                    .col(string_null(UnitRegistrations::LiaisonMobile))
                    .col(string_null(UnitRegistrations::LiaisonEmail))
                    .col(timestamp_with_time_zone_null(
                        UnitRegistrations::LiaisonFirstAt,
                    ))
                    .col(timestamp_with_time_zone(UnitRegistrations::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(UnitRegistrations::CampaignId)
                            .col(UnitRegistrations::UnitId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UnitRegistrations::Table, UnitRegistrations::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UnitRegistrations::Table, UnitRegistrations::UnitId)
                            .to(Units::Table, Units::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UnitDocuments::Table)
                    .col(pk_auto(UnitDocuments::Id))
                    .col(integer(UnitDocuments::CampaignId))
                    .col(integer(UnitDocuments::UnitId))
                    .col(string(UnitDocuments::Purpose))
                    .col(string(UnitDocuments::Blake3))
                    .col(big_integer(UnitDocuments::Size))
                    .col(string(UnitDocuments::Mime))
                    .col(string(UnitDocuments::OriginalFilename))
                    .col(timestamp_with_time_zone(UnitDocuments::SubmittedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(UnitDocuments::Table, UnitDocuments::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UnitDocuments::Table, UnitDocuments::UnitId)
                            .to(Units::Table, Units::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("unit_documents_by_unit")
                    .table(UnitDocuments::Table)
                    .col(UnitDocuments::CampaignId)
                    .col(UnitDocuments::UnitId)
                    .col(UnitDocuments::Purpose)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StatisticsReports::Table)
                    .col(integer(StatisticsReports::CampaignId))
                    .col(integer(StatisticsReports::UnitId))
                    .col(big_integer_null(StatisticsReports::Schools))
                    .col(big_integer_null(StatisticsReports::Teachers))
                    .col(big_integer_null(StatisticsReports::Students))
                    .col(integer_null(StatisticsReports::CoverageHundredths))
                    .col(big_integer_null(StatisticsReports::Enterprises))
                    .col(big_integer_null(StatisticsReports::Participants))
                    .col(big_integer_null(StatisticsReports::ExperienceItems))
                    .col(text_null(StatisticsReports::ActivityForms))
                    .col(text_null(StatisticsReports::MediaCoverage))
                    .col(string(StatisticsReports::Status))
                    .col(timestamp_with_time_zone_null(
                        StatisticsReports::FirstSubmittedAt,
                    ))
                    .col(timestamp_with_time_zone_null(
                        StatisticsReports::SubmittedAt,
                    ))
                    .col(integer(StatisticsReports::Revision))
                    .col(timestamp_with_time_zone(StatisticsReports::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(StatisticsReports::CampaignId)
                            .col(StatisticsReports::UnitId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(StatisticsReports::Table, StatisticsReports::CampaignId)
                            .to(Campaigns::Table, Campaigns::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(StatisticsReports::Table, StatisticsReports::UnitId)
                            .to(Units::Table, Units::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            StatisticsReports::Table.into_iden(),
            UnitDocuments::Table.into_iden(),
            UnitRegistrations::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Submissions::Table)
                    .drop_column(SubmissionsExtracted::Extracted)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum SubmissionsExtracted {
    Extracted,
}

#[derive(DeriveIden)]
enum UnitRegistrations {
    Table,
    CampaignId,
    UnitId,
    WebsiteUrl,
    WebsiteFirstAt,
    LiaisonName,
    LiaisonMobile,
    LiaisonEmail,
    LiaisonFirstAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum UnitDocuments {
    Table,
    Id,
    CampaignId,
    UnitId,
    Purpose,
    Blake3,
    Size,
    Mime,
    OriginalFilename,
    SubmittedAt,
}

#[derive(DeriveIden)]
enum StatisticsReports {
    Table,
    CampaignId,
    UnitId,
    Schools,
    Teachers,
    Students,
    CoverageHundredths,
    Enterprises,
    Participants,
    ExperienceItems,
    ActivityForms,
    MediaCoverage,
    Status,
    FirstSubmittedAt,
    SubmittedAt,
    Revision,
    UpdatedAt,
}

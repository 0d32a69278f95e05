use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "statistics_reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub campaign_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub unit_id: i32,
    pub schools: Option<i64>,
    pub teachers: Option<i64>,
    pub students: Option<i64>,
    pub coverage_hundredths: Option<i32>,
    pub enterprises: Option<i64>,
    pub participants: Option<i64>,
    pub experience_items: Option<i64>,
    pub activity_forms: Option<String>,
    pub media_coverage: Option<String>,
    pub status: String,
    pub first_submitted_at: Option<DateTimeUtc>,
    pub submitted_at: Option<DateTimeUtc>,
    pub revision: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

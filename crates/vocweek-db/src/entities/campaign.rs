use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "campaigns")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub slug: String,
    pub year: i32,
    pub name_zh: String,
    pub name_en: String,
    pub theme_zh: String,
    pub theme_en: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub plan_due_on: Date,
    pub report_due_on: Date,
    pub active: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

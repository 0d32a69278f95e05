use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "live_channels")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub campaign_id: i32,
    pub unit_id: i32,
    pub title: String,
    pub city: String,
    pub category: String,
    pub subcategory: String,
    /// A JSON array of theme slugs.
    pub themes: String,
    pub scheduled_start: DateTimeUtc,
    pub key_hash: Option<String>,
    pub key_hint: String,
    pub last_refusal: Option<String>,
    pub last_refusal_at: Option<DateTimeUtc>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

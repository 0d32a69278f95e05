use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "feed_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub asset_id: String,
    /// `published` or `withdrawn`.
    pub event: String,
    pub kind: String,
    pub city: String,
    pub category: String,
    /// `|theme-a|theme-b|`, so one theme is matched with LIKE.
    pub themes: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "submissions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub asset_id: String,
    pub unit_id: i32,
    pub original_filename: String,
    pub title: String,
    pub created_at: DateTimeUtc,
    /// A picture taken out of an article by its job, not a file the unit uploaded.
    pub extracted: bool,
    /// The unit's person who sent it (`unit_members.id`); `None` for the unit's shared token
    /// and for extracted pictures.
    pub member_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

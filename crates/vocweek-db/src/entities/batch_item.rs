use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "batch_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub batch_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub asset_id: String,
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

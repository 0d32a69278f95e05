use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "photo_hash_bands")]
pub struct Model {
    /// 0..8: which byte of the hash.
    #[sea_orm(primary_key, auto_increment = false)]
    pub band: i16,
    /// That byte's value, 0..=255.
    #[sea_orm(primary_key, auto_increment = false)]
    pub value: i16,
    #[sea_orm(primary_key, auto_increment = false)]
    pub asset_id: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

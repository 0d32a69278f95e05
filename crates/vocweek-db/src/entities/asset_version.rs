use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "asset_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub asset_id: String,
    /// 1 is the first file the unit sent; the asset's current file is not a row here.
    #[sea_orm(primary_key, auto_increment = false)]
    pub number: i32,
    pub blake3: String,
    pub size: i64,
    pub mime: String,
    pub original_filename: String,
    pub replaced_at: DateTimeUtc,
    /// Who sent the file that replaced this one (`unit:<id>`, `user:<id>`, `system`).
    pub replaced_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "case_attachments")]
pub struct Model {
    /// The case (an asset of kind `case`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: String,
    /// A photo or video of the case's unit.
    #[sea_orm(primary_key, auto_increment = false)]
    pub asset_id: String,
    /// 0 is the first attachment the unit chose.
    pub position: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resumable_uploads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub unit_id: i32,
    /// NULL while the length is deferred.
    pub length: Option<i64>,
    /// Bytes received, synced to disk and verified: the tus Upload-Offset. Bytes in the file past
    /// it were never acknowledged and are cut off when the next writer takes the lease.
    pub received: i64,
    /// The Upload-Metadata header as the client sent it.
    pub metadata: String,
    pub filename: String,
    /// `receiving`, `complete` or `failed`.
    pub state: String,
    pub locked_by: Option<String>,
    /// Epoch milliseconds.
    pub locked_until: Option<i64>,
    pub asset_id: Option<String>,
    pub duplicate: bool,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub expires_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

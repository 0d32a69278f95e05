use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "unit_members")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub unit_id: i32,
    /// Lowercase; unique among the units' people (the staff sign in elsewhere).
    pub username: String,
    /// The person's name as the pages show it (上传人).
    pub display_name: String,
    /// Argon2id PHC string; the password itself is never stored.
    pub password_hash: String,
    /// `member` or `unit_admin`.
    pub role: String,
    pub must_change_password: bool,
    pub created_at: DateTimeUtc,
    /// Set when a unit admin disabled the person: they can no longer sign in, and their
    /// sessions ended in the same transaction.
    pub disabled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

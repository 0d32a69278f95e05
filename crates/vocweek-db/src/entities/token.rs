use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `upload` (a unit), `session` (a signed-in user or unit person) or `api_key` (a partner).
    pub kind: String,
    /// BLAKE3 of the token, hex; the token itself is shown once and never stored.
    pub hash: String,
    /// The first characters of the token, to tell tokens apart in listings and revoke one.
    pub prefix: String,
    pub unit_id: Option<i32>,
    pub user_id: Option<i32>,
    pub partner_id: Option<i32>,
    /// A unit person's session: the person, beside their unit in `unit_id`.
    pub member_id: Option<i32>,
    pub created_at: DateTimeUtc,
    pub expires_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

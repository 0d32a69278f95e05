use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub unit_id: i32,
    /// `item-returned`, `item-rejected`, `daily-reminder`, `daily-missed` or `report-overdue`.
    pub kind: String,
    pub asset_id: Option<String>,
    /// JSON text: what the sentence names.
    pub params: String,
    /// With `unit_id` and `kind`, unique: the item's decision, the day, the report.
    pub dedupe_key: String,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
    /// `pending`, `sent`, `no-address`, `failed` or `disabled`.
    pub mail_state: String,
    pub mail_attempts: i32,
    /// Epoch milliseconds, compared in SQL by the sender's claim (as the job queue's times).
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

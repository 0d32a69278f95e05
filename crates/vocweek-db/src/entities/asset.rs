use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "assets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub campaign_id: i32,
    /// The unit that first sent these bytes; later senders are in `submissions`.
    pub unit_id: i32,
    pub desk: String,
    pub kind: String,
    pub state: String,
    #[sea_orm(unique)]
    pub blake3: String,
    pub size: i64,
    pub mime: String,
    pub original_filename: String,
    pub title: String,
    pub description: String,
    pub city: String,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    pub captured_at: Option<DateTimeUtc>,
    pub activity_date: Date,
    /// 作者/摄影: who made it, as the unit named them (empty: not named).
    pub credit: String,
    /// 肖像使用已授权: the unit has the consent of the people recognisable in it.
    pub portrait_consent: bool,
    /// What processing learnt (dimensions, duration, camera…), by the media issues.
    pub metadata: Json,
    pub failure_code: Option<String>,
    pub failure_reason: Option<String>,
    /// The latest decision's note (why an item was rejected or returned).
    pub review_note: Option<String>,
    pub reviewed_at: Option<DateTimeUtc>,
    /// Optimistic lock: every state change increments it and names the version it saw.
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

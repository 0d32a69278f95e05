use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "live_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub channel_id: String,
    pub node: String,
    pub started_at: DateTimeUtc,
    pub interrupted_at: Option<DateTimeUtc>,
    pub ended_at: Option<DateTimeUtc>,
    pub ended_how: Option<String>,
    /// The live transcode's ladder (`LiveLadder`) as JSON, once its child reported it.
    pub ladder: Option<String>,
    pub publishes: i32,
    pub sequence_base: i64,
    pub replay_asset_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! A world for the use cases: a fresh, migrated SQLite database with the shipped campaign, a
//! unit on each desk, blobs in a filesystem store, all in a temporary directory.

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::json;
use tokio::sync::Notify;
use vocweek_app::{Actor, DecisionInput, Editorial};
use vocweek_db::Db;
use vocweek_db::assets::{NewAsset, Recorded, StateChange};
use vocweek_db::audit::Actor as AuditActor;
use vocweek_db::jobs::NewJob;
use vocweek_domain::{
    AssetKind, AssetState, Desk, Role, Tags, UnitKind, Vocabulary, builtin_campaigns,
};
use vocweek_storage::{BlobStore, FsStore, StagingFile};

pub struct World {
    dir: PathBuf,
    pub db: Db,
    pub store: Arc<dyn BlobStore>,
    pub feed: Arc<Notify>,
    pub editorial: Editorial,
    pub vocabulary: Vocabulary,
    campaign_id: i32,
    /// A higher vocational college (edu desk) and a city HR bureau (hr desk).
    pub edu_unit: i32,
    pub hr_unit: i32,
    items: u64,
}

impl World {
    pub async fn new(name: &str) -> World {
        let dir = std::env::temp_dir().join(format!("vocweek-app-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = Db::connect(&Db::sqlite_url(&dir.join("vocweek.db")), 4)
            .await
            .unwrap();
        db.migrate().await.unwrap();
        db.seed_campaigns(&builtin_campaigns().unwrap())
            .await
            .unwrap();
        let campaign = db.active_campaign().await.unwrap();
        let store: Arc<dyn BlobStore> = Arc::new(FsStore::open(&dir.join("blobs")).unwrap());
        let feed = Arc::new(Notify::new());
        let editorial = Editorial::new(db.clone(), store.clone(), feed.clone());
        let (edu, _) = db
            .create_unit("济南职业学院", UnitKind::HigherVocationalCollege, "jinan")
            .await
            .unwrap();
        let (hr, _) = db
            .create_unit("济南市人社局", UnitKind::CityHrBureau, "jinan")
            .await
            .unwrap();
        World {
            dir,
            db,
            store,
            feed,
            editorial,
            vocabulary: campaign.vocabulary,
            campaign_id: campaign.campaign.id,
            edu_unit: edu.id,
            hr_unit: hr.id,
            items: 0,
        }
    }

    /// A photo of the edu unit, just uploaded: `processing`, version 1.
    pub async fn upload(&mut self) -> String {
        self.upload_by(self.edu_unit, Desk::Edu).await
    }

    /// A photo of `unit` (whose desk is `desk`), just uploaded, with the portrait consent
    /// declared: recommending it is the state machine's business alone.
    pub async fn upload_by(&mut self, unit: i32, desk: Desk) -> String {
        self.upload_declaring(unit, desk, true).await
    }

    /// A photo of `unit`, just uploaded, declaring the portrait consent or not.
    pub async fn upload_declaring(&mut self, unit: i32, desk: Desk, consent: bool) -> String {
        self.items += 1;
        let id = format!("item-{:04}", self.items);
        let new = NewAsset {
            id: id.clone(),
            campaign_id: self.campaign_id,
            unit_id: unit,
            desk,
            kind: AssetKind::Photo,
            blake3: format!("{:064x}", self.items),
            size: 8,
            mime: "image/jpeg".to_owned(),
            original_filename: "a.jpg".to_owned(),
            title: "开幕式".to_owned(),
            description: String::new(),
            tags: Tags {
                city: "jinan".to_owned(),
                category: None,
                subcategory: None,
                themes: vec!["policy".to_owned()],
            },
            captured_at: None,
            activity_date: chrono::NaiveDate::from_ymd_opt(2021, 5, 23).unwrap(),
            credit: "张三".to_owned(),
            portrait_consent: consent,
            metadata: json!({}),
            member_id: None,
        };
        let job = NewJob {
            kind: "process_asset",
            asset_id: Some(&id),
            payload: json!({}),
            max_attempts: 1,
        };
        let recorded = self.db.record_upload(new, job).await.unwrap();
        assert!(matches!(recorded, Recorded::Created(_)), "{recorded:?}");
        id
    }

    /// A photo of the edu unit, processed: `pending_review`, version 2.
    pub async fn item(&mut self) -> String {
        self.item_by(self.edu_unit, Desk::Edu).await
    }

    /// A photo of `unit`, processed.
    pub async fn item_by(&mut self, unit: i32, desk: Desk) -> String {
        let id = self.upload_by(unit, desk).await;
        self.processed(id).await
    }

    /// A photo of the edu unit whose unit declared no portrait consent, processed.
    pub async fn item_without_consent(&mut self) -> String {
        let id = self.upload_declaring(self.edu_unit, Desk::Edu, false).await;
        self.processed(id).await
    }

    /// `id`, just uploaded, moved on by its processing: `pending_review`, version 2.
    async fn processed(&self, id: String) -> String {
        let processed = StateChange {
            asset_id: &id,
            from: AssetState::Processing,
            to: AssetState::PendingReview,
            expected_version: None,
            actor: AuditActor::System,
            action: "processed",
            details: json!({}),
            failure: None,
            metadata: None,
        };
        self.db.change_state(processed).await.unwrap();
        id
    }

    /// The item's state and version as stored.
    pub async fn state_of(&self, id: &str) -> (AssetState, i32) {
        let record = self.db.asset(id).await.unwrap().unwrap();
        (record.asset.state, record.asset.version)
    }

    /// Stores `bytes` under `key`, as the pipeline would.
    pub async fn put(&self, key: &str, bytes: &[u8]) {
        let staged = StagingFile::new_in(self.store.staging_dir());
        std::fs::write(staged.path(), bytes).unwrap();
        self.store.put_file(key, staged).await.unwrap();
    }

    pub fn finish(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn editor(desk: Desk) -> Actor {
    Actor::Staff {
        user_id: 1,
        role: Role::Editor,
        desk: Some(desk),
    }
}

pub fn admin() -> Actor {
    Actor::Staff {
        user_id: 2,
        role: Role::Admin,
        desk: None,
    }
}

pub fn decision<'a>(action: &'a str, note: Option<&'a str>, version: i32) -> DecisionInput<'a> {
    DecisionInput {
        action,
        note,
        version,
        confirm_without_consent: false,
    }
}

//! Migrations run up → down → up on both databases, and the schema works after the round trip.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use vocweek_db::Db;
use vocweek_domain::builtin_campaigns;
use vocweek_tests::{Backend, both_databases, fresh_database};

async fn up_down_up(backend: Backend) {
    let (url, dir) = fresh_database(backend).await.unwrap();
    let db = Db::connect(&url, 2).await.unwrap();
    db.migrate().await.unwrap();
    db.seed_campaigns(&builtin_campaigns().unwrap())
        .await
        .unwrap();
    db.migrate_down_all().await.unwrap();
    db.migrate().await.unwrap();
    // The schema is whole again: seeding and reading work, and seeding twice adds nothing.
    assert_eq!(
        db.seed_campaigns(&builtin_campaigns().unwrap())
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        db.seed_campaigns(&builtin_campaigns().unwrap())
            .await
            .unwrap(),
        0
    );
    let active = db.active_campaign().await.unwrap();
    assert_eq!(active.campaign.year, 2021);
    assert_eq!(active.vocabulary.cities.len(), 17);
    assert_eq!(
        active
            .vocabulary
            .category("national_event")
            .map(|c| c.subcategories.len()),
        Some(7)
    );
    db.close().await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

both_databases!(up_down_up);

//! Photos end to end: renditions served over HTTP, facts, failures with codes, near-duplicates,
//! and the band index holding up with 100,000 stored hashes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use vocweek_db::testing::{TestAsset, insert_asset, insert_assets_from};
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::media::{corpus_dir, jpeg_like, png_bomb, real_jpeg};
use vocweek_tests::{Backend, Database, Upload, every_backend, spawn_app};

async fn renditions_are_served_and_carry_no_gps(backend: Backend) {
    let Some(corpus) = corpus_dir() else {
        eprintln!("SKIPPED: the photo corpus is absent");
        return;
    };
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit("济南职业学院", UnitKind::HigherVocationalCollege, "jinan")
        .await;
    let bytes = std::fs::read(corpus.join("camera/DSCN0010.jpg")).unwrap();
    let id = app
        .upload_id(&token, Upload::new("DSCN0010.jpg", bytes))
        .await;
    let asset = app.wait_for_state(&token, &id, "pending_review").await;
    let photo = &asset["metadata"]["photo"];
    assert_eq!(photo["width"], 640);
    assert_eq!(
        photo["gps_present"], true,
        "editors are told a location was recorded"
    );
    assert_eq!(photo["camera_make"], "NIKON");
    assert_eq!(
        asset["captured_at"], "2008-10-22T08:28:39Z",
        "taken from EXIF (Beijing time)"
    );
    let names: Vec<&str> = asset["renditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["preview", "thumb"]);
    for rendition in asset["renditions"].as_array().unwrap() {
        let (status, mime, body) = app.fetch(&token, rendition["url"].as_str().unwrap()).await;
        assert_eq!(status, 200);
        assert_eq!(mime, rendition["mime"].as_str().unwrap());
        assert_eq!(body.len() as u64, rendition["size"].as_u64().unwrap());
        let decoded = image::load_from_memory(&body).unwrap();
        assert_eq!(decoded.width(), rendition["width"].as_u64().unwrap() as u32);
        for marker in [&b"Exif"[..], b"GPS", b"NIKON"] {
            assert!(
                !body.windows(marker.len()).any(|w| w == marker),
                "metadata leaked"
            );
        }
    }
    // Another unit cannot fetch them.
    let (_, other) = app
        .unit("青岛职业学院", UnitKind::HigherVocationalCollege, "qingdao")
        .await;
    let (status, _, _) = app
        .fetch(&other, &format!("/api/v1/assets/{id}/renditions/thumb"))
        .await;
    assert_eq!(status, 404);
    let (status, _, _) = app
        .fetch(&token, &format!("/api/v1/assets/{id}/renditions/poster"))
        .await;
    assert_eq!(status, 404);
    app.stop().await;
}

async fn broken_photos_fail_with_a_code_and_the_worker_goes_on(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit(
            "枣庄职业学院",
            UnitKind::HigherVocationalCollege,
            "zaozhuang",
        )
        .await;
    let good = real_jpeg(5, 800, 600);
    let mut truncated_source = real_jpeg(6, 1600, 1200);
    truncated_source.truncate(truncated_source.len() * 2 / 3);
    let cases = vec![
        ("bomb.png", png_bomb(50_000, 50_000), "image-too-large"),
        ("noise.jpg", jpeg_like(9, 40_000), "image-corrupt"),
        ("cut.jpg", truncated_source, "image-truncated"),
    ];
    let mut ids = Vec::new();
    for (name, bytes, code) in cases {
        ids.push((app.upload_id(&token, Upload::new(name, bytes)).await, code));
    }
    let good_id = app.upload_id(&token, Upload::new("good.jpg", good)).await;
    for (id, code) in ids {
        let asset = app.wait_for_state(&token, &id, "failed").await;
        assert_eq!(asset["failure"]["code"], code, "{asset}");
        assert!(
            asset["failure"]["reason"]
                .as_str()
                .is_some_and(|r| r.len() > 10)
        );
        let jobs = app.services.db.jobs_of_asset(&id).await.unwrap();
        assert_eq!(jobs[0].attempts, 1, "bad media is not retried");
    }
    let asset = app.wait_for_state(&token, &good_id, "pending_review").await;
    assert_eq!(asset["renditions"].as_array().map(Vec::len), Some(2));
    app.stop().await;
}

async fn near_duplicates_are_linked_for_editors(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit("烟台职业学院", UnitKind::HigherVocationalCollege, "yantai")
        .await;
    let original = real_jpeg(21, 1600, 1200);
    let first = app
        .upload_id(&token, Upload::new("original.jpg", original.clone()))
        .await;
    app.wait_for_state(&token, &first, "pending_review").await;
    // What a chat app does: half the size, quality 60.
    let half = image::load_from_memory(&original)
        .unwrap()
        .resize(800, 600, image::imageops::FilterType::Triangle)
        .to_rgb8();
    let mut copy = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut copy, 60)
        .encode_image(&half)
        .unwrap();
    let second = app.upload_id(&token, Upload::new("wechat.jpg", copy)).await;
    let unrelated = app
        .upload_id(&token, Upload::new("other.jpg", real_jpeg(99, 1600, 1200)))
        .await;
    app.wait_for_state(&token, &second, "pending_review").await;
    app.wait_for_state(&token, &unrelated, "pending_review")
        .await;

    let editor = app
        .user_session("editor", Role::Editor, Some(Desk::Edu))
        .await;
    let (_, seen) = app.get(&editor, &format!("/api/v1/assets/{second}")).await;
    let similar = seen["similar_to"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        similar.first().map(|s| s["asset_id"].clone()),
        Some(Value::from(first.clone())),
        "{seen}"
    );
    let (_, other) = app
        .get(&editor, &format!("/api/v1/assets/{unrelated}"))
        .await;
    assert_eq!(
        other["similar_to"],
        Value::Array(vec![]),
        "unrelated photos are not linked"
    );
    // Units do not see links to photos that may be other units'.
    let (_, as_unit) = app.get(&token, &format!("/api/v1/assets/{second}")).await;
    assert!(as_unit.get("similar_to").is_none());
    app.stop().await;
}

async fn finding_near_duplicates_does_not_scan_100k_photos(backend: Backend) {
    let app = spawn_app(backend).await;
    let (unit_id, _) = app.unit("批量单位", UnitKind::Province, "province").await;
    let campaign = app.services.ingestor.campaign().campaign.id;
    // 100,000 photos with pseudo-random hashes, made in SQL (fast on both databases).
    let series = match backend.database {
        Database::Postgres => "SELECT g AS n FROM generate_series(1, 100000) AS g".to_owned(),
        Database::Sqlite => "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 100000) SELECT n FROM s".to_owned(),
    };
    let id_expr = match backend.database {
        Database::Postgres => "'bulk-' || lpad(n::text, 8, '0')",
        Database::Sqlite => "'bulk-' || printf('%08d', n)",
    };
    let blake3_expr = match backend.database {
        Database::Postgres => "lpad(n::text, 64, '0')",
        Database::Sqlite => "printf('%064d', n)",
    };
    let hash_expr = match backend.database {
        // Knuth's multiplicative hash of n, wrapped to 64 bits: spread like real hashes.
        Database::Postgres => {
            "(((n::numeric * 11400714819323198485) % 18446744073709551616) - 9223372036854775808)::bigint"
        }
        // SQLite's random() is a uniformly random 64-bit integer.
        Database::Sqlite => "random()",
    };
    let db = &app.services.db;
    let now = "'2021-05-22 00:00:00+00:00'";
    insert_assets_from(
        db,
        &format!(
            "SELECT {id_expr}, {campaign}, {unit_id}, 'edu', 'photo', 'pending_review', \
             {blake3_expr}, 1, 'image/jpeg', 'x.jpg', 'x', '', 'province', '2021-05-22', '{{}}', \
             1, {now}, {now} FROM ({series}) AS numbers"
        ),
    )
    .await
    .unwrap();
    app.execute(&format!(
        "INSERT INTO photo_hashes (asset_id, hash) SELECT {id_expr}, {hash_expr} FROM ({series}) AS numbers"
    ))
    .await;
    app.execute(
        "INSERT INTO photo_hash_bands (band, value, asset_id) \
         SELECT b.band, (h.hash >> (8 * b.band)) & 255, h.asset_id FROM photo_hashes h \
         CROSS JOIN (SELECT 0 AS band UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 \
         UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7) b",
    )
    .await;
    assert_eq!(app.count("photo_hashes").await, 100_000);

    // One known photo, and a query 5 bits away from it.
    let known: u64 = 0x5A5A_1234_C3C3_9F01;
    let photo = TestAsset::photo("known", campaign, unit_id, "province");
    insert_asset(db, &photo).await.unwrap();
    db.store_photo_hash("known", known).await.unwrap();
    let query = known ^ 0b1_0000_0001_0000_0001_0000_0001_0000_0001;
    let (found, candidates) = db.similar_photos(query, 6, "new").await.unwrap();
    assert_eq!(
        found.first().map(|s| (s.asset_id.as_str(), s.distance)),
        Some(("known", 5))
    );
    eprintln!("{backend:?}: {candidates} candidates of 100,001 stored hashes");
    assert!(
        candidates < 10_000,
        "the band index narrowed 100,001 photos to {candidates} candidates"
    );
    app.stop().await;
}

every_backend!(
    renditions_are_served_and_carry_no_gps,
    broken_photos_fail_with_a_code_and_the_worker_goes_on,
    near_duplicates_are_linked_for_editors,
    finding_near_duplicates_does_not_scan_100k_photos,
);

//! `vocweek fsck` and `vocweek storage copy`, run as the real binary on a data directory the
//! harness filled: a clean store passes; a corrupt original, a lost rendition and an orphan
//! are each reported; `--delete-orphans` repairs what it can; a copy to Garage is verified and
//! resumable, and fsck finds the copy whole.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Output;

use vocweek_domain::UnitKind;
use vocweek_tests::media::real_jpeg;
use vocweek_tests::{Backend, Upload, spawn_app};

fn vocweek(data_dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_vocweek"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("VOCWEEK_DATABASE_URL")
        .env("VOCWEEK_LOG_LEVEL", "warn")
        .current_dir(std::env::temp_dir())
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A configuration naming the test bucket (under a fresh prefix) and this data directory.
fn garage_config(data_dir: &Path) -> std::path::PathBuf {
    let settings: std::collections::HashMap<String, String> =
        vocweek_tests::garage::storage_environment(&format!("copy-{}", uuid::Uuid::now_v7()))
            .unwrap()
            .into_iter()
            .collect();
    let get = |name: &str| settings[name].clone();
    let path = data_dir.join("garage.toml");
    std::fs::write(
        &path,
        format!(
            "data_dir = \"{dir}\"\ndatabase_url = \"sqlite://{dir}/vocweek.db?mode=rwc\"\n\
             [storage]\nbackend = \"s3\"\nstaging_path = \"{dir}/s3-staging\"\n\
             [storage.s3]\nendpoint = \"{endpoint}\"\nregion = \"{region}\"\nbucket = \"{bucket}\"\n\
             prefix = \"{prefix}\"\naccess_key_id = \"{id}\"\nsecret_access_key = \"{secret}\"\n",
            dir = data_dir.display(),
            endpoint = get("VOCWEEK_STORAGE_S3_ENDPOINT"),
            region = get("VOCWEEK_STORAGE_S3_REGION"),
            bucket = get("VOCWEEK_STORAGE_S3_BUCKET"),
            prefix = get("VOCWEEK_STORAGE_S3_PREFIX"),
            id = get("VOCWEEK_STORAGE_S3_ACCESS_KEY_ID"),
            secret = get("VOCWEEK_STORAGE_S3_SECRET_ACCESS_KEY"),
        ),
    )
    .unwrap();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fsck_reports_and_repairs_and_copy_moves_the_store_to_s3() {
    let app = spawn_app(Backend::SQLITE).await;
    let (_, unit) = app
        .unit(
            "泰安职业技术学院",
            UnitKind::HigherVocationalCollege,
            "taian",
        )
        .await;
    let mut ids = Vec::new();
    for seed in 0..2 {
        let id = app
            .upload_id(
                &unit,
                Upload::new(&format!("{seed}.jpg"), real_jpeg(seed, 640, 480)),
            )
            .await;
        app.wait_for_state(&unit, &id, "pending_review").await;
        ids.push(id);
    }
    let dir = app.data_dir.clone();

    let clean = vocweek(&dir, &["fsck"]);
    assert!(clean.status.success(), "{}", stdout(&clean));
    assert!(stdout(&clean).contains("2 originals, 4 renditions, 6 blobs checked: 0 problem(s)"));

    // Files → Garage, verified; a second run finds everything there.
    let target = garage_config(&dir);
    let target_arg = target.to_str().unwrap();
    let copied = vocweek(&dir, &["storage", "copy", "--to", target_arg]);
    assert!(
        copied.status.success(),
        "{}",
        String::from_utf8_lossy(&copied.stderr)
    );
    assert!(stdout(&copied).contains("6 copied and verified, 0 already there, 0 failed"));
    let again = vocweek(&dir, &["storage", "copy", "--to", target_arg]);
    assert!(stdout(&again).contains("0 copied and verified, 6 already there"));
    let on_s3 = vocweek(&dir, &["--config", target_arg, "fsck"]);
    assert!(
        on_s3.status.success(),
        "{}{}",
        stdout(&on_s3),
        String::from_utf8_lossy(&on_s3.stderr)
    );

    // Damage: an original's bytes change (same size), a rendition is lost, an orphan appears.
    let (_, first) = app.get(&unit, &format!("/api/v1/assets/{}", ids[0])).await;
    let hash = first["blake3"].as_str().unwrap().to_owned();
    let size = first["size"].as_u64().unwrap() as usize;
    let original = format!("originals/{}/{}/{hash}", &hash[..2], &hash[2..4]);
    app.overwrite_blob(&original, &vec![b'x'; size]).await;
    let thumb = format!("renditions/{}/thumb", ids[1]);
    let thumb_key = app
        .services
        .db
        .rendition(&ids[1], "thumb")
        .await
        .unwrap()
        .unwrap()
        .storage_key;
    assert!(thumb_key.starts_with(&thumb));
    app.services.store.delete(&thumb_key).await.unwrap();
    let orphan = format!("originals/ff/ff/{}", "f".repeat(64));
    app.overwrite_blob(&orphan, b"nobody's").await;

    let damaged = vocweek(&dir, &["fsck"]);
    assert_eq!(damaged.status.code(), Some(1));
    let report = stdout(&damaged);
    assert!(
        report.contains(&format!("corrupt original  asset {}", ids[0])),
        "{report}"
    );
    assert!(
        report.contains(&format!("missing rendition asset {}: thumb", ids[1])),
        "{report}"
    );
    assert!(
        report.contains(&format!("orphan blob       {orphan} (8 bytes)")),
        "{report}"
    );
    // --quick compares sizes only: the same-size corruption goes unseen.
    let quick = stdout(&vocweek(&dir, &["fsck", "--quick"]));
    assert!(
        !quick.contains("corrupt original") && quick.contains("orphan blob"),
        "{quick}"
    );

    let repaired = vocweek(&dir, &["fsck", "--delete-orphans"]);
    assert_eq!(repaired.status.code(), Some(1), "the corruption remains");
    assert!(stdout(&repaired).contains("1 orphan(s) removed"));
    assert!(!app.services.store.exists(&orphan).await.unwrap());
    let after = stdout(&vocweek(&dir, &["fsck"]));
    assert!(
        !after.contains("orphan blob") && after.contains("2 problem(s)"),
        "{after}"
    );
    app.stop().await;
}

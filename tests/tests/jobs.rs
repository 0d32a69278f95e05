//! The durable job queue: a dead worker's job is finished by another, failures back off and
//! end `dead` with the asset `failed`, and concurrent claimers never share a job.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use vocweek_db::jobs::{Job, JobState, NewJob};
use vocweek_domain::UnitKind;
use vocweek_pipeline::jobs::{JobContext, JobError, JobHandler, PROCESS_ASSET};
use vocweek_tests::media::{jpeg_like, real_jpeg};
use vocweek_tests::{AppOptions, Backend, Upload, every_backend, spawn_app_with};

async fn a_dead_workers_job_is_finished_by_another(backend: Backend) {
    // Workers off: the upload's job waits in the queue.
    let app = spawn_app_with(
        backend,
        AppOptions {
            workers_in_process: false,
            ..AppOptions::default()
        },
    )
    .await;
    let (_, token) = app
        .unit(
            "德州职业技术学院",
            UnitKind::HigherVocationalCollege,
            "dezhou",
        )
        .await;
    let (status, body) = app
        .upload(&token, Upload::new("a.jpg", real_jpeg(1, 64, 48)))
        .await;
    assert_eq!(status, 201);
    let id = body["id"].as_str().unwrap_or_default().to_owned();

    // A worker claims it with a one-second lease and is then killed (it never reports back).
    let db = &app.services.db;
    let claimed = db
        .claim_job("killed-worker", 1000)
        .await
        .unwrap()
        .expect("a job is due");
    assert_eq!(claimed.asset_id.as_deref(), Some(id.as_str()));
    assert_eq!(claimed.attempts, 1);
    assert!(
        db.claim_job("other", 1000).await.unwrap().is_none(),
        "a held lease is respected"
    );

    // Another worker process starts; once the lease runs out it takes the job over.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let pool = tokio::spawn(app.services.workers.clone().run(stopped));
    let asset = app.wait_for_state(&token, &id, "pending_review").await;
    assert_eq!(asset["failure"], serde_json::Value::Null);
    let jobs = db.jobs_of_asset(&id).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].state, JobState::Done);
    assert_eq!(
        jobs[0].attempts, 2,
        "claimed once by the dead worker, once by the live one"
    );
    assert!(jobs[0].locked_by.is_none());
    // The dead worker waking up cannot complete what is no longer its job.
    assert!(!db.complete_job(claimed.id, "killed-worker").await.unwrap());
    let _ = stop.send(true);
    pool.await.unwrap();
    app.stop().await;
}

async fn failures_back_off_then_the_job_dies_and_the_asset_fails(backend: Backend) {
    let app = spawn_app_with(
        backend,
        AppOptions {
            workers_in_process: false,
            max_attempts: 3,
            backoff_base_ms: 100,
            ..AppOptions::default()
        },
    )
    .await;
    let (_, token) = app
        .unit(
            "聊城职业技术学院",
            UnitKind::HigherVocationalCollege,
            "liaocheng",
        )
        .await;
    let (_, body) = app
        .upload(&token, Upload::new("lost.jpg", jpeg_like(2, 5000)))
        .await;
    let id = body["id"].as_str().unwrap_or_default().to_owned();
    // The original disappears from the store (a disk problem): every attempt fails.
    app.remove_blobs("originals").await;

    let started = std::time::Instant::now();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let pool = tokio::spawn(app.services.workers.clone().run(stopped));
    let asset = app.wait_for_state(&token, &id, "failed").await;
    let elapsed = started.elapsed();
    assert_eq!(asset["failure"]["code"], "processing-failed");
    assert!(
        asset["failure"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("not found")),
        "{asset}"
    );
    let jobs = app.services.db.jobs_of_asset(&id).await.unwrap();
    assert_eq!(jobs[0].state, JobState::Dead);
    assert_eq!(jobs[0].attempts, 3);
    assert!(
        jobs[0]
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("not found"))
    );
    // Backoff: 100 ms then 200 ms (plus jitter) between the three attempts.
    assert!(
        elapsed >= Duration::from_millis(300),
        "retried too fast: {elapsed:?}"
    );
    let trail = app.services.db.audit_trail(&id).await.unwrap();
    assert_eq!(
        trail.last().map(|e| e.action.as_str()),
        Some("processing_failed")
    );
    let _ = stop.send(true);
    pool.await.unwrap();
    app.stop().await;
}

async fn bad_media_fails_at_once_without_retries(backend: Backend) {
    let app = spawn_app_with(
        backend,
        AppOptions {
            workers_in_process: false,
            max_attempts: 5,
            ..AppOptions::default()
        },
    )
    .await;
    let (_, token) = app
        .unit("威海职业学院", UnitKind::HigherVocationalCollege, "weihai")
        .await;
    let (_, body) = app
        .upload(&token, Upload::new("a.jpg", jpeg_like(3, 5000)))
        .await;
    let id = body["id"].as_str().unwrap_or_default().to_owned();
    // The stored original is overwritten with text of the same size: it is no photo any more.
    let hash = body["blake3"].as_str().unwrap_or_default();
    let key = format!("originals/{}/{}/{hash}", &hash[..2], &hash[2..4]);
    app.overwrite_blob(&key, "x".repeat(5000).as_bytes()).await;

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let pool = tokio::spawn(app.services.workers.clone().run(stopped));
    let asset = app.wait_for_state(&token, &id, "failed").await;
    assert_eq!(asset["failure"]["code"], "media-changed", "{asset}");
    let jobs = app.services.db.jobs_of_asset(&id).await.unwrap();
    assert_eq!(
        (jobs[0].state, jobs[0].attempts),
        (JobState::Dead, 1),
        "no retry for bad media"
    );
    let _ = stop.send(true);
    pool.await.unwrap();
    app.stop().await;
}

async fn concurrent_claims_never_share_a_job(backend: Backend) {
    let app = spawn_app_with(
        backend,
        AppOptions {
            workers_in_process: false,
            ..AppOptions::default()
        },
    )
    .await;
    let db = app.services.db.clone();
    for _ in 0..40 {
        db.enqueue_job(NewJob {
            kind: PROCESS_ASSET,
            asset_id: None,
            payload: serde_json::json!({}),
            max_attempts: 1,
        })
        .await
        .unwrap();
    }
    let claimers = (0..4).map(|n| {
        let db = db.clone();
        tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(job) = db.claim_job(&format!("w{n}"), 60_000).await.unwrap() {
                mine.push(job.id);
            }
            mine
        })
    });
    let mut all = Vec::new();
    for claimer in claimers {
        all.extend(claimer.await.unwrap());
    }
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), 40, "every job claimed");
    assert_eq!(unique.len(), 40, "no job claimed twice");
    app.stop().await;
}

/// A job that takes longer than its lease, to show renewal keeps it.
struct Slow;

#[async_trait::async_trait]
impl JobHandler for Slow {
    async fn run(&self, job: &Job, ctx: &JobContext) -> Result<(), JobError> {
        tokio::time::sleep(Duration::from_millis(2500)).await;
        if ctx.db.complete_job(job.id, &ctx.worker_id).await? {
            Ok(())
        } else {
            Err(JobError::LeaseLost)
        }
    }
}

async fn a_long_job_keeps_its_lease(backend: Backend) {
    let app = spawn_app_with(
        backend,
        AppOptions {
            workers_in_process: false,
            lease_seconds: 1,
            ..AppOptions::default()
        },
    )
    .await;
    let db = app.services.db.clone();
    let id = db
        .enqueue_job(NewJob {
            kind: "slow",
            asset_id: None,
            payload: serde_json::json!({}),
            max_attempts: 3,
        })
        .await
        .unwrap();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let pool = app
        .services
        .workers
        .clone()
        .with_handler("slow", Arc::new(Slow));
    let running = tokio::spawn(pool.run(stopped));
    // Past the one-second lease the job is still held: another worker finds nothing to take.
    tokio::time::sleep(Duration::from_millis(1800)).await;
    assert!(db.claim_job("intruder", 1000).await.unwrap().is_none());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let job = db.job(id).await.unwrap().unwrap();
        if job.state == JobState::Done {
            assert_eq!(job.attempts, 1, "never taken over");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "job stuck in {}",
            job.state
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = stop.send(true);
    running.await.unwrap();
    app.stop().await;
}

every_backend!(
    a_long_job_keeps_its_lease,
    a_dead_workers_job_is_finished_by_another,
    failures_back_off_then_the_job_dies_and_the_asset_fails,
    bad_media_fails_at_once_without_retries,
    concurrent_claims_never_share_a_job,
);

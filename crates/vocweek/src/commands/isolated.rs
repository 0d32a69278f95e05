//! `thumbnail --isolated` and `transcode --isolated`: the same work as the service does it, in
//! `media-run` children under the `[media]` limits — how the cost of isolation is measured
//! (BENCHMARKS.md), and a safe way to try a suspicious file by hand.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use vocweek_media::video::VideoSettings;
use vocweek_sandbox::{ChildPool, Done, Event, MediaChild, MediaProgram, Task, Work};

use crate::config::Config;

/// Photo renditions of local files, each in its own child, `jobs` at a time.
pub async fn thumbnails(
    config: &Config,
    files: &[std::path::PathBuf],
    out: &Path,
    jobs: Option<usize>,
) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let limits = config.media.budgets()?.photo;
    // Children kept from photo to photo, as the service keeps them.
    let pool_dir = out.join(vocweek_storage::staging_owner::entry_name("media", "-pool"));
    let pool = Arc::new(ChildPool::new(
        MediaProgram::this_binary()?,
        limits,
        pool_dir.clone(),
        32,
        512 * 1024 * 1024,
    ));
    let settings = config.photos.settings()?;
    let permits = Arc::new(tokio::sync::Semaphore::new(
        jobs.unwrap_or(config.photos.concurrency).max(1),
    ));
    let mut running = tokio::task::JoinSet::new();
    for file in files {
        let permit = permits.clone().acquire_owned().await?;
        let (pool, file, out) = (pool.clone(), file.clone(), out.to_path_buf());
        let work = Work::Photo {
            settings: settings.clone(),
        };
        running.spawn(async move {
            let result = one_photo(&pool, &file, &out, work).await;
            drop(permit);
            if let Err(err) = &result {
                eprintln!("{}: {err:#}", file.display());
            }
            result.is_ok()
        });
    }
    let mut failed = 0;
    while let Some(ok) = running.join_next().await {
        if !ok.unwrap_or(false) {
            failed += 1;
        }
    }
    drop(pool);
    let _ = std::fs::remove_dir_all(&pool_dir);
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

async fn one_photo(pool: &ChildPool, file: &Path, out: &Path, work: Work) -> anyhow::Result<()> {
    std::fs::create_dir_all(pool.dir())?;
    let scratch = pool
        .dir()
        .join(vocweek_storage::staging_owner::entry_name("media", ""));
    std::fs::create_dir_all(&scratch)?;
    let task = Task {
        input: std::fs::canonicalize(file)?,
        out_dir: scratch.clone(),
        work,
    };
    let mut child = pool
        .take()
        .await
        .context("cannot start the media process")?;
    child.send(&task).await?;
    let result = finish(&mut child, |_| {}).await;
    if result.is_ok() {
        pool.give_back(child);
    }
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "photo".to_owned());
    let moved = match result {
        Ok(Done::Photo {
            facts,
            perceptual_hash,
            files,
            ..
        }) => {
            for output in &files {
                let target = out.join(format!("{stem}.{}", output.file));
                std::fs::rename(scratch.join(&output.file), &target)
                    .with_context(|| format!("cannot write {}", target.display()))?;
            }
            let line = serde_json::json!({
                "file": file.display().to_string(),
                "facts": facts,
                "perceptual_hash": format!("{perceptual_hash:016x}"),
            });
            println!("{line}");
            Ok(())
        }
        Ok(_) => Err(anyhow::anyhow!(
            "the media process answered another kind of work"
        )),
        Err(err) => Err(err),
    };
    let _ = std::fs::remove_dir_all(&scratch);
    moved
}

/// A video transcoded by one child into `out`, its progress on standard error.
pub async fn transcode(config: &Config, file: &Path, out: &Path) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let program = MediaProgram::this_binary()?;
    let task = Task {
        input: std::fs::canonicalize(file)?,
        out_dir: std::fs::canonicalize(out)?,
        work: Work::Video {
            settings: VideoSettings {
                // One child, one directory: a long video is transcoded whole here, not split
                // into chunks for other workers.
                chunk_above_seconds: 0,
                ..config.video.settings(&config.photos)
            },
        },
    };
    let limits = config.media.budgets()?.video;
    let mut child = MediaChild::spawn(&program, limits, &task)
        .await
        .context("cannot start the media process")?;
    let result = finish(&mut child, |fraction| {
        eprint!("\r{:5.1} %", fraction * 100.0);
    })
    .await;
    eprintln!();
    match result {
        Ok(Done::Video { facts, .. }) => {
            println!("{}", serde_json::to_string_pretty(&facts)?);
            Ok(ExitCode::SUCCESS)
        }
        Ok(_) => Err(anyhow::anyhow!(
            "the media process answered another kind of work"
        )),
        Err(err) => {
            eprintln!("{}: {err:#}", file.display());
            Ok(ExitCode::from(1))
        }
    }
}

/// Follows a child to the end of its task, admitting a photo's decode at once.
pub(super) async fn finish(
    child: &mut MediaChild,
    mut progress: impl FnMut(f64),
) -> anyhow::Result<Done> {
    loop {
        match child.next().await {
            Event::Admit(_) => child.admit().await?,
            Event::Probed { .. } => {}
            Event::Progress(fraction) => progress(fraction),
            // Only a live transcode says these; these commands run none.
            Event::LiveLadder(_) | Event::LiveSegment(_) => {}
            Event::Finished(Ok(finished)) => return Ok(finished.done),
            Event::Finished(Err(failure)) => {
                return Err(anyhow::anyhow!("{failure} ({})", failure.code()));
            }
        }
    }
}

//! The video part of processing: probe, then the one-pass transcode on a blocking thread (at
//! most `video.concurrency` at once) while this task reports its progress every two seconds,
//! cancels it when the asset is deleted or the time limit passes, and finally moves the
//! playlists, segments, download, poster and thumbnail into the store.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tracing::{info, warn};
use vocweek_db::entities::job;
use vocweek_media::MediaError;
use vocweek_media::video::{Control, TranscodeOutput, VideoProbe, probe_file, transcode};
use vocweek_storage::{StagingFile, rendition_key};

use super::rendition_store::{RenditionBytes, StoredRendition, store};
use super::{JobContext, JobError};

/// How often progress is written and cancellation checked.
const TICK: Duration = Duration::from_secs(2);
/// How long a cancelled transcode gets to notice before we stop waiting for it.
const CANCEL_GRACE: Duration = Duration::from_secs(30);

pub struct VideoDone {
    pub facts: Value,
    pub renditions: Vec<StoredRendition>,
}

pub enum VideoOutcome {
    Done(VideoDone),
    /// The asset was deleted while it was being transcoded: nothing to keep.
    AssetGone,
}

pub async fn process(
    ctx: &JobContext,
    job: &job::Model,
    asset_id: &str,
    path: PathBuf,
) -> Result<VideoOutcome, JobError> {
    let _permit = ctx
        .media
        .video_permits
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| JobError::Transient("the video pool is closed".to_owned()))?;
    let settings = Arc::new(ctx.media.video.clone());
    let probe = {
        let (path, settings) = (path.clone(), settings.clone());
        tokio::time::timeout(
            ctx.media_timeout,
            tokio::task::spawn_blocking(move || probe_file(&path, &settings)),
        )
        .await
        .map_err(|_| JobError::Transient("probing the video timed out".to_owned()))?
        .map_err(|e| super::blocking_failure(e, "video probe"))?
        .map_err(media_failure)?
    };
    let limit = ctx
        .media
        .video_time_limit
        .for_duration(probe.declared_duration_seconds);
    let scratch = Scratch::new(ctx.store.staging_dir())?;
    let control = Arc::new(Control::new());
    let mut task = {
        let (input, out, settings, control) = (
            path.clone(),
            scratch.path.clone(),
            settings.clone(),
            control.clone(),
        );
        tokio::task::spawn_blocking(move || transcode(&input, &out, &settings, &control))
    };
    let started = Instant::now();
    let mut ticker = tokio::time::interval(TICK);
    let mut stop: Option<Stop> = None;
    let result = loop {
        tokio::select! {
            result = &mut task => break result,
            _ = ticker.tick() => {
                if let Some(reason) = stop {
                    if started.elapsed() > limit + CANCEL_GRACE {
                        return Err(reason.error(limit, true));
                    }
                    continue;
                }
                if let Err(err) = ctx.db.record_progress(job.id, &ctx.worker_id, control.progress()).await {
                    warn!(error = %err, "could not record the transcode's progress");
                }
                // A database hiccup must not abandon a running transcode: check next tick.
                let gone = match ctx.db.asset(asset_id).await {
                    Ok(found) => found.is_none(),
                    Err(err) => {
                        warn!(error = %err, "could not check whether the asset still exists");
                        false
                    }
                };
                if gone {
                    stop = Some(Stop::AssetGone);
                } else if started.elapsed() > limit {
                    stop = Some(Stop::TimedOut);
                }
                if stop.is_some() {
                    control.cancel();
                }
            }
        }
    };
    let output = match (result, stop) {
        (_, Some(Stop::AssetGone)) => return Ok(VideoOutcome::AssetGone),
        (Ok(Err(MediaError::Cancelled)), Some(reason)) => return Err(reason.error(limit, false)),
        (Err(join), _) => return Err(super::blocking_failure(join, "video")),
        (Ok(Err(err)), _) => return Err(media_failure(err)),
        (Ok(Ok(output)), _) => output,
    };
    info!(
        asset = asset_id,
        seconds = started.elapsed().as_secs_f64(),
        duration = output.duration_seconds,
        "video transcoded"
    );
    let renditions = store_outputs(ctx, asset_id, &scratch.path, &output).await?;
    Ok(VideoOutcome::Done(VideoDone {
        facts: facts(&probe, &output),
        renditions,
    }))
}

#[derive(Clone, Copy)]
enum Stop {
    AssetGone,
    TimedOut,
}

impl Stop {
    fn error(self, limit: Duration, stuck: bool) -> JobError {
        match self {
            Stop::AssetGone => JobError::Transient("the asset was deleted".to_owned()),
            Stop::TimedOut => JobError::Permanent {
                code: "video-timed-out".to_owned(),
                reason: format!(
                    "the transcode did not finish within its limit of {} s{}",
                    limit.as_secs(),
                    if stuck {
                        " and did not stop when asked"
                    } else {
                        ""
                    }
                ),
            },
        }
    }
}

fn media_failure(err: MediaError) -> JobError {
    match err {
        MediaError::Internal(_) | MediaError::Unreadable(_) => JobError::Transient(err.to_string()),
        other => JobError::Permanent {
            code: other.code().to_owned(),
            reason: other.to_string(),
        },
    }
}

/// What the asset's `metadata.video` tells editors and partners.
fn facts(probe: &VideoProbe, output: &TranscodeOutput) -> Value {
    let renditions: Vec<Value> = output
        .renditions
        .iter()
        .map(|r| {
            json!({
                "name": r.name,
                "width": r.width,
                "height": r.height,
                "bandwidth": r.bandwidth,
                "average_bandwidth": r.average_bandwidth,
                "segments": r.segments.len(),
            })
        })
        .collect();
    json!({
        "container": probe.container,
        "declared_duration_seconds": probe.declared_duration_seconds,
        "duration_seconds": output.duration_seconds,
        "video": probe.video,
        "audio": probe.audio,
        "frame_rate": output.frame_rate,
        "interlaced": output.interlaced,
        "damaged_packets": output.damaged_packets,
        "renditions": renditions,
    })
}

/// Moves the transcode's files into the store: HLS under `renditions/<id>/hls/`, the download
/// beside the poster and thumbnail. A rerun first removes an earlier attempt's segments.
async fn store_outputs(
    ctx: &JobContext,
    asset_id: &str,
    dir: &Path,
    output: &TranscodeOutput,
) -> Result<Vec<StoredRendition>, JobError> {
    ctx.store
        .delete_prefix(&rendition_key(asset_id, "hls")?)
        .await?;
    let mut renditions = Vec::new();
    let top = output.renditions.first();
    for file in output.files() {
        let key = if output.download.as_ref().is_some_and(|d| d.file == file) {
            rendition_key(asset_id, &file)?
        } else {
            rendition_key(asset_id, &format!("hls/{file}"))?
        };
        let size = move_into_store(ctx, &dir.join(&file), &key).await?;
        if file == output.master {
            renditions.push(StoredRendition {
                name: "hls",
                key,
                mime: "application/vnd.apple.mpegurl",
                size,
                dimensions: top.and_then(|r| r.width.zip(r.height)),
            });
        } else if let Some(download) = output.download.as_ref().filter(|d| d.file == file) {
            renditions.push(StoredRendition {
                name: "download",
                key,
                mime: download.mime,
                size,
                dimensions: download.width.zip(download.height),
            });
        }
    }
    for (name, encoded) in [("poster", &output.poster), ("thumb", &output.thumb)] {
        if let Some(encoded) = encoded {
            let file = format!("{name}.{}", encoded.extension);
            let bytes = RenditionBytes {
                name,
                file: &file,
                mime: encoded.mime,
                bytes: &encoded.bytes,
                dimensions: Some((encoded.width, encoded.height)),
            };
            renditions.push(store(ctx, asset_id, bytes).await?);
        }
    }
    Ok(renditions)
}

async fn move_into_store(ctx: &JobContext, file: &Path, key: &str) -> Result<i64, JobError> {
    let staged = StagingFile::new_in(ctx.store.staging_dir());
    let size = tokio::fs::metadata(file)
        .await
        .map_err(|e| JobError::Transient(format!("{}: {e}", file.display())))?
        .len();
    tokio::fs::rename(file, staged.path())
        .await
        .map_err(|e| JobError::Transient(format!("moving {}: {e}", file.display())))?;
    ctx.store.put_file(key, staged).await?;
    Ok(i64::try_from(size).unwrap_or(i64::MAX))
}

/// The transcode's working directory beside the staging files (the same filesystem, so
/// storing is a rename), removed with whatever is left in it.
struct Scratch {
    path: PathBuf,
}

impl Scratch {
    fn new(staging: &Path) -> Result<Self, JobError> {
        let path = staging.join(format!("transcode-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&path)
            .map_err(|e| JobError::Transient(format!("creating {}: {e}", path.display())))?;
        Ok(Scratch { path })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

//! The replay's media child, one of two ways. From the publish's recording
//! (`live_recordings`) when the event is one publish that left one covering exactly its
//! top-rung segments: the recording is linked in as the download, and the child writes only
//! the playlists and the poster — the end of an hour of stream costs no pass over its
//! gigabytes. Otherwise from the top-rung segments, joined from the store and remuxed (a
//! reconnected publisher, a node that died mid-stream, a recording the child does not take
//! for its segments). A refused recording costs the remux, never the replay.

use std::path::PathBuf;

use serde_json::Value;
use tracing::{info, warn};
use vocweek_db::jobs::Job;
use vocweek_media::video::{ChunkFacts, DOWNLOAD_FILE, VideoSettings};
use vocweek_sandbox::{Done, OutputFile, Work};

use super::live_publishes::join_publish;
use super::media_child::{self, ChildOutcome, Scratch};
use super::{JobContext, JobError};
use crate::live_recordings::{Covered, find_recording};
use crate::segment_names::parse_segment_file;

/// What the replay's child made: its files in `out`, `DOWNLOAD_FILE` among them.
pub struct ReplayMedia {
    pub out: Scratch,
    pub facts: Value,
    pub files: Vec<OutputFile>,
}

/// Makes the replay of `event_id` from its `publishes`, from the recording if it can.
pub async fn replay_media(
    ctx: &JobContext,
    job: &Job,
    event_id: &str,
    publishes: &[ChunkFacts],
    settings: &VideoSettings,
) -> Result<ReplayMedia, JobError> {
    if let Some(recording) = recording_of(ctx, event_id, publishes) {
        match from_recording(ctx, job, event_id, &recording, publishes, settings).await {
            Ok(made) => return Ok(made),
            Err(JobError::LeaseLost) => return Err(JobError::LeaseLost),
            Err(err) => warn!(event = %event_id, error = %err,
                "the publish's recording was not taken; the replay is remuxed from its segments"),
        }
    } else {
        info!(event = %event_id, publishes = publishes.len(),
            "no recording stands for the event; the replay is remuxed from its segments");
    }
    from_segments(ctx, job, event_id, publishes, settings).await
}

/// The recording that stands for the one publish's top-rung segments, if one was kept.
fn recording_of(ctx: &JobContext, event_id: &str, publishes: &[ChunkFacts]) -> Option<PathBuf> {
    let [publish] = publishes else {
        return None;
    };
    let segments = &publish.rungs.get(publish.download_rung)?.segments;
    let number = |file: &str| parse_segment_file(file).map(|(_, number)| number);
    let covered = Covered {
        first: number(&segments.first()?.file)?,
        last: number(&segments.last()?.file)?,
    };
    find_recording(ctx.store.staging_dir(), event_id, covered)
}

async fn from_recording(
    ctx: &JobContext,
    job: &Job,
    event_id: &str,
    recording: &std::path::Path,
    publishes: &[ChunkFacts],
    settings: &VideoSettings,
) -> Result<ReplayMedia, JobError> {
    let out = Scratch::new(ctx.store.staging_dir())?;
    let download = out.file(DOWNLOAD_FILE);
    // A link, not a copy: the recording is the stream's size.
    std::fs::hard_link(recording, &download)
        .map_err(|e| JobError::Transient(format!("linking {}: {e}", recording.display())))?;
    let work = Work::LiveReplay {
        settings: settings.clone(),
        parts: Vec::new(),
        recorded: true,
        publishes: publishes.to_vec(),
    };
    let outcome = media_child::run(ctx, job, event_id, &download, &out, work).await?;
    made(out, outcome)
}

async fn from_segments(
    ctx: &JobContext,
    job: &Job,
    event_id: &str,
    publishes: &[ChunkFacts],
    settings: &VideoSettings,
) -> Result<ReplayMedia, JobError> {
    let parts_dir = Scratch::new(ctx.store.staging_dir())?;
    let mut parts = Vec::new();
    for (k, publish) in publishes.iter().enumerate() {
        let name = format!("publish_{k}.ts");
        join_publish(ctx, event_id, publish, &parts_dir.file(&name)).await?;
        parts.push(name);
    }
    let out = Scratch::new(ctx.store.staging_dir())?;
    let input = parts_dir.file(&parts[0]);
    let work = Work::LiveReplay {
        settings: settings.clone(),
        parts,
        recorded: false,
        publishes: publishes.to_vec(),
    };
    let outcome = media_child::run(ctx, job, event_id, &input, &out, work).await?;
    drop(parts_dir);
    made(out, outcome)
}

fn made(out: Scratch, outcome: ChildOutcome) -> Result<ReplayMedia, JobError> {
    match outcome {
        ChildOutcome::Done(Done::Video { facts, files }) => Ok(ReplayMedia { out, facts, files }),
        ChildOutcome::AssetGone | ChildOutcome::Done(_) => Err(super::wrong_answer("live replay")),
    }
}

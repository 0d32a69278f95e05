//! A clip cut from a video item (`make_clip`, queued by an editor's in- and out-points): a
//! video child cuts the stretch from the item's original (`Work::Clip`: whole GOPs copied,
//! the partial ones at the edges encoded again), the MP4 is stored as the clip's original,
//! and one transaction makes the clip an item in `processing` with its processing job — from
//! there it is processed and reviewed like any upload — its history and its source's naming
//! each other (`Db::record_clip`). A stretch the source cannot give is said in the source's
//! history, not retried.

use serde_json::json;
use tracing::info;
use vocweek_db::assets::{AssetRecord, NewAsset};
use vocweek_db::clips::{ClipRecorded, ClipRequest};
use vocweek_db::jobs::Job;
use vocweek_domain::{AssetKind, Tags};
use vocweek_messages::{Arg, Lang, title};
use vocweek_sandbox::{Done, Work};
use vocweek_storage::original_key;

use super::made_original::{Keep, store_original};
use super::media_child::{self, ChildOutcome, Scratch};
use super::process_asset::process_asset_job;
use super::video_work::video_permit;
use super::{JobContext, JobError, JobHandler};

pub use vocweek_db::clips::MAKE_CLIP;

/// The `make_clip` handler.
pub struct MakeClip;

#[async_trait::async_trait]
impl JobHandler for MakeClip {
    async fn run(&self, job: &Job, ctx: &JobContext) -> Result<(), JobError> {
        let payload: serde_json::Value = super::asset_work::payload_of(job)?;
        let request = ClipRequest::from_payload(&payload).ok_or_else(|| JobError::Permanent {
            code: "job-invalid".to_owned(),
            reason: format!("a clip job's payload: {payload}"),
        })?;
        let source = ctx.db.asset(&request.source_id).await?;
        let Some(source) = source.filter(|s| s.asset.kind == AssetKind::Video) else {
            // Deleted since the request: nothing to cut.
            return complete(ctx, job).await;
        };
        match cut(ctx, job, &request, &source).await {
            Ok(()) => Ok(()),
            Err(JobError::Permanent { code, reason }) => {
                info!(source = %request.source_id, %code, %reason, "a clip could not be cut");
                if ctx
                    .db
                    .record_clip_failed(job.id, &ctx.worker_id, &request, &code, &reason)
                    .await?
                {
                    Ok(())
                } else {
                    Err(JobError::LeaseLost)
                }
            }
            Err(other) => Err(other),
        }
    }
}

async fn cut(
    ctx: &JobContext,
    job: &Job,
    request: &ClipRequest,
    source: &AssetRecord,
) -> Result<(), JobError> {
    let _permit = video_permit(ctx).await?;
    let local = ctx
        .store
        .local_copy(&original_key(&source.asset.blake3)?)
        .await?;
    let out = Scratch::new(ctx.store.staging_dir())?;
    let work = Work::Clip {
        settings: ctx.media.video.clone(),
        from_seconds: request.from_seconds,
        to_seconds: request.to_seconds,
    };
    let outcome = media_child::run(ctx, job, &request.clip_id, local.path(), &out, work).await?;
    drop(local);
    let (facts, file) = match outcome {
        ChildOutcome::Done(Done::Clip { facts, file }) => (facts, file),
        ChildOutcome::AssetGone | ChildOutcome::Done(_) => return Err(super::wrong_answer("clip")),
    };
    let (blake3, size) = store_original(ctx, &out.file(&file), Keep::Moved).await?;
    let new = clip_item(request, source, blake3, size, &facts);
    let processing = process_asset_job(&request.clip_id, ctx.max_attempts);
    match ctx
        .db
        .record_clip(job.id, &ctx.worker_id, request, new, processing)
        .await?
    {
        ClipRecorded::LeaseLost => Err(JobError::LeaseLost),
        ClipRecorded::AlreadyRecorded => Ok(()),
        ClipRecorded::SameAs(existing) => {
            info!(source = %request.source_id, clip = %existing, "the same clip was cut before");
            Ok(())
        }
        ClipRecorded::Recorded => {
            info!(
                source = %request.source_id,
                clip = %request.clip_id,
                copied = facts.copied_pictures,
                encoded = facts.encoded_pictures,
                "a clip was cut"
            );
            Ok(())
        }
    }
}

async fn complete(ctx: &JobContext, job: &Job) -> Result<(), JobError> {
    if !ctx.db.complete_job(job.id, &ctx.worker_id).await? {
        return Err(JobError::LeaseLost);
    }
    Ok(())
}

/// The clip's item: its source's unit, tags, date, credit and consent (the same people and
/// the same event), titled after it with the stretch.
fn clip_item(
    request: &ClipRequest,
    source: &AssetRecord,
    blake3: String,
    size: u64,
    facts: &vocweek_media::video::ClipFacts,
) -> NewAsset {
    let parent = &source.asset;
    NewAsset {
        id: request.clip_id.clone(),
        campaign_id: parent.campaign_id,
        unit_id: parent.unit_id,
        desk: parent.desk,
        kind: AssetKind::Video,
        blake3,
        size: i64::try_from(size).unwrap_or(i64::MAX),
        mime: "video/mp4".to_owned(),
        original_filename: format!("clip-{}.mp4", request.clip_id),
        title: clip_title(&parent.title, facts),
        description: String::new(),
        tags: Tags {
            city: parent.city.clone(),
            category: parent.category.clone(),
            subcategory: parent.subcategory.clone(),
            themes: source.themes.clone(),
        },
        captured_at: parent.captured_at,
        activity_date: parent.activity_date,
        credit: parent.credit.clone(),
        portrait_consent: parent.portrait_consent,
        metadata: json!({
            "clip": {
                "source_id": parent.id,
                "from_seconds": facts.from_seconds,
                "to_seconds": facts.to_seconds,
                "pictures": facts.pictures,
                "copied_pictures": facts.copied_pictures,
                "encoded_pictures": facts.encoded_pictures,
            }
        }),
        member_id: None,
    }
}

/// `<source> · 片段 0:10–0:20`, from the catalog.
fn clip_title(source: &str, facts: &vocweek_media::video::ClipFacts) -> String {
    let (from, to) = (clock(facts.from_seconds), clock(facts.to_seconds));
    let args = [
        ("source", Arg::Text(source.to_owned())),
        ("from", Arg::Text(from.clone())),
        ("to", Arg::Text(to.clone())),
    ];
    title(Lang::ZhCn, "clip", &args).unwrap_or_else(|| format!("{source} · {from}–{to}"))
}

/// `h:mm:ss` (or `m:ss`) of a point on the player.
fn clock(seconds: f64) -> String {
    let whole = seconds.max(0.0).round() as u64;
    let (h, m, s) = (whole / 3600, whole / 60 % 60, whole % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::clock;

    #[test]
    fn points_read_as_a_player_shows_them() {
        assert_eq!(clock(10.0), "0:10");
        assert_eq!(clock(75.4), "1:15");
        assert_eq!(clock(3725.0), "1:02:05");
    }
}

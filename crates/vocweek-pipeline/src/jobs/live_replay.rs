//! The replay of an ended live event (`live_replay`, queued with the event's end): its
//! recording becomes a video item in 待审核 from the segments the live transcode stored — no
//! second transcode. A video child writes each rendition's VOD playlist, the master playlist
//! and the poster, and takes the MP4 download from the publish's recording, or remuxes it
//! from the top rung's segments (`replay_media`); the segments stay where the live transcode
//! put them, `renditions/<event>/hls/`, because the item takes the event's id. The MP4 is also
//! the item's original (linked, not copied, on a local store). Then one transaction records
//! the item with its renditions, the move to the editors and the event's link to it
//! (`Db::record_live_replay`). The event's recordings go, whatever became of the replay.

use serde::Deserialize;
use serde_json::json;
use tracing::info;
use vocweek_db::assets::NewAsset;
use vocweek_db::jobs::Job;
use vocweek_db::live::{ReplayRecorded, ReplaySource};
use vocweek_db::processing::Processed;
use vocweek_domain::{AssetKind, Tags, in_shanghai};
use vocweek_media::video::{DOWNLOAD_FILE, LiveLadder};
use vocweek_messages::{Arg, Lang, title};

use super::live_publishes::{longest_segment_seconds, publishes};
use super::made_original::{Keep, store_original};
use super::processing_commit::processed;
use super::rendition_store::store_files;
use super::replay_media::{ReplayMedia, replay_media};
use super::video_work::video_permit;
use super::{JobContext, JobError, JobHandler};
use crate::live_recordings::remove_recordings;

pub use vocweek_db::live::LIVE_REPLAY;

#[derive(Deserialize)]
struct ReplayPayload {
    event_id: String,
}

/// The `live_replay` handler.
pub struct LiveReplay;

#[async_trait::async_trait]
impl JobHandler for LiveReplay {
    async fn run(&self, job: &Job, ctx: &JobContext) -> Result<(), JobError> {
        let payload: ReplayPayload = super::asset_work::payload_of(job)?;
        let result = replay(job, ctx, &payload.event_id).await;
        // A recording not taken is never taken later: a retry remuxes from the segments.
        let staging = ctx.store.staging_dir().to_path_buf();
        let event_id = payload.event_id;
        let _ = tokio::task::spawn_blocking(move || remove_recordings(&staging, &event_id)).await;
        result
    }
}

/// The replay of the event `event_id`, once.
async fn replay(job: &Job, ctx: &JobContext, event_id: &str) -> Result<(), JobError> {
    let source = ctx.db.live_replay_source(event_id).await?;
    let Some(source) = source.filter(|s| s.event.replay_asset_id.is_none()) else {
        return nothing_to_do(ctx, job).await;
    };
    let Some(ladder) = source
        .event
        .ladder
        .clone()
        .and_then(|l| serde_json::from_value::<LiveLadder>(l).ok())
    else {
        info!(event = %source.event.id, "no replay: the event never made a picture");
        return nothing_to_do(ctx, job).await;
    };
    let chunks = publishes(&source, &ladder);
    if chunks.is_empty() {
        info!(event = %source.event.id, "no replay: the event stored no segment");
        return nothing_to_do(ctx, job).await;
    }
    let event_id = source.event.id.clone();
    if usize::try_from(source.event.publishes).is_ok_and(|n| n > chunks.len()) {
        // A publish refused at once, or one whose picture size changed the ladder's top.
        info!(event = %event_id, publishes = source.event.publishes, kept = chunks.len(),
            "publishes without a segment of the top rendition are not in the replay");
    }
    // A video child's memory, like a transcode's.
    let _permit = video_permit(ctx).await?;
    let mut settings = ctx.media.video.clone();
    // The stitch checks segment lengths against the configured one: a publisher's long
    // keyframe interval makes long live segments, which are still right.
    settings.segment_seconds = settings
        .segment_seconds
        .max(longest_segment_seconds(&source.segments).div_ceil(4));
    let ReplayMedia { out, facts, files } =
        replay_media(ctx, job, &event_id, &chunks, &settings).await?;
    // The segments are the live transcode's, stored already: a child that names one as
    // its output (to overwrite it) is not believed.
    if let Some(intruder) = files.iter().find(|f| f.key.ends_with(".ts")) {
        return Err(JobError::Permanent {
            code: "media-process-crashed".to_owned(),
            reason: format!(
                "the replay's media process named a segment: {:?}",
                intruder.key
            ),
        });
    }
    // The download becomes the original too: linked before the files move into the store.
    let (original, size) = store_original(ctx, &out.file(DOWNLOAD_FILE), Keep::Linked).await?;
    let renditions = store_files(ctx, &event_id, &out, &files).await?;
    let new = replay_item(ctx, &source, original, size).await?;
    let metadata = json!({
        "checked_mime": "video/mp4",
        "video": facts,
        "live": {
            "channel_id": source.channel.id,
            "event_id": event_id,
            "publishes": source.event.publishes,
            "ended_how": source.event.ended_how,
        },
    });
    let change = processed(&event_id, job, Some(metadata));
    let recorded = Processed {
        renditions: renditions.iter().map(|r| r.as_new(&event_id)).collect(),
        perceptual_hash: None,
        captured_at: None,
        title: None,
        change,
    };
    match ctx
        .db
        .record_live_replay(job.id, &ctx.worker_id, &event_id, new, recorded)
        .await?
    {
        ReplayRecorded::LeaseLost => Err(JobError::LeaseLost),
        ReplayRecorded::AlreadyRecorded => Ok(()),
        ReplayRecorded::Recorded(_) => {
            info!(event = %event_id, channel = %source.channel.id, "a live event's replay is ready for review");
            Ok(())
        }
    }
}

async fn nothing_to_do(ctx: &JobContext, job: &Job) -> Result<(), JobError> {
    if !ctx.db.complete_job(job.id, &ctx.worker_id).await? {
        return Err(JobError::LeaseLost);
    }
    Ok(())
}

/// The item the recording becomes: the channel's unit, tags and title, dated by the event.
async fn replay_item(
    ctx: &JobContext,
    source: &ReplaySource,
    blake3: String,
    size: u64,
) -> Result<NewAsset, JobError> {
    let channel = &source.channel;
    let unit = ctx
        .db
        .unit(channel.unit_id)
        .await?
        .ok_or_else(|| JobError::Permanent {
            code: "job-invalid".to_owned(),
            reason: format!("the channel's unit {} is gone", channel.unit_id),
        })?;
    // The replay's date and title are in the campaign's time.
    let started = in_shanghai(source.event.started_at);
    Ok(NewAsset {
        id: source.event.id.clone(),
        campaign_id: channel.campaign_id,
        unit_id: channel.unit_id,
        desk: unit.desk,
        kind: AssetKind::Video,
        blake3,
        size: i64::try_from(size).unwrap_or(i64::MAX),
        mime: "video/mp4".to_owned(),
        original_filename: format!("live-{}.mp4", started.format("%Y%m%d-%H%M")),
        title: replay_title(&channel.title, &started.format("%m-%d %H:%M").to_string()),
        description: String::new(),
        tags: Tags {
            city: channel.city.clone(),
            category: Some(channel.category.clone()),
            subcategory: Some(channel.subcategory.clone()),
            themes: channel.themes.clone(),
        },
        captured_at: Some(source.event.started_at),
        activity_date: started.date_naive(),
        credit: String::new(),
        // Nobody declared consent for the people on camera: the editors decide.
        portrait_consent: false,
        metadata: json!({}),
        member_id: None,
    })
}

/// `<channel> · 直播回放 05-10 09:00`, from the catalog.
fn replay_title(channel: &str, started: &str) -> String {
    let args = [
        ("channel", Arg::Text(channel.to_owned())),
        ("started", Arg::Text(started.to_owned())),
    ];
    title(Lang::ZhCn, "live-replay", &args).unwrap_or_else(|| format!("{channel} · {started}"))
}

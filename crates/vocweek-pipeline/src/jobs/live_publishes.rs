//! An ended live event's stored segments, as the replay's media child takes them: one "chunk"
//! of facts per publish (a reconnect starts a new one, its first segments marked as following
//! a discontinuity), and each publish's top-rung segments joined from the store into one
//! file, for the MP4 download.

use std::collections::BTreeSet;
use std::path::Path;

use vocweek_db::live::{LiveSegment, ReplaySource};
use vocweek_media::video::{ChunkFacts, ChunkRung, ChunkSegment, LiveLadder};

use super::blob_join::join_blobs;
use super::{JobContext, JobError};
use crate::segment_names::{parse_segment_file, segment_file, segment_key};

/// The download carries the top rung: the publisher's own pictures when they were passed
/// through, the sharpest encoded rendition otherwise.
pub const DOWNLOAD_RUNG: usize = 0;

/// The event's publishes as chunks of facts, those that stored no top-rung segment left out
/// (a publish refused at once adds nothing to watch). Empty when nothing was recorded.
pub fn publishes(source: &ReplaySource, ladder: &LiveLadder) -> Vec<ChunkFacts> {
    // Where each publish after the first starts: the same number in every rendition.
    let starts: BTreeSet<i64> = source
        .segments
        .iter()
        .filter(|s| s.discontinuity)
        .map(|s| s.sequence)
        .collect();
    let publish_of = |sequence: i64| starts.range(..=sequence).count();
    let count = starts.len() + 1;
    let mut chunks: Vec<ChunkFacts> = (0..count)
        .map(|_| ChunkFacts {
            index: 0,
            probe: serde_json::Value::Null,
            frame_rate: Some(ladder.frame_rate),
            interlaced: false,
            damaged_packets: 0,
            download_rung: DOWNLOAD_RUNG,
            rungs: ladder
                .rungs
                .iter()
                .map(|rung| ChunkRung {
                    name: rung.name.clone(),
                    width: Some(rung.width),
                    height: Some(rung.height),
                    codecs: rung.codecs.clone(),
                    target_duration: 0,
                    segments: Vec::new(),
                })
                .collect(),
        })
        .collect();
    // A row that cannot be a segment (no length, no bytes) is left out rather than failing
    // the whole replay at the stitch's check.
    let playable = source
        .segments
        .iter()
        .filter(|s| s.duration_ms > 0 && s.bytes > 0);
    for segment in playable {
        let Some(chunk) = chunks.get_mut(publish_of(segment.sequence)) else {
            continue;
        };
        // Segments of a rendition the last ladder does not name (a publisher that came back
        // with another picture size) are left to the live playlists.
        let Some(rung) = chunk.rungs.iter_mut().find(|r| r.name == segment.rung) else {
            continue;
        };
        let seconds = f64::from(segment.duration_ms) / 1000.0;
        rung.target_duration = rung.target_duration.max(seconds.ceil() as u32);
        rung.segments.push(ChunkSegment {
            file: segment_file(&segment.rung, segment.sequence),
            duration_seconds: seconds,
            bytes: u64::try_from(segment.bytes).unwrap_or(0),
        });
    }
    chunks.retain(|c| {
        c.rungs
            .get(DOWNLOAD_RUNG)
            .is_some_and(|r| !r.segments.is_empty())
    });
    for (index, chunk) in chunks.iter_mut().enumerate() {
        chunk.index = u32::try_from(index).unwrap_or(u32::MAX);
    }
    chunks
}

/// The longest segment of the event, in whole seconds.
pub fn longest_segment_seconds(segments: &[LiveSegment]) -> u32 {
    segments
        .iter()
        .map(|s| u32::try_from(s.duration_ms).unwrap_or(0).div_ceil(1000))
        .max()
        .unwrap_or(0)
}

/// Joins the top-rung segments of `publish` of the event `event_id` into `into`, in order.
pub async fn join_publish(
    ctx: &JobContext,
    event_id: &str,
    publish: &ChunkFacts,
    into: &Path,
) -> Result<(), JobError> {
    let keys = publish
        .rungs
        .get(publish.download_rung)
        .map(|rung| rung.segments.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|segment| parse_segment_file(&segment.file))
        .map(|(name, sequence)| segment_key(event_id, name, sequence))
        .collect::<Result<Vec<String>, _>>()?;
    join_blobs(ctx, keys, into).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::Utc;
    use vocweek_db::live::{LiveChannel, LiveEvent};
    use vocweek_media::video::LiveRung;

    use super::*;

    fn segment(rung: &str, sequence: i64, discontinuity: bool) -> LiveSegment {
        LiveSegment {
            event_id: "ev".to_owned(),
            rung: rung.to_owned(),
            sequence,
            duration_ms: 2000,
            bytes: 1000,
            discontinuity,
            stored_at: Utc::now(),
        }
    }

    fn source(segments: Vec<LiveSegment>) -> ReplaySource {
        let now = Utc::now();
        ReplaySource {
            event: LiveEvent {
                id: "ev".to_owned(),
                channel_id: "ch".to_owned(),
                node: "n".to_owned(),
                started_at: now,
                interrupted_at: None,
                ended_at: Some(now),
                ended_how: Some("clean".to_owned()),
                ladder: None,
                publishes: 2,
                sequence_base: 0,
                replay_asset_id: None,
            },
            channel: LiveChannel {
                id: "ch".to_owned(),
                campaign_id: 1,
                unit_id: 1,
                title: "t".to_owned(),
                city: "jinan".to_owned(),
                category: "c".to_owned(),
                subcategory: "s".to_owned(),
                themes: vec![],
                scheduled_start: now,
                has_key: true,
                key_hint: "abcd".to_owned(),
                last_refusal: None,
                last_refusal_at: None,
                created_by: None,
                created_at: now,
            },
            segments,
        }
    }

    fn ladder() -> LiveLadder {
        let rung = |name: &str, width, height| LiveRung {
            name: name.to_owned(),
            playlist: format!("{name}/{name}.m3u8"),
            width,
            height,
            codecs: "avc1.64001f,mp4a.40.2".to_owned(),
        };
        LiveLadder {
            frame_rate: 30.0,
            top_rung_passthrough: true,
            rungs: vec![rung("1080p", 1920, 1080), rung("360p", 640, 360)],
        }
    }

    #[test]
    fn a_reconnect_starts_a_publish_in_every_rendition() {
        let mut segments = Vec::new();
        for rung in ["1080p", "360p"] {
            for sequence in 0..5 {
                segments.push(segment(rung, sequence, sequence == 3));
            }
        }
        let chunks = publishes(&source(segments), &ladder());
        assert_eq!(chunks.len(), 2);
        let files = |c: &ChunkFacts, r: usize| -> Vec<String> {
            c.rungs[r].segments.iter().map(|s| s.file.clone()).collect()
        };
        assert_eq!(
            files(&chunks[0], 0),
            ["1080p_00000.ts", "1080p_00001.ts", "1080p_00002.ts"]
        );
        assert_eq!(files(&chunks[1], 1), ["360p_00003.ts", "360p_00004.ts"]);
        assert_eq!(chunks[1].index, 1);
        assert_eq!(chunks[0].rungs[0].target_duration, 2);
    }

    #[test]
    fn a_publish_that_stored_nothing_is_left_out() {
        // The second publish stored a lower rendition's segment and none of the top one.
        let segments = vec![
            segment("1080p", 0, false),
            segment("1080p", 2, true),
            segment("360p", 0, false),
            segment("360p", 1, true),
            segment("360p", 2, true),
        ];
        let chunks = publishes(&source(segments), &ladder());
        assert_eq!(chunks.len(), 2);
        assert_eq!(chunks[1].index, 1);
        assert!(publishes(&source(Vec::new()), &ladder()).is_empty());
        assert_eq!(longest_segment_seconds(&[segment("1080p", 0, false)]), 2);
    }
}

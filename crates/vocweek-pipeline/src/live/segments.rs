//! A live child's reports, checked and acted on: its ladder recorded with the event, each
//! segment linked out of the child's scratch directory into the store under the event's
//! numbering and listed. The child's word is not trusted: names, order and durations are
//! checked before anything is stored.
//!
//! When the child ends with a complete recording of the publish (`LiveFacts::recording`), it
//! is moved out of the scratch directory to wait for the replay (`live_recordings`), named
//! for the top-rung segments it covers — only if every one of them was stored and listed, so
//! that a replay taking it in their place shows what the playlists show.

use std::collections::HashMap;

use vocweek_db::live::{LiveEvent, LiveSegment as SegmentRow};
use vocweek_media::video::{LiveLadder, LiveSegment, RECORDING_FILE};
use vocweek_storage::StagingFile;

use super::stage::LiveStage;
use crate::jobs::Scratch;
use crate::live_recordings::{Covered, recording_path};
use crate::segment_names::{is_rung_name, segment_file, segment_key};

/// Renditions a live ladder may have (the widest ladder has four).
const MAX_RUNGS: usize = 6;
/// A segment's duration as reported: 2 s and up, a keyframe interval of the publisher's at
/// most (an encoder with a 10 s GOP makes 10 s segments).
const MAX_SEGMENT_SECONDS: f64 = 60.0;

pub(super) struct SegmentStore {
    stage: LiveStage,
    event: LiveEvent,
    resumed: bool,
    scratch: Scratch,
    /// The ladder's renditions, once reported, each with the number of its next segment.
    next: Option<HashMap<String, u64>>,
    /// The top rendition's name, once the ladder is reported: the one a recording carries.
    top: Option<String>,
    /// The top rendition's segments stored and listed so far.
    top_segments: TopSegments,
}

/// What a recording of the publish would stand for.
#[derive(Clone, Copy)]
enum TopSegments {
    /// No top-rung segment yet.
    None,
    /// Every top-rung segment stored and listed, these numbers first to last.
    Stored(Covered),
    /// One could not be stored or listed: no recording stands for the publish.
    Gap,
}

impl SegmentStore {
    pub fn new(stage: LiveStage, event: LiveEvent, resumed: bool, scratch: Scratch) -> Self {
        SegmentStore {
            stage,
            event,
            resumed,
            scratch,
            next: None,
            top: None,
            top_segments: TopSegments::None,
        }
    }

    pub fn event_id(&self) -> &str {
        &self.event.id
    }

    /// Records the renditions with the event (each publish names them again), unless the
    /// ladder is not one a live transcode makes.
    pub async fn ladder(&mut self, ladder: LiveLadder) {
        let well_formed = !ladder.rungs.is_empty()
            && ladder.rungs.len() <= MAX_RUNGS
            && ladder.rungs.iter().all(|rung| is_rung_name(&rung.name));
        if !well_formed || self.next.is_some() {
            tracing::warn!(event = %self.event.id, "a live ladder was refused");
            return;
        }
        self.top = ladder.rungs.first().map(|rung| rung.name.clone());
        self.next = Some(
            ladder
                .rungs
                .iter()
                .map(|rung| (rung.name.clone(), 0))
                .collect(),
        );
        let json = match serde_json::to_value(&ladder) {
            Ok(json) => json,
            Err(_) => return,
        };
        if let Err(err) = self
            .stage
            .shared
            .parts
            .db
            .set_live_event_ladder(&self.event.id, &json)
            .await
        {
            tracing::warn!(event = %self.event.id, error = %err, "could not record the live ladder");
        }
    }

    /// Stores and lists one reported segment. `Err` when the report cannot be true (an unknown
    /// rendition, a number out of order, a file outside its directory, a duration no segment
    /// has): the child is then stopped.
    pub async fn store(&mut self, segment: LiveSegment) -> Result<(), String> {
        let next = self
            .next
            .as_mut()
            .and_then(|next| next.get_mut(&segment.rung))
            .ok_or_else(|| format!("a segment of an unknown rendition {:?}", segment.rung))?;
        if segment.sequence != *next {
            return Err(format!(
                "segment {} of {} came when {} was due",
                segment.sequence, segment.rung, next
            ));
        }
        let number = i64::try_from(segment.sequence).map_err(|_| "a segment number overflows")?;
        let expected_file = format!("{}/{}", segment.rung, segment_file(&segment.rung, number));
        if segment.file != expected_file {
            return Err(format!("a segment named {:?}", segment.file));
        }
        let duration = segment.duration_seconds;
        if !(duration > 0.0 && duration <= MAX_SEGMENT_SECONDS) {
            return Err(format!("a segment of {duration} s"));
        }
        *next += 1;
        let sequence = self
            .event
            .sequence_base
            .checked_add(number)
            .ok_or("a segment number overflows")?;
        let is_top = self.top.as_deref() == Some(segment.rung.as_str());
        // Stored even if listing fails: the playlists only name listed segments.
        let bytes = match self.put(&segment.file, &segment.rung, sequence).await {
            Ok(bytes) => bytes,
            Err(err) => {
                tracing::warn!(event = %self.event.id, error = %err, "a live segment could not be stored");
                self.top_gap(is_top);
                return Ok(());
            }
        };
        let row = SegmentRow {
            event_id: self.event.id.clone(),
            rung: segment.rung,
            sequence,
            duration_ms: (duration * 1000.0).round() as i32,
            bytes: i64::try_from(bytes).unwrap_or(i64::MAX),
            discontinuity: self.resumed && number == 0,
            stored_at: chrono::Utc::now(),
        };
        if let Err(err) = self.stage.shared.parts.db.add_live_segment(&row).await {
            tracing::warn!(event = %self.event.id, error = %err, "a live segment could not be listed");
            self.top_gap(is_top);
        } else if is_top {
            self.top_segments = match self.top_segments {
                TopSegments::None => TopSegments::Stored(Covered {
                    first: sequence,
                    last: sequence,
                }),
                TopSegments::Stored(covered) => TopSegments::Stored(Covered {
                    last: sequence,
                    ..covered
                }),
                TopSegments::Gap => TopSegments::Gap,
            };
        }
        Ok(())
    }

    /// A top-rung segment is missing from the store or the list: no recording stands for the
    /// publish's segments.
    fn top_gap(&mut self, is_top: bool) {
        if is_top {
            self.top_segments = TopSegments::Gap;
        }
    }

    /// A hard link to the child's finished file (it never changes again: the muxer writes a
    /// new segment under a temporary name), handed to the store as a staging file; a copy
    /// where a link cannot be made.
    async fn put(&self, file: &str, rung: &str, sequence: i64) -> std::io::Result<u64> {
        let parts = &self.stage.shared.parts;
        let source = self.scratch.path.join(file);
        let staged = StagingFile::new_in(parts.store.staging_dir());
        if tokio::fs::hard_link(&source, staged.path()).await.is_err() {
            tokio::fs::copy(&source, staged.path()).await?;
        }
        let bytes = tokio::fs::metadata(staged.path()).await?.len();
        let key = segment_key(&self.event.id, rung, sequence).map_err(std::io::Error::other)?;
        parts
            .store
            .put_file(&key, staged)
            .await
            .map_err(std::io::Error::other)?;
        Ok(bytes)
    }

    /// The child has ended: its complete recording (`recording`, the child's word: only the
    /// one name is taken) is kept for the replay when it covers the publish's top-rung
    /// segments, and the scratch directory goes (every segment it reported is stored).
    pub async fn finish(self, recording: Option<String>) {
        let kept = match (recording, self.top_segments) {
            (Some(name), TopSegments::Stored(covered)) if name == RECORDING_FILE => {
                let staging = self.stage.shared.parts.store.staging_dir();
                let to = recording_path(staging, &self.event.id, covered);
                match tokio::fs::rename(self.scratch.file(RECORDING_FILE), &to).await {
                    Ok(()) => Some(covered),
                    Err(err) => {
                        tracing::warn!(event = %self.event.id, error = %err, "the publish's recording could not be kept");
                        None
                    }
                }
            }
            _ => None,
        };
        tracing::info!(event = %self.event.id, recording = ?kept, "the publish's segments are stored");
        let SegmentStore { scratch, .. } = self;
        let _ = tokio::task::spawn_blocking(move || drop(scratch)).await;
    }
}

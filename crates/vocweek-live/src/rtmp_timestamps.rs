//! Undoes one misreading of RTMP timestamps by scuffle-rtmp 0.2.
//!
//! A chunk of type 3 carries no header: for a new message it means "same length, type and
//! timestamp delta as the previous message on this chunk stream" (RTMP 1.0, 5.3.1.2.4). FFmpeg
//! sends one whenever two consecutive audio (or video) messages have the same size and the same
//! delta (`ff_rtmp_packet_write`). scuffle-rtmp's chunk reader gives such a message the previous
//! message's timestamp instead of adding the delta, and every later delta builds on that: each
//! occurrence sets the stream back by one frame for good (about a minute an hour for AAC from
//! FFmpeg). We cannot see chunk types, but the symptom is exact: a message with the same
//! timestamp and the same length as the previous one of its kind, after a non-zero delta.
//! librtmp (OBS) and nginx-rtmp send type 3 when a message's timestamp equals the previous
//! one's, which the reader gets right; the repair misfires on them only for two messages of one
//! kind with the same size at the same millisecond after a step, which media does not send
//! (frames advance; a sequence header repeated at a keyframe has another size). The reset on
//! script data follows FFmpeg's chunk streams (data messages on the audio one).

use crate::flv::TagKind;

/// The repair for one publish.
#[derive(Debug, Default)]
pub struct Type3Repair {
    audio: Track,
    video: Track,
}

#[derive(Debug, Default, Clone, Copy)]
struct Track {
    last: Option<LastMessage>,
    /// What the reader has lost so far on this kind, in milliseconds.
    lost_ms: u32,
}

#[derive(Debug, Clone, Copy)]
struct LastMessage {
    timestamp: u32,
    len: usize,
    delta: u32,
}

impl Type3Repair {
    /// The timestamp scuffle-rtmp should have given a message of `kind` and `len` bytes that
    /// it gave `timestamp`.
    pub fn repair(&mut self, kind: TagKind, timestamp: u32, len: usize) -> u32 {
        match kind {
            TagKind::Audio => self.audio.repair(timestamp, len),
            TagKind::Video => self.video.repair(timestamp, len),
            TagKind::Script => {
                // FFmpeg sends data messages on its audio chunk stream with a full header,
                // which resets the reader's idea of the audio timestamps: nothing is lost any
                // more from there on.
                self.audio = Track::default();
                timestamp
            }
        }
    }
}

impl Track {
    fn repair(&mut self, timestamp: u32, len: usize) -> u32 {
        if timestamp == 0 {
            // A message at 0 comes with a full header (FFmpeg forces one): an absolute time.
            self.lost_ms = 0;
        }
        let delta = match self.last {
            Some(last) if timestamp == last.timestamp && len == last.len && last.delta > 0 => {
                self.lost_ms = self.lost_ms.saturating_add(last.delta);
                last.delta
            }
            Some(last) => timestamp.saturating_sub(last.timestamp),
            None => 0,
        };
        self.last = Some(LastMessage {
            timestamp,
            len,
            delta,
        });
        timestamp.saturating_add(self.lost_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What FFmpeg sends for AAC at 48 kHz (frames every 21.33 ms) and what the reader makes of
    /// it when the frames at 42 and 85 are sent as type 3 chunks (same size, same delta).
    #[test]
    fn type_3_messages_get_their_delta_back() {
        let mut repair = Type3Repair::default();
        let read = [
            (0, 4, 0),      // AudioSpecificConfig
            (0, 300, 0),    // first frame, type 1 with delta 0
            (21, 300, 21),  // type 2, delta 21
            (21, 300, 42),  // type 3: the reader repeats 21
            (43, 300, 64),  // type 2, delta 22: the reader builds on 21
            (64, 300, 85),  // type 2, delta 21
            (64, 300, 106), // type 3 again
            (86, 280, 128), // type 1, delta 22
        ];
        for (reader_timestamp, len, sent_timestamp) in read {
            assert_eq!(
                repair.repair(TagKind::Audio, reader_timestamp, len),
                sent_timestamp
            );
        }
    }

    #[test]
    fn consecutive_type_3_messages_each_add_the_delta() {
        let mut repair = Type3Repair::default();
        assert_eq!(repair.repair(TagKind::Video, 0, 5000), 0);
        assert_eq!(repair.repair(TagKind::Video, 33, 900), 33);
        assert_eq!(repair.repair(TagKind::Video, 66, 900), 66);
        assert_eq!(repair.repair(TagKind::Video, 66, 900), 99);
        assert_eq!(repair.repair(TagKind::Video, 66, 900), 132);
        assert_eq!(repair.repair(TagKind::Video, 100, 800), 166);
    }

    #[test]
    fn same_timestamp_with_another_length_or_a_zero_delta_is_left_alone() {
        let mut repair = Type3Repair::default();
        assert_eq!(repair.repair(TagKind::Video, 1000, 40), 1000);
        assert_eq!(repair.repair(TagKind::Video, 1033, 900), 1033);
        // A sequence header re-sent with the next keyframe: same time, other sizes.
        assert_eq!(repair.repair(TagKind::Video, 1033, 40), 1033);
        assert_eq!(repair.repair(TagKind::Video, 1033, 9000), 1033);
        // librtmp's type 3 for an equal timestamp follows a zero delta.
        assert_eq!(repair.repair(TagKind::Video, 1033, 9000), 1033);
    }

    #[test]
    fn kinds_are_repaired_separately_and_script_data_resets_audio() {
        let mut repair = Type3Repair::default();
        assert_eq!(repair.repair(TagKind::Audio, 10, 300), 10);
        assert_eq!(repair.repair(TagKind::Audio, 31, 300), 31);
        assert_eq!(repair.repair(TagKind::Audio, 31, 300), 52);
        assert_eq!(repair.repair(TagKind::Video, 31, 300), 31);
        assert_eq!(repair.repair(TagKind::Script, 60, 30), 60);
        assert_eq!(repair.repair(TagKind::Audio, 74, 300), 74);
    }
}

//! The FLV byte stream the ingest hands on: a file header, then tags, each followed by its size.
//!
//! Written for libavformat's flv demuxer reading from a pipe, and for recordings: the demuxer
//! finds a recording's duration from the last tag's timestamp through the trailing
//! "previous tag size", so every size here must be exact.

/// The FLV file header (signature, version 1, audio + video present, header size 9) followed
/// by PreviousTagSize0, which is always 0.
pub const FLV_HEADER: [u8; 13] = [b'F', b'L', b'V', 1, 0x05, 0, 0, 0, 9, 0, 0, 0, 0];

/// The bytes of a tag's header: type, data size, timestamp, extended timestamp, stream id.
const TAG_HEADER_LEN: u32 = 11;
/// A tag's data size is 24 bits.
const MAX_TAG_DATA_LEN: u32 = 0x00FF_FFFF;

/// The kinds of tag we write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    Audio,
    Video,
    /// AMF0 script data (`onMetaData`).
    Script,
}

impl TagKind {
    /// The FLV TagType.
    pub fn tag_type(self) -> u8 {
        match self {
            Self::Audio => 8,
            Self::Video => 9,
            Self::Script => 18,
        }
    }

    fn index(self) -> usize {
        match self {
            Self::Audio => 0,
            Self::Video => 1,
            Self::Script => 2,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlvError {
    #[error("a {len}-byte tag does not fit FLV's 24-bit tag size")]
    TagTooLarge { len: usize },
}

/// Appends one tag and the PreviousTagSize after it to `out`.
pub fn encode_tag(
    kind: TagKind,
    timestamp_ms: u32,
    body: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), FlvError> {
    let data_len = u32::try_from(body.len())
        .ok()
        .filter(|len| *len <= MAX_TAG_DATA_LEN)
        .ok_or(FlvError::TagTooLarge { len: body.len() })?;
    let [_, size_hi, size_mid, size_lo] = data_len.to_be_bytes();
    // FLV splits the timestamp: its low 24 bits first, then the high 8 ("extended").
    let [ts_ext, ts_hi, ts_mid, ts_lo] = timestamp_ms.to_be_bytes();
    out.reserve(body.len() + 15);
    out.extend_from_slice(&[kind.tag_type(), size_hi, size_mid, size_lo]);
    out.extend_from_slice(&[ts_hi, ts_mid, ts_lo, ts_ext]);
    // StreamID: always 0.
    out.extend_from_slice(&[0, 0, 0]);
    out.extend_from_slice(body);
    out.extend_from_slice(&(TAG_HEADER_LEN + data_len).to_be_bytes());
    Ok(())
}

/// Turns a publish's RTMP timestamps into the FLV stream's.
///
/// Some encoders start their clock at a large value (uptime, or the time of day): the stream
/// starts at 0 from its first audio or video tag instead. Each kind of tag keeps a timestamp
/// that never goes back, as demuxers and the HLS muxer after them expect; kinds are clamped
/// separately because encoders interleave audio and video a few milliseconds out of order, and
/// clamping across kinds would move one against the other.
#[derive(Debug, Default)]
pub struct TagClock {
    /// The RTMP timestamp of the publish's first audio or video tag.
    start: Option<u32>,
    last: [u32; 3],
}

impl TagClock {
    /// The FLV timestamp of a tag of `kind` that came with `rtmp_timestamp_ms`.
    pub fn stamp(&mut self, kind: TagKind, rtmp_timestamp_ms: u32) -> u32 {
        if self.start.is_none() && kind != TagKind::Script {
            self.start = Some(rtmp_timestamp_ms);
        }
        // Metadata sent before the media starts belongs at 0; a tag earlier than the first
        // one (audio a little ahead of the video that came first) is held at 0 as well.
        let relative = self
            .start
            .map_or(0, |start| rtmp_timestamp_ms.saturating_sub(start));
        let last = &mut self.last[kind.index()];
        *last = relative.max(*last);
        *last
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_flv_version_1_with_audio_and_video() {
        assert_eq!(&FLV_HEADER[..3], b"FLV");
        assert_eq!(FLV_HEADER, *b"FLV\x01\x05\x00\x00\x00\x09\x00\x00\x00\x00");
    }

    #[test]
    fn a_tag_is_header_body_and_previous_tag_size() {
        let mut out = Vec::new();
        encode_tag(TagKind::Video, 0x0102_0304, &[0xAA, 0xBB], &mut out).unwrap();
        assert_eq!(
            out,
            [
                9, 0, 0, 2, // video, 2 bytes
                0x02, 0x03, 0x04, 0x01, // timestamp: low 24 bits, then the high 8
                0, 0, 0, // stream id
                0xAA, 0xBB, // body
                0, 0, 0, 13, // previous tag size: 11 + 2
            ]
        );
    }

    #[test]
    fn tags_append_and_sizes_count_the_whole_tag() {
        let mut out = FLV_HEADER.to_vec();
        encode_tag(TagKind::Script, 0, b"\x02\x00\x0aonMetaData", &mut out).unwrap();
        encode_tag(TagKind::Audio, 21, &[0xAF, 0x01, 0x21], &mut out).unwrap();
        let script_len = 11 + 13 + 4;
        assert_eq!(out.len(), 13 + script_len + 11 + 3 + 4);
        assert_eq!(&out[13..17], &[18, 0, 0, 13]);
        assert_eq!(
            &out[13 + script_len - 4..13 + script_len],
            &24u32.to_be_bytes()
        );
        let audio = &out[13 + script_len..];
        assert_eq!(
            audio,
            &[
                8, 0, 0, 3, 0, 0, 21, 0, 0, 0, 0, 0xAF, 0x01, 0x21, 0, 0, 0, 14
            ]
        );
    }

    #[test]
    fn a_large_body_has_a_24_bit_size() {
        let body = vec![0u8; 0x01_02_03];
        let mut out = Vec::new();
        encode_tag(TagKind::Video, 0, &body, &mut out).unwrap();
        assert_eq!(&out[..4], &[9, 0x01, 0x02, 0x03]);
        assert_eq!(&out[out.len() - 4..], &(0x01_02_03u32 + 11).to_be_bytes());
    }

    #[test]
    fn a_body_over_24_bits_is_refused() {
        let body = vec![0u8; 0x0100_0000];
        let mut out = Vec::new();
        let error = encode_tag(TagKind::Video, 0, &body, &mut out).unwrap_err();
        assert_eq!(error, FlvError::TagTooLarge { len: 0x0100_0000 });
        assert!(out.is_empty());
    }

    #[test]
    fn timestamps_start_at_the_first_media_tag() {
        let mut clock = TagClock::default();
        assert_eq!(clock.stamp(TagKind::Script, 0), 0);
        assert_eq!(clock.stamp(TagKind::Video, 3_600_000), 0);
        assert_eq!(clock.stamp(TagKind::Audio, 3_600_010), 10);
        assert_eq!(clock.stamp(TagKind::Video, 3_600_033), 33);
        assert_eq!(clock.stamp(TagKind::Script, 3_600_040), 40);
    }

    #[test]
    fn timestamps_never_decrease_within_a_kind() {
        let mut clock = TagClock::default();
        assert_eq!(clock.stamp(TagKind::Video, 1000), 0);
        assert_eq!(clock.stamp(TagKind::Video, 1066), 66);
        assert_eq!(clock.stamp(TagKind::Video, 1033), 66);
        assert_eq!(clock.stamp(TagKind::Video, 1100), 100);
        // Audio a little earlier than the first video tag: held at 0, then on its own clock.
        assert_eq!(clock.stamp(TagKind::Audio, 990), 0);
        assert_eq!(clock.stamp(TagKind::Audio, 1011), 11);
        // Another kind's clock is not clamped by video's.
        assert_eq!(clock.stamp(TagKind::Audio, 1050), 50);
    }
}

//! What an FLV tag body's first bytes say about its codec, without decoding anything.
//!
//! RTMP audio and video messages carry FLV AUDIODATA / VIDEODATA bodies. We accept H.264 (AVC)
//! and AAC in their legacy form only: that is what OBS, FFmpeg and hardware encoders send for
//! them, and what the live HLS stage after us is built for. Everything else is refused by name,
//! so the channel page can tell the editor what the encoder is set to.

use crate::Refusal;
use crate::codec_names::{enhanced_audio, enhanced_video, legacy_audio, legacy_video};

/// The legacy FLV video codec id of AVC (H.264) and sound format of AAC.
const AVC_CODEC_ID: u8 = 7;
const AAC_SOUND_FORMAT: u8 = 10;
/// The sound format that announces an enhanced RTMP audio header (a FourCC follows).
const EX_HEADER_SOUND_FORMAT: u8 = 9;
/// The bit of a video tag's first byte that announces an enhanced RTMP header.
const EX_HEADER_VIDEO_BIT: u8 = 0x80;
/// Enhanced RTMP video packet types whose FourCC does not directly follow the first byte.
const EX_VIDEO_MULTITRACK: u8 = 6;
const EX_VIDEO_MODEX: u8 = 7;

/// A video tag's frame type (the high nibble of its first byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameType {
    Keyframe,
    Interframe,
    DisposableInterframe,
    GeneratedKeyframe,
    /// A video info / command frame: carries no picture and no AVC packet type.
    InfoOrCommand,
    Reserved(u8),
}

/// What an AVC video tag holds (its second byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AvcPacketType {
    /// The decoder configuration (SPS/PPS); the live stage needs it before any frame.
    SequenceHeader,
    Nalu,
    EndOfSequence,
    Reserved(u8),
}

/// An accepted video tag: H.264 in a legacy FLV tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AvcTag {
    pub frame_type: FrameType,
    /// `None` for info / command frames, which have no AVC packet type.
    pub packet_type: Option<AvcPacketType>,
}

impl AvcTag {
    /// A frame a decoder (and an HLS segment) can start from.
    pub fn is_keyframe(&self) -> bool {
        self.frame_type == FrameType::Keyframe && self.packet_type == Some(AvcPacketType::Nalu)
    }

    pub fn is_sequence_header(&self) -> bool {
        self.packet_type == Some(AvcPacketType::SequenceHeader)
    }
}

/// An accepted audio tag: AAC in a legacy FLV tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AacTag {
    /// The AudioSpecificConfig rather than a frame.
    pub is_sequence_header: bool,
}

/// Why a tag is not one we take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    #[error("an empty {0} tag")]
    Empty(&'static str),
    #[error("a truncated {0} tag")]
    Truncated(&'static str),
    #[error("video codec {0}")]
    UnsupportedVideo(String),
    #[error("audio codec {0}")]
    UnsupportedAudio(String),
}

impl From<CodecError> for Refusal {
    fn from(error: CodecError) -> Self {
        match error {
            CodecError::UnsupportedVideo(codec) => Refusal::UnsupportedVideoCodec { codec },
            CodecError::UnsupportedAudio(codec) => Refusal::UnsupportedAudioCodec { codec },
            malformed => Refusal::BadStream {
                detail: malformed.to_string(),
            },
        }
    }
}

/// Reads a video tag body's header: H.264 passes, anything else is named and refused.
pub fn inspect_video(body: &[u8]) -> Result<AvcTag, CodecError> {
    let Some(&first) = body.first() else {
        return Err(CodecError::Empty("video"));
    };
    if first & EX_HEADER_VIDEO_BIT != 0 {
        return Err(refuse_enhanced_video(first, body));
    }
    let codec_id = first & 0x0F;
    if codec_id != AVC_CODEC_ID {
        return Err(CodecError::UnsupportedVideo(legacy_video(codec_id)));
    }
    let frame_type = match first >> 4 {
        1 => FrameType::Keyframe,
        2 => FrameType::Interframe,
        3 => FrameType::DisposableInterframe,
        4 => FrameType::GeneratedKeyframe,
        5 => FrameType::InfoOrCommand,
        other => FrameType::Reserved(other),
    };
    if frame_type == FrameType::InfoOrCommand {
        return Ok(AvcTag {
            frame_type,
            packet_type: None,
        });
    }
    let packet_type = match body.get(1) {
        None => return Err(CodecError::Truncated("video")),
        Some(0) => AvcPacketType::SequenceHeader,
        Some(1) => AvcPacketType::Nalu,
        Some(2) => AvcPacketType::EndOfSequence,
        Some(&other) => AvcPacketType::Reserved(other),
    };
    Ok(AvcTag {
        frame_type,
        packet_type: Some(packet_type),
    })
}

/// Reads an audio tag body's header: AAC passes, anything else is named and refused.
pub fn inspect_audio(body: &[u8]) -> Result<AacTag, CodecError> {
    let Some(&first) = body.first() else {
        return Err(CodecError::Empty("audio"));
    };
    match first >> 4 {
        AAC_SOUND_FORMAT => match body.get(1) {
            None => Err(CodecError::Truncated("audio")),
            Some(&packet_type) => Ok(AacTag {
                is_sequence_header: packet_type == 0,
            }),
        },
        EX_HEADER_SOUND_FORMAT => match body.get(1..5) {
            None => Err(CodecError::Truncated("audio")),
            Some(fourcc) => Err(CodecError::UnsupportedAudio(enhanced_audio(fourcc))),
        },
        other => Err(CodecError::UnsupportedAudio(legacy_audio(other))),
    }
}

/// Enhanced RTMP (the `0x80` bit): the codec is a FourCC, named in the refusal. Even `avc1` is
/// refused: FFmpeg, OBS and hardware encoders send H.264 in the legacy form, and the stage
/// after us reads that.
fn refuse_enhanced_video(first: u8, body: &[u8]) -> CodecError {
    let fourcc_at = match first & 0x0F {
        EX_VIDEO_MULTITRACK => 2,
        EX_VIDEO_MODEX => {
            return CodecError::UnsupportedVideo("enhanced RTMP (ModEx packet)".to_owned());
        }
        _ => 1,
    };
    match body.get(fourcc_at..fourcc_at + 4) {
        Some(fourcc) => CodecError::UnsupportedVideo(enhanced_video(fourcc)),
        None => CodecError::Truncated("video"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codec a refused video tag was named as.
    fn refused_video(body: &[u8]) -> String {
        match inspect_video(body) {
            Err(CodecError::UnsupportedVideo(codec)) => codec,
            other => panic!("{body:02x?} was not refused as a video codec: {other:?}"),
        }
    }

    fn refused_audio(body: &[u8]) -> String {
        match inspect_audio(body) {
            Err(CodecError::UnsupportedAudio(codec)) => codec,
            other => panic!("{body:02x?} was not refused as an audio codec: {other:?}"),
        }
    }

    #[test]
    fn avc_frames_pass_and_keyframes_and_sequence_headers_are_recognised() {
        let header = inspect_video(&[0x17, 0x00, 0, 0, 0, 0x01]).unwrap();
        assert!(header.is_sequence_header() && !header.is_keyframe());
        let keyframe = inspect_video(&[0x17, 0x01, 0, 0, 0, 0x65]).unwrap();
        assert!(keyframe.is_keyframe() && !keyframe.is_sequence_header());
        let inter = inspect_video(&[0x27, 0x01, 0, 0, 0, 0x41]).unwrap();
        assert_eq!(inter.frame_type, FrameType::Interframe);
        assert!(!inter.is_keyframe());
        let end = inspect_video(&[0x17, 0x02, 0, 0, 0]).unwrap();
        assert_eq!(end.packet_type, Some(AvcPacketType::EndOfSequence));
        assert!(!end.is_keyframe());

        let frame_type = |first: u8| inspect_video(&[first, 0x01]).unwrap().frame_type;
        assert_eq!(frame_type(0x37), FrameType::DisposableInterframe);
        assert_eq!(frame_type(0x47), FrameType::GeneratedKeyframe);
        assert_eq!(frame_type(0x67), FrameType::Reserved(6));
        let reserved = inspect_video(&[0x27, 0x09]).unwrap();
        assert_eq!(reserved.packet_type, Some(AvcPacketType::Reserved(9)));
    }

    #[test]
    fn a_command_frame_has_no_packet_type() {
        let command = inspect_video(&[0x57, 0x00]).unwrap();
        assert_eq!(command.frame_type, FrameType::InfoOrCommand);
        assert_eq!(command.packet_type, None);
        assert!(inspect_video(&[0x57]).is_ok());
    }

    #[test]
    fn empty_and_truncated_tags_are_a_bad_stream() {
        assert_eq!(inspect_video(&[]), Err(CodecError::Empty("video")));
        assert_eq!(inspect_video(&[0x17]), Err(CodecError::Truncated("video")));
        // An enhanced header too short for its FourCC.
        assert_eq!(
            inspect_video(b"\x90hv"),
            Err(CodecError::Truncated("video"))
        );
        assert_eq!(inspect_audio(&[]), Err(CodecError::Empty("audio")));
        assert_eq!(inspect_audio(&[0xaf]), Err(CodecError::Truncated("audio")));
        assert_eq!(
            inspect_audio(b"\x90Op"),
            Err(CodecError::Truncated("audio"))
        );
        for malformed in [CodecError::Empty("audio"), CodecError::Truncated("video")] {
            assert_eq!(Refusal::from(malformed).code(), "bad-stream");
        }
    }

    #[test]
    fn legacy_video_other_than_avc_is_refused_by_its_codec_id() {
        assert_eq!(
            refused_video(&[0x12, 0x00]),
            "Sorenson H.263 (FLV codec id 2)"
        );
        assert_eq!(refused_video(&[0x14]), "On2 VP6 (FLV codec id 4)");
        assert_eq!(refused_video(&[0x1c, 0x00]), "H.265/HEVC (FLV codec id 12)");
        let refusal = Refusal::from(inspect_video(&[0x12]).unwrap_err());
        assert_eq!(refusal.code(), "unsupported-video-codec");
    }

    #[test]
    fn enhanced_rtmp_video_is_refused_by_its_fourcc() {
        // Keyframe, CodedFrames, enhanced bit: HEVC as OBS 30 sends it.
        assert_eq!(
            refused_video(b"\x91hvc1\x00\x00\x00"),
            "H.265/HEVC (hvc1, enhanced RTMP)"
        );
        // SequenceStart of AV1 and VP9.
        assert_eq!(refused_video(b"\x90av01\x81"), "AV1 (av01, enhanced RTMP)");
        assert_eq!(refused_video(b"\xa1vp09"), "VP9 (vp09, enhanced RTMP)");
        // H.264 in the enhanced form is refused too (see `refuse_enhanced_video`).
        assert_eq!(refused_video(b"\x91avc1"), "H.264 (avc1, enhanced RTMP)");
        // Multitrack: one byte (track type, packet type) before the FourCC.
        assert_eq!(
            refused_video(b"\x96\x01hvc1"),
            "H.265/HEVC (hvc1, enhanced RTMP)"
        );
        assert_eq!(
            refused_video(&[0x97, 0x00, 0x01]),
            "enhanced RTMP (ModEx packet)"
        );
        let refusal = Refusal::from(inspect_video(b"\x91hvc1").unwrap_err());
        assert_eq!(refusal.code(), "unsupported-video-codec");
    }

    #[test]
    fn aac_passes_and_its_sequence_header_is_recognised() {
        let config = inspect_audio(&[0xaf, 0x00, 0x11, 0x90]).unwrap();
        assert!(config.is_sequence_header);
        let frame = inspect_audio(&[0xaf, 0x01, 0x21]).unwrap();
        assert!(!frame.is_sequence_header);
        // The low nibble (rate, size, channels) does not matter for AAC.
        assert!(inspect_audio(&[0xa0, 0x01]).is_ok());
    }

    #[test]
    fn other_audio_is_refused_by_its_sound_format_or_fourcc() {
        assert_eq!(
            refused_audio(&[0x2f, 0xff, 0xfb]),
            "MP3 (FLV sound format 2)"
        );
        assert_eq!(refused_audio(&[0xb6]), "Speex (FLV sound format 11)");
        assert_eq!(refused_audio(b"\x90Opus\x00"), "Opus (enhanced RTMP)");
        assert_eq!(refused_audio(b"\x91mp4a"), "mp4a (enhanced RTMP)");
        let refusal = Refusal::from(inspect_audio(&[0x2f]).unwrap_err());
        assert_eq!(refusal.code(), "unsupported-audio-codec");
    }
}

//! The publish's FLV stream: opened from the FIFO the parent writes it into, then read up to
//! its first video keyframe (the preroll), where every rendition starts.

use std::collections::VecDeque;
use std::path::Path;

use ff::Packet;
use ff::media::Type as MediaType;
use ffmpeg_next as ff;

use crate::MediaError;
use crate::video::Control;

/// How much `avformat_find_stream_info` may read ahead when the stream is opened: bytes, and
/// microseconds of the stream. What it reads is handed out again packet by packet, so nothing
/// is lost, but nothing can be written before it returns, and on a FIFO fed as the publisher
/// sends every second read ahead is a second more before the first segment. FLV's defaults
/// are 5 MB and 90 s of stream time (libavformat waits that long for a stream the header
/// announces, as the sound of a publisher that sends none). Nothing here needs a longer look:
/// the sequence headers that come first give the demuxer both codecs and their configurations,
/// and the picture size is read from the SPS by our own code (`first_keyframe`). A megabyte
/// holds a 1080p keyframe, so the stream's parameters are usually complete for the logs.
const PROBE_BYTES: &str = "1048576";
const ANALYZE_MICROSECONDS: &str = "500000";

/// With a keyframe in hand and no sound stream yet, how many seconds of pictures are waited
/// for one before the renditions are opened without sound.
const SOUND_WAIT_SECONDS: f64 = 1.0;
/// Packets read without a video keyframe before the publish is refused: about a minute of a
/// usual stream, past any encoder's keyframe interval.
const MAX_PACKETS_BEFORE_A_KEYFRAME: u64 = 5000;
/// Sound packets kept from before the first keyframe (about 1.4 s of AAC at 48 kHz): the few
/// an encoder sends a little ahead of the picture they go with; older ones are dropped.
const SOUND_KEPT_BEFORE_THE_KEYFRAME: usize = 64;
/// Bytes of sound kept from before the keyframe, whatever the packets' sizes.
const SOUND_BYTES_KEPT_BEFORE_THE_KEYFRAME: usize = 1024 * 1024;
/// Packets held after the first keyframe while the sound stream is awaited: at 30 pictures and
/// 47 AAC frames a second, several times `SOUND_WAIT_SECONDS`. A stream whose pictures do not
/// advance past it is refused rather than buffered without end.
const MAX_PACKETS_HELD_AFTER_THE_KEYFRAME: usize = 600;
/// Bytes held after the first keyframe, whatever the packets' count.
const MAX_BYTES_HELD_AFTER_THE_KEYFRAME: usize = 64 * 1024 * 1024;
/// Read errors in a row after which the stream is taken as ended.
pub(super) const MAX_READ_ERRORS_IN_A_ROW: u32 = 64;

/// Opens the FIFO at `fifo` as FLV. Blocks until the parent opens it for writing.
///
/// ffmpeg-next has no safe way to name the demuxer (`format::open_with` takes an input format
/// only `Input::wrap`, which is unsafe, makes, and `format::list` is not built for FFmpeg 5 and
/// later), so libavformat probes the first bytes with `flv` the only demuxer allowed
/// (`format_whitelist`): anything else is refused before it is parsed. Only the `file`
/// protocol may be opened: the demuxer opens nothing else.
pub(super) fn open(fifo: &Path) -> Result<ff::format::context::Input, MediaError> {
    let mut options = ff::Dictionary::new();
    options.set("format_whitelist", "flv");
    options.set("protocol_whitelist", "file");
    options.set("probesize", PROBE_BYTES);
    options.set("analyzeduration", ANALYZE_MICROSECONDS);
    let context = ff::format::input_with_dictionary(fifo, options).map_err(|e| {
        MediaError::VideoUnreadable(format!("the live stream cannot be read as FLV ({e})"))
    })?;
    if context.format().name() != "flv" {
        return Err(MediaError::VideoUnreadable(
            "the live stream is not FLV".to_owned(),
        ));
    }
    Ok(context)
}

/// The stream read up to where the renditions start.
pub(super) struct Preroll {
    pub video: usize,
    pub audio: Option<usize>,
    /// The first keyframe's presentation time, in seconds: the common zero. Sound from before
    /// it is dropped, so every rendition's first packet is at it (see `run`).
    pub zero_seconds: f64,
    /// The first keyframe.
    pub keyframe: Packet,
    /// The packets to process, in the order read: the sound kept from before the keyframe,
    /// the keyframe, and what came after it while the preroll waited.
    pub packets: Vec<Packet>,
    /// The stream ended during the preroll.
    pub ended: bool,
    /// Packets that could not be read.
    pub unread: u64,
}

/// Reads up to the first video keyframe, and past it until a sound stream is known (or
/// `SOUND_WAIT_SECONDS` of pictures showed there is none). Video before the first keyframe is
/// dropped: nothing can be decoded or segmented from it.
pub(super) fn preroll(
    context: &mut ff::format::context::Input,
    control: &Control,
) -> Result<Preroll, MediaError> {
    let mut before: VecDeque<Packet> = VecDeque::new();
    let mut before_bytes = 0usize;
    let mut after: Vec<Packet> = Vec::new();
    let mut after_bytes = 0usize;
    let mut first: Option<(usize, f64, Packet)> = None;
    let mut last_picture = 0.0_f64;
    let (mut read, mut unread, mut errors_in_a_row, mut ended) = (0u64, 0u64, 0u32, false);
    loop {
        if control.is_cancelled() {
            return Err(MediaError::Cancelled);
        }
        if let Some((_, zero, _)) = &first {
            let waited = last_picture - zero;
            if sound_stream(context).is_some() || waited >= SOUND_WAIT_SECONDS {
                break;
            }
        } else if read >= MAX_PACKETS_BEFORE_A_KEYFRAME {
            return Err(MediaError::VideoCorrupt(format!(
                "the live stream has no video keyframe in its first {read} packets"
            )));
        }
        // A fresh packet each time: reading into a used one does not release what it held.
        let mut packet = Packet::empty();
        match packet.read(context) {
            Ok(()) => errors_in_a_row = 0,
            Err(ff::Error::Eof) => {
                ended = true;
                break;
            }
            Err(_) => {
                unread += 1;
                errors_in_a_row += 1;
                if errors_in_a_row >= MAX_READ_ERRORS_IN_A_ROW {
                    ended = true;
                    break;
                }
                continue;
            }
        }
        read += 1;
        let Some(stream) = context.stream(packet.stream()) else {
            continue;
        };
        let medium = stream.parameters().medium();
        let seconds = packet
            .pts()
            .map(|pts| pts as f64 * f64::from(stream.time_base()));
        match (first.is_some(), medium) {
            (false, MediaType::Video) => {
                if let (true, Some(zero)) = (packet.is_key(), seconds) {
                    last_picture = zero;
                    first = Some((stream.index(), zero, packet.clone()));
                    after.push(packet);
                }
            }
            (false, MediaType::Audio) => {
                before_bytes += packet.size();
                before.push_back(packet);
                while before.len() > SOUND_KEPT_BEFORE_THE_KEYFRAME
                    || before_bytes > SOUND_BYTES_KEPT_BEFORE_THE_KEYFRAME
                {
                    let Some(dropped) = before.pop_front() else {
                        break;
                    };
                    before_bytes = before_bytes.saturating_sub(dropped.size());
                }
            }
            (true, MediaType::Video | MediaType::Audio) => {
                if medium == MediaType::Video {
                    last_picture = seconds.unwrap_or(last_picture).max(last_picture);
                }
                after_bytes += packet.size();
                after.push(packet);
                if after.len() > MAX_PACKETS_HELD_AFTER_THE_KEYFRAME
                    || after_bytes > MAX_BYTES_HELD_AFTER_THE_KEYFRAME
                {
                    return Err(MediaError::VideoCorrupt(format!(
                        "the live stream's pictures do not advance: {} packets ({after_bytes} \
                         bytes) after its first keyframe without {SOUND_WAIT_SECONDS} s of \
                         pictures",
                        after.len()
                    )));
                }
            }
            _ => {}
        }
    }
    let Some((video, zero_seconds, keyframe)) = first else {
        return Err(MediaError::VideoNoStreams(
            "the live stream ended before its first video keyframe".to_owned(),
        ));
    };
    let mut packets: Vec<Packet> = before.into_iter().collect();
    packets.extend(after);
    Ok(Preroll {
        video,
        audio: sound_stream(context),
        zero_seconds,
        keyframe,
        packets,
        ended,
        unread,
    })
}

/// The sound stream, once the demuxer has seen it: AAC only (the ingest admits no other).
fn sound_stream(context: &ff::format::context::Input) -> Option<usize> {
    context
        .streams()
        .find(|s| {
            let parameters = s.parameters();
            parameters.medium() == MediaType::Audio && parameters.id() == ff::codec::Id::AAC
        })
        .map(|s| s.index())
}

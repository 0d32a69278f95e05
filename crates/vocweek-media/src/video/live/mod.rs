//! A live channel's HLS ladder, made from the FLV stream the RTMP ingest (`vocweek-live`)
//! hands on, while the publisher sends it. It runs in a media child (`vocweek media-run`),
//! like every decode: the parent makes a FIFO in the child's scratch directory and writes the
//! publish's FLV into it; the child reads it through libavformat's `flv` demuxer as if it were
//! a file, and sees its end when the publish ends and the parent closes it.
//!
//! The machinery is a video's (`video::run`): one decode, one filter graph with a scaler per
//! rung, one x264 per encoded rung with keyframes at the same instants in every rendition, and
//! the top rung copied from the publisher's own H.264 when it already is that rung — decided at
//! the first keyframe, from its SPS (`decide`, `first_keyframe`). The AAC is copied into every
//! rendition. Each rendition is written by libavformat's `hls` muxer into its own subdirectory,
//! 2 s segments and up (`renditions`), and every finished segment is reported at once
//! (`LiveEvent::Segment`, found by `segments`), the ladder before the first. At the end of the
//! stream every rendition is closed and measured (`LiveFacts`). The top rendition and the sound
//! also go into one MP4 as they pass (`recording`): the replay's download, ready at the end.
//!
//! CPU, per publish: one H.264 decoder (frame threads, libavcodec's count for the cores: their
//! number + 1), the filter graph on the calling thread, one x264 per encoded rung at the
//! ladder's preset (`threads=auto`: about 1.5 × the cores in frame threads, and a lookahead
//! thread, as for a video), nothing for the sound. A copied top rung costs no encode, the
//! largest of the ladder. The same work as a file's transcode, so a node runs as many channels
//! as `max_channels` allows and its media children's niceness keeps the server answering.
//!
//! Not yet done here: the bitrate and keyframe-interval checks of a copied top rung while it
//! runs (`decide`), a poster for the channel.

mod decide;
mod events;
mod first_keyframe;
mod recording;
mod renditions;
mod run;
mod segments;
mod source;
mod video_clock;

use std::path::Path;

pub use events::{LiveEvent, LiveFacts, LiveLadder, LiveRendition, LiveRung, LiveSegment};
pub use recording::RECORDING_FILE;

use self::run::LiveRun;
use self::source::Preroll;
use super::Control;
use super::settings::VideoSettings;
use crate::MediaError;

/// Transcodes the FLV stream arriving on the FIFO `fifo` into live HLS renditions in `out_dir`
/// (created if needed), until the stream ends. `report` is told the ladder, then each segment
/// as soon as it is complete. Blocking and CPU-heavy, for as long as the publish lasts.
///
/// `control` can cancel it between packets (a read waits for the publisher: a child whose
/// parent gives up on it is killed, not cancelled). What was written stays: the parent has
/// stored the segments it was told of.
pub fn transcode_live(
    fifo: &Path,
    out_dir: &Path,
    settings: &VideoSettings,
    control: &Control,
    report: &mut dyn FnMut(LiveEvent),
) -> Result<LiveFacts, MediaError> {
    super::init()?;
    std::fs::create_dir_all(out_dir)
        .map_err(|e| MediaError::Internal(format!("creating {}: {e}", out_dir.display())))?;
    let mut context = source::open(fifo)?;
    let preroll = source::preroll(&mut context, control)?;
    let decision = decide::decide(&context, &preroll, out_dir, settings)?;
    let mut run = LiveRun::new(&context, &preroll, &decision, out_dir, settings)?;
    let Preroll { packets, ended, .. } = preroll;
    for packet in &packets {
        run.packet(packet, control, report)?;
    }
    drop(packets);
    if !ended {
        run.read_all(&mut context, control, report)?;
    }
    run.finish(out_dir, control, report)
}

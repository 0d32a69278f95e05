//! The muxers a transcode writes: one HLS playlist per rung (MPEG-TS segments, VOD,
//! independent segments) and the MP4 download (`faststart`). Encoded packets are copied to
//! every output that carries their stream and written interleaved, so nothing accumulates.

use std::path::{Path, PathBuf};

use ff::{Packet, encoder, format};
use ffmpeg_next as ff;

use crate::MediaError;

pub(crate) struct Output {
    context: format::context::Output,
    video: Option<Track>,
    audio: Option<Track>,
    pub path: PathBuf,
}

#[derive(Clone, Copy)]
struct Track {
    index: usize,
    /// The encoder's time base, which packets arrive in.
    from: ff::Rational,
    /// The muxer's, fixed by `write_header`.
    to: ff::Rational,
}

/// What goes into an output: the encoders whose packets it carries.
pub(crate) struct Streams<'a> {
    pub video: Option<&'a encoder::Video>,
    pub audio: Option<&'a encoder::Audio>,
}

impl Output {
    /// An HLS rendition: `<dir>/<name>.m3u8` and `<dir>/<name>_00000.ts`…
    pub fn hls(
        dir: &Path,
        name: &str,
        segment_seconds: u32,
        streams: Streams<'_>,
    ) -> Result<Self, MediaError> {
        let playlist = dir.join(format!("{name}.m3u8"));
        let segments = dir.join(format!("{name}_%05d.ts"));
        let mut options = ff::Dictionary::new();
        options.set("hls_time", &segment_seconds.to_string());
        options.set("hls_playlist_type", "vod");
        options.set("hls_list_size", "0");
        options.set("hls_segment_type", "mpegts");
        options.set("hls_flags", "independent_segments");
        options.set("hls_segment_filename", &segments.to_string_lossy());
        Self::open(playlist, "hls", options, streams)
    }

    /// The MP4 download, its index at the front so players start before the end arrives.
    pub fn mp4(path: PathBuf, streams: Streams<'_>) -> Result<Self, MediaError> {
        let mut options = ff::Dictionary::new();
        options.set("movflags", "+faststart");
        Self::open(path, "mp4", options, streams)
    }

    fn open(
        path: PathBuf,
        format_name: &str,
        options: ff::Dictionary,
        streams: Streams<'_>,
    ) -> Result<Self, MediaError> {
        let failed = |what: &'static str| {
            move |e: ff::Error| MediaError::Internal(format!("{format_name} output, {what}: {e}"))
        };
        let mut context = format::output_as(&path, format_name).map_err(failed("creating"))?;
        let mut video = None;
        if let Some(encoder) = streams.video {
            let mut stream = context
                .add_stream(ff::encoder::find(ff::codec::Id::H264))
                .map_err(failed("video stream"))?;
            stream.set_parameters(encoder);
            stream.set_time_base(encoder.time_base());
            video = Some((stream.index(), encoder.time_base()));
        }
        let mut audio = None;
        if let Some(encoder) = streams.audio {
            let mut stream = context
                .add_stream(ff::encoder::find(ff::codec::Id::AAC))
                .map_err(failed("audio stream"))?;
            stream.set_parameters(encoder);
            stream.set_time_base(encoder.time_base());
            audio = Some((stream.index(), encoder.time_base()));
        }
        context
            .write_header_with(options)
            .map_err(failed("writing the header"))?;
        let track = |(index, from): (usize, ff::Rational), context: &format::context::Output| {
            let to = context.stream(index).map(|s| s.time_base()).unwrap_or(from);
            Track { index, from, to }
        };
        Ok(Output {
            video: video.map(|v| track(v, &context)),
            audio: audio.map(|a| track(a, &context)),
            context,
            path,
        })
    }

    pub fn write_video(&mut self, packet: &Packet) -> Result<(), MediaError> {
        match self.video {
            Some(track) => self.write(packet, track),
            None => Ok(()),
        }
    }

    pub fn write_audio(&mut self, packet: &Packet) -> Result<(), MediaError> {
        match self.audio {
            Some(track) => self.write(packet, track),
            None => Ok(()),
        }
    }

    fn write(&mut self, packet: &Packet, track: Track) -> Result<(), MediaError> {
        let mut copy = packet.clone();
        copy.set_stream(track.index);
        copy.rescale_ts(track.from, track.to);
        copy.set_position(-1);
        copy.write_interleaved(&mut self.context)
            .map_err(|e| MediaError::Internal(format!("writing {}: {e}", self.path.display())))
    }

    pub fn finish(mut self) -> Result<PathBuf, MediaError> {
        self.context
            .write_trailer()
            .map_err(|e| MediaError::Internal(format!("finishing {}: {e}", self.path.display())))?;
        Ok(self.path)
    }
}

/// Every output of a transcode: one HLS rendition per rung (or one for sound only) and the
/// download, which carries the pictures of one rung.
pub(crate) struct Outputs {
    pub hls: Vec<Output>,
    pub download: Option<Output>,
    pub download_rung: usize,
}

impl Outputs {
    /// A packet of rung `rung`'s encoder: to its rendition, and to the download for its rung.
    pub fn write_video(&mut self, rung: usize, packet: &Packet) -> Result<(), MediaError> {
        if let Some(output) = self.hls.get_mut(rung) {
            output.write_video(packet)?;
        }
        if rung == self.download_rung
            && let Some(output) = self.download.as_mut()
        {
            output.write_video(packet)?;
        }
        Ok(())
    }

    /// A sound packet: every output carries the one sound track.
    pub fn write_audio(&mut self, packet: &Packet) -> Result<(), MediaError> {
        for output in &mut self.hls {
            output.write_audio(packet)?;
        }
        if let Some(output) = self.download.as_mut() {
            output.write_audio(packet)?;
        }
        Ok(())
    }
}

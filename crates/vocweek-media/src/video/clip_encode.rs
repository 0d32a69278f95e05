//! The pictures of a clip that cannot be copied: decoded from the keyframe before them and
//! encoded again, one run at a time (the head before the first copied keyframe, the tail
//! after the last; the whole clip when nothing can be copied).
//!
//! Each run is a fresh x264 encoder: it starts with an IDR and writes its own parameter sets
//! in the stream, so the run decodes on its own next to the copied pictures. No B-frames: the
//! run's decode order is its display order, and its timestamps join the copied ones without
//! a reordering delay to reconcile.

use ff::{Packet, Rational, codec, encoder, format, frame, picture, software};
use ffmpeg_next as ff;

use super::clip_plan::ClipPlan;
use super::pipeline::{internal, is_again, seconds_to_ts, video_decoder};
use super::settings::VideoSettings;
use crate::MediaError;

/// One run being encoded again.
pub(crate) struct EncodedRun {
    decoder: ff::decoder::Video,
    /// Made on the first kept picture, when its size and format are known.
    encoder: Option<encoder::Video>,
    /// To 8-bit 4:2:0 when the source is not (x264's build here takes that).
    scaler: Option<software::scaling::Context>,
    time_base: Rational,
    frame_rate: Option<Rational>,
    /// One picture in the stream's time base: the encoded packets' duration (the last
    /// picture's length in the MP4).
    picture_ticks: i64,
    preset: String,
    crf: u8,
    pub encoded: u64,
}

impl EncodedRun {
    pub fn new(
        stream: &format::stream::Stream,
        settings: &VideoSettings,
    ) -> Result<Self, MediaError> {
        let rate = stream.avg_frame_rate();
        let frame_rate = (rate.numerator() > 0 && rate.denominator() > 0).then_some(rate);
        let picture_ticks = frame_rate.map_or(0, |rate| {
            seconds_to_ts(1.0 / f64::from(rate), stream.time_base())
        });
        Ok(Self {
            decoder: video_decoder(stream)?,
            encoder: None,
            scaler: None,
            time_base: stream.time_base(),
            frame_rate,
            picture_ticks,
            preset: settings.preset.clone(),
            // A notch better than the ladder's: these pictures sit between copied ones.
            crf: settings.crf.saturating_sub(2),
            encoded: 0,
        })
    }

    /// Decodes `packet`; the pictures the plan keeps and does not copy are encoded, their
    /// packets appended to `out` (in the stream's time base).
    pub fn packet(
        &mut self,
        packet: &Packet,
        plan: &ClipPlan,
        out: &mut Vec<Packet>,
    ) -> Result<(), MediaError> {
        // A packet the decoder refuses (damage) costs its picture, not the clip.
        if self.decoder.send_packet(packet).is_ok() {
            self.drain_decoder(plan, out)?;
        }
        Ok(())
    }

    /// Decodes what is left and closes the run's encoder.
    pub fn finish(mut self, plan: &ClipPlan, out: &mut Vec<Packet>) -> Result<u64, MediaError> {
        let _ = self.decoder.send_eof();
        self.drain_decoder(plan, out)?;
        if let Some(encoder) = self.encoder.as_mut() {
            encoder
                .send_eof()
                .map_err(internal("closing the clip's encoder"))?;
            drain_encoder(encoder, self.picture_ticks, out)?;
        }
        Ok(self.encoded)
    }

    fn drain_decoder(&mut self, plan: &ClipPlan, out: &mut Vec<Packet>) -> Result<(), MediaError> {
        let mut decoded = frame::Video::empty();
        loop {
            match self.decoder.receive_frame(&mut decoded) {
                Ok(()) => {}
                Err(ff::Error::Eof) => return Ok(()),
                Err(e) if is_again(&e) => return Ok(()),
                // A damaged picture: the next may decode.
                Err(_) => continue,
            }
            let Some(pts) = decoded.timestamp().or(decoded.pts()) else {
                continue;
            };
            if !plan.keeps(pts) || plan.copies(pts) {
                continue;
            }
            self.encode(&decoded, pts, out)?;
        }
    }

    fn encode(
        &mut self,
        decoded: &frame::Video,
        pts: i64,
        out: &mut Vec<Packet>,
    ) -> Result<(), MediaError> {
        if self.encoder.is_none() {
            self.open(decoded)?;
        }
        let mut picture = match self.scaler.as_mut() {
            Some(scaler) => {
                let mut scaled = frame::Video::empty();
                scaler
                    .run(decoded, &mut scaled)
                    .map_err(internal("converting a clip's picture"))?;
                scaled
            }
            None => decoded.clone(),
        };
        picture.set_pts(Some(pts));
        // The decoder's picture types are the source's, not ours to follow.
        picture.set_kind(picture::Type::None);
        let Some(encoder) = self.encoder.as_mut() else {
            return Ok(());
        };
        encoder
            .send_frame(&picture)
            .map_err(internal("encoding a clip's picture"))?;
        self.encoded += 1;
        drain_encoder(encoder, self.picture_ticks, out)
    }

    fn open(&mut self, decoded: &frame::Video) -> Result<(), MediaError> {
        let (width, height) = (decoded.width(), decoded.height());
        if !matches!(
            decoded.format(),
            format::Pixel::YUV420P | format::Pixel::YUVJ420P
        ) {
            self.scaler = Some(
                software::scaling::Context::get(
                    decoded.format(),
                    width,
                    height,
                    format::Pixel::YUV420P,
                    width,
                    height,
                    software::scaling::Flags::BILINEAR,
                )
                .map_err(internal("the clip's picture converter"))?,
            );
        }
        let codec = encoder::find_by_name("libx264")
            .ok_or_else(|| MediaError::Internal("this ffmpeg has no libx264 encoder".to_owned()))?;
        let mut video = codec::context::Context::new_with_codec(codec)
            .encoder()
            .video()
            .map_err(internal("the clip's H.264 encoder"))?;
        video.set_width(width);
        video.set_height(height);
        video.set_format(if self.scaler.is_some() {
            format::Pixel::YUV420P
        } else {
            decoded.format()
        });
        video.set_aspect_ratio(decoded.aspect_ratio());
        video.set_time_base(self.time_base);
        video.set_frame_rate(self.frame_rate);
        let mut options = ff::Dictionary::new();
        options.set("preset", &self.preset);
        options.set("crf", &self.crf.to_string());
        options.set("profile", "high");
        options.set("threads", "auto");
        options.set("x264-params", "bframes=0:scenecut=0:keyint=infinite");
        self.encoder = Some(
            video
                .open_with(options)
                .map_err(internal("opening the clip's H.264 encoder"))?,
        );
        Ok(())
    }
}

fn drain_encoder(
    encoder: &mut encoder::Video,
    picture_ticks: i64,
    out: &mut Vec<Packet>,
) -> Result<(), MediaError> {
    loop {
        let mut packet = Packet::empty();
        match encoder.receive_packet(&mut packet) {
            Ok(()) => {
                if packet.duration() <= 0 {
                    packet.set_duration(picture_ticks);
                }
                out.push(packet);
            }
            Err(ff::Error::Eof) => return Ok(()),
            Err(e) if is_again(&e) => return Ok(()),
            Err(e) => return Err(MediaError::Internal(format!("the clip's encoder: {e}"))),
        }
    }
}

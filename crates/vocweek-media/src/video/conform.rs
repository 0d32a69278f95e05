//! Keeps every picture the video graph receives at the size and pixel format the graph was built
//! for (the first decoded picture's). A later picture that differs — a stream that changes
//! resolution, or damage the decoder took for a new sequence header — is scaled to match:
//! FFmpeg's buffer source only warns about such a picture, and the filters after it take their
//! geometry from the link, not the frame, so they would read it out of bounds.

use ff::frame;
use ff::software::scaling;
use ffmpeg_next as ff;

/// The geometry a picture is stored in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PictureFormat {
    pub width: u32,
    pub height: u32,
    pub format: ff::format::Pixel,
}

impl PictureFormat {
    pub fn of(frame: &frame::Video) -> Self {
        PictureFormat {
            width: frame.width(),
            height: frame.height(),
            format: frame.format(),
        }
    }
}

pub(crate) struct Conform {
    target: PictureFormat,
    /// The scaler for the last odd geometry seen (a change usually lasts).
    scaler: Option<(PictureFormat, scaling::Context)>,
}

impl Conform {
    pub fn new(target: PictureFormat) -> Self {
        Conform {
            target,
            scaler: None,
        }
    }

    pub fn target(&self) -> PictureFormat {
        self.target
    }

    /// `picture` scaled to the target, its timestamp kept; `None` when it cannot be converted
    /// (a size or format the scaler refuses: the caller counts it as damage).
    pub fn convert(&mut self, picture: &frame::Video) -> Option<frame::Video> {
        let source = PictureFormat::of(picture);
        if source.width == 0 || source.height == 0 || source.format == ff::format::Pixel::None {
            return None;
        }
        if self.scaler.as_ref().is_none_or(|(from, _)| *from != source) {
            let scaler = scaling::Context::get(
                source.format,
                source.width,
                source.height,
                self.target.format,
                self.target.width,
                self.target.height,
                scaling::Flags::BICUBIC,
            )
            .ok()?;
            self.scaler = Some((source, scaler));
        }
        let (_, scaler) = self.scaler.as_mut()?;
        let mut converted = frame::Video::empty();
        scaler.run(picture, &mut converted).ok()?;
        converted.set_pts(picture.pts());
        Some(converted)
    }
}

//! The poster: of several frames from the early part of the video, the one with the most
//! picture — not black, not washed out, not a fade (low contrast) — upright and at the top
//! rung's size, because it is taken after the rotation and scaling filters.

use ff::frame;
use ff::software::scaling;
use ffmpeg_next as ff;

use crate::MediaError;
use crate::photo::Rgb;

/// How many frames compete.
const CANDIDATES: u32 = 8;

pub(crate) struct PosterPicker {
    /// Seconds at which the next candidates are taken, earliest last.
    due: Vec<f64>,
    best: Option<(f64, frame::Video)>,
    first: Option<frame::Video>,
}

impl PosterPicker {
    /// Candidates spread over the first 60 % of the video, at most its first 90 seconds.
    pub fn new(duration: Option<f64>) -> Self {
        let window = duration.map_or(10.0, |d| (d * 0.6).clamp(0.5, 90.0));
        let due = (0..CANDIDATES)
            .rev()
            .map(|i| window * (f64::from(i) + 0.5) / f64::from(CANDIDATES))
            .collect();
        PosterPicker {
            due,
            best: None,
            first: None,
        }
    }

    /// Offers the top rung's frame shown at `seconds`; keeps it if it is a better poster.
    ///
    /// At most one decoded frame is held at any time (3 MiB at 1080p): the first frame only
    /// until a candidate replaces it, and a held frame is let go before its successor is
    /// copied, so the transcode's peak memory carries one poster frame, not three.
    pub fn offer(&mut self, frame: &frame::Video, seconds: f64) {
        if self.first.is_none() && self.best.is_none() {
            self.first = Some(frame.clone());
        }
        let Some(&next) = self.due.last() else {
            return;
        };
        if seconds + 1e-6 < next {
            return;
        }
        while self.due.last().is_some_and(|&t| t <= seconds + 1e-6) {
            self.due.pop();
        }
        let score = score(frame);
        if self.best.as_ref().is_none_or(|(best, _)| score > *best) {
            self.first = None;
            self.best = None;
            self.best = Some((score, frame.clone()));
        }
    }

    /// The chosen frame as RGB (the first frame when the video ended before any candidate).
    pub fn finish(self) -> Result<Option<Rgb>, MediaError> {
        let chosen = match (self.best, self.first) {
            (Some((_, frame)), _) => frame,
            (None, Some(first)) => first,
            (None, None) => return Ok(None),
        };
        to_rgb(&chosen).map(Some)
    }
}

/// Luma statistics on a sparse grid: standard deviation (contrast) plus edge strength (detail);
/// a frame that is nearly black or nearly white scores zero.
fn score(frame: &frame::Video) -> f64 {
    let (width, height) = (frame.width() as usize, frame.height() as usize);
    let stride = frame.stride(0);
    let luma = frame.data(0);
    let step = (width.max(height) / 96).max(1);
    let (mut sum, mut sum_sq, mut edges, mut count) = (0.0, 0.0, 0.0, 0.0);
    for y in (0..height).step_by(step) {
        let row = &luma[y * stride..y * stride + width];
        for x in (0..width.saturating_sub(step)).step_by(step) {
            let value = f64::from(row[x]);
            sum += value;
            sum_sq += value * value;
            edges += (value - f64::from(row[x + step])).abs();
            count += 1.0;
        }
    }
    if count == 0.0 {
        return 0.0;
    }
    let mean = sum / count;
    if !(28.0..=228.0).contains(&mean) {
        return 0.0;
    }
    let deviation = (sum_sq / count - mean * mean).max(0.0).sqrt();
    deviation + 2.0 * edges / count
}

fn to_rgb(frame: &frame::Video) -> Result<Rgb, MediaError> {
    let (width, height) = (frame.width(), frame.height());
    let mut converter = scaling::Context::get(
        frame.format(),
        width,
        height,
        ff::format::Pixel::RGB24,
        width,
        height,
        scaling::Flags::BICUBIC,
    )
    .map_err(|e| MediaError::Internal(format!("poster colour conversion: {e}")))?;
    let mut rgb = frame::Video::empty();
    converter
        .run(frame, &mut rgb)
        .map_err(|e| MediaError::Internal(format!("poster colour conversion: {e}")))?;
    let row = width as usize * 3;
    let stride = rgb.stride(0);
    let data = rgb.data(0);
    let mut pixels = Vec::with_capacity(row * height as usize);
    for y in 0..height as usize {
        pixels.extend_from_slice(&data[y * stride..y * stride + row]);
    }
    Ok(Rgb {
        width,
        height,
        pixels,
    })
}

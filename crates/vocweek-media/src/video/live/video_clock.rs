//! The publisher's video clock, checked packet by packet before anything is written.
//!
//! The ingest keeps FLV timestamps from going back (it holds them), but lets any forward jump
//! and any composition offset through. Downstream, a jump forward makes the `fps` filter fill
//! the gap with copies of the last picture — hours of them, each encoded and segmented — a
//! held timestamp makes the copied rung's muxer refuse the packet, and a huge offset on one
//! keyframe moves the forced keyframes of the encoded rungs away from the copied ones. So a
//! picture must come strictly after the previous one, at most `MAX_STEP_SECONDS` later, and
//! be shown at most `MAX_REORDER_SECONDS` after it is decoded; anything else ends the publish
//! as a corrupt stream, with the reason, before it costs anything.

use crate::MediaError;

/// The longest gap between two pictures of a live stream: an encoder that stalls longer has
/// lost its stream anyway (the ingest's idle timeout is of the same order).
const MAX_STEP_SECONDS: f64 = 10.0;
/// The longest a picture may be shown after it is decoded (B-frame reordering is a few frames).
const MAX_REORDER_SECONDS: f64 = 1.0;

#[derive(Debug, Default)]
pub(super) struct VideoClock {
    last_decode_seconds: Option<f64>,
}

impl VideoClock {
    /// Checks one video packet's times (in seconds) against the previous one's.
    pub fn check(&mut self, decode: Option<f64>, show: Option<f64>) -> Result<(), MediaError> {
        let (Some(decode), Some(show)) = (decode, show) else {
            return Err(corrupt("a picture without a timestamp".to_owned()));
        };
        if !(0.0..=MAX_REORDER_SECONDS).contains(&(show - decode)) {
            return Err(corrupt(format!(
                "a picture shown {:.3} s after it is decoded",
                show - decode
            )));
        }
        if let Some(last) = self.last_decode_seconds {
            if decode <= last {
                return Err(corrupt(format!(
                    "a picture at {decode:.3} s after one at {last:.3} s"
                )));
            }
            if decode - last > MAX_STEP_SECONDS {
                return Err(corrupt(format!(
                    "the pictures jump from {last:.3} s to {decode:.3} s"
                )));
            }
        }
        self.last_decode_seconds = Some(decode);
        Ok(())
    }
}

fn corrupt(what: String) -> MediaError {
    MediaError::VideoCorrupt(format!(
        "the live stream's video timestamps are broken: {what}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_that_advance_pass() {
        let mut clock = VideoClock::default();
        for frame in 0..100 {
            let at = f64::from(frame) / 30.0;
            assert!(clock.check(Some(at), Some(at + 2.0 / 30.0)).is_ok());
        }
    }

    #[test]
    fn a_held_a_backward_or_a_missing_time_is_refused() {
        let mut clock = VideoClock::default();
        assert!(clock.check(Some(1.0), Some(1.0)).is_ok());
        assert!(clock.check(Some(1.0), Some(1.0)).is_err());
        assert!(clock.check(Some(0.5), Some(0.5)).is_err());
        assert!(clock.check(None, Some(2.0)).is_err());
        assert!(clock.check(Some(2.0), None).is_err());
    }

    #[test]
    fn a_jump_or_a_huge_reorder_is_refused() {
        let mut clock = VideoClock::default();
        assert!(clock.check(Some(1.0), Some(1.0)).is_ok());
        assert!(clock.check(Some(11.5), Some(11.5)).is_err());
        let mut clock = VideoClock::default();
        assert!(clock.check(Some(1.0), Some(8000.0)).is_err());
        assert!(clock.check(Some(1.0), Some(0.9)).is_err());
    }
}

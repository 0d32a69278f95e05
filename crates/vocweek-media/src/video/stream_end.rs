//! Where the pictures fed to the video graph end, to close the graph's source there. Closed
//! without a timestamp (`av_buffersrc_add_frame(NULL)`), the source ends the stream at the last
//! picture's *start*, and the `fps` filter (which emits a picture only for the time before the
//! stream's end, `eof_action` or not) drops that picture: every transcode lost its last frame,
//! and a one-frame video came out with none. The end is the last picture's start plus its
//! duration: the packet's, else one frame at the stream's rate.

use ff::filter;
use ffmpeg_next as ff;

pub(crate) struct StreamEnd {
    /// One frame in the stream's time base, for pictures that carry no duration.
    frame: i64,
    /// The longest a last picture is shown: a damaged or crafted duration must not turn it
    /// into hours of repeated frames.
    longest: i64,
    end: Option<i64>,
}

impl StreamEnd {
    /// `frame` and `longest` in the stream's time base.
    pub fn new(frame: i64, longest: i64) -> Self {
        let frame = frame.max(1);
        StreamEnd {
            frame,
            longest: longest.max(frame),
            end: None,
        }
    }

    /// Notes a picture shown from `pts` for `duration` (0 or less when unknown).
    pub fn saw(&mut self, pts: i64, duration: i64) {
        let duration = if duration > 0 {
            duration.min(self.longest)
        } else {
            self.frame
        };
        let end = pts.saturating_add(duration);
        self.end = Some(self.end.map_or(end, |e| e.max(end)));
    }

    /// Ends the graph's input at the end of the last picture (with none seen, wherever the
    /// source is).
    pub fn close(&self, source: &mut filter::Context) -> Result<(), ff::Error> {
        let mut source = source.source();
        match self.end {
            Some(end) => source.close(end),
            None => source.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_end_is_the_last_picture_plus_its_duration() {
        let mut end = StreamEnd::new(512, 15360 * 10);
        end.saw(0, 512);
        end.saw(512, 0);
        assert_eq!(end.end, Some(1024));
        // Reordered or repeated timestamps never move the end back.
        end.saw(256, 256);
        assert_eq!(end.end, Some(1024));
        end.saw(1024, i64::MAX);
        assert_eq!(end.end, Some(1024 + 153_600));
    }
}

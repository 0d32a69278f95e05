//! The check of a source's video packets, in decode order, that decides whether its stream can
//! be the top rung as it is: one picture per frame of the output rate on an exact grid (no
//! gaps, no repeats, every packet one frame long), starting with a keyframe at the common zero,
//! every keyframe an IDR, keyframes at most `longest_gop_seconds` apart (the last one from the
//! end too: segments end at keyframes, so this bounds them) and at least `shortest_gop_seconds`
//! (the last interval excepted), no keyframe interval averaging more than the rung's bitrate
//! cap, and decode timestamps present, strictly increasing, never after the presentation's and
//! at most `MAX_REORDER_FRAMES` behind. What it returns is where the keyframes are, as frame
//! numbers (the other rungs' encoders put theirs there), and how deep the reordering is. Pure
//! bookkeeping; the reading is in `passthrough`.

/// How far ahead of the pictures counted so far a timestamp may be (B-frames come before the
/// pictures they follow): H.264 reorders at most 16; past this it is a gap, and refusing it here
/// keeps the record of frames seen small.
const REORDER_SLACK: i64 = 64;

/// The deepest reordering H.264 allows (`max_num_reorder_frames` ≤ 16, the DPB's size): a
/// stream whose first DTS is further behind is mistimed, and the renditions' common lead
/// (`PassthroughPlan::lead_frames`) would grow with the error.
const MAX_REORDER_FRAMES: i64 = 16;

#[derive(Debug, Clone, Copy)]
pub(crate) struct GopLimits {
    /// One frame of the output rate, in the stream's time base (a whole number of ticks).
    pub frame_ticks: i64,
    pub frame_seconds: f64,
    pub longest_gop_seconds: f64,
    pub shortest_gop_seconds: f64,
    /// Bits per second.
    pub max_bitrate: f64,
}

pub(crate) struct GopScan {
    limits: GopLimits,
    /// One bit per frame number seen.
    seen: Vec<u64>,
    /// Packets so far.
    count: i64,
    highest: i64,
    /// Frame numbers of the keyframes so far, ascending.
    keyframes: Vec<i64>,
    /// Bytes since the last keyframe (it included).
    gop_bytes: u64,
    /// The first packet's DTS (the lowest: they must increase), and the last one's.
    first_dts: Option<i64>,
    last_dts: Option<i64>,
}

/// What a stream that passed the scan is like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GopSummary {
    /// The keyframes' frame numbers, ascending.
    pub keyframes: Vec<i64>,
    /// Whole frames (rounded up) the first DTS is before the common zero: how far the copy's
    /// decode clock runs behind its pictures, at most `MAX_REORDER_FRAMES`.
    pub reorder_frames: i64,
}

impl GopScan {
    pub fn new(limits: GopLimits) -> Self {
        GopScan {
            limits,
            seen: Vec::new(),
            count: 0,
            highest: -1,
            keyframes: Vec::new(),
            gop_bytes: 0,
            first_dts: None,
            last_dts: None,
        }
    }

    /// The next packet in decode order: `pts` and `dts` from the common zero in the stream's
    /// time base; `idr` whether it holds an IDR picture. An error says why the stream cannot be
    /// copied.
    pub fn packet(
        &mut self,
        pts: i64,
        dts: Option<i64>,
        duration: i64,
        key: bool,
        idr: bool,
        size: usize,
    ) -> Result<(), &'static str> {
        let ticks = self.limits.frame_ticks;
        if duration != ticks {
            return Err("a packet is not one frame of the output rate long");
        }
        if pts < 0 || pts % ticks != 0 {
            return Err("a timestamp is off the output rate's frame grid");
        }
        self.decode_time(pts, dts)?;
        let frame = pts / ticks;
        if self.count == 0 && !(key && frame == 0) {
            return Err("the stream does not start with a keyframe at the common zero");
        }
        if frame >= self.count + REORDER_SLACK {
            return Err("the timestamps jump: frames are missing");
        }
        if !self.mark(frame) {
            return Err("two packets have the same timestamp");
        }
        if key {
            if !idr {
                return Err("a keyframe is not an IDR picture (an open GOP)");
            }
            if self.count > 0 {
                self.close_gop(frame, false)?;
            }
            self.keyframes.push(frame);
            self.gop_bytes = 0;
        }
        self.gop_bytes = self.gop_bytes.saturating_add(size as u64);
        self.count += 1;
        self.highest = self.highest.max(frame);
        Ok(())
    }

    /// After the last packet: the keyframes and the reordering depth.
    pub fn finish(self) -> Result<GopSummary, &'static str> {
        if self.count == 0 {
            return Err("the stream has no packets");
        }
        // `count` distinct frame numbers, the highest `count - 1`: every one from 0 is there.
        if self.highest + 1 != self.count {
            return Err("frames are missing");
        }
        self.close_gop(self.count, true)?;
        // Copied packets keep their DTS, moved by the common zero: the first is that far
        // before it.
        let behind = self.first_dts.map_or(0, |dts| dts.saturating_neg().max(0));
        let ticks = self.limits.frame_ticks;
        let reorder_frames = behind / ticks + i64::from(behind % ticks != 0);
        if reorder_frames > MAX_REORDER_FRAMES {
            return Err("the decode timestamps run further behind than H.264 reorders");
        }
        Ok(GopSummary {
            keyframes: self.keyframes,
            reorder_frames,
        })
    }

    /// A packet's DTS must be there (the muxers need it), after the last one (decode order)
    /// and not after its PTS (a picture is shown no earlier than it is decoded).
    fn decode_time(&mut self, pts: i64, dts: Option<i64>) -> Result<(), &'static str> {
        let dts = dts.ok_or("a packet has no decode timestamp")?;
        if self.last_dts.is_some_and(|last| dts <= last) {
            return Err("the decode timestamps do not increase");
        }
        if dts > pts {
            return Err("a packet is decoded after it is shown");
        }
        if self.first_dts.is_none() {
            self.first_dts = Some(dts);
        }
        self.last_dts = Some(dts);
        Ok(())
    }

    /// Notes frame `frame`; false when it was seen before.
    fn mark(&mut self, frame: i64) -> bool {
        let Ok(frame) = usize::try_from(frame) else {
            return false;
        };
        let (word, bit) = (frame / 64, frame % 64);
        if self.seen.len() <= word {
            self.seen.resize(word + 1, 0);
        }
        let fresh = (self.seen[word] & (1 << bit)) == 0;
        self.seen[word] |= 1 << bit;
        fresh
    }

    /// Ends the keyframe interval that began at the last keyframe where `next` begins; `last`
    /// when it is the stream's end, which may come any time after its last keyframe.
    fn close_gop(&self, next: i64, last: bool) -> Result<(), &'static str> {
        let Some(&start) = self.keyframes.last() else {
            return Err("the stream does not start with a keyframe");
        };
        if next <= start {
            return Err("the keyframes are out of order");
        }
        let seconds = (next - start) as f64 * self.limits.frame_seconds;
        // A whisker over for rates whose frame is not a whole number of microseconds.
        if seconds > self.limits.longest_gop_seconds + 1e-6 {
            return Err("two keyframes are further apart than the longest interval");
        }
        // The other rungs make an IDR of every picture the source has one at: an all-intra
        // source, or one with an IDR at each scene cut, would make them nearly all IDRs.
        if !last && seconds < self.limits.shortest_gop_seconds - 1e-6 {
            return Err("two keyframes are closer than the shortest interval");
        }
        let bitrate = self.gop_bytes as f64 * 8.0 / seconds;
        if bitrate > self.limits.max_bitrate {
            return Err("a keyframe interval is over the top rung's bitrate cap");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 30 fps in MP4's usual 1/15360: 512 ticks a frame; keyframes 1 s to 4 s apart; a cap of
    /// 1 Mbit/s.
    fn scan() -> GopScan {
        GopScan::new(GopLimits {
            frame_ticks: 512,
            frame_seconds: 1.0 / 30.0,
            longest_gop_seconds: 4.0,
            shortest_gop_seconds: 1.0,
            max_bitrate: 1_000_000.0,
        })
    }

    /// `frames` frames in decode order with two B-frames between references (display
    /// 0, 3, 1, 2, 6, 4, 5…), a keyframe every `gop` frames, each packet `size` bytes, the DTS
    /// two frames behind as x264 writes them.
    fn feed(scan: &mut GopScan, frames: i64, gop: i64, size: usize) -> Result<(), &'static str> {
        let mut order = Vec::new();
        let mut next = 0;
        while next < frames {
            let gop_end = (next + gop).min(frames);
            order.push(next);
            let mut reference = next;
            while reference + 3 < gop_end {
                order.extend([reference + 3, reference + 1, reference + 2]);
                reference += 3;
            }
            order.extend(reference + 1..gop_end);
            next = gop_end;
        }
        for (decoded, frame) in (0i64..).zip(order) {
            let key = frame % gop == 0;
            let dts = (decoded - 2) * 512;
            scan.packet(frame * 512, Some(dts), 512, key, key, size)?;
        }
        Ok(())
    }

    #[test]
    fn a_steady_stream_gives_its_keyframes() {
        let mut s = scan();
        // 2 s keyframe intervals of 3,000 bytes a frame: 720 kbit/s.
        feed(&mut s, 300, 60, 3_000).unwrap();
        let summary = s.finish().unwrap();
        assert_eq!(summary.keyframes, [0, 60, 120, 180, 240]);
        assert_eq!(
            summary.reorder_frames, 2,
            "the first DTS is two frames behind"
        );
    }

    #[test]
    fn refuses_what_a_copy_cannot_be() {
        let mut s = scan();
        assert!(
            feed(&mut s, 300, 150, 3_000).is_err(),
            "5 s between keyframes"
        );

        let mut s = scan();
        feed(&mut s, 100, 60, 3_000).unwrap();
        assert!(s.finish().is_ok(), "the last interval, 40 frames, is short");
        let mut s = scan();
        feed(&mut s, 140, 140, 100).unwrap();
        assert!(s.finish().is_err(), "one keyframe, 4.7 s before the end");

        let mut s = scan();
        assert!(feed(&mut s, 120, 60, 5_000).is_err(), "1.2 Mbit/s");

        let mut s = scan();
        assert!(
            s.packet(512, Some(512), 512, true, true, 10).is_err(),
            "starts late"
        );
        let mut s = scan();
        assert!(
            s.packet(0, Some(0), 512, true, false, 10).is_err(),
            "an open-GOP I frame"
        );
        let mut s = scan();
        s.packet(0, Some(-512), 512, true, true, 10).unwrap();
        assert!(
            s.packet(256, Some(0), 512, false, false, 10).is_err(),
            "off the grid"
        );
        assert!(
            s.packet(512, Some(0), 500, false, false, 10).is_err(),
            "a shorter packet"
        );
        assert!(
            s.packet(0, Some(0), 512, false, false, 10).is_err(),
            "a repeat"
        );
        assert!(
            s.packet(512 * 500, Some(512), 512, false, false, 10)
                .is_err(),
            "a jump"
        );

        let mut s = scan();
        s.packet(0, Some(0), 512, true, true, 10).unwrap();
        s.packet(1024, Some(512), 512, false, false, 10).unwrap();
        assert!(s.finish().is_err(), "frame 1 is missing");
    }

    #[test]
    fn keyframes_must_be_a_second_apart_but_the_last_interval_may_be_shorter() {
        let mut s = scan();
        feed(&mut s, 300, 45, 3_000).unwrap();
        assert_eq!(
            s.finish().unwrap().keyframes,
            [0, 45, 90, 135, 180, 225, 270],
            "1.5 s apart, the last 1 s before the end"
        );
        let mut s = scan();
        feed(&mut s, 90, 30, 3_000).unwrap();
        assert!(s.finish().is_ok(), "exactly 1 s apart");

        let mut s = scan();
        assert!(
            feed(&mut s, 120, 29, 3_000).is_err(),
            "29 frames: a hair under 1 s"
        );
        let mut s = scan();
        assert!(
            feed(&mut s, 30, 1, 3_000).is_err(),
            "every frame a keyframe"
        );
        let mut s = scan();
        feed(&mut s, 70, 60, 3_000).unwrap();
        assert!(s.finish().is_ok(), "10 frames after the last keyframe");
    }

    #[test]
    fn decode_timestamps_must_be_there_increase_and_not_follow_the_picture() {
        let mut s = scan();
        assert!(s.packet(0, None, 512, true, true, 10).is_err(), "no DTS");

        let mut s = scan();
        s.packet(0, Some(-1024), 512, true, true, 10).unwrap();
        s.packet(1536, Some(-512), 512, false, false, 10).unwrap();
        assert!(
            s.packet(512, Some(-512), 512, false, false, 10).is_err(),
            "the same DTS twice"
        );
        assert!(
            s.packet(512, Some(-600), 512, false, false, 10).is_err(),
            "a DTS going back"
        );
        assert!(
            s.packet(512, Some(1024), 512, false, false, 10).is_err(),
            "decoded after it is shown"
        );
    }

    #[test]
    fn the_reordering_is_counted_from_the_first_dts_and_bounded() {
        let depth = |first_dts: i64| -> Result<i64, &'static str> {
            let mut s = scan();
            s.packet(0, Some(first_dts), 512, true, true, 10)?;
            s.finish().map(|summary| summary.reorder_frames)
        };
        assert_eq!(depth(0), Ok(0));
        assert_eq!(depth(-1), Ok(1), "part of a frame counts as one");
        assert_eq!(depth(-16 * 512), Ok(16), "H.264's deepest");
        assert!(depth(-16 * 512 - 1).is_err());
        assert!(depth(-17 * 512).is_err());
    }
}

//! Which pictures a clip keeps and which of them can be copied as they are.
//!
//! A clip keeps the pictures shown from its in-point up to its out-point, each snapped to the
//! nearest picture. Whole GOPs inside it — from a keyframe to the next keyframe (or the end of
//! the video) — are copied, packets untouched: nothing is lost and nothing is spent. Only the
//! pictures before the first such keyframe and after the last are decoded and encoded again,
//! because a copy must start on a keyframe and a copy that stopped inside a GOP could keep a
//! picture whose reference it dropped.

/// One picture of the source: its presentation time (in the stream's time base) and whether
/// its packet is a keyframe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Picture {
    pub pts: i64,
    pub key: bool,
}

/// A clip's pictures, by presentation time in the source's time base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ClipPlan {
    /// The clip's first picture.
    pub first: i64,
    /// The first picture after the clip; `None` when the clip runs to the end of the video.
    pub after: Option<i64>,
    /// The pictures copied: from this keyframe up to (not including) the second, `None`
    /// meaning the end of the video. `None` when no whole GOP lies inside the clip.
    pub copy: Option<(i64, Option<i64>)>,
    /// Pictures in the clip, and how many of them are copied.
    pub pictures: usize,
    pub copied: usize,
}

impl ClipPlan {
    /// `pictures`: every picture from at or before the in-point to past the out-point (or
    /// the end of the video, `to_the_end`), in any order. `from` and `to` are the in- and
    /// out-points, `half_picture` half a picture's duration, all in the stream's time base.
    /// `copyable`: the source's packets can go into the clip as they are (H.264 whose
    /// framing we know). `None` when no picture lies between the points.
    pub fn new(
        pictures: &mut [Picture],
        from: i64,
        to: i64,
        half_picture: i64,
        to_the_end: bool,
        copyable: bool,
    ) -> Option<ClipPlan> {
        pictures.sort_by_key(|p| p.pts);
        let first = pictures
            .iter()
            .position(|p| p.pts >= from.saturating_sub(half_picture))?;
        let after = pictures
            .iter()
            .position(|p| p.pts >= to.saturating_sub(half_picture))
            .unwrap_or(pictures.len());
        if after <= first {
            return None;
        }
        let pts_at = |index: usize| pictures.get(index).map(|p| p.pts);
        // The end of the video is a GOP's end, like a keyframe, only when it was reached.
        let gop_ends_at = |index: usize| {
            pictures
                .get(index)
                .map_or(to_the_end && index == pictures.len(), |p| p.key)
        };
        let copy = copyable
            .then(|| {
                let start = (first..after).find(|&i| pictures[i].key)?;
                let end = (start + 1..=after).rev().find(|&i| gop_ends_at(i))?;
                Some((start, end))
            })
            .flatten();
        Some(ClipPlan {
            first: pictures[first].pts,
            after: pts_at(after),
            copy: copy.map(|(start, end)| (pictures[start].pts, pts_at(end))),
            pictures: after - first,
            copied: copy.map_or(0, |(start, end)| end - start),
        })
    }

    /// The picture at `pts` is in the clip.
    pub fn keeps(&self, pts: i64) -> bool {
        pts >= self.first && self.after.is_none_or(|after| pts < after)
    }

    /// The picture at `pts` is copied.
    pub fn copies(&self, pts: i64) -> bool {
        self.copy
            .is_some_and(|(start, end)| pts >= start && end.is_none_or(|end| pts < end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 30 pictures a second (time base 1/30 s), a keyframe every 60.
    fn source(seconds: i64) -> Vec<Picture> {
        (0..seconds * 30)
            .map(|pts| Picture {
                pts,
                key: pts % 60 == 0,
            })
            .collect()
    }

    #[test]
    fn points_on_keyframes_copy_everything() {
        let plan = ClipPlan::new(&mut source(30), 300, 600, 0, false, true).unwrap();
        assert_eq!(plan.first, 300);
        assert_eq!(plan.after, Some(600));
        assert_eq!(plan.copy, Some((300, Some(600))));
        assert_eq!((plan.pictures, plan.copied), (300, 300));
    }

    #[test]
    fn points_inside_gops_encode_the_edges_only() {
        // 10.5 s to 19.3 s: 10.5–12 and 18–19.3 encoded, 12–18 copied.
        let plan = ClipPlan::new(&mut source(30), 315, 579, 0, false, true).unwrap();
        assert_eq!(plan.copy, Some((360, Some(540))));
        assert_eq!((plan.pictures, plan.copied), (264, 180));
        assert!(plan.keeps(315) && !plan.copies(315));
        assert!(plan.copies(539) && !plan.copies(540) && plan.keeps(540));
        assert!(!plan.keeps(579));
    }

    #[test]
    fn a_clip_inside_one_gop_is_encoded_whole() {
        let plan = ClipPlan::new(&mut source(30), 93, 117, 0, false, true).unwrap();
        assert_eq!(plan.copy, None);
        assert_eq!((plan.pictures, plan.copied), (24, 0));
    }

    #[test]
    fn the_end_of_the_video_closes_the_last_gop() {
        let mut pictures = source(30);
        let plan = ClipPlan::new(&mut pictures.clone(), 600, 10_000, 0, true, true).unwrap();
        assert_eq!(plan.copy, Some((600, None)));
        assert_eq!(plan.after, None);
        assert_eq!(plan.copied, 300);
        // Not read to the end: the last GOP is not known to close there.
        let plan = ClipPlan::new(&mut pictures, 600, 10_000, 0, false, true).unwrap();
        assert_eq!(plan.copy, Some((600, Some(840))));
    }

    #[test]
    fn points_snap_to_the_nearest_picture_and_an_empty_clip_is_none() {
        // Points a third of a picture early land on the picture.
        let mut pictures: Vec<Picture> = source(30)
            .into_iter()
            .map(|p| Picture {
                pts: p.pts * 3,
                key: p.key,
            })
            .collect();
        let plan = ClipPlan::new(&mut pictures, 899, 1799, 1, false, true).unwrap();
        assert_eq!((plan.first, plan.after), (900, Some(1800)));
        assert_eq!(ClipPlan::new(&mut pictures, 900, 900, 1, false, true), None);
        assert_eq!(
            ClipPlan::new(&mut pictures, 99_999, 100_000, 1, true, true),
            None
        );
    }

    #[test]
    fn a_source_that_cannot_be_copied_is_encoded_whole() {
        let plan = ClipPlan::new(&mut source(30), 300, 600, 0, false, false).unwrap();
        assert_eq!((plan.copy, plan.copied), (None, 0));
    }
}

//! Which renditions a source gets, and their pixel sizes. Pure arithmetic, tested below.

/// One rendition of the ladder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rung {
    /// `720p` — the short side, also for portrait video.
    pub name: String,
    pub width: u32,
    pub height: u32,
}

/// A standard rung this close to the top one adds little and is left out (a 540p source gets
/// 540p and 360p, not also 480p).
const TOO_CLOSE: f64 = 0.85;

/// The ladder for an upright source of `width`×`height` (square pixels): the configured rungs
/// never above the source; a source between rungs is its own top rung; below the smallest rung
/// it gets one rendition at its own size. `keep` (the download's rung) is never dropped as too
/// close. Largest first.
pub fn choose_rungs(width: u32, height: u32, rungs: &[u32], keep: u32) -> Vec<Rung> {
    let short = width.min(height).max(2);
    let mut standard: Vec<u32> = rungs.to_vec();
    standard.sort_unstable_by(|a, b| b.cmp(a));
    standard.dedup();
    let Some(&largest) = standard.first() else {
        return vec![rung(width, height, short)];
    };
    let top = short.min(largest);
    let mut chosen = vec![top];
    for &candidate in &standard {
        let close = f64::from(candidate) > f64::from(top) * TOO_CLOSE;
        if candidate < top && (!close || candidate == keep) {
            chosen.push(candidate);
        }
    }
    chosen
        .into_iter()
        .map(|target| rung(width, height, target))
        .collect()
}

/// The rung whose short side is `target`, the long side scaled to match; both even (H.264
/// with 4:2:0 chroma needs even sizes).
fn rung(width: u32, height: u32, target: u32) -> Rung {
    let short = width.min(height).max(1);
    let scale = f64::from(target.min(short)) / f64::from(short);
    // Nearest even size, but never above the source's own (rounded down when unscaled).
    let even = |side: u32| {
        let scaled = (f64::from(side) * scale / 2.0).round() as u32 * 2;
        scaled.min(side - side % 2).max(2)
    };
    let (w, h) = (even(width), even(height));
    Rung {
        name: format!("{}p", w.min(h)),
        width: w,
        height: h,
    }
}

/// The rung the MP4 download reuses: `download` if the ladder has it, else the largest rung
/// smaller than it, else the smallest.
pub fn download_rung(ladder: &[Rung], download: u32) -> usize {
    let short = |r: &Rung| r.width.min(r.height);
    ladder
        .iter()
        .position(|r| short(r) <= download)
        .unwrap_or(ladder.len().saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(width: u32, height: u32) -> Vec<String> {
        choose_rungs(width, height, &[1080, 720, 480, 360], 720)
            .into_iter()
            .map(|r| format!("{}:{}x{}", r.name, r.width, r.height))
            .collect()
    }

    #[test]
    fn full_hd_gets_the_whole_ladder() {
        assert_eq!(
            names(1920, 1080),
            [
                "1080p:1920x1080",
                "720p:1280x720",
                "480p:854x480",
                "360p:640x360"
            ]
        );
    }

    #[test]
    fn never_above_the_source() {
        assert_eq!(names(3840, 2160)[0], "1080p:1920x1080");
        assert_eq!(names(960, 540), ["540p:960x540", "360p:640x360"]);
        assert_eq!(
            names(1280, 720),
            ["720p:1280x720", "480p:854x480", "360p:640x360"]
        );
    }

    #[test]
    fn a_small_source_keeps_its_own_size() {
        assert_eq!(names(320, 240), ["240p:320x240"]);
        assert_eq!(names(480, 360), ["360p:480x360"]);
    }

    #[test]
    fn portrait_uses_the_short_side_and_odd_sizes_become_even() {
        assert_eq!(names(1080, 1920)[0], "1080p:1080x1920");
        assert_eq!(names(1080, 1920)[1], "720p:720x1280");
        assert_eq!(
            names(721, 405),
            ["404p:720x404"],
            "360p is too close to add"
        );
    }

    #[test]
    fn the_download_rung_survives_when_close_to_the_top() {
        assert_eq!(names(1422, 800)[1], "720p:1280x720");
        let ladder = choose_rungs(1920, 1080, &[1080, 720, 480, 360], 720);
        assert_eq!(download_rung(&ladder, 720), 1);
        let small = choose_rungs(640, 360, &[1080, 720, 480, 360], 720);
        assert_eq!(download_rung(&small, 720), 0);
    }
}

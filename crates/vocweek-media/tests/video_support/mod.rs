//! What the video test binaries share: a scratch directory per case, inputs made by the ffmpeg
//! CLI, and `ffprobe` readings of what the transcode wrote.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use vocweek_media::MediaError;
use vocweek_media::video::{Control, TranscodeOutput, VideoSettings, transcode};

pub fn settings() -> VideoSettings {
    // The same code as production; the fastest preset keeps the suite quick on two cores.
    VideoSettings {
        preset: "ultrafast".to_owned(),
        ..VideoSettings::default()
    }
}

pub struct Case {
    pub dir: PathBuf,
}

impl Case {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("vocweek-video-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Case { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Runs the ffmpeg CLI to make an input; `args` go between `-y` and the output file.
    pub fn generate(&self, name: &str, args: &str) -> PathBuf {
        let out = self.path(name);
        let status = Command::new("ffmpeg")
            .args(["-v", "error", "-y"])
            .args(args.split_whitespace())
            .arg(&out)
            .status()
            .expect("ffmpeg CLI installed");
        assert!(status.success(), "ffmpeg {args}");
        out
    }

    pub fn transcode(&self, input: &Path) -> Result<TranscodeOutput, MediaError> {
        transcode(input, &self.path("out"), &settings(), &Control::new())
    }

    pub fn out(&self, file: &str) -> PathBuf {
        self.path("out").join(file)
    }
}

impl Drop for Case {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn ffprobe(args: &[&str], file: &Path) -> String {
    let output = Command::new("ffprobe")
        .args(["-v", "error"])
        .args(args)
        .arg(file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "ffprobe {args:?} {}: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

pub fn probe_value(file: &Path, stream: &str, entry: &str) -> String {
    ffprobe(
        &[
            "-select_streams",
            stream,
            "-show_entries",
            entry,
            "-of",
            "default=nw=1:nk=1",
        ],
        file,
    )
    .lines()
    .next()
    .unwrap_or_default()
    .trim()
    .to_owned()
}

/// The container's duration as `ffprobe` reports it (for a playlist, its segments' sum).
pub fn source_duration(file: &Path) -> f64 {
    ffprobe(
        &[
            "-show_entries",
            "format=duration",
            "-of",
            "default=nw=1:nk=1",
        ],
        file,
    )
    .trim()
    .parse()
    .unwrap()
}

/// Pictures in the first video stream, counted by decoding them all.
pub fn frame_count(file: &Path) -> u64 {
    let text = ffprobe(
        &[
            "-count_frames",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=nb_read_frames",
            "-of",
            "csv=p=0",
        ],
        file,
    );
    // A playlist's stream is listed under its program as well: the first line will do.
    let first = text.lines().map(str::trim).find(|l| !l.is_empty());
    first
        .unwrap_or_else(|| panic!("no frame count for {}", file.display()))
        .trim_end_matches(',')
        .parse()
        .unwrap()
}

/// `(attributes, uri)` of every variant in a master playlist.
pub fn variants(master: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = master.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            l.strip_prefix("#EXT-X-STREAM-INF:")
                .map(|a| (a.to_owned(), lines[i + 1].to_owned()))
        })
        .collect()
}

pub fn attribute(attributes: &str, name: &str) -> Option<String> {
    // CODECS is quoted and holds commas: split on commas outside quotes.
    let mut parts = Vec::new();
    let (mut current, mut quoted) = (String::new(), false);
    for c in attributes.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .find_map(|p| p.strip_prefix(&format!("{name}=")).map(str::to_owned))
}

/// Timestamps of the keyframes of a file's video (a rendition through its playlist).
pub fn keyframe_times(file: &Path) -> Vec<String> {
    ffprobe(
        &[
            "-select_streams",
            "v",
            "-show_entries",
            "packet=pts_time,flags",
            "-of",
            "csv=p=0",
        ],
        file,
    )
    .lines()
    .filter(|l| l.contains('K'))
    .map(|l| l.split(',').next().unwrap().to_owned())
    .collect()
}

/// Each video packet of `file` as (size, MD5), in decode order, after the bitstream filters
/// `filters` (`ffmpeg -bsf:v`): what tells a copied stream from a re-encoded one.
pub fn packet_hashes(file: &Path, filters: &str) -> Vec<(String, String)> {
    let output = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(file)
        .args(["-map", "0:v:0", "-c", "copy", "-bsf:v", filters])
        .args(["-f", "framemd5", "-"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "framemd5 of {}: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    // `stream, dts, pts, duration, size, hash`; the timestamps are the containers' own.
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let fields: Vec<&str> = l.split(',').map(str::trim).collect();
            (fields[4].to_owned(), fields[5].to_owned())
        })
        .collect()
}

/// Every segment of a media playlist with its EXTINF duration.
pub fn segments(playlist: &Path) -> Vec<(PathBuf, f64)> {
    let text = std::fs::read_to_string(playlist).unwrap();
    let dir = playlist.parent().unwrap();
    let mut out = Vec::new();
    let mut duration = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("#EXTINF:") {
            duration = rest.split(',').next().and_then(|d| d.parse().ok());
        } else if !line.starts_with('#') && !line.is_empty() {
            out.push((dir.join(line), duration.take().unwrap()));
        }
    }
    assert!(text.contains("#EXT-X-ENDLIST"), "a VOD playlist ends");
    out
}

pub fn decodes_cleanly(file: &Path) {
    let output = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(file)
        .args(["-f", "null", "-"])
        .output()
        .unwrap();
    assert!(
        output.status.success() && output.stderr.is_empty(),
        "{} decodes: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The names in a directory, sorted; `None` when it does not exist.
pub fn listing(dir: &Path) -> Option<Vec<String>> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    Some(names)
}

/// Deterministic noise (a linear congruential generator), for damaging files the same way on
/// every run.
pub fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as u8
        })
        .collect()
}

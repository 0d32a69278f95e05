#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Chunked transcodes, on sources made by the ffmpeg CLI and checked with ffmpeg and ffprobe:
//! a video transcoded whole and the same video transcoded in chunks and stitched must give
//! the same renditions — as many segments of the same lengths, keyframes at the same
//! instants in every rung, a master playlist and a download that decode cleanly and last as
//! long, and sound that goes through the joins as if there were none.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use vocweek_media::video::{
    ChunkFacts, ChunkPlan, Control, StitchDownload, TranscodeOutput, VideoSettings, plan_chunks,
    stitch, transcode, transcode_chunk,
};

mod video_support;
use video_support::{
    Case, decodes_cleanly, ffprobe, frame_count, keyframe_times, probe_value, segments, settings,
    source_duration,
};

/// Small rungs and short chunks, so a minute of video makes three chunks quickly. `superfast`
/// (not the suite's `ultrafast`) has B-frames, as production's `veryfast` has: the joins must
/// keep the decode timestamps increasing across x264's reordering. The source does not
/// qualify for passthrough (x264's default GOP is 8 s), and the setting says so besides.
fn chunked_settings() -> VideoSettings {
    VideoSettings {
        rungs: vec![360, 240],
        download_rung: 240,
        preset: "superfast".to_owned(),
        segment_seconds: 6,
        chunk_seconds: 24,
        chunk_above_seconds: 30,
        passthrough: false,
        ..settings()
    }
}

/// `seconds` of 640×360 `testsrc2` at `rate` with a 440 Hz tone (the `sine` source's default
/// amplitude, 1/8 of full scale), H.264 and AAC.
fn source(case: &Case, rate: &str, seconds: u32, preset: &str) -> PathBuf {
    case.generate(
        "in.mp4",
        &format!(
            "-f lavfi -i testsrc2=size=640x360:rate={rate} -f lavfi -i sine=frequency=440:sample_rate=48000 -t {seconds} -c:v libx264 -preset {preset} -pix_fmt yuv420p -c:a aac -shortest"
        ),
    )
}

fn whole(input: &Path, out: &Path, settings: &VideoSettings) -> TranscodeOutput {
    let whole = VideoSettings {
        chunk_above_seconds: 0,
        ..settings.clone()
    };
    transcode(input, out, &whole, &Control::new()).unwrap()
}

/// Plans, transcodes every chunk into `out`, joins the download rung's segments into one
/// MPEG-TS file (as the pipeline does) and stitches.
fn in_chunks(
    input: &Path,
    out: &Path,
    scratch: &Path,
    settings: &VideoSettings,
) -> (ChunkPlan, Vec<ChunkFacts>, TranscodeOutput) {
    let plan = plan_chunks(input, settings, &Control::new())
        .unwrap()
        .expect("a video longer than chunk_above_seconds is cut");
    let mut facts = Vec::new();
    for chunk in &plan.chunks {
        let output = transcode_chunk(input, out, settings, chunk, &Control::new()).unwrap();
        assert_eq!(
            output.poster.is_some(),
            chunk.index == 0,
            "only the first chunk makes the poster"
        );
        assert_eq!(output.poster.is_some(), output.thumb.is_some());
        facts.push(output.facts);
    }
    let playlists: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".m3u8"))
        .collect();
    assert!(
        playlists.is_empty(),
        "chunks leave no playlists: {playlists:?}"
    );
    let download_ts = scratch.join("download.ts");
    let mut joined = std::fs::File::create(&download_ts).unwrap();
    for chunk in &facts {
        for segment in &chunk.rungs[chunk.download_rung].segments {
            joined
                .write_all(&std::fs::read(out.join(&segment.file)).unwrap())
                .unwrap();
        }
    }
    drop(joined);
    let stitched = stitch(
        StitchDownload::Remux(&[download_ts.as_path()]),
        out,
        &facts,
        settings,
    )
    .unwrap();
    (plan, facts, stitched)
}

/// Does the segment's first picture (in decode order) start with a keyframe?
fn starts_with_a_keyframe(segment: &Path) -> bool {
    let flags = ffprobe(
        &[
            "-select_streams",
            "v:0",
            "-show_entries",
            "packet=flags",
            "-of",
            "csv=p=0",
        ],
        segment,
    );
    flags.lines().next().is_some_and(|line| line.contains('K'))
}

fn keyframes_from_the_first(file: &Path) -> Vec<f64> {
    let times: Vec<f64> = keyframe_times(file)
        .iter()
        .map(|t| t.parse().unwrap())
        .collect();
    let first = times.first().copied().unwrap_or(0.0);
    times.iter().map(|t| t - first).collect()
}

/// A rendition's sound, decoded to mono 32-bit float samples at 48 kHz, from its first packet
/// (the AAC priming frame included, in both transcodes alike).
fn sound(playlist: &Path) -> Vec<f32> {
    let output = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(playlist)
        .args([
            "-map", "0:a:0", "-ac", "1", "-ar", "48000", "-f", "f32le", "-",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
        .stdout
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

fn rms_db(samples: &[f32]) -> f64 {
    let power: f64 =
        samples.iter().map(|s| f64::from(*s).powi(2)).sum::<f64>() / samples.len() as f64;
    10.0 * power.log10()
}

/// `silence_start` lines of `silencedetect` over the rendition's sound from `from` to `to`
/// seconds (the ends are left out: AAC's priming and last frame's padding are silent).
fn silences(playlist: &Path, from: f64, to: f64) -> Vec<String> {
    let output = Command::new("ffmpeg")
        .args(["-v", "info", "-nostats", "-i"])
        .arg(playlist)
        .args(["-map", "0:a:0", "-af"])
        .arg(format!(
            "atrim=start={from}:end={to},silencedetect=n=-50dB:d=0.02"
        ))
        .args(["-f", "null", "-"])
        .output()
        .unwrap();
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.contains("silence_start"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_minute_in_three_chunks_is_the_same_video() {
    let case = Case::new("chunks");
    let settings = chunked_settings();
    let input = source(&case, "30", 60, "superfast");
    let a = case.path("whole");
    let b = case.path("chunked");
    let whole_output = whole(&input, &a, &settings);
    let (plan, facts, stitched) = in_chunks(&input, &b, &case.dir, &settings);

    // 6 s segments of 180 frames, 24 s chunks of four segments: 0–24, 24–48, 48–60 s.
    let starts: Vec<i64> = plan.chunks.iter().map(|c| c.start_frame).collect();
    assert_eq!(starts, [0, 720, 1440]);
    assert_eq!(facts[1].rungs[0].segments[0].file, "360p_00004.ts");
    assert!(!stitched.top_rung_passthrough && !whole_output.top_rung_passthrough);

    let frame = 1.0 / 30.0;
    for rung in ["360p", "240p"] {
        let playlist = format!("{rung}.m3u8");
        let whole_segments = segments(&a.join(&playlist));
        let chunked = segments(&b.join(&playlist));
        assert!(
            whole_segments.len().abs_diff(chunked.len()) <= 1,
            "{rung}: {} segments whole, {} in chunks",
            whole_segments.len(),
            chunked.len()
        );
        for ((_, whole_seconds), (file, seconds)) in whole_segments.iter().zip(&chunked) {
            assert!(
                (whole_seconds - seconds).abs() <= frame + 1e-6,
                "{}: {seconds} s, whole {whole_seconds} s",
                file.display()
            );
        }
        for (file, _) in &chunked {
            assert!(starts_with_a_keyframe(file), "{}", file.display());
        }
        let whole_keyframes = keyframes_from_the_first(&a.join(&playlist));
        let chunked_keyframes = keyframes_from_the_first(&b.join(&playlist));
        assert_eq!(whole_keyframes.len(), chunked_keyframes.len(), "{rung}");
        for (x, y) in whole_keyframes.iter().zip(&chunked_keyframes) {
            assert!(
                (x - y).abs() < 1e-3,
                "{rung}: keyframe at {y} s, whole {x} s"
            );
        }
    }
    assert_eq!(
        keyframe_times(&b.join("360p.m3u8")),
        keyframe_times(&b.join("240p.m3u8")),
        "every rung has its keyframes at the same instants"
    );

    let master = b.join("master.m3u8");
    decodes_cleanly(&master);
    let (whole_seconds, chunked_seconds) = (
        source_duration(&a.join("master.m3u8")),
        source_duration(&master),
    );
    assert!(
        (whole_seconds - chunked_seconds).abs() <= frame + 1e-6,
        "{chunked_seconds} s, whole {whole_seconds} s"
    );
    assert!((stitched.duration_seconds - whole_output.duration_seconds).abs() <= frame + 1e-6);

    let download = b.join("download.mp4");
    decodes_cleanly(&download);
    assert_eq!(frame_count(&download), frame_count(&a.join("download.mp4")));
    let video_seconds =
        |file: &Path| -> f64 { probe_value(file, "v:0", "stream=duration").parse().unwrap() };
    assert!(
        (video_seconds(&download) - video_seconds(&a.join("download.mp4"))).abs() <= frame + 1e-6
    );
    assert_eq!(probe_value(&download, "v:0", "stream=height"), "240");
    assert_eq!(probe_value(&download, "a:0", "stream=codec_name"), "aac");

    // The sound at the joins (24 s and 48 s): sample for sample the whole transcode's. Both
    // decodes start with the priming frame (1024 samples) and go on packet for packet, so a
    // sample's index is its time. The tone is 1/8 of full scale and AAC at 128 kbit/s codes it
    // to within about a thousandth; a gap, a click, a repeated or a lost frame at a join
    // differs by up to twice the amplitude (0.25). 0.05, 40 % of the amplitude, tells them
    // apart with room on both sides.
    let whole_sound = sound(&a.join("240p.m3u8"));
    let chunked_sound = sound(&b.join("240p.m3u8"));
    assert!(whole_sound.len().abs_diff(chunked_sound.len()) <= 2048);
    for chunk in &plan.chunks[1..] {
        let join = chunk.audio_start as usize + 1024;
        let window = join - 4800..join + 4800;
        let (x, y) = (&whole_sound[window.clone()], &chunked_sound[window]);
        let difference = x
            .iter()
            .zip(y)
            .map(|(p, q)| (p - q).abs())
            .fold(0.0f32, f32::max);
        assert!(
            difference < 0.05,
            "at {} s the chunked sound is {difference} off",
            chunk.audio_start as f64 / 48000.0
        );
        assert!(
            (rms_db(x) - rms_db(y)).abs() < 0.5,
            "at {} s: {} dB, whole {} dB",
            chunk.audio_start as f64 / 48000.0,
            rms_db(y),
            rms_db(x)
        );
    }
    let gaps = silences(&b.join("240p.m3u8"), 1.0, 58.0);
    assert!(gaps.is_empty(), "silence in the chunked sound: {gaps:?}");
}

#[test]
fn ntsc_segments_are_exactly_180_frames_in_both_paths() {
    let case = Case::new("chunks-ntsc");
    let settings = VideoSettings {
        preset: "ultrafast".to_owned(),
        ..chunked_settings()
    };
    let input = source(&case, "30000/1001", 40, "ultrafast");
    let a = case.path("whole");
    let b = case.path("chunked");
    whole(&input, &a, &settings);
    let (plan, _, _) = in_chunks(&input, &b, &case.dir, &settings);
    // 180-frame segments, chunks of 720 frames (24.024 s): 0–720, 720 to the end.
    assert_eq!(plan.chunks.len(), 2);
    assert_eq!(plan.chunks[1].start_frame, 720);
    for dir in [&a, &b] {
        let all = segments(&dir.join("360p.m3u8"));
        assert_eq!(all.len(), 7, "{}", dir.display());
        // Every segment but the last is 6.006 s: 180 frames at 29.97 fps.
        for (file, seconds) in &all[..all.len() - 1] {
            assert!(
                (seconds - 6.006).abs() < 1e-6,
                "{}: {seconds} s",
                file.display()
            );
            assert_eq!(frame_count(file), 180, "{}", file.display());
        }
    }
}

#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Top-rung passthrough, on sources made by the ffmpeg CLI and checked with ffmpeg and ffprobe:
//! a source that already is the top rung is copied into it bit for bit, the other rungs put
//! their keyframes where it has them, and a source that does not qualify (or the setting off)
//! takes the usual path.
//!
//! "Bit for bit" is compared per packet, as (size, MD5) in decode order, on both sides brought
//! to the same form by ffmpeg's bitstream filters: the source's MP4 packets converted to start
//! codes (`h264_mp4toannexb`, as the MPEG-TS muxer does it), then on both sides the access unit
//! delimiters, SPS and PPS removed (`filter_units`). Those three are the only units the TS muxer
//! adds (a delimiter before every picture, the parameter sets before every IDR); every slice and
//! SEI must be the source's, in the same packets, in the same order. A re-encode changes them all.

use std::path::{Path, PathBuf};
use std::process::Command;

use vocweek_media::video::{Control, VideoSettings, transcode};

mod video_support;
use video_support::{
    Case, attribute, decodes_cleanly, frame_count, keyframe_times, packet_hashes, segments,
    settings, variants,
};

/// What the source's MP4 packets become in a TS, less what the TS muxer adds.
const SOURCE_FORM: &str = "h264_mp4toannexb,filter_units=remove_types=7|8|9";
/// A TS's packets less what its muxer added.
const TS_FORM: &str = "filter_units=remove_types=7|8|9";

/// 12 s of `testsrc2` at `size` and 30 fps with a 440 Hz tone: H.264 High (superfast, so with
/// B-frames) at `bitrate` (VBV-capped to it), a keyframe every `gop` frames and never at scene
/// cuts, as a camera or OBS records.
fn source(case: &Case, name: &str, size: &str, gop: u32, bitrate: &str) -> PathBuf {
    let keyframes = format!("-pix_fmt yuv420p -g {gop} -keyint_min {gop}");
    encode(case, name, size, 12, &keyframes, bitrate)
}

/// `seconds` of `testsrc2` at `size` and 30 fps with a 440 Hz tone, x264 at `bitrate`
/// (VBV-capped to it) with the options `video` (pixel format, keyframes), no keyframes at
/// scene cuts.
fn encode(
    case: &Case,
    name: &str,
    size: &str,
    seconds: u32,
    video: &str,
    bitrate: &str,
) -> PathBuf {
    case.generate(
        name,
        &format!(
            "-f lavfi -i testsrc2=size={size}:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 -t {seconds} -c:v libx264 -preset superfast {video} -sc_threshold 0 -b:v {bitrate} -maxrate {bitrate} -bufsize {bitrate} -c:a aac -shortest"
        ),
    )
}

/// A file's keyframe times in seconds, counted from its first: renditions' clocks start where
/// their muxers put them (MPEG-TS adds its own delay), what must match is the spacing.
fn keyframes_from_the_first(file: &Path) -> Vec<f64> {
    let times: Vec<f64> = keyframe_times(file)
        .iter()
        .map(|t| t.parse().unwrap())
        .collect();
    let first = times.first().copied().unwrap_or(0.0);
    times.iter().map(|t| t - first).collect()
}

fn same_times(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-3)
}

/// The RFC 6381 name of the source's H.264, read by ffmpeg (not our code): the SPS the
/// `h264_mp4toannexb` filter puts before the first picture, its three bytes after the header.
fn source_codec(file: &Path) -> String {
    let output = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(file)
        .args(["-map", "0:v:0", "-c", "copy", "-bsf:v", "h264_mp4toannexb"])
        .args(["-frames:v", "1", "-f", "h264", "-"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let bytes = output.stdout;
    let sps = bytes
        .windows(4)
        .position(|w| w[..3] == [0, 0, 1] && w[3] & 0x1f == 7)
        .expect("an SPS before the first picture")
        + 4;
    format!(
        "avc1.{:02x}{:02x}{:02x}",
        bytes[sps],
        bytes[sps + 1],
        bytes[sps + 2]
    )
}

#[test]
fn a_source_that_is_the_top_rung_is_copied_and_the_ladder_follows_its_keyframes() {
    let case = Case::new("passthrough-1080");
    // Keyframes at irregular times 1.2 s to 1.7 s apart, as a camera's scene-cut IDRs fall
    // (x264 at most every 10 s on its own, and no scene cuts): the other rungs' keyframes can
    // only be there if they follow the source's, not the fixed 2 s ones the usual path makes.
    // 3.5 Mbit/s with a 1 s buffer: even the shortest interval (1.2 s) averages under the
    // 1080p cap of 6.75 Mbit/s.
    let keyframes = concat!(
        "-pix_fmt yuv420p -g 300 -keyint_min 30 ",
        "-force_key_frames 0,1.5,3.2,4.4,6,7.7,9,10.5"
    );
    let input = encode(&case, "in.mp4", "1920x1080", 12, keyframes, "3500k");
    let output = case.transcode(&input).unwrap();
    assert!(output.top_rung_passthrough, "the source qualifies");
    let names: Vec<&str> = output.renditions.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["1080p", "720p", "480p", "360p"]);

    // The top rung's pictures are the source's packets.
    let top = case.out("1080p.m3u8");
    let copied = packet_hashes(&top, TS_FORM);
    let original = packet_hashes(&input, SOURCE_FORM);
    assert_eq!(original.len(), 360, "12 s at 30 fps");
    assert!(
        copied == original,
        "the 1080p rendition is the source's H.264, packet for packet"
    );

    // Every rendition has its keyframes at the source's, so its segments end at the same
    // instants with the same durations.
    let source_keyframes = keyframes_from_the_first(&input);
    let expected = [0.0, 1.5, 3.2, 4.4, 6.0, 7.7, 9.0, 10.5];
    assert!(
        same_times(&source_keyframes, &expected),
        "{source_keyframes:?}"
    );
    let top_keyframes = keyframe_times(&top);
    assert!(same_times(&keyframes_from_the_first(&top), &expected));
    let top_segments = segments(&top);
    assert_eq!(top_segments.len(), 2, "6 s segments: {top_segments:?}");
    for rendition in &output.renditions[1..] {
        let playlist = case.out(&rendition.playlist);
        let ours = keyframes_from_the_first(&playlist);
        assert!(
            same_times(&ours, &source_keyframes),
            "{}'s keyframes {ours:?}, the source's {source_keyframes:?}",
            rendition.name
        );
        assert_eq!(
            keyframe_times(&playlist),
            top_keyframes,
            "{}'s keyframes on the same clock as the copy's",
            rendition.name
        );
        let ours = segments(&playlist);
        assert_eq!(ours.len(), top_segments.len(), "{}", rendition.name);
        for ((_, a), (_, b)) in ours.iter().zip(&top_segments) {
            assert!((a - b).abs() < 1e-3, "{}: {a} s vs {b} s", rendition.name);
        }
        assert_eq!(frame_count(&playlist), 360, "{}", rendition.name);
    }
    // A segment of the copy plays on its own: the parameter sets were put into it.
    decodes_cleanly(&top_segments[1].0);

    // The master names the copy by the source's own profile and level, and its bandwidth is
    // what its segments weigh.
    let master = std::fs::read_to_string(case.out("master.m3u8")).unwrap();
    let (attributes, _) = variants(&master)
        .into_iter()
        .find(|(_, uri)| uri == "1080p.m3u8")
        .unwrap();
    assert_eq!(
        attribute(&attributes, "CODECS").unwrap(),
        format!("{},mp4a.40.2", source_codec(&input))
    );
    assert_eq!(
        attribute(&attributes, "RESOLUTION").as_deref(),
        Some("1920x1080")
    );
    let bits: u64 = top_segments
        .iter()
        .map(|(f, _)| std::fs::metadata(f).unwrap().len() * 8)
        .sum();
    let seconds: f64 = top_segments.iter().map(|(_, d)| d).sum();
    let average: u64 = attribute(&attributes, "AVERAGE-BANDWIDTH")
        .unwrap()
        .parse()
        .unwrap();
    assert!(((bits as f64 / seconds) - average as f64).abs() <= 1.0 + average as f64 * 1e-9);
    let bandwidth: u64 = attribute(&attributes, "BANDWIDTH")
        .unwrap()
        .parse()
        .unwrap();
    // At least the source's pictures alone (its slices, counted above) over its 12 s.
    let source_bits: u64 = original
        .iter()
        .map(|(size, _)| size.parse::<u64>().unwrap() * 8)
        .sum();
    assert!(
        bandwidth >= average && average as f64 >= source_bits as f64 / 12.0,
        "{attributes}: the source's pictures alone are {} bit/s",
        source_bits / 12
    );

    // The download is the 720p encode, as without passthrough.
    let download = output.download.as_ref().unwrap();
    assert_eq!((download.width, download.height), (Some(1280), Some(720)));
}

#[test]
fn keyframes_ten_seconds_apart_take_the_usual_path() {
    let case = Case::new("passthrough-gop10");
    // Under the 480p cap (1.33 Mbit/s), but one keyframe interval is 10 s.
    let input = source(&case, "in.mp4", "854x480", 300, "800k");
    let output = case.transcode(&input).unwrap();
    assert!(!output.top_rung_passthrough);
    let top = case.out("480p.m3u8");
    assert!(
        packet_hashes(&top, TS_FORM) != packet_hashes(&input, SOURCE_FORM),
        "the top rung is re-encoded"
    );
    // Valid HLS on the fixed 2 s keyframes, in both rungs alike.
    let keyframes: Vec<Vec<String>> = output
        .renditions
        .iter()
        .map(|r| keyframe_times(&case.out(&r.playlist)))
        .collect();
    assert_eq!(keyframes.len(), 2);
    assert_eq!(keyframes[0].len(), 6, "a keyframe every 2 s: {keyframes:?}");
    assert_eq!(keyframes[0], keyframes[1]);
    for rendition in &output.renditions {
        for (segment, duration) in segments(&case.out(&rendition.playlist)) {
            assert!(duration <= 6.1, "{duration}");
            decodes_cleanly(&segment);
        }
    }
}

#[test]
fn a_copied_top_rung_is_also_the_download_and_the_setting_turns_it_off() {
    let case = Case::new("passthrough-480");
    let input = source(&case, "in.mp4", "854x480", 60, "800k");
    let original = packet_hashes(&input, SOURCE_FORM);
    assert_eq!(
        original.len(),
        360,
        "12 s at 30 fps: there is something to compare"
    );

    // 480p is the top rung and, below 720p, the download's too: both are the source's packets.
    let output = case.transcode(&input).unwrap();
    assert!(output.top_rung_passthrough);
    assert!(packet_hashes(&case.out("480p.m3u8"), TS_FORM) == original);
    let download = case.out(&output.download.as_ref().unwrap().file);
    assert!(
        packet_hashes(&download, SOURCE_FORM) == original,
        "the download is the source's H.264 too"
    );
    decodes_cleanly(&download);
    assert_eq!(
        keyframe_times(&case.out("360p.m3u8")),
        keyframe_times(&case.out("480p.m3u8"))
    );

    // `video.passthrough = false`: the same source is encoded like any other.
    let off = VideoSettings {
        passthrough: false,
        ..settings()
    };
    let out = case.path("off");
    let output = transcode(&input, &out, &off, &Control::new()).unwrap();
    assert!(!output.top_rung_passthrough);
    assert!(packet_hashes(&out.join("480p.m3u8"), TS_FORM) != original);
    assert!(packet_hashes(&out.join("download.mp4"), SOURCE_FORM) != original);
}

/// Sources players or the other rungs do not match take the usual path, and make valid HLS:
/// full range (`yuvj420p`), High 10 and High 4:4:4, each beside the same source in `yuv420p`,
/// which does qualify (so what refuses them is their format, not their size or keyframes).
#[test]
fn full_range_ten_bit_and_four_four_four_sources_are_encoded() {
    let case = Case::new("passthrough-formats");
    // 400 kbit/s with a 1 s buffer: under the 360p cap (750 kbit/s) over any 2 s interval.
    let gop = "-g 60 -keyint_min 60";
    let plain = encode(
        &case,
        "plain.mp4",
        "640x360",
        4,
        &format!("-pix_fmt yuv420p {gop}"),
        "400k",
    );
    let output = case.transcode(&plain).unwrap();
    assert!(output.top_rung_passthrough, "the yuv420p source qualifies");
    for (name, pixel_format, profile) in [
        ("full.mp4", "yuvj420p", "High"),
        ("ten.mp4", "yuv420p10le", "High 10"),
        ("chroma.mp4", "yuv444p", "High 4:4:4 Predictive"),
    ] {
        let input = encode(
            &case,
            name,
            "640x360",
            4,
            &format!("-pix_fmt {pixel_format} {gop}"),
            "400k",
        );
        let stream = video_support::ffprobe(
            &[
                "-select_streams",
                "v:0",
                "-show_entries",
                "stream=profile,pix_fmt",
                "-of",
                "csv=p=0",
            ],
            &input,
        );
        assert!(stream.contains(profile), "{name}: {stream}");
        let out = case.path(&format!("out-{pixel_format}"));
        let output = transcode(&input, &out, &settings(), &Control::new()).unwrap();
        assert!(!output.top_rung_passthrough, "{name} is encoded");
        let top = out.join("360p.m3u8");
        assert!(
            packet_hashes(&top, TS_FORM) != packet_hashes(&input, SOURCE_FORM),
            "{name}'s top rung is re-encoded"
        );
        assert_eq!(frame_count(&top), 120, "{name}");
        for (segment, _) in segments(&top) {
            decodes_cleanly(&segment);
        }
    }
}

#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Clips cut from videos made by the ffmpeg CLI, judged by ffmpeg and ffprobe: as long as asked
//! to within a picture, starting with a keyframe, decoding cleanly, and the whole GOPs inside
//! them the source's very pictures (copied, not encoded again).

use std::path::Path;
use std::process::Command;

use vocweek_media::video::{ClipFacts, cut_clip};

mod video_support;
use video_support::{Case, decodes_cleanly, frame_count, keyframe_times, settings};

const RATE: f64 = 30.0;
const ONE_PICTURE: f64 = 1.0 / RATE;

/// 30 s of 640×360 at 30 pictures a second, a keyframe every 2 s (as a live replay has), with
/// B-frames, and a tone.
fn make_source(case: &Case, name: &str, video: &str) -> std::path::PathBuf {
    case.generate(
        name,
        &format!(
            "-f lavfi -i testsrc2=size=640x360:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 \
             -t 30 {video} -pix_fmt yuv420p -c:a aac -b:a 96k"
        ),
    )
}

const H264_GOP_2S: &str =
    "-c:v libx264 -preset superfast -x264-params keyint=60:min-keyint=60:scenecut=0";

/// MD5 of every decoded picture, in display order.
fn picture_hashes(file: &Path) -> Vec<String> {
    let output = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(file)
        .args(["-map", "0:v:0", "-f", "framemd5", "-"])
        .output()
        .unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.rsplit(',').next().unwrap().trim().to_owned())
        .collect()
}

fn video_duration(file: &Path) -> f64 {
    video_support::probe_value(file, "v:0", "stream=duration")
        .parse()
        .unwrap()
}

/// Cuts `from`–`to` and checks what every clip must be; answers the facts.
fn clip(
    case: &Case,
    source: &Path,
    from: f64,
    to: f64,
    name: &str,
) -> (std::path::PathBuf, ClipFacts) {
    let out = case.path(name);
    let facts = cut_clip(source, from, to, &out, &settings()).unwrap();
    decodes_cleanly(&out);
    assert_eq!(frame_count(&out), facts.pictures, "{name}: pictures");
    let duration = video_duration(&out);
    assert!(
        (duration - (to - from)).abs() <= ONE_PICTURE + 1e-6,
        "{name}: lasts {duration} s, asked {} s",
        to - from
    );
    let format_duration = video_support::source_duration(&out);
    assert!(
        (format_duration - (to - from)).abs() <= ONE_PICTURE + 1e-6,
        "{name}: the file lasts {format_duration} s"
    );
    let keyframes = keyframe_times(&out);
    assert_eq!(
        keyframes.first().map(String::as_str),
        Some("0.000000"),
        "{name} starts with a keyframe"
    );
    (out, facts)
}

#[test]
fn points_on_keyframes_copy_every_picture() {
    let case = Case::new("clip-aligned");
    let source = make_source(&case, "source.mp4", H264_GOP_2S);
    let (out, facts) = clip(&case, &source, 10.0, 20.0, "clip.mp4");
    assert_eq!(
        (
            facts.pictures,
            facts.copied_pictures,
            facts.encoded_pictures
        ),
        (300, 300, 0)
    );
    let all = picture_hashes(&source);
    assert_eq!(
        picture_hashes(&out),
        all[300..600],
        "the source's own pictures"
    );
}

#[test]
fn points_inside_gops_encode_only_the_edges() {
    let case = Case::new("clip-edges");
    let source = make_source(&case, "source.mp4", H264_GOP_2S);
    // 10.5–12 s and 18–19.3 s encoded, 12–18 s copied.
    let (out, facts) = clip(&case, &source, 10.5, 19.3, "clip.mp4");
    assert_eq!(
        (
            facts.pictures,
            facts.copied_pictures,
            facts.encoded_pictures
        ),
        (264, 180, 84)
    );
    let all = picture_hashes(&source);
    let cut = picture_hashes(&out);
    assert_eq!(
        cut[45..225],
        all[360..540],
        "the whole GOPs are the source's pictures"
    );
    assert_ne!(cut[0], all[315], "the head was encoded again");
}

#[test]
fn a_clip_inside_one_gop_and_one_of_another_codec_are_encoded_whole() {
    let case = Case::new("clip-encoded");
    let source = make_source(&case, "source.mp4", H264_GOP_2S);
    let (_, facts) = clip(&case, &source, 3.1, 3.9, "short.mp4");
    assert_eq!((facts.pictures, facts.copied_pictures), (24, 0));
    let mpeg4 = make_source(&case, "mpeg4.mkv", "-c:v mpeg4 -q:v 4");
    let (out, facts) = clip(&case, &mpeg4, 5.0, 7.0, "mpeg4.mp4");
    assert_eq!((facts.pictures, facts.copied_pictures), (60, 0));
    assert_eq!(
        video_support::probe_value(&out, "v:0", "stream=codec_name"),
        "h264"
    );
}

#[test]
fn a_transport_stream_and_a_clip_to_the_end_are_cut_too() {
    let case = Case::new("clip-ts");
    let ts = make_source(&case, "source.ts", H264_GOP_2S);
    let (out, facts) = clip(&case, &ts, 4.0, 9.0, "from-ts.mp4");
    assert_eq!((facts.pictures, facts.copied_pictures), (150, 120));
    assert_eq!(
        video_support::probe_value(&out, "a:0", "stream=codec_name"),
        "aac"
    );
    let mp4 = make_source(&case, "source.mp4", H264_GOP_2S);
    let (_, facts) = clip(&case, &mp4, 26.0, 30.0, "to-the-end.mp4");
    assert_eq!((facts.pictures, facts.copied_pictures), (120, 120));
}

#[test]
fn a_stretch_outside_the_video_is_refused() {
    let case = Case::new("clip-outside");
    let source = make_source(&case, "source.mp4", H264_GOP_2S);
    for (from, to) in [
        (40.0, 50.0),
        (5.0, 5.0),
        (7.0, 3.0),
        (f64::NAN, 3.0),
        (-1.0, 2.0),
    ] {
        let error = cut_clip(&source, from, to, &case.path("no.mp4"), &settings()).unwrap_err();
        assert_eq!(error.code(), "video-corrupt", "{from}–{to}: {error}");
    }
}

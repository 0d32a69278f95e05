#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Sound files (an interview, a speech) go the video way: an audio-only HLS rendition and an
//! M4A download, both playing as long as the source. Inputs are ffmpeg's sine source in each
//! container users send.

mod video_support;
use video_support::{Case, decodes_cleanly, probe_value, segments, source_duration};

/// How far the outputs' durations may be from the source's. ffprobe estimates an ADTS file's
/// from its bitrate, and the HLS playlist counts the AAC encoder's priming: ADTS is the
/// closest call, about 0.08 s.
const TOLERANCE: f64 = 0.1;

fn sound_only(name: &str, codec: &str) {
    let case = Case::new(&format!("sound-{}", name.replace('.', "-")));
    let input = case.generate(
        name,
        &format!("-f lavfi -i sine=frequency=300:sample_rate=44100 -t 5 {codec}"),
    );
    let source = source_duration(&input);
    let output = case
        .transcode(&input)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let names: Vec<&str> = output.renditions.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["audio"], "{name}");
    assert!(
        output.poster.is_none() && output.frame_rate.is_none(),
        "{name}"
    );
    let master = std::fs::read_to_string(case.out("master.m3u8")).unwrap();
    assert!(
        master.contains("CODECS=\"mp4a.40.2\"\naudio.m3u8\n"),
        "{name}: {master}"
    );

    let playlist = case.out("audio.m3u8");
    let segments = segments(&playlist);
    assert!(!segments.is_empty(), "{name}");
    for (segment, _) in &segments {
        decodes_cleanly(segment);
        assert_eq!(probe_value(segment, "a", "stream=codec_name"), "aac");
    }
    let streamed = source_duration(&playlist);
    assert!(
        (streamed - source).abs() <= TOLERANCE,
        "{name}: the HLS plays {streamed} s of {source} s"
    );

    let download = output.download.as_ref().unwrap();
    assert_eq!(
        (download.file.as_str(), download.mime),
        ("download.m4a", "audio/mp4"),
        "{name}"
    );
    let file = case.out(&download.file);
    decodes_cleanly(&file);
    assert_eq!(probe_value(&file, "a", "stream=codec_name"), "aac");
    assert_eq!(
        probe_value(&file, "v", "stream=codec_name"),
        "",
        "no picture"
    );
    let downloaded = source_duration(&file);
    assert!(
        (downloaded - source).abs() <= TOLERANCE,
        "{name}: the download plays {downloaded} s of {source} s"
    );
}

#[test]
fn mp3_gets_an_audio_hls_and_a_download() {
    sound_only("in.mp3", "");
}

#[test]
fn wav_gets_an_audio_hls_and_a_download() {
    sound_only("in.wav", "");
}

#[test]
fn aac_in_m4a_gets_an_audio_hls_and_a_download() {
    sound_only("in.m4a", "-c:a aac");
}

#[test]
fn aac_in_adts_gets_an_audio_hls_and_a_download() {
    sound_only("in.aac", "-c:a aac");
}

#[test]
fn flac_gets_an_audio_hls_and_a_download() {
    sound_only("in.flac", "");
}

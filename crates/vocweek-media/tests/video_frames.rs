#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every picture of the source comes out, the last one included, in every rendition and in the
//! download: frames counted by decoding what the transcode wrote (`ffprobe -count_frames`).
//! The last picture used to be lost at the end of the stream, so a one-frame video failed.

use std::path::Path;

use vocweek_media::video::TranscodeOutput;

mod video_support;
use video_support::{Case, frame_count};

/// Transcodes `input` and checks that it, every rendition and the download hold `frames`.
fn every_output_has(case: &Case, input: &Path, frames: u64) -> TranscodeOutput {
    assert_eq!(frame_count(input), frames, "the source");
    let output = case
        .transcode(input)
        .unwrap_or_else(|e| panic!("{}: {e}", input.display()));
    for rendition in &output.renditions {
        assert_eq!(
            frame_count(&case.out(&rendition.playlist)),
            frames,
            "rendition {}",
            rendition.name
        );
    }
    let download = output.download.as_ref().unwrap();
    assert_eq!(
        frame_count(&case.out(&download.file)),
        frames,
        "the download"
    );
    output
}

#[test]
fn a_one_frame_video_comes_out_as_one_frame() {
    let case = Case::new("one-frame");
    let input = case.generate(
        "in.mp4",
        "-f lavfi -i testsrc2=size=320x240:rate=30 -frames:v 1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p",
    );
    let output = every_output_has(&case, &input, 1);
    assert!(output.poster.is_some(), "its one picture is the poster");
}

#[test]
fn sixty_frames_stay_sixty() {
    let case = Case::new("frames-60");
    let input = case.generate(
        "in.mp4",
        "-f lavfi -i testsrc2=size=320x240:rate=30 -frames:v 60 -c:v libx264 -preset ultrafast -pix_fmt yuv420p",
    );
    every_output_has(&case, &input, 60);
}

#[test]
fn a_hundred_and_twenty_frames_with_sound_stay_so_in_every_rung() {
    let case = Case::new("frames-120");
    // Two rungs (480p and 360p), and a sound track beside the pictures.
    let input = case.generate(
        "in.mp4",
        "-f lavfi -i testsrc2=size=854x480:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 -t 4 -frames:v 120 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac",
    );
    let output = every_output_has(&case, &input, 120);
    assert_eq!(output.renditions.len(), 2);
}

#[test]
fn fifty_frames_at_25_fps_in_matroska_stay_fifty() {
    let case = Case::new("frames-25");
    let input = case.generate(
        "in.mkv",
        "-f lavfi -i testsrc2=size=320x240:rate=25 -frames:v 50 -c:v libx264 -preset ultrafast -pix_fmt yuv420p",
    );
    let output = every_output_has(&case, &input, 50);
    assert_eq!(output.frame_rate, Some(25.0));
}

#[test]
fn ninety_frames_at_ntsc_rate_stay_ninety() {
    let case = Case::new("frames-2997");
    let input = case.generate(
        "in.mp4",
        "-f lavfi -i testsrc2=size=320x240:rate=30000/1001 -frames:v 90 -c:v libx264 -preset ultrafast -pix_fmt yuv420p",
    );
    let output = every_output_has(&case, &input, 90);
    let rate = output.frame_rate.unwrap();
    assert!((rate - 30000.0 / 1001.0).abs() < 1e-9, "{rate}");
}

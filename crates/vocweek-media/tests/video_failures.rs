#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Files that cannot be transcoded: the reason is a permanent code naming what is wrong with
//! the file (`internal` is for our faults only), an unknown codec is named by the tag its
//! container gives it, and a failed transcode leaves its output directory as it found it.

use std::sync::Arc;
use std::time::Duration;

use vocweek_media::MediaError;
use vocweek_media::video::{Control, probe_file, transcode};

mod video_support;
use video_support::{Case, listing, noise, settings};

/// The codecs of failures caused by the file itself.
const PERMANENT: [&str; 5] = [
    "video-unreadable",
    "video-corrupt",
    "video-no-streams",
    "video-unsupported-codec",
    "video-too-large",
];

fn is_permanent(error: &MediaError) -> bool {
    PERMANENT.contains(&error.code())
}

#[test]
fn a_header_followed_by_noise_is_the_files_fault_and_leaves_nothing_behind() {
    let case = Case::new("noise");
    // The index first (faststart), so the demuxer reads every packet and finds noise in each.
    let whole = case.generate(
        "whole.mp4",
        "-f lavfi -i testsrc2=size=640x360:rate=30 -f lavfi -i sine -t 4 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -movflags +faststart -shortest",
    );
    let bytes = std::fs::read(&whole).unwrap();
    let media = bytes.windows(4).position(|w| w == b"mdat").unwrap() + 4;
    let out = case.path("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), b"was here before").unwrap();
    let noisy = case.path("noisy.mp4");
    for seed in 0..3 {
        let mut damaged = bytes[..media].to_vec();
        damaged.extend(noise(seed, bytes.len() - media));
        std::fs::write(&noisy, &damaged).unwrap();
        if let Err(err) = probe_file(&noisy, &settings()) {
            assert!(
                is_permanent(&err),
                "probe, seed {seed}: {} {err}",
                err.code()
            );
        }
        let err = case.transcode(&noisy).unwrap_err();
        assert!(is_permanent(&err), "seed {seed}: {} {err}", err.code());
        assert_eq!(
            listing(&out).unwrap(),
            ["notes.txt"],
            "seed {seed}: what the transcode wrote is removed, what was there is kept"
        );
    }

    // A directory the transcode had to create goes too.
    let fresh = case.path("fresh");
    let err = transcode(&noisy, &fresh, &settings(), &Control::new()).unwrap_err();
    assert!(is_permanent(&err), "{} {err}", err.code());
    assert!(!fresh.exists());

    // The file type box alone, then noise: no index to open.
    let ftyp = u32::from_be_bytes(bytes[0..4].try_into().unwrap()) as usize;
    let mut damaged = bytes[..ftyp].to_vec();
    damaged.extend(noise(7, 300_000));
    std::fs::write(&noisy, &damaged).unwrap();
    let err = case.transcode(&noisy).unwrap_err();
    assert!(is_permanent(&err), "{} {err}", err.code());
}

#[test]
fn an_output_that_cannot_be_written_leaves_the_directory_as_it_was() {
    let case = Case::new("unwritable");
    let input = case.generate(
        "in.mp4",
        "-f lavfi -i testsrc2=size=320x240:rate=30 -t 1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p",
    );
    let out = case.path("out");
    // A directory where the download goes: its muxer fails after the rendition's has started.
    std::fs::create_dir_all(out.join("download.mp4")).unwrap();
    std::fs::write(out.join("notes.txt"), b"was here before").unwrap();
    let before = listing(&out).unwrap();
    assert!(case.transcode(&input).is_err());
    assert_eq!(listing(&out).unwrap(), before);
}

#[test]
fn a_transcode_cancelled_halfway_removes_what_it_wrote() {
    let case = Case::new("cancel-late");
    let input = case.generate(
        "in.mp4",
        "-f lavfi -i testsrc2=size=320x240:rate=30 -t 30 -c:v libx264 -preset ultrafast -pix_fmt yuv420p",
    );
    let out = case.path("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), b"was here before").unwrap();
    let control = Arc::new(Control::new());
    let canceller = {
        let control = control.clone();
        std::thread::spawn(move || {
            // Once some segments are on disk (and not forever, should the transcode stop first).
            for _ in 0..12_000 {
                if control.progress() >= 0.5 || control.is_cancelled() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            control.cancel();
        })
    };
    let result = transcode(&input, &out, &settings(), &control);
    control.cancel();
    canceller.join().unwrap();
    let err = result.unwrap_err();
    assert_eq!(err, MediaError::Cancelled);
    assert_eq!(listing(&out).unwrap(), ["notes.txt"]);
}

#[test]
fn an_unknown_codec_is_named_by_the_tag_its_container_gives_it() {
    let case = Case::new("fourcc");
    let mp4 = case.generate(
        "in.mp4",
        "-f lavfi -i testsrc2=size=320x240:rate=30 -t 1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p",
    );
    let bytes = std::fs::read(&mp4).unwrap();
    // The sample entry's type, in `stsd` (`avc1` also appears among the brands of `ftyp`).
    let stsd = bytes.windows(4).position(|w| w == b"stsd").unwrap();
    let entry = stsd + bytes[stsd..].windows(4).position(|w| w == b"avc1").unwrap();
    let unknown = case.path("unknown.mp4");
    for (tag, named) in [(*b"abcd", "'abcd'"), ([1, 2, 3, 4], "0x04030201")] {
        let mut patched = bytes.clone();
        patched[entry..entry + 4].copy_from_slice(&tag);
        std::fs::write(&unknown, &patched).unwrap();
        let err = probe_file(&unknown, &settings()).unwrap_err();
        assert_eq!(err.code(), "video-unsupported-codec", "{err}");
        assert_eq!(
            err.to_string(),
            format!("the video codec {named} is not supported")
        );
        assert_eq!(case.transcode(&unknown).unwrap_err(), err);
    }

    // AVI: the bitmap header's compression, which FFmpeg reads the codec from.
    let avi = case.generate(
        "in.avi",
        "-f lavfi -i testsrc2=size=320x240:rate=25 -t 1 -c:v mpeg4 -vtag XVID",
    );
    let mut bytes = std::fs::read(&avi).unwrap();
    let strf = bytes.windows(4).position(|w| w == b"strf").unwrap();
    let compression = strf + bytes[strf..].windows(4).position(|w| w == b"XVID").unwrap();
    bytes[compression..compression + 4].copy_from_slice(b"qwer");
    let unknown = case.path("unknown.avi");
    std::fs::write(&unknown, &bytes).unwrap();
    let err = probe_file(&unknown, &settings()).unwrap_err();
    assert_eq!(err.code(), "video-unsupported-codec", "{err}");
    assert_eq!(err.to_string(), "the video codec 'qwer' is not supported");
}

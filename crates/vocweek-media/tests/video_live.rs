#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The live HLS ladder on a real publish: the ffmpeg CLI sends an FLV stream into a FIFO in real
//! time (`-re`), as the RTMP ingest's sink does, while `transcode_live` reads it on a thread of
//! this test, as a media child does. Checked with ffprobe and ffmpeg: segments are reported
//! while the publish goes on, every rendition's segments start with a keyframe at the same
//! instants, the copied top rung is the publisher's H.264 bit for bit, and nothing is lost;
//! the publish's recording is the same packets in one MP4, which the replay takes as its
//! download.
//!
//! The ladder is 720p (copied: the source is 1280×720) and 360p (encoded), to keep the CPU the
//! test takes small beside the suite's.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use vocweek_media::video::{
    ChunkFacts, ChunkRung, ChunkSegment, Control, DOWNLOAD_FILE, LiveEvent, LiveLadder,
    LiveSegment, RECORDING_FILE, StitchDownload, VideoSettings, live_replay, transcode_live,
};

mod video_support;
use video_support::{
    Case, ffprobe, packet_hashes, probe_value, segments, settings, source_duration, variants,
};

/// The publish's length, in seconds.
const SECONDS: f64 = 12.0;
/// Longest the test waits for the next thing the transcode says before giving up on it.
const QUIET_LIMIT: Duration = Duration::from_secs(60);

/// What the copied rung's packets are compared as: the source's FLV packets are
/// length-prefixed (the `avcC` framing) and the segments' are Annex B, with an access unit
/// delimiter before every picture and the SPS and PPS before every IDR, all added by the
/// MPEG-TS muxer. Tried on the CLI first: `ffprobe -show_packets -show_data_hash MD5` hashes
/// packets as their containers hold them, so no hash matched (every picture is 6 bytes longer
/// in the TS, a keyframe 42); brought to one form by ffmpeg's bitstream filters (start codes
/// for the FLV's; the delimiters and parameter sets removed on both sides) every packet is the
/// same, in the same order. Every slice and SEI stays: a re-encode would change them all.
const SOURCE_FORM: &str = "h264_mp4toannexb,filter_units=remove_types=7|8|9";
const SEGMENT_FORM: &str = "filter_units=remove_types=7|8|9";

fn live_settings() -> VideoSettings {
    VideoSettings {
        rungs: vec![720, 360],
        ..settings()
    }
}

/// A FIFO at `path`, as the parent makes one for the child. The coreutils program rather than
/// nix's `mkfifo`: this crate has no nix dependency, and one added for a test would change
/// `Cargo.lock`.
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

/// Sends `source` into `fifo` at its own pace, as a publisher does: the packets as they are.
fn publish(source: &Path, fifo: &Path) -> Child {
    Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-re", "-i"])
        .arg(source)
        .args(["-c", "copy", "-f", "flv", "-y"])
        .arg(fifo)
        .stdin(Stdio::null())
        .spawn()
        .expect("ffmpeg CLI installed")
}

/// Each segment's first video packet: its presentation time, and whether it is a keyframe.
fn segment_starts(playlist: &Path) -> Vec<(f64, bool)> {
    segments(playlist)
        .iter()
        .map(|(segment, _)| {
            let packets = ffprobe(
                &[
                    "-select_streams",
                    "v",
                    "-show_entries",
                    "packet=pts_time,flags",
                    "-of",
                    "csv=p=0",
                ],
                segment,
            );
            let first = packets.lines().next().unwrap();
            let (time, flags) = first.split_once(',').unwrap();
            (time.parse().unwrap(), flags.contains('K'))
        })
        .collect()
}

#[test]
fn a_publish_becomes_a_live_ladder_while_it_is_sent() {
    let case = Case::new("live");
    let source = case.generate(
        "source.flv",
        "-f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 -t 12 -c:v libx264 -preset ultrafast -g 60 -pix_fmt yuv420p -c:a aac -f flv",
    );
    let fifo = case.path("ingest.flv");
    mkfifo(&fifo);
    let out: PathBuf = case.path("out");

    let started = Instant::now();
    let mut publisher = publish(&source, &fifo);
    let (events, received) = mpsc::channel();
    let transcode = {
        let (fifo, out) = (fifo.clone(), out.clone());
        std::thread::spawn(move || {
            let mut report = |event: LiveEvent| {
                let _ = events.send((started.elapsed(), event));
            };
            transcode_live(&fifo, &out, &live_settings(), &Control::new(), &mut report)
        })
    };

    let mut ladder = None;
    let mut reported: Vec<LiveSegment> = Vec::new();
    let mut first_segment = None;
    loop {
        let (at, event) = match received.recv_timeout(QUIET_LIMIT) {
            Ok(message) => message,
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = publisher.kill();
                panic!("the live transcode said nothing for {QUIET_LIMIT:?}");
            }
        };
        match event {
            LiveEvent::Ladder(l) => {
                assert!(reported.is_empty(), "the ladder comes before any segment");
                ladder = Some(l);
            }
            LiveEvent::Segment(segment) => {
                if first_segment.is_none() {
                    let publishing = publisher.try_wait().unwrap().is_none();
                    first_segment = Some((at, publishing));
                }
                reported.push(segment);
            }
        }
    }
    let facts = match transcode.join().unwrap() {
        Ok(facts) => facts,
        Err(error) => {
            let _ = publisher.kill();
            panic!("the live transcode failed: {error}");
        }
    };
    assert!(publisher.wait().unwrap().success(), "the publisher ran");

    // (a) The first segment came while the publisher was still sending, long before its end.
    let (at, publishing) = first_segment.expect("segments were reported");
    assert!(
        publishing && at < Duration::from_secs_f64(SECONDS),
        "first segment after {at:?}, publisher still sending: {publishing}"
    );

    let ladder = ladder.expect("the ladder was reported");
    assert!(
        ladder.top_rung_passthrough,
        "the 720p source is the top rung"
    );
    let names: Vec<&str> = ladder.rungs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["720p", "360p"]);
    assert_eq!((ladder.rungs[1].width, ladder.rungs[1].height), (640, 360));
    for rung in &ladder.rungs {
        assert!(
            rung.codecs.starts_with("avc1.") && rung.codecs.ends_with(",mp4a.40.2"),
            "{}",
            rung.codecs
        );
    }
    assert_eq!(facts.ladder, ladder);

    // Every rendition's segments were reported, in order, with the playlist's durations.
    let mut starts = Vec::new();
    for rung in &ladder.rungs {
        let playlist = out.join(&rung.playlist);
        let listed = segments(&playlist);
        let told: Vec<&LiveSegment> = reported.iter().filter(|s| s.rung == rung.name).collect();
        assert_eq!(
            told.len(),
            listed.len(),
            "{}: every segment reported",
            rung.name
        );
        for (n, (segment, (file, duration))) in told.iter().zip(&listed).enumerate() {
            assert_eq!(segment.sequence, n as u64);
            assert_eq!(out.join(&segment.file), *file);
            assert!((segment.duration_seconds - duration).abs() < 1e-6);
        }
        // (d) Nothing lost: the whole publish, within half a second.
        let total: f64 = listed.iter().map(|(_, d)| d).sum();
        assert!((total - SECONDS).abs() < 0.5, "{}: {total} s", rung.name);
        starts.push(segment_starts(&playlist));
    }

    // (b) Every segment starts with a keyframe, at the same instant in both renditions (to
    // the millisecond: the copy keeps FLV's millisecond clock, x264 has exact frame times).
    for (rung, rung_starts) in ladder.rungs.iter().zip(&starts) {
        assert!(
            rung_starts.iter().all(|(_, key)| *key),
            "{}: a segment starts without a keyframe: {rung_starts:?}",
            rung.name
        );
    }
    assert_eq!(starts[0].len(), starts[1].len());
    for ((copied, _), (encoded, _)) in starts[0].iter().zip(&starts[1]) {
        assert!(
            (copied - encoded).abs() < 0.002,
            "segment boundaries differ: {:?} and {:?}",
            starts[0],
            starts[1]
        );
    }

    // (c) The copied rung is the publisher's H.264, packet for packet.
    let copied = packet_hashes(&out.join(&ladder.rungs[0].playlist), SEGMENT_FORM);
    let sent = packet_hashes(&source, SOURCE_FORM);
    assert_eq!(copied.len(), sent.len(), "every picture copied");
    assert!(copied == sent, "the copied rung differs from the source");

    assert!((facts.duration_seconds - SECONDS).abs() < 0.5);
    assert_eq!(facts.renditions.len(), 2);
    assert!(facts.renditions.iter().all(|r| r.bandwidth > 0));

    // (e) The recording is the copied rung and the sound in one MP4, packet for packet the
    // publisher's, as long as the segments: the replay's download, ready at the end.
    assert_eq!(facts.recording.as_deref(), Some(RECORDING_FILE));
    let recording = out.join(RECORDING_FILE);
    assert!(
        packet_hashes(&recording, SOURCE_FORM) == sent,
        "the recording differs from the source"
    );
    assert_eq!(probe_value(&recording, "a:0", "stream=codec_name"), "aac");
    let recorded = source_duration(&recording);
    assert!((recorded - SECONDS).abs() < 0.5, "{recorded} s recorded");

    // (f) The replay takes it as its download: only the playlists and the poster are made.
    let replay = case.path("replay");
    std::fs::create_dir_all(&replay).unwrap();
    std::fs::copy(&recording, replay.join(DOWNLOAD_FILE)).unwrap();
    let mut publishes = vec![publish_facts(&ladder, &reported)];
    let made = live_replay(
        StitchDownload::Ready,
        &replay,
        &mut publishes,
        &live_settings(),
    )
    .unwrap();
    assert!((made.duration_seconds - SECONDS).abs() < 0.5);
    assert!(made.poster.is_some(), "a poster from the recording");
    assert_eq!(made.download.as_ref().unwrap().file, DOWNLOAD_FILE);
    let master = std::fs::read_to_string(replay.join(&made.master)).unwrap();
    assert_eq!(variants(&master).len(), 2, "{master}");
    // A recording that is not as long as its segments is not taken for them.
    let mut longer = vec![publish_facts(&ladder, &reported)];
    let extra = longer[0].rungs[0].segments[0].clone();
    longer[0].rungs[0].segments.push(ChunkSegment {
        file: format!("{}_{:05}.ts", ladder.rungs[0].name, 99_999),
        ..extra
    });
    let refused = live_replay(
        StitchDownload::Ready,
        &replay,
        &mut longer,
        &live_settings(),
    );
    assert!(refused.is_err(), "a recording shorter than its segments");
}

/// The publish's segments as the replay takes them: one chunk, each rung's segments by name.
fn publish_facts(ladder: &LiveLadder, reported: &[LiveSegment]) -> ChunkFacts {
    ChunkFacts {
        index: 0,
        probe: serde_json::Value::Null,
        frame_rate: Some(ladder.frame_rate),
        interlaced: false,
        damaged_packets: 0,
        download_rung: 0,
        rungs: ladder
            .rungs
            .iter()
            .map(|rung| ChunkRung {
                name: rung.name.clone(),
                width: Some(rung.width),
                height: Some(rung.height),
                codecs: rung.codecs.clone(),
                target_duration: 4,
                segments: reported
                    .iter()
                    .filter(|s| s.rung == rung.name)
                    .map(|s| ChunkSegment {
                        file: s.file.rsplit('/').next().unwrap().to_owned(),
                        duration_seconds: s.duration_seconds,
                        bytes: 1000,
                    })
                    .collect(),
            })
            .collect(),
    }
}

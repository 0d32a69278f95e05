#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A long replay runs in bounded memory: a 45-minute input (tiny picture, with sound) is
//! transcoded while a thread samples this process's resident memory. What may grow is only the
//! muxers' indexes (the MP4 sample table and the HLS segment list: about 15 MiB over these 45
//! minutes); holding media would grow by much more — the AAC sound alone is 43 MB, the
//! pictures and the decoded sound far more. Its own test binary, so no other test allocates
//! in the process meanwhile.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use vocweek_media::video::{Control, VideoSettings, transcode};

fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

#[test]
fn memory_stays_flat_over_a_long_replay() {
    let dir = std::env::temp_dir().join(format!("vocweek-video-long-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("long.mkv");
    let status = Command::new("ffmpeg")
        .args([
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=96x64:rate=10",
        ])
        .args(["-f", "lavfi", "-i", "sine=frequency=500:sample_rate=8000"])
        .args([
            "-t",
            "2700",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "aac",
            "-b:a",
            "16k",
        ])
        .arg(&input)
        .status()
        .unwrap();
    assert!(status.success());

    let control = Arc::new(Control::new());
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (control, done) = (control.clone(), done.clone());
        std::thread::spawn(move || {
            let (mut early, mut overall) = (0u64, 0u64);
            while !done.load(Ordering::Relaxed) {
                let rss = resident_kib();
                overall = overall.max(rss);
                if control.progress() < 0.1 {
                    early = early.max(rss);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            (early, overall)
        })
    };
    let settings = VideoSettings {
        preset: "ultrafast".to_owned(),
        ..VideoSettings::default()
    };
    let output = transcode(&input, &dir.join("out"), &settings, &control).unwrap();
    done.store(true, Ordering::Relaxed);
    let (early, overall) = sampler.join().unwrap();
    let _ = std::fs::remove_dir_all(&dir);

    assert!(
        (output.duration_seconds - 2700.0).abs() < 27.0,
        "{}",
        output.duration_seconds
    );
    assert!(early > 0, "sampled during the first tenth");
    assert!(
        overall <= early + 24 * 1024,
        "resident memory grew from {early} KiB (first tenth) to {overall} KiB"
    );
}

//! FFmpeg as a live channel's encoder: a real RTMP client publishing a 720p30 test picture and
//! a tone at real time, as OBS would (H.264 with a keyframe every 2 s, AAC).

use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::process::{Child, Command};
use vocweek::config::Config;

/// The RTMP ingest on, on a free loopback port (`TestApp::rtmp_url` names it): for
/// `AppOptions::configure`.
pub fn ingest_on(config: &mut Config) {
    config.live.rtmp_listen = Some("127.0.0.1:0".to_owned());
}

/// The settings a channel page tells an encoder: H.264, keyframes every 2 s.
pub const X264: &[&str] = &["-c:v", "libx264", "-preset", "ultrafast", "-g", "60"];

/// Publishes to `url` (`rtmp://…/live/<key>`) for `seconds`.
pub fn publish(url: &str, seconds: u32) -> Child {
    publish_with(url, seconds, X264)
}

/// Publishes with other video settings (`-c:v flv1`, a codec the ingest refuses).
pub fn publish_with(url: &str, seconds: u32, video: &[&str]) -> Child {
    Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin"])
        .args(["-re", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30"])
        .args([
            "-re",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000",
        ])
        .args(["-t", &seconds.to_string()])
        .args(video)
        .args(["-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "flv", url])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("ffmpeg is required by the live tests: {e}"))
}

/// How the publisher ended, waiting at most `within`.
pub async fn exit_status(mut ffmpeg: Child, within: Duration) -> ExitStatus {
    match tokio::time::timeout(within, ffmpeg.wait()).await {
        Ok(status) => status.unwrap_or_else(|e| panic!("waiting for ffmpeg: {e}")),
        Err(_) => {
            let _ = ffmpeg.kill().await;
            panic!("ffmpeg did not exit within {within:?}");
        }
    }
}

/// The lines of a playlist that name files.
pub fn uris(playlist: &str) -> Vec<String> {
    playlist
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// The `EXTINF` durations of a media playlist.
pub fn durations(playlist: &str) -> Vec<f64> {
    playlist
        .lines()
        .filter_map(|l| l.strip_prefix("#EXTINF:"))
        .map(|l| {
            l.trim_end_matches(',')
                .parse()
                .unwrap_or_else(|e| panic!("{l}: {e}"))
        })
        .collect()
}

//! FFmpeg as the publisher, `ffprobe` as the judge of what we wrote.

use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::process::{Child, Command};

/// A publish of `PUBLISH_SECONDS` at real time, with FFmpeg's start-up on a busy machine.
pub const PUBLISH_SECONDS: u32 = 6;
pub const PUBLISH_WITHIN: Duration = Duration::from_secs(40);
/// A refused FFmpeg exits as soon as it notices its connection closed.
pub const REFUSED_WITHIN: Duration = Duration::from_secs(20);

pub const X264: &[&str] = &["-c:v", "libx264", "-preset", "ultrafast", "-g", "60"];
pub const SORENSON: &[&str] = &["-c:v", "flv1"];
pub const AAC: &[&str] = &["-c:a", "aac"];
pub const MP3: &[&str] = &["-c:a", "libmp3lame"];

const PICTURE: &str = "testsrc2=size=640x360:rate=30";
const TONE: &str = "sine=frequency=440:sample_rate=48000";

/// FFmpeg publishing a test picture and a sine tone at real time.
pub fn publish(url: &str, video: &[&str], audio: &[&str], seconds: u32) -> Child {
    Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-nostdin"])
        // `-re` is an input option: both sources at real time, as an encoder sends them.
        .args(["-re", "-f", "lavfi", "-i", PICTURE])
        .args(["-re", "-f", "lavfi", "-i", TONE])
        .args(["-t", &seconds.to_string()])
        .args(video)
        .args(audio)
        .args(["-pix_fmt", "yuv420p", "-f", "flv", url])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("ffmpeg is required by these tests")
}

pub async fn exit_status(mut ffmpeg: Child, within: Duration) -> ExitStatus {
    match tokio::time::timeout(within, ffmpeg.wait()).await {
        Ok(status) => status.unwrap(),
        Err(_) => {
            ffmpeg.kill().await.unwrap();
            panic!("ffmpeg did not exit within {within:?}");
        }
    }
}

pub async fn ffprobe(path: &Path, entries: &str) -> String {
    let output = Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", entries, "-of", "csv=p=0"])
        .arg(path)
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "ffprobe {}: {stderr}",
        path.display()
    );
    String::from_utf8(output.stdout).unwrap()
}

pub async fn duration_seconds(path: &Path) -> f64 {
    ffprobe(path, "format=duration")
        .await
        .trim()
        .parse()
        .unwrap()
}

pub async fn codecs(path: &Path) -> Vec<String> {
    let mut codecs: Vec<String> = ffprobe(path, "stream=codec_name")
        .await
        .lines()
        .map(|line| line.trim().to_owned())
        .collect();
    codecs.sort();
    codecs
}

/// The presentation times (seconds, one a line, in file order) of the packets of the first
/// stream of a kind (`v` or `a`).
pub async fn packet_times(path: &Path, stream: &str) -> String {
    let output = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", &format!("{stream}:0")])
        .args(["-show_entries", "packet=pts_time", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "ffprobe {}", path.display());
    String::from_utf8(output.stdout).unwrap()
}

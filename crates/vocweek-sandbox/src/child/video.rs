//! A video in the child: the probe (its declared duration sets the parent's time limit); a long
//! video's chunk plan (its chunks are tasks of their own, see `video_chunks`), or the one-pass
//! transcode with progress lines every second, then the list of files to store.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use vocweek_media::MediaError;
use vocweek_media::video::{
    Control, TranscodeOutput, VideoSettings, plan_chunks, probe_file, transcode,
};

use super::output::Reporter;
use super::photo::written;
use crate::protocol::{Done, Message, OutputFile};

const PROGRESS_EVERY: Duration = Duration::from_secs(1);

pub fn run(
    input: &Path,
    out_dir: &Path,
    settings: &VideoSettings,
    reporter: &Reporter,
) -> Result<Done, MediaError> {
    let probe = probe_file(input, settings)?;
    reporter.send(&Message::Probed {
        declared_duration_seconds: probe.declared_duration_seconds,
    });
    if let Some(plan) = plan_chunks(input, settings, &Control::new())? {
        return Ok(Done::VideoSplit { plan });
    }
    let output = with_progress(reporter, |control| {
        transcode(input, out_dir, settings, control)
    })?;
    let mut files = hls_and_download(&output, output.files());
    for (name, encoded) in [("poster", &output.poster), ("thumb", &output.thumb)] {
        if let Some(encoded) = encoded {
            files.push(written(out_dir, name, encoded)?);
        }
    }
    Ok(Done::Video {
        facts: facts(&output),
        files,
    })
}

/// Runs `work` with a control whose progress is sent to the parent every second meanwhile.
pub(super) fn with_progress<T>(reporter: &Reporter, work: impl FnOnce(&Control) -> T) -> T {
    let control = Arc::new(Control::new());
    let finished = Arc::new(AtomicBool::new(false));
    let progress = {
        let (control, finished, reporter) = (control.clone(), finished.clone(), reporter.clone());
        std::thread::spawn(move || {
            while !finished.load(Ordering::Relaxed) {
                std::thread::sleep(PROGRESS_EVERY);
                reporter.send(&Message::Progress {
                    fraction: control.progress(),
                });
            }
        })
    };
    let result = work(control.as_ref());
    finished.store(true, Ordering::Relaxed);
    let _ = progress.join();
    result
}

/// `files` (of `output`) as files to store: the playlists and segments under `hls/`, the
/// master recorded as the `hls` rendition; the download beside the poster.
pub(super) fn hls_and_download(output: &TranscodeOutput, files: Vec<String>) -> Vec<OutputFile> {
    let top = output.renditions.first();
    files
        .into_iter()
        .map(|file| {
            if let Some(download) = output.download.as_ref().filter(|d| d.file == file) {
                OutputFile {
                    key: file.clone(),
                    file,
                    rendition: Some("download".to_owned()),
                    mime: download.mime.to_owned(),
                    width: download.width,
                    height: download.height,
                }
            } else {
                let master = file == output.master;
                OutputFile {
                    key: format!("hls/{file}"),
                    rendition: master.then(|| "hls".to_owned()),
                    mime: "application/vnd.apple.mpegurl".to_owned(),
                    width: top.and_then(|r| r.width).filter(|_| master),
                    height: top.and_then(|r| r.height).filter(|_| master),
                    file,
                }
            }
        })
        .collect()
}

/// What the asset's `metadata.video` tells editors and partners.
pub(super) fn facts(output: &TranscodeOutput) -> Value {
    let probe = &output.probe;
    let renditions: Vec<Value> = output
        .renditions
        .iter()
        .map(|r| {
            json!({
                "name": r.name,
                "width": r.width,
                "height": r.height,
                "bandwidth": r.bandwidth,
                "average_bandwidth": r.average_bandwidth,
                "segments": r.segments.len(),
            })
        })
        .collect();
    json!({
        "container": probe.container,
        "declared_duration_seconds": probe.declared_duration_seconds,
        "duration_seconds": output.duration_seconds,
        "video": probe.video,
        "audio": probe.audio,
        "frame_rate": output.frame_rate,
        "interlaced": output.interlaced,
        "top_rung_passthrough": output.top_rung_passthrough,
        "damaged_packets": output.damaged_packets,
        "renditions": renditions,
    })
}

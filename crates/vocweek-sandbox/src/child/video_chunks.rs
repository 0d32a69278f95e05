//! A long video's chunks in the child: one chunk's transcode (its segments, and the first
//! chunk's poster and thumbnail), and the stitch that joins them into the playlists and the
//! download; and a live event's replay, the same join over its publishes.

use std::path::Path;

use serde_json::json;
use vocweek_media::MediaError;
use vocweek_media::video::{
    ChunkFacts, ChunkSpec, DOWNLOAD_FILE, StitchDownload, TranscodeOutput, VideoSettings,
    live_replay, probe_file, stitch, transcode_chunk,
};

use super::output::Reporter;
use super::photo::written;
use super::video::{facts, hls_and_download, with_progress};
use crate::protocol::{Done, Message, OutputFile};

/// Transcodes the chunk `chunk` of `input` into `out_dir`.
pub fn run_chunk(
    input: &Path,
    out_dir: &Path,
    settings: &VideoSettings,
    chunk: &ChunkSpec,
    reporter: &Reporter,
) -> Result<Done, MediaError> {
    let probe = probe_file(input, settings)?;
    // The time limit is the chunk's, not the whole video's.
    reporter.send(&Message::Probed {
        declared_duration_seconds: chunk.source_seconds(probe.declared_duration_seconds),
    });
    let output = with_progress(reporter, |control| {
        transcode_chunk(input, out_dir, settings, chunk, control)
    })?;
    let mut files: Vec<OutputFile> = output
        .facts
        .rungs
        .iter()
        .flat_map(|rung| &rung.segments)
        .map(|segment| OutputFile {
            file: segment.file.clone(),
            key: format!("hls/{}", segment.file),
            rendition: None,
            mime: "video/mp2t".to_owned(),
            width: None,
            height: None,
        })
        .collect();
    for (name, encoded) in [("poster", &output.poster), ("thumb", &output.thumb)] {
        if let Some(encoded) = encoded {
            files.push(written(out_dir, name, encoded)?);
        }
    }
    Ok(Done::VideoChunk {
        facts: output.facts,
        files,
    })
}

/// Joins `chunks`; `input` is the download rung's segments of every chunk, in order.
pub fn run_stitch(
    input: &Path,
    out_dir: &Path,
    settings: &VideoSettings,
    chunks: &[ChunkFacts],
    reporter: &Reporter,
) -> Result<Done, MediaError> {
    // The remux's time limit: the video's length, as the download rung's segments say (the
    // parent keeps it finite and bounded).
    report_length(chunks, reporter);
    let output = stitch(StitchDownload::Remux(&[input]), out_dir, chunks, settings)?;
    let stored = stitched_files(&output);
    let mut facts = facts(&output);
    if let Some(fields) = facts.as_object_mut() {
        fields.insert("chunks".to_owned(), json!(chunks.len()));
    }
    Ok(Done::Video {
        facts,
        files: hls_and_download(&output, stored),
    })
}

/// Makes a live event's replay; `input` is the first of `parts`, in the same directory.
pub fn run_replay(
    input: &Path,
    out_dir: &Path,
    settings: &VideoSettings,
    parts: &[String],
    recorded: bool,
    mut publishes: Vec<ChunkFacts>,
    reporter: &Reporter,
) -> Result<Done, MediaError> {
    let dir = input
        .parent()
        .ok_or_else(|| MediaError::Internal("the replay's input has no directory".to_owned()))?;
    // Plain names only: the parent's files, beside the input.
    if parts
        .iter()
        .any(|p| p.is_empty() || p.contains('/') || p.starts_with('.'))
    {
        return Err(MediaError::Internal(
            "a replay part is not a plain file name".to_owned(),
        ));
    }
    // A recording is the download already, where the stitch writes it, and nothing else.
    if recorded && (input != out_dir.join(DOWNLOAD_FILE) || !parts.is_empty()) {
        return Err(MediaError::Internal(
            "a recorded replay's input is its download, alone".to_owned(),
        ));
    }
    let paths: Vec<std::path::PathBuf> = parts.iter().map(|p| dir.join(p)).collect();
    report_length(&publishes, reporter);
    let refs: Vec<&Path> = paths.iter().map(std::path::PathBuf::as_path).collect();
    let download = if recorded {
        StitchDownload::Ready
    } else {
        StitchDownload::Remux(&refs)
    };
    let output = live_replay(download, out_dir, &mut publishes, settings)?;
    let mut files = hls_and_download(&output, stitched_files(&output));
    for (name, encoded) in [("poster", &output.poster), ("thumb", &output.thumb)] {
        if let Some(encoded) = encoded {
            files.push(written(out_dir, name, encoded)?);
        }
    }
    let mut facts = facts(&output);
    if let Some(fields) = facts.as_object_mut() {
        fields.insert("publishes".to_owned(), json!(publishes.len()));
        fields.insert("live_replay".to_owned(), json!(true));
        // Where the download came from: the publish's recording, or the segments remuxed.
        let from = if recorded { "recording" } else { "segments" };
        fields.insert("download_from".to_owned(), json!(from));
    }
    Ok(Done::Video { facts, files })
}

/// Tells the parent the stitch's time limit: the video's length, as the download rung's
/// segments say (the parent keeps it finite and bounded).
fn report_length(chunks: &[ChunkFacts], reporter: &Reporter) {
    let seconds: f64 = chunks
        .iter()
        .filter_map(|c| c.rungs.get(c.download_rung))
        .flat_map(|rung| &rung.segments)
        .map(|s| s.duration_seconds)
        .filter(|d| d.is_finite() && *d > 0.0)
        .sum();
    reporter.send(&Message::Probed {
        declared_duration_seconds: Some(seconds),
    });
}

/// What a stitch wrote to store: the playlists and the download. The segments are the chunks'
/// (or the live event's) files, stored already.
fn stitched_files(output: &TranscodeOutput) -> Vec<String> {
    let mut stored = vec![output.master.clone()];
    stored.extend(output.renditions.iter().map(|r| r.playlist.clone()));
    stored.extend(output.download.iter().map(|d| d.file.clone()));
    stored
}

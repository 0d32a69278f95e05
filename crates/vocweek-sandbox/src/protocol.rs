//! What the parent and a media child say to each other: one task in, then JSON lines out.
//!
//! The parent writes one [`Task`] as a JSON line on the child's stdin. The child answers with
//! [`Message`] lines on stdout; bulky results (renditions, extracted pictures, HLS segments)
//! are files it writes into the task's `out_dir`, named in the final [`Done`]. A photo child
//! stops once after reading the header to ask for admission ([`Message::Admit`]) and goes on
//! when the parent writes [`GO`]. A live channel's child ([`Work::Live`]) reports each HLS
//! segment as it is completed ([`Message::LiveSegment`]), for as long as the publish lasts.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use vocweek_media::article::ArticleLimits;
use vocweek_media::photo::PhotoSettings;
use vocweek_media::video::{
    ChunkFacts, ChunkPlan, ChunkSpec, ClipFacts, LiveFacts, LiveLadder, LiveSegment, VideoSettings,
};

/// The line the parent writes when a photo's decode is admitted.
pub const GO: &str = "go";

/// Every message line starts with this, so that a library printing to stdout by mistake
/// cannot be taken for an answer.
pub const MESSAGE_PREFIX: &str = "vocweek-media ";

/// One piece of media work on one local file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Task {
    pub input: PathBuf,
    /// Where the child writes its files; the only directory it may write to.
    pub out_dir: PathBuf,
    pub work: Work,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Work {
    Photo {
        settings: PhotoSettings,
    },
    Article {
        mime: String,
        limits: ArticleLimits,
    },
    /// A video: transcoded whole ([`Done::Video`]), or, when it is long, only planned
    /// ([`Done::VideoSplit`]) for its chunks to be transcoded as separate tasks.
    Video {
        settings: VideoSettings,
    },
    /// One chunk of a planned video; the input is the original.
    VideoChunk {
        settings: VideoSettings,
        chunk: ChunkSpec,
    },
    /// Joins a planned video's chunks; the input is the download rung's segments of every
    /// chunk, in order, one file ([`Done::Video`]).
    VideoStitch {
        settings: VideoSettings,
        chunks: Vec<ChunkFacts>,
    },
    /// A live event's replay from its stored segments ([`Done::Video`]): `input` is the first
    /// publish's top-rung segments joined in one file, and `parts` names every publish's such
    /// file (the first included), in order, in the same directory; `publishes` are their
    /// segments' facts, one chunk per publish. When `recorded`, the event is one publish whose
    /// recording the parent put in `out_dir` as the download: `input` is that file, and
    /// `parts` is empty.
    LiveReplay {
        settings: VideoSettings,
        parts: Vec<String>,
        #[serde(default)]
        recorded: bool,
        publishes: Vec<ChunkFacts>,
    },
    /// A clip of a video ([`Done::Clip`]): the pictures shown from `from_seconds` to
    /// `to_seconds` of `input` (the item's original), cut into one MP4.
    Clip {
        settings: VideoSettings,
        from_seconds: f64,
        to_seconds: f64,
    },
    /// A live channel's publish, transcoded into HLS renditions as it arrives
    /// ([`Message::LiveLadder`], [`Message::LiveSegment`], then [`Done::Live`]). `input` is
    /// not read: the stream comes on the FIFO `fifo`, a file name in `out_dir`, which the
    /// parent made with mkfifo before the task and writes the publish's FLV into, and closes
    /// when the publish ends. The renditions are written in subdirectories of `out_dir`.
    Live {
        settings: VideoSettings,
        fifo: String,
    },
}

impl Work {
    pub fn name(&self) -> &'static str {
        match self {
            Work::Photo { .. } => "photo",
            Work::Article { .. } => "article",
            Work::Video { .. }
            | Work::VideoChunk { .. }
            | Work::VideoStitch { .. }
            | Work::LiveReplay { .. }
            | Work::Clip { .. } => "video",
            Work::Live { .. } => "live",
        }
    }
}

/// A line from the child.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "message", rename_all = "snake_case")]
pub enum Message {
    /// A photo's header was read: its decode will hold about `bytes`; wait for [`GO`].
    Admit { bytes: u64 },
    /// A video's header was read; the parent sets the transcode's time limit from it. For a
    /// chunk it is the part of the source the chunk decodes; for a stitch, the video's length.
    Probed {
        declared_duration_seconds: Option<f64>,
    },
    /// Fraction of a transcode done, 0.0–1.0.
    Progress { fraction: f64 },
    /// A live transcode's renditions, sent once before its first segment: what a master
    /// playlist needs.
    LiveLadder { ladder: LiveLadder },
    /// A live rendition's segment is complete (its `file`, in `out_dir`, will not change):
    /// the parent stores it and lists it. Each rendition's come in order, numbered from 0.
    /// On the line: `rung`, `file`, `sequence`, `duration_seconds` beside `message`.
    LiveSegment(LiveSegment),
    /// The work is done; its files are in `out_dir`.
    Done {
        result: Done,
        /// The child's peak resident memory, for the logs and the benchmarks.
        peak_rss_bytes: u64,
    },
    /// The file is not what it should be (`code` is the stable media code), or — when
    /// `transient` — something around the file failed (it could not be read).
    Refused {
        code: String,
        reason: String,
        transient: bool,
    },
}

impl Message {
    pub fn to_line(&self) -> String {
        // Serialising these plain structs cannot fail; an empty object would be refused
        // by the parent as a protocol error rather than taken for a result.
        let json = serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned());
        format!("{MESSAGE_PREFIX}{json}\n")
    }

    /// `None` for a line that is not a message (library chatter on stdout).
    pub fn from_line(line: &str) -> Option<Result<Message, serde_json::Error>> {
        line.strip_prefix(MESSAGE_PREFIX).map(serde_json::from_str)
    }
}

/// What a finished task produced.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Done {
    Photo {
        facts: Value,
        captured_at: Option<String>,
        perceptual_hash: u64,
        files: Vec<OutputFile>,
    },
    Article {
        facts: Value,
        first_heading: Option<String>,
        files: Vec<OutputFile>,
        /// Pictures found in the document, in order, each a file in `out_dir`.
        images: Vec<ImageFile>,
    },
    /// A whole transcode, or a stitch: the master playlist (rendition `hls`), the rung
    /// playlists and (whole only) their segments, the download; a whole transcode's poster
    /// and thumbnail.
    Video {
        facts: Value,
        files: Vec<OutputFile>,
    },
    /// The answer to [`Work::Video`] for a long video: nothing transcoded, these chunks to do.
    VideoSplit { plan: ChunkPlan },
    /// One chunk: its segments (keys `hls/<file>`), and the first chunk's poster and thumbnail.
    VideoChunk {
        facts: ChunkFacts,
        files: Vec<OutputFile>,
    },
    /// A clip: the MP4 `file` in `out_dir`, and what it holds.
    Clip { facts: ClipFacts, file: String },
    /// A live transcode whose stream ended: every rendition closed and measured. Its segments
    /// were each reported as they came ([`Message::LiveSegment`]).
    Live { facts: LiveFacts },
}

/// A file in `out_dir` to store under the asset's renditions.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutputFile {
    /// Its name in `out_dir`.
    pub file: String,
    /// Its place under `renditions/<asset>/` (`thumb.webp`, `hls/360p_00001.ts`).
    pub key: String,
    /// Recorded as this named rendition (`thumb`, `hls`…); `None` for the files a rendition
    /// refers to (playlists' segments).
    pub rendition: Option<String>,
    pub mime: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// A picture taken out of a document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImageFile {
    /// Its name inside the document (`media/image1.png`).
    pub name: String,
    /// Its file in `out_dir`.
    pub file: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_survives_its_line_and_chatter_is_not_a_message() {
        let line = Message::Admit { bytes: 42 }.to_line();
        assert!(line.ends_with('\n'));
        let back = Message::from_line(line.trim_end()).unwrap().unwrap();
        assert!(matches!(back, Message::Admit { bytes: 42 }));
        assert!(Message::from_line("x264 [info]: profile High").is_none());
        assert!(
            Message::from_line("vocweek-media {not json")
                .unwrap()
                .is_err()
        );
    }

    #[test]
    fn chunk_work_is_video_work_and_a_plan_survives_its_line() {
        let chunk = ChunkSpec {
            index: 1,
            count: 2,
            frame_rate_num: 30000,
            frame_rate_den: 1001,
            start_frame: 3600,
            end_frame: None,
            audio_start: 5631 * 1024,
            audio_end: None,
            first_segment: 20,
        };
        let work = Work::VideoChunk {
            settings: VideoSettings::default(),
            chunk: chunk.clone(),
        };
        assert_eq!(work.name(), "video");
        let back: Work = serde_json::from_str(&serde_json::to_string(&work).unwrap()).unwrap();
        assert!(matches!(back, Work::VideoChunk { chunk: c, .. } if c == chunk));
        let line = Message::Done {
            result: Done::VideoSplit {
                plan: ChunkPlan {
                    duration_seconds: 1500.0,
                    chunks: vec![chunk.clone()],
                },
            },
            peak_rss_bytes: 1,
        }
        .to_line();
        let back = Message::from_line(line.trim_end()).unwrap().unwrap();
        assert!(matches!(
            back,
            Message::Done { result: Done::VideoSplit { plan }, .. } if plan.chunks == [chunk]
        ));
    }

    #[test]
    fn live_work_and_its_segments_survive_their_lines() {
        let work = Work::Live {
            settings: VideoSettings::default(),
            fifo: "ingest.flv".to_owned(),
        };
        assert_eq!(work.name(), "live");
        let back: Work = serde_json::from_str(&serde_json::to_string(&work).unwrap()).unwrap();
        assert!(matches!(back, Work::Live { fifo, .. } if fifo == "ingest.flv"));
        let segment = LiveSegment {
            rung: "720p".to_owned(),
            file: "720p/720p_00003.ts".to_owned(),
            sequence: 3,
            duration_seconds: 2.0,
        };
        let line = Message::LiveSegment(segment.clone()).to_line();
        assert!(
            line.contains(r#""message":"live_segment","rung":"720p""#),
            "{line}"
        );
        let back = Message::from_line(line.trim_end()).unwrap().unwrap();
        assert!(matches!(back, Message::LiveSegment(s) if s == segment));
    }
}

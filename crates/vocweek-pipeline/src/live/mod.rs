//! Live channels on the node that ingests them: the `ChannelDirectory` and `SinkFactory` the
//! RTMP ingest (`vocweek-live`) is given. A taken publish starts (or, within the grace
//! period, resumes) its channel's event; its FLV goes into a FIFO that a media child
//! (`Work::Live`) transcodes into the live ladder; every segment the child reports is checked,
//! stored under the event's id and listed in `live_segments`, from which every node's
//! playlists are built (`vocweek-app`'s `channels`).
//!
//! One file per job (the segment names are `crate::segment_names`, shared with the replay job): `stage` (the shared state, the
//! directory), `publish` (one publish's FIFO, child and sink), `segments` (a reported segment
//! checked and stored), `sweep` (events whose publisher did not come back in time are ended).

mod publish;
mod segments;
mod stage;
mod sweep;

pub use crate::segment_names::{is_rung_name, parse_segment_file, segment_file, segment_key};
pub use stage::{LiveStage, LiveStageParts};

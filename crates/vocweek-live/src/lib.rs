//! The RTMP ingest of live channels.
//!
//! An editor creates a live channel with a secret stream key; an encoder (OBS, FFmpeg, a
//! hardware encoder) publishes to `rtmp://host:port/live/<stream key>`. The ingest takes a
//! publisher whose key the `ChannelDirectory` admits and whose media is H.264 + AAC, and hands
//! the media on as an FLV byte stream (header, then tags) to a `PublishSink` — the live HLS
//! stage reads it through libavformat's flv demuxer. It refuses, with a stable code the channel
//! page shows (`Refusal::code`): an unknown key, a second publisher on a live channel, a node
//! over `max_channels`, another codec, another RTMP application, and bytes that are not RTMP.
//!
//! Every connection runs in a task of its own under a watcher (`connection.rs`) that enforces
//! the timeouts and reports the end of every publish exactly once
//! (`ChannelDirectory::publishing_ended`), whether the session ended cleanly, vanished, was
//! refused, panicked or was cut off: one publisher's failure never reaches another's.
//!
//! The RTMP protocol itself (handshake, chunks, commands) is scuffle-rtmp's. This crate knows
//! nothing of the database, HTTP or HLS.

mod codec_names;
pub mod codecs;
mod connection;
mod context;
mod directory;
pub mod flv;
mod handler;
mod pre_publish_cap;
mod progress;
mod publication;
mod refusal;
mod registry;
mod rtmp_timestamps;
mod script_data;
mod server;
mod settings;
mod sink;
mod sink_buffer;

pub use directory::{Admitted, ChannelDirectory, Ending};
pub use refusal::Refusal;
pub use registry::{LivePublisher, LiveRegistry, LiveSlot};
pub use server::RtmpIngest;
pub use settings::IngestSettings;
pub use sink::{FileSink, PublishSink, SinkFactory};

//! The ingest's limits on one node.

use std::time::Duration;

/// How much the ingest takes on, and how long it waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestSettings {
    /// The RTMP application publishers must name: `live` in `rtmp://host:port/live/<key>`.
    pub app_name: String,
    /// Live channels this node carries at once; the next is refused `too-many-channels`.
    pub max_channels: usize,
    /// Connections not publishing yet (in the handshake, connecting, waiting for the
    /// directory). A connection over this many is closed at once: this is what keeps a flood
    /// of idle sockets from starving the publishers.
    pub max_pending_connections: usize,
    /// From accepting the connection to a publish taken (handshake, connect, createStream,
    /// publish, the directory's answer). A client that sends nothing is closed after this.
    pub handshake_timeout: Duration,
    /// A publish that sends no audio, video or metadata for this long is cut off (and ends
    /// `Vanished`). scuffle-rtmp itself also ends a session whose socket stays silent for
    /// 2.5 s; this catches a publisher that keeps the socket busy with anything but media.
    pub idle_timeout: Duration,
    /// After `deleteStream` the publish is over; its connection is closed if the publisher has
    /// not closed it within this time. The channel is free for the next publish once closed.
    pub unpublish_linger: Duration,
    /// Bytes of a publish held in memory while its sink is behind (`sink_buffer.rs`): the
    /// session keeps reading its socket meanwhile. 32 MiB is about 50 s of a 5 Mbit/s stream.
    pub sink_buffer_bytes: usize,
}

impl Default for IngestSettings {
    fn default() -> Self {
        Self {
            app_name: "live".to_owned(),
            max_channels: 8,
            max_pending_connections: 64,
            handshake_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(10),
            unpublish_linger: Duration::from_secs(2),
            sink_buffer_bytes: 32 * 1024 * 1024,
        }
    }
}

//! What the ingest asks of the rest of the service: whose key this is, and what became of a
//! publish. The ingest knows nothing of the database; the application implements this trait.

use crate::Refusal;

/// A stream key's channel, as the directory admitted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admitted {
    /// The channel's id: what the registry, the sink and every report name.
    pub channel_id: String,
    /// The channel's title, for logs.
    pub title: String,
}

/// How a publish that had started came to its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The publisher said it was done (`deleteStream`).
    Clean,
    /// The publisher went away without saying so: its connection dropped, or it sent no media
    /// for the idle timeout. It may come back; the grace period for that lives with the caller.
    Vanished,
    /// The ingest cut it off (an unsupported codec mid-stream, a protocol error, a failed
    /// sink); `ChannelDirectory::refused` was told why, just before.
    Refused,
    /// The ingest is shutting down.
    Shutdown,
}

impl Ending {
    /// A stable code, for logs and for the directory's records.
    pub fn code(self) -> &'static str {
        match self {
            Self::Clean => "clean",
            Self::Vanished => "vanished",
            Self::Refused => "refused",
            Self::Shutdown => "shutdown",
        }
    }
}

/// The channels known to the service.
///
/// For one connection the calls come in order: `admit`, then (if the ingest took the publish)
/// `publishing_started`, then exactly one `publishing_ended`. `refused` may come instead of
/// `publishing_started`, or just before a `publishing_ended(_, Ending::Refused)`.
/// A session cut off (shutdown, a deadline) while `publishing_started` was being awaited still
/// gets its `publishing_ended`: implementations must take an end whose start they did not
/// record. Each call is given a bounded time (`REPORT_TIMEOUT` in `connection.rs`); one that
/// does not answer in it is abandoned, and the channel is freed all the same.
#[async_trait::async_trait]
pub trait ChannelDirectory: Send + Sync + 'static {
    /// The channel a stream key belongs to, or why it may not publish (`Refusal::UnknownKey`
    /// for a key no channel has; `Refusal::Unavailable` when the directory cannot be asked).
    /// The key is a secret: implementations must not log it.
    async fn admit(&self, stream_key: &str) -> Result<Admitted, Refusal>;

    /// The publish was taken: the channel is live on this node.
    async fn publishing_started(&self, channel: &Admitted) {
        let _ = channel;
    }

    /// A publish that had started is over.
    async fn publishing_ended(&self, channel_id: &str, how: Ending);

    /// A publisher was refused; `channel_id` is known once its key was admitted. The channel
    /// page shows the refusal's code.
    async fn refused(&self, channel_id: Option<&str>, refusal: &Refusal);
}

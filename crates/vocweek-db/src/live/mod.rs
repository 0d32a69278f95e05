//! Live channels (网上观赛通道): the channels editors open, their events and the segments each
//! event's renditions made, and the item each ended event's recording becomes. The node that ingests a channel writes its event and segment rows;
//! every node builds the playlists from them, so any API node serves a channel the shared
//! store holds.
//!
//! One file per table: `channels` (keys are kept as their BLAKE3 only), `events` (a publish,
//! or several joined by reconnects within the grace period), `segments`.

mod channels;
mod events;
mod news;
mod records;
mod replay;
mod segments;

pub use events::EventStart;
pub use records::{LiveChannel, LiveEvent, LiveSegment, NewLiveChannel};
pub use replay::{LIVE_REPLAY, ReplayRecorded, ReplaySource};

//! Live channels (网上观赛通道, issue 21): an editor, an admin or the organising unit opens a
//! channel for a competition event and gets its stream key once; an encoder publishes to it
//! (the RTMP ingest and the live transcode run on the node that ingests:
//! `vocweek_pipeline::live`); everyone who may see the channel watches its live ladder, built
//! here from the stored segments, on any node. Who may (staff every channel, a unit its own, a
//! partner watches), what a channel is tagged with and what a playlist lists are written here
//! once, for the API and the pages alike.
//!
//! One file per job: how it fails (`error`), opening a channel and its key (`create`),
//! reading channels (`view`), the playlists (`playlists`, from `playlist_text`).

mod create;
mod error;
mod playlist_text;
mod playlists;
mod view;

use vocweek_db::Db;
use vocweek_db::live::LiveChannel;
use vocweek_pipeline::Ingestor;

use crate::Actor;

pub use create::{ChannelInput, CreatedChannel};
pub use error::ChannelError;
pub use playlists::{LiveFile, PlaylistWindows};
pub use view::{ChannelState, ChannelView};

/// The subcategory every live channel is tagged with, under its category.
pub const LIVE_CATEGORY: &str = "online_showcase";
pub const LIVE_SUBCATEGORY: &str = "competition_livestream";

/// Who watches a channel's live HLS: someone signed in, as [`Channels::may_see`] allows, or
/// whoever holds a signed link the feed handed to a partner for that channel (the caller has
/// checked its signature, which names the channel).
#[derive(Debug, Clone, Copy)]
pub enum Viewer<'a> {
    Actor(&'a Actor),
    SignedLink,
}

/// The channels service.
#[derive(Clone)]
pub struct Channels {
    db: Db,
    ingestor: Ingestor,
    windows: PlaylistWindows,
}

impl std::fmt::Debug for Channels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Channels").finish_non_exhaustive()
    }
}

impl Channels {
    pub fn new(db: Db, ingestor: Ingestor, windows: PlaylistWindows) -> Self {
        Channels {
            db,
            ingestor,
            windows,
        }
    }

    /// Whether `actor` may see `channel` (and watch it): staff and partners every channel, a
    /// unit its own.
    pub fn may_see(actor: &Actor, channel: &LiveChannel) -> bool {
        match actor {
            Actor::Staff { .. } | Actor::Partner(_) => true,
            Actor::Unit(unit) => *unit == channel.unit_id,
        }
    }

    /// Whether `actor` may change `channel` (its key): staff, and the unit whose event it is.
    pub fn may_manage(actor: &Actor, channel: &LiveChannel) -> bool {
        match actor {
            Actor::Staff { .. } => true,
            Actor::Unit(unit) => *unit == channel.unit_id,
            Actor::Partner(_) => false,
        }
    }

    /// The channel if `actor` may see it; otherwise not found, as if it did not exist.
    async fn visible(&self, actor: &Actor, id: &str) -> Result<LiveChannel, ChannelError> {
        let channel = self
            .db
            .live_channel(id)
            .await
            .map_err(ChannelError::from_lookup)?
            .ok_or(ChannelError::NotFound)?;
        if Self::may_see(actor, &channel) {
            Ok(channel)
        } else {
            Err(ChannelError::NotFound)
        }
    }

    /// The channel if `viewer` may watch it.
    async fn watchable(&self, viewer: Viewer<'_>, id: &str) -> Result<LiveChannel, ChannelError> {
        match viewer {
            Viewer::Actor(actor) => self.visible(actor, id).await,
            Viewer::SignedLink => self
                .db
                .live_channel(id)
                .await
                .map_err(ChannelError::from_lookup)?
                .ok_or(ChannelError::NotFound),
        }
    }
}

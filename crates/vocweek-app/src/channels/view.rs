//! Reading channels: the ones an actor may see, each with its latest event and what that
//! makes of it (scheduled, live, interrupted, ended).

use vocweek_db::live::{LiveChannel, LiveEvent};

use super::{ChannelError, Channels};
use crate::Actor;

/// Where a channel stands, from its latest event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelState {
    /// No publish yet.
    Scheduled,
    /// A publisher is live.
    Live,
    /// The publisher went away; it may come back within the grace period.
    Interrupted,
    /// The latest event ended; a new publish starts another.
    Ended,
}

impl ChannelState {
    /// The stable code the API answers with.
    pub fn code(self) -> &'static str {
        match self {
            ChannelState::Scheduled => "scheduled",
            ChannelState::Live => "live",
            ChannelState::Interrupted => "interrupted",
            ChannelState::Ended => "ended",
        }
    }

    /// Where a channel whose latest event is `event` stands.
    pub fn of(event: Option<&LiveEvent>) -> ChannelState {
        match event {
            None => ChannelState::Scheduled,
            Some(event) if event.ended_at.is_some() => ChannelState::Ended,
            Some(event) if event.interrupted_at.is_some() => ChannelState::Interrupted,
            Some(_) => ChannelState::Live,
        }
    }
}

/// A channel as its page and the API show it.
#[derive(Debug, Clone)]
pub struct ChannelView {
    pub channel: LiveChannel,
    pub event: Option<LiveEvent>,
    pub state: ChannelState,
}

impl Channels {
    /// The active campaign's channels `actor` may see, soonest first.
    pub async fn list(&self, actor: &Actor) -> Result<Vec<ChannelView>, ChannelError> {
        let campaign = self.ingestor.campaign().campaign.id;
        let unit = match actor {
            Actor::Unit(unit) => Some(*unit),
            Actor::Staff { .. } | Actor::Partner(_) => None,
        };
        let mut views = Vec::new();
        for channel in self.db.live_channels(campaign, unit).await? {
            views.push(self.with_event(channel).await?);
        }
        Ok(views)
    }

    /// One channel, if `actor` may see it.
    pub async fn view(&self, actor: &Actor, id: &str) -> Result<ChannelView, ChannelError> {
        let channel = self.visible(actor, id).await?;
        self.with_event(channel).await
    }

    async fn with_event(&self, channel: LiveChannel) -> Result<ChannelView, ChannelError> {
        let event = self.db.latest_live_event(&channel.id).await?;
        Ok(ChannelView {
            state: ChannelState::of(event.as_ref()),
            channel,
            event,
        })
    }
}

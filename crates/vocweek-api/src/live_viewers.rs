//! Who is watching a channel on this node: a viewer is a caller (its account or key) from one
//! address that fetched one of the channel's media playlists in the last few seconds (a
//! player refreshes its playlist every segment, 2 s). Counted per node: behind a load
//! balancer each node counts the viewers it serves.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use vocweek_db::tokens::Principal;

/// A viewer not seen for this long has stopped watching.
const VIEWER_GONE_AFTER: Duration = Duration::from_secs(12);
/// Viewers remembered per channel at most: past this the oldest are forgotten first, so a
/// flood of addresses costs a bounded amount of memory.
const MAX_VIEWERS_PER_CHANNEL: usize = 100_000;

/// How a viewer is told apart: the account or key (`None`: a signed link, which names no one)
/// and the address it watches from.
pub fn viewer_name(principal: Option<&Principal>, address: Option<IpAddr>) -> String {
    let who = match principal {
        Some(Principal::Unit { id, member, .. }) => match member {
            Some(person) => format!("unit:{id}:{}", person.id),
            None => format!("unit:{id}"),
        },
        Some(Principal::User { id, .. }) => format!("user:{id}"),
        Some(Principal::Partner { id, .. }) => format!("partner:{id}"),
        None => "link".to_owned(),
    };
    let address = address.map(|a| a.to_string()).unwrap_or_default();
    format!("{who}@{address}")
}

#[derive(Debug, Default)]
pub struct LiveViewers {
    channels: Mutex<HashMap<String, HashMap<String, Instant>>>,
}

impl LiveViewers {
    /// `viewer` fetched a playlist of `channel` now.
    pub fn seen(&self, channel: &str, viewer: String) {
        let Ok(mut channels) = self.channels.lock() else {
            return;
        };
        let now = Instant::now();
        let viewers = channels.entry(channel.to_owned()).or_default();
        if viewers.len() >= MAX_VIEWERS_PER_CHANNEL {
            viewers.retain(|_, at| now.duration_since(*at) < VIEWER_GONE_AFTER);
        }
        if viewers.len() < MAX_VIEWERS_PER_CHANNEL {
            viewers.insert(viewer, now);
        }
    }

    /// Viewers of `channel` seen recently.
    pub fn count(&self, channel: &str) -> usize {
        let Ok(mut channels) = self.channels.lock() else {
            return 0;
        };
        let now = Instant::now();
        let Some(viewers) = channels.get_mut(channel) else {
            return 0;
        };
        viewers.retain(|_, at| now.duration_since(*at) < VIEWER_GONE_AFTER);
        viewers.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_viewer_counts_once_and_per_channel() {
        let viewers = LiveViewers::default();
        viewers.seen("a", "user:1@127.0.0.1".to_owned());
        viewers.seen("a", "user:1@127.0.0.1".to_owned());
        viewers.seen("a", "unit:4@10.0.0.2".to_owned());
        viewers.seen("b", "user:1@127.0.0.1".to_owned());
        assert_eq!(
            (viewers.count("a"), viewers.count("b"), viewers.count("c")),
            (2, 1, 0)
        );
    }
}

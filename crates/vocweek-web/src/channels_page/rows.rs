//! A channel as the pages show it: names rather than ids and slugs (the unit, the city, the
//! themes in Chinese), the planned start in Beijing time, and its state as a badge.

use std::collections::HashMap;

use vocweek_app::{ChannelState, ChannelView};
use vocweek_db::accounts::Unit;
use vocweek_domain::Vocabulary;

use crate::layout::beijing;

/// A channel's state: the API's code (for the page's script), its word and its badge colour
/// (`site.css`).
#[derive(Clone, Copy)]
pub(super) struct StateBadge {
    pub code: &'static str,
    pub label: &'static str,
    pub class: &'static str,
}

impl StateBadge {
    pub(super) fn of(state: ChannelState) -> StateBadge {
        let (label, class) = match state {
            ChannelState::Scheduled => ("未开始", "draft"),
            ChannelState::Live => ("直播中", "live"),
            ChannelState::Interrupted => ("已中断", "warning"),
            ChannelState::Ended => ("已结束", "ended"),
        };
        StateBadge {
            code: state.code(),
            label,
            class,
        }
    }
}

/// One channel in the list, and the head of its own pages.
pub(super) struct ChannelRow {
    pub id: String,
    pub title: String,
    pub unit: String,
    pub city: String,
    /// The themes' Chinese names, joined; empty without any.
    pub themes: String,
    /// The planned start, Beijing time.
    pub starts: String,
    pub state: StateBadge,
    /// Watching on this node now.
    pub viewers: usize,
}

/// The names a row needs: the units' and the active week's vocabulary's.
pub(super) struct Names<'a> {
    units: HashMap<i32, &'a str>,
    vocabulary: &'a Vocabulary,
}

impl<'a> Names<'a> {
    pub(super) fn new(units: &'a [Unit], vocabulary: &'a Vocabulary) -> Names<'a> {
        Names {
            units: units.iter().map(|u| (u.id, u.name.as_str())).collect(),
            vocabulary,
        }
    }

    pub(super) fn row(&self, view: &ChannelView, viewers: usize) -> ChannelRow {
        let channel = &view.channel;
        let themes: Vec<&str> = channel
            .themes
            .iter()
            .map(|slug| {
                self.vocabulary
                    .theme(slug)
                    .map_or(slug.as_str(), |t| t.zh.as_str())
            })
            .collect();
        ChannelRow {
            id: channel.id.clone(),
            title: channel.title.clone(),
            unit: self.units.get(&channel.unit_id).map_or_else(
                || format!("单位 {}", channel.unit_id),
                |name| (*name).to_owned(),
            ),
            city: self
                .vocabulary
                .city(&channel.city)
                .map_or_else(|| channel.city.clone(), |t| t.zh.clone()),
            themes: themes.join("、"),
            starts: beijing(channel.scheduled_start),
            state: StateBadge::of(view.state),
            viewers,
        }
    }
}

//! `[live]`: live channels, an encoder (OBS…) publishing over RTMP to this node. Off in the
//! embedded default: without `rtmp_listen` the node takes no live channels.

use std::net::SocketAddr;
use std::time::Duration;

use serde::Deserialize;

use super::{SettingError, refuse};

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LiveConfig {
    /// The address the RTMP ingest listens on (e.g. `0.0.0.0:1935`). Unset or blank: this node
    /// takes no live channels (the embedded default: a live channel takes a port of its own and
    /// the cores of a live transcode, so a node carries them only when told to).
    pub rtmp_listen: Option<String>,
    /// The RTMP URL editors give OBS (e.g. `rtmp://live.example.org:1935/live`), when the
    /// ingest is reached at an address other than this node's own (a load balancer, a DNS
    /// name). Unset or blank: the page derives it from the request's host and the port of
    /// `rtmp_listen`.
    pub rtmp_url: Option<String>,
    /// Live channels this node carries at once, 1 to 64: each runs a live transcode (one
    /// decode and two x264 encodes, 720p and 360p, when the 1080p top rung is passed through),
    /// so this is what keeps the cores from being oversubscribed.
    pub max_channels: usize,
    /// An encoder that reconnects within this many seconds (a dropped connection, a restarted
    /// OBS) continues the same event instead of starting a new one; at most 600.
    pub reconnect_grace_seconds: u64,
    /// Segments in the sliding live playlist, 3 to 30: fewer keeps viewers closer to live,
    /// more rides out a slow network.
    pub live_window_segments: u32,
    /// How far back the DVR playlist reaches, 60 seconds to 24 hours: what a viewer may seek
    /// back to while the event is live.
    pub dvr_window_seconds: u64,
}

impl Default for LiveConfig {
    fn default() -> Self {
        LiveConfig {
            rtmp_listen: None,
            rtmp_url: None,
            max_channels: 4,
            reconnect_grace_seconds: 60,
            live_window_segments: 6,
            dvr_window_seconds: 7200,
        }
    }
}

/// What live channels run with: [`LiveConfig`] checked, blank strings gone, seconds as
/// durations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSettings {
    /// Where the RTMP ingest listens; `None`: no live channels on this node.
    pub rtmp_listen: Option<SocketAddr>,
    /// The RTMP URL shown to editors; `None`: derived from the request's host and the port of
    /// `rtmp_listen`.
    pub rtmp_url: Option<String>,
    pub max_channels: usize,
    pub reconnect_grace: Duration,
    pub live_window_segments: u32,
    pub dvr_window: Duration,
}

impl LiveConfig {
    /// What live channels run with, every refusal naming its key. Blank strings count as
    /// unset.
    pub fn settings(&self) -> Result<LiveSettings, SettingError> {
        let rtmp_listen = match given(self.rtmp_listen.as_deref()) {
            None => None,
            Some(address) => match address.parse::<SocketAddr>() {
                Ok(address) => Some(address),
                Err(_) => {
                    return refuse(format!(
                        "live.rtmp_listen must be an IP address and port, e.g. 0.0.0.0:1935 \
                         (got {address:?})"
                    ));
                }
            },
        };
        let rtmp_url = given(self.rtmp_url.as_deref());
        if let Some(url) = rtmp_url
            && !(url.starts_with("rtmp://") || url.starts_with("rtmps://"))
        {
            return refuse(format!(
                "live.rtmp_url must start with rtmp:// or rtmps:// (got {url:?})"
            ));
        }
        if !(1..=64).contains(&self.max_channels) {
            return refuse("live.max_channels must be between 1 and 64");
        }
        if self.reconnect_grace_seconds > 600 {
            return refuse("live.reconnect_grace_seconds must be at most 600");
        }
        if !(3..=30).contains(&self.live_window_segments) {
            return refuse("live.live_window_segments must be between 3 and 30");
        }
        if !(60..=24 * 3600).contains(&self.dvr_window_seconds) {
            return refuse("live.dvr_window_seconds must be between 60 and 86400 (24 hours)");
        }
        Ok(LiveSettings {
            rtmp_listen,
            rtmp_url: rtmp_url.map(str::to_owned),
            max_channels: self.max_channels,
            reconnect_grace: Duration::from_secs(self.reconnect_grace_seconds),
            live_window_segments: self.live_window_segments,
            dvr_window: Duration::from_secs(self.dvr_window_seconds),
        })
    }
}

/// `value` trimmed, unless it is blank: blank counts as unset.
fn given(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_by_default() {
        let settings = LiveConfig::default().settings().unwrap();
        assert_eq!(
            settings,
            LiveSettings {
                rtmp_listen: None,
                rtmp_url: None,
                max_channels: 4,
                reconnect_grace: Duration::from_secs(60),
                live_window_segments: 6,
                dvr_window: Duration::from_secs(7200),
            }
        );
    }

    #[test]
    fn blank_strings_are_unset_and_given_ones_are_kept() {
        let blank = LiveConfig {
            rtmp_listen: Some("  ".to_owned()),
            rtmp_url: Some(String::new()),
            ..LiveConfig::default()
        };
        let settings = blank.settings().unwrap();
        assert_eq!((settings.rtmp_listen, settings.rtmp_url), (None, None));
        let on = LiveConfig {
            rtmp_listen: Some(" 0.0.0.0:1935 ".to_owned()),
            rtmp_url: Some("rtmp://live.example.org:1935/live".to_owned()),
            ..LiveConfig::default()
        };
        let settings = on.settings().unwrap();
        assert_eq!(
            settings.rtmp_listen,
            Some(SocketAddr::from(([0, 0, 0, 0], 1935)))
        );
        assert_eq!(
            settings.rtmp_url.as_deref(),
            Some("rtmp://live.example.org:1935/live")
        );
        let ipv6 = LiveConfig {
            rtmp_listen: Some("[::]:1935".to_owned()),
            rtmp_url: Some("rtmps://live.example.org/live".to_owned()),
            ..LiveConfig::default()
        };
        assert!(ipv6.settings().is_ok());
    }

    #[test]
    fn the_bounds_themselves_are_accepted() {
        let lowest = LiveConfig {
            max_channels: 1,
            reconnect_grace_seconds: 0,
            live_window_segments: 3,
            dvr_window_seconds: 60,
            ..LiveConfig::default()
        };
        assert!(lowest.settings().is_ok());
        let highest = LiveConfig {
            max_channels: 64,
            reconnect_grace_seconds: 600,
            live_window_segments: 30,
            dvr_window_seconds: 24 * 3600,
            ..LiveConfig::default()
        };
        assert!(highest.settings().is_ok());
    }

    #[test]
    fn each_refusal_names_its_key() {
        let refusals = [
            (
                LiveConfig {
                    rtmp_listen: Some("live.example.org:1935".to_owned()),
                    ..LiveConfig::default()
                },
                "live.rtmp_listen",
            ),
            (
                LiveConfig {
                    rtmp_listen: Some("0.0.0.0".to_owned()),
                    ..LiveConfig::default()
                },
                "live.rtmp_listen",
            ),
            (
                LiveConfig {
                    rtmp_url: Some("http://live.example.org/live".to_owned()),
                    ..LiveConfig::default()
                },
                "live.rtmp_url",
            ),
            (
                LiveConfig {
                    max_channels: 0,
                    ..LiveConfig::default()
                },
                "live.max_channels",
            ),
            (
                LiveConfig {
                    max_channels: 65,
                    ..LiveConfig::default()
                },
                "live.max_channels",
            ),
            (
                LiveConfig {
                    reconnect_grace_seconds: 601,
                    ..LiveConfig::default()
                },
                "live.reconnect_grace_seconds",
            ),
            (
                LiveConfig {
                    live_window_segments: 2,
                    ..LiveConfig::default()
                },
                "live.live_window_segments",
            ),
            (
                LiveConfig {
                    live_window_segments: 31,
                    ..LiveConfig::default()
                },
                "live.live_window_segments",
            ),
            (
                LiveConfig {
                    dvr_window_seconds: 59,
                    ..LiveConfig::default()
                },
                "live.dvr_window_seconds",
            ),
            (
                LiveConfig {
                    dvr_window_seconds: 24 * 3600 + 1,
                    ..LiveConfig::default()
                },
                "live.dvr_window_seconds",
            ),
        ];
        for (config, key) in refusals {
            let refused = config.settings().unwrap_err().to_string();
            assert!(refused.starts_with(key), "{key}: {refused}");
        }
        let refused = LiveConfig {
            max_channels: 0,
            ..LiveConfig::default()
        }
        .settings()
        .unwrap_err()
        .to_string();
        assert_eq!(refused, "live.max_channels must be between 1 and 64");
    }
}

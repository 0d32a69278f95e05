//! `[webhooks]`: where and how long a webhook delivery may go.

use std::time::Duration;

use serde::Deserialize;

use crate::webhooks::WebhookSettings;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhooksConfig {
    /// Deliver to private and loopback addresses too (receivers inside your own network).
    pub allow_private_addresses: bool,
    pub timeout_seconds: u64,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        let defaults = WebhookSettings::default();
        WebhooksConfig {
            allow_private_addresses: defaults.allow_private_addresses,
            timeout_seconds: defaults.timeout.as_secs(),
        }
    }
}

impl WebhooksConfig {
    /// What deliveries run with; the timeout is kept between 1 and 120 seconds.
    pub fn settings(&self) -> WebhookSettings {
        WebhookSettings {
            allow_private_addresses: self.allow_private_addresses,
            timeout: Duration::from_secs(self.timeout_seconds.clamp(1, 120)),
        }
    }
}

//! Webhook delivery: messages signed as the Standard Webhooks specification says, sent by the
//! job queue (so a receiver that is down gets the message later, with backoff), never to a
//! private address unless the operator allows it.

mod deliver;
mod signature;
mod target;

pub use deliver::{DeliverWebhook, WebhookSettings};
pub use signature::sign;
pub use target::{TargetError, is_private};

//! The `deliver_webhook` job: one POST per attempt. A 2xx answer is delivered; anything else
//! (an error status, a timeout, a refused connection) is retried by the queue with backoff until
//! the attempts run out; a URL that may never be called (a private address) fails at once.

use std::time::Duration;

use serde::Deserialize;
use tracing::info;
use vocweek_db::jobs::Job;
use vocweek_db::webhooks::{AttemptOutcome, DELIVERED, FAILED, PENDING, WebhookDelivery};

use super::signature::sign;
use super::target::{TargetError, resolve};
use crate::jobs::{JobContext, JobError, JobHandler};

/// How webhooks are sent.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Allow URLs on private and loopback addresses (tests, or receivers inside the
    /// operator's own network).
    pub allow_private_addresses: bool,
    /// The whole request, connection included.
    pub timeout: Duration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            allow_private_addresses: false,
            timeout: Duration::from_secs(10),
        }
    }
}

pub struct DeliverWebhook {
    settings: WebhookSettings,
}

impl DeliverWebhook {
    pub fn new(settings: WebhookSettings) -> Self {
        DeliverWebhook { settings }
    }
}

#[derive(Deserialize)]
struct Payload {
    delivery_id: i32,
}

/// Receivers' answers are logged, cut to this many characters.
const LOGGED_ANSWER: usize = 300;

#[async_trait::async_trait]
impl JobHandler for DeliverWebhook {
    async fn run(&self, job: &Job, ctx: &JobContext) -> Result<(), JobError> {
        let payload: Payload =
            serde_json::from_str(&job.payload).map_err(|e| JobError::Permanent {
                code: "bad-job".to_owned(),
                reason: e.to_string(),
            })?;
        let Some((delivery, hook)) = ctx.db.delivery(payload.delivery_id).await? else {
            return finish(ctx, job, None).await;
        };
        if delivery.state != PENDING {
            return finish(ctx, job, None).await;
        }
        if hook.disabled_at.is_some() {
            let removed = AttemptOutcome {
                status: None,
                error: Some("the webhook was removed before delivery".to_owned()),
                state: FAILED,
            };
            return finish(ctx, job, Some((delivery.id, removed))).await;
        }
        let last_attempt = job.attempts >= job.max_attempts;
        let outcome = match self.attempt(&hook.url, &hook.secret, &delivery).await {
            Ok((status, _)) if (200..300).contains(&status) => AttemptOutcome {
                status: Some(status),
                error: None,
                state: DELIVERED,
            },
            Ok((status, answer)) => AttemptOutcome {
                status: Some(status),
                error: Some(format!("the receiver answered {status}: {answer}")),
                state: if last_attempt { FAILED } else { PENDING },
            },
            Err(Attempt::Refused(reason)) => AttemptOutcome {
                status: None,
                error: Some(reason),
                state: FAILED,
            },
            Err(Attempt::Failed(reason)) => AttemptOutcome {
                status: None,
                error: Some(reason),
                state: if last_attempt { FAILED } else { PENDING },
            },
        };
        info!(
            delivery = delivery.id,
            webhook = hook.id,
            attempt = job.attempts,
            status = ?outcome.status,
            state = outcome.state,
            "webhook attempt"
        );
        if outcome.state == PENDING {
            ctx.db
                .record_delivery_attempt(delivery.id, &outcome)
                .await?;
            return Err(JobError::Transient(
                outcome.error.unwrap_or_else(|| "not delivered".to_owned()),
            ));
        }
        finish(ctx, job, Some((delivery.id, outcome))).await
    }
}

enum Attempt {
    /// Never to be sent (a private address, a malformed secret or URL).
    Refused(String),
    /// Worth another try later.
    Failed(String),
}

impl DeliverWebhook {
    async fn attempt(
        &self,
        url: &str,
        secret: &str,
        delivery: &WebhookDelivery,
    ) -> Result<(u16, String), Attempt> {
        let url = reqwest::Url::parse(url).map_err(|_| Attempt::Refused("invalid URL".into()))?;
        let (host, address) = resolve(&url, self.settings.allow_private_addresses)
            .await
            .map_err(|e| match e {
                TargetError::Unresolved { .. } => Attempt::Failed(e.to_string()),
                other => Attempt::Refused(other.to_string()),
            })?;
        let timestamp = chrono::Utc::now().timestamp();
        let signature = sign(secret, &delivery.message_id, timestamp, &delivery.payload)
            .ok_or_else(|| Attempt::Refused("the webhook's secret is malformed".into()))?;
        // Pinned to the checked address, and no redirects: a redirect could lead anywhere.
        let client = reqwest::Client::builder()
            .resolve(&host, address)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.settings.timeout)
            .user_agent(concat!("vocweek-webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Attempt::Failed(e.to_string()))?;
        let answer = client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &delivery.message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(delivery.payload.clone())
            .send()
            .await
            .map_err(|e| Attempt::Failed(format!("{e}")))?;
        let status = answer.status().as_u16();
        if (200..300).contains(&status) {
            return Ok((status, String::new()));
        }
        let text = answer.text().await.unwrap_or_default();
        Ok((status, text.chars().take(LOGGED_ANSWER).collect()))
    }
}

/// Records the final outcome and completes the job in one transaction.
async fn finish(
    ctx: &JobContext,
    job: &Job,
    outcome: Option<(i32, AttemptOutcome)>,
) -> Result<(), JobError> {
    if !ctx
        .db
        .finish_delivery(job.id, &ctx.worker_id, outcome)
        .await?
    {
        return Err(JobError::LeaseLost);
    }
    Ok(())
}

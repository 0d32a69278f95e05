//! The notices' background work on each worker node: the sender takes the next due email from
//! the outbox (`Db::claim_mail`), mails it to the unit's liaison and records how it went;
//! beside it, every few minutes, the missed days and overdue reports of the active campaign
//! are recorded (`deadlines.rs`). A mail server that is down is tried again with backoff until
//! the attempts run out (about 17 hours), and the sender rests between failures instead of
//! spending every due email's attempts at once; a server that refuses the message for good is
//! not tried again.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{Address, AsyncTransport, Message};
use tokio::sync::watch;
use tracing::{info, warn};
use vocweek_db::notifications::{MailOutcome, Notification};
use vocweek_db::{Db, DbResult, now_millis};

use super::compose::letter;
use super::deadlines::record_missed_deadlines;
use super::settings::{MailSettings, Transport};
use crate::Ingestor;

/// How often an idle sender looks for due emails.
const MAIL_POLL: Duration = Duration::from_secs(2);
/// How often the missed days and overdue reports are looked for.
const DEADLINE_CHECK: Duration = Duration::from_secs(300);
/// Claims of one email before it is given up: with the backoff below, about 17 hours of a
/// mail server that is down (a night), not one hour.
pub const MAX_MAIL_ATTEMPTS: i32 = 40;
/// The sender's rest after an email failed for a reason that is not the email's own.
const SERVER_TROUBLE_PAUSE: Duration = Duration::from_secs(30);
/// The first retry's delay, doubled each attempt up to the cap.
const BACKOFF_BASE: Duration = Duration::from_secs(30);
const BACKOFF_MAX: Duration = Duration::from_secs(1800);

/// The notices' sender and deadline watcher of one node (`WorkerPool::with_notifier`).
#[derive(Clone)]
pub struct Notifier {
    db: Db,
    /// Holds the active campaign: its registrations name the liaisons, its days and
    /// deadlines are watched.
    ingestor: Ingestor,
    settings: Arc<MailSettings>,
    transport: Option<Transport>,
}

impl Notifier {
    /// Fails when the configured server cannot be used (see `MailSettings::transport`; the
    /// `[mail]` section's check has refused such a host already).
    pub fn new(
        db: Db,
        ingestor: Ingestor,
        settings: MailSettings,
    ) -> Result<Self, lettre::transport::smtp::Error> {
        let transport = settings.transport()?;
        Ok(Notifier {
            db,
            ingestor,
            settings: Arc::new(settings),
            transport,
        })
    }

    /// Sends and watches until `shutdown` turns true. A node without mail settings sends
    /// nothing and claims nothing: another node that can send takes the outbox, and the
    /// notices stay on the units' pages whatever happens to their emails.
    pub async fn run(self, shutdown: watch::Receiver<bool>) {
        let watcher = self.clone();
        if self.transport.is_some() {
            tokio::join!(
                self.send_until(shutdown.clone()),
                watcher.watch_deadlines_until(shutdown)
            );
        } else {
            watcher.watch_deadlines_until(shutdown).await;
        }
    }

    async fn send_until(self, mut shutdown: watch::Receiver<bool>) {
        while !*shutdown.borrow() {
            let pause = match self.send_next().await {
                // One went: the next may be due already.
                Ok(Some(true)) => continue,
                // The server is in trouble: the next email would most likely fail the same way,
                // so the sender rests instead of spending every due email's attempts at once.
                Ok(Some(false)) => SERVER_TROUBLE_PAUSE,
                Ok(None) => MAIL_POLL,
                Err(err) => {
                    warn!(error = %err, "sending a notice's email failed");
                    MAIL_POLL
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                // A dropped sender is a shutdown too.
                changed = shutdown.changed() => if changed.is_err() { return; },
            }
        }
    }

    /// Looks one interval after the start, then every interval: a day's end is acted on for
    /// two days (`deadlines.rs`), so a node that restarts misses nothing, and a test that pins
    /// the clock is not raced by a check at start.
    async fn watch_deadlines_until(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            tokio::select! {
                _ = tokio::time::sleep(DEADLINE_CHECK) => {}
                changed = shutdown.changed() => if changed.is_err() { return; },
            }
            if *shutdown.borrow() {
                return;
            }
            if let Err(err) = self.check_deadlines().await {
                warn!(error = %err, "recording missed days and overdue reports failed");
            }
        }
    }

    /// Records what the active campaign's units missed as of the database's clock.
    pub async fn check_deadlines(&self) -> DbResult<usize> {
        // A `worker` process has no campaign refresher of its own.
        self.ingestor.refresh_campaign().await?;
        let campaign = self.ingestor.campaign();
        let recorded =
            record_missed_deadlines(&self.db, &campaign.campaign, self.db.clock().now()).await?;
        if recorded > 0 {
            info!(recorded, "missed days and overdue reports recorded");
        }
        Ok(recorded)
    }

    /// Claims, attempts and records one due email: `None` when none was due, `Some(false)`
    /// when it is to be tried again later (the server's trouble, not the email's).
    pub async fn send_next(&self) -> DbResult<Option<bool>> {
        let lease = self.settings.whole_send() + Duration::from_secs(60);
        let Some(notice) = self.db.claim_mail(millis(lease)).await? else {
            return Ok(None);
        };
        let outcome = self.attempt(&notice).await;
        let went_through = !matches!(outcome, MailOutcome::Retry { .. });
        info!(
            notice = notice.id,
            unit = notice.unit_id,
            kind = notice.kind.as_str(),
            attempt = notice.mail_attempts,
            outcome = outcome_name(&outcome),
            "notice email"
        );
        if let MailOutcome::Failed(reason) | MailOutcome::Retry { error: reason, .. } = &outcome {
            warn!(notice = notice.id, reason = %reason, "a notice's email was not sent");
        }
        if !self
            .db
            .finish_mail(notice.id, notice.mail_attempts, outcome)
            .await?
        {
            warn!(
                notice = notice.id,
                "another sender took this email over; its outcome was not recorded"
            );
        }
        Ok(Some(went_through))
    }

    async fn attempt(&self, notice: &Notification) -> MailOutcome {
        let (Some(transport), Some(from)) = (&self.transport, &self.settings.from) else {
            return MailOutcome::Disabled;
        };
        if notice.mail_attempts > MAX_MAIL_ATTEMPTS {
            // Claimed more often than allowed: earlier senders died or hung on it every time.
            return MailOutcome::Failed(format!(
                "gave up after {MAX_MAIL_ATTEMPTS} attempts: the sender stopped each time"
            ));
        }
        let (unit_name, to) = match self.recipient(notice).await {
            Ok(Ok(recipient)) => recipient,
            Ok(Err(outcome)) => return outcome,
            Err(err) => return retry(notice, err.to_string()),
        };
        let letter = letter(notice, &unit_name);
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(letter.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(letter.body);
        let message = match message {
            Ok(message) => message,
            Err(err) => {
                return MailOutcome::Failed(format!("the email could not be formed: {err}"));
            }
        };
        match tokio::time::timeout(self.settings.whole_send(), transport.send(message)).await {
            Ok(Ok(_)) => MailOutcome::Sent,
            Ok(Err(err)) if err.is_permanent() => {
                MailOutcome::Failed(format!("the mail server refused the email: {err}"))
            }
            Ok(Err(err)) => retry(notice, err.to_string()),
            Err(_) => retry(notice, "the mail server did not finish in time".to_owned()),
        }
    }

    /// The unit's name and its liaison's mailbox in the active campaign, or the outcome when
    /// there is nobody to write to.
    async fn recipient(
        &self,
        notice: &Notification,
    ) -> DbResult<Result<(String, Mailbox), MailOutcome>> {
        let Some(unit) = self.db.unit(notice.unit_id).await? else {
            return Ok(Err(MailOutcome::NoAddress(
                "the unit no longer exists".to_owned(),
            )));
        };
        let campaign = self.ingestor.campaign();
        let registration = self.db.registration(campaign.campaign.id, unit.id).await?;
        let liaison = registration.as_ref();
        let email = liaison
            .and_then(|r| r.liaison_email.as_deref())
            .map(str::trim)
            .filter(|email| !email.is_empty());
        let Some(email) = email else {
            return Ok(Err(MailOutcome::NoAddress(format!(
                "no liaison email registered for {}",
                campaign.campaign.slug
            ))));
        };
        let address = match email.parse::<Address>() {
            Ok(address) => address,
            Err(err) => {
                return Ok(Err(MailOutcome::Failed(format!(
                    "the liaison's address {email:?} cannot be used: {err}"
                ))));
            }
        };
        let name = liaison
            .and_then(|r| r.liaison_name.clone())
            .filter(|name| !name.trim().is_empty());
        Ok(Ok((unit.name, Mailbox::new(name, address))))
    }
}

/// Another attempt later, or given up after the last one.
fn retry(notice: &Notification, error: String) -> MailOutcome {
    if notice.mail_attempts >= MAX_MAIL_ATTEMPTS {
        return MailOutcome::Failed(format!(
            "failed {} times; last error: {error}",
            notice.mail_attempts
        ));
    }
    MailOutcome::Retry {
        error,
        retry_at: now_millis() + millis(backoff(notice.mail_attempts)),
    }
}

/// The wait after failed attempt `attempt` (1 is the first): doubled each time, capped.
fn backoff(attempt: i32) -> Duration {
    let doublings = u32::try_from(attempt.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    BACKOFF_BASE.saturating_mul(1 << doublings).min(BACKOFF_MAX)
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

fn outcome_name(outcome: &MailOutcome) -> &'static str {
    match outcome {
        MailOutcome::Sent => "sent",
        MailOutcome::NoAddress(_) => "no-address",
        MailOutcome::Disabled => "disabled",
        MailOutcome::Retry { .. } => "retry",
        MailOutcome::Failed(_) => "failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_the_cap() {
        assert_eq!(backoff(1), Duration::from_secs(30));
        assert_eq!(backoff(2), Duration::from_secs(60));
        assert_eq!(backoff(4), Duration::from_secs(240));
        assert_eq!(backoff(7), BACKOFF_MAX);
        assert_eq!(backoff(50), BACKOFF_MAX);
    }
}

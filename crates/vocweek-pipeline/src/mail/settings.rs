//! How notices are mailed, checked (from the `[mail]` section, `settings::MailConfig`), and the
//! SMTP transport built from it.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain text: only for a relay on the machine or inside the operator's network.
    None,
    /// Plain, then STARTTLS, required (never falls back to plain text).
    StartTls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Tls,
}

/// The SMTP transport the sender uses.
pub type Transport = AsyncSmtpTransport<Tokio1Executor>;

#[derive(Debug, Clone)]
pub struct MailSettings {
    /// Off: notices are shown on the units' pages only, their emails marked `disabled`.
    pub enabled: bool,
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// User name and password, when the server wants a login.
    pub credentials: Option<(String, SecretString)>,
    /// The sender (set when enabled).
    pub from: Option<Mailbox>,
    /// Each SMTP step: connecting, every command.
    pub timeout: Duration,
}

impl MailSettings {
    /// Mail switched off.
    pub fn disabled(security: Security, timeout: Duration) -> Self {
        MailSettings {
            enabled: false,
            host: String::new(),
            port: 587,
            security,
            credentials: None,
            from: None,
            timeout,
        }
    }

    /// The transport to the configured server; `None` when mail is off. No connection is made
    /// here: an error is a host the TLS library cannot check a certificate for.
    pub fn transport(&self) -> Result<Option<Transport>, lettre::transport::smtp::Error> {
        if !self.enabled {
            return Ok(None);
        }
        let builder = match self.security {
            Security::None => Transport::builder_dangerous(self.host.as_str()),
            Security::StartTls => Transport::starttls_relay(&self.host)?,
            Security::Tls => Transport::relay(&self.host)?,
        };
        let mut builder = builder.port(self.port).timeout(Some(self.timeout));
        if let Some((username, password)) = &self.credentials {
            builder = builder.credentials(Credentials::new(
                username.clone(),
                password.expose_secret().to_owned(),
            ));
        }
        Ok(Some(builder.build()))
    }

    /// How long one email may take in all (every step may take `timeout`).
    pub fn whole_send(&self) -> Duration {
        self.timeout * 6
    }
}

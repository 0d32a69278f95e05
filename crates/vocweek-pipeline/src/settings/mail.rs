//! `[mail]`: the SMTP server the units' notices are mailed through. Off by default: the
//! notices are then shown on the units' pages only.

use std::time::Duration;

use lettre::message::Mailbox;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::{SettingError, refuse};
use crate::mail::{MailSettings, Security};

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    pub enabled: bool,
    pub smtp_host: String,
    pub smtp_port: u16,
    /// `none` (plain, a relay on the machine or its network), `starttls` or `tls`.
    pub security: String,
    /// Empty: no authentication.
    pub username: String,
    /// Secret: `{:?}` of the settings shows it redacted.
    pub password: SecretString,
    /// The sender, `name <address>` or `address`.
    pub from: String,
    /// Each SMTP step (connecting, every command).
    pub timeout_seconds: u64,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            enabled: false,
            smtp_host: String::new(),
            smtp_port: 587,
            security: "starttls".to_owned(),
            username: String::new(),
            password: SecretString::from(String::new()),
            from: String::new(),
            timeout_seconds: 30,
        }
    }
}

impl MailConfig {
    /// What the sender runs with, every refusal naming its key. Switched off, only `security`
    /// is checked (a typo there would surface the day mail is switched on).
    pub fn settings(&self) -> Result<MailSettings, SettingError> {
        let security = match self.security.trim() {
            "none" => Security::None,
            "starttls" => Security::StartTls,
            "tls" => Security::Tls,
            other => {
                return refuse(format!(
                    "mail.security must be \"none\", \"starttls\" or \"tls\" (got {other:?})"
                ));
            }
        };
        let timeout = Duration::from_secs(self.timeout_seconds.clamp(1, 300));
        if !self.enabled {
            return Ok(MailSettings::disabled(security, timeout));
        }
        let host = self.smtp_host.trim();
        if host.is_empty() {
            return refuse("mail.smtp_host is required when mail.enabled = true");
        }
        if self.smtp_port == 0 {
            return refuse("mail.smtp_port must be a port number (1 to 65535)");
        }
        let from = match self.from.trim().parse::<Mailbox>() {
            Ok(from) => from,
            Err(err) => {
                return refuse(format!(
                    "mail.from must be an email address, `address` or `name <address>` ({err}); \
                     it is required when mail.enabled = true"
                ));
            }
        };
        let username = self.username.trim();
        let has_password = !self.password.expose_secret().is_empty();
        let credentials = match (username.is_empty(), has_password) {
            (true, false) => None,
            (false, true) => Some((username.to_owned(), self.password.clone())),
            _ => return refuse("mail.username and mail.password go together: set both or neither"),
        };
        let settings = MailSettings {
            enabled: true,
            host: host.to_owned(),
            port: self.smtp_port,
            security,
            credentials,
            from: Some(from),
            timeout,
        };
        // A host the TLS library cannot check a certificate for is refused now, not at the
        // first notice.
        if let Err(err) = settings.transport() {
            return refuse(format!("mail.smtp_host {host:?} cannot be used: {err}"));
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enabled() -> MailConfig {
        MailConfig {
            enabled: true,
            smtp_host: "smtp.example.gov.cn".to_owned(),
            from: "职教活动周 <vocweek@example.gov.cn>".to_owned(),
            ..MailConfig::default()
        }
    }

    #[test]
    fn off_by_default_and_checked_when_on() {
        let off = MailConfig::default().settings().unwrap();
        assert!(!off.enabled && off.from.is_none());
        let on = enabled().settings().unwrap();
        assert_eq!((on.port, on.security), (587, Security::StartTls));
        assert!(on.credentials.is_none());
        let refusals = [
            MailConfig {
                security: "ssl".to_owned(),
                ..MailConfig::default()
            },
            MailConfig {
                smtp_host: " ".to_owned(),
                ..enabled()
            },
            MailConfig {
                from: String::new(),
                ..enabled()
            },
            MailConfig {
                from: "not an address".to_owned(),
                ..enabled()
            },
            MailConfig {
                username: "vocweek".to_owned(),
                ..enabled()
            },
        ];
        for config in refusals {
            let refused = config.settings().unwrap_err().to_string();
            assert!(refused.starts_with("mail."), "{refused}");
        }
        let with_login = MailConfig {
            username: "vocweek".to_owned(),
            password: SecretString::from("s3cret".to_owned()),
            ..enabled()
        };
        let settings = with_login.settings().unwrap();
        assert!(!format!("{settings:?}").contains("s3cret"));
    }
}

//! A notification's row as the other crates see it.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};
use vocweek_domain::NoticeKind;

use crate::DbError;
use crate::entities::notification;

/// Where a notice's email is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailState {
    /// Not sent yet: the sender claims it when `next_attempt_at` comes.
    Pending,
    Sent,
    /// The unit has no liaison email in the active campaign: shown on its page only.
    NoAddress,
    /// Given up: the attempts ran out, or the server refused the message for good.
    Failed,
    /// Mail is switched off (`mail.enabled = false`): shown on the unit's page only.
    Disabled,
}

impl MailState {
    pub const ALL: [MailState; 5] = [
        MailState::Pending,
        MailState::Sent,
        MailState::NoAddress,
        MailState::Failed,
        MailState::Disabled,
    ];

    /// The word stored in `notifications.mail_state`.
    pub fn as_str(self) -> &'static str {
        match self {
            MailState::Pending => "pending",
            MailState::Sent => "sent",
            MailState::NoAddress => "no-address",
            MailState::Failed => "failed",
            MailState::Disabled => "disabled",
        }
    }

    pub fn parse(value: &str) -> Option<MailState> {
        Self::ALL.into_iter().find(|state| state.as_str() == value)
    }
}

/// What a notice's sentence names; each kind uses some of them (an item's title and the
/// editor's note, a day, a report and its due day). Stored as a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticeParams {
    pub title: Option<String>,
    pub note: Option<String>,
    pub day: Option<NaiveDate>,
    /// Which report: `website`, `liaison`, `plan`, `summary_report` or `statistics`.
    pub part: Option<String>,
    pub due_on: Option<NaiveDate>,
}

/// Stored texts are cut to these many characters: a notice quotes, it does not archive.
const TITLE_CHARS: usize = 200;
const NOTE_CHARS: usize = 2000;

impl NoticeParams {
    /// The JSON text stored (absent fields left out).
    pub(crate) fn to_json(&self) -> String {
        let mut object = Map::new();
        let mut put = |name: &str, value: Option<String>| {
            if let Some(value) = value {
                object.insert(name.to_owned(), Value::String(value));
            }
        };
        put("title", self.title.as_ref().map(|t| cut(t, TITLE_CHARS)));
        put("note", self.note.as_ref().map(|n| cut(n, NOTE_CHARS)));
        put("day", self.day.map(|d| d.to_string()));
        put("part", self.part.clone());
        put("due_on", self.due_on.map(|d| d.to_string()));
        Value::Object(object).to_string()
    }

    fn from_json(text: &str) -> Option<NoticeParams> {
        let value: Value = serde_json::from_str(text).ok()?;
        let object = value.as_object()?;
        let text = |name: &str| object.get(name).and_then(Value::as_str).map(str::to_owned);
        let date = |name: &str| -> Option<Option<NaiveDate>> {
            match object.get(name) {
                None => Some(None),
                Some(value) => value
                    .as_str()
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    .map(Some),
            }
        };
        Some(NoticeParams {
            title: text("title"),
            note: text("note"),
            day: date("day")?,
            part: text("part"),
            due_on: date("due_on")?,
        })
    }
}

fn cut(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

/// One notice to one unit and its email: the `notifications` row, its kind and mail state as
/// types, its parameters read.
#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    pub id: i32,
    pub unit_id: i32,
    pub kind: NoticeKind,
    /// The item a decision notice is about.
    pub asset_id: Option<String>,
    pub params: NoticeParams,
    pub dedupe_key: String,
    pub created_at: DateTime<Utc>,
    /// When the unit marked it read on its page.
    pub read_at: Option<DateTime<Utc>>,
    pub mail_state: MailState,
    /// Claims of the email so far.
    pub mail_attempts: i32,
    /// Epoch milliseconds.
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// The one place a stored kind, mail state or parameter object is read back: anything else was
/// written by hand or by a bug, so it is `Corrupt`.
impl TryFrom<notification::Model> for Notification {
    type Error = DbError;

    fn try_from(row: notification::Model) -> Result<Self, DbError> {
        let corrupt = |what: &str| DbError::Corrupt(format!("notification {}: {what}", row.id));
        let kind = NoticeKind::parse(&row.kind).map_err(|err| corrupt(&err.to_string()))?;
        let mail_state = MailState::parse(&row.mail_state)
            .ok_or_else(|| corrupt(&format!("mail state '{}'", row.mail_state)))?;
        let params = NoticeParams::from_json(&row.params)
            .ok_or_else(|| corrupt("parameters are not a JSON object of texts and dates"))?;
        Ok(Notification {
            id: row.id,
            unit_id: row.unit_id,
            kind,
            asset_id: row.asset_id,
            params,
            dedupe_key: row.dedupe_key,
            created_at: row.created_at,
            read_at: row.read_at,
            mail_state,
            mail_attempts: row.mail_attempts,
            next_attempt_at: row.next_attempt_at,
            last_error: row.last_error,
            sent_at: row.sent_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_round_trip_and_long_texts_are_cut() {
        let params = NoticeParams {
            title: Some("标".repeat(300)),
            note: Some("请补充说明".to_owned()),
            day: NaiveDate::from_ymd_opt(2021, 5, 23),
            part: None,
            due_on: None,
        };
        let read = NoticeParams::from_json(&params.to_json()).unwrap();
        assert_eq!(read.title.as_deref().map(|t| t.chars().count()), Some(200));
        assert_eq!(read.note, params.note);
        assert_eq!(read.day, params.day);
        assert_eq!(read.part, None);
        assert!(NoticeParams::from_json("[1]").is_none());
        assert!(NoticeParams::from_json(r#"{"day": "yesterday"}"#).is_none());
        for state in MailState::ALL {
            assert_eq!(MailState::parse(state.as_str()), Some(state));
        }
    }
}

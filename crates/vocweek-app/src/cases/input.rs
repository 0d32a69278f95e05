//! What a unit sends for a case, and the bounds it is checked against before anything is
//! read or written: lengths in characters, counts, no control characters, no attachment
//! twice. The title, credit and tags are checked as an upload's are (the ingestor's
//! `check_form`), and the attachments against the database (`create.rs`).

use chrono::NaiveDate;
use vocweek_domain::{
    CASE_ATTACHMENTS_MAX, CASE_BODY_MAX_CHARS, CASE_CONTACT_NAME_MAX_CHARS,
    CASE_CONTACT_PHONE_MAX_CHARS, CASE_CONTACT_ROLE_MAX_CHARS, CASE_CONTACTS_MAX,
    CASE_SUMMARY_MAX_CHARS, CaseContact, TagInput, control_character,
};

use super::InvalidCase;

/// A case as its unit fills it in.
#[derive(Debug, Clone, Default)]
pub struct CaseInput {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub contacts: Vec<CaseContact>,
    /// Ids of the unit's own photos and videos, in the order they are shown.
    pub attachments: Vec<String>,
    pub tags: TagInput,
    pub activity_date: Option<NaiveDate>,
    /// 作者, as sent.
    pub credit: Option<String>,
    /// 肖像使用已授权 as sent; not what the case gets: a case has the consent when every
    /// item it attaches has it (`Cases::create`), since its document shows their pictures.
    pub portrait_consent: bool,
}

/// The longest attachment id looked at: asset ids are 36 characters.
const ATTACHMENT_ID_MAX: usize = 64;

impl CaseInput {
    /// The input trimmed and checked; contacts without any field dropped.
    pub(super) fn checked(mut self) -> Result<CaseInput, InvalidCase> {
        self.summary = self.summary.trim().to_owned();
        self.body = self.body.trim().to_owned();
        for (field, text) in [("summary", &self.summary), ("body", &self.body)] {
            if control_character(text).is_some() {
                return Err(InvalidCase::ControlCharacter(field));
            }
        }
        if self.summary.is_empty() {
            return Err(InvalidCase::NoSummary);
        }
        if self.summary.chars().count() > CASE_SUMMARY_MAX_CHARS {
            return Err(InvalidCase::SummaryTooLong {
                max: CASE_SUMMARY_MAX_CHARS,
            });
        }
        if self.body.is_empty() {
            return Err(InvalidCase::NoBody);
        }
        if self.body.chars().count() > CASE_BODY_MAX_CHARS {
            return Err(InvalidCase::BodyTooLong {
                max: CASE_BODY_MAX_CHARS,
            });
        }
        self.contacts = checked_contacts(self.contacts)?;
        self.attachments = checked_attachments(self.attachments)?;
        Ok(self)
    }
}

fn checked_contacts(contacts: Vec<CaseContact>) -> Result<Vec<CaseContact>, InvalidCase> {
    if contacts.len() > CASE_CONTACTS_MAX {
        return Err(InvalidCase::TooManyContacts {
            max: CASE_CONTACTS_MAX,
        });
    }
    let mut kept = Vec::new();
    for (index, contact) in contacts.into_iter().enumerate() {
        let contact = CaseContact {
            name: contact.name.trim().to_owned(),
            role: contact.role.trim().to_owned(),
            phone: contact.phone.trim().to_owned(),
        };
        let fields = [
            ("name", &contact.name, CASE_CONTACT_NAME_MAX_CHARS),
            ("role", &contact.role, CASE_CONTACT_ROLE_MAX_CHARS),
            ("phone", &contact.phone, CASE_CONTACT_PHONE_MAX_CHARS),
        ];
        for (field, text, max) in fields {
            // A contact is one line of a table: no line breaks either.
            if text.chars().any(char::is_control) {
                return Err(InvalidCase::ControlCharacter("contacts"));
            }
            if text.chars().count() > max {
                return Err(InvalidCase::ContactTooLong {
                    index: index + 1,
                    field,
                    max,
                });
            }
        }
        if contact.name.is_empty() {
            if contact.role.is_empty() && contact.phone.is_empty() {
                continue;
            }
            return Err(InvalidCase::ContactWithoutName { index: index + 1 });
        }
        kept.push(contact);
    }
    Ok(kept)
}

/// The ids, trimmed; `AttachedTwice` for a repeat. An id too long to be one is kept and
/// refused with the others it cannot name (`CaseError::Attachment`).
fn checked_attachments(ids: Vec<String>) -> Result<Vec<String>, InvalidCase> {
    if ids.len() > CASE_ATTACHMENTS_MAX {
        return Err(InvalidCase::TooManyAttachments {
            max: CASE_ATTACHMENTS_MAX,
        });
    }
    let mut kept: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids {
        let id = id
            .trim()
            .chars()
            .take(ATTACHMENT_ID_MAX + 1)
            .collect::<String>();
        if kept.contains(&id) {
            return Err(InvalidCase::AttachedTwice(id));
        }
        kept.push(id);
    }
    Ok(kept)
}

/// Whether `id` can be an asset's id at all (others are refused without a query).
pub(super) fn plausible_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= ATTACHMENT_ID_MAX && !id.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CaseInput {
        CaseInput {
            title: "校企共建实训基地".to_owned(),
            summary: " 摘要 ".to_owned(),
            body: "第一段\n第二段".to_owned(),
            ..CaseInput::default()
        }
    }

    #[test]
    fn fields_are_trimmed_and_bounded() {
        let checked = input().checked().unwrap();
        assert_eq!(checked.summary, "摘要");
        let long = CaseInput {
            summary: "摘".repeat(CASE_SUMMARY_MAX_CHARS + 1),
            ..input()
        };
        assert_eq!(long.checked().unwrap_err().code(), "summary-too-long");
        let body = CaseInput {
            body: "文".repeat(CASE_BODY_MAX_CHARS + 1),
            ..input()
        };
        assert_eq!(body.checked().unwrap_err().code(), "body-too-long");
        let control = CaseInput {
            body: "a\u{1}b".to_owned(),
            ..input()
        };
        assert_eq!(control.checked().unwrap_err().code(), "invalid-field");
        let empty = CaseInput {
            summary: "  ".to_owned(),
            ..input()
        };
        assert_eq!(empty.checked().unwrap_err().code(), "missing-summary");
    }

    #[test]
    fn contacts_and_attachments_are_counted_and_bounded() {
        let contact = |name: &str, phone: &str| CaseContact {
            name: name.to_owned(),
            role: String::new(),
            phone: phone.to_owned(),
        };
        let many = CaseInput {
            contacts: vec![contact("张三", ""); CASE_CONTACTS_MAX + 1],
            ..input()
        };
        assert_eq!(many.checked().unwrap_err().code(), "too-many-contacts");
        let long = CaseInput {
            contacts: vec![contact(&"张".repeat(CASE_CONTACT_NAME_MAX_CHARS + 1), "")],
            ..input()
        };
        assert_eq!(long.checked().unwrap_err().code(), "contact-too-long");
        let nameless = CaseInput {
            contacts: vec![contact("", "0531-1234")],
            ..input()
        };
        assert_eq!(
            nameless.checked().unwrap_err().code(),
            "missing-contact-name"
        );
        let blank = CaseInput {
            contacts: vec![contact(" ", " "), contact("李四", "139")],
            ..input()
        };
        assert_eq!(
            blank.checked().unwrap().contacts,
            vec![contact("李四", "139")]
        );
        let twice = CaseInput {
            attachments: vec!["a".to_owned(), " a ".to_owned()],
            ..input()
        };
        assert_eq!(
            twice.checked().unwrap_err().code(),
            "attachment-listed-twice"
        );
        let over = CaseInput {
            attachments: (0..=CASE_ATTACHMENTS_MAX).map(|n| n.to_string()).collect(),
            ..input()
        };
        assert_eq!(over.checked().unwrap_err().code(), "too-many-attachments");
        assert!(plausible_id("0195a3b2-7c1d-7e6f-8a9b-0c1d2e3f4a5b"));
        assert!(!plausible_id("") && !plausible_id(&"x".repeat(65)));
        assert!(!plausible_id("a\u{0}b"));
    }
}

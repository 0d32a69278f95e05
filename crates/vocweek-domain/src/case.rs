//! A 典型案例's fields and their bounds: what a unit may write in one (the use case in
//! `vocweek-app` checks them; the upload page's form says the same limits).

use serde::{Deserialize, Serialize};

/// The longest summary (案例摘要), in characters.
pub const CASE_SUMMARY_MAX_CHARS: usize = 2_000;
/// The longest body (案例正文), in characters.
pub const CASE_BODY_MAX_CHARS: usize = 50_000;
/// Contacts one case names at most.
pub const CASE_CONTACTS_MAX: usize = 10;
/// A contact's name and role, in characters.
pub const CASE_CONTACT_NAME_MAX_CHARS: usize = 50;
pub const CASE_CONTACT_ROLE_MAX_CHARS: usize = 50;
/// A contact's phone number, in characters.
pub const CASE_CONTACT_PHONE_MAX_CHARS: usize = 30;
/// Photos and videos one case attaches at most.
pub const CASE_ATTACHMENTS_MAX: usize = 30;

/// Someone to call about the case (联系人).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseContact {
    /// Required once any field is filled in (a blank contact is dropped).
    #[serde(default)]
    pub name: String,
    /// 职务, may be empty.
    #[serde(default)]
    pub role: String,
    /// 联系电话, may be empty.
    #[serde(default)]
    pub phone: String,
}

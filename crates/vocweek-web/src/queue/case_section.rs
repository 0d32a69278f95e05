//! An item's 典型案例 links on its page (`templates/queue/case.html`): for a case, what its unit
//! wrote (summary, body paragraphs, contacts) and the photos and videos it attaches, each
//! linking to its own page; for any item, the cases that attach it. The links are
//! `vocweek_app::Cases::links`'s, limited to what the reader may see.

use vocweek_app::CaseLinks;
use vocweek_db::assets::AssetRecord;
use vocweek_domain::CaseContact;

use super::cards::missing_picture;
use crate::layout::{kind_zh, state_zh};

pub(super) struct CaseSection {
    /// Set when the item is a case.
    pub case: Option<CaseFields>,
    /// The cases that attach the item.
    pub attached_to: Vec<LinkedItem>,
}

pub(super) struct CaseFields {
    pub summary: String,
    /// The body, one paragraph per line the unit wrote.
    pub paragraphs: Vec<String>,
    pub contacts: Vec<CaseContact>,
    pub attachments: Vec<LinkedItem>,
}

/// Another item, as a link to its page with its picture (or the word for none).
pub(super) struct LinkedItem {
    pub id: String,
    pub title: String,
    pub kind: &'static str,
    pub state: &'static str,
    pub state_slug: &'static str,
    pub missing_picture: Option<&'static str>,
}

impl LinkedItem {
    fn of(record: &AssetRecord) -> LinkedItem {
        let asset = &record.asset;
        LinkedItem {
            id: asset.id.clone(),
            title: asset.title.clone(),
            kind: kind_zh(asset.kind.as_str()),
            state: state_zh(asset.state.as_str()),
            state_slug: asset.state.as_str(),
            missing_picture: missing_picture(asset),
        }
    }
}

impl CaseSection {
    pub fn of(links: &CaseLinks) -> CaseSection {
        CaseSection {
            case: links.case.as_ref().map(|case| CaseFields {
                summary: case.summary.clone(),
                paragraphs: case
                    .body
                    .lines()
                    .map(str::trim)
                    .filter(|line| !line.is_empty())
                    .map(str::to_owned)
                    .collect(),
                contacts: case.contacts.clone(),
                attachments: case.attachments.iter().map(LinkedItem::of).collect(),
            }),
            attached_to: links.attached_to.iter().map(LinkedItem::of).collect(),
        }
    }
}

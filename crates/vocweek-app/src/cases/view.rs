//! What an item's page shows of cases: a case's own fields (summary, body, contacts, kept in
//! its metadata under `"case"`) and the items it attaches; for any item, the cases that attach
//! it. Links come from `case_attachments`, so an item deleted since is simply gone. Only what
//! the reader may see is shown (an attachment first sent by another desk's unit is not).

use vocweek_db::assets::{AssetRecord, Scope};
use vocweek_domain::{AssetKind, CaseContact, Role};

use super::{CaseError, Cases};
use crate::Actor;

/// A case's fields as its page shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseView {
    pub summary: String,
    pub body: String,
    pub contacts: Vec<CaseContact>,
    /// The attached items the reader may see, in the unit's order.
    pub attachments: Vec<AssetRecord>,
}

/// An item's case links: itself as a case, and the cases that attach it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaseLinks {
    /// Set when the item is a case.
    pub case: Option<CaseView>,
    /// The cases that attach the item, oldest first, those the reader may see.
    pub attached_to: Vec<AssetRecord>,
}

impl Cases {
    /// The case links of `record`, an item `actor` may see (the caller checked).
    pub async fn links(&self, actor: &Actor, record: &AssetRecord) -> Result<CaseLinks, CaseError> {
        let asset = &record.asset;
        let case = if asset.kind == AssetKind::Case {
            let fields = asset.metadata.get("case");
            let text = |name: &str| {
                fields
                    .and_then(|f| f.get(name))
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let contacts = fields
                .and_then(|f| f.get("contacts"))
                .and_then(|v| serde_json::from_value::<Vec<CaseContact>>(v.clone()).ok())
                .unwrap_or_default();
            let ids = self.db.case_attachments(&asset.id).await?;
            Some(CaseView {
                summary: text("summary"),
                body: text("body"),
                contacts,
                attachments: self.readable(actor, &ids).await?,
            })
        } else {
            None
        };
        let cases = self.db.cases_attaching(&asset.id).await?;
        Ok(CaseLinks {
            case,
            attached_to: self.readable(actor, &cases).await?,
        })
    }

    /// The records of `ids` that `actor` may see, in the order of `ids`.
    async fn readable(&self, actor: &Actor, ids: &[String]) -> Result<Vec<AssetRecord>, CaseError> {
        let mut records = self.db.assets_by_ids(ids).await?;
        records.sort_by_key(|r| ids.iter().position(|id| *id == r.asset.id));
        let mut shown = Vec::with_capacity(records.len());
        for record in records {
            let visible = match actor {
                Actor::Staff {
                    role: Role::Admin, ..
                } => true,
                Actor::Staff {
                    desk: Some(desk), ..
                } => record.asset.desk == *desk,
                Actor::Unit(unit) => self.db.asset_visible(&record, Scope::Unit(*unit)).await?,
                Actor::Staff { desk: None, .. } | Actor::Partner(_) => false,
            };
            if visible {
                shown.push(record);
            }
        }
        Ok(shown)
    }
}

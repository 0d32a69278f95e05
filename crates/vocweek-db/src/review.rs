//! Editorial decisions and edits, under optimistic locking: each names the version it saw, and
//! a stale one is a `Conflict`, never a silent overwrite. Every change writes its audit event
//! in the same transaction, and a return or a rejection its notice to the units that sent the
//! item.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set,
    sea_query::{Expr, ExprTrait},
};
use serde_json::{Map, Value, json};
use vocweek_domain::{AssetState, NoticeKind, ReviewAction, Tags};

use crate::assets::{AssetRecord, StateChange, change_state_in};
use crate::audit::{Actor, AuditEntry, record};
use crate::entities::{asset, asset_theme};
use crate::notifications::{NoticeParams, notify_senders};
use crate::{Db, DbError, DbResult};

/// A decision as an editor sends it.
#[derive(Debug, Clone)]
pub struct Decision<'a> {
    pub asset_id: &'a str,
    pub action: ReviewAction,
    pub note: Option<&'a str>,
    /// The version the editor saw.
    pub version: i32,
    pub actor: Actor,
    /// A recommendation the editor confirmed although the unit declared no portrait consent:
    /// the audit event says so (`"without_consent": true`).
    pub without_consent: bool,
}

/// Changes to an asset's text, tags, credit and consent; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AssetEdit {
    pub title: Option<String>,
    pub description: Option<String>,
    /// The complete, already validated tag set (themes replace the old ones).
    pub tags: Option<Tags>,
    /// 作者/摄影, already checked (`vocweek_domain::checked_credit`).
    pub credit: Option<String>,
    /// 肖像使用已授权.
    pub portrait_consent: Option<bool>,
}

impl Db {
    /// Applies a decision. `Conflict` when the asset moved on since `version` was read, or the
    /// action does not fit the current state (`Domain` error).
    pub async fn decide(&self, decision: Decision<'_>) -> DbResult<AssetRecord> {
        let current = self
            .asset(decision.asset_id)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("asset {}", decision.asset_id)))?;
        if current.asset.version != decision.version {
            return Err(DbError::Conflict(format!("asset {}", decision.asset_id)));
        }
        let from = current.asset.state;
        let to = decision.action.target(from)?;
        let note = decision.note.map(str::trim).filter(|n| !n.is_empty());
        let details = if decision.without_consent {
            json!({ "note": note, "without_consent": true })
        } else {
            json!({ "note": note })
        };
        let txn = self.begin().await?;
        change_state_in(
            &txn,
            StateChange {
                asset_id: decision.asset_id,
                from,
                to,
                expected_version: Some(decision.version),
                actor: decision.actor,
                action: decision.action.as_str(),
                details,
                failure: None,
                metadata: None,
            },
        )
        .await?;
        asset::Entity::update_many()
            .col_expr(
                asset::Column::ReviewNote,
                Expr::value(note.map(str::to_owned)),
            )
            // The database's clock, like a submission's time: the daily brief lists what was
            // decided on a day, and tests pin the clock to put a decision on one.
            .col_expr(
                asset::Column::ReviewedAt,
                Expr::value(Some(self.clock().now())),
            )
            .filter(asset::Column::Id.eq(decision.asset_id))
            .exec(&txn)
            .await?;
        // The units hear of it exactly when it happens: the notice commits with the decision.
        if let Some(kind) = NoticeKind::of_decision(decision.action) {
            let params = NoticeParams {
                title: Some(current.asset.title.clone()),
                note: note.map(str::to_owned),
                ..NoticeParams::default()
            };
            // The version decided on names the decision: a later return of the same item is
            // another notice.
            let key = format!("{}@{}", decision.asset_id, decision.version);
            let now = self.clock().now();
            notify_senders(&txn, decision.asset_id, kind, &key, &params, now).await?;
        }
        txn.commit().await?;
        self.asset(decision.asset_id)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("asset {}", decision.asset_id)))
    }

    /// Edits title, description, tags, credit and consent at `version`. When `resubmit` is set
    /// (a unit correcting a returned item) the asset goes back to review in the same
    /// transaction.
    pub async fn edit_asset(
        &self,
        asset_id: &str,
        version: i32,
        edit: AssetEdit,
        actor: Actor,
        resubmit: bool,
    ) -> DbResult<AssetRecord> {
        let current = self
            .asset(asset_id)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("asset {asset_id}")))?;
        let changed = changes(&current, &edit);
        let txn = self.begin().await?;
        let mut update = asset::Entity::update_many()
            .col_expr(
                asset::Column::Version,
                Expr::col(asset::Column::Version).add(1),
            )
            .col_expr(asset::Column::UpdatedAt, Expr::value(Utc::now()));
        if let Some(title) = &edit.title {
            update = update.col_expr(asset::Column::Title, Expr::value(title.clone()));
        }
        if let Some(description) = &edit.description {
            update = update.col_expr(asset::Column::Description, Expr::value(description.clone()));
        }
        if let Some(credit) = &edit.credit {
            update = update.col_expr(asset::Column::Credit, Expr::value(credit.clone()));
        }
        if let Some(consent) = edit.portrait_consent {
            update = update.col_expr(asset::Column::PortraitConsent, Expr::value(consent));
        }
        if let Some(tags) = &edit.tags {
            update = update
                .col_expr(asset::Column::City, Expr::value(tags.city.clone()))
                .col_expr(asset::Column::Category, Expr::value(tags.category.clone()))
                .col_expr(
                    asset::Column::Subcategory,
                    Expr::value(tags.subcategory.clone()),
                );
        }
        let result = update
            .filter(asset::Column::Id.eq(asset_id))
            .filter(asset::Column::Version.eq(version))
            .exec(&txn)
            .await?;
        if result.rows_affected != 1 {
            txn.rollback().await?;
            return Err(DbError::Conflict(format!("asset {asset_id}")));
        }
        if let Some(tags) = &edit.tags {
            asset_theme::Entity::delete_many()
                .filter(asset_theme::Column::AssetId.eq(asset_id))
                .exec(&txn)
                .await?;
            for theme in &tags.themes {
                asset_theme::ActiveModel {
                    asset_id: Set(asset_id.to_owned()),
                    theme: Set(theme.clone()),
                }
                .insert(&txn)
                .await?;
            }
        }
        record(
            &txn,
            AuditEntry {
                asset_id: Some(asset_id),
                actor: actor.clone(),
                action: "edited",
                from: None,
                to: None,
                details: json!({ "changed": changed }),
            },
        )
        .await?;
        if resubmit {
            change_state_in(
                &txn,
                StateChange {
                    asset_id,
                    from: AssetState::Returned,
                    to: AssetState::PendingReview,
                    expected_version: Some(version + 1),
                    actor,
                    action: "resubmitted",
                    details: json!({}),
                    failure: None,
                    metadata: None,
                },
            )
            .await?;
        }
        txn.commit().await?;
        self.asset(asset_id)
            .await?
            .ok_or_else(|| DbError::NotFound(format!("asset {asset_id}")))
    }
}

/// `{field: [old, new]}` for every field the edit really changes.
fn changes(current: &AssetRecord, edit: &AssetEdit) -> Value {
    let asset = &current.asset;
    let mut changed = Map::new();
    let mut note = |field: &str, old: Value, new: Value| {
        if old != new {
            changed.insert(field.to_owned(), json!([old, new]));
        }
    };
    if let Some(title) = &edit.title {
        note("title", json!(asset.title), json!(title));
    }
    if let Some(description) = &edit.description {
        note("description", json!(asset.description), json!(description));
    }
    if let Some(tags) = &edit.tags {
        note("city", json!(asset.city), json!(tags.city));
        note("category", json!(asset.category), json!(tags.category));
        note(
            "subcategory",
            json!(asset.subcategory),
            json!(tags.subcategory),
        );
        note("themes", json!(current.themes), json!(tags.themes));
    }
    if let Some(credit) = &edit.credit {
        note("credit", json!(asset.credit), json!(credit));
    }
    if let Some(consent) = edit.portrait_consent {
        note(
            "portrait_consent",
            json!(asset.portrait_consent),
            json!(consent),
        );
    }
    Value::Object(changed)
}

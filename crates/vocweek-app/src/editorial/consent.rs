//! 肖像使用授权: a photo or a video may show people, and a unit declares (on upload, or when it
//! corrects the item) whether it has their consent. Recommending such an item to the Ministry
//! without that consent is allowed only when the editor confirms it, one item at a time or for
//! a whole bulk run; the decision's audit event then says `"without_consent": true`.

use vocweek_db::assets::{Asset, AssetRecord};
use vocweek_domain::ReviewAction;

use super::error::NotAllowed;

/// Whether recommending the item needs the editor's confirmation: a photo or a video whose
/// unit declared no portrait consent. The item page asks for the confirmation where this holds.
pub fn consent_missing(asset: &Asset) -> bool {
    asset.kind.may_show_people() && !asset.portrait_consent
}

/// Whether `action` on `record`, at the `version` the editor saw, recommends an item without
/// consent: refused unless `confirmed`, `Ok(true)` when confirmed (the audit event records it).
/// A decision that would be refused anyway (another state, a stale version) is left to that
/// refusal, so that the editor hears the real reason first.
pub(super) fn recommends_without_consent(
    record: &AssetRecord,
    action: ReviewAction,
    version: i32,
    confirmed: bool,
) -> Result<bool, NotAllowed> {
    let asset = &record.asset;
    let applies = action == ReviewAction::Recommend
        && consent_missing(asset)
        && asset.version == version
        && action.target(asset.state).is_ok();
    match (applies, confirmed) {
        (false, _) => Ok(false),
        (true, true) => Ok(true),
        (true, false) => Err(NotAllowed::ConsentUnconfirmed),
    }
}

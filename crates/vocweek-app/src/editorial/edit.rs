//! Editing an item's title, description, tags, credit (作者/摄影) and portrait consent at the
//! version the actor saw. Editors and admins edit their desk's items once processed; a unit
//! corrects only an item it sent itself, only after the editors returned it, and its correction
//! sends the item back to review.

use vocweek_db::DbError;
use vocweek_db::assets::AssetRecord;
use vocweek_db::review::AssetEdit;
use vocweek_domain::{
    AssetState, CreditProblem, TITLE_MAX_CHARS, TagChange, TagInput, Tags, Vocabulary,
    checked_credit, control_character,
};

use super::error::{EditorialError, Forbidden, Invalid, NotAllowed};
use super::{Actor, Editorial};

/// An edit as sent; `None` leaves a text as it is.
#[derive(Debug, Clone)]
pub struct EditInput {
    /// The version the actor saw.
    pub version: i32,
    /// Trimmed here; then 1 to [`TITLE_MAX_CHARS`] characters.
    pub title: Option<String>,
    /// Trimmed here.
    pub description: Option<String>,
    pub tags: TagEdit,
    /// 作者/摄影: trimmed here; then one line of at most `CREDIT_MAX_CHARS` characters (empty
    /// names nobody).
    pub credit: Option<String>,
    /// 肖像使用已授权.
    pub portrait_consent: Option<bool>,
}

/// What an edit does to the tags.
#[derive(Debug, Clone)]
pub enum TagEdit {
    Keep,
    /// A partial change over the item's tags (the API's PATCH); one that touches no tag keeps
    /// them as they are.
    Change(TagChange),
    /// The complete tags, as the item page's form sends them; no city is the item's city.
    Replace(TagInput),
}

impl Editorial {
    /// Edits one item and answers it as it is now.
    pub async fn edit(
        &self,
        actor: &Actor,
        id: &str,
        input: EditInput,
        vocabulary: &Vocabulary,
    ) -> Result<AssetRecord, EditorialError> {
        // The texts' shape first: a control character is refused whatever the item.
        refuse_control_characters(&input)?;
        let record = self.visible_asset(actor, id).await?;
        match self.apply_edit(actor, &record, input, vocabulary).await {
            Ok(edited) => Ok(edited),
            Err(err) => Err(self.described(err).await),
        }
    }

    /// The edit of an item already found visible, whose texts were checked by
    /// `refuse_control_characters` (see `apply_decision` about conflicts).
    pub(super) async fn apply_edit(
        &self,
        actor: &Actor,
        record: &AssetRecord,
        input: EditInput,
        vocabulary: &Vocabulary,
    ) -> Result<AssetRecord, EditorialError> {
        let resubmit = may_edit(actor, record)?;
        let title = input.title.map(|t| t.trim().to_owned());
        if title
            .as_deref()
            .is_some_and(|t| t.is_empty() || t.chars().count() > TITLE_MAX_CHARS)
        {
            return Err(Invalid::Title.into());
        }
        let credit = match input.credit.as_deref().map(checked_credit) {
            None => None,
            Some(Ok(credit)) => Some(credit),
            Some(Err(problem)) => return Err(credit_refusal(problem).into()),
        };
        let tags = checked_tags(record, input.tags, vocabulary)?;
        let edit = AssetEdit {
            title,
            description: input.description.map(|d| d.trim().to_owned()),
            tags,
            credit,
            portrait_consent: input.portrait_consent,
        };
        let edited = self
            .db
            .edit_asset(
                &record.asset.id,
                input.version,
                edit,
                actor.audit(),
                resubmit,
            )
            .await;
        match edited {
            Ok(edited) => Ok(edited),
            Err(DbError::Conflict(_)) => Err(EditorialError::Conflict {
                id: record.asset.id.clone(),
                version: input.version,
                current: None,
            }),
            Err(DbError::NotFound(_)) => Err(EditorialError::NotFound),
            Err(other) => Err(other.into()),
        }
    }
}

/// Whether `actor` may edit the item now; `Ok(true)` when the edit is a unit's correction,
/// which sends the item back to review.
fn may_edit(actor: &Actor, record: &AssetRecord) -> Result<bool, EditorialError> {
    let current = record.asset.state;
    let is_unit = match actor {
        // Only the unit that sent the item corrects it: a unit that later sent the same bytes
        // is recorded as a submitter and may see it, but the item and its review are not its own.
        Actor::Unit(unit) if *unit != record.asset.unit_id => {
            return Err(Forbidden::NotYourUnit.into());
        }
        Actor::Unit(_) => true,
        Actor::Staff { .. } => false,
        Actor::Partner(_) => return Err(Forbidden::Partner.into()),
    };
    if is_unit && current != AssetState::Returned {
        return Err(NotAllowed::NotReturned.into());
    }
    if current == AssetState::Processing {
        return Err(NotAllowed::StillProcessing.into());
    }
    Ok(is_unit)
}

/// The title and the description hold no control characters, the credit not even a line
/// break.
fn refuse_control_characters(input: &EditInput) -> Result<(), Invalid> {
    for (field, text) in [("title", &input.title), ("description", &input.description)] {
        if let Some(character) = text.as_deref().and_then(control_character) {
            return Err(Invalid::ControlCharacter { field, character });
        }
    }
    match input.credit.as_deref().map(checked_credit) {
        Some(Err(problem @ CreditProblem::ControlCharacter(_))) => Err(credit_refusal(problem)),
        _ => Ok(()),
    }
}

fn credit_refusal(problem: CreditProblem) -> Invalid {
    match problem {
        CreditProblem::TooLong => Invalid::Credit,
        CreditProblem::ControlCharacter(character) => Invalid::ControlCharacter {
            field: "credit",
            character,
        },
    }
}

/// The complete, checked tags the edit leaves the item with; `None` when it keeps them.
fn checked_tags(
    record: &AssetRecord,
    edit: TagEdit,
    vocabulary: &Vocabulary,
) -> Result<Option<Tags>, Invalid> {
    let input = match edit {
        TagEdit::Keep => return Ok(None),
        TagEdit::Change(change) if !change.touches_tags() => return Ok(None),
        TagEdit::Change(change) => change.over(&current_tags(record)),
        TagEdit::Replace(input) => input,
    };
    vocabulary
        .validate(&input, &record.asset.city)
        .map(Some)
        .map_err(Invalid::Tags)
}

/// An item's tags as stored.
pub(super) fn current_tags(record: &AssetRecord) -> Tags {
    Tags {
        city: record.asset.city.clone(),
        category: record.asset.category.clone(),
        subcategory: record.asset.subcategory.clone(),
        themes: record.themes.clone(),
    }
}

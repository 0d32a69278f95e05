//! The item page's form for the title, description, tags, credit and portrait consent
//! (`templates/queue/edit_form.html`), with the item's current values; it posts to `edit`.

use vocweek_db::assets::AssetRecord;
use vocweek_domain::Vocabulary;

use crate::choices::{self, Choice, Select};

pub(super) struct EditForm {
    /// City, category and subcategory.
    pub selects: Vec<Select>,
    /// One checkbox per theme, the item's own ticked.
    pub themes: Vec<Choice>,
    /// 作者/摄影 as stored.
    pub credit: String,
    /// 肖像使用已授权, ticked when the unit (or an editor) declared it.
    pub portrait_consent: bool,
}

impl EditForm {
    pub fn of(record: &AssetRecord, vocabulary: &Vocabulary) -> EditForm {
        let asset = &record.asset;
        let cities = choices::cities(vocabulary);
        let categories = choices::categories(vocabulary);
        let subcategories = choices::subcategories(vocabulary);
        let themes = choices::marked(choices::themes(vocabulary), |slug| {
            record.themes.iter().any(|theme| theme.as_str() == slug)
        });
        EditForm {
            selects: vec![
                Select::new("城市", "city", None, cities, Some(asset.city.as_str())),
                Select::new(
                    "活动类别",
                    "category",
                    Some("未分类"),
                    categories,
                    asset.category.as_deref(),
                ),
                Select::new(
                    "子类",
                    "subcategory",
                    Some("（无）"),
                    subcategories,
                    asset.subcategory.as_deref(),
                ),
            ],
            themes,
            credit: asset.credit.clone(),
            portrait_consent: asset.portrait_consent,
        }
    }
}

//! The item page's form for the title, description and tags (`templates/queue/edit_form.html`),
//! with the item's current tags chosen; it posts to `edit`.

use vocweek_db::assets::AssetRecord;
use vocweek_domain::Vocabulary;

use super::Select;

pub(super) struct EditForm {
    /// City, category and subcategory.
    pub selects: Vec<Select>,
    pub themes: Vec<ThemeBox>,
}

/// One theme's checkbox.
pub(super) struct ThemeBox {
    pub slug: String,
    pub label: String,
    pub checked: bool,
}

impl EditForm {
    pub fn of(record: &AssetRecord, vocabulary: &Vocabulary) -> EditForm {
        let asset = &record.asset;
        let cities = vocabulary
            .cities
            .iter()
            .map(|c| (c.slug.as_str(), c.zh.as_str()));
        let categories = vocabulary
            .categories
            .iter()
            .map(|c| (c.slug.as_str(), c.zh.as_str()));
        // One list for every category: each entry says whose subcategory it is.
        let subcategories = vocabulary.categories.iter().flat_map(|c| {
            c.subcategories
                .iter()
                .map(move |t| (t.slug.as_str(), format!("{} · {}", c.zh, t.zh)))
        });
        let themes = vocabulary
            .themes
            .iter()
            .map(|t| ThemeBox {
                slug: t.slug.clone(),
                label: t.zh.clone(),
                checked: record.themes.contains(&t.slug),
            })
            .collect();
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
        }
    }
}

//! An item's 基本信息 (`templates/queue/facts.html`): who sent it (the unit and 上传人, the
//! person or the unit's shared token), who made it (作者/摄影) and
//! whether the people in it consented (肖像授权, a warning where a recommendation would need the
//! editor's confirmation), its tags in Chinese, the file, and what processing learnt of it
//! (size in pixels, capture time, camera, duration), each only when known. The item page and
//! the side-by-side comparison show the same list.

use vocweek_app::consent_missing;
use vocweek_db::assets::{Asset, AssetRecord};
use vocweek_domain::Vocabulary;

use super::media_view::format_duration;
use crate::layout::beijing;

/// One line of the list: what it is, and its value as text.
pub(super) struct Fact {
    pub label: &'static str,
    pub value: String,
    /// Shown as a warning badge: the editor should look before going on.
    pub warning: bool,
}

fn fact(label: &'static str, value: impl Into<String>) -> Fact {
    Fact {
        label,
        value: value.into(),
        warning: false,
    }
}

/// 作者/摄影 as the unit named them, and 肖像授权: 已授权, or 未确认 — a warning where
/// recommending the item needs the editor's confirmation (`vocweek_app::consent_missing`).
fn credit_and_consent(asset: &Asset) -> [Fact; 2] {
    let credit = if asset.credit.is_empty() {
        fact("作者/摄影", "未填写")
    } else {
        fact("作者/摄影", asset.credit.as_str())
    };
    let consent = Fact {
        warning: consent_missing(asset),
        ..fact(
            "肖像授权",
            if asset.portrait_consent {
                "已授权"
            } else {
                "未确认"
            },
        )
    };
    [credit, consent]
}

/// The item's facts in the order editors read them; `unit` is the sending unit's name and
/// `sender` who of it sent the file (上传人: a person, or 单位令牌 for the shared token).
pub(super) fn facts(
    record: &AssetRecord,
    unit: &str,
    sender: &str,
    vocabulary: &Vocabulary,
) -> Vec<Fact> {
    let asset = &record.asset;
    let category = asset
        .category
        .as_deref()
        .and_then(|slug| vocabulary.category(slug));
    let subcategory = asset.subcategory.as_deref().map(|slug| {
        category
            .and_then(|c| c.subcategories.iter().find(|s| s.slug == slug))
            .map_or(slug, |s| s.zh.as_str())
    });
    let themes: Vec<&str> = record
        .themes
        .iter()
        .map(|t| {
            vocabulary
                .theme(t)
                .map_or(t.as_str(), |term| term.zh.as_str())
        })
        .collect();
    let mut list = vec![fact("报送单位", unit), fact("上传人", sender)];
    list.extend(credit_and_consent(asset));
    list.extend([
        fact(
            "城市",
            vocabulary
                .city(&asset.city)
                .map_or(asset.city.as_str(), |c| c.zh.as_str()),
        ),
        fact("活动日期", asset.activity_date.to_string()),
        fact("活动类别", category.map_or("未分类", |c| c.zh.as_str())),
    ]);
    if let Some(subcategory) = subcategory {
        list.push(fact("具体活动", subcategory));
    }
    list.push(fact(
        "主题",
        if themes.is_empty() {
            "无".to_owned()
        } else {
            themes.join("、")
        },
    ));
    list.push(fact("上传时间", beijing(asset.created_at)));
    list.push(fact("原始文件名", asset.original_filename.as_str()));
    list.push(fact("文件大小", human_size(asset.size)));
    list.extend(learnt(asset));
    list
}

/// What processing found in the file, where it found it.
fn learnt(asset: &Asset) -> Vec<Fact> {
    let metadata = &asset.metadata;
    let mut list = Vec::new();
    let number = |pointer: &str| metadata.pointer(pointer).and_then(|v| v.as_u64());
    // A photo's upright size; a video's as viewers see it (rotation applied).
    let size = match (number("/photo/width"), number("/photo/height")) {
        (Some(w), Some(h)) => Some((w, h)),
        _ => number("/video/video/display_width").zip(number("/video/video/display_height")),
    };
    if let Some((width, height)) = size {
        list.push(fact("尺寸", format!("{width} × {height}")));
    }
    if let Some(captured) = asset.captured_at {
        list.push(fact("拍摄时间", beijing(captured)));
    }
    let text = |pointer: &str| {
        metadata
            .pointer(pointer)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    if let Some(camera) = camera(text("/photo/camera_make"), text("/photo/camera_model")) {
        list.push(fact("相机", camera));
    }
    if let Some(seconds) = metadata
        .pointer("/video/duration_seconds")
        .and_then(|d| d.as_f64())
    {
        list.push(fact("时长", format_duration(seconds)));
    }
    list
}

/// `make model`, without the make twice where the model already starts with it (`Canon` and
/// `Canon EOS R5`).
fn camera(make: Option<&str>, model: Option<&str>) -> Option<String> {
    match (make, model) {
        (Some(make), Some(model)) if model.to_lowercase().starts_with(&make.to_lowercase()) => {
            Some(model.to_owned())
        }
        (Some(make), Some(model)) => Some(format!("{make} {model}")),
        (one, other) => one.or(other).map(str::to_owned),
    }
}

/// A file size as people read it: `850 B`, `12.5 KB`, `3.2 MB`, `1.4 GB` (powers of 1024, as
/// the editors' computers show sizes).
pub(super) fn human_size(bytes: i64) -> String {
    const UNITS: [&str; 3] = ["KB", "MB", "GB"];
    let bytes = bytes.max(0);
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(human_size(850), "850 B");
        assert_eq!(human_size(12_800), "12.5 KB");
        assert_eq!(human_size(3_355_443), "3.2 MB");
        assert_eq!(human_size(1_503_238_554), "1.4 GB");
    }

    #[test]
    fn a_camera_is_named_once() {
        assert_eq!(
            camera(Some("Canon"), Some("Canon EOS R5")).as_deref(),
            Some("Canon EOS R5")
        );
        assert_eq!(
            camera(Some("NIKON CORPORATION"), Some("NIKON Z 6")).as_deref(),
            Some("NIKON CORPORATION NIKON Z 6")
        );
        assert_eq!(
            camera(None, Some("iPhone 12")).as_deref(),
            Some("iPhone 12")
        );
        assert_eq!(camera(None, None), None);
    }
}

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::{LanguageIdentifier, langid};

use crate::Lang;

const ZH_CN: &str = include_str!("../messages/zh-CN.ftl");
const EN: &str = include_str!("../messages/en.ftl");

static ZH_CN_BUNDLE: LazyLock<FluentBundle<FluentResource>> =
    LazyLock::new(|| bundle(langid!("zh-CN"), ZH_CN));
static EN_BUNDLE: LazyLock<FluentBundle<FluentResource>> =
    LazyLock::new(|| bundle(langid!("en"), EN));

/// A value for a placeholder (`{ $limit_mib }`).
#[derive(Debug, Clone)]
pub enum Arg {
    Number(f64),
    Text(String),
}

impl From<u64> for Arg {
    fn from(value: u64) -> Self {
        Arg::Number(value as f64)
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(value.to_owned())
    }
}

fn bundle(lang: LanguageIdentifier, source: &str) -> FluentBundle<FluentResource> {
    // A syntax error keeps the entries that parsed (the tests hold the files to none), so a
    // typo loses one sentence, never the catalog.
    let resource =
        FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, _)| partial);
    let mut bundle = FluentBundle::new_concurrent(vec![lang]);
    // Placeholders sit in Chinese and English text only: no bidi isolation marks.
    bundle.set_use_isolating(false);
    let _ = bundle.add_resource(resource);
    bundle
}

fn bundle_for(lang: Lang) -> &'static FluentBundle<FluentResource> {
    match lang {
        Lang::ZhCn => &ZH_CN_BUNDLE,
        Lang::En => &EN_BUNDLE,
    }
}

/// The sentence `id` in `lang` with its placeholders filled, if the catalog has it and every
/// placeholder it uses was given.
fn format(lang: Lang, id: &str, args: &[(&str, Arg)]) -> Option<String> {
    let bundle = bundle_for(lang);
    let pattern = bundle.get_message(id)?.value()?;
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        match value {
            Arg::Number(n) => fluent_args.set(*name, FluentValue::from(*n)),
            Arg::Text(t) => fluent_args.set(*name, FluentValue::from(t.as_str())),
        }
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    errors.is_empty().then(|| text.into_owned())
}

/// Whether the catalog holds `id` in `lang` (the tests walk every code with it).
pub fn has(lang: Lang, id: &str) -> bool {
    bundle_for(lang).has_message(id)
}

/// Why an asset failed, for people. An unknown code (from a newer node, say) still gets a
/// sentence, with the code for whoever helps.
pub fn failure(lang: Lang, code: &str) -> String {
    format(lang, &format!("failure-{code}"), &[]).unwrap_or_else(|| match lang {
        Lang::ZhCn => format!("处理失败（{code}）。"),
        Lang::En => format!("Processing failed ({code})."),
    })
}

/// An entry of an asset's history (`uploaded`, `approve`, `sent_to_ministry`…), for people.
pub fn action(lang: Lang, action: &str) -> String {
    format(lang, &format!("action-{action}"), &[])
        .or_else(|| format(lang, "action-unknown", &[]))
        .unwrap_or_else(|| action.to_owned())
}

/// Why a request was refused, for people, when the catalog has a sentence for `code` (with
/// every placeholder given); `None` leaves the caller's own message.
pub fn error(lang: Lang, code: &str, args: &[(&str, Arg)]) -> Option<String> {
    format(lang, &format!("error-{code}"), args)
}

/// A title vocweek gives an item it makes (`title-<id>`: `clip`, `live-replay`) with its
/// placeholders filled; `None` when the catalog lacks it or a placeholder is missing.
pub fn title(lang: Lang, id: &str, args: &[(&str, Arg)]) -> Option<String> {
    format(lang, &format!("title-{id}"), args)
}

/// A notice to a unit (`notice-<id>`: `item-returned`, `item-returned-subject`, `part-plan`…)
/// with its placeholders filled; `None` when the catalog lacks it or a placeholder is missing.
pub fn notice(lang: Lang, id: &str, args: &[(&str, Arg)]) -> Option<String> {
    format(lang, &format!("notice-{id}"), args)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(source: &str) -> Vec<String> {
        source
            .lines()
            .filter(|line| !line.starts_with('#') && !line.starts_with(' '))
            .filter_map(|line| line.split_once(" = ").map(|(id, _)| id.to_owned()))
            .collect()
    }

    #[test]
    fn both_files_parse_without_errors_and_hold_the_same_keys() {
        for source in [ZH_CN, EN] {
            assert!(
                FluentResource::try_new(source.to_owned()).is_ok(),
                "a catalog file has a syntax error"
            );
        }
        let (mut zh, mut en) = (ids(ZH_CN), ids(EN));
        zh.sort();
        en.sort();
        assert_eq!(zh, en);
        assert!(zh.len() > 60, "{}", zh.len());
        for id in &zh {
            assert!(has(Lang::ZhCn, id) && has(Lang::En, id), "{id}");
        }
    }

    #[test]
    fn chinese_sentences_are_chinese() {
        for id in ids(ZH_CN) {
            let Some(text) = format(
                Lang::ZhCn,
                &id,
                &[
                    ("limit_mib", Arg::from(100)),
                    ("retry_after_seconds", Arg::from(5)),
                    ("code", Arg::from("x")),
                    ("title", Arg::from("x")),
                    ("note", Arg::from("x")),
                    ("day", Arg::from("2021-05-23")),
                    ("part", Arg::from("x")),
                    ("due_on", Arg::from("2021-05-31")),
                    ("unit", Arg::from("x")),
                    ("source", Arg::from("x")),
                    ("from", Arg::from("0:10")),
                    ("to", Arg::from("0:20")),
                    ("channel", Arg::from("x")),
                    ("started", Arg::from("05-10 09:00")),
                ],
            ) else {
                panic!("{id} does not format");
            };
            assert!(
                text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{id}: {text}"
            );
        }
    }

    #[test]
    fn titles_of_the_items_vocweek_makes() {
        let clip = [
            ("source", Arg::from("决赛")),
            ("from", Arg::from("0:10")),
            ("to", Arg::from("0:20")),
        ];
        assert_eq!(
            title(Lang::ZhCn, "clip", &clip).as_deref(),
            Some("决赛 · 片段 0:10–0:20")
        );
        assert_eq!(
            title(Lang::ZhCn, "clip", &clip[..1]),
            None,
            "a placeholder missing"
        );
    }

    #[test]
    fn placeholders_are_filled_and_unknown_codes_still_answer() {
        assert_eq!(
            error(
                Lang::ZhCn,
                "payload-too-large",
                &[("limit_mib", Arg::from(20))]
            )
            .as_deref(),
            Some("文件超过该类素材的大小上限（20 MiB）。")
        );
        // A missing placeholder is no sentence rather than a sentence with a hole.
        assert_eq!(error(Lang::ZhCn, "payload-too-large", &[]), None);
        assert_eq!(
            failure(Lang::ZhCn, "image-too-large"),
            "图片尺寸超过上限，请缩小尺寸后重新上传。"
        );
        assert_eq!(failure(Lang::ZhCn, "new-code"), "处理失败（new-code）。");
        assert_eq!(action(Lang::ZhCn, "sent_to_ministry"), "报送教育部");
        assert_eq!(action(Lang::ZhCn, "something_new"), "其他操作");
        assert_eq!(action(Lang::En, "approve"), "approved");
        assert_eq!(
            notice(
                Lang::ZhCn,
                "item-rejected",
                &[
                    ("title", Arg::from("开放日")),
                    ("note", Arg::from("画面模糊"))
                ]
            )
            .as_deref(),
            Some("您单位报送的素材「开放日」未被采用。原因：画面模糊")
        );
        assert_eq!(notice(Lang::ZhCn, "item-rejected", &[]), None);
    }
}

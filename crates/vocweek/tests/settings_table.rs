//! The README's settings table is generated from `vocweek::config::DOCUMENTED`: the README shows
//! exactly what `markdown_table()` renders, every `VOCWEEK_…` variable's setting has a row, and
//! every key a row names is a setting `vocweek.toml` accepts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use vocweek::config::{Config, DOCUMENTED, ENVIRONMENT, markdown_table};

const BEGIN: &str = "<!-- settings-table:begin";
const END: &str = "<!-- settings-table:end -->";

/// What README.md holds between the marker lines (the begin marker's line excluded).
fn readme_region() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let begin = readme
        .find(BEGIN)
        .expect("README.md has the `<!-- settings-table:begin … -->` line");
    let after_begin = begin
        + readme[begin..]
            .find('\n')
            .expect("a line follows the begin marker")
        + 1;
    let end = after_begin
        + readme[after_begin..]
            .find(END)
            .expect("README.md has the `<!-- settings-table:end -->` line after the begin marker");
    readme[after_begin..end].to_owned()
}

#[test]
fn the_readme_shows_the_generated_table() {
    let rendered = markdown_table();
    let region = readme_region();
    let shown = region.trim_matches('\n');
    let expected = rendered.trim_end_matches('\n');
    if shown != expected {
        let first_difference = shown
            .lines()
            .zip(expected.lines())
            .position(|(a, b)| a != b)
            .map_or_else(
                || "the tables differ in length".to_owned(),
                |line| format!("line {} of the table differs", line + 1),
            );
        panic!(
            "README.md's settings table is stale ({first_difference}); regenerate: copy it into \
             README.md between the markers (a blank line after the begin marker and one before \
             the end marker):\n\n{rendered}"
        );
    }
}

#[test]
fn every_environment_variable_is_documented() {
    let documented: Vec<&str> = DOCUMENTED
        .iter()
        .flat_map(|setting| setting.keys.iter().copied())
        .collect();
    let undocumented: Vec<String> = ENVIRONMENT
        .iter()
        .filter(|(_, key, _)| !documented.contains(key))
        .map(|(variable, key, _)| format!("{variable} ({key})"))
        .collect();
    assert!(
        undocumented.is_empty(),
        "variables whose setting has no row in crates/vocweek/src/config/documented/: \
         {undocumented:?}"
    );
}

#[test]
fn every_key_is_documented_once_and_notes_sit_beside_a_variable() {
    let mut seen: Vec<&str> = Vec::new();
    for setting in DOCUMENTED {
        assert!(!setting.keys.is_empty(), "a row without keys: {setting:?}");
        for &key in setting.keys {
            assert!(!seen.contains(&key), "{key} has two rows");
            seen.push(key);
        }
        if setting.env_note.is_some() {
            assert!(
                setting
                    .keys
                    .iter()
                    .any(|key| ENVIRONMENT.iter().any(|(_, set, _)| set == key)),
                "an environment note on a row without a variable: {setting:?}"
            );
        }
    }
}

/// A value of each type a setting has: text, whole number, boolean, fraction, list of text,
/// list of numbers. A setting accepts one of them; an unknown key none (unknown keys are errors,
/// whatever the value).
const VALUES: [&str; 6] = ["\"text\"", "1", "true", "1.5", "[\"text\"]", "[1]"];

/// Whether a `vocweek.toml` setting only `key` (dotted) to `value` deserializes.
fn accepts(key: &str, value: &str) -> bool {
    toml::from_str::<Config>(&format!("{key} = {value}\n")).is_ok()
}

/// `key` is a setting: it takes a value of some type, and it is not a section (a section takes
/// an empty table — and, being a struct, even a list of its first fields, so the table is what
/// tells the two apart). Checked by deserializing, so a key whose default is unset counts too.
fn is_setting(key: &str) -> bool {
    !accepts(key, "{}") && VALUES.iter().any(|value| accepts(key, value))
}

#[test]
fn every_documented_key_is_a_setting() {
    let not_settings: Vec<&str> = DOCUMENTED
        .iter()
        .flat_map(|setting| setting.keys.iter().copied())
        .filter(|key| !is_setting(key))
        .collect();
    assert!(
        not_settings.is_empty(),
        "documented keys that vocweek.toml refuses (a typo, a removed setting, or a section): \
         {not_settings:?}"
    );
}

#[test]
fn the_setting_check_refuses_what_is_not_a_setting() {
    assert!(accepts("storage.s3.region", "\"eu-west-1\""));
    // A misspelt key, a section, a section taken for a setting, and a field the file cannot
    // set (`media.program` is for the test harness only).
    for key in ["storage.s3.regoin", "storage.s3", "log", "media.program"] {
        assert!(!is_setting(key), "{key} passed for a setting");
    }
}

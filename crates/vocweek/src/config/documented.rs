//! The README's settings table as data: each row's keys, default and meaning. The environment
//! column is not written here but derived from [`ENVIRONMENT`], so the table and the variables
//! the program reads cannot disagree. `tests/settings_table.rs` checks that the README shows
//! exactly [`markdown_table`], that every variable is documented and that every documented key
//! is a setting.

mod processing;
mod service;

use super::environment::ENVIRONMENT;

/// One row of the table: one setting, or several that go together (`a` / `b`).
#[derive(Debug, Clone, Copy)]
pub struct DocumentedSetting {
    /// Dotted `vocweek.toml` keys, e.g. `storage.s3.region`.
    pub keys: &'static [&'static str],
    /// The default as the README shows it (markdown; a row of several keys joins theirs with
    /// ` / `).
    pub default: &'static str,
    /// What the setting does (markdown).
    pub meaning: &'static str,
    /// Shown after the variables, e.g. `(comma-separated)`.
    pub env_note: Option<&'static str>,
}

/// Every documented setting, in the README's order.
pub const DOCUMENTED: &[DocumentedSetting] = &ALL;

const ALL: [DocumentedSetting; service::ROWS.len() + processing::ROWS.len()] =
    concat(service::ROWS, processing::ROWS);

const BLANK: DocumentedSetting = DocumentedSetting {
    keys: &[],
    default: "",
    meaning: "",
    env_note: None,
};

/// `first` then `second` as one array; `N` is the sum of their lengths (checked when compiling:
/// a wrong `N` is an out-of-bounds index in a constant).
const fn concat<const N: usize>(
    first: &[DocumentedSetting],
    second: &[DocumentedSetting],
) -> [DocumentedSetting; N] {
    let mut all = [BLANK; N];
    let mut i = 0;
    while i < first.len() {
        all[i] = first[i];
        i += 1;
    }
    let mut j = 0;
    while j < second.len() {
        all[first.len() + j] = second[j];
        j += 1;
    }
    all
}

/// The settings table as the README shows it: header, separator, one line per row, each line
/// ending in a newline.
pub fn markdown_table() -> String {
    let mut table = String::from(
        "| `vocweek.toml` key | environment | default | meaning |\n| --- | --- | --- | --- |\n",
    );
    for setting in DOCUMENTED {
        let keys: Vec<String> = setting.keys.iter().map(|key| format!("`{key}`")).collect();
        table.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            keys.join(" / "),
            environment_cell(setting),
            setting.default,
            setting.meaning
        ));
    }
    table
}

/// The variables of the row's keys: the first in full, the others shortened past what they
/// share with it (`VOCWEEK_STORAGE_S3_REGION` / `…_BUCKET`), `—` for a key without one; `—`
/// alone when no key has one. Then the row's note, if any.
fn environment_cell(setting: &DocumentedSetting) -> String {
    let mut first: Option<&str> = None;
    let mut shown = Vec::with_capacity(setting.keys.len());
    for key in setting.keys {
        shown.push(match (variable_of(key), first) {
            (None, _) => "—".to_owned(),
            (Some(variable), None) => {
                first = Some(variable);
                format!("`{variable}`")
            }
            (Some(variable), Some(full)) => format!("`{}`", shortened(variable, full)),
        });
    }
    let mut cell = if first.is_some() {
        shown.join(" / ")
    } else {
        "—".to_owned()
    };
    if let Some(note) = setting.env_note {
        cell.push(' ');
        cell.push_str(note);
    }
    cell
}

/// The `VOCWEEK_…` variable that sets `key`, if any.
fn variable_of(key: &str) -> Option<&'static str> {
    ENVIRONMENT
        .into_iter()
        .find(|&(_, setting, _)| setting == key)
        .map(|(variable, _, _)| variable)
}

/// `variable` as `…_REST`, cut at the last `_` of the start it shares with `full`; in full when
/// they share no more than `VOCWEEK_`.
fn shortened(variable: &str, full: &str) -> String {
    let shared = variable
        .bytes()
        .zip(full.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let rest = variable
        .get(..shared)
        .and_then(|start| start.rfind('_'))
        .filter(|&cut| cut > "VOCWEEK".len())
        .and_then(|cut| variable.get(cut..));
    match rest {
        Some(rest) => format!("…{rest}"),
        None => variable.to_owned(),
    }
}

//! Rules on the production sources: who may name the ORM, how long a file may be, and that
//! pages are built in templates, not in Rust strings. Each checker takes a file's path
//! (relative to the workspace) and its text, and returns one line per violation.

use std::path::Path;

use super::lexer::{is_ident_char, lex};

/// Crates whose `src/` is not production code: the end-to-end harness.
pub const NOT_PRODUCTION: &[&str] = &["vocweek-tests"];

/// The crates that may speak to the ORM directly.
const ORM_CRATES: &[&str] = &["vocweek-db", "vocweek-migrations"];

pub const MAX_LINES: usize = 500;

/// Whether `under_src` (a path below a crate's `src/`) is production code: not a `tests.rs`
/// file, nor anything in a `tests` directory.
pub fn is_production_path(under_src: &Path) -> bool {
    under_src.file_name().is_some_and(|name| name != "tests.rs")
        && !under_src.components().any(|c| c.as_os_str() == "tests")
}

/// The production part of a file: everything before its first line starting `#[cfg(test)]`.
pub fn production_part(src: &str) -> &str {
    let mut offset = 0;
    let mut lines = src.split_inclusive('\n').peekable();
    while let Some(line) = lines.next() {
        // Only an inline test module ends the production code: `#[cfg(test)] mod tests;` in
        // the middle of a file declares one and the code after it still counts.
        let inline_module = lines
            .peek()
            .is_some_and(|next| next.trim_start().starts_with("mod ") && next.contains('{'));
        if line.starts_with("#[cfg(test)]") && inline_module {
            return &src[..offset];
        }
        offset += line.len();
    }
    src
}

/// The lines (1-based) of `code` (comments and strings blanked) that use the crate `ident`
/// by path: `ident::…`, `::ident::…`, `use ident …` or `extern crate ident`; not
/// `crate::ident::…` nor `ident_more`.
pub fn crate_use_lines(code: &str, ident: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let mut from = 0;
        while let Some(pos) = line[from..].find(ident) {
            let at = from + pos;
            from = at + ident.len();
            let (before, after) = (&line[..at], &line[from..]);
            if before.ends_with(is_ident_char) || after.starts_with(is_ident_char) {
                continue;
            }
            let relative = before
                .strip_suffix("::")
                .is_some_and(|b| b.trim_end().ends_with(is_ident_char));
            let by_path = after.trim_start().starts_with("::") && !relative;
            let prefix = before.trim_end();
            let imported = ends_with_word(prefix, "use") || ends_with_word(prefix, "extern crate");
            if by_path || imported {
                lines.push(n + 1);
                break;
            }
        }
    }
    lines
}

fn ends_with_word(s: &str, word: &str) -> bool {
    s.strip_suffix(word)
        .is_some_and(|rest| !rest.ends_with(is_ident_char))
}

/// Rule 2: outside the ORM crates no `sea_orm::`/`sqlx::`; outside vocweek-db no
/// `vocweek_db::entities` (the tables' shapes stay behind vocweek-db's functions, which answer
/// with its records). The module is private, so the compiler refuses such a path too; this
/// check says why, and which rule it is. `src` is the production part of `file`, a file of
/// crate `krate`.
pub fn orm_violations(krate: &str, file: &str, src: &str) -> Vec<String> {
    let code = lex(src).code;
    let mut found = Vec::new();
    if !ORM_CRATES.contains(&krate) {
        for ident in ["sea_orm", "sqlx"] {
            for n in crate_use_lines(&code, ident) {
                found.push(format!(
                    "{file}:{n}: uses `{ident}` (only {ORM_CRATES:?} may)"
                ));
            }
        }
    }
    if krate != "vocweek-db" {
        let lines: Vec<&str> = code.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            let squeezed: String = line.split_whitespace().collect();
            if squeezed.contains("vocweek_db::entities") || in_db_group_import(&lines, n) {
                found.push(format!(
                    "{file}:{}: names `vocweek_db::entities` (entities stay inside vocweek-db)",
                    n + 1
                ));
            }
        }
    }
    found
}

/// Whether line `n` names `entities` inside a `use vocweek_db::{…};` group.
fn in_db_group_import(lines: &[&str], n: usize) -> bool {
    let words = |line: &str| {
        line.split(|c: char| !is_ident_char(c))
            .any(|w| w == "entities")
    };
    if !words(lines[n]) {
        return false;
    }
    for k in (0..=n).rev() {
        // A statement ended between the group's start and line `n`.
        if k < n && lines[k].contains(';') {
            return false;
        }
        let squeezed: String = lines[k].split_whitespace().collect();
        if squeezed.contains("usevocweek_db::{") {
            return true;
        }
    }
    false
}

/// Rule 3: a production file longer than [`MAX_LINES`] (tests after `#[cfg(test)]` don't count).
pub fn too_long(file: &str, production: &str) -> Option<String> {
    let lines = production.lines().count();
    (lines > MAX_LINES).then(|| format!("{file}: {lines} lines (at most {MAX_LINES})"))
}

/// Where rule 4's Rust half applies: the crates that answer HTTP, except the Atom feed (XML).
pub fn html_rule_applies(file: &str) -> bool {
    const DIRS: [&str; 2] = ["crates/vocweek-web/src/", "crates/vocweek-api/src/"];
    const EXEMPT: [&str; 1] = ["crates/vocweek-api/src/distribution/atom.rs"];
    DIRS.iter().any(|dir| file.starts_with(*dir)) && !EXEMPT.contains(&file)
}

/// Rule 4, Rust: a `#[template(...)]` that turns escaping off (`escape = "none"`) or renders
/// with a non-HTML extension (`ext = "txt"`), in the production part `src` of `file`.
pub fn unescaped_templates(file: &str, src: &str) -> Vec<String> {
    src.lines()
        .enumerate()
        .filter(|(_, line)| {
            let compact: String = line.split_whitespace().collect();
            compact.starts_with("#[template(")
                && (compact.contains("escape=\"none\"")
                    || (compact.contains("ext=") && !compact.contains("ext=\"html\"")))
        })
        .map(|(n, _)| {
            format!(
                "{file}:{}: a template rendered without HTML escaping",
                n + 1
            )
        })
        .collect()
}

const TAGS: &[&str] = &[
    "p", "div", "a", "table", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "form",
    "input", "button", "select", "option", "span", "ul", "li", "html", "body", "svg", "rect",
    "section", "label", "script", "meta", "br", "img", "strong", "em", "ol", "small", "code",
    "textarea", "video", "audio", "nav", "header", "main", "footer", "figure", "thead", "tbody",
    "title", "link", "style", "iframe", "dl", "dt", "dd", "pre", "b", "i",
];

/// The first HTML tag (`<p>`, `<a href`, `</div>`, `<br/>`) in `text`, if any.
pub fn html_tag(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    lower.match_indices('<').find_map(|(pos, _)| {
        let rest = &lower[pos + 1..];
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        TAGS.iter().find_map(|tag| {
            let after = rest.strip_prefix(*tag)?;
            let ends = after.starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/');
            ends.then(|| format!("<{tag}"))
        })
    })
}

/// Rule 4, Rust: string literals in `src` (the production part of `file`) holding HTML.
pub fn html_in_strings(file: &str, src: &str) -> Vec<String> {
    lex(src)
        .strings
        .iter()
        .filter_map(|(n, text)| {
            let tag = html_tag(text)?;
            Some(format!("{file}:{n}: a string literal holds HTML (`{tag}`)"))
        })
        .collect()
}

/// Rule 4, templates: `|safe` without a `{# safe: <reason> #}` on the same line.
pub fn unexplained_safe(file: &str, template: &str) -> Vec<String> {
    // `|safe`, and the other ways to print unescaped: `|e("none")`, `|escape("none")`,
    // `{% filter safe %}`.
    let safe_filter = |line: &str| {
        let compact: String = line.split_whitespace().collect();
        let filter_safe = line.match_indices('|').any(|(pos, _)| {
            let rest = line[pos + 1..].trim_start();
            rest.strip_prefix("safe")
                .is_some_and(|after| !after.starts_with(is_ident_char))
        });
        filter_safe
            || compact.contains("|e(\"none\")")
            || compact.contains("|escape(\"none\")")
            || compact.contains("{%filtersafe")
    };
    let reason = |line: &str| {
        line.split_once("{# safe:")
            .and_then(|(_, rest)| rest.split_once("#}"))
            .is_some_and(|(why, _)| !why.trim().is_empty())
    };
    template
        .lines()
        .enumerate()
        .filter(|&(_, line)| safe_filter(line) && !reason(line))
        .map(|(n, _)| format!("{file}:{}: `|safe` without `{{# safe: <reason> #}}`", n + 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_excludes_test_modules_and_test_files() {
        assert_eq!(
            production_part("a\nb\n#[cfg(test)]\nmod tests {}\n"),
            "a\nb\n"
        );
        assert_eq!(
            production_part("a\n    #[cfg(test)]\nb\n"),
            "a\n    #[cfg(test)]\nb\n"
        );
        // A declared test module does not hide the code after it.
        let declared = "#[cfg(test)]\nmod tests;\nmod real;\nfn f() {}\n";
        assert_eq!(production_part(declared), declared);
        assert!(is_production_path(Path::new("web/queue.rs")));
        assert!(!is_production_path(Path::new("web/tests.rs")));
        assert!(!is_production_path(Path::new("web/tests/cases.rs")));
    }

    #[test]
    fn orm_paths_are_reported_outside_the_orm_crates() {
        let src = concat!(
            "use sea_orm::EntityTrait;\n",
            "let x = \"sqlx::\"; crate::sqlx::x(); sea_orm_migration::x(); // sea_orm::\n",
            "let s = ::sqlx::query(\"\");\n",
            "use vocweek_db::entities::job;\n",
            "use vocweek_db::{\n    Db,\n    entities::asset,\n};\n",
            "fn f(m: &vocweek_db :: entities::asset::Model) {}\n",
        );
        let found = orm_violations("vocweek-api", "crates/vocweek-api/src/x.rs", src);
        let lines: Vec<&str> = found
            .iter()
            .map(|f| f.split(": ").next().unwrap())
            .collect();
        assert_eq!(
            lines,
            [
                "crates/vocweek-api/src/x.rs:1",
                "crates/vocweek-api/src/x.rs:3",
                "crates/vocweek-api/src/x.rs:4",
                "crates/vocweek-api/src/x.rs:7",
                "crates/vocweek-api/src/x.rs:9"
            ],
            "{found:#?}"
        );
        assert_eq!(
            orm_violations("vocweek-db", "db.rs", src),
            Vec::<String>::new()
        );
        assert_eq!(orm_violations("vocweek-migrations", "m.rs", src).len(), 3);
    }

    #[test]
    fn a_long_file_is_reported_but_its_tests_do_not_count() {
        let long = "fn f() {}\n".repeat(MAX_LINES + 1);
        assert!(
            too_long("big.rs", &long)
                .unwrap()
                .starts_with("big.rs: 501 lines")
        );
        let with_tests = format!(
            "{}#[cfg(test)]\nmod tests {{\n{long}}}\n",
            "fn f() {}\n".repeat(MAX_LINES)
        );
        assert_eq!(too_long("ok.rs", production_part(&with_tests)), None);
    }

    #[test]
    fn html_in_rust_strings_is_reported_but_not_in_comments_or_comparisons() {
        let src = concat!(
            "/// Renders `<p>` for the page.\n",
            "fn page() -> String { format!(\"<p class=\\\"x\\\">{}</p>\", 1) }\n",
            "let raw = r#\"<a href=\"/\">home</a>\"#; let ok = \"a < b, <prefix>, <path>\";\n",
            "let br = \"line<br/>\"; if a<p && b>c {}\n",
        );
        let found = html_in_strings("crates/vocweek-web/src/x.rs", src);
        assert_eq!(
            found,
            [
                "crates/vocweek-web/src/x.rs:2: a string literal holds HTML (`<p`)",
                "crates/vocweek-web/src/x.rs:3: a string literal holds HTML (`<a`)",
                "crates/vocweek-web/src/x.rs:4: a string literal holds HTML (`<br`)"
            ]
        );
        assert_eq!(html_tag("</TD>").as_deref(), Some("<td"));
        assert!(html_rule_applies("crates/vocweek-api/src/json.rs"));
        assert!(!html_rule_applies(
            "crates/vocweek-api/src/distribution/atom.rs"
        ));
        assert!(!html_rule_applies("crates/vocweek-pipeline/src/x.rs"));
    }

    #[test]
    fn a_template_without_escaping_is_reported() {
        let src = concat!(
            "#[template(path = \"a.html\")]\n",
            "#[template(path = \"b.html\", escape = \"none\")]\n",
            "#[template(source = \"{{ x }}\", ext = \"txt\")]\n",
            "#[template(source = \"{{ x }}\", ext = \"html\")]\n",
        );
        assert_eq!(
            unescaped_templates("w.rs", src),
            [
                "w.rs:2: a template rendered without HTML escaping",
                "w.rs:3: a template rendered without HTML escaping"
            ]
        );
    }

    #[test]
    fn safe_in_a_template_needs_a_reason() {
        let template = concat!(
            "<p>{{ body|safe }}</p>\n",
            "<p>{{ body | safe }}{# safe: #}</p>\n",
            "<p>{{ svg|safe }}{# safe: built by askama from escaped values #}</p>\n",
            "{% if a || safe_mode %}{{ text }}{% endif %}\n",
            "<p>{{ body|e(\"none\") }}</p>\n",
            "{% filter safe %}{{ body }}{% endfilter %}\n",
        );
        assert_eq!(
            unexplained_safe("t.html", template),
            [
                "t.html:1: `|safe` without `{# safe: <reason> #}`",
                "t.html:2: `|safe` without `{# safe: <reason> #}`",
                "t.html:5: `|safe` without `{# safe: <reason> #}`",
                "t.html:6: `|safe` without `{# safe: <reason> #}`"
            ]
        );
    }
}

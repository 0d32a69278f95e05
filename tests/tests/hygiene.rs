//! Hygiene, in the spirit of rust-analyzer's `tidy` test: rules about the workspace's shape
//! that review would otherwise have to remember: which crate may depend on what, who speaks
//! to the ORM, how long a file may grow, that pages are built in templates, that a crate's
//! modules import each other one way, and that every dependency is used. They read the sources and `cargo metadata`; no database, no network.
//! Each rule is a pure function in `hygiene/`, tested there on planted violations.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "hygiene/circles.rs"]
mod circles;
#[path = "hygiene/deps.rs"]
mod deps;
#[path = "hygiene/lexer.rs"]
mod lexer;
#[path = "hygiene/sources.rs"]
mod sources;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The workspace's crates, from `cargo metadata --no-deps` (run once per test binary).
fn workspace() -> &'static deps::Workspace {
    static WORKSPACE: OnceLock<deps::Workspace> = OnceLock::new();
    WORKSPACE.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let output = Command::new(cargo)
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .current_dir(&root)
            .output()
            .expect("running cargo metadata");
        assert!(
            output.status.success(),
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let workspace = deps::parse_metadata(&String::from_utf8(output.stdout).unwrap());
        assert!(
            workspace.packages.iter().any(|p| p.name == "vocweek-db"),
            "cargo metadata did not list the workspace's crates"
        );
        workspace
    })
}

/// The files at or under `path` whose names end with `suffix`, sorted.
fn files(path: &Path, suffix: &str) -> Vec<PathBuf> {
    if path.is_file() {
        let wanted = path.to_string_lossy().ends_with(suffix);
        return if wanted {
            vec![path.to_path_buf()]
        } else {
            Vec::new()
        };
    }
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(path) {
        for entry in entries {
            found.extend(files(&entry.unwrap().path(), suffix));
        }
    }
    found.sort();
    found
}

/// `path` relative to the workspace root, as messages show it.
fn shown(path: &Path) -> String {
    let root = &workspace().root;
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// A production source file: its crate, its path, and its text up to `#[cfg(test)]`.
struct Source {
    krate: String,
    file: String,
    text: String,
}

/// Every crate's `src/**/*.rs` but tests (`tests.rs`, `tests/`, after `#[cfg(test)]`) and the
/// crates that are test harness only ([`sources::NOT_PRODUCTION`]).
fn production_sources() -> Vec<Source> {
    let workspace = workspace();
    let mut found = Vec::new();
    for package in &workspace.packages {
        if sources::NOT_PRODUCTION.contains(&package.name.as_str()) {
            continue;
        }
        let src = workspace.root.join(&package.dir).join("src");
        for path in files(&src, ".rs") {
            if !sources::is_production_path(path.strip_prefix(&src).unwrap()) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            found.push(Source {
                krate: package.name.clone(),
                file: shown(&path),
                text: sources::production_part(&text).to_owned(),
            });
        }
    }
    assert!(found.len() > 10, "found too few sources: {}", found.len());
    found
}

fn assert_clean(rule: &str, violations: &[String], fix: &str) {
    assert!(
        violations.is_empty(),
        "{rule}: {} violation(s)\n  {}\nTo fix: {fix}\n",
        violations.len(),
        violations.join("\n  "),
    );
}

#[test]
fn crates_depend_only_on_what_their_layer_may() {
    assert_clean(
        "A crate depends on what another crate owns (RULES in tests/tests/hygiene/deps.rs)",
        &deps::forbidden_dependencies(&workspace().packages),
        "move the code that needs it into the crate that owns it (SQL: vocweek-db, S3: \
         vocweek-storage, decoding untrusted files: vocweek-media, pages: vocweek-web, mounted \
         by the binary) and call that crate's API; a test-only need is a [dev-dependencies] \
         entry. If the rule is what is wrong, change RULES and say why in its comment.",
    );
}

#[test]
fn only_vocweek_db_speaks_to_the_orm() {
    let found: Vec<String> = production_sources()
        .iter()
        .flat_map(|s| sources::orm_violations(&s.krate, &s.file, &s.text))
        .collect();
    assert_clean(
        "ORM types outside vocweek-db",
        &found,
        "add a function to vocweek-db that runs the query and returns a domain type or one of \
         its records (crates/vocweek-db/src/records, re-exported by the module that owns the \
         queries), and call it instead. The entities are private to vocweek-db.",
    );
}

#[test]
fn production_files_stay_short() {
    let found: Vec<String> = production_sources()
        .iter()
        .filter_map(|s| sources::too_long(&s.file, &s.text))
        .collect();
    assert_clean(
        "Production files that are too long",
        &found,
        "split the file into modules along its responsibilities (tests below its first \
         `#[cfg(test)]` line do not count; they may also move to a `tests.rs` beside it).",
    );
}

#[test]
fn pages_are_built_in_templates() {
    let mut found: Vec<String> = production_sources()
        .iter()
        .filter(|s| sources::html_rule_applies(&s.file))
        .flat_map(|s| {
            let mut found = sources::html_in_strings(&s.file, &s.text);
            found.extend(sources::unescaped_templates(&s.file, &s.text));
            found
        })
        .collect();
    let templates = files(&workspace().root.join("crates/vocweek-web/templates"), "");
    assert!(
        !templates.is_empty(),
        "no templates in crates/vocweek-web/templates"
    );
    for path in templates {
        let template = std::fs::read_to_string(&path).unwrap();
        found.extend(sources::unexplained_safe(&shown(&path), &template));
    }
    assert_clean(
        "HTML built outside the templates",
        &found,
        "move the markup into a template under crates/vocweek-web/templates (askama escapes \
         every value) and pass the values to it. A `|safe` needs `{# safe: <why this is \
         already safe HTML> #}` on its line.",
    );
}

#[test]
fn every_dependency_is_used() {
    let workspace = workspace();
    let mut found = Vec::new();
    for package in &workspace.packages {
        // A library's [dependencies] must be used by its production code: one only its unit
        // tests use belongs in [dev-dependencies].
        let harness = sources::NOT_PRODUCTION.contains(&package.name.as_str());
        let mut code = String::new();
        for user in deps::dependency_users(package) {
            let user = workspace.root.join(user);
            for path in files(&user, ".rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let under = path.strip_prefix(&user).unwrap_or(&path);
                if !harness && user.is_dir() && !sources::is_production_path(under) {
                    continue;
                }
                let text = if harness {
                    &text[..]
                } else {
                    sources::production_part(&text)
                };
                code.push_str(&lexer::lex(text).code);
                code.push('\n');
            }
        }
        found.extend(deps::unused_dependencies(
            package,
            &code,
            deps::USED_WITHOUT_NAME,
        ));
    }
    assert_clean(
        "Unused dependencies",
        &found,
        "remove the entry from the crate's Cargo.toml (a dependency only tests use belongs in \
         [dev-dependencies]). If the crate is used without its name (a feature, a linked \
         library), add it to USED_WITHOUT_NAME in tests/tests/hygiene/deps.rs with the reason.",
    );
}

/// Import circles between top-level modules that predate the rule, by crate: each may only
/// shrink or go (the test fails when one is gone, so the list stays true). `vocweek-api` has
/// none and must keep it so: its handlers sit above the state they share.
const KNOWN_CIRCLES: &[(&str, &[&str])] = &[
    ("vocweek", &["cli", "commands"]),
    ("vocweek-db", &["assets", "audit", "feed", "jobs"]),
    ("vocweek-sandbox", &["failure", "runner"]),
    ("vocweek-storage", &["s3_multipart", "s3_store"]),
    ("vocweek-web", &["article_pictures", "queue"]),
    ("vocweek-web", &["form", "layout", "staff"]),
];

#[test]
fn modules_import_each_other_one_way() {
    let workspace = workspace();
    let mut found = Vec::new();
    let mut seen = Vec::new();
    for package in &workspace.packages {
        let src = workspace.root.join(&package.dir).join("src");
        let Ok(lib_rs) = std::fs::read_to_string(src.join("lib.rs")) else {
            continue;
        };
        let root = circles::root(sources::production_part(&lib_rs));
        let mut edges = circles::Edges::new();
        for path in files(&src, ".rs") {
            let under = path.strip_prefix(&src).unwrap();
            let top = under
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned();
            // The root itself, and binaries (their `crate::` is another crate).
            if ["lib", "main", "bin"].contains(&top.as_str()) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = lexer::lex(sources::production_part(&text)).code;
            edges
                .entry(top.clone())
                .or_default()
                .extend(circles::named_modules(&top, &code, &root));
        }
        for group in circles::circles(&edges) {
            let known = KNOWN_CIRCLES
                .iter()
                .any(|(krate, modules)| *krate == package.name && *modules == group);
            if known {
                seen.push((package.name.clone(), group));
            } else {
                found.push(format!(
                    "{}: {}",
                    package.name,
                    circles::describe(&group, &edges)
                ));
            }
        }
    }
    for (krate, modules) in KNOWN_CIRCLES {
        if !seen.iter().any(|(k, m)| k == krate && m == modules) {
            found.push(format!(
                "{krate}: the circle {modules:?} is gone: take it off KNOWN_CIRCLES"
            ));
        }
    }
    assert_clean(
        "Modules that import each other",
        &found,
        "move what both sides need into a module below them (shared state and its types, a \
         route table, a form's fields) so the imports point one way.",
    );
}

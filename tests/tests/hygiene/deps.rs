//! Rules on the crates' dependencies, read from `cargo metadata --no-deps`: which crate may
//! depend on what, and that every dependency is used.

use std::path::PathBuf;

use serde_json::Value;

use super::sources::crate_use_lines;

pub struct Workspace {
    pub root: PathBuf,
    pub packages: Vec<Package>,
}

pub struct Package {
    pub name: String,
    /// The crate's directory, relative to the workspace root (`crates/vocweek-db`, `tests`).
    pub dir: PathBuf,
    pub deps: Vec<Dep>,
}

pub struct Dep {
    /// The package depended on (what crates.io calls it).
    pub name: String,
    /// `rename = …` in Cargo.toml (`foo = { package = "bar" }`).
    pub rename: Option<String>,
    pub kind: Kind,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Normal,
    Build,
    Dev,
}

/// The workspace's crates from `cargo metadata --format-version 1 --no-deps` (which lists the
/// workspace's own packages only).
pub fn parse_metadata(json: &str) -> Workspace {
    let metadata: Value = serde_json::from_str(json).expect("cargo metadata prints JSON");
    let text = |v: &Value| v.as_str().expect("a string in cargo metadata").to_owned();
    let root = PathBuf::from(text(&metadata["workspace_root"]));
    let packages = metadata["packages"].as_array().expect("packages");
    let packages = packages.iter().map(|package| {
        let manifest = PathBuf::from(text(&package["manifest_path"]));
        let dir = manifest.parent().expect("a manifest is in a directory");
        let deps = package["dependencies"].as_array().expect("dependencies");
        Package {
            name: text(&package["name"]),
            dir: dir.strip_prefix(&root).unwrap_or(dir).to_path_buf(),
            deps: deps
                .iter()
                .map(|dep| Dep {
                    name: text(&dep["name"]),
                    rename: dep["rename"].as_str().map(str::to_owned),
                    kind: match dep["kind"].as_str() {
                        None => Kind::Normal,
                        Some("build") => Kind::Build,
                        Some(_) => Kind::Dev,
                    },
                })
                .collect(),
        }
    });
    let packages = packages.collect();
    Workspace { root, packages }
}

/// Which crates may depend (normal dependencies) on which: the reason for the rule, the
/// dependencies (`prefix-*` matches a family), and the workspace crates allowed to use them.
pub const RULES: &[(&str, &[&str], &[&str])] = &[
    (
        "SQL lives in vocweek-db (and its migrations)",
        &["sea-orm", "sea-orm-migration", "sqlx"],
        &["vocweek-db", "vocweek-migrations"],
    ),
    (
        "S3 lives in vocweek-storage",
        &["aws-sdk-*", "aws-smithy-*", "aws-config"],
        &["vocweek-storage"],
    ),
    (
        // Only the decoders some Cargo.toml names today: zune-jpeg, png and miniz_oxide come
        // in through `image`/`flate2` only.
        "untrusted files are decoded in vocweek-media",
        &[
            "image",
            "ffmpeg-next",
            "libheif-rs",
            "fast_image_resize",
            "quick-xml",
            "flate2",
        ],
        &["vocweek-media", "vocweek-tests", "vocweek-bench"],
    ),
    (
        // The pipeline writes the Ministry's batch archive; uploaded archives (.docx) are
        // read in vocweek-media only.
        "zip archives are read in vocweek-media (the pipeline only writes the batch export)",
        &["zip"],
        &[
            "vocweek-media",
            "vocweek-pipeline",
            "vocweek-tests",
            "vocweek-bench",
        ],
    ),
    (
        "mail is sent by vocweek-pipeline's workers (the notices' outbox)",
        &["lettre"],
        &["vocweek-pipeline"],
    ),
    (
        // In particular vocweek-api, which vocweek-web is built on.
        "pages are mounted by the binary, not by the libraries",
        &["vocweek-web"],
        &["vocweek", "vocweek-tests", "vocweek-bench"],
    ),
];

fn pattern_matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == pattern,
    }
}

/// Rule 1: normal dependencies that [`RULES`] forbid.
pub fn forbidden_dependencies(packages: &[Package]) -> Vec<String> {
    let mut found = Vec::new();
    for package in packages {
        for dep in package.deps.iter().filter(|d| d.kind == Kind::Normal) {
            for (why, deps, allowed) in RULES {
                let ruled = deps
                    .iter()
                    .any(|pattern| pattern_matches(pattern, &dep.name));
                if ruled && !allowed.contains(&package.name.as_str()) {
                    found.push(format!(
                        "{}: {} depends on `{}`, but {why}: only {allowed:?} may",
                        package.dir.join("Cargo.toml").display(),
                        package.name,
                        dep.name,
                    ));
                }
            }
        }
    }
    found
}

/// Library names that differ from the package's name (`--no-deps` does not say).
const LIB_NAMES: &[(&str, &str)] = &[("md-5", "md5"), ("kamadak-exif", "exif")];

/// (crate, dependency, why): dependencies used without their name in the code, through a
/// feature or a macro only (a `-sys` crate linked for its library, a crate pinned to turn on a
/// feature of a transitive one). Empty today: every dependency is named in the code.
pub const USED_WITHOUT_NAME: &[(&str, &str, &str)] = &[];

/// The identifier code uses for `dep`.
pub fn ident(dep: &Dep) -> String {
    let lib = LIB_NAMES.iter().find(|(package, _)| *package == dep.name);
    let name = dep.rename.as_deref().or_else(|| lib.map(|(_, lib)| *lib));
    name.unwrap_or(&dep.name).replace('-', "_")
}

/// The files whose code may use `package`'s normal and build dependencies, relative to the
/// workspace root: `src/**` and `build.rs`, and for the end-to-end crate its `tests/**` too.
pub fn dependency_users(package: &Package) -> Vec<PathBuf> {
    let mut dirs = vec![package.dir.join("src"), package.dir.join("build.rs")];
    if package.name == "vocweek-tests" {
        dirs.push(package.dir.join("tests"));
    }
    dirs
}

/// Rule 5: `package`'s normal and build dependencies that `code` (its sources with comments
/// and strings blanked) never names, unless `allowed` lists them.
pub fn unused_dependencies(
    package: &Package,
    code: &str,
    allowed: &[(&str, &str, &str)],
) -> Vec<String> {
    let manifest = package.dir.join("Cargo.toml");
    package
        .deps
        .iter()
        .filter(|dep| dep.kind != Kind::Dev)
        .filter(|dep| {
            !allowed
                .iter()
                .any(|(k, d, _)| *k == package.name && *d == dep.name)
        })
        .filter(|dep| crate_use_lines(code, &ident(dep)).is_empty())
        .map(|dep| {
            let table = if dep.kind == Kind::Build {
                "build-dependencies"
            } else {
                "dependencies"
            };
            let users = dependency_users(package);
            let users: Vec<_> = users.iter().map(|p| p.display().to_string()).collect();
            format!(
                "{}: [{table}] `{}` is not used: `{}` appears nowhere in {}",
                manifest.display(),
                dep.name,
                ident(dep),
                users.join(", "),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const METADATA: &str = r#"{
        "workspace_root": "/w",
        "packages": [
            {"name": "vocweek-api", "manifest_path": "/w/crates/vocweek-api/Cargo.toml",
             "dependencies": [
                {"name": "sea-orm", "rename": null, "kind": null},
                {"name": "aws-smithy-types", "rename": null, "kind": null},
                {"name": "vocweek-web", "rename": null, "kind": null},
                {"name": "image", "rename": null, "kind": "dev"},
                {"name": "md-5", "rename": null, "kind": null},
                {"name": "serde_json", "rename": "json", "kind": null},
                {"name": "cc", "rename": null, "kind": "build"},
                {"name": "tokio", "rename": null, "kind": null}
             ]},
            {"name": "vocweek-db", "manifest_path": "/w/crates/vocweek-db/Cargo.toml",
             "dependencies": [{"name": "sea-orm", "rename": null, "kind": null}]}
        ]
    }"#;

    #[test]
    fn metadata_is_read_with_kinds_renames_and_relative_dirs() {
        let workspace = parse_metadata(METADATA);
        assert_eq!(workspace.root, Path::new("/w"));
        let api = &workspace.packages[0];
        assert_eq!(api.dir, Path::new("crates/vocweek-api"));
        let kinds: Vec<Kind> = api.deps.iter().map(|d| d.kind).collect();
        assert_eq!(
            kinds[3..],
            [
                Kind::Dev,
                Kind::Normal,
                Kind::Normal,
                Kind::Build,
                Kind::Normal
            ]
        );
        let idents: Vec<String> = api.deps[4..6].iter().map(ident).collect();
        assert_eq!(idents, ["md5", "json"]);
    }

    #[test]
    fn forbidden_dependencies_are_reported() {
        let found = forbidden_dependencies(&parse_metadata(METADATA).packages);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(
            found[0].starts_with("crates/vocweek-api/Cargo.toml: vocweek-api depends on `sea-orm`")
        );
        assert!(found[1].contains("`aws-smithy-types`"), "{found:#?}");
        assert!(found[2].contains("`vocweek-web`"), "{found:#?}");
    }

    #[test]
    fn unused_dependencies_are_reported_unless_allowed() {
        let workspace = parse_metadata(METADATA);
        let api = &workspace.packages[0];
        let code = "use sea_orm::Entity;\nfn f() { md5::compute(b\"\"); }\n#[tokio::main]\n\
                    let v = json::json!(1);\nmod vocweek_web_like; crate::cc::x();\n";
        let found = unused_dependencies(api, code, &[]);
        let names: Vec<&str> = found.iter().map(|f| f.split('`').nth(1).unwrap()).collect();
        assert_eq!(
            names,
            ["aws-smithy-types", "vocweek-web", "cc"],
            "{found:#?}"
        );
        assert!(found[2].contains("[build-dependencies]"), "{found:#?}");
        let allowed = [("vocweek-api", "cc", "linked for its C library")];
        assert_eq!(unused_dependencies(api, code, &allowed).len(), 2);
    }
}

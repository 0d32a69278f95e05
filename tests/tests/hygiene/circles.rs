//! Import circles between a crate's top-level modules. A module that reaches, through
//! `crate::…` paths, a module that reaches back cannot be understood, tested or moved without
//! the other: the layers inside a crate must point one way (handlers → shared state → leaf
//! types), as the crates themselves do.
//!
//! A module's edges are the `crate::name` paths in its files' code (comments and strings
//! blanked by the lexer), where `name` is a top-level module or a name `lib.rs` brings into
//! the crate's root with `use` (then the edge goes to the module it comes from).

use std::collections::{BTreeMap, BTreeSet};

use crate::lexer::{is_ident_char, lex};

/// Module → the modules it names.
pub type Edges = BTreeMap<String, BTreeSet<String>>;

/// The crate root's module declarations and the names its `use` items bring into the root,
/// each with the top-level module it comes from.
pub struct Root {
    pub modules: BTreeSet<String>,
    pub reexports: BTreeMap<String, String>,
}

/// Reads `lib.rs` (its code only).
pub fn root(lib_rs: &str) -> Root {
    let code = lex(lib_rs).code;
    let mut modules = BTreeSet::new();
    for statement in code.split([';', '{']) {
        let words: Vec<&str> = statement.split_whitespace().collect();
        if let Some(at) = words.iter().position(|w| *w == "mod")
            && at + 2 == words.len()
        {
            modules.insert(words[at + 1].to_owned());
        }
    }
    let mut reexports = BTreeMap::new();
    for statement in code.split(';') {
        let Some(path) = statement.trim().split_once("use ").map(|(_, rest)| rest) else {
            continue;
        };
        let path = path
            .trim()
            .trim_start_matches("self::")
            .trim_start_matches("crate::");
        let Some((first, rest)) = path.split_once("::") else {
            continue;
        };
        if !modules.contains(first.trim()) {
            continue;
        }
        for name in leaf_names(rest) {
            reexports.insert(name, first.trim().to_owned());
        }
    }
    Root { modules, reexports }
}

/// The names a `use` tree (after its first segment) binds: each path's last segment, or its
/// alias after `as`; `self` and globs bind nothing new here.
fn leaf_names(tree: &str) -> Vec<String> {
    let spaced = tree.replace("::", " :: ").replace(['{', '}', ','], " , ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let mut names = Vec::new();
    for (i, word) in words.iter().enumerate() {
        let next = words.get(i + 1).copied();
        let ident = word.chars().all(is_ident_char) && *word != "as" && *word != "self";
        if !ident || next == Some("::") || next == Some("as") {
            continue;
        }
        names.push((*word).to_owned());
    }
    names
}

/// The top-level modules that `code` (one file of module `from`, comments and strings
/// already blanked) names through `crate::`.
pub fn named_modules(from: &str, code: &str, root: &Root) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut add = |name: &str| {
        let module = if root.modules.contains(name) {
            Some(name)
        } else {
            root.reexports.get(name).map(String::as_str)
        };
        if let Some(module) = module.filter(|m| *m != from) {
            found.insert(module.to_owned());
        }
    };
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| is_ident_char(c) || c == ':') {
            // `vocweek_crate::` or `$crate::`-like: not this crate's root.
            continue;
        }
        let after = rest.trim_start();
        if let Some(group) = after.strip_prefix('{') {
            for name in group_heads(group) {
                add(&name);
            }
        } else {
            let name: String = after.chars().take_while(|c| is_ident_char(*c)).collect();
            add(&name);
        }
    }
    found
}

/// The first segment of each path in a `{…}` group (the text after its `{`).
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 1;
    let mut expecting_head = true;
    let mut chars = group.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => expecting_head = true,
            c if is_ident_char(c) && depth == 1 && expecting_head => {
                let mut name = c.to_string();
                while let Some(&next) = chars.peek().filter(|n| is_ident_char(**n)) {
                    name.push(next);
                    chars.next();
                }
                heads.push(name);
                expecting_head = false;
            }
            _ => {}
        }
    }
    heads
}

/// The strongly connected groups of more than one module, each sorted, in sorted order.
pub fn circles(edges: &Edges) -> Vec<Vec<String>> {
    let nodes: BTreeSet<&String> = edges.keys().chain(edges.values().flatten()).collect();
    // Reachability is enough at this size (a crate has a few dozen modules): two modules
    // are in one circle when each reaches the other.
    let reach = |from: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(node) = todo.pop() {
            for next in edges.get(&node).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut found: BTreeSet<Vec<String>> = BTreeSet::new();
    for node in &nodes {
        let group: Vec<String> = nodes
            .iter()
            .filter(|other| {
                *other == node
                    || (reaches[*node].contains(**other) && reaches[*other].contains(*node))
            })
            .map(|n| (*n).clone())
            .collect();
        if group.len() > 1 {
            found.insert(group);
        }
    }
    found.into_iter().collect()
}

/// The edges of a path inside a circle, for the message: `a → b` for each edge in `group`.
pub fn describe(group: &[String], edges: &Edges) -> String {
    let mut parts = Vec::new();
    for from in group {
        for to in edges.get(from).into_iter().flatten() {
            if group.contains(to) {
                parts.push(format!("{from} → {to}"));
            }
        }
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIB: &str = concat!(
        "//! mod docs_only;\n",
        "mod auth;\npub mod routes;\nmod state;\nmod tus;\n",
        "pub use state::AppState;\n",
        "pub use tus::{TusSettings, receive::{Chunk as Piece}};\n",
    );

    fn edges(files: &[(&str, &str)]) -> Edges {
        let root = root(LIB);
        let mut edges = Edges::new();
        for (module, src) in files {
            edges
                .entry((*module).to_owned())
                .or_default()
                .extend(named_modules(module, &lex(src).code, &root));
        }
        edges
    }

    #[test]
    fn the_root_lists_modules_and_where_reexports_come_from() {
        let root = root(LIB);
        assert_eq!(
            root.modules.iter().collect::<Vec<_>>(),
            ["auth", "routes", "state", "tus"]
        );
        assert_eq!(root.reexports["AppState"], "state");
        assert_eq!(root.reexports["TusSettings"], "tus");
        assert_eq!(root.reexports["Piece"], "tus");
        assert!(!root.reexports.contains_key("Chunk"));
    }

    #[test]
    fn paths_groups_and_reexports_are_edges_but_comments_are_not() {
        let found = edges(&[(
            "routes",
            concat!(
                "// crate::tus in a comment\n",
                "use crate::{AppState, auth::{Caller, Role}};\n",
                "fn f() { crate::tus::configure(); let s = \"crate::nothing\"; }\n",
                "use other_crate::x;\n",
            ),
        )]);
        assert_eq!(
            found["routes"].iter().collect::<Vec<_>>(),
            ["auth", "state", "tus"]
        );
    }

    #[test]
    fn a_planted_circle_is_found_and_a_chain_is_not() {
        let chain = edges(&[
            ("routes", "use crate::AppState;"),
            ("state", "use crate::tus::Settings;"),
        ]);
        assert!(circles(&chain).is_empty());
        let circle = edges(&[
            ("routes", "use crate::AppState;"),
            ("state", "use crate::tus::Settings;"),
            ("tus", "use crate::routes::resource;"),
            ("auth", "use crate::AppState;"),
        ]);
        let found = circles(&circle);
        assert_eq!(found, [["routes", "state", "tus"]]);
        assert_eq!(
            describe(&found[0], &circle),
            "routes → state, state → tus, tus → routes"
        );
    }
}

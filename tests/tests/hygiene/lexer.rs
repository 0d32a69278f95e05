//! Just enough of Rust's lexical grammar to tell code from comments and string literals, so
//! that a word in a doc comment is not a use and `"<p>"` in a string is found.

/// A source file split into its code and its string literals.
pub struct Lexed {
    /// The source with comments and literals blanked out (newlines kept, so line numbers still
    /// match): a word found here is code.
    pub code: String,
    /// Each string literal's contents, escapes as written, with the line it starts on.
    pub strings: Vec<(usize, String)>,
}

#[derive(Clone, Copy)]
enum Token {
    Code,
    /// A comment or a char literal.
    Blank,
    /// A string literal (any kind); its contents are `chars[from..to]`.
    Str(usize, usize),
}

/// Splits `src` into code and string literals.
pub fn lex(src: &str) -> Lexed {
    let chars: Vec<char> = src.chars().collect();
    let mut lexed = Lexed {
        code: String::with_capacity(src.len()),
        strings: Vec::new(),
    };
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let (token, end) = next_token(&chars, i);
        let end = end.clamp(i + 1, chars.len());
        if let Token::Str(from, to) = token {
            let to = to.clamp(from, chars.len());
            lexed.strings.push((line, chars[from..to].iter().collect()));
        }
        for &c in &chars[i..end] {
            if c == '\n' {
                line += 1;
                lexed.code.push('\n');
            } else if matches!(token, Token::Code) {
                lexed.code.push(c);
            } else {
                lexed.code.push(' ');
            }
        }
        i = end;
    }
    lexed
}

pub fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The token starting at `i` and the index just past it.
fn next_token(chars: &[char], i: usize) -> (Token, usize) {
    let at = |k: usize| chars.get(k).copied();
    match (chars[i], at(i + 1)) {
        ('/', Some('/')) => {
            let end = chars[i..].iter().position(|&c| c == '\n');
            (Token::Blank, end.map_or(chars.len(), |n| i + n))
        }
        ('/', Some('*')) => (Token::Blank, block_comment_end(chars, i)),
        ('"', _) => quoted(chars, i + 1),
        // '\n', '\'', '\u{1F600}'
        ('\'', Some('\\')) => {
            let close = chars.iter().skip(i + 3).position(|&c| c == '\'');
            (Token::Blank, close.map_or(chars.len(), |n| i + 3 + n + 1))
        }
        // 'x' (a lifetime such as 'a has no closing quote)
        ('\'', _) if at(i + 2) == Some('\'') => (Token::Blank, i + 3),
        (c, _) if is_ident_char(c) => {
            let end = i + chars[i..].iter().take_while(|&&c| is_ident_char(c)).count();
            let hashes = chars[end..].iter().take_while(|&&c| c == '#').count();
            let ident: String = chars[i..end].iter().collect();
            match ident.as_str() {
                "r" | "br" | "cr" if at(end + hashes) == Some('"') => {
                    raw_quoted(chars, end + hashes + 1, hashes)
                }
                "b" | "c" if at(end) == Some('"') => quoted(chars, end + 1),
                _ => (Token::Code, end),
            }
        }
        _ => (Token::Code, i + 1),
    }
}

/// A `"…"` string whose contents start at `from`.
fn quoted(chars: &[char], from: usize) -> (Token, usize) {
    let mut k = from;
    while k < chars.len() {
        match chars[k] {
            '\\' => k += 2,
            '"' => return (Token::Str(from, k), k + 1),
            _ => k += 1,
        }
    }
    (Token::Str(from, chars.len()), chars.len())
}

/// An `r#"…"#` string with `hashes` hashes whose contents start at `from`.
fn raw_quoted(chars: &[char], from: usize, hashes: usize) -> (Token, usize) {
    let closes =
        |k: usize| chars[k] == '"' && (1..=hashes).all(|h| chars.get(k + h).copied() == Some('#'));
    match (from..chars.len()).find(|&k| closes(k)) {
        Some(k) => (Token::Str(from, k), k + 1 + hashes),
        None => (Token::Str(from, chars.len()), chars.len()),
    }
}

/// The index just past the (possibly nested) block comment starting at `start`.
fn block_comment_end(chars: &[char], start: usize) -> usize {
    let mut depth = 0;
    let mut k = start;
    while k < chars.len() {
        match (chars[k], chars.get(k + 1).copied()) {
            ('/', Some('*')) => {
                depth += 1;
                k += 2;
            }
            ('*', Some('/')) => {
                depth -= 1;
                k += 2;
                if depth == 0 {
                    return k;
                }
            }
            _ => k += 1,
        }
    }
    chars.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_found_with_their_lines_and_comments_are_not_code() {
        let src = concat!(
            "//! sea_orm:: in a doc comment\n",
            "let a = \"<p>one \\\" quote</p>\"; /* nested /* block */ sqlx:: */\n",
            "let q = '\"'; let e = '\\''; fn f<'a>(x: &'a str) {}\n",
            "let r = r#\"raw \"<div>\" \"#; let b = b\"bytes\";\n",
            "let r#type = 1; use sea_orm::Entity;\n",
        );
        let lexed = lex(src);
        let strings: Vec<(usize, &str)> = lexed
            .strings
            .iter()
            .map(|(n, s)| (*n, s.as_str()))
            .collect();
        assert_eq!(
            strings,
            [
                (2, "<p>one \\\" quote</p>"),
                (4, "raw \"<div>\" "),
                (4, "bytes")
            ]
        );
        let code: Vec<&str> = lexed.code.lines().collect();
        assert_eq!(code.len(), 5);
        assert!(!code[0].contains("sea_orm"), "{code:?}");
        assert!(
            !code[1].contains("sqlx") && !code[1].contains('<'),
            "{code:?}"
        );
        assert!(code[2].contains("fn f<'a>(x: &'a str)"), "{code:?}");
        assert!(!code[3].contains("div"), "{code:?}");
        assert!(code[4].contains("use sea_orm::Entity;"), "{code:?}");
    }
}

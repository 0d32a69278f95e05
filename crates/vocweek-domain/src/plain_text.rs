//! Rules on the text people name things with (titles, descriptions, tags).

/// The longest title, in characters.
pub const TITLE_MAX_CHARS: usize = 200;

/// The first control character of `text` other than tab, line feed and carriage return: such
/// characters are invisible on the pages, break the Atom feed's XML and the Excel exports, and
/// PostgreSQL refuses NUL outright.
pub fn control_character(text: &str) -> Option<char> {
    text.chars()
        .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_are_text_and_other_control_characters_are_not() {
        assert_eq!(control_character("实训\n现场\t2026\r"), None);
        for (bad, found) in [
            ("\u{0}", '\u{0}'),
            ("a\u{1}b", '\u{1}'),
            ("\u{7f}", '\u{7f}'),
        ] {
            assert_eq!(control_character(bad), Some(found), "{bad:?}");
        }
    }
}

//! Rules on the text people name things with (titles, descriptions, tags, credit lines).

/// The longest title, in characters.
pub const TITLE_MAX_CHARS: usize = 200;

/// The longest credit line (作者/摄影), in characters: names, not a caption.
pub const CREDIT_MAX_CHARS: usize = 100;

/// Why a credit line is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditProblem {
    /// Longer than [`CREDIT_MAX_CHARS`] once trimmed.
    TooLong,
    /// A control character, line breaks included: a credit is one line (an Atom `<name>`, an
    /// Excel cell).
    ControlCharacter(char),
}

/// A credit line as it is stored: trimmed, one line, at most [`CREDIT_MAX_CHARS`] characters;
/// empty when nobody was named.
pub fn checked_credit(text: &str) -> Result<String, CreditProblem> {
    let credit = text.trim();
    if let Some(character) = credit.chars().find(|c| c.is_control()) {
        return Err(CreditProblem::ControlCharacter(character));
    }
    if credit.chars().count() > CREDIT_MAX_CHARS {
        return Err(CreditProblem::TooLong);
    }
    Ok(credit.to_owned())
}

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

    #[test]
    fn a_credit_is_one_trimmed_line_of_at_most_a_hundred_characters() {
        assert_eq!(
            checked_credit("  张三 / 李四 "),
            Ok("张三 / 李四".to_owned())
        );
        assert_eq!(checked_credit("   "), Ok(String::new()));
        assert_eq!(
            checked_credit(&"摄".repeat(CREDIT_MAX_CHARS)).map(|c| c.chars().count()),
            Ok(100)
        );
        assert_eq!(
            checked_credit(&"摄".repeat(CREDIT_MAX_CHARS + 1)),
            Err(CreditProblem::TooLong)
        );
        assert_eq!(
            checked_credit("张三\n李四"),
            Err(CreditProblem::ControlCharacter('\n'))
        );
        assert_eq!(
            checked_credit("张\u{0}三"),
            Err(CreditProblem::ControlCharacter('\u{0}'))
        );
    }
}

//! Text a caller names things with (titles, descriptions, tags) holds no control characters.
//! They are invisible on the pages, break the Atom feed's XML and the Excel exports, and
//! PostgreSQL refuses NUL outright: refused at the door with the field's name, so every
//! database and every export sees the same clean text.

use crate::ApiError;

/// Refuses a control character other than tab, line feed and carriage return.
pub fn refuse_control_characters(field: &str, value: &str) -> Result<(), ApiError> {
    match vocweek_domain::control_character(value) {
        None => Ok(()),
        Some(c) => Err(ApiError::bad_request(
            "invalid-field",
            format!(
                "the field '{field}' contains the control character U+{:04X}",
                u32::from(c)
            ),
        )
        .with_details(serde_json::json!({ "field": field }))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_pass_and_other_control_characters_do_not() {
        assert!(refuse_control_characters("title", "实训\n现场\t2026\r").is_ok());
        for bad in ["\u{0}", "a\u{1}b", "\u{b}", "\u{7f}", "\u{85}"] {
            let err = refuse_control_characters("title", bad).unwrap_err();
            assert_eq!(err.code, "invalid-field", "{bad:?}");
            assert!(err.message.contains("'title'"), "{}", err.message);
        }
    }
}

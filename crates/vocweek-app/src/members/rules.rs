//! What a unit person's username and name may be: bounded, printable, one line. Usernames are
//! typed at every sign-in, so they are short Latin letters, digits and `. _ -` (no look-alike
//! Unicode), compared without case.

/// The shortest and longest username, in characters.
pub const USERNAME_CHARS: std::ops::RangeInclusive<usize> = 3..=32;
/// The longest name shown for a person (上传人), in characters.
pub const DISPLAY_NAME_MAX_CHARS: usize = 40;
/// The most people with accounts one unit may have.
pub const MAX_PEOPLE_PER_UNIT: usize = 200;

/// The username as stored (trimmed, lowercase), or why it is refused.
pub fn checked_username(username: &str) -> Result<String, String> {
    let name = username.trim().to_lowercase();
    let count = name.chars().count();
    if !USERNAME_CHARS.contains(&count) {
        return Err(format!(
            "username: {} to {} characters",
            USERNAME_CHARS.start(),
            USERNAME_CHARS.end()
        ));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if !name.chars().all(allowed) || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(
            "username: Latin letters, digits, '.', '_' and '-', starting with a letter or digit"
                .to_owned(),
        );
    }
    Ok(name)
}

/// The display name as stored (trimmed), or why it is refused.
pub fn checked_display_name(display_name: &str) -> Result<String, String> {
    let name = display_name.trim();
    if name.is_empty() {
        return Err("display_name: required (the person's name, shown as 上传人)".to_owned());
    }
    if name.chars().count() > DISPLAY_NAME_MAX_CHARS {
        return Err(format!(
            "display_name: at most {DISPLAY_NAME_MAX_CHARS} characters"
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("display_name: one line, without control characters".to_owned());
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_short_latin_and_caseless() {
        assert_eq!(checked_username("  Zhang.San "), Ok("zhang.san".to_owned()));
        assert_eq!(checked_username("li_4-x"), Ok("li_4-x".to_owned()));
        for bad in [
            "ab",
            "",
            "张三丰",
            "a b c",
            ".hidden",
            "x".repeat(33).as_str(),
            "a/b",
        ] {
            assert!(checked_username(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn display_names_are_one_bounded_line() {
        assert_eq!(checked_display_name(" 张三 "), Ok("张三".to_owned()));
        assert!(checked_display_name("  ").is_err());
        assert!(checked_display_name("张\n三").is_err());
        assert!(checked_display_name(&"名".repeat(41)).is_err());
        assert!(checked_display_name(&"名".repeat(40)).is_ok());
    }
}

use serde_json::Value;

/// Why a value from outside (a request, a CSV row, a config file) was refused.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DomainError {
    /// A value that is not one of a closed set; `allowed` lists the accepted values.
    #[error("unknown {field} '{value}'")]
    UnknownValue {
        field: &'static str,
        value: String,
        allowed: Vec<String>,
    },
    /// A value that does not parse (a date, a time, a number).
    #[error("{0}")]
    InvalidValue(String),
    /// A tag that only makes sense together with another one.
    #[error("{0}")]
    InconsistentTags(String),
    /// The state machine does not allow this move.
    #[error("an asset in state '{from}' cannot become '{to}'")]
    ForbiddenTransition { from: String, to: String },
    /// A data file shipped with the project is malformed (a bug, caught by tests).
    #[error("vocabulary data is invalid: {0}")]
    InvalidVocabulary(String),
}

impl DomainError {
    /// Machine-readable details for the API's error body.
    pub fn details(&self) -> Value {
        match self {
            DomainError::UnknownValue {
                field,
                value,
                allowed,
            } => serde_json::json!({ "field": field, "value": value, "allowed": allowed }),
            _ => Value::Null,
        }
    }

    pub(crate) fn unknown<I, S>(field: &'static str, value: &str, allowed: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        DomainError::UnknownValue {
            field,
            value: value.to_owned(),
            allowed: allowed.into_iter().map(Into::into).collect(),
        }
    }
}

//! The check every service error's mapping test shares: each refusal keeps its status and its
//! stable code (and, where the case names one, says what its message says), written once so
//! the four mappings are checked the same way.

use crate::ApiError;

/// `err` answered as an `ApiError`, asserted to have `status` and `code`; returned for any
/// further check of its message or details.
#[track_caller]
pub(crate) fn assert_answer<E>(err: E, status: u16, code: &str) -> ApiError
where
    ApiError: From<E>,
{
    let answer = ApiError::from(err);
    assert_eq!(
        (answer.status.as_u16(), answer.code),
        (status, code),
        "{}",
        answer.message
    );
    answer
}

/// Each `(error, status, code)` answered with that status and code.
#[track_caller]
pub(crate) fn assert_answers<E>(cases: Vec<(E, u16, &str)>)
where
    ApiError: From<E>,
{
    for (err, status, code) in cases {
        assert_answer(err, status, code);
    }
}

/// Each `(error, status, code, message)` answered with that status and code, its message
/// containing `message`.
#[track_caller]
pub(crate) fn assert_answers_saying<E>(cases: Vec<(E, u16, &str, &str)>)
where
    ApiError: From<E>,
{
    for (err, status, code, message) in cases {
        let answer = assert_answer(err, status, code);
        assert!(answer.message.contains(message), "{}", answer.message);
    }
}

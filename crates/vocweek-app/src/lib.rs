//! The use cases of vocweek, between the HTTP faces (the JSON API in `vocweek-api`, the pages
//! in `vocweek-web`) and the services below them (`vocweek-db`, `vocweek-storage`): each takes
//! who acts, checks what that actor may do to what, applies the rules of the domain, and answers
//! with a result or an error the callers tell apart. No HTTP here: the rules are tested
//! against a real database without a server (`tests/`).

pub mod editorial;

pub use editorial::{
    Actor, BulkItem, BulkOutcome, Conflicted, DecisionInput, EditInput, Editorial, EditorialError,
    Forbidden, Invalid, NotAllowed, TagEdit,
};

//! The one message catalog. Machines get stable English codes (`image-too-large`,
//! `sent_to_ministry`); people get a sentence from here: zh-CN on every page, and in the API's
//! `message` when the client asks for Chinese (`Accept-Language`), English otherwise.
//!
//! The sentences are Project Fluent files (`messages/*.ftl`) compiled into the binary, so a
//! translator edits text files, not Rust. Keys: `failure-<code>` (why an asset failed),
//! `action-<action>` (an entry of an asset's history), `error-<code>` (why a request was
//! refused), `notice-<kind>` (what a unit is told on its page and by email).

mod catalog;
mod lang;

pub use catalog::{Arg, action, error, failure, has, notice, title};
pub use lang::Lang;

//! Media work on untrusted files in child processes.
//!
//! Decoding and parsing what units upload — photos, videos, documents — runs libraries in C
//! and Rust that a crafted file can crash, exhaust or hang. None of that may take the server
//! down, so the server never parses media itself: it starts a child of its own binary
//! (`vocweek media-run`), which limits itself (memory, CPU seconds, file size, no core
//! dumps), dies with its parent, confines itself to its scratch directory (Landlock, where the
//! kernel has it), does one task, and answers. How the child ended becomes a stable code.
//!
//! - [`protocol`]: the task and the message lines;
//! - [`limits`]: the rlimits, as arguments and as applied by the child;
//! - [`runner`]: the parent side ([`MediaChild`]);
//! - [`pool`]: children kept for the next photo or article ([`ChildPool`]);
//! - [`failure`]: what an end means ([`Failure`], [`classify`]);
//! - `child`: the child side ([`child_main`]).

mod child;
pub mod failure;
pub mod limits;
pub mod pool;
pub mod protocol;
pub mod runner;

pub use child::child_main;
pub use failure::{Failure, KillReason, VERDICT_CODES, classify};
pub use limits::ChildLimits;
pub use pool::ChildPool;
pub use protocol::{Done, ImageFile, OutputFile, Task, Work};
pub use runner::{Event, Finished, MediaChild, MediaProgram};

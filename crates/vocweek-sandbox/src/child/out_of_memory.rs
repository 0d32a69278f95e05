//! A child's death for memory where Rust would report an error instead of aborting.
//!
//! An allocation the memory limit refuses normally aborts the child with "memory allocation of
//! N bytes failed", which the parent records as `media-out-of-memory` against the file's bytes
//! (`failure.rs`). `std::fs::read` returns the refusal as an error instead
//! (`ErrorKind::OutOfMemory`), and passed on as such it would read as an unreadable file:
//! transient, retried again and again, never a verdict.

use std::io::Write;

/// Ends this child as out of memory, in the words the parent recognises.
pub fn die(what: &str, error: &dyn std::fmt::Display) -> ! {
    let _ = writeln!(
        std::io::stderr().lock(),
        "media-run: memory allocation of {what} failed: {error}"
    );
    std::process::abort()
}

/// Reads the task's input whole; a file the limit has no room for is a death for memory.
pub fn read_input(input: &std::path::Path) -> Result<Vec<u8>, vocweek_media::MediaError> {
    match std::fs::read(input) {
        Ok(bytes) => Ok(bytes),
        Err(err) if err.kind() == std::io::ErrorKind::OutOfMemory => die("the input file", &err),
        Err(err) => Err(vocweek_media::MediaError::Unreadable(err.to_string())),
    }
}

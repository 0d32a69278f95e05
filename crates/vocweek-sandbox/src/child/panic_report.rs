//! How a media child reports a panic: one line on stderr, never a backtrace.
//!
//! Why not the standard hook: it holds the standard library's backtrace lock while it writes
//! the message and (with `RUST_BACKTRACE` set) resolves the backtrace, which allocates. A
//! child is usually near its memory limit when things go wrong; if that allocation fails, the
//! allocation-failure handler waits for the same lock to print its own message, and the child
//! hangs until the parent's wall-clock limit instead of dying of its memory limit at once.
//! This hook never takes the backtrace lock (only stderr's own, reentrant one) and formats
//! the message it is given without allocating.

use std::io::Write;
use std::panic::PanicHookInfo;

/// Replaces the panic hook of this process (a media child only).
pub fn install() {
    std::panic::set_hook(Box::new(report));
}

fn report(info: &PanicHookInfo<'_>) {
    let message = info
        .payload()
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| info.payload().downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    let mut stderr = std::io::stderr().lock();
    let _ = match info.location() {
        Some(at) => writeln!(
            stderr,
            "media-run: panicked at {}:{}: {message}",
            at.file(),
            at.line()
        ),
        None => writeln!(stderr, "media-run: panicked: {message}"),
    };
}

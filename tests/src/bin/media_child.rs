//! The media child of the test harness: the test binaries run the service in-process, so
//! their own executable is a test runner, not `vocweek`; this is the same child code
//! (`vocweek media-run`) as a program of this package, which Cargo builds before the tests.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    vocweek_sandbox::child_main(&args)
}

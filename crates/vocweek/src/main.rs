use std::process::ExitCode;

fn main() -> ExitCode {
    vocweek::cli::main()
}

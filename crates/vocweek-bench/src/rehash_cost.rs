//! What a finished resumable upload's BLAKE3 costs: vocweek re-reads the complete file (16 MiB
//! blocks, each hashed on every core) instead of carrying hasher state across requests, nodes
//! and restarts. This is that code (`vocweek_pipeline::hash_file`), timed.
//!
//! Usage: `rehash-cost FILE` — prints `<bytes> <seconds> <MB/s>`.

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let Some(file) = std::env::args().nth(1) else {
        eprintln!("usage: rehash-cost FILE");
        return ExitCode::from(2);
    };
    let started = Instant::now();
    if let Err(err) = vocweek_pipeline::hash_file(std::path::Path::new(&file)) {
        eprintln!("rehash-cost: {err}");
        return ExitCode::FAILURE;
    }
    let seconds = started.elapsed().as_secs_f64();
    let bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    println!("{bytes} {seconds:.3} {:.1}", bytes as f64 / seconds / 1e6);
    ExitCode::SUCCESS
}

//! The floor of ingest: what storing a file costs with no HTTP at all — read it in 1 MiB
//! chunks, BLAKE3 each chunk, write it to a copy on the same disk, fsync. vocweek's upload path
//! does this same work plus the network and multipart parsing, so its speed is measured
//! against this one.
//!
//! Usage: `ingest-floor SOURCE DESTINATION` — prints `<bytes> <seconds> <MB/s> <blake3>`.

use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [source, destination] = args.as_slice() else {
        eprintln!("usage: ingest-floor SOURCE DESTINATION");
        return ExitCode::from(2);
    };
    match copy_and_hash(source, destination) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("ingest-floor: {err}");
            ExitCode::FAILURE
        }
    }
}

fn copy_and_hash(source: &str, destination: &str) -> std::io::Result<()> {
    let started = Instant::now();
    let mut input = std::fs::File::open(source)?;
    let mut output = std::fs::File::create(destination)?;
    let mut hasher = blake3::Hasher::new();
    let mut buffer = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let read = input.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        output.write_all(&buffer[..read])?;
        total += read as u64;
    }
    output.sync_all()?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{total} {seconds:.3} {:.1} {}",
        total as f64 / seconds / 1e6,
        hasher.finalize().to_hex()
    );
    std::fs::remove_file(destination)
}

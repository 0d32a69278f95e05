//! The load of the media-delivery benchmark: CONCURRENCY clients for SECONDS, each fetching in
//! turn a 1 MiB range at a random offset of the big original and a whole HLS segment, over
//! kept-alive connections — the same client against vocweek's `/media` and against nginx
//! serving the same files from disk, so only the servers differ.
//!
//! Usage: `media-load SECONDS CONCURRENCY TOKEN|- ORIGINAL_URL ORIGINAL_SIZE SEGMENT_URL...`
//! — prints `<bytes> <seconds> <MB/s> <requests> <errors>`.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const RANGE: u64 = 1 << 20;

struct Plan {
    token: Option<String>,
    original: String,
    original_size: u64,
    segments: Vec<String>,
    until: Instant,
}

#[derive(Default)]
struct Tally {
    bytes: AtomicU64,
    requests: AtomicU64,
    errors: AtomicU64,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(seconds), Some(concurrency), Some(token), Some(original), Some(size)) = (
        args.first().and_then(|s| s.parse::<u64>().ok()),
        args.get(1).and_then(|s| s.parse::<usize>().ok()),
        args.get(2),
        args.get(3),
        args.get(4).and_then(|s| s.parse::<u64>().ok()),
    ) else {
        eprintln!(
            "usage: media-load SECONDS CONCURRENCY TOKEN|- ORIGINAL_URL ORIGINAL_SIZE SEGMENT_URL..."
        );
        return ExitCode::from(2);
    };
    let started = Instant::now();
    let plan = Arc::new(Plan {
        token: (token != "-").then(|| token.clone()),
        original: original.clone(),
        original_size: size,
        segments: args[5..].to_vec(),
        until: started + Duration::from_secs(seconds),
    });
    let tally = Arc::new(Tally::default());
    let client = match reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            eprintln!("media-load: {e}");
            return ExitCode::FAILURE;
        }
    };
    let clients: Vec<_> = (0..concurrency)
        .map(|n| tokio::spawn(run(client.clone(), plan.clone(), tally.clone(), n as u64)))
        .collect();
    for client in clients {
        let _ = client.await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let bytes = tally.bytes.load(Ordering::Relaxed);
    println!(
        "{bytes} {elapsed:.2} {:.1} {} {}",
        bytes as f64 / elapsed / 1e6,
        tally.requests.load(Ordering::Relaxed),
        tally.errors.load(Ordering::Relaxed)
    );
    ExitCode::SUCCESS
}

async fn run(client: reqwest::Client, plan: Arc<Plan>, tally: Arc<Tally>, seed: u64) {
    // A small xorshift per client: offsets spread over the whole file, repeatable per client.
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut turn = 0u64;
    while Instant::now() < plan.until {
        turn += 1;
        let mut request = if turn.is_multiple_of(2) || plan.segments.is_empty() {
            let start = next() % plan.original_size.saturating_sub(RANGE).max(1);
            client
                .get(&plan.original)
                .header("Range", format!("bytes={start}-{}", start + RANGE - 1))
        } else {
            let pick = (next() % plan.segments.len() as u64) as usize;
            client.get(&plan.segments[pick])
        };
        if let Some(token) = &plan.token {
            request = request.bearer_auth(token);
        }
        tally.requests.fetch_add(1, Ordering::Relaxed);
        let ok = match request.send().await {
            Ok(response) if response.status().is_success() => match response.bytes().await {
                Ok(body) => {
                    tally.bytes.fetch_add(body.len() as u64, Ordering::Relaxed);
                    true
                }
                Err(_) => false,
            },
            _ => false,
        };
        if !ok {
            tally.errors.fetch_add(1, Ordering::Relaxed);
        }
    }
}

//! Embeds the browser libraries installed from the npm registry (`npm ci` in `vendor/`, which
//! the run and test scripts do) into the binary, so a deployed vocweek is one file. Without
//! them the build still succeeds: the web queue then plays video only where the browser plays
//! HLS natively, the upload page says it cannot upload, and the build warns.

use std::path::PathBuf;

/// (file under `vendor/node_modules`, name in OUT_DIR, what is lost without it)
const VENDORED: [(&str, &str, &str); 2] = [
    (
        "hls.js/dist/hls.light.min.js",
        "hls.light.min.js",
        "the web queue will play video only in browsers with native HLS",
    ),
    (
        "tus-js-client/dist/tus.min.js",
        "tus.min.js",
        "the upload page cannot upload",
    ),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    println!("cargo:rerun-if-changed=vendor/package-lock.json");
    for (source, name, without) in VENDORED {
        let path = manifest.join("vendor/node_modules").join(source);
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = std::fs::read(&path).unwrap_or_else(|_| {
            println!(
                "cargo:warning={source} is not installed (run `npm ci` in crates/vocweek-web/vendor); {without}"
            );
            Vec::new()
        });
        std::fs::write(out.join(name), bytes)?;
    }
    Ok(())
}

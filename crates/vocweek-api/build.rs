//! Embeds the browser libraries installed from the npm registry (`npm ci` in `vendor/`, which
//! the run and test scripts do) into the binary, so a deployed vocweek is one file. Without
//! them the build still succeeds: the web queue then plays video only where the browser plays
//! HLS natively, and says so.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let hls = manifest.join("vendor/node_modules/hls.js/dist/hls.light.min.js");
    println!("cargo:rerun-if-changed={}", hls.display());
    println!("cargo:rerun-if-changed=vendor/package-lock.json");
    let bytes = match std::fs::read(&hls) {
        Ok(bytes) => bytes,
        Err(_) => {
            println!(
                "cargo:warning=hls.js is not installed (run `npm ci` in crates/vocweek-api/vendor); \
                 the web queue will play video only in browsers with native HLS"
            );
            Vec::new()
        }
    };
    std::fs::write(out.join("hls.light.min.js"), bytes)?;
    Ok(())
}

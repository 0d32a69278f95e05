//! `vocweek thumbnail FILE... --out DIR`: the photo job's own code path on local files, for
//! batch use and benchmarks. Writes `<name>.thumb.webp` and `<name>.preview.jpg`, prints one
//! JSON line of facts per file (standard output) and a reason per failed file (standard error).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;

use anyhow::Context;
use vocweek_media::photo::{PhotoSettings, process_photo};

use crate::config::Config;

pub fn run(
    config: &Config,
    files: &[PathBuf],
    out: &Path,
    jobs: Option<usize>,
    full_decode: bool,
) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut settings = config.photos.settings()?;
    settings.shrink_on_load = !full_decode;
    let threads = jobs.unwrap_or(config.photos.concurrency).max(1);
    let next = Mutex::new(files.iter());
    let failures = Mutex::new(0usize);
    std::thread::scope(|scope| {
        for _ in 0..threads.min(files.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let file = match next.lock() {
                        Ok(mut iter) => iter.next(),
                        Err(_) => None,
                    };
                    let Some(file) = file else { break };
                    if let Err(err) = one(file, out, &settings) {
                        eprintln!("{}: {err:#}", file.display());
                        if let Ok(mut count) = failures.lock() {
                            *count += 1;
                        }
                    }
                }
            });
        }
    });
    let failed = failures.into_inner().unwrap_or(0);
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn one(file: &Path, out: &Path, settings: &PhotoSettings) -> anyhow::Result<()> {
    let output =
        process_photo(file, settings).map_err(|e| anyhow::anyhow!("{} ({})", e, e.code()))?;
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "photo".to_owned());
    for encoded in [&output.thumb, &output.preview] {
        let name = if encoded.extension == "webp" {
            "thumb"
        } else {
            "preview"
        };
        let target = out.join(format!("{stem}.{name}.{}", encoded.extension));
        std::fs::write(&target, &encoded.bytes)
            .with_context(|| format!("cannot write {}", target.display()))?;
    }
    let line = serde_json::json!({
        "file": file.display().to_string(),
        "facts": output.facts,
        "perceptual_hash": format!("{:016x}", output.perceptual_hash),
    });
    println!("{line}");
    Ok(())
}

//! `clip`: a stretch of a local video cut as the `make_clip` job cuts it, in a media child —
//! how the clip benchmark runs our code (BENCHMARKS.md), and a way to try a cut by hand.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use vocweek_sandbox::{Done, MediaChild, MediaProgram, Task, Work};

use super::isolated::finish;
use crate::config::Config;

pub async fn run(
    config: &Config,
    file: &Path,
    from: f64,
    to: f64,
    out: &Path,
) -> anyhow::Result<ExitCode> {
    let program = MediaProgram::this_binary()?;
    // The child writes only in its own directory: a fresh one beside OUT, so the clip is
    // moved, not copied.
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let scratch = parent.join(format!(".vocweek-clip-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)
        .with_context(|| format!("cannot create {}", scratch.display()))?;
    let task = Task {
        input: std::fs::canonicalize(file)?,
        out_dir: std::fs::canonicalize(&scratch)?,
        work: Work::Clip {
            settings: config.video.settings(&config.photos),
            from_seconds: from,
            to_seconds: to,
        },
    };
    let limits = config.media.budgets()?.video;
    let outcome = async {
        let mut child = MediaChild::spawn(&program, limits, &task)
            .await
            .context("cannot start the media process")?;
        finish(&mut child, |_| {}).await
    }
    .await;
    let answer = match outcome {
        Ok(Done::Clip { facts, file: made }) => std::fs::rename(scratch.join(&made), out)
            .with_context(|| format!("cannot write {}", out.display()))
            .and_then(|()| Ok(serde_json::to_string_pretty(&facts)?))
            .map(|json| {
                println!("{json}");
                ExitCode::SUCCESS
            }),
        Ok(_) => Err(anyhow::anyhow!(
            "the media process answered another kind of work"
        )),
        Err(err) => {
            eprintln!("{}: {err:#}", file.display());
            Ok(ExitCode::from(1))
        }
    };
    let _ = std::fs::remove_dir_all(&scratch);
    answer
}

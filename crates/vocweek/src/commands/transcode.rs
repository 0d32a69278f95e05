//! `vocweek transcode FILE --out DIR`: the video job's own code on a local file. Progress goes to
//! standard error every second; the facts (probe, renditions, measured bitrates) to standard
//! output as JSON; a bad video exits 1 with its code and reason.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use vocweek_media::video::{Control, transcode};

use crate::config::Config;

pub fn run(config: &Config, file: &Path, out: &Path) -> anyhow::Result<ExitCode> {
    let settings = config.video.settings(&config.photos);
    let control = Arc::new(Control::new());
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let reporter = {
        let control = control.clone();
        std::thread::spawn(move || {
            // Until the transcode ends (the sender is dropped), once a second.
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                done_rx.recv_timeout(Duration::from_secs(1))
            {
                eprint!("\r{:5.1} %", control.progress() * 100.0);
            }
        })
    };
    let result = transcode(file, out, &settings, &control);
    drop(done_tx);
    let _ = reporter.join();
    eprintln!();
    match result {
        Ok(output) => {
            for (name, encoded) in [("poster", &output.poster), ("thumb", &output.thumb)] {
                if let Some(encoded) = encoded {
                    let path = out.join(format!("{name}.{}", encoded.extension));
                    std::fs::write(&path, &encoded.bytes)?;
                }
            }
            println!("{}", serde_json::to_string_pretty(&output)?);
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            eprintln!("{}: {err} ({})", file.display(), err.code());
            Ok(ExitCode::from(1))
        }
    }
}

//! Writing to the parent (message lines on stdout) and into the scratch directory.

use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use vocweek_media::MediaError;

use crate::protocol::{GO, Message};

/// Sends message lines; shared by the work thread and a progress thread.
#[derive(Clone)]
pub struct Reporter {
    stdout: Arc<Mutex<std::io::Stdout>>,
}

impl Reporter {
    pub fn new() -> Self {
        Reporter {
            stdout: Arc::new(Mutex::new(std::io::stdout())),
        }
    }

    pub fn send(&self, message: &Message) {
        if let Ok(mut out) = self.stdout.lock() {
            // A parent that stopped listening will kill us or has died: nothing to do here.
            let _ = out.write_all(message.to_line().as_bytes());
            let _ = out.flush();
        }
    }

    /// Asks for admission of a decode that holds `bytes`, and waits for the parent's go.
    pub fn wait_for_admission(&self, bytes: u64) -> Result<(), MediaError> {
        self.send(&Message::Admit { bytes });
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| MediaError::Internal(format!("waiting for admission: {e}")))?;
        if line.trim() == GO {
            Ok(())
        } else {
            Err(MediaError::Internal(
                "the parent did not admit the decode".to_owned(),
            ))
        }
    }
}

/// Writes one output file into the scratch directory.
pub fn write_file(out_dir: &Path, file: &str, bytes: &[u8]) -> Result<(), MediaError> {
    std::fs::write(out_dir.join(file), bytes)
        .map_err(|e| MediaError::Internal(format!("writing {file}: {e}")))
}

/// This process's peak resident memory so far.
pub fn peak_rss_bytes() -> u64 {
    nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_SELF)
        .map(|usage| u64::try_from(usage.max_rss()).unwrap_or_default() * 1024)
        .unwrap_or_default()
}

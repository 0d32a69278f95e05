//! A real SMTP server for the tests that read what vocweek mails: `tests/clients/smtp_sink.py`
//! on aiosmtpd, which decodes each message with Python's email module (not vocweek's own code)
//! and keeps it as JSON (`envelope_to`, `to`, `from`, `subject`, `body`). Give its `port` to
//! the app as `AppOptions::smtp_port`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The running sink, killed (and its directory removed) when dropped.
pub struct SmtpSink {
    child: std::process::Child,
    dir: PathBuf,
    /// The loopback port it listens on.
    pub port: u16,
}

impl SmtpSink {
    /// Starts the sink and waits until it answers (20 s at most).
    pub fn start() -> SmtpSink {
        let dir = std::env::temp_dir().join(format!("vocweek-smtp-{}", uuid::Uuid::now_v7()));
        let mail = dir.join("mail");
        std::fs::create_dir_all(&mail).unwrap();
        let port_file = dir.join("port");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/smtp_sink.py");
        let child = std::process::Command::new("python3")
            .arg(script)
            .arg(&port_file)
            .arg(&mail)
            .spawn()
            .unwrap();
        // Built before the wait: a sink that never starts is still killed when this panics.
        let mut sink = SmtpSink {
            child,
            dir,
            port: 0,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while !port_file.exists() {
            assert!(
                Instant::now() < deadline,
                "the SMTP sink did not start (is aiosmtpd installed? scripts/test.sh installs it)"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let port = std::fs::read_to_string(&port_file).unwrap();
        sink.port = port.trim().parse().unwrap();
        sink
    }

    /// Every message received so far, in the order received.
    pub fn received(&self) -> Vec<Value> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.join("mail"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|path| serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
            .collect()
    }

    /// The messages, once at least `count` arrived (30 s at most).
    pub async fn wait_for(&self, count: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                Instant::now() < deadline,
                "{} of {count} emails arrived: {received:#?}",
                received.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

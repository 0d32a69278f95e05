//! A real webhook receiver: `tests/clients/webhook_receiver.py`, which verifies each
//! message's signature with the reference Standard Webhooks library (not vocweek's own code)
//! and logs it as JSON; killed when dropped.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

pub struct WebhookReceiver {
    child: std::process::Child,
    /// Where to register it.
    pub url: String,
    /// Write the webhook's secret here: the receiver verifies signatures with it.
    pub secret_file: PathBuf,
    log_file: PathBuf,
}

impl WebhookReceiver {
    /// Starts the receiver in `dir`; it answers 500 to the first `fail_first` messages.
    pub fn start(dir: &Path, fail_first: u32) -> WebhookReceiver {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/webhook_receiver.py");
        let (port_file, secret_file, log_file) = (
            dir.join("port"),
            dir.join("secret"),
            dir.join("received.jsonl"),
        );
        std::fs::write(&secret_file, "whsec_AAAA").unwrap();
        let child = std::process::Command::new("python3")
            .arg(script)
            .args([&port_file, &secret_file, &log_file])
            .arg(fail_first.to_string())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while !port_file.exists() {
            assert!(Instant::now() < deadline, "the receiver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let port = std::fs::read_to_string(&port_file).unwrap();
        WebhookReceiver {
            child,
            url: format!("http://127.0.0.1:{}/hook", port.trim()),
            secret_file,
            log_file,
        }
    }

    /// Every message received so far, as the receiver logged it.
    pub fn received(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log_file)
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    /// Waits until a message of `kind` was accepted (answered 204).
    pub async fn wait_for(&self, kind: &str) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let received = self.received();
            if received
                .iter()
                .any(|m| m["type"] == kind && m["status"] == 204)
            {
                return received;
            }
            assert!(
                Instant::now() < deadline,
                "no {kind} delivered: {received:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

//! The parent side: start a media child, hand it its task, read its messages, and when it
//! ends say what happened — an answer, a refusal, or how it died.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::task::JoinHandle;
use vocweek_media::video::{LiveLadder, LiveSegment};

use crate::failure::{Failure, KillReason, classify};
use crate::limits::ChildLimits;
use crate::protocol::{Done, GO, Message, Task};

/// Lines of a child's stderr kept to explain its death (a panic's message, an allocation
/// failure).
const STDERR_TAIL_LINES: usize = 20;
/// The longest message line taken from a child. A three-hour replay's answer names ~7,000
/// files (~1 MB); a child that sends more is not speaking the protocol.
const MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

/// The program a media child runs: this binary's hidden `media-run` subcommand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaProgram {
    pub path: PathBuf,
    pub args: Vec<OsString>,
}

impl MediaProgram {
    /// `<this executable> media-run`.
    pub fn this_binary() -> std::io::Result<Self> {
        Ok(MediaProgram {
            path: std::env::current_exe()?,
            args: vec!["media-run".into()],
        })
    }
}

/// Something a running child said or did.
#[derive(Debug)]
pub enum Event {
    /// It read a photo's header: admit a decode holding this many bytes, then call `admit`.
    Admit(u64),
    Probed {
        declared_duration_seconds: Option<f64>,
    },
    Progress(f64),
    /// A live transcode's renditions, before its first segment.
    LiveLadder(LiveLadder),
    /// A live rendition's segment is complete: store it, list it.
    LiveSegment(LiveSegment),
    /// It ended. The child is gone; `next` must not be called again.
    Finished(Result<Finished, Failure>),
}

/// A child's successful end.
#[derive(Debug)]
pub struct Finished {
    pub done: Done,
    pub peak_rss_bytes: u64,
}

/// A running media child in its own process group.
pub struct MediaChild {
    child: Child,
    group: Option<Pid>,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    /// A line read in part (kept across a cancelled `next`).
    partial: Vec<u8>,
    stderr: Option<JoinHandle<()>>,
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
    protocol_error: Option<String>,
    killed_for: Option<KillReason>,
    limits: ChildLimits,
    /// Tasks handed to this child so far.
    tasks: u32,
    /// The child's peak memory as its last answer reported it.
    peak_rss_bytes: u64,
}

impl MediaChild {
    /// Starts a child with `limits` and hands it `task`, its only one.
    pub async fn spawn(
        program: &MediaProgram,
        limits: ChildLimits,
        task: &Task,
    ) -> std::io::Result<MediaChild> {
        let mut child = MediaChild::launch(program, limits, &[]).await?;
        child.send(task).await?;
        Ok(child)
    }

    /// Starts a pooled child: confined to `pool_dir`, it does one task after another (each
    /// given by `send`, each in a directory below `pool_dir`) until it is dropped.
    pub async fn spawn_pooled(
        program: &MediaProgram,
        limits: ChildLimits,
        pool_dir: &std::path::Path,
    ) -> std::io::Result<MediaChild> {
        let dir: OsString = pool_dir.as_os_str().to_owned();
        MediaChild::launch(program, limits, &["--pool-dir".into(), dir]).await
    }

    async fn launch(
        program: &MediaProgram,
        limits: ChildLimits,
        extra: &[OsString],
    ) -> std::io::Result<MediaChild> {
        let mut child = Command::new(&program.path)
            .args(&program.args)
            .args(limits.to_args())
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // No backtraces in a child: capturing one allocates under a lock that the
            // allocation-failure handler also takes, so at its memory limit a child could
            // hang instead of dying (see `child/panic_report.rs`).
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE")
            // Its own group, so a kill reaches anything it started and a terminal's ^C
            // does not reach it through ours.
            .process_group(0)
            .kill_on_drop(true)
            .spawn()?;
        let group = child
            .id()
            .and_then(|id| i32::try_from(id).ok())
            .map(Pid::from_raw);
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(std::io::Error::other("the child's pipes were not opened"));
        };
        let stderr_tail = Arc::new(Mutex::new(VecDeque::new()));
        let stderr = tokio::spawn(keep_stderr(stderr, stderr_tail.clone(), group));
        Ok(MediaChild {
            child,
            group,
            stdin: Some(stdin),
            stdout: BufReader::new(stdout),
            partial: Vec::new(),
            stderr: Some(stderr),
            stderr_tail,
            protocol_error: None,
            killed_for: None,
            limits,
            tasks: 0,
            peak_rss_bytes: 0,
        })
    }

    /// Hands the child its next task.
    pub async fn send(&mut self, task: &Task) -> std::io::Result<()> {
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(std::io::Error::other("the child's stdin is closed"));
        };
        let line = serde_json::to_string(task).map_err(std::io::Error::other)?;
        stdin.write_all(format!("{line}\n").as_bytes()).await?;
        stdin.flush().await?;
        self.killed_for = None;
        self.tasks += 1;
        Ok(())
    }

    /// Tasks handed to this child so far.
    pub fn tasks(&self) -> u32 {
        self.tasks
    }

    /// The child's peak resident memory as of its last answer.
    pub fn peak_rss_bytes(&self) -> u64 {
        self.peak_rss_bytes
    }

    /// The child's process id, while it runs.
    pub fn id(&self) -> Option<u32> {
        self.child.id()
    }

    /// Lets a photo child go on with the decode it asked admission for.
    pub async fn admit(&mut self) -> std::io::Result<()> {
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(std::io::Error::other("the child's stdin is closed"));
        };
        stdin.write_all(format!("{GO}\n").as_bytes()).await?;
        stdin.flush().await
    }

    /// Kills the child's whole process group; the next `next` reports `reason`.
    pub fn kill(&mut self, reason: KillReason) {
        self.killed_for.get_or_insert(reason);
        if let Some(group) = self.group {
            // Already gone is fine: the exit status says so.
            let _ = killpg(group, Signal::SIGKILL);
        }
    }

    /// The next thing the child says, or how it ended. Cancel-safe: dropping the future
    /// loses no message.
    pub async fn next(&mut self) -> Event {
        loop {
            match self.next_line().await {
                Ok(Some(line)) => match Message::from_line(&line) {
                    None => tracing::debug!(child = ?self.group, line, "media child stdout"),
                    Some(Err(err)) => {
                        self.protocol_error
                            .get_or_insert_with(|| format!("an unreadable message: {err}"));
                    }
                    Some(Ok(Message::Admit { bytes })) => return Event::Admit(bytes),
                    Some(Ok(Message::Probed {
                        declared_duration_seconds,
                    })) => {
                        return Event::Probed {
                            declared_duration_seconds,
                        };
                    }
                    Some(Ok(Message::Progress { fraction })) => return Event::Progress(fraction),
                    Some(Ok(Message::LiveLadder { ladder })) => return Event::LiveLadder(ladder),
                    Some(Ok(Message::LiveSegment(segment))) => {
                        return Event::LiveSegment(segment);
                    }
                    // The task's answer ends it; a pooled child then waits for the next.
                    Some(Ok(Message::Done {
                        result,
                        peak_rss_bytes,
                    })) => {
                        self.peak_rss_bytes = peak_rss_bytes;
                        return Event::Finished(Ok(Finished {
                            done: result,
                            peak_rss_bytes,
                        }));
                    }
                    Some(Ok(Message::Refused {
                        code,
                        reason,
                        transient,
                    })) => {
                        return Event::Finished(Err(if transient {
                            Failure::Transient(reason)
                        } else {
                            Failure::Refused { code, reason }
                        }));
                    }
                },
                Ok(None) => return Event::Finished(self.finish().await),
                Err(err) => {
                    self.protocol_error.get_or_insert_with(|| err.to_string());
                    self.kill_unasked();
                    return Event::Finished(self.finish().await);
                }
            }
        }
    }

    /// The next line of stdout, at most `MAX_LINE_BYTES`; `None` at its end. Cancel-safe: a
    /// line read in part stays in `partial`.
    async fn next_line(&mut self) -> std::io::Result<Option<String>> {
        loop {
            let available = self.stdout.fill_buf().await?;
            if available.is_empty() {
                if self.partial.is_empty() {
                    return Ok(None);
                }
                let line = String::from_utf8_lossy(&self.partial).into_owned();
                self.partial.clear();
                return Ok(Some(line));
            }
            let newline = available.iter().position(|b| *b == b'\n');
            let take = newline.unwrap_or(available.len());
            if self.partial.len() + take > MAX_LINE_BYTES {
                return Err(std::io::Error::other(format!(
                    "it sent a line longer than {MAX_LINE_BYTES} bytes"
                )));
            }
            self.partial.extend_from_slice(&available[..take]);
            match newline {
                Some(at) => {
                    self.stdout.consume(at + 1);
                    let line = String::from_utf8_lossy(&self.partial).into_owned();
                    self.partial.clear();
                    return Ok(Some(line));
                }
                None => self.stdout.consume(take),
            }
        }
    }

    /// Kills a child that broke the protocol; it ends as a crash, not as our timeout.
    fn kill_unasked(&mut self) {
        if let Some(group) = self.group {
            let _ = killpg(group, Signal::SIGKILL);
        }
    }

    async fn finish(&mut self) -> Result<Finished, Failure> {
        self.stdin = None;
        let status = self.child.wait().await;
        if let Some(stderr) = self.stderr.take() {
            let _ = stderr.await;
        }
        let status: ExitStatus = match status {
            Ok(status) => status,
            Err(err) => return Err(Failure::Transient(format!("waiting for the child: {err}"))),
        };
        let tail: Vec<String> = self
            .stderr_tail
            .lock()
            .map(|t| t.iter().cloned().collect())
            .unwrap_or_default();
        let ended = classify(
            status.code(),
            status.signal(),
            // An answer ends a task before its child's end: here there was none.
            None,
            self.killed_for,
            &tail,
            &self.limits,
        );
        match (&self.protocol_error, ended) {
            // A child that broke the protocol (and that we killed for it) crashed, whatever
            // its exit looks like; our own timeout or cancellation still says so.
            (Some(error), Err(Failure::OutOfMemory { .. } | Failure::Crashed(_))) => {
                tracing::warn!(error, "a media child broke the protocol");
                Err(Failure::Crashed(format!("it broke the protocol: {error}")))
            }
            (_, ended) => ended,
        }
    }
}

/// Forwards a child's stderr to our log at debug level and keeps its last lines.
async fn keep_stderr(
    stderr: tokio::process::ChildStderr,
    tail: Arc<Mutex<VecDeque<String>>>,
    group: Option<Pid>,
) {
    let mut lines = BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        tracing::debug!(child = ?group, line, "media child stderr");
        if let Ok(mut tail) = tail.lock() {
            if tail.len() == STDERR_TAIL_LINES {
                tail.pop_front();
            }
            // A line can be as long as a library pleases; a few hundred characters explain.
            tail.push_back(line.chars().take(500).collect());
        }
    }
}

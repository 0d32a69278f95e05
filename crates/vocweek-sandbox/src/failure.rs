//! What a child's end means: its answer, or how it died, in the stable codes assets fail
//! with. A death is the file's verdict (`is_verdict`): the same bytes would do it again.

use crate::limits::ChildLimits;
use crate::protocol::Message;
use crate::runner::Finished;

/// Why the parent killed a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KillReason {
    /// It ran past its wall-clock limit (seconds).
    TimedOut { limit_seconds: u64 },
    /// Its work is no longer wanted (the asset was deleted).
    Cancelled,
}

/// A child's end without a result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// The file is bad in a way the media code recognised (`image-corrupt`…).
    #[error("{reason}")]
    Refused { code: String, reason: String },
    /// Not the file's fault: the child could not read it, could not start, or was
    /// cancelled. Retry later.
    #[error("{0}")]
    Transient(String),
    #[error("{0}")]
    Cancelled(String),
    /// Killed by a signal, a panic, an exit without an answer.
    #[error("the media process crashed on this file ({0})")]
    Crashed(String),
    #[error(
        "the media process ran out of its memory limit of {limit_mib} MiB on this file{detail}"
    )]
    OutOfMemory { limit_mib: u64, detail: String },
    #[error("the media process did not finish within {0}")]
    TimedOut(String),
    #[error("the media process tried to write a file larger than its limit of {limit_mib} MiB")]
    OutputTooLarge { limit_mib: u64 },
}

impl Failure {
    /// The stable code the asset fails with.
    pub fn code(&self) -> &str {
        match self {
            Failure::Refused { code, .. } => code,
            Failure::Transient(_) => "media-unavailable",
            Failure::Cancelled(_) => "cancelled",
            Failure::Crashed(_) => "media-process-crashed",
            Failure::OutOfMemory { .. } => "media-out-of-memory",
            Failure::TimedOut(_) => "media-timed-out",
            Failure::OutputTooLarge { .. } => "media-output-too-large",
        }
    }

    /// A death the same bytes would cause again: recorded against them, never retried.
    pub fn is_verdict(&self) -> bool {
        matches!(
            self,
            Failure::Crashed(_)
                | Failure::OutOfMemory { .. }
                | Failure::TimedOut(_)
                | Failure::OutputTooLarge { .. }
        )
    }
}

/// The codes of [`Failure::is_verdict`] failures.
pub const VERDICT_CODES: [&str; 4] = [
    "media-process-crashed",
    "media-out-of-memory",
    "media-timed-out",
    "media-output-too-large",
];

/// Exit code of a Rust panic that unwound out of `main`'s thread join.
const PANIC_EXIT: i32 = 101;

/// Judges a child's end from its exit code or signal, its answer, why we killed it (if we
/// did) and the last lines of its stderr.
pub fn classify(
    code: Option<i32>,
    signal: Option<i32>,
    answer: Option<Message>,
    killed_for: Option<KillReason>,
    stderr_tail: &[String],
    limits: &ChildLimits,
) -> Result<Finished, Failure> {
    match killed_for {
        Some(KillReason::TimedOut { limit_seconds }) => {
            return Err(Failure::TimedOut(format!("its limit of {limit_seconds} s")));
        }
        Some(KillReason::Cancelled) => {
            return Err(Failure::Cancelled("the work was cancelled".to_owned()));
        }
        None => {}
    }
    let limit_mib = limits.memory_bytes / (1024 * 1024);
    if let Some(signal) = signal {
        let name = nix::sys::signal::Signal::try_from(signal)
            .map(|s| s.as_str().to_owned())
            .unwrap_or_else(|_| format!("signal {signal}"));
        let allocation_failed = stderr_tail
            .iter()
            .any(|line| line.contains("memory allocation of"));
        return Err(match name.as_str() {
            "SIGXCPU" => Failure::TimedOut(format!("its CPU limit of {} s", limits.cpu_seconds)),
            "SIGXFSZ" => Failure::OutputTooLarge {
                limit_mib: limits.file_size_bytes / (1024 * 1024),
            },
            "SIGABRT" if allocation_failed => Failure::OutOfMemory {
                limit_mib,
                detail: String::new(),
            },
            // We did not send it: the kernel's out-of-memory killer (or an operator).
            "SIGKILL" => Failure::OutOfMemory {
                limit_mib,
                detail: " (killed by the system, most likely for memory)".to_owned(),
            },
            _ => Failure::Crashed(format!("killed by {name}{}", last_words(stderr_tail))),
        });
    }
    match (code, answer) {
        (
            Some(0),
            Some(Message::Done {
                result,
                peak_rss_bytes,
            }),
        ) => Ok(Finished {
            done: result,
            peak_rss_bytes,
        }),
        (
            Some(0),
            Some(Message::Refused {
                code,
                reason,
                transient,
            }),
        ) => Err(if transient {
            Failure::Transient(reason)
        } else {
            Failure::Refused { code, reason }
        }),
        (Some(PANIC_EXIT), _) => Err(Failure::Crashed(format!(
            "it panicked{}",
            last_words(stderr_tail)
        ))),
        // 2: bad invocation, 3: the parent vanished at start — our side, not the file's.
        (Some(code @ (2 | 3)), _) => Err(Failure::Transient(format!(
            "the media process could not start (exit {code}){}",
            last_words(stderr_tail)
        ))),
        (code, _) => Err(Failure::Crashed(format!(
            "it ended with status {} without an answer{}",
            code.map_or_else(|| "?".to_owned(), |c| c.to_string()),
            last_words(stderr_tail)
        ))),
    }
}

/// The most telling line of stderr (a panic message, an assertion), for the reason.
fn last_words(stderr_tail: &[String]) -> String {
    let telling = stderr_tail
        .iter()
        .rev()
        .find(|line| {
            line.contains("panicked")
                || line.contains("overflowed its stack")
                || line.contains("Assertion")
        })
        .or_else(|| stderr_tail.last());
    match telling {
        Some(line) if !line.trim().is_empty() => {
            format!(": {}", line.trim().chars().take(200).collect::<String>())
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: ChildLimits = ChildLimits {
        memory_bytes: 512 * 1024 * 1024,
        cpu_seconds: 60,
        file_size_bytes: 64 * 1024 * 1024,
    };

    fn judge(code: Option<i32>, signal: Option<i32>, stderr: &[&str]) -> Failure {
        let tail: Vec<String> = stderr.iter().map(|s| (*s).to_owned()).collect();
        classify(code, signal, None, None, &tail, &LIMITS).unwrap_err()
    }

    #[test]
    fn each_death_has_its_code() {
        assert_eq!(judge(None, Some(11), &[]).code(), "media-process-crashed");
        let overflow = judge(
            None,
            Some(6),
            &["thread 'media-article' has overflowed its stack"],
        );
        assert_eq!(overflow.code(), "media-process-crashed");
        assert!(overflow.to_string().contains("SIGABRT"), "{overflow}");
        assert!(overflow.to_string().contains("overflowed"), "{overflow}");
        let oom = judge(
            None,
            Some(6),
            &["memory allocation of 1073741824 bytes failed"],
        );
        assert_eq!(oom.code(), "media-out-of-memory");
        assert!(oom.to_string().contains("512 MiB"), "{oom}");
        assert_eq!(judge(None, Some(9), &[]).code(), "media-out-of-memory");
        assert_eq!(judge(None, Some(24), &[]).code(), "media-timed-out");
        assert_eq!(judge(None, Some(25), &[]).code(), "media-output-too-large");
        let panic = judge(
            Some(101),
            None,
            &["thread 'x' panicked at src/a.rs:1:1:", "boom"],
        );
        assert_eq!(panic.code(), "media-process-crashed");
        assert!(panic.to_string().contains("panicked"), "{panic}");
        assert_eq!(judge(Some(2), None, &[]).code(), "media-unavailable");
        assert_eq!(judge(Some(0), None, &[]).code(), "media-process-crashed");
        for failure in [judge(None, Some(11), &[]), judge(None, Some(9), &[])] {
            assert!(failure.is_verdict());
            assert!(VERDICT_CODES.contains(&failure.code()));
        }
        assert!(!judge(Some(2), None, &[]).is_verdict());
    }

    #[test]
    fn our_kill_is_told_apart_from_a_crash() {
        let timed_out = classify(
            None,
            Some(9),
            None,
            Some(KillReason::TimedOut { limit_seconds: 30 }),
            &[],
            &LIMITS,
        )
        .unwrap_err();
        assert_eq!(timed_out.code(), "media-timed-out");
        assert!(timed_out.to_string().contains("30 s"));
        let cancelled = classify(
            None,
            Some(9),
            None,
            Some(KillReason::Cancelled),
            &[],
            &LIMITS,
        )
        .unwrap_err();
        assert!(!cancelled.is_verdict());
    }

    #[test]
    fn a_refusal_keeps_its_code_and_an_unreadable_file_is_retried() {
        let refused = Message::Refused {
            code: "image-corrupt".to_owned(),
            reason: "bad".to_owned(),
            transient: false,
        };
        let failure = classify(Some(0), None, Some(refused), None, &[], &LIMITS).unwrap_err();
        assert_eq!(failure.code(), "image-corrupt");
        assert!(!failure.is_verdict());
        let unreadable = Message::Refused {
            code: "media-unreadable".to_owned(),
            reason: "gone".to_owned(),
            transient: true,
        };
        let failure = classify(Some(0), None, Some(unreadable), None, &[], &LIMITS).unwrap_err();
        assert!(matches!(failure, Failure::Transient(_)));
    }
}

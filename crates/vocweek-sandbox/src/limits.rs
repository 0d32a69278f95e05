//! The resource limits of one media child, passed on its command line and applied by the
//! child to itself before it reads its task: nothing untrusted is parsed before they hold.
//!
//! Why the child applies them and not the parent between fork and exec: `pre_exec` needs
//! `unsafe`, which this workspace forbids; a limit set by the process on itself before it
//! reads any input bounds the same work, and the hard limits cannot be raised again.

use std::ffi::OsString;

use nix::sys::resource::{Resource, setrlimit};

/// Limits of one child process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildLimits {
    /// `RLIMIT_DATA`: heap and private writable mappings (what decoded pictures, frames and
    /// thread stacks use). Unlike `RLIMIT_AS` it does not count address space merely
    /// reserved, so glibc's per-thread arenas and the shared libraries do not eat the budget.
    pub memory_bytes: u64,
    /// `RLIMIT_CPU`: CPU seconds over all threads; SIGXCPU when passed.
    pub cpu_seconds: u64,
    /// `RLIMIT_FSIZE`: the largest file it may write; SIGXFSZ when passed.
    pub file_size_bytes: u64,
}

/// CPU seconds the child gets after the soft limit's SIGXCPU before the kernel kills it.
const CPU_GRACE_SECONDS: u64 = 5;

impl ChildLimits {
    pub fn to_args(self) -> Vec<OsString> {
        vec![
            "--memory-bytes".into(),
            self.memory_bytes.to_string().into(),
            "--cpu-seconds".into(),
            self.cpu_seconds.to_string().into(),
            "--file-size-bytes".into(),
            self.file_size_bytes.to_string().into(),
        ]
    }

    /// Applies the limits to the calling process (the child, first thing).
    pub fn apply_to_self(self) -> nix::Result<()> {
        setrlimit(Resource::RLIMIT_CORE, 0, 0)?;
        setrlimit(Resource::RLIMIT_DATA, self.memory_bytes, self.memory_bytes)?;
        setrlimit(
            Resource::RLIMIT_CPU,
            self.cpu_seconds.max(1),
            self.cpu_seconds.max(1).saturating_add(CPU_GRACE_SECONDS),
        )?;
        setrlimit(
            Resource::RLIMIT_FSIZE,
            self.file_size_bytes,
            self.file_size_bytes,
        )?;
        Ok(())
    }
}

//! How a child fences itself in: resource limits, death with its parent, and (where the
//! kernel has Landlock) no writes outside its scratch directory and no TCP at all.
//!
//! Landlock rather than seccomp: it is unprivileged, names what is allowed in terms of paths
//! and ports rather than a per-architecture list of system calls that changes with libc and
//! FFmpeg releases, and the `landlock` crate degrades to "not enforced" on older kernels
//! instead of failing.

use std::path::Path;

use landlock::{
    ABI, Access, AccessFs, AccessNet, Ruleset, RulesetAttr, RulesetCreatedAttr, RulesetStatus,
    path_beneath_rules,
};
use nix::sys::signal::Signal;

use crate::limits::ChildLimits;

/// How much lower than the server a media child runs (nice(2): 0 normal, 19 lowest).
const MEDIA_NICENESS: i32 = 10;

/// Limits, a lower priority and the parent-death signal, before the task is read.
pub fn before_reading(limits: ChildLimits) -> nix::Result<()> {
    limits.apply_to_self()?;
    // Media work yields the CPU to the server's own threads: with both cores decoding, fifty
    // units uploading at once still get their bytes read and answered. Raising the niceness
    // needs no privilege; if it fails the work runs at normal priority, which is only slower
    // for the others, never wrong.
    if let Err(err) = rustix::process::nice(MEDIA_NICENESS) {
        tracing::debug!(error = %err, "could not lower the media child's priority");
    }
    nix::sys::prctl::set_pdeathsig(Signal::SIGKILL)?;
    // The parent may have died before the line above: then we were re-parented already.
    if nix::unistd::getppid() == nix::unistd::Pid::from_raw(1) {
        std::process::exit(3);
    }
    Ok(())
}

/// From here on the process may write only below `out_dir` and open no TCP connection.
/// Best effort: a kernel without Landlock leaves the rlimits and the process boundary.
pub fn to_out_dir(out_dir: &Path) {
    let abi = ABI::V4;
    let status = Ruleset::default()
        .handle_access(AccessFs::from_write(abi))
        .and_then(|r| r.handle_access(AccessNet::from_all(abi)))
        .and_then(|r| r.create())
        .and_then(|r| r.add_rules(path_beneath_rules([out_dir], AccessFs::from_write(abi))))
        .and_then(|r| r.restrict_self());
    match status {
        Ok(status) if status.ruleset == RulesetStatus::NotEnforced => {
            tracing::debug!("Landlock is not available; the child is confined by rlimits only");
        }
        Ok(_) => {}
        Err(err) => eprintln!("media-run: Landlock confinement failed: {err}"),
    }
}

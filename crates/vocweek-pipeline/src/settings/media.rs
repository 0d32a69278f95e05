//! `[media]`: the limits of media child processes, so that a hostile file costs no one else.

use serde::Deserialize;
use vocweek_domain::ByteSize;
use vocweek_sandbox::{ChildLimits, MediaProgram};

use super::{SettingError, refuse};
use crate::jobs::ChildBudgets;

/// Below this a child cannot start its work thread and libraries.
const MIN_CHILD_MEMORY: ByteSize = ByteSize::mib(64);

/// Each media child's limits. Memory is `RLIMIT_DATA` (heap and private mappings); CPU is
/// seconds over all its threads; `max_output_file` is the largest file a child may write.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaConfig {
    pub photo_memory: ByteSize,
    pub article_memory: ByteSize,
    pub video_memory: ByteSize,
    pub photo_cpu_seconds: u64,
    pub article_cpu_seconds: u64,
    pub video_cpu_seconds: u64,
    pub photo_max_output_file: ByteSize,
    pub article_max_output_file: ByteSize,
    pub video_max_output_file: ByteSize,
    /// The program media children run; unset, this binary's `media-run`. Not a file
    /// setting: the test harness, whose executable is a test runner, sets it.
    #[serde(skip)]
    pub program: Option<MediaProgram>,
}

impl Default for MediaConfig {
    fn default() -> Self {
        let defaults = ChildBudgets::default();
        MediaConfig {
            photo_memory: ByteSize::bytes(defaults.photo.memory_bytes),
            article_memory: ByteSize::bytes(defaults.article.memory_bytes),
            video_memory: ByteSize::bytes(defaults.video.memory_bytes),
            photo_cpu_seconds: defaults.photo.cpu_seconds,
            article_cpu_seconds: defaults.article.cpu_seconds,
            video_cpu_seconds: defaults.video.cpu_seconds,
            photo_max_output_file: ByteSize::bytes(defaults.photo.file_size_bytes),
            article_max_output_file: ByteSize::bytes(defaults.article.file_size_bytes),
            video_max_output_file: ByteSize::bytes(defaults.video.file_size_bytes),
            program: None,
        }
    }
}

impl MediaConfig {
    /// Each kind of child's limits, once checked.
    pub fn budgets(&self) -> Result<ChildBudgets, SettingError> {
        let video = child(
            "video",
            self.video_memory,
            self.video_cpu_seconds,
            self.video_max_output_file,
        )?;
        Ok(ChildBudgets {
            photo: child(
                "photo",
                self.photo_memory,
                self.photo_cpu_seconds,
                self.photo_max_output_file,
            )?,
            article: child(
                "article",
                self.article_memory,
                self.article_cpu_seconds,
                self.article_max_output_file,
            )?,
            video,
            live: ChildBudgets::live_beside(video),
        })
    }
}

/// One kind of child's limits; `kind` names its keys in a refusal.
fn child(
    kind: &str,
    memory: ByteSize,
    cpu_seconds: u64,
    max_output_file: ByteSize,
) -> Result<ChildLimits, SettingError> {
    if cpu_seconds == 0 {
        return refuse(format!("media.{kind}_cpu_seconds must be at least 1"));
    }
    if memory < MIN_CHILD_MEMORY {
        return refuse(format!(
            "media.{kind}_memory must be at least {MIN_CHILD_MEMORY} (the child's code and stacks)"
        ));
    }
    Ok(ChildLimits {
        memory_bytes: memory.as_u64(),
        cpu_seconds,
        file_size_bytes: max_output_file.as_u64(),
    })
}

use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

/// How to reach an S3-compatible bucket (AWS, Garage, MinIO, Ceph…) and how to write to it.
#[derive(Debug, Clone)]
pub struct S3Settings {
    /// `http(s)://host:port` of a non-AWS store; `None` for AWS itself (from the region).
    pub endpoint: Option<String>,
    pub region: String,
    pub bucket: String,
    /// Prepended to every key (`vocweek/` to share a bucket); empty for none.
    pub prefix: String,
    pub access_key_id: String,
    /// Secret: the settings' `{:?}` shows it redacted.
    pub secret_access_key: SecretString,
    /// `https://host/bucket/key` instead of `https://bucket.host/key`: most self-hosted stores
    /// need it, AWS prefers virtual hosts.
    pub path_style: bool,
    /// Objects at least this large are sent as a multipart upload of parts this size.
    pub part_size: u64,
    /// Parts in flight at once for one object.
    pub parallel_parts: usize,
    /// Attempts per request (the first included) on 5xx answers, throttling and timeouts.
    pub max_attempts: u32,
    /// Connecting, and waiting for the first byte of an answer.
    pub timeout: Duration,
    /// Local directory for uploads being received and downloads being processed.
    pub staging: PathBuf,
}

/// S3 refuses parts under 5 MiB (but the last) and allows at most 10,000 of them.
pub(crate) const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;
pub(crate) const MAX_PARTS: u64 = 10_000;

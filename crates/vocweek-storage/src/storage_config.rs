//! `[storage]` of `vocweek.toml`: which store holds the blobs (files under a directory, the
//! embedded default, or an S3-compatible bucket) and how to reach and write to the bucket. Its
//! keys are the file's; [`S3Settings`], what [`S3Store`](crate::S3Store) takes, is built from
//! them once they are checked.

use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use vocweek_domain::ByteSize;

use crate::StorageError;
use crate::s3_settings::{MIN_PART_SIZE, S3Settings};

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageConfig {
    /// `filesystem` (default) or `s3`.
    pub backend: String,
    /// Root of the filesystem blob store; default `<data_dir>/blobs`.
    pub path: Option<PathBuf>,
    /// With S3: where uploads are received and media is processed locally; default
    /// `<data_dir>/staging`. API nodes that share resumable uploads must share this directory.
    pub staging_path: Option<PathBuf>,
    pub s3: S3Config,
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig {
            backend: "filesystem".to_owned(),
            path: None,
            staging_path: None,
            s3: S3Config::default(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct S3Config {
    /// `http(s)://host:port` of Garage, MinIO…; leave out for AWS.
    pub endpoint: Option<String>,
    pub region: String,
    pub bucket: String,
    /// Put every key under this prefix (to share a bucket).
    pub prefix: String,
    pub access_key_id: String,
    /// Secret: `{:?}` of the settings shows it redacted.
    pub secret_access_key: SecretString,
    /// Path-style addressing (`host/bucket/key`); `false` for virtual hosts (`bucket.host/key`).
    pub path_style: bool,
    /// Files from this size on go up as multipart uploads of parts this size.
    pub part_size: ByteSize,
    pub parallel_parts: usize,
    pub max_attempts: u32,
    pub timeout_seconds: u64,
}

impl Default for S3Config {
    fn default() -> Self {
        S3Config {
            endpoint: None,
            region: "us-east-1".to_owned(),
            bucket: String::new(),
            prefix: String::new(),
            access_key_id: String::new(),
            secret_access_key: SecretString::from(String::new()),
            path_style: true,
            part_size: ByteSize::mib(16),
            parallel_parts: 4,
            max_attempts: 5,
            timeout_seconds: 30,
        }
    }
}

impl StorageConfig {
    /// Every refusal of the section (the S3 settings only matter with `backend = "s3"`).
    pub fn check(&self) -> Result<(), StorageError> {
        let refuse = |message: &str| Err(StorageError::Config(message.to_owned()));
        match self.backend.as_str() {
            "filesystem" => Ok(()),
            "s3" => {
                let s3 = &self.s3;
                if s3.bucket.is_empty() {
                    return refuse("storage.s3.bucket is required when storage.backend = \"s3\"");
                }
                if s3.access_key_id.is_empty() || s3.secret_access_key.expose_secret().is_empty() {
                    return refuse(
                        "storage.s3.access_key_id and storage.s3.secret_access_key are required",
                    );
                }
                if let Some(endpoint) = &s3.endpoint
                    && !(endpoint.starts_with("http://") || endpoint.starts_with("https://"))
                {
                    return refuse("storage.s3.endpoint must start with http:// or https://");
                }
                if s3.part_size.as_u64() < MIN_PART_SIZE {
                    return refuse(
                        "storage.s3.part_size must be at least 5MiB (S3's smallest part)",
                    );
                }
                if !(1..=64).contains(&s3.parallel_parts) {
                    return refuse("storage.s3.parallel_parts must be between 1 and 64");
                }
                Ok(())
            }
            other => Err(StorageError::Config(format!(
                "storage.backend must be \"filesystem\" or \"s3\" (got {other:?})"
            ))),
        }
    }

    /// The filesystem store's directory: `path`, or `<data_dir>/blobs`.
    pub fn blob_path(&self, data_dir: &Path) -> PathBuf {
        self.path.clone().unwrap_or_else(|| data_dir.join("blobs"))
    }

    /// What the S3 store takes; uploads are staged in `staging_path`, or `<data_dir>/staging`.
    pub fn s3_settings(&self, data_dir: &Path) -> S3Settings {
        let s3 = &self.s3;
        S3Settings {
            endpoint: s3.endpoint.clone(),
            region: s3.region.clone(),
            bucket: s3.bucket.clone(),
            prefix: s3.prefix.clone(),
            access_key_id: s3.access_key_id.clone(),
            secret_access_key: s3.secret_access_key.clone(),
            path_style: s3.path_style,
            part_size: s3.part_size.as_u64(),
            parallel_parts: s3.parallel_parts,
            max_attempts: s3.max_attempts,
            timeout: Duration::from_secs(s3.timeout_seconds.max(1)),
            staging: self
                .staging_path
                .clone()
                .unwrap_or_else(|| data_dir.join("staging")),
        }
    }
}

//! The `[storage]` settings and the blob store they open: files under a directory (the
//! embedded default) or an S3-compatible bucket.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use serde::Deserialize;
use vocweek_pipeline::parse_byte_size;
use vocweek_storage::{BlobStore, FsStore, S3Settings, S3Store};

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
    pub secret_access_key: String,
    /// Path-style addressing (`host/bucket/key`); `false` for virtual hosts (`bucket.host/key`).
    pub path_style: bool,
    /// Files from this size on go up as multipart uploads of parts this size.
    pub part_size: String,
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
            secret_access_key: String::new(),
            path_style: true,
            part_size: "16MiB".to_owned(),
            parallel_parts: 4,
            max_attempts: 5,
            timeout_seconds: 30,
        }
    }
}

impl StorageConfig {
    pub fn check(&self) -> anyhow::Result<()> {
        match self.backend.as_str() {
            "filesystem" => Ok(()),
            "s3" => {
                let s3 = &self.s3;
                if s3.bucket.is_empty() {
                    bail!("storage.s3.bucket is required when storage.backend = \"s3\"");
                }
                if s3.access_key_id.is_empty() || s3.secret_access_key.is_empty() {
                    bail!("storage.s3.access_key_id and storage.s3.secret_access_key are required");
                }
                if let Some(endpoint) = &s3.endpoint
                    && !(endpoint.starts_with("http://") || endpoint.starts_with("https://"))
                {
                    bail!("storage.s3.endpoint must start with http:// or https://");
                }
                let part = parse_byte_size(&s3.part_size)
                    .map_err(|e| anyhow::anyhow!("storage.s3.part_size: {e}"))?;
                if part < 5 * 1024 * 1024 {
                    bail!("storage.s3.part_size must be at least 5MiB (S3's smallest part)");
                }
                if !(1..=64).contains(&s3.parallel_parts) {
                    bail!("storage.s3.parallel_parts must be between 1 and 64");
                }
                Ok(())
            }
            other => bail!("storage.backend must be \"filesystem\" or \"s3\" (got {other:?})"),
        }
    }
}

/// Opens the configured store; an S3 bucket is checked to answer before anything else runs.
pub async fn open_store(
    storage: &StorageConfig,
    data_dir: &std::path::Path,
) -> anyhow::Result<Arc<dyn BlobStore>> {
    if storage.backend == "s3" {
        let s3 = &storage.s3;
        let settings = S3Settings {
            endpoint: s3.endpoint.clone(),
            region: s3.region.clone(),
            bucket: s3.bucket.clone(),
            prefix: s3.prefix.clone(),
            access_key_id: s3.access_key_id.clone(),
            secret_access_key: s3.secret_access_key.clone(),
            path_style: s3.path_style,
            part_size: parse_byte_size(&s3.part_size)
                .map_err(|e| anyhow::anyhow!("storage.s3.part_size: {e}"))?,
            parallel_parts: s3.parallel_parts,
            max_attempts: s3.max_attempts,
            timeout: Duration::from_secs(s3.timeout_seconds.max(1)),
            staging: storage
                .staging_path
                .clone()
                .unwrap_or_else(|| data_dir.join("staging")),
        };
        let store = S3Store::connect(settings)
            .await
            .with_context(|| format!("cannot open the S3 bucket {:?}", s3.bucket))?;
        return Ok(Arc::new(store));
    }
    let path = storage
        .path
        .clone()
        .unwrap_or_else(|| data_dir.join("blobs"));
    let store = FsStore::open(&path)
        .with_context(|| format!("cannot open the blob store {}", path.display()))?;
    Ok(Arc::new(store))
}

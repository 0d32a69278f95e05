//! Blobs in an S3-compatible bucket (aws-sdk-s3). Keys are the store's keys under an optional
//! prefix; originals are still content-addressed, so two nodes storing the same upload write
//! the same bytes to the same key and the second write changes nothing.

use std::path::Path;
use std::time::Duration;

use aws_sdk_s3::Client;
use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::config::timeout::TimeoutConfig;
use aws_sdk_s3::config::{
    BehaviorVersion, Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};
use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{Delete, ObjectIdentifier};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use secrecy::ExposeSecret;
use tokio::io::AsyncWriteExt;

use crate::keys::checked;
use crate::s3_settings::{MAX_PARTS, MIN_PART_SIZE};
use crate::{
    BlobEntry, BlobReader, BlobStore, LocalBlob, PresignedHeaders, S3Settings, StagingFile,
    StorageError,
};

#[derive(Debug, Clone)]
pub struct S3Store {
    pub(crate) client: Client,
    pub(crate) bucket: String,
    prefix: String,
    pub(crate) part_size: u64,
    pub(crate) parallel_parts: usize,
    staging: std::path::PathBuf,
}

/// Formats an SDK error with its causes (the plain Display says only "service error").
pub(crate) fn remote(
    operation: &'static str,
    key: &str,
    error: impl std::error::Error,
) -> StorageError {
    StorageError::Remote {
        operation,
        key: key.to_owned(),
        detail: DisplayErrorContext(error).to_string(),
    }
}

impl S3Store {
    /// Builds the client and checks that the bucket answers, so a wrong endpoint, bucket or key
    /// stops the process at start instead of failing the first upload.
    pub async fn connect(settings: S3Settings) -> Result<Self, StorageError> {
        let store = Self::new(settings)?;
        store
            .client
            .head_bucket()
            .bucket(&store.bucket)
            .send()
            .await
            .map_err(|e| remote("HeadBucket", &store.bucket, e))?;
        Ok(store)
    }

    fn new(settings: S3Settings) -> Result<Self, StorageError> {
        if settings.bucket.is_empty() {
            return Err(StorageError::Config(
                "storage.s3.bucket is empty".to_owned(),
            ));
        }
        if settings.part_size < MIN_PART_SIZE {
            return Err(StorageError::Config(format!(
                "storage.s3.part_size must be at least {MIN_PART_SIZE} bytes (S3's minimum)"
            )));
        }
        std::fs::create_dir_all(&settings.staging)
            .map_err(|e| StorageError::io(&settings.staging, e))?;
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let mut config = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .http_client(http)
            .region(Region::new(settings.region.clone()))
            .credentials_provider(Credentials::new(
                settings.access_key_id.clone(),
                settings.secret_access_key.expose_secret().to_owned(),
                None,
                None,
                "vocweek-config",
            ))
            .force_path_style(settings.path_style)
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(settings.max_attempts.max(1))
                    .with_initial_backoff(Duration::from_millis(200)),
            )
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(settings.timeout)
                    .read_timeout(settings.timeout)
                    .build(),
            )
            // Newer SDKs add CRC checksums to every request; not every S3-compatible store
            // accepts them, and BLAKE3 already guards the originals end to end.
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired);
        if let Some(endpoint) = &settings.endpoint {
            config = config.endpoint_url(endpoint.trim_end_matches('/'));
        }
        let prefix = settings.prefix.trim_matches('/');
        Ok(S3Store {
            client: Client::from_conf(config.build()),
            bucket: settings.bucket,
            prefix: if prefix.is_empty() {
                String::new()
            } else {
                format!("{prefix}/")
            },
            part_size: settings.part_size,
            parallel_parts: settings.parallel_parts.max(1),
            staging: settings.staging,
        })
    }

    /// Multipart uploads under this store's prefix that were neither completed nor aborted
    /// (a process killed mid-upload): `(key, upload id)`. Their parts cost space until aborted.
    async fn list_incomplete_uploads(&self) -> Result<Vec<(String, String)>, StorageError> {
        let mut found = Vec::new();
        let mut marker: Option<(String, String)> = None;
        loop {
            let page = self
                .client
                .list_multipart_uploads()
                .bucket(&self.bucket)
                .prefix(&self.prefix)
                .set_key_marker(marker.as_ref().map(|m| m.0.clone()))
                .set_upload_id_marker(marker.as_ref().map(|m| m.1.clone()))
                .send()
                .await
                .map_err(|e| remote("ListMultipartUploads", &self.prefix, e))?;
            for upload in page.uploads() {
                if let (Some(key), Some(id)) = (upload.key(), upload.upload_id()) {
                    let key = key.strip_prefix(&self.prefix).unwrap_or(key);
                    found.push((key.to_owned(), id.to_owned()));
                }
            }
            if !page.is_truncated().unwrap_or(false) {
                return Ok(found);
            }
            match (page.next_key_marker(), page.next_upload_id_marker()) {
                (Some(key), Some(id)) => marker = Some((key.to_owned(), id.to_owned())),
                _ => return Ok(found),
            }
        }
    }

    /// Aborts an incomplete multipart upload found by `incomplete_uploads`.
    async fn abort_incomplete_upload(
        &self,
        key: &str,
        upload_id: &str,
    ) -> Result<(), StorageError> {
        let object = self.object_key(key)?;
        self.client
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(&object)
            .upload_id(upload_id)
            .send()
            .await
            .map_err(|e| remote("AbortMultipartUpload", key, e))?;
        Ok(())
    }

    pub(crate) fn object_key(&self, key: &str) -> Result<String, StorageError> {
        Ok(format!("{}{}", self.prefix, checked(key)?))
    }

    /// The part size for a file: the configured one, grown when the file would otherwise need
    /// more than S3's 10,000 parts.
    pub(crate) fn part_size_for(&self, size: u64) -> u64 {
        self.part_size.max(size.div_ceil(MAX_PARTS))
    }

    async fn get(
        &self,
        key: &str,
        range: Option<String>,
    ) -> Result<aws_sdk_s3::operation::get_object::GetObjectOutput, StorageError> {
        let object = self.object_key(key)?;
        self.client
            .get_object()
            .bucket(&self.bucket)
            .key(&object)
            .set_range(range)
            .send()
            .await
            .map_err(|e| match e.as_service_error() {
                Some(service) if service.is_no_such_key() => StorageError::NotFound(key.to_owned()),
                _ => remote("GetObject", key, e),
            })
    }

    async fn delete_objects(&self, keys: Vec<String>) -> Result<(), StorageError> {
        // DeleteObjects takes at most 1,000 keys a call.
        for chunk in keys.chunks(1000) {
            let objects = chunk
                .iter()
                .map(|key| ObjectIdentifier::builder().key(key).build())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| remote("DeleteObjects", &chunk[0], e))?;
            let delete = Delete::builder()
                .set_objects(Some(objects))
                .quiet(true)
                .build()
                .map_err(|e| remote("DeleteObjects", &chunk[0], e))?;
            let answer = self
                .client
                .delete_objects()
                .bucket(&self.bucket)
                .delete(delete)
                .send()
                .await
                .map_err(|e| remote("DeleteObjects", &chunk[0], e))?;
            if let Some(failed) = answer.errors().first() {
                return Err(StorageError::Remote {
                    operation: "DeleteObjects",
                    key: failed.key().unwrap_or_default().to_owned(),
                    detail: failed.message().unwrap_or("refused").to_owned(),
                });
            }
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl BlobStore for S3Store {
    async fn put_file(&self, key: &str, staged: StagingFile) -> Result<(), StorageError> {
        let object = self.object_key(key)?;
        let size = tokio::fs::metadata(staged.path())
            .await
            .map_err(|e| StorageError::io(staged.path(), e))?
            .len();
        if size >= self.part_size {
            crate::s3_multipart::upload(self, key, &object, staged.path(), size).await?;
        } else {
            let body = ByteStream::from_path(staged.path())
                .await
                .map_err(|e| remote("PutObject", key, e))?;
            self.client
                .put_object()
                .bucket(&self.bucket)
                .key(&object)
                .content_length(i64::try_from(size).unwrap_or(i64::MAX))
                .body(body)
                .send()
                .await
                .map_err(|e| remote("PutObject", key, e))?;
        }
        // The staged file (dropped here) is removed: the store holds the bytes now.
        drop(staged);
        Ok(())
    }

    async fn exists(&self, key: &str) -> Result<bool, StorageError> {
        Ok(self.size(key).await?.is_some())
    }

    async fn size(&self, key: &str) -> Result<Option<u64>, StorageError> {
        let object = self.object_key(key)?;
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(&object)
            .send()
            .await
        {
            Ok(head) => Ok(Some(
                head.content_length()
                    .and_then(|n| u64::try_from(n).ok())
                    .unwrap_or(0),
            )),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(None),
            Err(e) => Err(remote("HeadObject", key, e)),
        }
    }

    async fn list(&self, prefix: &str) -> Result<Vec<BlobEntry>, StorageError> {
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(format!("{}{prefix}", self.prefix))
            .into_paginator()
            .send();
        let mut entries = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| remote("ListObjectsV2", prefix, e))?;
            for object in page.contents() {
                let Some(key) = object.key().and_then(|k| k.strip_prefix(&self.prefix)) else {
                    continue;
                };
                entries.push(BlobEntry {
                    key: key.to_owned(),
                    size: object
                        .size()
                        .and_then(|n| u64::try_from(n).ok())
                        .unwrap_or(0),
                });
            }
        }
        Ok(entries)
    }

    async fn local_copy(&self, key: &str) -> Result<LocalBlob, StorageError> {
        let answer = self.get(key, None).await?;
        let staged = StagingFile::new_in(&self.staging);
        let mut file = tokio::fs::File::create(staged.path())
            .await
            .map_err(|e| StorageError::io(staged.path(), e))?;
        let mut body = answer.body.into_async_read();
        tokio::io::copy(&mut body, &mut file)
            .await
            .map_err(|e| StorageError::io(staged.path(), e))?;
        file.flush()
            .await
            .map_err(|e| StorageError::io(staged.path(), e))?;
        Ok(LocalBlob::Temporary(staged))
    }

    async fn delete(&self, key: &str) -> Result<(), StorageError> {
        let object = self.object_key(key)?;
        // Deleting a missing object succeeds in S3, as it does here.
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(&object)
            .send()
            .await
            .map_err(|e| remote("DeleteObject", key, e))?;
        Ok(())
    }

    async fn delete_prefix(&self, prefix: &str) -> Result<(), StorageError> {
        let directory = format!("{}/", checked(prefix.trim_end_matches('/'))?);
        let keys = self
            .list(&directory)
            .await?
            .into_iter()
            .map(|entry| format!("{}{}", self.prefix, entry.key))
            .collect::<Vec<_>>();
        self.delete_objects(keys).await
    }

    async fn open(&self, key: &str) -> Result<(BlobReader, u64), StorageError> {
        let answer = self.get(key, None).await?;
        let size = answer
            .content_length()
            .and_then(|n| u64::try_from(n).ok())
            .unwrap_or(0);
        Ok((Box::pin(answer.body.into_async_read()), size))
    }

    async fn open_range(
        &self,
        key: &str,
        start: u64,
        len: u64,
    ) -> Result<BlobReader, StorageError> {
        if len == 0 {
            return Ok(Box::pin(tokio::io::empty()));
        }
        let last = start + len - 1;
        let answer = self.get(key, Some(format!("bytes={start}-{last}"))).await?;
        Ok(Box::pin(answer.body.into_async_read()))
    }

    async fn presigned_get(
        &self,
        key: &str,
        expires_in: Duration,
        headers: &PresignedHeaders,
    ) -> Result<Option<String>, StorageError> {
        let object = self.object_key(key)?;
        let presigning =
            PresigningConfig::expires_in(expires_in).map_err(|e| remote("presign", key, e))?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(&object)
            .set_response_content_type(headers.content_type.clone())
            .set_response_content_disposition(headers.content_disposition.clone())
            .presigned(presigning)
            .await
            .map_err(|e| remote("presign", key, e))?;
        Ok(Some(request.uri().to_owned()))
    }

    async fn incomplete_uploads(&self) -> Result<Vec<(String, String)>, StorageError> {
        self.list_incomplete_uploads().await
    }

    async fn abort_upload(&self, key: &str, upload_id: &str) -> Result<(), StorageError> {
        self.abort_incomplete_upload(key, upload_id).await
    }

    fn describe(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.prefix)
    }

    fn staging_dir(&self) -> &Path {
        &self.staging
    }
}

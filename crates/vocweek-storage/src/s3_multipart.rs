//! Large objects go up as a multipart upload: parts are read straight from the staged file
//! (never whole in memory), a bounded number at a time, and any failure aborts the upload so
//! the bucket keeps no orphan parts.

use std::path::Path;

use aws_sdk_s3::primitives::{ByteStream, Length};
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use futures_util::{StreamExt, TryStreamExt};
use tracing::warn;

use crate::StorageError;
use crate::s3_store::{S3Store, remote};

pub(crate) async fn upload(
    store: &S3Store,
    key: &str,
    object: &str,
    path: &Path,
    size: u64,
) -> Result<(), StorageError> {
    let created = store
        .client
        .create_multipart_upload()
        .bucket(&store.bucket)
        .key(object)
        .send()
        .await
        .map_err(|e| remote("CreateMultipartUpload", key, e))?;
    let Some(upload_id) = created.upload_id().map(str::to_owned) else {
        return Err(StorageError::Remote {
            operation: "CreateMultipartUpload",
            key: key.to_owned(),
            detail: "the store answered without an upload id".to_owned(),
        });
    };
    let finished = match send_parts(store, key, object, &upload_id, path, size).await {
        Ok(parts) => store
            .client
            .complete_multipart_upload()
            .bucket(&store.bucket)
            .key(object)
            .upload_id(&upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(parts))
                    .build(),
            )
            .send()
            .await
            .map(|_| ())
            .map_err(|e| remote("CompleteMultipartUpload", key, e)),
        Err(e) => Err(e),
    };
    if finished.is_err() {
        abort(store, key, object, &upload_id).await;
    }
    finished
}

async fn send_parts(
    store: &S3Store,
    key: &str,
    object: &str,
    upload_id: &str,
    path: &Path,
    size: u64,
) -> Result<Vec<CompletedPart>, StorageError> {
    let part_size = store.part_size_for(size);
    let count = size.div_ceil(part_size);
    futures_util::stream::iter(0..count)
        .map(|index| {
            let offset = index * part_size;
            let len = part_size.min(size - offset);
            // Part numbers are 1-based and at most 10,000 (part_size_for sees to that).
            let number = i32::try_from(index + 1).unwrap_or(i32::MAX);
            async move {
                let body = ByteStream::read_from()
                    .path(path)
                    .offset(offset)
                    .length(Length::Exact(len))
                    .build()
                    .await
                    .map_err(|e| remote("UploadPart", key, e))?;
                let answer = store
                    .client
                    .upload_part()
                    .bucket(&store.bucket)
                    .key(object)
                    .upload_id(upload_id)
                    .part_number(number)
                    .content_length(i64::try_from(len).unwrap_or(i64::MAX))
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| remote("UploadPart", key, e))?;
                Ok::<_, StorageError>(
                    CompletedPart::builder()
                        .part_number(number)
                        .set_e_tag(answer.e_tag().map(str::to_owned))
                        .build(),
                )
            }
        })
        // In order, a bounded number in flight; the first failure stops the rest.
        .buffered(store.parallel_parts)
        .try_collect()
        .await
}

/// Best effort: a failed abort is logged (the bucket's lifecycle rule or `vocweek fsck` finds
/// what is left), the upload's own error is what the caller sees.
async fn abort(store: &S3Store, key: &str, object: &str, upload_id: &str) {
    if let Err(e) = store
        .client
        .abort_multipart_upload()
        .bucket(&store.bucket)
        .key(object)
        .upload_id(upload_id)
        .send()
        .await
    {
        warn!(key, error = %remote("AbortMultipartUpload", key, e), "could not abort a multipart upload");
    }
}

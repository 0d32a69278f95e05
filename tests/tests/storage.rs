//! The blob store's contract, the same assertions on the filesystem and on Garage; and what
//! only S3 does: multipart uploads that survive a cut connection, and that leave no parts
//! behind when they fail.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use rand::RngCore;
use tokio::io::AsyncReadExt;
use vocweek_storage::{BlobStore, S3Store, StagingFile, StorageError};
use vocweek_tests::flaky_network::FlakyNetwork;
use vocweek_tests::garage as test_garage;
use vocweek_tests::{Backend, every_backend, spawn_app};

const MIB: usize = 1024 * 1024;

fn random_bytes(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes
}

async fn put(store: &dyn BlobStore, key: &str, bytes: &[u8]) -> Result<(), StorageError> {
    let staged = StagingFile::new_in(store.staging_dir());
    std::fs::write(staged.path(), bytes).unwrap();
    store.put_file(key, staged).await
}

async fn read_all(store: &dyn BlobStore, key: &str) -> Vec<u8> {
    let (mut reader, size) = store.open(key).await.unwrap();
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).await.unwrap();
    assert_eq!(bytes.len() as u64, size);
    bytes
}

async fn the_store_keeps_lists_ranges_and_deletes(backend: Backend) {
    let app = spawn_app(backend).await;
    let store = app.services.store.as_ref();
    // 12 MiB: three parts of a multipart upload on S3 (the tests' part size is 5 MiB).
    let big = random_bytes(12 * MIB + 7);
    let small = b"small blob".to_vec();
    put(store, "originals/aa/bb/big", &big).await.unwrap();
    put(store, "renditions/asset-1/thumb.webp", &small)
        .await
        .unwrap();
    put(store, "renditions/asset-1/hls/720p.m3u8", b"#EXTM3U")
        .await
        .unwrap();
    put(store, "renditions/asset-2/thumb.webp", &small)
        .await
        .unwrap();
    // The staged files were consumed.
    assert_eq!(app.staged_files().await, 0);

    assert_eq!(read_all(store, "originals/aa/bb/big").await, big);
    assert_eq!(
        store.size("originals/aa/bb/big").await.unwrap(),
        Some(big.len() as u64)
    );
    assert_eq!(store.size("originals/aa/bb/none").await.unwrap(), None);
    assert!(store.exists("renditions/asset-1/thumb.webp").await.unwrap());

    // A range across the first part boundary reads exactly those bytes.
    let (start, len) = (5 * MIB as u64 - 10, 20);
    let mut ranged = Vec::new();
    store
        .open_range("originals/aa/bb/big", start, len)
        .await
        .unwrap()
        .read_to_end(&mut ranged)
        .await
        .unwrap();
    assert_eq!(ranged, big[start as usize..(start + len) as usize]);

    let local = store.local_copy("originals/aa/bb/big").await.unwrap();
    assert_eq!(std::fs::read(local.path()).unwrap(), big);
    drop(local);

    let mut listed: Vec<_> = store
        .list("renditions/asset-1/")
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.key, e.size))
        .collect();
    listed.sort();
    assert_eq!(
        listed,
        vec![
            ("renditions/asset-1/hls/720p.m3u8".to_owned(), 7),
            (
                "renditions/asset-1/thumb.webp".to_owned(),
                small.len() as u64
            ),
        ]
    );
    assert_eq!(
        store.list("").await.unwrap().len(),
        4,
        "the staging area is not listed"
    );

    store.delete_prefix("renditions/asset-1").await.unwrap();
    assert!(store.list("renditions/asset-1/").await.unwrap().is_empty());
    assert!(
        store.exists("renditions/asset-2/thumb.webp").await.unwrap(),
        "a neighbour stays"
    );
    store.delete("originals/aa/bb/big").await.unwrap();
    store.delete("originals/aa/bb/big").await.unwrap();
    assert!(matches!(
        store.open("originals/aa/bb/big").await,
        Err(StorageError::NotFound(_))
    ));
    assert!(matches!(
        store.local_copy("originals/aa/bb/big").await,
        Err(StorageError::NotFound(_))
    ));
    assert!(matches!(
        store.open("../escape").await,
        Err(StorageError::InvalidKey(_))
    ));
    app.stop().await;
}

every_backend!(the_store_keeps_lists_ranges_and_deletes);

fn scratch() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("vocweek-s3-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The network drops every connection once, in the middle of the second part: the client's
/// retries carry the upload through, and the object is whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_connection_is_retried() {
    let proxy = FlakyNetwork::start(test_garage::s3_address().unwrap(), 7 * MIB as u64)
        .await
        .unwrap();
    let dir = scratch();
    let settings =
        test_garage::s3_settings(&dir, Some(format!("http://{}", proxy.address))).unwrap();
    let store = S3Store::connect(settings).await.unwrap();
    let bytes = random_bytes(12 * MIB);
    put(&store, "originals/cc/dd/retried", &bytes)
        .await
        .unwrap();
    assert!(proxy.has_cut(), "the proxy cut the upload");
    assert_eq!(read_all(&store, "originals/cc/dd/retried").await, bytes);
    assert!(store.incomplete_uploads().await.unwrap().is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Without retries the cut fails the upload: the error names the operation, the staged file is
/// gone, no object appears, and no multipart upload is left holding parts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_multipart_upload_leaves_no_parts() {
    let proxy = FlakyNetwork::start(test_garage::s3_address().unwrap(), 7 * MIB as u64)
        .await
        .unwrap();
    let dir = scratch();
    let mut settings =
        test_garage::s3_settings(&dir, Some(format!("http://{}", proxy.address))).unwrap();
    settings.max_attempts = 1;
    let store = S3Store::connect(settings).await.unwrap();
    let error = put(&store, "originals/ee/ff/failed", &random_bytes(12 * MIB))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, StorageError::Remote { operation, .. } if *operation == "UploadPart"),
        "{error}"
    );
    assert!(proxy.has_cut());
    assert_eq!(store.size("originals/ee/ff/failed").await.unwrap(), None);
    assert!(
        store.incomplete_uploads().await.unwrap().is_empty(),
        "aborted"
    );
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "staging emptied"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A wrong key or bucket stops the process at start with the store's own words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_bucket_or_key_is_refused_at_start() {
    let dir = scratch();
    let mut settings = test_garage::s3_settings(&dir, None).unwrap();
    settings.bucket = "no-such-bucket".to_owned();
    let error = S3Store::connect(settings).await.unwrap_err().to_string();
    assert!(error.contains("HeadBucket"), "{error}");
    let mut settings = test_garage::s3_settings(&dir, None).unwrap();
    settings.secret_access_key = "0".repeat(64).into();
    assert!(S3Store::connect(settings).await.is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Virtual-host addressing (`storage.s3.path_style = false`): the bucket is the host name
/// (`vocweek-test.s3.garage.localhost`), as AWS prefers. The same store calls work, multipart
/// included, and a presigned URL names the bucket's host.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn virtual_host_addressing_reaches_the_bucket() {
    let bucket_host = "vocweek-test.s3.garage.localhost:80";
    assert!(
        tokio::net::lookup_host(bucket_host).await.is_ok(),
        "{bucket_host} does not resolve: add '127.0.0.1 s3.garage.localhost \
         vocweek-test.s3.garage.localhost' to /etc/hosts (scripts/garage.sh does it as root)"
    );
    let dir = scratch();
    let mut settings =
        test_garage::s3_settings(&dir, Some(test_garage::virtual_host_endpoint().unwrap()))
            .unwrap();
    settings.path_style = false;
    let store = S3Store::connect(settings).await.unwrap();
    let bytes = random_bytes(6 * MIB + 3);
    put(&store, "originals/ee/ff/vhost", &bytes).await.unwrap();
    assert_eq!(read_all(&store, "originals/ee/ff/vhost").await, bytes);
    let listed = store.list("originals/ee/").await.unwrap();
    assert_eq!(listed.len(), 1);
    let url = store
        .presigned_get(
            "originals/ee/ff/vhost",
            std::time::Duration::from_secs(60),
            &Default::default(),
        )
        .await
        .unwrap()
        .unwrap();
    assert!(
        url.starts_with("http://vocweek-test.s3.garage.localhost:"),
        "{url}"
    );
    let fetched = reqwest::get(&url).await.unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.bytes().await.unwrap().to_vec(), bytes);
    store.delete("originals/ee/ff/vhost").await.unwrap();
    assert!(!store.exists("originals/ee/ff/vhost").await.unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

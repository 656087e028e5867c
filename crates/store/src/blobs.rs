//! Blob storage for document contents, through `object_store`: a directory on local disk by
//! default, an S3-compatible bucket when configured. Keys are content-addressed
//! (`<tenant>/sha256/<aa>/<hash>`), so writing the same bytes twice is harmless, and a blob written
//! before a transaction that then rolls back is only an orphan, never a wrong file.
//!
//! The store's API is synchronous (use cases run on blocking threads); each call drives the
//! object-store future to completion on the calling thread. On a Tokio blocking thread the runtime's
//! reactor serves the S3 client; elsewhere (CLI, tests) a private current-thread runtime does.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::{StoreError, sha256_hex};

/// Where blobs live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobConfig {
    /// A directory on local disk (created when missing).
    Local(PathBuf),
    /// An S3-compatible bucket.
    S3 {
        bucket: String,
        region: String,
        /// Custom endpoint (MinIO, Ceph, a Polish cloud); `None` for AWS.
        endpoint: Option<String>,
        access_key_id: String,
        secret_access_key: String,
        /// Plain HTTP endpoints (a local MinIO); never for production.
        allow_http: bool,
    },
}

/// Content written to blob storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    pub key: String,
    pub sha256: String,
    pub size: i64,
}

#[derive(Clone)]
pub struct Blobs {
    inner: Arc<dyn ObjectStore>,
    describe: String,
    /// The directory of local storage: written files are flushed to disk (object_store's
    /// local backend writes and renames without `fsync`).
    local_root: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for Blobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe)
    }
}

impl Blobs {
    pub fn open(config: &BlobConfig) -> Result<Self, StoreError> {
        match config {
            BlobConfig::Local(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Config(format!("blob directory {}: {e}", dir.display()))
                })?;
                let fs = LocalFileSystem::new_with_prefix(dir).map_err(|e| {
                    StoreError::Config(format!("blob directory {}: {e}", dir.display()))
                })?;
                Ok(Self {
                    inner: Arc::new(fs),
                    describe: format!("local:{}", dir.display()),
                    local_root: Some(dir.clone()),
                })
            }
            BlobConfig::S3 {
                bucket,
                region,
                endpoint,
                access_key_id,
                secret_access_key,
                allow_http,
            } => {
                let mut b = AmazonS3Builder::new()
                    .with_bucket_name(bucket)
                    .with_region(region)
                    .with_access_key_id(access_key_id)
                    .with_secret_access_key(secret_access_key)
                    .with_allow_http(*allow_http);
                if let Some(e) = endpoint {
                    b = b.with_endpoint(e);
                }
                let s3 = b
                    .build()
                    .map_err(|e| StoreError::Config(format!("S3 bucket {bucket}: {e}")))?;
                Ok(Self {
                    inner: Arc::new(s3),
                    describe: format!("s3:{bucket}"),
                    local_root: None,
                })
            }
        }
    }

    /// Where the blobs live, for logs and `readyz` (no secrets).
    pub fn describe(&self) -> &str {
        &self.describe
    }

    /// Stores `data` for `tenant_id`; returns its key, SHA-256 and size.
    pub fn put(&self, tenant_id: &str, data: &[u8]) -> Result<StoredBlob, StoreError> {
        let sha256 = sha256_hex(data);
        let key = format!("{tenant_id}/sha256/{}/{sha256}", &sha256[..2]);
        let path = ObjectPath::from(key.as_str());
        let payload = PutPayload::from(data.to_vec());
        drive(self.inner.put(&path, payload))
            .map_err(|e| StoreError::Unavailable(format!("blob storage: {e}")))?;
        if let Some(root) = &self.local_root {
            // The file and the directory entries leading to it (which object_store may have
            // just created) reach the disk before the row that refers to the file commits: a
            // power cut cannot leave an acknowledged submission without its file.
            let file = root.join(&key);
            let flush = |p: &std::path::Path| std::fs::File::open(p).and_then(|f| f.sync_all());
            let mut result = flush(&file);
            let mut dir = file.parent();
            while result.is_ok()
                && let Some(d) = dir
                && d.starts_with(root)
            {
                result = flush(d);
                dir = d.parent();
            }
            result
                .map_err(|e| StoreError::Unavailable(format!("blob storage: flush {key}: {e}")))?;
        }
        Ok(StoredBlob {
            key,
            sha256,
            size: data.len() as i64,
        })
    }

    /// Reads a blob back and checks it against its recorded SHA-256, so a file altered on disk
    /// or in the bucket is reported instead of served.
    pub fn get(&self, key: &str, sha256: &str) -> Result<Vec<u8>, StoreError> {
        let path = ObjectPath::from(key);
        let bytes =
            drive(async { self.inner.get(&path).await?.bytes().await }).map_err(|e| match e {
                object_store::Error::NotFound { .. } => {
                    StoreError::Integrity(format!("blob {key} is missing"))
                }
                other => StoreError::Unavailable(format!("blob storage: {other}")),
            })?;
        if sha256_hex(&bytes) != sha256 {
            return Err(StoreError::Integrity(format!(
                "blob {key} does not match its SHA-256"
            )));
        }
        Ok(bytes.to_vec())
    }
}

/// Runs an object-store future to completion from synchronous code.
fn drive<F: Future>(fut: F) -> F::Output {
    if tokio::runtime::Handle::try_current().is_ok() {
        futures_executor::block_on(fut)
    } else {
        match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt.block_on(fut),
            // Without a runtime only the local store can work; it does not need one.
            Err(_) => futures_executor::block_on(fut),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_blobs_round_trip_and_detect_tampering() {
        let dir = std::env::temp_dir().join(format!("ratusz-blobs-{}", uuid::Uuid::now_v7()));
        let blobs = Blobs::open(&BlobConfig::Local(dir.clone())).unwrap();
        let stored = blobs.put("t1", "Zażółć gęślą jaźń".as_bytes()).unwrap();
        assert_eq!(stored.size, "Zażółć gęślą jaźń".len() as i64);
        assert_eq!(
            blobs.get(&stored.key, &stored.sha256).unwrap(),
            "Zażółć gęślą jaźń".as_bytes()
        );
        // Same bytes, same key.
        assert_eq!(
            blobs.put("t1", "Zażółć gęślą jaźń".as_bytes()).unwrap(),
            stored
        );
        std::fs::write(dir.join(&stored.key), b"altered").unwrap();
        assert!(matches!(
            blobs.get(&stored.key, &stored.sha256),
            Err(StoreError::Integrity(_))
        ));
        assert!(matches!(
            blobs.get("t1/sha256/00/none", "x"),
            Err(StoreError::Integrity(_))
        ));
        let _ = std::fs::remove_dir_all(dir);
    }
}

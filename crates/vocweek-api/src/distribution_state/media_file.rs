//! Where an approved item's file is stored and how `/media` answers with it: what
//! `Distribution` remembers per asset and name for a few seconds.

/// Where a requested name is stored and how to answer with it.
#[derive(Debug, Clone)]
pub(crate) struct MediaFile {
    pub(crate) key: String,
    pub(crate) size: u64,
    pub(crate) mime: String,
    pub(crate) etag: String,
    pub(crate) disposition: Option<String>,
    pub(crate) playlist: bool,
}

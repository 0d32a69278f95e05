//! Media work: what a file really is, and (in later issues) decoding, resizing, transcoding and
//! text extraction. Blocking code on local files and byte buffers; knows nothing of HTTP, SQL
//! or object storage.

pub mod article;
mod error;
mod inspect;
pub mod photo;
mod sniff;
pub mod video;

pub use error::MediaError;
pub use inspect::{Inspection, inspect_file};
pub use sniff::{SNIFF_LEN, Sniffed, sniff};

use std::io::Read;
use std::path::Path;

use vocweek_domain::AssetKind;

use crate::{MediaError, SNIFF_LEN, sniff};

/// What opening a stored original found out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspection {
    pub kind: AssetKind,
    pub mime: &'static str,
    pub size: u64,
}

/// Opens a stored original and checks it is still what ingest recorded: readable, the same
/// size, and the same type. Blocking; run it off the async executor.
pub fn inspect_file(
    path: &Path,
    expected_kind: AssetKind,
    expected_size: u64,
) -> Result<Inspection, MediaError> {
    let mut file = std::fs::File::open(path).map_err(|e| MediaError::Unreadable(e.to_string()))?;
    let size = file
        .metadata()
        .map_err(|e| MediaError::Unreadable(e.to_string()))?
        .len();
    if size != expected_size {
        return Err(MediaError::Changed(format!(
            "{size} bytes stored, {expected_size} recorded"
        )));
    }
    let mut head = Vec::with_capacity(SNIFF_LEN);
    file.by_ref()
        .take(SNIFF_LEN as u64)
        .read_to_end(&mut head)
        .map_err(|e| MediaError::Unreadable(e.to_string()))?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let sniffed = sniff(&head, name)?;
    if sniffed.kind != expected_kind {
        return Err(MediaError::Changed(format!(
            "recorded as {expected_kind}, reads as {}",
            sniffed.kind
        )));
    }
    Ok(Inspection {
        kind: sniffed.kind,
        mime: sniffed.mime,
        size,
    })
}

//! `photos.max_metadata`: an ICC profile or EXIF block larger than it is ignored, the photo
//! being processed without it, rather than held in memory or refused.

pub fn within_cap(length: usize, cap: u64) -> bool {
    u64::try_from(length).is_ok_and(|length| length <= cap)
}

/// A metadata block, unless it is over `photos.max_metadata` (then it is ignored).
pub fn capped(block: Option<Vec<u8>>, cap: u64, what: &'static str) -> Option<Vec<u8>> {
    match block {
        Some(block) if !within_cap(block.len(), cap) => {
            tracing::debug!(
                what,
                bytes = block.len(),
                cap,
                "metadata over photos.max_metadata ignored"
            );
            None
        }
        block => block,
    }
}

//! Reads the EXIF block and the ICC profile from a JPEG's header segments, without decoding.

/// Metadata found before the first scan.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct JpegMetadata {
    /// The TIFF-format EXIF block (after `Exif\0\0`).
    pub exif: Option<Vec<u8>>,
    /// The ICC profile, reassembled from its APP2 chunks in sequence order.
    pub icc: Option<Vec<u8>>,
}

/// Reads the metadata segments. A block larger than `max_bytes` (`photos.max_metadata`)
/// is left out, the picture being processed without it: an EXIF segment, or an ICC profile
/// whose chunks (at most 64 KiB each, but a file may hold any number) add up to more. At most
/// 255 ICC chunks are collected, as the sequence numbers allow.
pub fn read(jpeg: &[u8], max_bytes: u64) -> JpegMetadata {
    let within = |length: usize| u64::try_from(length).is_ok_and(|length| length <= max_bytes);
    let mut found = JpegMetadata::default();
    let mut icc_chunks: Vec<(u8, &[u8])> = Vec::new();
    let mut icc_length = 0usize;
    let mut icc_left_out = false;
    let mut pos = 2;
    while pos + 4 <= jpeg.len() {
        if jpeg[pos] != 0xFF {
            break;
        }
        let marker = jpeg[pos + 1];
        // Fill bytes, and markers without a length.
        if marker == 0xFF {
            pos += 1;
            continue;
        }
        if marker == 0x01 || (0xD0..=0xD8).contains(&marker) {
            pos += 2;
            continue;
        }
        // Start of scan or end of image: the header is over.
        if marker == 0xDA || marker == 0xD9 {
            break;
        }
        let length = usize::from(u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]));
        let end = (pos + 2 + length).min(jpeg.len());
        let data = jpeg.get(pos + 4..end).unwrap_or_default();
        match marker {
            0xE1 if data.starts_with(b"Exif\0\0") && found.exif.is_none() => {
                let exif = &data[6..];
                if within(exif.len()) {
                    found.exif = Some(exif.to_vec());
                } else {
                    tracing::debug!(
                        bytes = exif.len(),
                        "JPEG EXIF over photos.max_metadata ignored"
                    );
                }
            }
            0xE2 if data.starts_with(b"ICC_PROFILE\0") && data.len() > 14 && !icc_left_out => {
                icc_length = icc_length.saturating_add(data.len() - 14);
                if within(icc_length) && icc_chunks.len() < 255 {
                    icc_chunks.push((data[12], &data[14..]));
                } else {
                    tracing::debug!(
                        bytes = icc_length,
                        "JPEG ICC profile over photos.max_metadata ignored"
                    );
                    icc_left_out = true;
                    icc_chunks = Vec::new();
                }
            }
            _ => {}
        }
        if length < 2 {
            break;
        }
        pos += 2 + length;
    }
    if !icc_chunks.is_empty() {
        icc_chunks.sort_by_key(|(sequence, _)| *sequence);
        let mut icc = Vec::with_capacity(icc_length);
        for (_, chunk) in icc_chunks {
            icc.extend_from_slice(chunk);
        }
        found.icc = Some(icc);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_exif_and_reassembles_icc() {
        let mut jpeg = vec![0xFF, 0xD8];
        let mut segment = |marker: u8, payload: &[u8]| {
            jpeg.extend_from_slice(&[0xFF, marker]);
            jpeg.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
            jpeg.extend_from_slice(payload);
        };
        segment(0xE1, b"Exif\0\0II*\0tiff");
        segment(0xE2, b"ICC_PROFILE\0\x02\x02second");
        segment(0xE2, b"ICC_PROFILE\0\x01\x02first-");
        segment(0xDA, b"scan");
        let found = read(&jpeg, u64::MAX);
        assert_eq!(found.exif.as_deref(), Some(&b"II*\0tiff"[..]));
        assert_eq!(found.icc.as_deref(), Some(&b"first-second"[..]));
        // The ICC profile is 12 bytes, the EXIF block 8: a cap of 10 keeps only the EXIF block,
        // a cap of 7 neither.
        let capped = read(&jpeg, 10);
        assert_eq!(capped.exif.as_deref(), Some(&b"II*\0tiff"[..]));
        assert_eq!(capped.icc, None);
        assert_eq!(read(&jpeg, 7), JpegMetadata::default());
    }

    #[test]
    fn many_small_icc_chunks_do_not_add_up_past_the_cap() {
        let mut jpeg = vec![0xFF, 0xD8];
        for sequence in 0..2000u32 {
            jpeg.extend_from_slice(&[0xFF, 0xE2, 0x00, 0x11]);
            jpeg.extend_from_slice(b"ICC_PROFILE\0");
            jpeg.extend_from_slice(&[(sequence % 250) as u8, 0xFA, b'x']);
        }
        jpeg.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02]);
        // 2000 one-byte chunks: over the 255 chunks a profile can have, and over a 1000-byte cap.
        assert_eq!(read(&jpeg, u64::MAX).icc, None);
        assert_eq!(read(&jpeg, 1000).icc, None);
        // The first 200 fit both.
        let first = &jpeg[..2 + 200 * 19];
        assert_eq!(read(first, 1000).icc.map(|icc| icc.len()), Some(200));
    }

    #[test]
    fn garbage_is_not_a_crash() {
        assert_eq!(
            read(&[0xFF, 0xD8, 0xFF, 0xE1, 0x00], u64::MAX),
            JpegMetadata::default()
        );
        assert_eq!(
            read(&[0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x00], u64::MAX),
            JpegMetadata::default()
        );
    }
}

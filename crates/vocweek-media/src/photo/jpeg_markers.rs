//! Reads the EXIF block and the ICC profile from a JPEG's header segments, without decoding.

/// Metadata found before the first scan.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct JpegMetadata {
    /// The TIFF-format EXIF block (after `Exif\0\0`).
    pub exif: Option<Vec<u8>>,
    /// The ICC profile, reassembled from its APP2 chunks in sequence order.
    pub icc: Option<Vec<u8>>,
}

pub fn read(jpeg: &[u8]) -> JpegMetadata {
    let mut found = JpegMetadata::default();
    let mut icc_chunks: Vec<(u8, &[u8])> = Vec::new();
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
                found.exif = Some(data[6..].to_vec());
            }
            0xE2 if data.starts_with(b"ICC_PROFILE\0") && data.len() > 14 => {
                icc_chunks.push((data[12], &data[14..]));
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
        found.icc = Some(
            icc_chunks
                .into_iter()
                .flat_map(|(_, chunk)| chunk.iter().copied())
                .collect(),
        );
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
        let found = read(&jpeg);
        assert_eq!(found.exif.as_deref(), Some(&b"II*\0tiff"[..]));
        assert_eq!(found.icc.as_deref(), Some(&b"first-second"[..]));
    }

    #[test]
    fn garbage_is_not_a_crash() {
        assert_eq!(
            read(&[0xFF, 0xD8, 0xFF, 0xE1, 0x00]),
            JpegMetadata::default()
        );
        assert_eq!(
            read(&[0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x00]),
            JpegMetadata::default()
        );
    }
}

//! WebP's metadata, read from the file's own RIFF chunks: image-webp would allocate what a
//! chunk header claims before reading it.

/// A top-level chunk of a RIFF file (WebP), when it is there and within the file.
pub fn riff_chunk<'a>(riff: &'a [u8], id: &[u8; 4]) -> Option<&'a [u8]> {
    let mut pos: usize = 12;
    loop {
        let header = riff.get(pos..pos.checked_add(8)?)?;
        let size = usize::try_from(u32::from_le_bytes(header.get(4..8)?.try_into().ok()?)).ok()?;
        let start = pos + 8;
        let end = start.checked_add(size)?;
        if header.get(..4)? == id.as_slice() {
            return riff.get(start..end);
        }
        // Chunks are padded to an even size.
        pos = end.checked_add(size & 1)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn riff_chunks_are_found_within_the_file() {
        let mut webp = b"RIFF\0\0\0\0WEBP".to_vec();
        for (id, data) in [
            (b"VP8X", &b"0123456789"[..]),
            (b"ICCP", &b"abc"[..]),
            (b"EXIF", &b"Exif\0\0II*\0"[..]),
        ] {
            webp.extend_from_slice(id);
            webp.extend_from_slice(&(data.len() as u32).to_le_bytes());
            webp.extend_from_slice(data);
            if data.len() & 1 == 1 {
                webp.push(0);
            }
        }
        assert_eq!(riff_chunk(&webp, b"ICCP"), Some(&b"abc"[..]));
        assert_eq!(riff_chunk(&webp, b"EXIF"), Some(&b"Exif\0\0II*\0"[..]));
        assert_eq!(riff_chunk(&webp, b"XMP "), None);
        // A chunk claiming more than the file holds is not read.
        let mut cut = webp.clone();
        cut.extend_from_slice(b"XMP \xff\xff\xff\x7f<x:");
        assert_eq!(riff_chunk(&cut, b"XMP "), None);
    }
}

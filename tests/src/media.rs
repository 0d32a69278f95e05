//! Test files made in the test: no binary fixtures in the repository beyond `shared/corpus`.

/// A real camera JPEG from the shared corpus.
pub fn corpus_jpeg() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/camera/jolla.jpg"
    );
    std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A JPEG-signed file of `len` bytes whose content depends on `seed` (distinct hashes).
pub fn jpeg_like(seed: u64, len: usize) -> Vec<u8> {
    let mut bytes = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0,
    ];
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    while bytes.len() < len {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}

/// An ISO-BMFF MP4 header (`ftyp isom`, a `free` box, an `mdat` box) with `seed` in the payload.
pub fn mp4_like(seed: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(&24u32.to_be_bytes());
    bytes.extend_from_slice(b"ftypisom\0\0\x02\0isomavc1");
    bytes.extend_from_slice(&8u32.to_be_bytes());
    bytes.extend_from_slice(b"free");
    let payload = seed.to_le_bytes().repeat(512);
    bytes.extend_from_slice(&(8 + payload.len() as u32).to_be_bytes());
    bytes.extend_from_slice(b"mdat");
    bytes.extend_from_slice(&payload);
    bytes
}

/// A PDF header with `seed` in it.
pub fn pdf_like(seed: u64) -> Vec<u8> {
    format!("%PDF-1.7\n% vocweek test {seed}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
        .into_bytes()
}

//! Test files made in the test: no binary fixtures in the repository beyond `shared/corpus`.

/// The shared photo corpus: `VOCWEEK_CORPUS_DIR`, or `../shared/corpus` beside the project.
pub fn corpus_dir() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("VOCWEEK_CORPUS_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
        });
    dir.is_dir().then_some(dir)
}

/// A real camera JPEG from the shared corpus; when the corpus is absent (a clone on its own),
/// a decodable JPEG made here (with a notice), so processing still succeeds.
pub fn corpus_jpeg() -> Vec<u8> {
    match corpus_dir() {
        Some(dir) => {
            let path = dir.join("camera/jolla.jpg");
            std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        }
        None => {
            eprintln!(
                "note: ../shared/corpus is absent (set VOCWEEK_CORPUS_DIR); using a generated JPEG"
            );
            real_jpeg(811_904, 1600, 1200)
        }
    }
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

/// `jpeg` with a comment segment (`COM`) naming `serial` right after its start marker: the same
/// picture in distinct bytes (a distinct BLAKE3), made in microseconds, so a load test's clients
/// spend the cores on sending, not on encoding.
pub fn jpeg_with_serial(jpeg: &[u8], serial: u64) -> Vec<u8> {
    assert!(jpeg.starts_with(&[0xFF, 0xD8]), "not a JPEG");
    let text = format!("vocweek test serial {serial}");
    let segment_len = u16::try_from(text.len() + 2).unwrap_or_else(|_| panic!("comment too long"));
    let mut out = Vec::with_capacity(jpeg.len() + text.len() + 4);
    out.extend_from_slice(&jpeg[..2]);
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&segment_len.to_be_bytes());
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A real, decodable JPEG: an 8×8 grid of grey levels chosen by `seed`, scaled to
/// `width`×`height`. Different seeds look different to the perceptual hash.
pub fn real_jpeg(seed: u64, width: u32, height: u32) -> Vec<u8> {
    let mut state = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(0xD1B5_4A32_D192_ED03);
    let mut cells = [0u8; 64];
    for cell in &mut cells {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        *cell = (state >> 24) as u8;
    }
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        let level = cells[((y * 8 / height) * 8 + x * 8 / width) as usize];
        image::Rgb([level, level.wrapping_add(40), 255 - level])
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(&picture)
        .unwrap_or_else(|e| panic!("encoding a test JPEG: {e}"));
    bytes
}

/// A JPEG of per-pixel noise: megabytes for a few megapixels, where `real_jpeg`'s flat cells
/// compress to kilobytes.
pub fn noisy_jpeg(seed: u64, width: u32, height: u32) -> Vec<u8> {
    let mut state = seed | 1;
    let picture = image::RgbImage::from_fn(width, height, |_, _| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let [r, g, b, ..] = state.to_le_bytes();
        image::Rgb([r, g, b])
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 95)
        .encode_image(&picture)
        .unwrap_or_else(|e| panic!("encoding a test JPEG: {e}"));
    bytes
}

/// A PNG declaring `width`×`height` with almost no data: a decompression bomb's header.
pub fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    [
        b"\x89PNG\r\n\x1a\n".to_vec(),
        png_chunk(b"IHDR", &ihdr),
        png_chunk(b"IDAT", b"\x78\x9c\x03\x00\x00\x00\x00\x01"),
        png_chunk(b"IEND", &[]),
    ]
    .concat()
}

/// A PNG chunk with its CRC-32.
pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in kind.iter().chain(data) {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&(!crc).to_be_bytes());
    out
}

/// A real video made by the ffmpeg CLI: `args` are its input and codec options (for example
/// `-f lavfi -i testsrc2=size=640x360:rate=30 -t 3 -c:v libx264`), `extension` the container.
pub fn generated_video(args: &str, extension: &str) -> Vec<u8> {
    let dir = std::env::temp_dir().join(format!(
        "vocweek-generated-{}-{}",
        std::process::id(),
        uuid::Uuid::now_v7()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join(format!("video.{extension}"));
    let status = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y"])
        .args(args.split_whitespace())
        .arg(&out)
        .status()
        .expect("the ffmpeg CLI is installed (scripts/test.sh installs it)");
    assert!(status.success(), "ffmpeg {args}");
    let bytes = std::fs::read(&out).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    bytes
}

/// A big, valid MP4 of `size` bytes written to `path`: two seconds of real video, then a `free`
/// box of pseudo-random bytes that every MP4 reader skips. Big uploads without minutes of
/// encoding, or of transcoding afterwards. Returns the file's BLAKE3.
pub fn padded_video(path: &std::path::Path, size: u64, seed: u64) -> String {
    use std::io::Write;
    let video = generated_video(
        "-f lavfi -i testsrc2=size=320x240:rate=25 -t 2 -c:v libx264 -preset ultrafast -movflags +faststart",
        "mp4",
    );
    let padding = size - video.len() as u64;
    assert!(
        padding >= 8 && padding <= u64::from(u32::MAX),
        "{size} bytes"
    );
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut hasher = blake3::Hasher::new();
    let mut write = |bytes: &[u8]| {
        file.write_all(bytes).unwrap();
        hasher.update(bytes);
    };
    write(&video);
    let mut header = (padding as u32).to_be_bytes().to_vec();
    header.extend_from_slice(b"free");
    write(&header);
    let mut state = seed | 1;
    let mut chunk = vec![0u8; 1 << 20];
    let mut left = padding - 8;
    while left > 0 {
        for word in chunk.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes());
        }
        let take = left.min(chunk.len() as u64) as usize;
        write(&chunk[..take]);
        left -= take as u64;
    }
    file.flush().unwrap();
    hasher.finalize().to_hex().to_string()
}

//! A PNG's metadata chunks kept within `photos.max_metadata`: the png crate holds text chunks
//! and the inflated ICC profile in memory within one allowance and fails the whole decode past
//! it, so chunks over the cap are left out of the bytes it is given.

use std::borrow::Cow;

use super::PhotoSettings;

/// What the png crate may allocate besides the picture: its chunk buffer (up to twice the
/// largest chunk it keeps), the text it keeps, the inflated ICC profile, and row buffers. An
/// iCCP chunk that would inflate past what is left is dropped by the png crate (no error).
pub fn png_alloc_limit(settings: &PhotoSettings) -> u64 {
    settings
        .max_metadata_bytes
        .saturating_mul(4)
        .saturating_add(u64::from(settings.max_side).saturating_mul(16))
        .saturating_add(1 << 20)
}

fn is_png_text(kind: &[u8]) -> bool {
    matches!(kind, b"tEXt" | b"zTXt" | b"iTXt")
}

fn is_png_metadata_block(kind: &[u8]) -> bool {
    matches!(kind, b"iCCP" | b"eXIf")
}

/// The PNG without the metadata chunks that would not fit the cap: an iCCP or eXIf chunk
/// larger than it, and all text chunks (never used here) when together they are larger. The
/// file itself when nothing is left out (the usual case: no copy).
pub fn png_metadata_within(png: &[u8], cap: u64) -> Cow<'_, [u8]> {
    let text: u64 = png_chunks(png)
        .filter(|(kind, _, _)| is_png_text(kind))
        .map(|(_, length, _)| length as u64)
        .sum();
    png_leaving_out(png, |kind, length| {
        (is_png_text(kind) && text > cap) || (is_png_metadata_block(kind) && length as u64 > cap)
    })
}

/// The PNG without any text, ICC or EXIF chunk.
pub fn png_without_metadata(png: &[u8]) -> Cow<'_, [u8]> {
    png_leaving_out(png, |kind, _| {
        is_png_text(kind) || is_png_metadata_block(kind)
    })
}

/// The PNG without the chunks `left_out(type, data length)` picks; what follows the last whole
/// chunk (a truncated one) is kept as it is, for the decoder to judge.
fn png_leaving_out(png: &[u8], left_out: impl Fn(&[u8], usize) -> bool) -> Cow<'_, [u8]> {
    if !png_chunks(png).any(|(kind, length, _)| left_out(kind, length)) {
        return Cow::Borrowed(png);
    }
    let mut kept = Vec::with_capacity(png.len());
    let mut end = PNG_SIGNATURE_LEN.min(png.len());
    kept.extend_from_slice(png.get(..end).unwrap_or_default());
    for (kind, length, range) in png_chunks(png) {
        end = range.end;
        if !left_out(kind, length) {
            kept.extend_from_slice(png.get(range).unwrap_or_default());
        }
    }
    kept.extend_from_slice(png.get(end..).unwrap_or_default());
    Cow::Owned(kept)
}

const PNG_SIGNATURE_LEN: usize = 8;

fn png_chunks(png: &[u8]) -> PngChunks<'_> {
    PngChunks {
        png,
        pos: PNG_SIGNATURE_LEN,
    }
}

/// A PNG's chunks as (type, data length, byte range of the whole chunk), up to the first one
/// that runs past the end of the file.
struct PngChunks<'a> {
    png: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for PngChunks<'a> {
    type Item = (&'a [u8], usize, std::ops::Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        let start = self.pos;
        let header = self.png.get(start..start.checked_add(8)?)?;
        let length = usize::try_from(u32::from_be_bytes(header.get(..4)?.try_into().ok()?)).ok()?;
        // Length, type, data, CRC.
        let end = start.checked_add(12)?.checked_add(length)?;
        if end > self.png.len() {
            return None;
        }
        self.pos = end;
        Some((header.get(4..8)?, length, start..end))
    }
}

#[cfg(test)]
mod tests {
    use super::super::decode::decode;
    use super::super::test_png::{png_chunk, small_png, with_chunks, zlib};
    use super::*;

    fn kinds(png: &[u8]) -> Vec<String> {
        png_chunks(png)
            .map(|(kind, _, _)| String::from_utf8_lossy(kind).into_owned())
            .collect()
    }

    #[test]
    fn png_metadata_chunks_over_the_cap_are_left_out() {
        let png = with_chunks(
            &small_png(),
            &[
                png_chunk(b"tEXt", b"Comment\0hello"),
                png_chunk(b"iCCP", &[7u8; 200]),
                png_chunk(b"eXIf", &[1u8; 50]),
            ],
        );
        // Nothing over the cap: the file itself, no copy.
        assert!(matches!(png_metadata_within(&png, 1000), Cow::Borrowed(_)));
        // The iCCP chunk is over 100 bytes; the text (13 bytes) and eXIf (50) are not.
        let kept = png_metadata_within(&png, 100);
        let kept_kinds = kinds(&kept);
        assert!(
            !kept_kinds.iter().any(|kind| kind == "iCCP"),
            "{kept_kinds:?}"
        );
        assert!(
            kept_kinds.iter().any(|kind| kind == "tEXt"),
            "{kept_kinds:?}"
        );
        assert!(
            kept_kinds.iter().any(|kind| kind == "eXIf"),
            "{kept_kinds:?}"
        );
        assert!(
            kept_kinds.iter().any(|kind| kind == "IDAT"),
            "{kept_kinds:?}"
        );
        for stripped in [png_metadata_within(&png, 10), png_without_metadata(&png)] {
            let left = kinds(&stripped);
            assert!(
                !left
                    .iter()
                    .any(|kind| ["tEXt", "iCCP", "eXIf"].contains(&kind.as_str())),
                "{left:?}"
            );
            assert_eq!(left.first().map(String::as_str), Some("IHDR"));
            assert_eq!(left.last().map(String::as_str), Some("IEND"));
        }
        // What is left still decodes.
        let decoded = decode(&kept, &PhotoSettings::default()).unwrap();
        assert_eq!((decoded.pixels.width, decoded.pixels.height), (8, 6));
        assert_eq!(decoded.icc, None);
    }

    #[test]
    fn png_icc_profiles_are_kept_up_to_the_cap() {
        let settings = PhotoSettings {
            max_metadata_bytes: 16 << 10,
            ..PhotoSettings::default()
        };
        let with_icc = |profile: &[u8]| {
            let mut data = b"profile\0\0".to_vec();
            data.extend_from_slice(&zlib(profile));
            with_chunks(&small_png(), &[png_chunk(b"iCCP", &data)])
        };
        let small = decode(&with_icc(&[3u8; 1000][..]), &settings).unwrap();
        assert_eq!(small.icc.map(|icc| icc.len()), Some(1000));
        // 64 KiB inflated from a few hundred bytes: over the 16 KiB cap, ignored.
        let large = decode(&with_icc(&[3u8; 64 << 10][..]), &settings).unwrap();
        assert_eq!(large.icc, None);
        assert_eq!((large.pixels.width, large.pixels.height), (8, 6));
    }
}

//! The picture size a container declares, read from its header by a walk of our own before
//! FFmpeg opens the file: FFmpeg's stream probing decodes a first frame, so a file declaring
//! 16000×16000 would have a frame that size allocated before any check could refuse it.
//! MP4/MOV (`tkhd` and the visual sample entry of `stsd`) and AVI (`avih`, `strf`) are read;
//! other containers are left to the probe and to the child's memory limit.

use std::path::Path;

use super::header::{Header, be16, be32, le32, read_header};

/// The largest width and height any video track of the file declares, when its container is
/// one this reads and it declares one.
pub fn declared_size(path: &Path) -> Option<(u32, u32)> {
    let mut largest = None;
    match read_header(path)? {
        Header::Mp4(moov) => walk_boxes(&moov, 0, &mut largest),
        Header::Avi(hdrl) => avi_chunks(&hdrl, 0, &mut largest),
    }
    largest
}

/// Visits the container boxes on the way to the sizes, keeping the largest declared.
fn walk_boxes(data: &[u8], depth: u32, largest: &mut Option<(u32, u32)>) {
    // moov/trak/mdia/minf/stbl/stsd: six levels; more is not a real file.
    if depth > 8 {
        return;
    }
    let mut at = 0usize;
    while at + 8 <= data.len() {
        let Some(size) = be32(data, at).map(|s| s as usize) else {
            return;
        };
        if size < 8 || at + size > data.len() {
            return;
        }
        let body = &data[at + 8..at + size];
        match &data[at + 4..at + 8] {
            b"trak" | b"mdia" | b"minf" | b"stbl" => walk_boxes(body, depth + 1, largest),
            // Width and height are the last two 16.16 fixed-point fields.
            b"tkhd" if body.len() >= 8 => {
                let width = be32(body, body.len() - 8).map(|w| w >> 16);
                let height = be32(body, body.len() - 4).map(|h| h >> 16);
                keep(largest, width, height);
            }
            b"stsd" => {
                // version/flags, entry count, then sample entries: a visual entry's width
                // and height are 16-bit at bytes 24 and 26 of its body.
                let mut entry = 8usize;
                while entry + 36 <= body.len() {
                    let entry_size = be32(body, entry).map_or(0, |s| s as usize);
                    let fields = entry + 8;
                    keep(
                        largest,
                        be16(body, fields + 24).map(u32::from),
                        be16(body, fields + 26).map(u32::from),
                    );
                    if entry_size < 8 {
                        break;
                    }
                    entry += entry_size;
                }
            }
            _ => {}
        }
        at += size;
    }
}

fn keep(largest: &mut Option<(u32, u32)>, width: Option<u32>, height: Option<u32>) {
    if let (Some(width), Some(height)) = (width, height)
        && width > 0
        && height > 0
    {
        let (w, h) = largest.unwrap_or((0, 0));
        *largest = Some((w.max(width), h.max(height)));
    }
}

/// `hdrl`'s `avih` (the main header) and every stream's `strf` bitmap header.
fn avi_chunks(data: &[u8], depth: u32, largest: &mut Option<(u32, u32)>) {
    if depth > 4 {
        return;
    }
    let mut at = 0usize;
    while at + 8 <= data.len() {
        let Some(size) = le32(data, at).map(|s| s as usize) else {
            return;
        };
        let end = (at + 8).saturating_add(size).min(data.len());
        let body = &data[at + 8..end];
        match &data[at..at + 4] {
            b"avih" => keep(largest, le32(body, 32), le32(body, 36)),
            b"strf" => keep(
                largest,
                le32(body, 4),
                le32(body, 8).map(|h| (h as i32).unsigned_abs()),
            ),
            b"LIST" if body.len() >= 4 => avi_chunks(&body[4..], depth + 1, largest),
            _ => {}
        }
        // Chunks are padded to an even size.
        at = end + (size & 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out
    }

    #[test]
    fn an_mp4_declaring_16000_square_is_read_from_its_boxes() {
        let mut tkhd = vec![0u8; 76];
        tkhd.extend_from_slice(&(16000u32 << 16).to_be_bytes());
        tkhd.extend_from_slice(&(16000u32 << 16).to_be_bytes());
        let mut entry = [0u8; 8 + 70];
        entry[8 + 24..8 + 26].copy_from_slice(&16000u16.to_be_bytes());
        entry[8 + 26..8 + 28].copy_from_slice(&16000u16.to_be_bytes());
        let entry = boxed(b"avc1", &entry[8..]);
        let mut stsd = vec![0, 0, 0, 0, 0, 0, 0, 1];
        stsd.extend_from_slice(&entry);
        let stbl = boxed(b"stbl", &boxed(b"stsd", &stsd));
        let minf = boxed(b"minf", &stbl);
        let mdia = boxed(b"mdia", &minf);
        let trak = boxed(b"trak", &[boxed(b"tkhd", &tkhd), mdia].concat());
        let file = [
            boxed(b"ftyp", b"isom\0\0\0\0isom"),
            boxed(b"mdat", &[0u8; 100]),
            boxed(b"moov", &trak),
        ]
        .concat();
        let path = std::env::temp_dir().join(format!("declared-{}.mp4", std::process::id()));
        std::fs::write(&path, file).unwrap();
        assert_eq!(declared_size(&path), Some((16000, 16000)));
        std::fs::write(&path, b"not a video at all").unwrap();
        assert_eq!(declared_size(&path), None);
        let _ = std::fs::remove_file(&path);
    }
}

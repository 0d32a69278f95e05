//! Finds and reads the header of the two containers we walk ourselves before (or instead of)
//! asking FFmpeg: an MP4/MOV's `moov` box and an AVI's `hdrl` list, and the walk through the
//! boxes inside it. Nothing is interpreted here; `declared_size`, `fourcc` and `avc_config`
//! read what they need from these bytes.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// The most of a `moov` box that is read (a three-hour recording's index is tens of MB; beyond
/// this the header is left unread, and what needs it is skipped, not failed).
const MAX_MOOV_BYTES: u64 = 256 * 1024 * 1024;
/// The AVI header list is small; this bounds a lying one.
const MAX_AVI_HEADER_BYTES: u64 = 1024 * 1024;

pub(super) enum Header {
    /// The content of the top-level `moov` box.
    Mp4(Vec<u8>),
    /// The content of the `hdrl` list, after its list type.
    Avi(Vec<u8>),
}

/// The header of `path` when it is an MP4/MOV or an AVI whose header can be found and read.
pub(super) fn read_header(path: &Path) -> Option<Header> {
    let mut file = File::open(path).ok()?;
    let mut head = [0u8; 12];
    file.read_exact(&mut head).ok()?;
    if &head[0..4] == b"RIFF" && &head[8..12] == b"AVI " {
        avi(&mut file).map(Header::Avi)
    } else if &head[4..8] == b"ftyp" || &head[4..8] == b"moov" || &head[4..8] == b"mdat" {
        mp4(&mut file).map(Header::Mp4)
    } else {
        None
    }
}

pub(super) fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

pub(super) fn le32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

pub(super) fn be16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

/// The boxes laid end to end in `data`, as (type, content), up to the first malformed one.
pub(super) fn boxes(data: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let size = usize::try_from(be32(data, at)?).ok()?;
        let kind: [u8; 4] = data.get(at + 4..at + 8)?.try_into().ok()?;
        // 64-bit and to-the-end sizes do not occur among the small boxes inside `moov`.
        if size < 8 {
            return None;
        }
        let body = data.get(at + 8..at.checked_add(size)?)?;
        at += size;
        Some((kind, body))
    })
}

/// The content of the box at `path` below `data` (the first of each type on the way).
pub(super) fn child<'a>(data: &'a [u8], path: &[[u8; 4]]) -> Option<&'a [u8]> {
    let (first, rest) = path.split_first()?;
    let (_, body) = boxes(data).find(|(kind, _)| kind == first)?;
    if rest.is_empty() {
        Some(body)
    } else {
        child(body, rest)
    }
}

/// Finds the top-level `moov` box by the box headers alone (the media data is skipped, not
/// read) and reads its content.
fn mp4(file: &mut File) -> Option<Vec<u8>> {
    let length = file.metadata().ok()?.len();
    let mut at = 0u64;
    while at + 8 <= length {
        file.seek(SeekFrom::Start(at)).ok()?;
        let mut header = [0u8; 16];
        file.read_exact(&mut header[..8]).ok()?;
        let mut size = u64::from(be32(&header, 0)?);
        let mut body = 8u64;
        if size == 1 {
            file.read_exact(&mut header[8..16]).ok()?;
            size = u64::from_be_bytes(header[8..16].try_into().ok()?);
            body = 16;
        } else if size == 0 {
            size = length - at;
        }
        if size < body {
            return None;
        }
        if &header[4..8] == b"moov" {
            let content = size - body;
            if content > MAX_MOOV_BYTES {
                return None;
            }
            let mut moov = vec![0u8; usize::try_from(content).ok()?];
            file.read_exact(&mut moov).ok()?;
            return Some(moov);
        }
        at = at.checked_add(size)?;
    }
    None
}

/// The `hdrl` list that follows the RIFF header.
fn avi(file: &mut File) -> Option<Vec<u8>> {
    file.seek(SeekFrom::Start(12)).ok()?;
    let mut chunk = [0u8; 12];
    file.read_exact(&mut chunk).ok()?;
    if &chunk[0..4] != b"LIST" || &chunk[8..12] != b"hdrl" {
        return None;
    }
    let size = u64::from(le32(&chunk, 4)?).min(MAX_AVI_HEADER_BYTES);
    let mut hdrl = vec![0u8; usize::try_from(size.saturating_sub(4)).ok()?];
    file.read_exact(&mut hdrl).ok()?;
    Some(hdrl)
}

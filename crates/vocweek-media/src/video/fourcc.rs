//! The tag a container names a track's codec by (`hev1`, `apv1`, `XVID`), read from its header
//! by our own walk. FFmpeg keeps it in `codecpar.codec_tag`, which ffmpeg-next has no safe
//! reading of (and this crate forbids `unsafe`); when FFmpeg knows no codec by that tag, the
//! tag is the only name that tells a user what the file needs. MP4/MOV and AVI are read; for
//! other containers the tag stays unknown.

use std::path::Path;

use super::header::{Header, boxes, child, le32, read_header};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TrackKind {
    Video,
    Audio,
}

struct Track {
    kind: Option<TrackKind>,
    tag: Option<[u8; 4]>,
}

/// The codec tag of stream `index`, ready for a message (`'hev1'`, or hex when the bytes are
/// not printable). FFmpeg numbers MP4 and AVI streams in track order; should the track there
/// be of another kind, the first track of `kind` is taken.
pub(crate) fn codec_tag(path: &Path, index: usize, kind: TrackKind) -> Option<String> {
    let tracks = match read_header(path)? {
        Header::Mp4(moov) => mp4_tracks(&moov),
        Header::Avi(hdrl) => avi_tracks(&hdrl),
    };
    let track = tracks
        .get(index)
        .filter(|t| t.kind == Some(kind))
        .or_else(|| tracks.iter().find(|t| t.kind == Some(kind)))?;
    track.tag.map(describe)
}

/// `'abcd'` when all four bytes are printable ASCII, else the little-endian value in hex as
/// FFmpeg prints tags (`0x04030201`).
pub(crate) fn describe(tag: [u8; 4]) -> String {
    if tag.iter().all(|b| (0x20..=0x7e).contains(b)) {
        format!("'{}'", String::from_utf8_lossy(&tag))
    } else {
        format!("{:#010x}", u32::from_le_bytes(tag))
    }
}

/// A tag of all zero bytes is no tag.
fn tag_of(bytes: &[u8]) -> Option<[u8; 4]> {
    let tag: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
    (tag != [0; 4]).then_some(tag)
}

/// Each `trak`: its handler (`hdlr`: `vide`, `soun`) and its first sample entry's type, which
/// is the codec tag.
fn mp4_tracks(moov: &[u8]) -> Vec<Track> {
    boxes(moov)
        .filter(|(kind, _)| kind == b"trak")
        .map(|(_, trak)| {
            // hdlr: version and flags, pre_defined, then the handler type.
            let handler = child(trak, &[*b"mdia", *b"hdlr"]).and_then(|h| h.get(8..12));
            let kind = match handler {
                Some(b"vide") => Some(TrackKind::Video),
                Some(b"soun") => Some(TrackKind::Audio),
                _ => None,
            };
            // stsd: version and flags, entry count, then the first entry's size and type.
            let tag = child(trak, &[*b"mdia", *b"minf", *b"stbl", *b"stsd"])
                .and_then(|stsd| stsd.get(12..16))
                .and_then(tag_of);
            Track { kind, tag }
        })
        .collect()
}

/// Each `strl` list: its stream header's type (`vids`, `auds`) and the codec tag — a video
/// format's compression (`biCompression`, what FFmpeg reads), else the stream header's
/// handler; a sound format's 16-bit format tag.
fn avi_tracks(hdrl: &[u8]) -> Vec<Track> {
    chunks(hdrl)
        .filter(|(id, body)| id == b"LIST" && body.get(..4) == Some(&b"strl"[..]))
        .map(|(_, strl)| {
            let (mut kind, mut handler, mut format) = (None, None, None);
            for (id, body) in chunks(strl.get(4..).unwrap_or_default()) {
                match &id {
                    b"strh" => {
                        kind = match body.get(..4) {
                            Some(b"vids") => Some(TrackKind::Video),
                            Some(b"auds") => Some(TrackKind::Audio),
                            _ => None,
                        };
                        handler = body.get(4..8).and_then(tag_of);
                    }
                    b"strf" => format = Some(body),
                    _ => {}
                }
            }
            let tag = match kind {
                // BITMAPINFOHEADER: size, width, height, planes and bit count, compression.
                Some(TrackKind::Video) => format.and_then(|f| f.get(16..20)).and_then(tag_of),
                // WAVEFORMATEX: the format tag comes first.
                Some(TrackKind::Audio) => format
                    .and_then(|f| f.get(..2))
                    .and_then(|t| tag_of(&[t[0], t[1], 0, 0])),
                None => None,
            };
            let tag = match kind {
                Some(TrackKind::Video) => tag.or(handler),
                _ => tag,
            };
            Track { kind, tag }
        })
        .collect()
}

/// The RIFF chunks laid end to end in `data`, as (id, content), up to the first malformed one.
fn chunks(data: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let id: [u8; 4] = data.get(at..at + 4)?.try_into().ok()?;
        let size = usize::try_from(le32(data, at + 4)?).ok()?;
        let start = at + 8;
        let end = start.checked_add(size)?.min(data.len());
        let body = data.get(start..end)?;
        // Chunks are padded to an even size.
        at = end + (size & 1);
        Some((id, body))
    })
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

    fn chunk(id: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = id.to_vec();
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(body);
        if body.len() % 2 == 1 {
            out.push(0);
        }
        out
    }

    fn trak(handler: &[u8; 4], entry: &[u8; 4]) -> Vec<u8> {
        let hdlr = boxed(
            b"hdlr",
            &[vec![0u8; 8], handler.to_vec(), vec![0u8; 12]].concat(),
        );
        let stsd = boxed(
            b"stsd",
            &[vec![0, 0, 0, 0, 0, 0, 0, 1], boxed(entry, &[0u8; 78])].concat(),
        );
        let stbl = boxed(b"stbl", &stsd);
        let minf = boxed(b"minf", &[boxed(b"vmhd", &[0u8; 12]), stbl].concat());
        boxed(b"trak", &boxed(b"mdia", &[hdlr, minf].concat()))
    }

    #[test]
    fn reads_each_mp4_tracks_sample_entry() {
        let moov = [trak(b"soun", b"mp4a"), trak(b"vide", b"apv1")].concat();
        let tracks = mp4_tracks(&moov);
        assert_eq!(tracks.len(), 2);
        assert_eq!(tracks[0].kind, Some(TrackKind::Audio));
        assert_eq!(tracks[0].tag, Some(*b"mp4a"));
        assert_eq!(tracks[1].kind, Some(TrackKind::Video));
        assert_eq!(tracks[1].tag, Some(*b"apv1"));
    }

    #[test]
    fn reads_avi_stream_formats() {
        let mut strf = vec![0u8; 40];
        strf[16..20].copy_from_slice(b"XVID");
        let strh = [b"vidsxvid".to_vec(), vec![0u8; 48]].concat();
        let video = chunk(
            b"LIST",
            &[
                b"strl".to_vec(),
                chunk(b"strh", &strh),
                chunk(b"strf", &strf),
            ]
            .concat(),
        );
        let strh = [b"auds".to_vec(), vec![0u8; 52]].concat();
        let sound = chunk(
            b"LIST",
            &[
                b"strl".to_vec(),
                chunk(b"strh", &strh),
                chunk(b"strf", &[0x34, 0x12, 1, 0, 0x44, 0xac, 0, 0]),
            ]
            .concat(),
        );
        let hdrl = [chunk(b"avih", &[0u8; 56]), video, sound].concat();
        let tracks = avi_tracks(&hdrl);
        assert_eq!(tracks.len(), 2);
        assert_eq!(tracks[0].tag.map(describe).as_deref(), Some("'XVID'"));
        assert_eq!(tracks[1].kind, Some(TrackKind::Audio));
        assert_eq!(tracks[1].tag.map(describe).as_deref(), Some("0x00001234"));
    }

    #[test]
    fn describes_printable_tags_as_text_and_others_in_hex() {
        assert_eq!(describe(*b"hev1"), "'hev1'");
        assert_eq!(describe([1, 2, 3, 4]), "0x04030201");
    }
}

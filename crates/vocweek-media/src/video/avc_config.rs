//! An MP4/MOV H.264 track's decoder configuration (`avcC`, ISO 14496-15 5.3.3), read from the
//! file's `moov` by our own walk: FFmpeg keeps it as the stream's extradata, which ffmpeg-next
//! has no safe reading of (and this crate forbids `unsafe`). Its sequence parameter set names
//! the stream (profile, level, progressive or not) when, as in MP4, the packets do not repeat it;
//! its length size says how the packets' NAL units are framed. The track's edit list is read
//! too: FFmpeg hands out the samples an edit hides flagged to be discarded after decoding
//! (`AV_PKT_FLAG_DISCARD`), a flag ffmpeg-next's `packet::Flags` drops (it keeps only KEY and
//! CORRUPT), so the scan cannot see them; the decoder drops those pictures, a copy would not.

use std::path::Path;

use super::header::{Header, be16, be32, boxes, child, read_header};

/// The part of an `avcC` record the passthrough uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AvcConfig {
    /// Bytes before each NAL unit giving its length (1, 2 or 4).
    pub length_size: usize,
    /// The first sequence parameter set, header byte included (`avc3` tracks may have none
    /// here and carry it in the stream).
    pub sps: Option<Vec<u8>>,
    /// The track's edit list, if any, shows every sample, from the first picture to the last:
    /// no packet is handed out only to be decoded and discarded.
    pub shows_every_sample: bool,
    /// Every sequence and picture parameter set of the record, in order (a clip's copied
    /// pictures carry them in the stream, before each keyframe).
    pub parameter_sets: Vec<Vec<u8>>,
}

/// The `avcC` of the track whose `tkhd` says `track_id` (FFmpeg's `Stream::id()` for an
/// MP4/MOV: its position among the `trak` boxes is not FFmpeg's stream index once a track is
/// skipped), when the file is an MP4/MOV and that track is an H.264 video track.
pub(crate) fn avc_config(path: &Path, track_id: i32) -> Option<AvcConfig> {
    let Header::Mp4(moov) = read_header(path)? else {
        return None;
    };
    let (_, trak) = boxes(&moov)
        .filter(|(kind, _)| kind == b"trak")
        .find(|(_, trak)| track_id_of(trak) == Some(track_id))?;
    // hdlr: version and flags, pre_defined, then the handler type.
    let handler = child(trak, &[*b"mdia", *b"hdlr"]).and_then(|h| h.get(8..12));
    if handler != Some(&b"vide"[..]) {
        return None;
    }
    // stsd: version and flags, entry count, then the first sample entry.
    let stsd = child(trak, &[*b"mdia", *b"minf", *b"stbl", *b"stsd"])?;
    let (kind, entry) = boxes(stsd.get(8..)?).next()?;
    if &kind != b"avc1" && &kind != b"avc3" {
        return None;
    }
    // A visual sample entry's fixed fields take 78 bytes; its boxes follow.
    let (_, record) = boxes(entry.get(78..)?).find(|(kind, _)| kind == b"avcC")?;
    let (length_size, sps) = parse_record(record)?;
    Some(AvcConfig {
        length_size,
        sps,
        shows_every_sample: shows_every_sample(&moov, trak).unwrap_or(false),
        parameter_sets: parameter_sets(record).unwrap_or_default(),
    })
}

/// tkhd: version and flags, two times (32-bit, or 64-bit in version 1), then the track ID.
fn track_id_of(trak: &[u8]) -> Option<i32> {
    let tkhd = child(trak, &[*b"tkhd"])?;
    let at = if *tkhd.first()? == 1 { 20 } else { 12 };
    i32::try_from(be32(tkhd, at)?).ok()
}

/// Whether the track's edit list (`edts/elst`) hides no sample: none, or one edit starting at
/// the first picture's presentation time (what FFmpeg's MP4 muxer writes: the B-frame delay,
/// the first sample's `ctts` offset) and lasting at least the media's duration. Anything else
/// — several edits, a start past the first picture, an end before the last — may make FFmpeg
/// flag packets to be discarded. `None` when a box it needs cannot be read.
fn shows_every_sample(moov: &[u8], trak: &[u8]) -> Option<bool> {
    let Some(elst) = child(trak, &[*b"edts", *b"elst"]) else {
        return Some(true);
    };
    let wide = *elst.first()? == 1;
    match be32(elst, 4)? {
        0 => return Some(true),
        1 => {}
        _ => return Some(false),
    }
    // media_time is signed (-1 marks an empty edit): the same bits read as such.
    let (segment_duration, media_time) = if wide {
        (be64(elst, 8)?, be64(elst, 16)? as i64)
    } else {
        (u64::from(be32(elst, 8)?), i64::from(be32(elst, 12)? as i32))
    };
    if media_time != first_composition_offset(trak)? {
        return Some(false);
    }
    // The edit's duration is in the movie's time scale, the media's in its own.
    let (movie_scale, _) = time_scale_and_duration(child(moov, &[*b"mvhd"])?)?;
    let mdhd = child(trak, &[*b"mdia", *b"mdhd"])?;
    let (media_scale, media_duration) = time_scale_and_duration(mdhd)?;
    if movie_scale == 0 || media_scale == 0 || media_duration == 0 {
        return Some(false);
    }
    // segment_duration / movie_scale ≥ media_duration / media_scale, less one movie tick (the
    // muxer rounds the duration to its time scale; a tick is far less than a frame), exactly.
    let edit_plus_a_tick = (u128::from(segment_duration) + 1) * u128::from(media_scale);
    Some(edit_plus_a_tick >= u128::from(media_duration) * u128::from(movie_scale))
}

/// The first sample's composition offset (`ctts`, signed in version 1), 0 without a `ctts`.
fn first_composition_offset(trak: &[u8]) -> Option<i64> {
    let Some(ctts) = child(trak, &[*b"mdia", *b"minf", *b"stbl", *b"ctts"]) else {
        return Some(0);
    };
    if be32(ctts, 4)? == 0 {
        return Some(0);
    }
    let offset = be32(ctts, 12)?;
    Some(if *ctts.first()? == 1 {
        i64::from(offset as i32)
    } else {
        i64::from(offset)
    })
}

/// `mvhd` and `mdhd`: version and flags, two times (64-bit in version 1), the time scale, the
/// duration (64-bit in version 1).
fn time_scale_and_duration(header: &[u8]) -> Option<(u32, u64)> {
    if *header.first()? == 1 {
        Some((be32(header, 20)?, be64(header, 24)?))
    } else {
        Some((be32(header, 12)?, u64::from(be32(header, 16)?)))
    }
}

fn be64(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

/// configurationVersion, profile, compatibility, level, then `111111` and the length size
/// minus one, then `111` and the SPS count, each SPS after its 16-bit length: the length size
/// and the SPS. `None` also for more than one SPS: the passthrough checks one.
pub(crate) fn parse_record(record: &[u8]) -> Option<(usize, Option<Vec<u8>>)> {
    if record.first() != Some(&1) {
        return None;
    }
    let length_size = usize::from(record.get(4)? & 0x03) + 1;
    let sps = match record.get(5)? & 0x1f {
        0 => None,
        1 => {
            let length = usize::from(be16(record, 6)?);
            Some(record.get(8..8 + length)?.to_vec())
        }
        _ => return None,
    };
    Some((length_size, sps))
}

/// Every SPS, then every PPS, of an `avcC` record (each after a 16-bit length, the SPS after
/// their 5-bit count, the PPS after their 8-bit count); `None` when one runs past the record.
pub(crate) fn parameter_sets(record: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut sets = Vec::new();
    let mut at = 5;
    for count_mask in [0x1f, 0xff] {
        let count = record.get(at)? & count_mask;
        at += 1;
        for _ in 0..count {
            let length = usize::from(be16(record, at)?);
            sets.push(record.get(at + 2..at + 2 + length)?.to_vec());
            at += 2 + length;
        }
    }
    Some(sets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_parameter_set() {
        let record = [
            1, 0x64, 0, 0x28, 0xff, 0xe1, 0, 3, 0x67, 0x64, 0, 1, 0, 2, 0x68, 0xee,
        ];
        assert_eq!(
            parameter_sets(&record),
            Some(vec![vec![0x67, 0x64, 0], vec![0x68, 0xee]])
        );
        assert_eq!(parameter_sets(&record[..14]), None, "a PPS cut short");
    }

    #[test]
    fn reads_the_length_size_and_the_first_sps() {
        let record = [
            1, 0x64, 0, 0x28, 0xff, 0xe1, 0, 3, 0x67, 0x64, 0, 1, 0, 2, 0x68, 0xee,
        ];
        assert_eq!(parse_record(&record), Some((4, Some(vec![0x67, 0x64, 0]))));
        let no_sps = [1, 0x64, 0, 0x28, 0xfd, 0xe0, 0];
        assert_eq!(parse_record(&no_sps), Some((2, None)));
        assert_eq!(
            parse_record(&[0, 0x64, 0, 0x28, 0xff, 0xe1]),
            None,
            "version 0"
        );
        assert_eq!(
            parse_record(&[1, 0x64, 0, 0x28, 0xff, 0xe1, 0, 9, 0x67]),
            None,
            "an SPS longer than the record"
        );
        let two = [1, 0x64, 0, 0x28, 0xff, 0xe2, 0, 1, 0x67, 0, 1, 0x67];
        assert_eq!(parse_record(&two), None, "two SPS");
    }

    /// A box: its size, its type, its content.
    fn boxed(kind: &[u8; 4], content: &[u8]) -> Vec<u8> {
        let size = u32::try_from(content.len() + 8).unwrap();
        let mut out = size.to_be_bytes().to_vec();
        out.extend(kind);
        out.extend(content);
        out
    }

    /// Version-0 `mvhd`/`mdhd`/`tkhd` content: version and flags, two times, then `a`, `b`.
    fn header_v0(a: u32, b: u32) -> Vec<u8> {
        let mut out = vec![0u8; 12];
        out.extend(a.to_be_bytes());
        out.extend(b.to_be_bytes());
        out
    }

    /// A `trak` with track ID `id`, 12 s at 1/15360 starting two frames (1024) into its
    /// composition times, and the edit list `edits` (segment duration in ms, media time).
    fn trak(id: u32, edits: Option<&[(u32, i32)]>) -> Vec<u8> {
        let mut content = boxed(b"tkhd", &header_v0(id, 0));
        if let Some(edits) = edits {
            let mut elst = vec![0, 0, 0, 0];
            elst.extend(u32::try_from(edits.len()).unwrap().to_be_bytes());
            for (duration, media_time) in edits {
                elst.extend(duration.to_be_bytes());
                elst.extend(media_time.to_be_bytes());
                elst.extend([0, 1, 0, 0]);
            }
            content.extend(boxed(b"edts", &boxed(b"elst", &elst)));
        }
        let mut ctts = vec![0, 0, 0, 0, 0, 0, 0, 1];
        ctts.extend(1u32.to_be_bytes());
        ctts.extend(1024u32.to_be_bytes());
        let stbl = boxed(b"stbl", &boxed(b"ctts", &ctts));
        let mut mdia = boxed(b"mdhd", &header_v0(15360, 12 * 15360));
        mdia.extend(boxed(b"minf", &stbl));
        content.extend(boxed(b"mdia", &mdia));
        boxed(b"trak", &content)
    }

    fn every_sample(edits: Option<&[(u32, i32)]>) -> Option<bool> {
        let moov = boxed(b"mvhd", &header_v0(1000, 12_000));
        let trak = trak(1, edits);
        let (_, content) = boxes(&trak).next().unwrap();
        shows_every_sample(&moov, content)
    }

    #[test]
    fn an_edit_list_that_hides_samples_is_found() {
        assert_eq!(every_sample(None), Some(true), "no edit list");
        assert_eq!(
            every_sample(Some(&[(12_000, 1024)])),
            Some(true),
            "FFmpeg's: from the first picture, the whole duration"
        );
        assert_eq!(
            every_sample(Some(&[(11_999, 1024)])),
            Some(true),
            "a millisecond short: rounding"
        );
        assert_eq!(
            every_sample(Some(&[(11_000, 1024)])),
            Some(false),
            "the last second hidden"
        );
        assert_eq!(
            every_sample(Some(&[(11_000, 1024 + 15360)])),
            Some(false),
            "the first second hidden"
        );
        assert_eq!(
            every_sample(Some(&[(500, -1), (12_000, 1024)])),
            Some(false),
            "two edits"
        );
    }

    #[test]
    fn tracks_are_found_by_their_id() {
        let mut moov = trak(1, None);
        moov.extend(trak(7, None));
        let ids: Vec<Option<i32>> = boxes(&moov).map(|(_, t)| track_id_of(t)).collect();
        assert_eq!(ids, [Some(1), Some(7)]);
    }
}

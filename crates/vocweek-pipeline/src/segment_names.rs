//! The names a live event's segments go by, the same in the store, in the playlists and, once
//! the event is a replay, under the replay item's HLS: `<rung>_<sequence>.ts`, five digits and
//! more (a 2 s segment a number: 55 hours before a sixth digit).

use vocweek_storage::{StorageError, rendition_key};

/// The longest rendition name taken from a live transcode (`1080p`, `720p`…).
const MAX_RUNG_NAME: usize = 16;

/// `720p_00003.ts`.
pub fn segment_file(rung: &str, sequence: i64) -> String {
    format!("{rung}_{sequence:05}.ts")
}

/// A rendition name as a live transcode makes them: letters and digits only, so that it can
/// stand in a file name, a key and a playlist line as it is.
pub fn is_rung_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_RUNG_NAME
        && name.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The rendition and the number of a segment file's name; `None` for anything else.
pub fn parse_segment_file(file: &str) -> Option<(&str, i64)> {
    let stem = file.strip_suffix(".ts")?;
    let (rung, number) = stem.rsplit_once('_')?;
    let well_formed = is_rung_name(rung)
        && number.len() >= 5
        && number.len() <= 12
        && number.bytes().all(|b| b.is_ascii_digit());
    if !well_formed {
        return None;
    }
    Some((rung, number.parse().ok()?))
}

/// Where a segment is stored: under the event's id as if it were an item's renditions
/// (`renditions/<event>/hls/720p_00003.ts`). The replay item takes the event's id, so its
/// HLS is these same blobs, and deleting the replay deletes them.
pub fn segment_key(event_id: &str, rung: &str, sequence: i64) -> Result<String, StorageError> {
    rendition_key(event_id, &format!("hls/{}", segment_file(rung, sequence)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_names_read_back() {
        assert_eq!(segment_file("720p", 3), "720p_00003.ts");
        assert_eq!(parse_segment_file("720p_00003.ts"), Some(("720p", 3)));
        assert_eq!(
            parse_segment_file(&segment_file("1080p", 123_456)),
            Some(("1080p", 123_456))
        );
        for bad in [
            "720p_003.ts",
            "720p_00003.m3u8",
            "../720p_00003.ts",
            "7-20p_00003.ts",
            "_00003.ts",
            "720p_0000x.ts",
            "720p_0000000000000.ts",
        ] {
            assert_eq!(parse_segment_file(bad), None, "{bad}");
        }
        assert_eq!(
            segment_key("ev", "360p", 7).unwrap(),
            "renditions/ev/hls/360p_00007.ts"
        );
    }
}

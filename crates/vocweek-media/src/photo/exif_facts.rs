//! The EXIF facts editors see: capture time, camera, GPS presence, orientation.

use chrono::{FixedOffset, NaiveDate, TimeZone};
use exif::{Context, In, Reader, Tag, Value};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ExifFacts {
    pub orientation: Option<u16>,
    pub captured_at: Option<String>,
    pub make: Option<String>,
    pub model: Option<String>,
    pub gps_present: bool,
}

/// Reads a TIFF-format EXIF block. A malformed block yields no facts rather than an error: the
/// picture itself is still good.
pub fn read(tiff: &[u8]) -> ExifFacts {
    let exif = match Reader::new()
        .continue_on_error(true)
        .read_raw(tiff.to_vec())
    {
        Ok(exif) => exif,
        Err(err) => match err.distill_partial_result(|_| {}) {
            Ok(partial) => partial,
            Err(_) => return ExifFacts::default(),
        },
    };
    let ascii = |tag: Tag| -> Option<String> {
        exif.get_field(tag, In::PRIMARY)
            .and_then(|field| match &field.value {
                Value::Ascii(values) => values.first().map(|v| {
                    String::from_utf8_lossy(v)
                        .trim_matches(|c: char| c == '\0' || c.is_whitespace())
                        .to_owned()
                }),
                _ => None,
            })
            .filter(|v| !v.is_empty())
    };
    let orientation = exif
        .get_field(Tag::Orientation, In::PRIMARY)
        .and_then(|field| field.value.get_uint(0))
        .and_then(|v| u16::try_from(v).ok())
        .filter(|v| (1..=8).contains(v));
    let captured_at = ascii(Tag::DateTimeOriginal)
        .or_else(|| ascii(Tag::DateTime))
        .and_then(|text| capture_time(&text, ascii(Tag::OffsetTimeOriginal).as_deref()));
    ExifFacts {
        orientation,
        captured_at,
        make: ascii(Tag::Make),
        model: ascii(Tag::Model),
        gps_present: exif
            .fields()
            .any(|field| field.tag.context() == Context::Gps),
    }
}

/// `YYYY:MM:DD HH:MM:SS` with the recorded offset, or Beijing time when none was recorded
/// (the campaign's cameras are in the province).
fn capture_time(text: &str, offset: Option<&str>) -> Option<String> {
    let date = NaiveDate::parse_from_str(text.get(..10)?, "%Y:%m:%d").ok()?;
    let time = chrono::NaiveTime::parse_from_str(text.get(11..19)?, "%H:%M:%S").ok()?;
    let offset = offset
        .and_then(parse_offset)
        .or_else(|| FixedOffset::east_opt(8 * 3600))?;
    let local = offset.from_local_datetime(&date.and_time(time)).single()?;
    Some(local.to_rfc3339())
}

fn parse_offset(text: &str) -> Option<FixedOffset> {
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let hours: i32 = text.get(1..3)?.parse().ok()?;
    let minutes: i32 = text.get(4..6)?.parse().ok()?;
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_times_keep_their_offset_or_default_to_beijing() {
        assert_eq!(
            capture_time("2021:05:22 09:30:00", None).as_deref(),
            Some("2021-05-22T09:30:00+08:00")
        );
        assert_eq!(
            capture_time("2021:05:22 09:30:00", Some("+02:00")).as_deref(),
            Some("2021-05-22T09:30:00+02:00")
        );
        assert_eq!(capture_time("0000:00:00 00:00:00", None), None);
    }

    #[test]
    fn garbage_exif_gives_no_facts() {
        assert_eq!(read(b"not exif"), ExifFacts::default());
    }
}

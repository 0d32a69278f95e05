//! The NAL units of an H.264 packet, in either of its two framings: Annex B (start codes, as in
//! MPEG-TS) or length-prefixed (as in MP4, the length's size given by the stream's `avcC`
//! record). Only what the passthrough check needs: which units a packet holds.

/// How a stream's packets frame their NAL units. Decided once per stream from the container,
/// never guessed per packet: with 4-byte lengths a unit of 256–511 bytes begins `00 00 01 xx`,
/// which a per-packet sniff would take for a start code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// Start codes (MPEG-TS).
    AnnexB,
    /// Each unit after its length in this many bytes (1, 2 or 4), as the `avcC` says.
    LengthPrefixed(usize),
}

/// Instantaneous decoder refresh: a keyframe nothing before it is needed for.
pub(crate) const NAL_IDR: u8 = 5;
pub(crate) const NAL_SPS: u8 = 7;

/// The unit's type, from its one-byte header.
pub(crate) fn nal_type(nal: &[u8]) -> Option<u8> {
    nal.first().map(|header| header & 0x1f)
}

/// The NAL units of `data` in `framing`. `None` when the packet is not in that framing (Annex B
/// data not beginning with a start code, or lengths that run past the packet).
pub(crate) fn nal_units(data: &[u8], framing: Framing) -> Option<Vec<&[u8]>> {
    match framing {
        Framing::AnnexB if data.starts_with(&[0, 0, 1]) || data.starts_with(&[0, 0, 0, 1]) => {
            Some(annex_b(data))
        }
        Framing::AnnexB => None,
        Framing::LengthPrefixed(length_size) => length_prefixed(data, length_size),
    }
}

/// Units between start codes (`00 00 01`, the four-byte form being a zero byte before it),
/// trailing zero bytes dropped.
fn annex_b(data: &[u8]) -> Vec<&[u8]> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 3 <= data.len() {
        if data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1 {
            starts.push(i + 3);
            i += 3;
        } else {
            i += 1;
        }
    }
    starts
        .iter()
        .enumerate()
        .map(|(n, &start)| {
            // The next start code's first byte, or the end.
            let end = starts.get(n + 1).map_or(data.len(), |next| next - 3);
            let unit = &data[start..end.max(start)];
            let trimmed = unit
                .iter()
                .rposition(|b| *b != 0)
                .map_or(0, |last| last + 1);
            &unit[..trimmed]
        })
        .filter(|unit| !unit.is_empty())
        .collect()
}

fn length_prefixed(data: &[u8], length_size: usize) -> Option<Vec<&[u8]>> {
    if !matches!(length_size, 1 | 2 | 4) {
        return None;
    }
    let mut units = Vec::new();
    let mut at = 0usize;
    while at < data.len() {
        let prefix = data.get(at..at + length_size)?;
        let length = prefix
            .iter()
            .fold(0usize, |value, byte| (value << 8) | usize::from(*byte));
        let start = at + length_size;
        let unit = data.get(start..start.checked_add(length)?)?;
        units.push(unit);
        at = start + length;
    }
    Some(units)
}

/// The packet holds an IDR picture.
pub(crate) fn has_idr(units: &[&[u8]]) -> bool {
    units.iter().any(|unit| nal_type(unit) == Some(NAL_IDR))
}

/// Every sequence parameter set among the units.
pub(crate) fn sps_units<'a>(units: &[&'a [u8]]) -> impl Iterator<Item = &'a [u8]> {
    units
        .iter()
        .copied()
        .filter(|unit| nal_type(unit) == Some(NAL_SPS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_annex_b_at_three_and_four_byte_start_codes() {
        let data = [
            0, 0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x67, 0x64, 0, 0, 0, 1, 0x65, 0x88, 0, 0,
        ];
        let units = nal_units(&data, Framing::AnnexB).unwrap();
        let expected: [&[u8]; 3] = [&[0x09, 0xf0], &[0x67, 0x64], &[0x65, 0x88]];
        assert_eq!(units, expected);
        assert!(has_idr(&units));
        assert_eq!(sps_units(&units).collect::<Vec<_>>(), [expected[1]]);
        assert_eq!(
            nal_units(&data[4..], Framing::LengthPrefixed(4)),
            None,
            "Annex B data read as length-prefixed runs past its end"
        );
        assert_eq!(
            nal_units(&[0x65, 0x88], Framing::AnnexB),
            None,
            "no start code"
        );
    }

    #[test]
    fn splits_length_prefixed_units_and_refuses_lengths_past_the_end() {
        let data = [0, 0, 0, 2, 0x06, 0x05, 0, 0, 0, 3, 0x41, 0x9a, 0x01];
        let units = nal_units(&data, Framing::LengthPrefixed(4)).unwrap();
        let expected: [&[u8]; 2] = [&[0x06, 0x05], &[0x41, 0x9a, 0x01]];
        assert_eq!(units, expected);
        assert!(!has_idr(&units), "a P slice and an SEI: no IDR");
        assert_eq!(sps_units(&units).count(), 0);
        assert_eq!(
            nal_units(&[0, 0, 0, 9, 0x65], Framing::LengthPrefixed(4)),
            None
        );
        let short: [&[u8]; 1] = [&[0x65, 0x88]];
        assert_eq!(
            nal_units(&[0, 2, 0x65, 0x88], Framing::LengthPrefixed(2)).unwrap(),
            short
        );
        assert_eq!(
            nal_units(&[2, 0x65], Framing::LengthPrefixed(3)),
            None,
            "no such length size"
        );
    }

    /// A 300-byte IDR slice after a 4-byte length: the packet begins `00 00 01 2c`, which is a
    /// start code to a sniff; read as the container says, it is one unit.
    #[test]
    fn a_length_that_looks_like_a_start_code_is_a_length() {
        let mut data = vec![0, 0, 1, 0x2c, 0x65];
        data.resize(4 + 300, 0x11);
        let units = nal_units(&data, Framing::LengthPrefixed(4)).unwrap();
        assert_eq!(units.len(), 1);
        assert_eq!(units[0].len(), 300);
        assert!(has_idr(&units));
    }
}

//! A copied picture's packet as the clip's stream carries it: Annex B, each keyframe after the
//! parameter sets it was coded with.
//!
//! The clip mixes copied packets with our encoder's (which are Annex B and carry their own
//! parameter sets), and the MP4 muxer frames a whole track one way: so every packet goes in as
//! Annex B, and a keyframe copied from an MP4 (whose parameter sets live only in the `avcC`
//! record) gets them in front of it, or the decoder would use the encoder's.

use super::h264_nal::{Framing, nal_units};

const START_CODE: [u8; 4] = [0, 0, 0, 1];

/// `data` in Annex B, with `parameter_sets` in front when `key`. `None` when the packet is not
/// in `framing`.
pub(crate) fn annex_b_packet(
    data: &[u8],
    framing: Framing,
    parameter_sets: &[Vec<u8>],
    key: bool,
) -> Option<Vec<u8>> {
    let units = nal_units(data, framing)?;
    let mut out = Vec::with_capacity(data.len() + 64);
    if key {
        for set in parameter_sets {
            out.extend_from_slice(&START_CODE);
            out.extend_from_slice(set);
        }
    }
    for unit in units {
        out.extend_from_slice(&START_CODE);
        out.extend_from_slice(unit);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_length_prefixed_keyframe_gets_start_codes_and_its_parameter_sets() {
        let data = [0, 0, 0, 2, 0x65, 0x88, 0, 0, 0, 1, 0x06];
        let sets = vec![vec![0x67, 0x64], vec![0x68, 0xee]];
        let out = annex_b_packet(&data, Framing::LengthPrefixed(4), &sets, true).unwrap();
        assert_eq!(
            out,
            [
                0, 0, 0, 1, 0x67, 0x64, 0, 0, 0, 1, 0x68, 0xee, 0, 0, 0, 1, 0x65, 0x88, 0, 0, 0, 1,
                0x06
            ]
        );
        let not_key = annex_b_packet(&data, Framing::LengthPrefixed(4), &sets, false).unwrap();
        assert_eq!(not_key, [0, 0, 0, 1, 0x65, 0x88, 0, 0, 0, 1, 0x06]);
    }

    #[test]
    fn annex_b_stays_annex_b_and_a_bad_packet_is_none() {
        let data = [0, 0, 1, 0x41, 0x9a];
        let out = annex_b_packet(&data, Framing::AnnexB, &[], true).unwrap();
        assert_eq!(out, [0, 0, 0, 1, 0x41, 0x9a]);
        assert_eq!(
            annex_b_packet(&[0, 0, 0, 9, 0x65], Framing::LengthPrefixed(4), &[], true),
            None
        );
    }
}

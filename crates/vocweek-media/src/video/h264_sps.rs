//! What an H.264 sequence parameter set says about a stream that the passthrough needs and
//! FFmpeg's safe API does not give: the profile, constraint flags and level of the RFC 6381
//! codec name (`avc1.64002a`), the chroma format and bit depth, and whether every picture is a
//! progressive frame (`frame_mbs_only_flag`; `AVCodecParameters.field_order` has no safe reading),
//! the coded size after cropping, and the VUI's colour range. Read as far as
//! `video_full_range_flag` (H.264 7.3.2.1.1, E.1.1), nothing after it.

use super::h264_nal::{NAL_SPS, nal_type};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sps {
    pub profile: u8,
    /// `constraint_set0_flag`… as the byte they are stored in.
    pub constraints: u8,
    pub level: u8,
    /// 1 is 4:2:0.
    pub chroma_format: u32,
    pub bit_depth_luma: u32,
    pub bit_depth_chroma: u32,
    /// Every picture is a coded frame: no fields, no MBAFF.
    pub frame_mbs_only: bool,
    /// `qpprime_y_zero_transform_bypass_flag`: lossless macroblocks (High 4:4:4 only).
    pub transform_bypass: bool,
    pub width_in_mbs: u32,
    pub height_in_map_units: u32,
    /// `frame_crop_{left,right,top,bottom}_offset`, in crop units (7.4.2.1.1).
    pub crop: [u32; 4],
    /// The VUI's `video_full_range_flag` (false when absent: limited range is the default).
    pub full_range: bool,
}

/// The profiles a copy may carry: Constrained Baseline (66 with `constraint_set1_flag`), Main
/// and High, what every HLS player decodes. Plain Baseline may use FMO, ASO and redundant
/// slices, which browsers' decoders do not support; High 10, 4:2:2 and 4:4:4 are not HLS's.
const COPYABLE_PROFILES: [u8; 3] = [66, 77, 100];
/// Level 5.1, the highest Apple's HLS authoring spec and browsers' H.264 decoders take.
const HIGHEST_LEVEL: u8 = 51;
/// `constraint_set1_flag` in the constraints byte: with profile 66, Constrained Baseline.
const CONSTRAINT_SET1: u8 = 0x40;

impl Sps {
    /// Parses an SPS NAL unit (its one-byte header included); `None` when it is not one or is
    /// cut short.
    pub fn parse(nal: &[u8]) -> Option<Sps> {
        if nal_type(nal) != Some(NAL_SPS) {
            return None;
        }
        let rbsp = unescape(nal.get(1..)?);
        let (&profile, &constraints, &level) = (rbsp.first()?, rbsp.get(1)?, rbsp.get(2)?);
        let mut bits = Bits::new(rbsp.get(3..)?);
        let _id = bits.ue()?;
        let (mut chroma_format, mut bit_depth_luma, mut bit_depth_chroma) = (1, 8, 8);
        let mut transform_bypass = false;
        if HIGH_PROFILES.contains(&profile) {
            chroma_format = bits.ue()?;
            if chroma_format == 3 {
                let _separate_colour_planes = bits.bit()?;
            }
            bit_depth_luma = bits.ue()?.checked_add(8)?;
            bit_depth_chroma = bits.ue()?.checked_add(8)?;
            transform_bypass = bits.bit()?;
            if bits.bit()? {
                let lists = if chroma_format == 3 { 12 } else { 8 };
                for list in 0..lists {
                    if bits.bit()? {
                        skip_scaling_list(&mut bits, if list < 6 { 16 } else { 64 })?;
                    }
                }
            }
        }
        let _log2_max_frame_num = bits.ue()?;
        match bits.ue()? {
            0 => {
                let _log2_max_poc_lsb = bits.ue()?;
            }
            1 => {
                let _delta_always_zero = bits.bit()?;
                let _offset_for_non_ref = bits.se()?;
                let _offset_top_to_bottom = bits.se()?;
                let cycle = bits.ue()?;
                if cycle > 255 {
                    return None;
                }
                for _ in 0..cycle {
                    let _offset_for_ref_frame = bits.se()?;
                }
            }
            _ => {}
        }
        let _max_num_ref_frames = bits.ue()?;
        let _gaps_allowed = bits.bit()?;
        let width_in_mbs = bits.ue()?.checked_add(1)?;
        let height_in_map_units = bits.ue()?.checked_add(1)?;
        let frame_mbs_only = bits.bit()?;
        if !frame_mbs_only {
            let _mb_adaptive_frame_field = bits.bit()?;
        }
        let _direct_8x8_inference = bits.bit()?;
        let mut crop = [0; 4];
        if bits.bit()? {
            for offset in &mut crop {
                *offset = bits.ue()?;
            }
        }
        let mut full_range = false;
        // vui_parameters_present_flag, then as far as the colour range (E.1.1).
        if bits.bit()? {
            if bits.bit()? {
                // aspect_ratio_idc; 255 (Extended_SAR) is followed by the 16-bit width and height.
                if bits.bits(8)? == 255 {
                    let _sar = bits.bits(32)?;
                }
            }
            if bits.bit()? {
                let _overscan_appropriate = bits.bit()?;
            }
            if bits.bit()? {
                let _video_format = bits.bits(3)?;
                full_range = bits.bit()?;
            }
        }
        Some(Sps {
            profile,
            constraints,
            level,
            chroma_format,
            bit_depth_luma,
            bit_depth_chroma,
            frame_mbs_only,
            transform_bypass,
            width_in_mbs,
            height_in_map_units,
            crop,
            full_range,
        })
    }

    /// The pictures' size: the coded macroblocks less the cropping (7.4.2.1.1, its
    /// `CropUnitX`/`CropUnitY`). `None` when the cropping is larger than the picture.
    pub fn size(&self) -> Option<(u32, u32)> {
        let field_factor = if self.frame_mbs_only { 1 } else { 2 };
        // SubWidthC and SubHeightC by chroma_format_idc (Table 6-1); monochrome crops in
        // luma samples.
        let (sub_width, sub_height) = match self.chroma_format {
            1 => (2, 2),
            2 => (2, 1),
            _ => (1, 1),
        };
        let width = self.width_in_mbs.checked_mul(16)?;
        let height = self
            .height_in_map_units
            .checked_mul(16)?
            .checked_mul(field_factor)?;
        let [left, right, top, bottom] = self.crop;
        let crop_x = left.checked_add(right)?.checked_mul(sub_width)?;
        let crop_y = top
            .checked_add(bottom)?
            .checked_mul(sub_height * field_factor)?;
        Some((width.checked_sub(crop_x)?, height.checked_sub(crop_y)?))
    }

    /// Why a stream with this SPS cannot be copied into an HLS rendition, if it cannot: a
    /// profile or level players may not decode, lossless coding, fields, other than 8-bit
    /// 4:2:0, or full-range samples (the scaler makes the other rungs limited range).
    pub fn refusal(&self) -> Option<&'static str> {
        if !COPYABLE_PROFILES.contains(&self.profile) {
            return Some("the H.264 profile is not Constrained Baseline, Main or High");
        }
        if self.profile == 66 && self.constraints & CONSTRAINT_SET1 == 0 {
            return Some("the H.264 profile is Baseline, not Constrained Baseline");
        }
        if self.level > HIGHEST_LEVEL {
            return Some("the H.264 level is above 5.1");
        }
        if self.transform_bypass {
            return Some("the stream codes lossless macroblocks");
        }
        if !self.frame_mbs_only {
            return Some("the stream may code fields (interlaced)");
        }
        if self.chroma_format != 1 || self.bit_depth_luma != 8 || self.bit_depth_chroma != 8 {
            return Some("the SPS is not 8-bit 4:2:0");
        }
        if self.full_range {
            return Some("the samples are full range");
        }
        None
    }

    /// The RFC 6381 name HLS's `CODECS` wants: `avc1.` and the three bytes in hex.
    pub fn codec(&self) -> String {
        format!(
            "avc1.{:02x}{:02x}{:02x}",
            self.profile, self.constraints, self.level
        )
    }
}

/// The profiles whose SPS carries the chroma format, bit depths and scaling matrices.
const HIGH_PROFILES: [u8; 12] = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134];

/// The payload without its emulation prevention bytes (`00 00 03` → `00 00`).
fn unescape(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut zeros = 0;
    for &byte in data {
        if zeros >= 2 && byte == 3 {
            zeros = 0;
            continue;
        }
        zeros = if byte == 0 { zeros + 1 } else { 0 };
        out.push(byte);
    }
    out
}

/// A scaling list is read to be skipped: its deltas are signed Exp-Golomb codes.
fn skip_scaling_list(bits: &mut Bits<'_>, size: usize) -> Option<()> {
    let (mut last, mut next) = (8i64, 8i64);
    for _ in 0..size {
        if next != 0 {
            let delta = bits.se()?;
            next = (last + delta).rem_euclid(256);
        }
        if next != 0 {
            last = next;
        }
    }
    Some(())
}

/// Big-endian bits, with the Exp-Golomb codes of H.264 9.1.
struct Bits<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Bits<'a> {
    fn new(data: &'a [u8]) -> Self {
        Bits { data, at: 0 }
    }

    fn bit(&mut self) -> Option<bool> {
        let byte = self.data.get(self.at / 8)?;
        let value = (byte >> (7 - self.at % 8)) & 1;
        self.at += 1;
        Some(value == 1)
    }

    /// `count` bits (at most 32), most significant first.
    fn bits(&mut self, count: u32) -> Option<u32> {
        let mut value = 0u64;
        for _ in 0..count.min(32) {
            value = (value << 1) | u64::from(self.bit()?);
        }
        u32::try_from(value).ok()
    }

    /// Unsigned Exp-Golomb; at most 31 leading zeros (a 32-bit value).
    fn ue(&mut self) -> Option<u32> {
        let mut zeros = 0u32;
        while !self.bit()? {
            zeros += 1;
            if zeros > 31 {
                return None;
            }
        }
        let mut value = 0u64;
        for _ in 0..zeros {
            value = (value << 1) | u64::from(self.bit()?);
        }
        u32::try_from((1u64 << zeros) - 1 + value).ok()
    }

    /// Signed Exp-Golomb: 1, -1, 2, -2… for 1, 2, 3, 4…
    fn se(&mut self) -> Option<i64> {
        let code = i64::from(self.ue()?);
        Some(if code % 2 == 1 {
            (code + 1) / 2
        } else {
            -(code / 2)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    /// SPS written by x264 (through the ffmpeg CLI), with what `-bsf:v trace_headers` reads in
    /// them.
    #[test]
    fn reads_the_sps_x264_writes() {
        // 1920x1080 High, level 4.0, progressive (`-preset veryfast -pix_fmt yuv420p`).
        let high = Sps::parse(&hex(
            "67640028acd940780227e5c044000003000400000300f03c60c658",
        ))
        .unwrap();
        assert_eq!((high.profile, high.constraints, high.level), (100, 0, 40));
        assert_eq!((high.chroma_format, high.bit_depth_luma), (1, 8));
        assert!(high.frame_mbs_only);
        assert_eq!(high.codec(), "avc1.640028");
        assert_eq!(
            high.size(),
            Some((1920, 1080)),
            "1088 coded, 8 rows cropped"
        );
        assert!(!high.full_range);
        assert_eq!(high.refusal(), None);

        // 640x360 constrained baseline (`-profile:v baseline`): no chroma fields, POC type 2.
        let baseline =
            Sps::parse(&hex("6742c01ed900a02ff970110000030001000003003c0f162e48")).unwrap();
        assert_eq!(baseline.codec(), "avc1.42c01e");
        assert!(baseline.frame_mbs_only);
        assert_eq!(baseline.size(), Some((640, 360)));
        assert_eq!(baseline.refusal(), None);

        // 720x576 interlaced Main (`-flags +ildct+ilme`): fields or MBAFF may follow.
        let interlaced =
            Sps::parse(&hex("674d4016f405a126c044000003000800000300c87c50aa80")).unwrap();
        assert_eq!(interlaced.codec(), "avc1.4d4016");
        assert!(!interlaced.frame_mbs_only);
        assert_eq!(
            interlaced.size(),
            Some((720, 576)),
            "36 map units of two fields' rows"
        );
        assert!(interlaced.refusal().is_some());

        // 320x240 from `-pix_fmt yuvj420p`: High, but the VUI says full range.
        let full = Sps::parse(&hex("6764000dacd94141fb016c80000003008000001e078a14cb")).unwrap();
        assert!(full.full_range);
        assert_eq!(full.size(), Some((320, 240)));
        assert!(full.refusal().is_some());
        // `-pix_fmt yuv420p10le`: High 10.
        let high10 =
            Sps::parse(&hex("676e000da6cd94141fb0110000030001000003003c0f142996")).unwrap();
        assert_eq!((high10.profile, high10.bit_depth_luma), (110, 10));
        assert!(high10.refusal().is_some());
        // `-pix_fmt yuv444p`: High 4:4:4 Predictive.
        let full_chroma =
            Sps::parse(&hex("67f4000d919b28283f6022000003000200000300781e28532c")).unwrap();
        assert_eq!((full_chroma.profile, full_chroma.chroma_format), (244, 3));
        assert!(full_chroma.refusal().is_some());
    }

    /// Each rule on its own, on the 1080p High SPS otherwise copyable.
    #[test]
    fn refuses_profiles_levels_and_coding_players_may_not_take() {
        let high = Sps::parse(&hex(
            "67640028acd940780227e5c044000003000400000300f03c60c658",
        ))
        .unwrap();
        fn with(sps: &Sps, change: impl Fn(&mut Sps)) -> Option<&'static str> {
            let mut sps = sps.clone();
            change(&mut sps);
            sps.refusal()
        }
        assert_eq!(with(&high, |s| s.profile = 77), None, "Main");
        assert_eq!(with(&high, |s| s.level = 51), None, "level 5.1");
        assert!(with(&high, |s| s.level = 52).is_some(), "level 5.2");
        assert!(with(&high, |s| s.profile = 110).is_some(), "High 10");
        assert!(with(&high, |s| s.profile = 88).is_some(), "Extended");
        assert!(
            with(&high, |s| {
                s.profile = 66;
                s.constraints = 0;
            })
            .is_some(),
            "Baseline that is not Constrained"
        );
        assert_eq!(
            with(&high, |s| {
                s.profile = 66;
                s.constraints = 0xc0;
            }),
            None,
            "Constrained Baseline"
        );
        assert!(
            with(&high, |s| s.transform_bypass = true).is_some(),
            "lossless"
        );
        assert!(
            with(&high, |s| s.bit_depth_chroma = 9).is_some(),
            "9-bit chroma"
        );
        assert!(with(&high, |s| s.full_range = true).is_some(), "full range");
    }

    /// Writes Exp-Golomb codes, to build the SPS layouts x264 never writes.
    #[derive(Default)]
    struct Writer {
        bits: Vec<bool>,
    }

    impl Writer {
        fn bit(&mut self, value: bool) -> &mut Self {
            self.bits.push(value);
            self
        }

        fn ue(&mut self, value: u32) -> &mut Self {
            let code = u64::from(value) + 1;
            let width = 64 - code.leading_zeros();
            for _ in 1..width {
                self.bits.push(false);
            }
            for i in (0..width).rev() {
                self.bits.push((code >> i) & 1 == 1);
            }
            self
        }

        fn bits(&mut self, value: u32, count: u32) -> &mut Self {
            for i in (0..count).rev() {
                self.bits.push((value >> i) & 1 == 1);
            }
            self
        }

        fn se(&mut self, value: i64) -> &mut Self {
            let code = if value > 0 { value * 2 - 1 } else { -value * 2 };
            self.ue(u32::try_from(code).unwrap())
        }

        fn bytes(&self) -> Vec<u8> {
            let mut bits = self.bits.clone();
            bits.push(true);
            while !bits.len().is_multiple_of(8) {
                bits.push(false);
            }
            bits.chunks(8)
                .map(|byte| byte.iter().fold(0u8, |v, b| (v << 1) | u8::from(*b)))
                .collect()
        }
    }

    #[test]
    fn reads_past_scaling_matrices_and_poc_type_one() {
        let mut w = Writer::default();
        w.ue(0); // seq_parameter_set_id
        w.ue(1).ue(0).ue(0).bit(false); // 4:2:0, 8-bit, no transform bypass
        w.bit(true); // scaling matrices follow
        for list in 0..8 {
            // Every other list present; its third delta brings it to 0, which ends it early.
            w.bit(list % 2 == 0);
            if list % 2 == 0 {
                w.se(5).se(-3).se(-10);
            }
        }
        w.ue(0); // log2_max_frame_num_minus4
        w.ue(1).bit(false).se(-2).se(1).ue(2).se(4).se(-4); // POC type 1, two offsets
        w.ue(4).bit(false).ue(119).ue(67); // refs, gaps, 1920x1088 in macroblocks
        w.bit(false); // frame_mbs_only_flag: fields may follow
        w.bit(false).bit(true).bit(false).bit(false); // no MBAFF, direct 8x8, no crop, no VUI
        let mut nal = vec![0x67, 100, 0, 42];
        nal.extend(w.bytes());
        let sps = Sps::parse(&nal).unwrap();
        assert_eq!(sps.codec(), "avc1.64002a");
        assert!(!sps.frame_mbs_only);
        assert_eq!(
            sps.size(),
            Some((1920, 2176)),
            "68 map units of two fields' rows"
        );

        // The same with frame_mbs_only_flag set, and 10-bit 4:2:2, 8 rows cropped (a crop
        // unit is one row in 4:2:2), and a VUI with an extended SAR and full range.
        let mut w = Writer::default();
        w.ue(0).ue(2).ue(2).ue(2).bit(false).bit(false);
        w.ue(0).ue(2).ue(4).bit(false).ue(119).ue(67).bit(true);
        w.bit(true).bit(true).ue(0).ue(0).ue(0).ue(8); // direct 8x8, crop 8 rows
        w.bit(true).bit(true).bits(255, 8).bits(1, 16).bits(1, 16); // VUI, SAR 1:1
        w.bit(false).bit(true).bits(5, 3).bit(true); // no overscan info, full range
        let mut nal = vec![0x67, 122, 0, 40];
        nal.extend(w.bytes());
        let sps = Sps::parse(&nal).unwrap();
        assert_eq!(
            (sps.chroma_format, sps.bit_depth_luma, sps.bit_depth_chroma),
            (2, 10, 10)
        );
        assert!(sps.frame_mbs_only);
        assert_eq!(sps.size(), Some((1920, 1080)));
        assert!(sps.full_range);
    }

    #[test]
    fn emulation_prevention_is_removed_and_short_units_are_refused() {
        assert_eq!(
            unescape(&[0, 0, 3, 1, 0, 0, 3, 0, 3]),
            [0, 0, 1, 0, 0, 0, 3]
        );
        assert_eq!(Sps::parse(&[0x67, 100, 0]), None);
        assert_eq!(Sps::parse(&hex("676400")), None, "cut before the level");
        assert_eq!(Sps::parse(&[0x68, 0xce, 0x3c, 0x80]), None, "a PPS");
    }
}

//! Names for the codecs a refusal is about, from what their tags say, so the log and the
//! channel page can tell the editor what the encoder is set to.

pub(crate) fn legacy_video(codec_id: u8) -> String {
    let name = match codec_id {
        1 => "JPEG",
        2 => "Sorenson H.263",
        3 => "Screen Video",
        4 => "On2 VP6",
        5 => "On2 VP6 with alpha",
        6 => "Screen Video 2",
        7 => "H.264",
        // Not in the FLV specification, but sent by some Chinese CDNs' encoders for HEVC and AV1.
        12 => "H.265/HEVC",
        13 => "AV1",
        _ => "unknown",
    };
    format!("{name} (FLV codec id {codec_id})")
}

pub(crate) fn legacy_audio(sound_format: u8) -> String {
    let name = match sound_format {
        0 => "linear PCM (platform endian)",
        1 => "ADPCM",
        2 => "MP3",
        3 => "linear PCM (little endian)",
        4 => "Nellymoser 16 kHz mono",
        5 => "Nellymoser 8 kHz mono",
        6 => "Nellymoser",
        7 => "G.711 A-law",
        8 => "G.711 mu-law",
        10 => "AAC",
        11 => "Speex",
        14 => "MP3 8 kHz",
        15 => "device-specific sound",
        _ => "unknown",
    };
    format!("{name} (FLV sound format {sound_format})")
}

/// An enhanced RTMP video FourCC (`hvc1`, `av01`, …).
pub(crate) fn enhanced_video(fourcc: &[u8]) -> String {
    let name = match fourcc {
        b"hvc1" => "H.265/HEVC",
        b"av01" => "AV1",
        b"vp09" => "VP9",
        b"vp08" => "VP8",
        b"avc1" => "H.264",
        _ => "unknown",
    };
    format!("{name} ({}, enhanced RTMP)", fourcc_text(fourcc))
}

/// An enhanced RTMP audio FourCC (`Opus`, `fLaC`, `ac-3`, `mp4a`, …): they name themselves.
pub(crate) fn enhanced_audio(fourcc: &[u8]) -> String {
    format!("{} (enhanced RTMP)", fourcc_text(fourcc))
}

/// A FourCC as text when it is printable ASCII, else as hex: it came from the client, and goes
/// to logs and the channel page.
fn fourcc_text(fourcc: &[u8]) -> String {
    if fourcc
        .iter()
        .all(|byte| byte.is_ascii_graphic() || *byte == b' ')
    {
        fourcc.iter().map(|&byte| char::from(byte)).collect()
    } else {
        fourcc.iter().map(|byte| format!("{byte:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_codecs_are_named_with_their_number() {
        assert_eq!(legacy_video(2), "Sorenson H.263 (FLV codec id 2)");
        assert_eq!(legacy_video(5), "On2 VP6 with alpha (FLV codec id 5)");
        assert_eq!(legacy_video(13), "AV1 (FLV codec id 13)");
        assert_eq!(legacy_video(9), "unknown (FLV codec id 9)");
        assert_eq!(legacy_audio(2), "MP3 (FLV sound format 2)");
        assert_eq!(
            legacy_audio(3),
            "linear PCM (little endian) (FLV sound format 3)"
        );
        assert_eq!(legacy_audio(8), "G.711 mu-law (FLV sound format 8)");
        assert_eq!(legacy_audio(12), "unknown (FLV sound format 12)");
    }

    #[test]
    fn fourccs_are_named_and_shown_safely() {
        assert_eq!(enhanced_video(b"hvc1"), "H.265/HEVC (hvc1, enhanced RTMP)");
        assert_eq!(enhanced_video(b"vp08"), "VP8 (vp08, enhanced RTMP)");
        assert_eq!(enhanced_video(b"xyz "), "unknown (xyz , enhanced RTMP)");
        assert_eq!(
            enhanced_video(&[0x00, 0xff, 0x10, 0x7f]),
            "unknown (00ff107f, enhanced RTMP)"
        );
        assert_eq!(enhanced_audio(b"fLaC"), "fLaC (enhanced RTMP)");
        assert_eq!(enhanced_audio(b"\n\0ab"), "0a006162 (enhanced RTMP)");
    }
}

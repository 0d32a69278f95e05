//! The real type of a file from its first bytes; the name and the client's claim don't count
//! (except to tell Markdown from plain text, which no byte pattern can).

use vocweek_domain::AssetKind;

use crate::MediaError;

/// How many leading bytes `sniff` wants: enough to find `word/` among a DOCX's first zip entries.
pub const SNIFF_LEN: usize = 64 * 1024;

/// What a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    pub kind: AssetKind,
    pub mime: &'static str,
}

const fn photo(mime: &'static str) -> Sniffed {
    Sniffed {
        kind: AssetKind::Photo,
        mime,
    }
}

const fn video(mime: &'static str) -> Sniffed {
    Sniffed {
        kind: AssetKind::Video,
        mime,
    }
}

/// Sound alone goes the video way: an audio-only HLS rung and a download (an interview, a
/// speech at the opening ceremony, a broadcast's sound track).
const fn sound(mime: &'static str) -> Sniffed {
    video(mime)
}

const fn article(mime: &'static str) -> Sniffed {
    Sniffed {
        kind: AssetKind::Article,
        mime,
    }
}

/// Identifies a file from its first bytes (`head`, up to `SNIFF_LEN`; the whole file when
/// shorter) and its original name.
pub fn sniff(head: &[u8], filename: &str) -> Result<Sniffed, MediaError> {
    if head.is_empty() {
        return Err(MediaError::Empty);
    }
    if let Some(found) = binary_signature(head)? {
        return Ok(found);
    }
    text_type(head, filename)
}

fn binary_signature(head: &[u8]) -> Result<Option<Sniffed>, MediaError> {
    let at = |offset: usize, magic: &[u8]| head.get(offset..offset + magic.len()) == Some(magic);
    let found = if at(0, &[0xFF, 0xD8, 0xFF]) {
        photo("image/jpeg")
    } else if at(0, b"\x89PNG\r\n\x1a\n") {
        photo("image/png")
    } else if at(0, b"GIF87a") || at(0, b"GIF89a") {
        photo("image/gif")
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        photo("image/webp")
    } else if at(0, b"RIFF") && at(8, b"AVI ") {
        video("video/x-msvideo")
    } else if at(0, b"RIFF") && at(8, b"WAVE") {
        sound("audio/wav")
    } else if at(0, b"FORM") && (at(8, b"AIFF") || at(8, b"AIFC")) {
        sound("audio/aiff")
    } else if at(0, b"fLaC") {
        sound("audio/flac")
    } else if at(0, b"OggS") {
        if contains(&head[..head.len().min(128)], b"theora") {
            video("video/ogg")
        } else {
            sound("audio/ogg")
        }
    } else if at(0, b"ID3") {
        // An ID3v2 tag leads most MP3 files (title, artist, cover picture).
        sound("audio/mpeg")
    } else if at(0, b"#!AMR") {
        // Before the executable check: phone voice recordings start with "#!".
        sound("audio/amr")
    } else if at(0, &ASF_GUID) {
        video("video/x-ms-asf")
    } else if let Some(found) = mpeg_audio(head) {
        found
    } else if at(0, &OLE2_COMPOUND_FILE) {
        return Err(MediaError::LegacyOffice);
    } else if at(0, b"II*\0") || at(0, b"MM\0*") {
        photo("image/tiff")
    } else if at(4, b"ftyp") {
        return iso_media(head).map(Some);
    } else if at(4, b"moov") || at(4, b"mdat") || at(4, b"wide") || at(4, b"free") {
        // QuickTime files from old cameras start with an atom other than `ftyp`.
        video("video/quicktime")
    } else if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) {
        let window = &head[..head.len().min(64)];
        if window.windows(4).any(|w| w == b"webm") {
            video("video/webm")
        } else {
            video("video/x-matroska")
        }
    } else if is_mpeg_ts(head) {
        video("video/mp2t")
    } else if at(0, b"FLV\x01") {
        video("video/x-flv")
    } else if at(0, b"%PDF-") {
        article("application/pdf")
    } else if at(0, b"PK\x03\x04") {
        if contains(head, b"word/") {
            article("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        } else {
            return Err(MediaError::Unsupported(
                "a zip archive that is not a Word document (.docx)".to_owned(),
            ));
        }
    } else if is_executable(head) {
        return Err(MediaError::Executable);
    } else {
        return Ok(None);
    };
    Ok(Some(found))
}

/// ISO base media files (`ftyp` box): HEIF/HEIC and AVIF photos, MP4 and MOV videos.
fn iso_media(head: &[u8]) -> Result<Sniffed, MediaError> {
    let box_len = head
        .get(0..4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .unwrap_or(0)
        .clamp(8, head.len());
    let major = head.get(8..12).unwrap_or_default();
    let compatible: Vec<&[u8]> = head
        .get(16..box_len)
        .unwrap_or_default()
        .chunks_exact(4)
        .collect();
    let brands = || std::iter::once(major).chain(compatible.iter().copied());
    let has = |wanted: &[&[u8]]| brands().any(|brand| wanted.contains(&brand));
    if has(&[b"avif", b"avis"]) && !has(&[b"heic", b"heix"]) {
        return Ok(photo("image/avif"));
    }
    if has(&[b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"]) {
        return Ok(photo("image/heic"));
    }
    if has(&[b"mif1", b"msf1"]) {
        return Ok(photo("image/heif"));
    }
    if has(&[b"M4A ", b"M4B ", b"M4P ", b"F4A "]) && !has(&[b"M4V ", b"avc1"]) {
        return Ok(sound("audio/mp4"));
    }
    if major == b"qt  " {
        return Ok(video("video/quicktime"));
    }
    let mp4_brands: &[&[u8]] = &[
        b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash",
        b"M4V ", b"M4VP", b"mmp4", b"MSNV", b"XAVC", b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"f4v ",
    ];
    if has(mp4_brands) {
        return Ok(video("video/mp4"));
    }
    Err(MediaError::Unsupported(format!(
        "ISO media with brand '{}'",
        String::from_utf8_lossy(major)
    )))
}

/// Windows Media (WMV, WMA): the ASF header object's GUID.
const ASF_GUID: [u8; 16] = [
    0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C,
];

/// Old binary Office and WPS documents (.doc, .xls, .ppt, .wps) are OLE2 compound files.
const OLE2_COMPOUND_FILE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// A bare MPEG audio frame (MP3 without a tag) or an AAC ADTS frame: an 11-bit sync word,
/// then fields whose reserved values are checked so that random bytes rarely pass. Two
/// frames in a row are required when the head holds more than one.
fn mpeg_audio(head: &[u8]) -> Option<Sniffed> {
    let header = head.get(0..4)?;
    // FF FE is also UTF-16 LE's byte-order mark (a Chinese text starting with 全 reads as a
    // layer I frame header): text with a BOM is never taken for sound.
    if header[0] != 0xFF || header[1] & 0xE0 != 0xE0 || header[1] == 0xFE {
        return None;
    }
    let layer = (header[1] >> 1) & 0b11;
    if layer == 0 {
        // ADTS: MPEG version bits any, layer 00, sampling index below 13.
        let sampling = (header[2] >> 2) & 0b1111;
        let length = (usize::from(header[3] & 0b11) << 11)
            | (usize::from(*head.get(4)?) << 3)
            | usize::from(head.get(5)? >> 5);
        let next_ok =
            head.len() < length + 2 || (head[length] == 0xFF && head[length + 1] & 0xF6 == 0xF0);
        return (sampling < 13 && length > 7 && next_ok).then_some(sound("audio/aac"));
    }
    let version = (header[1] >> 3) & 0b11;
    let bitrate = header[2] >> 4;
    let sampling = (header[2] >> 2) & 0b11;
    (version != 0b01 && bitrate != 0 && bitrate != 0b1111 && sampling != 0b11)
        .then_some(sound("audio/mpeg"))
}

/// MPEG transport stream: a 0x47 sync byte every 188 bytes.
fn is_mpeg_ts(head: &[u8]) -> bool {
    head.len() >= 188 * 3 && (0..3).all(|i| head[i * 188] == 0x47)
}

fn is_executable(head: &[u8]) -> bool {
    const MAGICS: [&[u8]; 7] = [
        b"MZ",
        b"\x7fELF",
        &[0xFE, 0xED, 0xFA, 0xCE],
        &[0xFE, 0xED, 0xFA, 0xCF],
        &[0xCE, 0xFA, 0xED, 0xFE],
        &[0xCF, 0xFA, 0xED, 0xFE],
        b"#!",
    ];
    MAGICS.iter().any(|magic| head.starts_with(magic))
        || head.starts_with(&[0xCA, 0xFE, 0xBA, 0xBE])
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Text articles: UTF-8 (with or without BOM) or UTF-16 with a BOM; HTML, Markdown, plain.
fn text_type(head: &[u8], filename: &str) -> Result<Sniffed, MediaError> {
    let text = decode_text(head)
        .or_else(|| decode_gb18030(head))
        .ok_or_else(|| {
            MediaError::Unsupported(
                "unrecognised binary data (accepted: photos, videos, .docx, .pdf, text)".to_owned(),
            )
        })?;
    let start = text.trim_start().to_ascii_lowercase();
    // The first 2 KiB decide; the cut moves back to a character boundary (Chinese text has
    // three-byte characters, and a cut inside one would panic).
    let mut cut = start.len().min(2048);
    while !start.is_char_boundary(cut) {
        cut -= 1;
    }
    let start = &start[..cut];
    // An SVG document of its own (which can carry scripts) is refused, whatever it holds
    // (`<foreignObject><body>` inside one must not make it a page). An HTML page may hold
    // inline SVG (charts, icons): the article extractor drops it.
    if first_element(start).is_some_and(|name| name == "svg" || name.ends_with(":svg")) {
        return Err(MediaError::Svg);
    }
    if start.starts_with("<!doctype html")
        || start.starts_with("<html")
        || start.contains("<body")
        || start.contains("<head")
    {
        return Ok(article("text/html"));
    }
    let lower = filename.to_ascii_lowercase();
    if lower.ends_with(".md") || lower.ends_with(".markdown") {
        return Ok(article("text/markdown"));
    }
    Ok(article("text/plain"))
}

/// The first element's name (lower-cased text), past `<?…?>`, `<!…>` and comments.
fn first_element(text: &str) -> Option<&str> {
    let mut rest = text;
    loop {
        rest = &rest[rest.find('<')? + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.split_once("-->").map_or("", |(_, after)| after);
        } else if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_')))
                .unwrap_or(rest.len());
            return Some(&rest[..end]);
        }
    }
}

fn decode_text(head: &[u8]) -> Option<String> {
    if let Some(rest) = head.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = head.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes);
    }
    let body = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    let valid = match std::str::from_utf8(body) {
        Ok(text) => text,
        // The head may end inside a multi-byte character; up to 3 bytes can be cut off.
        Err(e) if e.error_len().is_none() && body.len() - e.valid_up_to() < 4 => {
            std::str::from_utf8(&body[..e.valid_up_to()]).ok()?
        }
        Err(_) => return None,
    };
    let control = valid
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'));
    (!control).then(|| valid.to_owned())
}

/// GB18030/GBK text (Chinese Windows): accepted when it decodes cleanly, has no control
/// characters and holds Chinese characters (random bytes fail one of the three).
fn decode_gb18030(head: &[u8]) -> Option<String> {
    // The sniff window may cut a multi-byte character: allow up to 3 bytes off the end.
    let text = (0..4).find_map(|cut| {
        let body = head.get(..head.len().checked_sub(cut)?)?;
        encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(body)
            .map(|t| t.into_owned())
    })?;
    let control = text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'));
    let chinese = text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    (!control && chinese).then_some(text)
}

fn utf16(bytes: &[u8], read: fn([u8; 2]) -> u16) -> Option<String> {
    let units = bytes.chunks_exact(2).map(|pair| read([pair[0], pair[1]]));
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    let control = text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'));
    (!control).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_cut_inside_a_character_at_2_kib_is_still_text() {
        for pad in 0..3 {
            let mut text = "a".repeat(2046 + pad);
            text.push_str(&"职业教育活动周".repeat(3000));
            let head = &text.as_bytes()[..SNIFF_LEN.min(text.len())];
            assert_eq!(sniff(head, "文章.txt").unwrap().mime, "text/plain");
            let html = format!("<html><body>{text}");
            let head = &html.as_bytes()[..SNIFF_LEN.min(html.len())];
            assert_eq!(sniff(head, "文章.html").unwrap().mime, "text/html");
        }
    }

    fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let len = 16 + 4 * compatible.len();
        let mut bytes = (len as u32).to_be_bytes().to_vec();
        bytes.extend_from_slice(b"ftyp");
        bytes.extend_from_slice(major);
        bytes.extend_from_slice(&[0, 0, 0, 0]);
        for brand in compatible {
            bytes.extend_from_slice(*brand);
        }
        bytes
    }

    #[test]
    fn photos_by_signature() {
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0], "x.png").unwrap().mime,
            "image/jpeg"
        );
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n....", "a").unwrap().mime,
            "image/png"
        );
        assert_eq!(
            sniff(b"RIFF\0\0\0\0WEBPVP8 ", "a").unwrap().mime,
            "image/webp"
        );
        assert_eq!(
            sniff(&ftyp(b"heic", &[b"mif1", b"heic"]), "a")
                .unwrap()
                .mime,
            "image/heic"
        );
        assert_eq!(
            sniff(&ftyp(b"mif1", &[b"mif1", b"heic"]), "a")
                .unwrap()
                .mime,
            "image/heic"
        );
        assert_eq!(
            sniff(&ftyp(b"avif", &[b"avif", b"mif1"]), "a")
                .unwrap()
                .mime,
            "image/avif"
        );
    }

    #[test]
    fn videos_by_signature() {
        assert_eq!(
            sniff(&ftyp(b"isom", &[b"isom", b"avc1"]), "a")
                .unwrap()
                .mime,
            "video/mp4"
        );
        assert_eq!(
            sniff(&ftyp(b"qt  ", &[b"qt  "]), "a").unwrap().mime,
            "video/quicktime"
        );
        let mut ts = vec![0u8; 188 * 3];
        for i in 0..3 {
            ts[i * 188] = 0x47;
        }
        assert_eq!(sniff(&ts, "a").unwrap().kind, AssetKind::Video);
        assert_eq!(sniff(b"FLV\x01\x05", "a").unwrap().mime, "video/x-flv");
        let mut webm = vec![0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x82, 0x84];
        webm.extend_from_slice(b"webm");
        assert_eq!(sniff(&webm, "a").unwrap().mime, "video/webm");
    }

    #[test]
    fn articles_and_text() {
        assert_eq!(sniff(b"%PDF-1.7", "a").unwrap().mime, "application/pdf");
        let docx = [
            b"PK\x03\x04".as_slice(),
            b"....[Content_Types].xml....word/document.xml",
        ]
        .concat();
        assert_eq!(sniff(&docx, "a").unwrap().kind, AssetKind::Article);
        assert_eq!(
            sniff("职业教育活动周".as_bytes(), "a.txt").unwrap().mime,
            "text/plain"
        );
        assert_eq!(
            sniff(b"# Title\n", "news.md").unwrap().mime,
            "text/markdown"
        );
        assert_eq!(
            sniff(b"<!DOCTYPE html><html>", "a").unwrap().mime,
            "text/html"
        );
        // A multi-byte character cut by the sniff window is still text.
        let cut = &"技能".as_bytes()[..4];
        assert_eq!(sniff(cut, "a.txt").unwrap().mime, "text/plain");
    }

    #[test]
    fn gbk_text_is_an_article() {
        let (gbk, _, _) = encoding_rs::GB18030.encode("山东省2021年职业教育活动周实施方案");
        assert_eq!(sniff(&gbk, "plan.txt").unwrap().mime, "text/plain");
    }

    #[test]
    fn sound_by_signature() {
        let sound = |head: &[u8]| sniff(head, "a.bin").map(|found| (found.kind, found.mime));
        assert_eq!(
            sound(b"RIFF\0\0\0\0WAVEfmt "),
            Ok((AssetKind::Video, "audio/wav"))
        );
        assert_eq!(sound(b"fLaC\0\0\0\x22").unwrap().1, "audio/flac");
        assert_eq!(sound(b"ID3\x04\0\0\0\0\0\0").unwrap().1, "audio/mpeg");
        assert_eq!(sound(b"OggS\0\x02....\x01vorbis").unwrap().1, "audio/ogg");
        assert_eq!(sound(b"#!AMR\n").unwrap().1, "audio/amr");
        // MPEG-1 layer III, 128 kbit/s, 44.1 kHz: a bare MP3 frame header.
        assert_eq!(
            sound(&[0xFF, 0xFB, 0x90, 0x64, 0, 0]).unwrap().1,
            "audio/mpeg"
        );
        // AAC ADTS: a 7-byte header announcing a 20-byte frame, then the next frame.
        let mut adts = vec![0xFF, 0xF1, 0x50, 0x80, 0x02, 0x80, 0xFC];
        adts.resize(20, 0);
        adts.extend_from_slice(&[0xFF, 0xF1, 0x50, 0x80]);
        assert_eq!(sound(&adts).unwrap().1, "audio/aac");
        // UTF-16 LE text with its BOM is not an audio frame.
        let text: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("全省职业教育".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(sound(&text).unwrap().1, "text/plain");
        // A JPEG's FF D8 is not an audio frame.
        assert_eq!(sound(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap().1, "image/jpeg");
        let mut m4a = ftyp(b"M4A ", &[b"M4A ", b"mp42", b"isom"]);
        m4a.extend_from_slice(&[0; 8]);
        assert_eq!(sound(&m4a).unwrap().1, "audio/mp4");
    }

    #[test]
    fn html_with_inline_svg_is_an_article_but_an_svg_file_is_refused() {
        let html = "<html><body><p>图表</p><svg><script>alert(1)</script></svg></body></html>";
        assert_eq!(sniff(html.as_bytes(), "a.html").unwrap().mime, "text/html");
        assert_eq!(
            sniff(b"<svg xmlns=\"x\"></svg>", "a.svg"),
            Err(MediaError::Svg)
        );
        let smuggled =
            b"<svg xmlns=\"x\"><foreignObject><body><p>x</p></body></foreignObject></svg>";
        assert_eq!(sniff(smuggled, "a.html"), Err(MediaError::Svg));
        let with_doctype =
            b"<?xml version=\"1.0\"?><!-- a --><!DOCTYPE svg [<!ENTITY a \"b\">]><svg>";
        assert_eq!(sniff(with_doctype, "a.txt"), Err(MediaError::Svg));
    }

    #[test]
    fn old_office_files_are_named() {
        let doc = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        assert_eq!(sniff(&doc, "方案.doc"), Err(MediaError::LegacyOffice));
    }

    #[test]
    fn refusals() {
        assert_eq!(sniff(b"", "a"), Err(MediaError::Empty));
        assert_eq!(sniff(b"MZ\x90\0", "a.jpg"), Err(MediaError::Executable));
        assert_eq!(sniff(b"\x7fELF\x02", "a"), Err(MediaError::Executable));
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><svg xmlns=", "a.png"),
            Err(MediaError::Svg)
        );
        assert!(matches!(
            sniff(b"PK\x03\x04plain zip", "a.zip"),
            Err(MediaError::Unsupported(_))
        ));
        assert!(matches!(
            sniff(&[0u8, 1, 2, 3, 0, 0xFE], "a.jpg"),
            Err(MediaError::Unsupported(_))
        ));
    }
}

//! The conformance corpus: one small valid file of every accepted type, made here at test time
//! (the `image` crate, the ffmpeg CLI, and by hand — nothing is downloaded), and what the
//! service must make of it and of six damaged or misdeclared versions of it:
//!
//! | variant | what is sent |
//! | --- | --- |
//! | valid | the file, with its usual name |
//! | cut at 10 / 50 / 90 % | the file's first 10, 50 or 90 % of bytes (an upload that stopped) |
//! | zero bytes | an empty file with the type's name |
//! | wrong extension | another valid file of the type under a misleading name (a JPEG called `.mp4`) |
//! | declared size too large | a tus creation whose `Upload-Length` is one byte over the kind's limit |
//!
//! [`EXPECTED`] is the one table of expected outcomes; [`cases`] turns it into the files to
//! send. `crates/vocweek/tests/conformance.rs` uploads every case to the real server and walks
//! the table.
//!
//! Not in the corpus: AMR (this ffmpeg has no AMR encoder: neither libopencore-amrnb nor
//! libvo-amrwbenc is enabled in Debian's build). HEIC is assembled here from an HEVC picture
//! x265 made (ffmpeg has no HEIF muxer); AVIF comes from ffmpeg's own AVIF muxer.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt;
use std::io::{Cursor, Write};

use vocweek_domain::AssetKind;
use vocweek_pipeline::UploadLimits;

use crate::media::generated_video;

/// What the service must answer, and where the asset must end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Uploaded and processed: the asset ends in `pending_review`.
    Processed,
    /// Uploaded, then the asset ends `failed` with one of these `failure.code`s.
    Failed(&'static [&'static str]),
    /// The upload itself is answered with this status and error code; nothing is stored.
    Refused(u16, &'static str),
    /// Either: where a cut falls decides it (see the table's comments).
    ProcessedOrFailed(&'static [&'static str]),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Processed => write!(f, "processed"),
            Outcome::Failed(codes) => write!(f, "failed {}", either_code(codes)),
            Outcome::Refused(status, code) => write!(f, "refused {status} `{code}`"),
            Outcome::ProcessedOrFailed(codes) => {
                write!(f, "processed, or failed {}", either_code(codes))
            }
        }
    }
}

fn either_code(codes: &[&str]) -> String {
    codes
        .iter()
        .map(|code| format!("`{code}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// How a file of the corpus is damaged or misdeclared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Valid,
    /// The first `n` percent of the file's bytes.
    Cut(u8),
    ZeroBytes,
    WrongExtension,
    DeclaredTooLarge,
}

/// The columns of [`EXPECTED`], in order.
pub const VARIANTS: [Variant; 7] = [
    Variant::Valid,
    Variant::Cut(10),
    Variant::Cut(50),
    Variant::Cut(90),
    Variant::ZeroBytes,
    Variant::WrongExtension,
    Variant::DeclaredTooLarge,
];

impl Variant {
    pub fn label(self) -> String {
        match self {
            Variant::Valid => "valid".to_owned(),
            Variant::Cut(percent) => format!("cut at {percent} %"),
            Variant::ZeroBytes => "zero bytes".to_owned(),
            Variant::WrongExtension => "wrong extension".to_owned(),
            Variant::DeclaredTooLarge => "declared size too large".to_owned(),
        }
    }
}

const P: Outcome = Outcome::Processed;
/// A cut photo: no decoder may hand back half a picture as a photo.
const IMAGE_CUT: Outcome = Outcome::Failed(&["image-truncated", "image-corrupt"]);
/// A cut video or sound file the demuxer cannot open, or in which nothing decodes.
const VIDEO_CUT: Outcome = Outcome::Failed(&["video-unreadable", "video-corrupt"]);
/// A cut inside the first keyframe of a streamable container: whether the decoder conceals the
/// missing part into a (damaged) first picture is the codec's business, not a contract —
/// with this ffmpeg, H.264 in MPEG-TS and Sorenson in FLV give one picture, Matroska and WebM
/// none.
const VIDEO_CUT_OR_KEPT: Outcome =
    Outcome::ProcessedOrFailed(&["video-unreadable", "video-corrupt"]);
/// A cut PDF or Word document: its cross-reference table or zip central directory (at the end)
/// is gone.
const ARTICLE_CUT: Outcome = Outcome::Failed(&["article-corrupt"]);
/// An empty upload is refused before anything is stored (`IngestError::Media(Empty)`: 415).
const EMPTY: Outcome = Outcome::Refused(415, "empty-file");
/// A tus creation over the kind's limit is refused before a byte is sent: the metadata's
/// `filetype` (what the upload page and every tus client send) tells the kind.
const TOO_LARGE: Outcome = Outcome::Refused(413, "payload-too-large");

/// The expected outcome of every accepted type × variant (columns as in [`VARIANTS`]: valid,
/// cut at 10 %, 50 %, 90 %, zero bytes, wrong extension, declared size too large).
///
/// A wrong extension never matters: the type is read from the bytes (only `.md` against `.txt`
/// is told by the name, and both are articles).
#[rustfmt::skip]
pub const EXPECTED: &[(&str, [Outcome; 7])] = &[
    // Columns: valid, cut at 10 %, cut at 50 %, cut at 90 %, zero bytes, wrong extension,
    // declared size too large.
    // Photos: a cut photo is refused, whichever decoder reads it (libjpeg-turbo, the image
    // crate, libheif). A HEIF's or AVIF's `meta` box points past a cut file's end.
    ("JPEG",                  [P, IMAGE_CUT,         IMAGE_CUT,         IMAGE_CUT,         EMPTY, P, TOO_LARGE]),
    ("PNG",                   [P, IMAGE_CUT,         IMAGE_CUT,         IMAGE_CUT,         EMPTY, P, TOO_LARGE]),
    ("GIF",                   [P, IMAGE_CUT,         IMAGE_CUT,         IMAGE_CUT,         EMPTY, P, TOO_LARGE]),
    ("WebP",                  [P, IMAGE_CUT,         IMAGE_CUT,         IMAGE_CUT,         EMPTY, P, TOO_LARGE]),
    // The TIFF's directory (IFD) comes after its pixels: every cut loses it.
    ("TIFF",                  [P, IMAGE_CUT,         IMAGE_CUT,         IMAGE_CUT,         EMPTY, P, TOO_LARGE]),
    ("HEIC",                  [P, IMAGE_CUT,         IMAGE_CUT,         IMAGE_CUT,         EMPTY, P, TOO_LARGE]),
    ("AVIF",                  [P, IMAGE_CUT,         IMAGE_CUT,         IMAGE_CUT,         EMPTY, P, TOO_LARGE]),
    // Videos (2 s, 10 frames a second, a keyframe a second). MP4 and MOV as ffmpeg writes them
    // keep their index (`moov`) at the end: no cut can be opened.
    ("MP4",                   [P, VIDEO_CUT,         VIDEO_CUT,         VIDEO_CUT,         EMPTY, P, TOO_LARGE]),
    ("MOV",                   [P, VIDEO_CUT,         VIDEO_CUT,         VIDEO_CUT,         EMPTY, P, TOO_LARGE]),
    // Streamable containers: what arrived plays. At 50 % nine pictures decode, at 90 % sixteen;
    // the 10 % cut ends inside the first keyframe (see VIDEO_CUT_OR_KEPT).
    ("WebM",                  [P, VIDEO_CUT_OR_KEPT, P,                 P,                 EMPTY, P, TOO_LARGE]),
    ("Matroska",              [P, VIDEO_CUT_OR_KEPT, P,                 P,                 EMPTY, P, TOO_LARGE]),
    ("MPEG-TS",               [P, VIDEO_CUT_OR_KEPT, P,                 P,                 EMPTY, P, TOO_LARGE]),
    ("FLV",                   [P, VIDEO_CUT_OR_KEPT, P,                 P,                 EMPTY, P, TOO_LARGE]),
    // ffmpeg's AVI muxer reserves 5.7 KB of header (room for the OpenDML index) in a 21 KB file:
    // the 10 % cut ends inside it and cannot be opened; later cuts play without the index.
    ("AVI",                   [P, VIDEO_CUT,         P,                 P,                 EMPTY, P, TOO_LARGE]),
    // Sound (2 s): every cut of a stream of frames plays what arrived, as in any player, even
    // where the header declares more (RIFF and FORM chunk sizes, FLAC's sample count).
    ("WAV",                   [P, P,                 P,                 P,                 EMPTY, P, TOO_LARGE]),
    ("AIFF",                  [P, P,                 P,                 P,                 EMPTY, P, TOO_LARGE]),
    // The 10 % cut (24 KB) lies past the 8 KB padding block ffmpeg writes after STREAMINFO.
    ("FLAC",                  [P, P,                 P,                 P,                 EMPTY, P, TOO_LARGE]),
    ("MP3 (ID3 tag)",         [P, P,                 P,                 P,                 EMPTY, P, TOO_LARGE]),
    ("MP3 (bare frames)",     [P, P,                 P,                 P,                 EMPTY, P, TOO_LARGE]),
    ("AAC (ADTS)",            [P, P,                 P,                 P,                 EMPTY, P, TOO_LARGE]),
    ("WMA",                   [P, P,                 P,                 P,                 EMPTY, P, TOO_LARGE]),
    // M4A is MP4: its index is at the end.
    ("M4A",                   [P, VIDEO_CUT,         VIDEO_CUT,         VIDEO_CUT,         EMPTY, P, TOO_LARGE]),
    // The 10 % cut (2.3 KB) ends inside the Vorbis setup header (bytes 58–3624): no sound can
    // be decoded. Pages of 0.1 s follow, so the later cuts lose only their last page.
    ("Ogg Vorbis",            [P, VIDEO_CUT,         P,                 P,                 EMPTY, P, TOO_LARGE]),
    // Articles.
    ("PDF",                   [P, ARTICLE_CUT,       ARTICLE_CUT,       ARTICLE_CUT,       EMPTY, P, TOO_LARGE]),
    // Each cut still shows `word/` in its first bytes (it is sniffed as a Word document, then
    // cannot be opened without its central directory).
    ("DOCX",                  [P, ARTICLE_CUT,       ARTICLE_CUT,       ARTICLE_CUT,       EMPTY, P, TOO_LARGE]),
    // Text is text however much of it arrived. A cut may fall inside a character (a three-byte
    // UTF-8 character, a two-byte GBK one, half a UTF-16 unit): the partial character is
    // dropped, as the sniffer already does for its 64 KiB window — the rest is still the article.
    ("text (UTF-8)",          [P, P,                 P,                 P,                 EMPTY, P, TOO_LARGE]),
    ("text (GBK)",            [P, P,                 P,                 P,                 EMPTY, P, TOO_LARGE]),
    // Starts with 全 (FF FE 68 51): a sniffer that took a lone MPEG audio frame header for MP3
    // would call it sound.
    ("text (UTF-16LE, BOM)",  [P, P,                 P,                 P,                 EMPTY, P, TOO_LARGE]),
    ("Markdown",              [P, P,                 P,                 P,                 EMPTY, P, TOO_LARGE]),
    ("HTML",                  [P, P,                 P,                 P,                 EMPTY, P, TOO_LARGE]),
];

/// One accepted type and how to make a file of it.
pub struct FileType {
    /// As in [`EXPECTED`].
    pub name: &'static str,
    /// What the bytes are (sound goes the video way).
    pub kind: AssetKind,
    /// What a browser says it is (the tus metadata's `filetype`).
    pub mime: &'static str,
    /// The upload's usual name.
    pub file_name: &'static str,
    /// A misleading name for the wrong-extension variant.
    pub wrong_name: &'static str,
    /// A valid file; another `seed` makes other bytes (the same bytes twice would be a
    /// duplicate upload).
    pub make: fn(u32) -> Vec<u8>,
}

const fn file_type(
    name: &'static str,
    kind: AssetKind,
    mime: &'static str,
    file_name: &'static str,
    wrong_name: &'static str,
    make: fn(u32) -> Vec<u8>,
) -> FileType {
    FileType {
        name,
        kind,
        mime,
        file_name,
        wrong_name,
        make,
    }
}

const DOCX_MIME: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const PHOTO: AssetKind = AssetKind::Photo;
const VIDEO: AssetKind = AssetKind::Video;
const ARTICLE: AssetKind = AssetKind::Article;

/// Every accepted type the corpus has, in the order of [`EXPECTED`].
#[rustfmt::skip]
pub const FILE_TYPES: &[FileType] = &[
    file_type("JPEG",              PHOTO,   "image/jpeg",       "照片.jpg",        "照片.mp4",        jpeg),
    file_type("PNG",               PHOTO,   "image/png",        "照片.png",        "照片.pdf",        png),
    file_type("GIF",               PHOTO,   "image/gif",        "照片.gif",        "照片.txt",        gif),
    file_type("WebP",              PHOTO,   "image/webp",       "照片.webp",       "照片.jpg",        webp),
    file_type("TIFF",              PHOTO,   "image/tiff",       "照片.tiff",       "照片.png",        tiff),
    file_type("HEIC",              PHOTO,   "image/heic",       "照片.heic",       "照片.jpg",        heic),
    file_type("AVIF",              PHOTO,   "image/avif",       "照片.avif",       "照片.webp",       avif),
    file_type("MP4",               VIDEO,   "video/mp4",        "视频.mp4",        "视频.jpg",        mp4),
    file_type("MOV",               VIDEO,   "video/quicktime",  "视频.mov",        "视频.mp4",        mov),
    file_type("WebM",              VIDEO,   "video/webm",       "视频.webm",       "视频.docx",       webm),
    file_type("Matroska",          VIDEO,   "video/x-matroska", "视频.mkv",        "视频.avi",        mkv),
    file_type("MPEG-TS",           VIDEO,   "video/mp2t",       "视频.ts",         "视频.txt",        mpeg_ts),
    file_type("FLV",               VIDEO,   "video/x-flv",      "视频.flv",        "视频.gif",        flv),
    file_type("AVI",               VIDEO,   "video/x-msvideo",  "视频.avi",        "视频.mkv",        avi),
    file_type("WAV",               VIDEO,   "audio/wav",        "录音.wav",        "录音.jpg",        wav),
    file_type("AIFF",              VIDEO,   "audio/aiff",       "录音.aiff",       "录音.wav",        aiff),
    file_type("FLAC",              VIDEO,   "audio/flac",       "录音.flac",       "录音.mp3",        flac),
    file_type("MP3 (ID3 tag)",     VIDEO,   "audio/mpeg",       "录音.mp3",        "录音.pdf",        mp3),
    file_type("MP3 (bare frames)", VIDEO,   "audio/mpeg",       "录音-无标签.mp3", "录音-无标签.txt", mp3_bare),
    file_type("AAC (ADTS)",        VIDEO,   "audio/aac",        "录音.aac",        "录音.m4a",        aac_adts),
    file_type("WMA",               VIDEO,   "audio/x-ms-wma",   "录音.wma",        "录音.mp4",        wma),
    file_type("M4A",               VIDEO,   "audio/mp4",        "录音.m4a",        "录音.aac",        m4a),
    file_type("Ogg Vorbis",        VIDEO,   "audio/ogg",        "录音.ogg",        "录音.png",        ogg_vorbis),
    file_type("PDF",               ARTICLE, "application/pdf",  "文章.pdf",        "文章.jpg",        pdf),
    file_type("DOCX",              ARTICLE, DOCX_MIME,          "文章.docx",       "文章.pdf",        docx),
    // Named `.md`, plain text becomes Markdown (still an article).
    file_type("text (UTF-8)",      ARTICLE, "text/plain",       "文章.txt",        "文章.md",         text_utf8),
    file_type("text (GBK)",        ARTICLE, "text/plain",       "文章-gbk.txt",    "文章-gbk.jpg",    text_gbk),
    file_type("text (UTF-16LE, BOM)", ARTICLE, "text/plain",    "文章-utf16.txt",  "文章-utf16.mp3",  text_utf16),
    // Named `.txt`, Markdown becomes plain text (still an article).
    file_type("Markdown",          ARTICLE, "text/markdown",    "文章.md",         "文章-md.txt",     markdown),
    // HTML is told by its content: named `.txt` it is still HTML.
    file_type("HTML",              ARTICLE, "text/html",        "文章.html",       "文章-html.txt",   html),
];

/// One upload of the corpus and what must become of it.
pub struct Case {
    pub type_name: &'static str,
    pub kind: AssetKind,
    pub variant: Variant,
    pub file_name: String,
    /// The tus metadata's `filetype`.
    pub mime: &'static str,
    /// What is sent (empty for the zero-byte case and for the declared-size case, which sends
    /// no bytes).
    pub bytes: Vec<u8>,
    /// For the declared-size case: the `Upload-Length` of the tus creation.
    pub declared_length: Option<u64>,
    pub expect: Outcome,
    /// For an article: a phrase its extracted text (the `text` rendition) must hold once it is
    /// processed — a decoder that guessed the wrong encoding would still "process" it.
    pub text_phrase: Option<&'static str>,
}

/// What every article of the corpus says (the PDF's text is in English: Helvetica has no
/// Chinese).
const ARTICLE_PHRASE: &str = "职业教育活动周";
const PDF_PHRASE: &str = "Vocational Education Week";

/// Every case of [`EXPECTED`], type by type in its order. `limits` are the server's upload
/// limits (the declared-size cases declare one byte more than their kind's). Needs the ffmpeg
/// CLI; takes a few seconds.
pub fn cases(limits: &UploadLimits) -> Vec<Case> {
    let mut cases = Vec::with_capacity(EXPECTED.len() * VARIANTS.len());
    for (name, outcomes) in EXPECTED {
        let file_type = FILE_TYPES
            .iter()
            .find(|t| t.name == *name)
            .unwrap_or_else(|| panic!("no generator for {name}"));
        let valid = (file_type.make)(0);
        let other = (file_type.make)(1);
        assert!(valid != other, "{name}: both seeds made the same bytes");
        let (stem, extension) = file_type
            .file_name
            .rsplit_once('.')
            .unwrap_or((file_type.file_name, ""));
        for (variant, expect) in VARIANTS.into_iter().zip(*outcomes) {
            let (file_name, bytes, declared_length) = match variant {
                Variant::Valid => (file_type.file_name.to_owned(), valid.clone(), None),
                Variant::Cut(percent) => {
                    let cut = valid[..valid.len() * usize::from(percent) / 100].to_vec();
                    check_cut(file_type, &cut, percent);
                    (format!("{stem}-截断{percent}.{extension}"), cut, None)
                }
                Variant::ZeroBytes => (file_type.file_name.to_owned(), Vec::new(), None),
                Variant::WrongExtension => (file_type.wrong_name.to_owned(), other.clone(), None),
                Variant::DeclaredTooLarge => (
                    file_type.file_name.to_owned(),
                    Vec::new(),
                    Some(limits.for_kind(file_type.kind) + 1),
                ),
            };
            cases.push(Case {
                type_name: file_type.name,
                kind: file_type.kind,
                variant,
                file_name,
                mime: file_type.mime,
                bytes,
                declared_length,
                expect,
                text_phrase: match (file_type.kind, file_type.name) {
                    (AssetKind::Article, "PDF") => Some(PDF_PHRASE),
                    (AssetKind::Article, _) => Some(ARTICLE_PHRASE),
                    _ => None,
                },
            });
        }
    }
    cases
}

/// What the table's comments promise about a cut, checked on the bytes (a generator that
/// changed would otherwise make the server look wrong).
fn check_cut(file_type: &FileType, cut: &[u8], percent: u8) {
    if file_type.name == "DOCX" {
        assert!(
            cut.windows(5).any(|w| w == b"word/"),
            "the DOCX cut at {percent} % no longer names word/ in its first bytes"
        );
    }
    if file_type.name == "Ogg Vorbis" && percent == 10 {
        let setup_end = ogg_page_end(cut, 1);
        assert!(
            setup_end.is_none_or(|end| end > cut.len()),
            "the Ogg cut at 10 % no longer ends inside the Vorbis headers"
        );
    }
    if file_type.name == "AVI" && percent == 10 {
        assert!(
            !cut.windows(4).any(|w| w == b"movi"),
            "the AVI cut at 10 % reaches its frames"
        );
    }
}

/// Where the Ogg page `index` (0-based) ends, if its header is within `bytes`.
fn ogg_page_end(bytes: &[u8], index: usize) -> Option<usize> {
    let mut at = 0;
    for page in 0..=index {
        let header = bytes.get(at..at + 27)?;
        if &header[..4] != b"OggS" {
            return None;
        }
        let segments = usize::from(header[26]);
        let table = bytes.get(at + 27..at + 27 + segments)?;
        let end = at + 27 + segments + table.iter().map(|s| usize::from(*s)).sum::<usize>();
        if page == index {
            return Some(end);
        }
        at = end;
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Photos (320×240: gradients under a fine grain, so that cuts land in the picture data)

const PHOTO_WIDTH: u32 = 320;
const PHOTO_HEIGHT: u32 = 240;

/// A picture made from `seed`; with `palette`, each channel on six levels (216 colours, which a
/// GIF keeps exactly, without a slow quantiser).
fn picture(seed: u32, palette: bool) -> image::RgbImage {
    let mut state = (u64::from(seed) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    image::RgbImage::from_fn(PHOTO_WIDTH, PHOTO_HEIGHT, |x, y| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let [a, b, c, ..] = state.to_le_bytes();
        let channel = |base: u32, grain: u8| {
            let value = (base % 200) as u8 + grain / 8;
            if palette { value / 43 * 51 } else { value }
        };
        image::Rgb([
            channel(x * 200 / PHOTO_WIDTH, a),
            channel(y * 200 / PHOTO_HEIGHT, b),
            channel((x + y) / 2 + seed * 61, c),
        ])
    })
}

fn encoded(picture: &image::RgbImage, format: image::ImageFormat) -> Vec<u8> {
    let mut bytes = Vec::new();
    picture
        .write_to(&mut Cursor::new(&mut bytes), format)
        .unwrap_or_else(|e| panic!("encoding a {format:?}: {e}"));
    bytes
}

fn jpeg(seed: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(&picture(seed, false))
        .unwrap_or_else(|e| panic!("encoding a JPEG: {e}"));
    bytes
}

fn png(seed: u32) -> Vec<u8> {
    encoded(&picture(seed, false), image::ImageFormat::Png)
}

fn gif(seed: u32) -> Vec<u8> {
    encoded(&picture(seed, true), image::ImageFormat::Gif)
}

/// Lossless: the `image` crate's WebP encoder.
fn webp(seed: u32) -> Vec<u8> {
    encoded(&picture(seed, false), image::ImageFormat::WebP)
}

fn tiff(seed: u32) -> Vec<u8> {
    encoded(&picture(seed, false), image::ImageFormat::Tiff)
}

/// The ffmpeg test pattern a seed picks.
fn pattern(seed: u32) -> &'static str {
    if seed == 0 { "testsrc" } else { "testsrc2" }
}

/// AVIF from ffmpeg's AVIF muxer (a still picture, libaom).
fn avif(seed: u32) -> Vec<u8> {
    generated_video(
        &format!(
            "-f lavfi -i {}=size={PHOTO_WIDTH}x{PHOTO_HEIGHT} -frames:v 1 -c:v libaom-av1 \
             -still-picture 1 -cpu-used 8 -pix_fmt yuv420p",
            pattern(seed)
        ),
        "avif",
    )
}

/// HEIC: one HEVC picture made by x265 (through ffmpeg, into an MP4), wrapped in a HEIF
/// container written here: `ftyp heic`, then `meta` (handler `pict`, primary item 1 of type
/// `hvc1`, its location, and its properties `hvcC` — copied from the MP4's sample entry — and
/// `ispe`), then `mdat` with the picture's NAL units, length-prefixed as in the MP4 sample.
fn heic(seed: u32) -> Vec<u8> {
    let mp4 = generated_video(
        &format!(
            "-f lavfi -i {}=size={PHOTO_WIDTH}x{PHOTO_HEIGHT} -frames:v 1 -c:v libx265 \
             -preset ultrafast -x265-params log-level=error -pix_fmt yuv420p -tag:v hvc1",
            pattern(seed)
        ),
        "mp4",
    );
    let top = top_level_boxes(&mp4);
    let sample = top
        .iter()
        .find(|(kind, _)| kind == b"mdat")
        .map(|(_, body)| *body)
        .expect("ffmpeg wrote an mdat box");
    let moov = top
        .iter()
        .find(|(kind, _)| kind == b"moov")
        .map(|(_, body)| *body)
        .expect("ffmpeg wrote a moov box");
    // The hvcC box, whole: found inside `moov` (never in the picture data).
    let at = moov
        .windows(4)
        .position(|w| w == b"hvcC")
        .expect("the sample entry has an hvcC box")
        - 4;
    let size = u32::from_be_bytes(moov[at..at + 4].try_into().unwrap()) as usize;
    let hvcc = &moov[at..at + size];

    let ftyp = bmff_box(b"ftyp", b"heic\0\0\0\0mif1heic");
    let meta = |offset: u32| {
        let mut hdlr = vec![0u8; 4]; // pre_defined
        hdlr.extend_from_slice(b"pict");
        hdlr.extend_from_slice(&[0u8; 12]); // reserved
        hdlr.push(0); // empty name
        let pitm = 1u16.to_be_bytes();
        let mut infe = Vec::new();
        infe.extend_from_slice(&1u16.to_be_bytes()); // item_ID
        infe.extend_from_slice(&0u16.to_be_bytes()); // item_protection_index
        infe.extend_from_slice(b"hvc1");
        infe.push(0); // empty item_name
        let mut iinf = 1u16.to_be_bytes().to_vec();
        iinf.extend_from_slice(&full_box(b"infe", 2, &infe));
        // offset_size 4, length_size 4, base_offset_size 0; one item, one extent.
        let mut iloc = vec![0x44, 0x00];
        for field in [1u16, 1, 0, 1] {
            // item_count, item_ID, data_reference_index, extent_count
            iloc.extend_from_slice(&field.to_be_bytes());
        }
        iloc.extend_from_slice(&offset.to_be_bytes());
        iloc.extend_from_slice(&u32::try_from(sample.len()).unwrap().to_be_bytes());
        let mut ispe = PHOTO_WIDTH.to_be_bytes().to_vec();
        ispe.extend_from_slice(&PHOTO_HEIGHT.to_be_bytes());
        let ipco = bmff_box(
            b"ipco",
            &[hvcc, full_box(b"ispe", 0, &ispe).as_slice()].concat(),
        );
        // One entry: item 1 has property 1 (hvcC, essential) and property 2 (ispe).
        let mut ipma = 1u32.to_be_bytes().to_vec();
        ipma.extend_from_slice(&1u16.to_be_bytes());
        ipma.extend_from_slice(&[2, 0x81, 0x02]);
        let iprp = bmff_box(b"iprp", &[ipco, full_box(b"ipma", 0, &ipma)].concat());
        full_box(
            b"meta",
            0,
            &[
                full_box(b"hdlr", 0, &hdlr),
                full_box(b"pitm", 0, &pitm),
                full_box(b"iinf", 0, &iinf),
                full_box(b"iloc", 0, &iloc),
                iprp,
            ]
            .concat(),
        )
    };
    // The picture starts after ftyp, meta and mdat's own header; meta's size does not depend
    // on the offset it holds.
    let offset = u32::try_from(ftyp.len() + meta(0).len() + 8).unwrap();
    [ftyp, meta(offset), bmff_box(b"mdat", sample)].concat()
}

/// The top-level boxes of an ISO BMFF file: (type, body).
fn top_level_boxes(file: &[u8]) -> Vec<([u8; 4], &[u8])> {
    let mut boxes = Vec::new();
    let mut at = 0;
    while at + 8 <= file.len() {
        let size = u32::from_be_bytes(file[at..at + 4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = file[at + 4..at + 8].try_into().unwrap();
        let size = if size == 0 { file.len() - at } else { size };
        assert!(
            size >= 8 && at + size <= file.len(),
            "a box of {size} bytes at {at}"
        );
        boxes.push((kind, &file[at + 8..at + size]));
        at += size;
    }
    boxes
}

fn bmff_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = u32::try_from(8 + body.len())
        .unwrap()
        .to_be_bytes()
        .to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    out
}

/// A box with a version and (zero) flags.
fn full_box(kind: &[u8; 4], version: u8, body: &[u8]) -> Vec<u8> {
    let mut payload = (u32::from(version) << 24).to_be_bytes().to_vec();
    payload.extend_from_slice(body);
    bmff_box(kind, &payload)
}

// ---------------------------------------------------------------------------------------------
// Videos: 2 s of 160×120 at 10 frames a second, a keyframe every second

fn video(seed: u32, codec: &str, extension: &str) -> Vec<u8> {
    generated_video(
        &format!(
            "-f lavfi -i {}=duration=2:size=160x120:rate=10 {codec} -g 10",
            pattern(seed)
        ),
        extension,
    )
}

const H264: &str = "-c:v libx264 -preset ultrafast -pix_fmt yuv420p";

fn mp4(seed: u32) -> Vec<u8> {
    video(seed, H264, "mp4")
}

fn mov(seed: u32) -> Vec<u8> {
    video(seed, H264, "mov")
}

fn mkv(seed: u32) -> Vec<u8> {
    video(seed, H264, "mkv")
}

fn mpeg_ts(seed: u32) -> Vec<u8> {
    video(seed, H264, "ts")
}

fn webm(seed: u32) -> Vec<u8> {
    video(
        seed,
        "-c:v libvpx -deadline realtime -cpu-used 8 -b:v 300k",
        "webm",
    )
}

/// MPEG-4 part 2, as old cameras and screen recorders write AVI.
fn avi(seed: u32) -> Vec<u8> {
    video(seed, "-c:v mpeg4 -q:v 5", "avi")
}

/// Sorenson Spark (FLV1), Flash video's own codec.
fn flv(seed: u32) -> Vec<u8> {
    video(seed, "-c:v flv -q:v 5", "flv")
}

// ---------------------------------------------------------------------------------------------
// Sound: 2 s of a tone under a little noise (noise, so that FLAC and Vorbis do not shrink it to
// almost nothing), mono, 44.1 kHz

fn sound(seed: u32, codec: &str, extension: &str) -> Vec<u8> {
    let frequency = 440 + 220 * seed;
    generated_video(
        &format!(
            "-f lavfi -i aevalsrc=exprs=0.4*sin(2*PI*{frequency}*t)+0.1*(random(0)*2-1):d=2:s=44100 \
             {codec}"
        ),
        extension,
    )
}

fn wav(seed: u32) -> Vec<u8> {
    sound(seed, "-c:a pcm_s16le", "wav")
}

fn aiff(seed: u32) -> Vec<u8> {
    sound(seed, "-c:a pcm_s16be", "aiff")
}

fn flac(seed: u32) -> Vec<u8> {
    sound(seed, "-c:a flac", "flac")
}

/// With the ID3v2 tag ffmpeg writes by default (and a Xing/Info frame).
fn mp3(seed: u32) -> Vec<u8> {
    sound(seed, "-c:a libmp3lame -b:a 128k", "mp3")
}

/// Without a tag or an Info frame: the file starts with an MPEG audio frame header.
fn mp3_bare(seed: u32) -> Vec<u8> {
    let bytes = sound(
        seed,
        "-c:a libmp3lame -b:a 128k -id3v2_version 0 -write_xing 0",
        "mp3",
    );
    assert!(
        bytes.first() == Some(&0xFF) && bytes.get(1).is_some_and(|b| b & 0xE0 == 0xE0),
        "a bare MP3 starts with a frame sync"
    );
    bytes
}

fn aac_adts(seed: u32) -> Vec<u8> {
    sound(seed, "-c:a aac -b:a 128k -f adts", "aac")
}

fn m4a(seed: u32) -> Vec<u8> {
    sound(seed, "-c:a aac -b:a 128k", "m4a")
}

/// Pages of 0.1 s (ffmpeg's default is one second a page).
fn ogg_vorbis(seed: u32) -> Vec<u8> {
    sound(seed, "-c:a libvorbis -q:a 4 -page_duration 100000", "ogg")
}

/// Windows Media Audio 2 in ASF.
fn wma(seed: u32) -> Vec<u8> {
    sound(seed, "-c:a wmav2 -b:a 128k", "wma")
}

// ---------------------------------------------------------------------------------------------
// Articles

const SENTENCES: [&str; 6] = [
    "全国职业教育活动周在各地举行，学生们展示了精湛的技能。",
    "老师带领同学们走进企业，了解先进的生产工艺和管理方法。",
    "技能让生活更美好，职业教育为每个人提供人生出彩的机会。",
    "校园开放日吸引了许多家长和市民前来参观体验。",
    "数控车、焊接和烹饪项目的选手同场竞技，观众连连称赞。",
    "活动周期间，各校还举办了非遗传承和志愿服务等活动。",
];

/// A heading and 30 paragraphs of Chinese (about 5 KB in UTF-8). The heading starts with 全.
fn article(seed: u32) -> (String, Vec<String>) {
    let heading = format!("全国职业教育活动周纪实（第{}篇）", seed + 1);
    let paragraphs = (0..30u32)
        .map(|n| {
            let first = SENTENCES[((n + seed) % 6) as usize];
            let second = SENTENCES[((n * 5 + seed + 1) % 6) as usize];
            format!("第{}段：{first}{second}", n + 1)
        })
        .collect();
    (heading, paragraphs)
}

fn plain_text(seed: u32) -> String {
    let (heading, paragraphs) = article(seed);
    format!("{heading}\n\n{}\n", paragraphs.join("\n"))
}

fn text_utf8(seed: u32) -> Vec<u8> {
    plain_text(seed).into_bytes()
}

/// As Chinese Windows saves text.
fn text_gbk(seed: u32) -> Vec<u8> {
    let text = plain_text(seed);
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable, "every character of the article is in GBK");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "GBK that is not UTF-8"
    );
    bytes.into_owned()
}

/// UTF-16LE with its byte order mark, as Windows Notepad saves "Unicode".
fn text_utf16(seed: u32) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in plain_text(seed).encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

fn markdown(seed: u32) -> Vec<u8> {
    let (heading, paragraphs) = article(seed);
    let mut text = format!("# {heading}\n\n");
    for (n, paragraph) in paragraphs.iter().enumerate() {
        if n % 10 == 0 {
            text.push_str(&format!("## 第{}部分\n\n", n / 10 + 1));
        }
        text.push_str(paragraph);
        text.push_str("\n\n");
    }
    text.push_str("- 开幕式\n- 技能展示\n- **校园开放日**\n");
    text.into_bytes()
}

fn html(seed: u32) -> Vec<u8> {
    let (heading, paragraphs) = article(seed);
    let mut page = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <title>{heading}</title></head>\n<body><h1>{heading}</h1>\n"
    );
    for paragraph in &paragraphs {
        page.push_str(&format!("<p>{paragraph}</p>\n"));
    }
    page.push_str("</body></html>\n");
    page.into_bytes()
}

/// A one-page PDF of 60 lines of text (Helvetica), its content stream the last object, so
/// that every cut ends before its cross-reference table.
fn pdf(seed: u32) -> Vec<u8> {
    let mut content = String::new();
    for line in 0..60u32 {
        let y = 770 - line * 12;
        content.push_str(&format!(
            "BT /F1 10 Tf 56 {y} Td (Vocational Education Week {}, line {}: students, teachers \
             and companies show their skills.) Tj ET\n",
            2021 + seed,
            line + 1
        ));
    }
    let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(content.as_bytes());
    stream.extend_from_slice(b"\nendstream");
    let objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
          /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        stream,
    ];
    let mut file = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (number, body) in (1..).zip(&objects) {
        offsets.push(file.len());
        file.extend_from_slice(format!("{number} 0 obj\n").as_bytes());
        file.extend_from_slice(body);
        file.extend_from_slice(b"\nendobj\n");
    }
    let xref = file.len();
    let size = objects.len() + 1;
    file.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
    for offset in offsets {
        file.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    file.extend_from_slice(
        format!("trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    file
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

const PACKAGE_RELATIONSHIPS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

const DOCUMENT_RELATIONSHIPS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>"#;

/// A Word document with the zip crate: the parts in Word's order, stored (not deflated), so
/// that the part names and `[Content_Types].xml` (which names `/word/document.xml`) lie in
/// the first kilobyte and every cut is still sniffed as a Word document.
fn docx(seed: u32) -> Vec<u8> {
    let (heading, paragraphs) = article(seed);
    let mut body = format!(
        r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>{heading}</w:t></w:r></w:p>"#
    );
    for paragraph in &paragraphs {
        body.push_str(&format!("<w:p><w:r><w:t>{paragraph}</w:t></w:r></w:p>"));
    }
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, content) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", PACKAGE_RELATIONSHIPS),
        ("word/document.xml", document.as_str()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELATIONSHIPS),
    ] {
        writer
            .start_file(name, stored)
            .unwrap_or_else(|e| panic!("zip {name}: {e}"));
        writer
            .write_all(content.as_bytes())
            .unwrap_or_else(|e| panic!("zip {name}: {e}"));
    }
    writer
        .finish()
        .unwrap_or_else(|e| panic!("finishing the zip: {e}"))
        .into_inner()
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn make(name: &str) -> fn(u32) -> Vec<u8> {
        FILE_TYPES
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.make)
            .unwrap()
    }

    #[test]
    fn every_type_has_one_row_and_one_generator_in_the_same_order() {
        let rows: Vec<&str> = EXPECTED.iter().map(|(name, _)| *name).collect();
        let types: Vec<&str> = FILE_TYPES.iter().map(|t| t.name).collect();
        assert_eq!(rows, types);
        for (name, outcomes) in EXPECTED {
            assert_eq!(outcomes[0], Outcome::Processed, "{name}: valid");
            assert_eq!(outcomes[4], EMPTY, "{name}: zero bytes");
            assert_eq!(outcomes[5], Outcome::Processed, "{name}: wrong extension");
            assert_eq!(outcomes[6], TOO_LARGE, "{name}: declared size");
        }
    }

    /// The generators that need no ffmpeg make what they say.
    #[test]
    fn photos_decode_and_articles_open() {
        for name in ["JPEG", "PNG", "GIF", "WebP", "TIFF"] {
            for seed in [0, 1] {
                let picture = image::load_from_memory(&make(name)(seed))
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!((picture.width(), picture.height()), (320, 240), "{name}");
            }
        }
        let docx = make("DOCX")(0);
        let mut archive = zip::ZipArchive::new(Cursor::new(docx.as_slice())).unwrap();
        let mut document = String::new();
        archive
            .by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut document)
            .unwrap();
        assert!(document.contains("全国职业教育活动周"));
        for percent in [10, 50, 90] {
            let cut = &docx[..docx.len() * percent / 100];
            assert!(cut.windows(5).any(|w| w == b"word/"), "{percent} %");
            assert!(
                zip::ZipArchive::new(Cursor::new(cut)).is_err(),
                "{percent} %"
            );
        }
        let pdf = make("PDF")(0);
        assert!(pdf.starts_with(b"%PDF-1.4") && pdf.ends_with(b"%%EOF\n"));
        let xref = pdf.windows(5).position(|w| w == b"xref\n").unwrap();
        assert!(
            pdf.len() * 9 / 10 < xref,
            "the 90 % cut ends before the xref"
        );
        let gbk = make("text (GBK)")(0);
        let (text, _, bad) = encoding_rs::GBK.decode(&gbk);
        assert!(!bad && text.starts_with("全国职业教育活动周"));
        let utf16 = make("text (UTF-16LE, BOM)")(0);
        assert_eq!(&utf16[..4], &[0xFF, 0xFE, 0x68, 0x51]);
        assert!(make("HTML")(0).starts_with(b"<!DOCTYPE html>"));
        assert!(make("Markdown")(0).starts_with("# 全国".as_bytes()));
    }
}

//! Chinese articles arrive in every encoding Chinese computers save: GBK and GB18030 (mainland
//! Windows), Big5 (Taiwan, Hong Kong), UTF-8 with or without a BOM, UTF-16 with a BOM. Each is
//! made here from the same text with encoding_rs's encoders (UTF-16 by hand), shifted so that a
//! multi-byte character straddles a byte offset where readers cut (the sniff's 2 KiB text
//! window, 4 and 8 KiB buffers, the 64 KiB sniff head), and must come out as the text it was
//! made from: sniffed as an article, decoded, and its paragraphs extracted. Where the `iconv`
//! command exists, the legacy encodings are also checked against its conversion.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use encoding_rs::{BIG5, Encoding, GB18030, GBK};
use vocweek_media::article::{ArticleLimits, process_article};
use vocweek_media::{SNIFF_LEN, sniff};

/// Byte offsets where a reader may cut the file.
const BOUNDARIES: [usize; 4] = [2048, 4096, 8192, 65_536];

const SIMPLIFIED: [&str; 6] = [
    "山东省职业教育活动周在济南开幕，来自全省各地的职业院校师生参加了开幕式。",
    "本届活动以技能成就精彩人生为主题，共举办技能展示、成果展览和校园开放日等活动三百余场。",
    "开幕式上，学生们现场展示了数控加工、烹饪、汽车维修和电子商务等专业技能，吸引了大量市民驻足观看。",
    "2021年以来，全省职业院校累计培养技术技能人才五十多万人，为经济社会发展提供了有力支撑。",
    "活动期间，各地还将组织企业走进校园，开展校企合作对接和毕业生就业洽谈。",
    "主办方表示，希望通过活动周让更多人了解职业教育、支持职业教育，营造人人皆可成才的良好氛围。",
];

const TRADITIONAL: [&str; 6] = [
    "山東省職業教育活動週在濟南開幕，來自全省各地的職業院校師生參加了開幕式。",
    "本屆活動以技能成就精彩人生為主題，共舉辦技能展示、成果展覽和校園開放日等活動三百餘場。",
    "開幕式上，學生們現場展示了數控加工、烹飪、汽車維修和電子商務等專業技能，吸引了大量市民駐足觀看。",
    "2021年以來，全省職業院校累計培養技術技能人才五十多萬人，為經濟社會發展提供了有力支撐。",
    "活動期間，各地還將組織企業走進校園，開展校企合作對接和畢業生就業洽談。",
    "主辦方表示，希望通過活動週讓更多人了解職業教育、支持職業教育，營造人人皆可成才的良好氛圍。",
];

/// Characters outside GBK: four bytes each in GB18030, surrogate pairs (two of them) in UTF-16.
const BEYOND_GBK: &str = "表情符号😀、生僻字𠮷和㐀在GB18030中占四个字节。";

/// How a text is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Gbk,
    Gb18030,
    Big5,
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
}

impl Form {
    /// What `ArticleFacts::encoding` reports (GBK is read as GB18030, which contains it).
    fn reported(self) -> &'static str {
        match self {
            Form::Gbk | Form::Gb18030 => "gb18030",
            Form::Big5 => "big5",
            Form::Utf8 | Form::Utf8Bom => "utf-8",
            Form::Utf16Le | Form::Utf16Be => "utf-16",
        }
    }

    fn legacy(self) -> Option<&'static Encoding> {
        match self {
            Form::Gbk => Some(GBK),
            Form::Gb18030 => Some(GB18030),
            Form::Big5 => Some(BIG5),
            _ => None,
        }
    }

    /// The label for `<meta charset>` and for `iconv -f`.
    fn label(self) -> &'static str {
        match self {
            Form::Gbk => "GBK",
            Form::Gb18030 => "GB18030",
            Form::Big5 => "BIG5",
            _ => "UTF-8",
        }
    }

    fn bom(self) -> &'static [u8] {
        match self {
            Form::Utf8Bom => &[0xEF, 0xBB, 0xBF],
            Form::Utf16Le => &[0xFF, 0xFE],
            Form::Utf16Be => &[0xFE, 0xFF],
            _ => &[],
        }
    }

    /// The paragraphs this encoding can hold.
    fn paragraphs(self) -> Vec<&'static str> {
        match self {
            Form::Big5 => TRADITIONAL.to_vec(),
            Form::Gbk => SIMPLIFIED.to_vec(),
            _ => SIMPLIFIED.iter().copied().chain([BEYOND_GBK]).collect(),
        }
    }

    /// The whole file: the BOM, then the text encoded.
    fn encode(self, text: &str) -> Vec<u8> {
        let mut bytes = self.bom().to_vec();
        match self.legacy() {
            Some(encoding) => {
                let (encoded, _, unmappable) = encoding.encode(text);
                assert!(!unmappable, "the text is not all in {}", encoding.name());
                bytes.extend_from_slice(&encoded);
            }
            // encoding_rs encodes to UTF-8 only, so UTF-16 is written here.
            None => match self {
                Form::Utf16Le => bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes)),
                Form::Utf16Be => bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes)),
                _ => bytes.extend_from_slice(text.as_bytes()),
            },
        }
        bytes
    }

    /// How many bytes `c` takes. Every encoding here is stateless: a text's bytes are its
    /// characters' bytes one after another.
    fn char_len(self, c: char) -> usize {
        match self.legacy() {
            Some(_) => self.encode(c.encode_utf8(&mut [0; 4])).len(),
            None if matches!(self, Form::Utf16Le | Form::Utf16Be) => c.len_utf16() * 2,
            None => c.len_utf8(),
        }
    }

    /// Whether a character of `text` (as stored, after the BOM) starts before `boundary` and
    /// ends after it.
    fn straddles(self, text: &str, boundary: usize) -> bool {
        let mut at = self.bom().len();
        for c in text.chars() {
            let end = at + self.char_len(c);
            if end > boundary {
                return at < boundary;
            }
            at = end;
        }
        false
    }
}

/// An article of at least `min_bytes` once stored, its first paragraph led by `pad` letters.
fn article_paragraphs(form: Form, pad: usize, min_bytes: usize) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut length = 0;
    for paragraph in form.paragraphs().into_iter().cycle() {
        if length >= min_bytes {
            break;
        }
        let paragraph = if paragraphs.is_empty() {
            format!("{}{paragraph}", "a".repeat(pad))
        } else {
            paragraph.to_owned()
        };
        // `encode` writes the BOM too: it is counted once, not per paragraph.
        length += form.encode(&paragraph).len() - form.bom().len() + 2;
        paragraphs.push(paragraph);
    }
    paragraphs
}

/// The file `make` writes from an article's paragraphs, padded until a character of it
/// straddles `boundary`; with the text the article must come out as. One or two letters of
/// padding do for the legacy encodings and UTF-8; in UTF-16 only a surrogate pair can straddle
/// an even offset, so the padding moves the next one (a few hundred characters on) there.
fn straddling(form: Form, boundary: usize, make: impl Fn(&[String]) -> String) -> (String, String) {
    let min_bytes = (boundary + 1024).max(5 * 1024);
    for pad in 0..1024 {
        let paragraphs = article_paragraphs(form, pad, min_bytes);
        let document = make(paragraphs.as_slice());
        if form.straddles(&document, boundary) {
            return (document, paragraphs.join("\n\n"));
        }
    }
    panic!("no character of the {form:?} file straddles byte {boundary}");
}

/// Panics with the place where `got` and `expected` part, not with the whole of both.
fn assert_same_text(what: &str, got: &str, expected: &str) {
    if got == expected {
        return;
    }
    let at = got
        .chars()
        .zip(expected.chars())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| got.chars().count().min(expected.chars().count()));
    let around =
        |text: &str| -> String { text.chars().skip(at.saturating_sub(8)).take(24).collect() };
    panic!(
        "{what}: the texts part at character {at}: got …{}…, expected …{}…",
        around(got),
        around(expected)
    );
}

/// What `iconv -f <label> -t UTF-8` makes of `bytes`; `None` when there is no iconv.
fn iconv(label: &str, bytes: &[u8]) -> Option<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = match Command::new("iconv")
        .args(["-f", label, "-t", "UTF-8"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("SKIPPED the iconv comparison: no iconv command");
            return None;
        }
        Err(e) => panic!("iconv: {e}"),
    };
    let mut stdin = child.stdin.take().unwrap();
    let input = bytes.to_vec();
    // Written from another thread: iconv's output would fill its pipe while we still write.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        output.status.success(),
        "iconv -f {label}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8(output.stdout).unwrap())
}

/// Sniffs, extracts and compares one file.
fn check(form: Form, mime: &str, filename: &str, document: &str, expected: &str) {
    let what = format!("{form:?} {filename} ({} bytes)", document.len());
    let bytes = form.encode(document);
    let head = &bytes[..bytes.len().min(SNIFF_LEN)];
    let sniffed = sniff(head, filename).unwrap_or_else(|e| panic!("{what}: sniffed as {e}"));
    assert_eq!(sniffed.mime, mime, "{what}");
    let out = process_article(&bytes, mime, &ArticleLimits::default())
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(out.facts.encoding, Some(form.reported()), "{what}");
    assert_same_text(&what, &out.text, expected);
    if form.legacy().is_some()
        && let Some(converted) = iconv(form.label(), &bytes)
    {
        assert_same_text(&format!("{what}, iconv"), &converted, document);
    }
}

fn check_text_and_markdown(form: Form) {
    for boundary in BOUNDARIES {
        let (document, expected) = straddling(form, boundary, |paragraphs| paragraphs.join("\n\n"));
        check(form, "text/plain", "文章.txt", &document, &expected);
        check(form, "text/markdown", "文章.md", &document, &expected);
    }
}

/// An HTML page of the paragraphs, with `<meta charset>` or without.
fn check_html(form: Form, declared: bool) {
    let meta = if declared {
        format!("<meta charset=\"{}\">", form.label().to_ascii_lowercase())
    } else {
        String::new()
    };
    for boundary in BOUNDARIES {
        let (document, expected) = straddling(form, boundary, |paragraphs| {
            let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
            format!("<!DOCTYPE html>\n<html><head>{meta}</head><body>\n{body}</body></html>\n")
        });
        check(form, "text/html", "文章.html", &document, &expected);
    }
}

#[test]
fn gbk_text() {
    check_text_and_markdown(Form::Gbk);
}

#[test]
fn gb18030_text_with_four_byte_characters() {
    check_text_and_markdown(Form::Gb18030);
}

#[test]
fn big5_text() {
    check_text_and_markdown(Form::Big5);
}

#[test]
fn utf8_text() {
    check_text_and_markdown(Form::Utf8);
}

#[test]
fn utf8_text_with_a_bom() {
    check_text_and_markdown(Form::Utf8Bom);
}

#[test]
fn utf16_text_little_and_big_endian() {
    check_text_and_markdown(Form::Utf16Le);
    check_text_and_markdown(Form::Utf16Be);
}

#[test]
fn gbk_html_with_and_without_meta_charset() {
    check_html(Form::Gbk, true);
    check_html(Form::Gbk, false);
}

#[test]
fn big5_and_gb18030_html_with_and_without_meta_charset() {
    for form in [Form::Big5, Form::Gb18030] {
        check_html(form, true);
        check_html(form, false);
    }
}

#[test]
fn unicode_html() {
    check_html(Form::Utf8, false);
    check_html(Form::Utf8Bom, true);
    check_html(Form::Utf16Le, false);
    check_html(Form::Utf16Be, false);
}

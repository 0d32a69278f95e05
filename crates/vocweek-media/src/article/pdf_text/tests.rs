//! Chinese PDFs with the standard, non-embedded CJK fonts (made here, as writers make them),
//! read through `pdf::extract`, and the extractor's layout rules.

use super::*;
use crate::article::pdf::extract;
use crate::article::pdf_guard::tests::{pdf, stream_object, zlib};
use crate::article::{ArticleLimits, Block};

const TEXT: &str = "职业教育活动周";

fn hex_utf16(text: &str) -> String {
    text.encode_utf16()
        .map(|unit| format!("{unit:04X}"))
        .collect()
}

/// The paragraphs `pdf::extract` finds, one a line.
fn paragraphs(file: &[u8]) -> String {
    let document = extract(file, &ArticleLimits::default()).unwrap();
    document
        .blocks
        .iter()
        .filter_map(|block| match block {
            Block::Paragraph(text) | Block::Heading(_, text) => Some(text.as_str()),
            Block::Image(_) => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A one-page document: 1 catalog, 2 pages, 3 page (font F1 = object 4), 4 the font,
/// 5 the content, then `more` (objects 6, 7…).
fn one_page(font: &str, content: &str, more: Vec<Vec<u8>>) -> Vec<u8> {
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
          /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_vec(),
        font.as_bytes().to_vec(),
        stream_object("/Filter /FlateDecode", &zlib(content.as_bytes())),
    ];
    objects.extend(more);
    pdf(&objects)
}

/// The descendant of STSong-Light as writers declare it without embedding it: Adobe-GB1, a
/// font descriptor without FontFile (`descriptor`), or none at all.
fn descendant(descriptor: bool) -> Vec<u8> {
    format!(
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light \
         /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 \
         /W [1 [278 278] 814 [1000]] {}>>",
        if descriptor {
            "/FontDescriptor 7 0 R "
        } else {
            ""
        }
    )
    .into_bytes()
}

fn descriptor() -> Vec<u8> {
    b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] \
      /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
        .to_vec()
}

#[test]
fn stsong_light_with_unigb_ucs2_h_is_read() {
    // The codes of UniGB-UCS2-H are UCS-2: 职 is <804C>.
    for encoding in ["UniGB-UCS2-H", "UniGB-UTF16-H", "UniCNS-UCS2-H"] {
        let file = one_page(
            &format!(
                "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /{encoding} \
                 /DescendantFonts [6 0 R] >>"
            ),
            &format!("BT /F1 12 Tf 72 720 Td <{}> Tj ET", hex_utf16(TEXT)),
            vec![descendant(true), descriptor()],
        );
        let pdf = Document::load_mem(&file).unwrap();
        assert!(
            pdf_extract_cannot_read(&pdf),
            "{encoding}: chosen before pdf-extract panics"
        );
        let text = paragraphs(&file);
        assert!(text.contains(TEXT), "{encoding}: {text:?}");
    }
}

/// A ToUnicode CMap giving CIDs 1 to 7 the characters of `TEXT`: two by bfchar, three by a
/// bfrange with a list, two by bfrange with a start.
fn to_unicode() -> Vec<u8> {
    let units: Vec<u16> = TEXT.encode_utf16().collect();
    let cmap = format!(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n\
         2 beginbfchar\n<0001> <{:04X}>\n<0002> <{:04X}>\nendbfchar\n\
         3 beginbfrange\n<0003> <0005> [<{:04X}> <{:04X}> <{:04X}>]\n<0006> <0006> <{:04X}>\n\
         <0007> <0007> <{:04X}>\nendbfrange\n\
         endcmap\nCMapName currentdict /CMapResource defineresource pop\nend\nend\n",
        units[0], units[1], units[2], units[3], units[4], units[5], units[6]
    );
    stream_object("/Filter /FlateDecode", &zlib(cmap.as_bytes()))
}

#[test]
fn identity_h_with_a_to_unicode_cmap_is_read() {
    // Without a font descriptor pdf-extract panics: our extractor reads it. With one,
    // pdf-extract reads it. Either way the text is there.
    for with_descriptor in [false, true] {
        // Objects: 6 the descendant, 7 its descriptor (or an empty dictionary), 8 ToUnicode.
        let file = one_page(
            "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H \
             /DescendantFonts [6 0 R] /ToUnicode 8 0 R >>",
            "BT /F1 12 Tf 72 720 Td <0001000200030004000500060007> Tj ET",
            vec![
                descendant(with_descriptor),
                if with_descriptor {
                    descriptor()
                } else {
                    b"<< >>".to_vec()
                },
                to_unicode(),
            ],
        );
        let pdf = Document::load_mem(&file).unwrap();
        assert_eq!(pdf_extract_cannot_read(&pdf), !with_descriptor);
        let text = paragraphs(&file);
        assert!(
            text.contains(TEXT),
            "descriptor {with_descriptor}: {text:?}"
        );
        // Our extractor reads both.
        let own = super::extract(&pdf, 1 << 20);
        assert!(own.contains(TEXT), "descriptor {with_descriptor}: {own:?}");
    }
}

#[test]
fn text_operators_and_line_breaks() {
    // Tj, TJ with a kerning number, ' and " (next line, then show); T* and Td move down a
    // line (a break), a move down of several lines and back left is a paragraph.
    let units = |text: &str| format!("<{}>", hex_utf16(text));
    let content = format!(
        "BT /F1 12 Tf 14 TL 72 720 Td {} Tj [{} -120 {}] TJ T* {} Tj {} ' 0 0 {} \" \
         0 -60 Td {} Tj ET",
        units("职业"),
        units("教育"),
        units("活动周"),
        units("第二行"),
        units("第三行"),
        units("第四行"),
        units("新段落"),
    );
    let file = one_page(
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H \
         /DescendantFonts [6 0 R] >>",
        &content,
        vec![descendant(true), descriptor()],
    );
    let pdf = Document::load_mem(&file).unwrap();
    let own = super::extract(&pdf, 1 << 20);
    assert_eq!(
        own, "职业教育活动周\n第二行\n第三行\n第四行\n\n新段落",
        "{own:?}"
    );
    // A Chinese paragraph broken across lines is joined without spaces.
    assert_eq!(
        paragraphs(&file),
        "职业教育活动周第二行第三行第四行\n新段落"
    );
}

#[test]
fn legacy_cmaps_and_simple_fonts_are_read() {
    // GBK-EUC-H: GBK codes, one byte for ASCII. A simple font whose /Differences names its
    // glyphs. A form XObject's text.
    let (gbk, _, _) = encoding_rs::GBK.encode("技能周 2025");
    let gbk_hex: String = gbk.iter().map(|byte| format!("{byte:02X}")).collect();
    let form = stream_object(
        "/Type /XObject /Subtype /Form /BBox [0 0 595 842] \
         /Resources << /Font << /F2 8 0 R >> >>",
        b"BT /F2 12 Tf 72 600 Td (AB) Tj ET",
    );
    let file = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
          /Resources << /Font << /F1 4 0 R >> /XObject << /X1 7 0 R >> >> /Contents 5 0 R >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /GBK-EUC-H \
          /DescendantFonts [6 0 R] >>"
            .to_vec(),
        stream_object(
            "",
            format!("BT /F1 12 Tf 72 720 Td <{gbk_hex}> Tj ET /X1 Do").as_bytes(),
        ),
        descendant(false),
        form,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /ABCDEF+Subset /FirstChar 65 /LastChar 66 \
          /Widths [600 600] /Encoding << /Differences [65 /uni804C /parenleft] >> >>"
            .to_vec(),
    ]);
    let pdf = Document::load_mem(&file).unwrap();
    let own = super::extract(&pdf, 1 << 20);
    assert!(own.contains("技能周 2025"), "{own:?}");
    assert!(own.contains("职("), "{own:?}");
}

#[test]
fn the_text_stops_at_the_cap() {
    let repeated = hex_utf16(&TEXT.repeat(100));
    let file = one_page(
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H \
         /DescendantFonts [6 0 R] >>",
        &format!("BT /F1 12 Tf 72 720 Td <{repeated}> Tj ET"),
        vec![descendant(true), descriptor()],
    );
    let pdf = Document::load_mem(&file).unwrap();
    let own = super::extract(&pdf, 10);
    assert!(own.len() <= 10, "{own:?}");
    assert_eq!(own, "职业教");
}

#[test]
fn a_form_that_draws_itself_ends() {
    let file = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
          /Resources 6 0 R /Contents 5 0 R >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        stream_object("", b"/X1 Do"),
        b"<< /Font << /F1 4 0 R >> /XObject << /X1 7 0 R >> >>".to_vec(),
        stream_object(
            "/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources 6 0 R",
            b"BT /F1 12 Tf (loop) Tj ET /X1 Do",
        ),
    ]);
    let pdf = Document::load_mem(&file).unwrap();
    assert_eq!(super::extract(&pdf, 1 << 20), "loop");
    // pdf-extract would recurse until the stack overflows (aborting the process): found before.
    assert!(pdf_extract_cannot_read(&pdf));
    assert_eq!(paragraphs(&file), "loop");
}

#[test]
fn fonts_pdf_extract_panics_on_are_found_before() {
    let with_font = |font: &str| {
        let file = one_page(font, "BT /F1 12 Tf 72 720 Td (Hi) Tj ET", Vec::new());
        pdf_extract_cannot_read(&Document::load_mem(&file).unwrap())
    };
    assert!(!with_font(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    ));
    assert!(!with_font(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    ));
    // encoding_to_unicode_table knows three base encodings only.
    assert!(with_font(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /StandardEncoding >>"
    ));
    // /Widths must run from /FirstChar to /LastChar.
    assert!(with_font(
        "<< /Type /Font /Subtype /TrueType /BaseFont /Arial /FirstChar 32 /LastChar 126 \
         /Widths [278 278] >>"
    ));
    // A code past 255 in /Differences.
    assert!(with_font(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica \
         /Encoding << /Differences [255 /a /b] >> >>"
    ));
    // A Type 0 font without /Encoding.
    assert!(with_font(
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /DescendantFonts [6 0 R] >>"
    ));
}

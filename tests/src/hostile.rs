//! Hostile files: what a college could upload by accident or an attacker on purpose — nesting
//! bombs, decompression bombs, absurd dimensions, cut files, polyglots. Each must fail its asset
//! with a stable code (or be processed) without hurting the server.
//!
//! Everything is made here, in memory, quickly (no generator takes a second) and small (under
//! 2 MB each). The decompression bombs never hold their inflated size: a deflate stream of
//! repeated content is made by compressing the repeated chunk once and repeating the compressed
//! bytes (see `deflate_repeated`), so "1 GiB of zeros" costs two mebibytes of compression.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::sync::OnceLock;

use flate2::{Compress, Compression, Crc, FlushCompress};

use crate::media::{generated_video, png_bomb, png_chunk, real_jpeg};

const KIB: usize = 1 << 10;
const MIB: usize = 1 << 20;
const GIB: u64 = 1 << 30;
const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// What the service should make of a hostile file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The asset fails with any of these failure codes.
    Failed(&'static [&'static str]),
    /// The asset is processed: it reaches `pending_review`.
    Processed,
    /// The upload itself is answered with this HTTP status; `0` means any 4xx status.
    Refused(u16),
    /// Failed with any code, or processed: it only must not hurt the server.
    Either,
}

/// One hostile upload.
#[derive(Clone)]
pub struct HostileFile {
    /// The case's name (`pdf-deep-arrays`…), unique in `hostile_files`.
    pub name: &'static str,
    /// The upload's file name, with its extension.
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub expect: Expect,
}

impl std::fmt::Debug for HostileFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostileFile")
            .field("name", &self.name)
            .field("file_name", &self.file_name)
            .field("bytes", &self.bytes.len())
            .field("expect", &self.expect)
            .finish()
    }
}

fn case(name: &'static str, file_name: &str, bytes: Vec<u8>, expect: Expect) -> HostileFile {
    HostileFile {
        name,
        file_name: file_name.to_owned(),
        bytes,
        expect,
    }
}

/// Every hostile case. Needs the ffmpeg CLI (for the two MP4 cases), like the video tests.
pub fn hostile_files() -> Vec<HostileFile> {
    use Expect::{Either, Failed, Processed, Refused};
    let video = sample_mp4();
    vec![
        case(
            "pdf-deep-arrays",
            "deep-arrays.pdf",
            pdf_deep_arrays(),
            Failed(&["article-corrupt"]),
        ),
        case(
            "pdf-deep-dicts",
            "deep-dicts.pdf",
            pdf_deep_dicts(),
            Failed(&["article-corrupt"]),
        ),
        case(
            "pdf-flate-bomb",
            "flate-bomb.pdf",
            pdf_flate_bomb(),
            Failed(&["article-too-large"]),
        ),
        case(
            "pdf-objstm-deep",
            "objstm-deep.pdf",
            pdf_objstm_deep(),
            Failed(&["article-corrupt"]),
        ),
        case(
            "docx-shared-entry",
            "shared-entry.docx",
            docx_shared_entry(),
            Processed,
        ),
        case(
            "docx-many-entries",
            "many-entries.docx",
            docx_many_entries(),
            Failed(&["article-too-large"]),
        ),
        case(
            "docx-declared-huge",
            "declared-huge.docx",
            docx_declared_huge(),
            Failed(&["article-too-large"]),
        ),
        case("png-iccp-bomb", "iccp-bomb.png", png_iccp_bomb(), Processed),
        case("png-ztxt-bomb", "ztxt-bomb.png", png_ztxt_bomb(), Processed),
        case(
            "png-16bit-rgba-10000",
            "rgba16-10000.png",
            png_16bit_rgba_10000(),
            Failed(&["image-too-large"]),
        ),
        case(
            "png-50000-square",
            "square-50000.png",
            png_50000_square(),
            Failed(&["image-too-large"]),
        ),
        case(
            "jpeg-50000-square",
            "square-50000.jpg",
            jpeg_50000_square(),
            Failed(&["image-too-large"]),
        ),
        case("jpeg-cut-half", "cut-half.jpg", jpeg_cut_half(), Either),
        case("png-cut-half", "cut-half.png", png_cut_half(), Either),
        case("webp-cut-half", "cut-half.webp", webp_cut_half(), Either),
        case("gif-cut-half", "cut-half.gif", gif_cut_half(), Either),
        case("tiff-cut-half", "cut-half.tiff", tiff_cut_half(), Either),
        case(
            "mp4-cut",
            "cut.mp4",
            mp4_cut(&video),
            Failed(&["video-unreadable", "video-corrupt"]),
        ),
        case(
            "mov-16000-square",
            "square-16000.mov",
            mov_16000_square(true),
            Failed(&["video-too-large"]),
        ),
        // The container says 64×64, every frame 16000×16000: only a decoder finds out.
        case(
            "mov-frames-16000",
            "frames-16000.mov",
            mov_16000_square(false),
            Failed(&[
                "media-unprocessable",
                "video-corrupt",
                "video-too-large",
                "media-out-of-memory",
            ]),
        ),
        case(
            "mp4-header-random-tail",
            "random-tail.mp4",
            mp4_header_random_tail(&video),
            Either,
        ),
        case(
            "polyglot-jpeg-zip",
            "polyglot.jpg",
            polyglot_jpeg_zip(),
            Either,
        ),
        case(
            "polyglot-pdf-html",
            "polyglot.html",
            polyglot_pdf_html(),
            Either,
        ),
        case(
            "html-deep-nesting",
            "deep-nesting.html",
            html_deep_nesting(),
            Failed(&["article-corrupt"]),
        ),
        case(
            "markdown-deep-quotes",
            "deep-quotes.md",
            markdown_deep_quotes(),
            Failed(&["article-corrupt"]),
        ),
        case("text-gbk-long", "gbk.txt", text_gbk_long(), Processed),
        case("text-utf16-long", "utf16.txt", text_utf16_long(), Processed),
        // Any 4xx: the engineer checks which status an empty upload gets (400 most likely).
        case("zero-bytes", "empty.jpg", Vec::new(), Refused(0)),
    ]
}

/// A JPEG of `width`×`height` pixels of noise (a fast, deterministic xorshift), quality 90:
/// large to decode for its size, for memory-limit tests.
pub fn big_noisy_jpeg(width: u32, height: u32) -> Vec<u8> {
    let seed = (u64::from(width) << 32) | u64::from(height);
    let pixels = noise(seed, width as usize * height as usize * 3);
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode(&pixels, width, height, image::ExtendedColorType::Rgb8)
        .expect("encoding a noisy JPEG");
    bytes
}

// ---------------------------------------------------------------------------------------------
// PDF

/// Attacks a recursive PDF parser's stack: an array nested 100 000 deep (the page's `/Annots`).
fn pdf_deep_arrays() -> Vec<u8> {
    let mut objects = pdf_page_objects(" /Annots 6 0 R", pdf_text_content());
    objects.push(deep_arrays(100_000));
    pdf_with_xref_table(&objects)
}

/// Attacks a recursive PDF parser's stack: dictionaries nested 50 000 deep (`<< /A << /A …`).
fn pdf_deep_dicts() -> Vec<u8> {
    let depth = 50_000;
    let mut object = "<< /A ".repeat(depth);
    object.push('1');
    object.push_str(&" >>".repeat(depth));
    let mut objects = pdf_page_objects(" /PieceInfo 6 0 R", pdf_text_content());
    objects.push(object.into_bytes());
    pdf_with_xref_table(&objects)
}

/// Attacks memory: the page's content stream (`/FlateDecode`, about 1 MB) inflates to 1 GiB
/// of zeros.
fn pdf_flate_bomb() -> Vec<u8> {
    let content = pdf_stream(" /Filter /FlateDecode", gib_of_zeros_zlib());
    pdf_with_xref_table(&pdf_page_objects("", content))
}

/// Attacks the parser's stack where a scan of the file's text cannot see it: the deep array is
/// object 7, compressed inside the object stream 6 (`/Type /ObjStm`), found through a
/// cross-reference stream (PDF 1.5+).
fn pdf_objstm_deep() -> Vec<u8> {
    let mut plain = b"7 0 ".to_vec();
    let first = plain.len();
    plain.extend_from_slice(&deep_arrays(100_000));
    let mut objects = pdf_page_objects(" /Annots 7 0 R", pdf_text_content());
    objects.push(pdf_stream(
        &format!(" /Type /ObjStm /N 1 /First {first} /Filter /FlateDecode"),
        &zlib(&plain),
    ));
    let (mut pdf, offsets) = pdf_objects(&objects);
    let xref_at = pdf.len();
    // `/W [1 4 2]`: type, offset (or object stream number), generation (or index).
    let mut table = Vec::new();
    let mut row = |kind: u8, field: usize, index: u16| {
        table.push(kind);
        table.extend_from_slice(&u32::try_from(field).expect("a small PDF").to_be_bytes());
        table.extend_from_slice(&index.to_be_bytes());
    };
    row(0, 0, 0xFFFF);
    for offset in &offsets {
        row(1, *offset, 0);
    }
    row(2, 6, 0); // object 7: the first object of object stream 6
    row(1, xref_at, 0); // object 8: this cross-reference stream
    pdf.extend_from_slice(b"8 0 obj\n");
    pdf.extend_from_slice(&pdf_stream(
        " /Type /XRef /Size 9 /W [1 4 2] /Root 1 0 R",
        &table,
    ));
    pdf.extend_from_slice(format!("\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    pdf
}

/// `[` × `depth`, then `]` × `depth`.
fn deep_arrays(depth: usize) -> Vec<u8> {
    let mut object = "[".repeat(depth);
    object.push_str(&"]".repeat(depth));
    object.into_bytes()
}

/// Objects 1–5 of a one-page PDF: the catalog, the page tree, the page (`page_extra` added to
/// its dictionary), its content stream `content` and a standard font.
fn pdf_page_objects(page_extra: &str, content: Vec<u8>) -> Vec<Vec<u8>> {
    vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
             /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R{page_extra} >>"
        )
        .into_bytes(),
        content,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ]
}

fn pdf_text_content() -> Vec<u8> {
    pdf_stream("", b"BT /F1 12 Tf 72 720 Td (Hostile test file) Tj ET")
}

/// A stream object's body: its dictionary (`/Length` and `dictionary_extra`) and its data.
fn pdf_stream(dictionary_extra: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< /Length {}{dictionary_extra} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

/// The header and `objects`, numbered from 1; with each object's offset.
fn pdf_objects(objects: &[Vec<u8>]) -> (Vec<u8>, Vec<usize>) {
    let mut pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    (pdf, offsets)
}

/// A whole PDF of `objects` (object 1 the catalog) with a correct classic xref table.
fn pdf_with_xref_table(objects: &[Vec<u8>]) -> Vec<u8> {
    let (mut pdf, offsets) = pdf_objects(objects);
    let xref_at = pdf.len();
    let size = objects.len() + 1;
    pdf.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n")
            .as_bytes(),
    );
    pdf
}

// ---------------------------------------------------------------------------------------------
// Word documents

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const WP_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
const A_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const PIC_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/picture";
const IMAGE_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image";
const XML_DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Default Extension="bin" ContentType="application/octet-stream"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

/// Attacks memory through repetition: 20 pictures but two entries — ten relationships point to
/// one small PNG, ten to one 48 MiB entry (`word/media/big.bin`, zeros; under the 50 MiB picture
/// limit). Reading each relationship's target anew holds 480 MiB; each entry must be read once.
fn docx_shared_entry() -> Vec<u8> {
    let mut body = String::new();
    let mut relations = Vec::new();
    for n in 1..=20 {
        let id = format!("rId{n}");
        body.push_str(&text_paragraph(&format!("第 {n} 张图片：")));
        body.push_str(&picture_paragraph(&id, n));
        let target = if n <= 10 {
            "media/image1.png"
        } else {
            "media/big.bin"
        };
        relations.push((id, target));
    }
    let mut entries = docx_entries(&document_xml(&body), &document_rels(&relations));
    entries.push(ZipEntry::stored(
        "word/media/image1.png",
        crate::documents::png(9, 64, 64),
    ));
    entries.push(ZipEntry::deflated(
        "word/media/big.bin",
        deflate_repeated(&[], &vec![0u8; MIB], 48, &[]),
    ));
    zip_archive(&entries)
}

/// Attacks the archive reader's bookkeeping: a valid document followed by 20 000 empty entries.
fn docx_many_entries() -> Vec<u8> {
    let mut entries = docx_entries(
        &document_xml(&text_paragraph("条目很多的文档")),
        &document_rels(&[]),
    );
    for i in 0..20_000u32 {
        entries.push(ZipEntry::stored(format!("w{i:x}"), Vec::new()));
    }
    zip_archive(&entries)
}

/// Attacks memory: `word/document.xml` declares and inflates to 200 MiB of
/// `<w:p><w:r><w:t>重复</w:t></w:r></w:p>` (about 600 KB compressed).
fn docx_declared_huge() -> Vec<u8> {
    const PARAGRAPH: &str = "<w:p><w:r><w:t>重复</w:t></w:r></w:p>";
    let prefix = format!(r#"{XML_DECLARATION}<w:document xmlns:w="{W_NS}"><w:body>"#);
    let chunk = PARAGRAPH.repeat(MIB / PARAGRAPH.len());
    let repeats = (200 * MIB).div_ceil(chunk.len()) as u64;
    let document = deflate_repeated(
        prefix.as_bytes(),
        chunk.as_bytes(),
        repeats,
        b"</w:body></w:document>",
    );
    zip_archive(&[
        ZipEntry::stored("[Content_Types].xml", CONTENT_TYPES.as_bytes().to_vec()),
        ZipEntry::stored("_rels/.rels", PACKAGE_RELS.as_bytes().to_vec()),
        ZipEntry::deflated("word/document.xml", document),
    ])
}

/// A small, valid Word document of one paragraph (the zip half of a polyglot).
fn minimal_docx() -> Vec<u8> {
    zip_archive(&docx_entries(
        &document_xml(&text_paragraph("职业教育活动周")),
        &document_rels(&[]),
    ))
}

/// The four parts every Word document has, stored.
fn docx_entries(document: &str, relations: &str) -> Vec<ZipEntry> {
    vec![
        ZipEntry::stored("[Content_Types].xml", CONTENT_TYPES.as_bytes().to_vec()),
        ZipEntry::stored("_rels/.rels", PACKAGE_RELS.as_bytes().to_vec()),
        ZipEntry::stored("word/document.xml", document.as_bytes().to_vec()),
        ZipEntry::stored(
            "word/_rels/document.xml.rels",
            relations.as_bytes().to_vec(),
        ),
    ]
}

fn document_xml(body: &str) -> String {
    format!(
        r#"{XML_DECLARATION}<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}" xmlns:wp="{WP_NS}" xmlns:a="{A_NS}" xmlns:pic="{PIC_NS}"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    )
}

fn text_paragraph(text: &str) -> String {
    format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
}

/// A paragraph holding an inline picture, as Word writes it: `a:blip r:embed` names the
/// relationship.
fn picture_paragraph(relation: &str, number: usize) -> String {
    format!(
        r#"<w:p><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="609600" cy="609600"/><wp:docPr id="{number}" name="Picture {number}"/><a:graphic><a:graphicData uri="{PIC_NS}"><pic:pic><pic:nvPicPr><pic:cNvPr id="{number}" name="picture{number}"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="{relation}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="609600" cy="609600"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"#
    )
}

/// `word/_rels/document.xml.rels`: each (id, target) an image relationship.
fn document_rels(relations: &[(String, &str)]) -> String {
    let mut xml = format!(
        r#"{XML_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
    );
    for (id, target) in relations {
        xml.push_str(&format!(
            r#"<Relationship Id="{id}" Type="{IMAGE_REL}" Target="{target}"/>"#
        ));
    }
    xml.push_str("</Relationships>");
    xml
}

/// One file of a zip archive, its data already in its final (stored or deflated) form.
struct ZipEntry {
    name: String,
    /// 0 stored, 8 deflated.
    method: u16,
    crc32: u32,
    /// The inflated size.
    size: u64,
    data: Vec<u8>,
}

impl ZipEntry {
    fn stored(name: impl Into<String>, data: Vec<u8>) -> Self {
        let mut crc = Crc::new();
        crc.update(&data);
        ZipEntry {
            name: name.into(),
            method: 0,
            crc32: crc.sum(),
            size: data.len() as u64,
            data,
        }
    }

    fn deflated(name: impl Into<String>, deflated: Deflated) -> Self {
        ZipEntry {
            name: name.into(),
            method: 8,
            crc32: deflated.crc32,
            size: deflated.size,
            data: deflated.data,
        }
    }
}

fn le16(out: &mut Vec<u8>, value: u16) {
    out.extend_from_slice(&value.to_le_bytes());
}

fn le32(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&value.to_le_bytes());
}

/// A plain zip archive (no zip64, no data descriptors, no extra fields) written by hand, so
/// that big entries can be pre-deflated (the zip crate would compress them byte by byte).
fn zip_archive(entries: &[ZipEntry]) -> Vec<u8> {
    const DOS_DATE_1980_01_01: u16 = (1 << 5) | 1;
    let mut out = Vec::new();
    let mut central = Vec::new();
    for entry in entries {
        let offset = u32::try_from(out.len()).expect("an archive under 4 GiB");
        let packed = u32::try_from(entry.data.len()).expect("an entry under 4 GiB");
        let size = u32::try_from(entry.size).expect("an entry under 4 GiB");
        let name = entry.name.as_bytes();
        let name_len = u16::try_from(name.len()).expect("a short entry name");

        le32(&mut out, 0x0403_4b50); // local file header
        le16(&mut out, 20); // version needed: 2.0 (deflate)
        le16(&mut out, 0); // flags
        le16(&mut out, entry.method);
        le16(&mut out, 0); // time
        le16(&mut out, DOS_DATE_1980_01_01);
        le32(&mut out, entry.crc32);
        le32(&mut out, packed);
        le32(&mut out, size);
        le16(&mut out, name_len);
        le16(&mut out, 0); // extra field length
        out.extend_from_slice(name);
        out.extend_from_slice(&entry.data);

        le32(&mut central, 0x0201_4b50); // central directory header
        le16(&mut central, 20); // version made by: MS-DOS, 2.0
        le16(&mut central, 20); // version needed
        le16(&mut central, 0); // flags
        le16(&mut central, entry.method);
        le16(&mut central, 0); // time
        le16(&mut central, DOS_DATE_1980_01_01);
        le32(&mut central, entry.crc32);
        le32(&mut central, packed);
        le32(&mut central, size);
        le16(&mut central, name_len);
        le16(&mut central, 0); // extra field length
        le16(&mut central, 0); // comment length
        le16(&mut central, 0); // disk number
        le16(&mut central, 0); // internal attributes
        le32(&mut central, 0); // external attributes
        le32(&mut central, offset);
        central.extend_from_slice(name);
    }
    let count = u16::try_from(entries.len()).expect("fewer than 65 536 entries");
    let central_at = u32::try_from(out.len()).expect("an archive under 4 GiB");
    let central_len = u32::try_from(central.len()).expect("a central directory under 4 GiB");
    out.extend_from_slice(&central);
    le32(&mut out, 0x0605_4b50); // end of central directory
    le16(&mut out, 0); // this disk
    le16(&mut out, 0); // the central directory's disk
    le16(&mut out, count);
    le16(&mut out, count);
    le32(&mut out, central_len);
    le32(&mut out, central_at);
    le16(&mut out, 0); // comment length
    out
}

// ---------------------------------------------------------------------------------------------
// Photos

/// Attacks memory through metadata: a valid 64×64 PNG whose ICC profile (`iCCP`) inflates to
/// 1 GiB. The profile should be ignored (or its size refused) and the picture processed.
fn png_iccp_bomb() -> Vec<u8> {
    let mut data = b"hostile profile\0\0".to_vec(); // name, NUL, compression method 0
    data.extend_from_slice(gib_of_zeros_zlib());
    png_with_chunk_after_header(b"iCCP", &data)
}

/// Attacks memory through metadata: a valid 64×64 PNG with a compressed text chunk (`zTXt`)
/// that inflates to 1 GiB.
fn png_ztxt_bomb() -> Vec<u8> {
    let mut data = b"Comment\0\0".to_vec(); // keyword, NUL, compression method 0
    data.extend_from_slice(gib_of_zeros_zlib());
    png_with_chunk_after_header(b"zTXt", &data)
}

/// A real 64×64 RGB PNG with one more chunk right after `IHDR`.
fn png_with_chunk_after_header(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let png = crate::documents::png(7, 64, 64);
    assert_eq!(&png[12..16], b"IHDR", "a PNG starts with its header chunk");
    let header_len = u32::from_be_bytes([png[8], png[9], png[10], png[11]]) as usize;
    let split = 8 + 12 + header_len; // signature, then IHDR's length, type, data and CRC
    let mut out = png[..split].to_vec();
    out.extend_from_slice(&png_chunk(kind, data));
    out.extend_from_slice(&png[split..]);
    out
}

/// Attacks memory: 10 000×10 000 RGBA at 16 bits (800 MB decoded) with the data of four rows.
fn png_16bit_rgba_10000() -> Vec<u8> {
    const SIDE: u32 = 10_000;
    let mut header = SIDE.to_be_bytes().to_vec();
    header.extend_from_slice(&SIDE.to_be_bytes());
    header.extend_from_slice(&[16, 6, 0, 0, 0]); // 16 bits, RGBA, deflate, no filter, no interlace
    let row = 1 + SIDE as usize * 8; // the filter byte, then 4 channels × 2 bytes per pixel
    let rows = zlib(&vec![0u8; row * 4]);
    let mut out = PNG_SIGNATURE.to_vec();
    out.extend_from_slice(&png_chunk(b"IHDR", &header));
    out.extend_from_slice(&png_chunk(b"IDAT", &rows));
    out.extend_from_slice(&png_chunk(b"IEND", &[]));
    out
}

/// Attacks memory: a 50 000×50 000 RGB header (7.5 GB decoded) with an empty image stream.
fn png_50000_square() -> Vec<u8> {
    png_bomb(50_000, 50_000)
}

/// Attacks memory: a real small JPEG whose frame header (SOF0) is patched to 50 000×50 000.
fn jpeg_50000_square() -> Vec<u8> {
    let mut jpeg = real_jpeg(50_000, 64, 48);
    let sof = jpeg_frame_header(&jpeg).expect("the encoder writes a frame header");
    jpeg[sof + 5..sof + 7].copy_from_slice(&50_000u16.to_be_bytes()); // height
    jpeg[sof + 7..sof + 9].copy_from_slice(&50_000u16.to_be_bytes()); // width
    jpeg
}

/// Where a JPEG's frame header (`FF C0`/`C1`/`C2`) starts, found by walking the segments (a
/// byte search could hit table data). Its height is at +5, its width at +7.
fn jpeg_frame_header(jpeg: &[u8]) -> Option<usize> {
    let mut at = 2; // after SOI
    while at + 4 <= jpeg.len() {
        if jpeg[at] != 0xFF {
            return None;
        }
        let marker = jpeg[at + 1];
        if matches!(marker, 0xC0..=0xC2) {
            return Some(at);
        }
        if marker == 0xDA {
            return None; // the scan started without a frame header
        }
        let length = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        at += 2 + length;
    }
    None
}

/// A cut upload: a 1600×1200 JPEG (gradients under fine grain), its second half missing. The
/// grain is mild: pure noise would make a JPEG of several megabytes.
fn jpeg_cut_half() -> Vec<u8> {
    let (width, height) = (1600u32, 1200u32);
    let grain = noise(0x0505, width as usize * height as usize * 3);
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        let at = (y as usize * width as usize + x as usize) * 3;
        image::Rgb([
            (x * 200 / width) as u8 + grain[at] / 8,
            (y * 200 / height) as u8 + grain[at + 1] / 8,
            128 + grain[at + 2] / 8,
        ])
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(&picture)
        .expect("encoding a test JPEG");
    first_half(bytes)
}

/// A cut upload: a 640×480 PNG of noise, its second half missing.
fn png_cut_half() -> Vec<u8> {
    first_half(encode_noise(image::ImageFormat::Png, 640, 480, 0x0101))
}

/// A cut upload: a 640×480 lossless WebP of noise, its second half missing.
fn webp_cut_half() -> Vec<u8> {
    first_half(encode_noise(image::ImageFormat::WebP, 640, 480, 0x0202))
}

/// A cut upload: a 640×480 GIF of noise, its second half missing.
fn gif_cut_half() -> Vec<u8> {
    first_half(encode_noise(image::ImageFormat::Gif, 640, 480, 0x0303))
}

/// A cut upload: a 640×480 TIFF of noise, its second half (and its directory) missing.
fn tiff_cut_half() -> Vec<u8> {
    first_half(encode_noise(image::ImageFormat::Tiff, 640, 480, 0x0404))
}

/// An RGB picture of noise in `format`, its channels on six levels (216 colours: a GIF keeps
/// them exactly, without a slow quantiser).
fn encode_noise(format: image::ImageFormat, width: u32, height: u32, seed: u64) -> Vec<u8> {
    let pixels: Vec<u8> = noise(seed, width as usize * height as usize * 3)
        .into_iter()
        .map(|byte| byte / 43 * 51)
        .collect();
    let picture =
        image::RgbImage::from_raw(width, height, pixels).expect("the buffer fits the picture");
    let mut bytes = Vec::new();
    picture
        .write_to(&mut std::io::Cursor::new(&mut bytes), format)
        .unwrap_or_else(|e| panic!("encoding a test {format:?}: {e}"));
    bytes
}

fn first_half(mut bytes: Vec<u8>) -> Vec<u8> {
    bytes.truncate(bytes.len() / 2);
    bytes
}

// ---------------------------------------------------------------------------------------------
// Videos

/// Two seconds of 640×360 H.264 in MP4, its index (`moov`) at the end as ffmpeg writes it
/// without `+faststart`.
fn sample_mp4() -> Vec<u8> {
    generated_video(
        "-f lavfi -i testsrc2=size=640x360:rate=25 -t 2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p",
        "mp4",
    )
}

/// Attacks the prober's first decode: a real Motion-JPEG MOV whose container (`tkhd`, the
/// `stsd` sample entry) and whose JPEG frames (SOF) all declare 16000×16000. Opening it the
/// usual way decodes a first frame of that size (≈ 768 MB) before any check could refuse it.
fn mov_16000_square(patch_container: bool) -> Vec<u8> {
    let mut video = generated_video(
        "-f lavfi -i color=c=gray:size=64x64:rate=5 -t 1 -c:v mjpeg -q:v 5 -pix_fmt yuvj420p",
        "mov",
    );
    let side = 16_000u32;
    // Every SOF0 frame header: FF C0, length, precision, height, width.
    let mut at = 0;
    while let Some(found) = video[at..]
        .windows(5)
        .position(|w| w[0] == 0xFF && w[1] == 0xC0 && w[4] == 8)
    {
        let sof = at + found;
        video[sof + 5..sof + 7].copy_from_slice(&(side as u16).to_be_bytes());
        video[sof + 7..sof + 9].copy_from_slice(&(side as u16).to_be_bytes());
        at = sof + 9;
    }
    if !patch_container {
        return video;
    }
    // tkhd: width and height are its last two 16.16 fields.
    let tkhd = video.windows(4).position(|w| w == b"tkhd").unwrap() - 4;
    let size = u32::from_be_bytes(video[tkhd..tkhd + 4].try_into().unwrap()) as usize;
    let end = tkhd + size;
    video[end - 8..end - 4].copy_from_slice(&(side << 16).to_be_bytes());
    video[end - 4..end].copy_from_slice(&(side << 16).to_be_bytes());
    // stsd: the visual sample entry's 16-bit width and height.
    let stsd = video.windows(4).position(|w| w == b"stsd").unwrap() - 4;
    let entry = stsd + 8 + 8;
    let fields = entry + 8;
    video[fields + 24..fields + 26].copy_from_slice(&(side as u16).to_be_bytes());
    video[fields + 26..fields + 28].copy_from_slice(&(side as u16).to_be_bytes());
    video
}

/// An upload that stopped early: the first 30 % of the MP4, which lacks its index.
fn mp4_cut(video: &[u8]) -> Vec<u8> {
    let moov = video
        .windows(4)
        .position(|w| w == b"moov")
        .unwrap_or(video.len());
    let cut = (video.len() * 3 / 10).min(moov.saturating_sub(4));
    video[..cut].to_vec()
}

/// Attacks the demuxer: a real MP4's first 64 KiB, then 1 MiB of random bytes.
fn mp4_header_random_tail(video: &[u8]) -> Vec<u8> {
    let mut out = video[..video.len().min(64 * KIB)].to_vec();
    out.extend_from_slice(&noise(0x4D50_3400, MIB));
    out
}

// ---------------------------------------------------------------------------------------------
// Polyglots, HTML and text

/// Confuses type detection: a real JPEG with a Word document appended.
fn polyglot_jpeg_zip() -> Vec<u8> {
    let mut out = real_jpeg(17, 640, 480);
    out.extend_from_slice(&minimal_docx());
    out
}

/// Confuses type detection and preview: a PDF header followed by an HTML page with a script.
fn polyglot_pdf_html() -> Vec<u8> {
    b"%PDF-1.4\n<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>polyglot</title>\
      </head><body><script>document.title = document.cookie; alert(document.cookie)</script>\
      <p onclick=\"alert(1)\">\xE6\xAD\xA3\xE6\x96\x87</p></body></html>\n"
        .to_vec()
}

/// Attacks an HTML parser's or sanitiser's stack: `<div>` nested 100 000 deep.
fn html_deep_nesting() -> Vec<u8> {
    let depth = 100_000;
    let mut html = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>深</title></head><body>",
    );
    html.push_str(&"<div>".repeat(depth));
    html.push_str("很深的文字");
    html.push_str(&"</div>".repeat(depth));
    html.push_str("</body></html>\n");
    html.into_bytes()
}

/// Attacks the sanitiser through Markdown: quotes nested 50 000 deep become as many
/// `<blockquote>` elements.
fn markdown_deep_quotes() -> Vec<u8> {
    let mut text = String::from("# 深引用\n\n");
    text.push_str(&"> ".repeat(50_000));
    text.push_str("很深的引用\n");
    text.into_bytes()
}

/// A long article in GBK, as Chinese Windows saves it (about 20 KB).
fn text_gbk_long() -> Vec<u8> {
    let text = chinese_text(20_000);
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable, "every character of the text is in GBK");
    bytes.into_owned()
}

/// A long article in UTF-16LE with its byte order mark (about 20 KB).
fn text_utf16_long() -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in chinese_text(20_000).encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

/// Chinese paragraphs, one a line, about `bytes` bytes in a two-byte encoding.
fn chinese_text(bytes: usize) -> String {
    const SENTENCES: [&str; 4] = [
        "全国职业教育活动周在各地举行，学生们展示了精湛的技能。",
        "老师带领同学们走进企业，了解先进的生产工艺和管理方法。",
        "技能让生活更美好，职业教育为每个人提供人生出彩的机会。",
        "校园开放日吸引了许多家长和市民前来参观体验。",
    ];
    let mut text = String::from("职业教育活动周\n");
    let mut size = 16;
    let mut n = 0;
    while size < bytes {
        n += 1;
        let paragraph = format!("第{n}段：{}\n", SENTENCES[n % SENTENCES.len()]);
        size += paragraph.chars().count() * 2;
        text.push_str(&paragraph);
    }
    text
}

// ---------------------------------------------------------------------------------------------
// Compression

/// A raw deflate stream with what it inflates to: its CRC-32 and size.
struct Deflated {
    data: Vec<u8>,
    crc32: u32,
    size: u64,
}

/// Raw deflate of `prefix`, then `chunk` × `repeats`, then `suffix`, without compressing the
/// whole: `prefix + chunk` and `chunk` are compressed once each, each ending with a full flush
/// (byte-aligned, no reference to earlier data), and the second is repeated. `chunk` must be at
/// least the 32 KiB window. The CRC of the repetition is combined, not computed.
fn deflate_repeated(prefix: &[u8], chunk: &[u8], repeats: u64, suffix: &[u8]) -> Deflated {
    assert!(repeats >= 1 && chunk.len() >= 32 * KIB);
    let mut compress = Compress::new(Compression::best(), false);
    let first = deflate_flush(
        &mut compress,
        &[prefix, chunk].concat(),
        FlushCompress::Full,
    );
    let again = deflate_flush(&mut compress, chunk, FlushCompress::Full);
    let last = if suffix.is_empty() {
        Vec::new()
    } else {
        deflate_flush(&mut compress, suffix, FlushCompress::Sync)
    };
    let repeated = usize::try_from(repeats - 1).expect("a repetition count that fits memory");
    let mut data = Vec::with_capacity(first.len() + again.len() * repeated + last.len() + 2);
    data.extend_from_slice(&first);
    for _ in 0..repeated {
        data.extend_from_slice(&again);
    }
    data.extend_from_slice(&last);
    data.extend_from_slice(&[0x03, 0x00]); // the final block: empty, fixed codes
    let mut crc = Crc::new();
    crc.update(prefix);
    let mut chunk_crc = Crc::new();
    chunk_crc.update(chunk);
    for _ in 0..repeats {
        crc.combine(&chunk_crc);
    }
    crc.update(suffix);
    Deflated {
        data,
        crc32: crc.sum(),
        size: prefix.len() as u64 + chunk.len() as u64 * repeats + suffix.len() as u64,
    }
}

/// Compresses `input` and flushes with `flush`; returns the bytes produced.
fn deflate_flush(compress: &mut Compress, mut input: &[u8], flush: FlushCompress) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() / 64 + 4 * KIB);
    loop {
        if out.capacity() - out.len() < 256 {
            out.reserve(64 * KIB);
        }
        let (read_before, written_before) = (compress.total_in(), out.len());
        let _status = compress
            .compress_vec(input, &mut out, flush)
            .expect("deflating in memory");
        let read = (compress.total_in() - read_before) as usize;
        input = &input[read..];
        // Done when all input is in and the flush did not fill the output.
        if input.is_empty() && out.len() < out.capacity() {
            return out;
        }
        assert!(
            read > 0 || out.len() > written_before,
            "the deflater made no progress"
        );
    }
}

/// A zlib stream of `size` zeros (a multiple of 1 MiB), about `size` / 1000 bytes.
fn zlib_zeros(size: u64) -> Vec<u8> {
    let chunk = MIB as u64;
    assert!(
        size >= chunk && size.is_multiple_of(chunk),
        "{size} is whole MiB"
    );
    let deflated = deflate_repeated(&[], &vec![0u8; MIB], size / chunk, &[]);
    let mut out = vec![0x78, 0xDA]; // deflate, 32 KiB window, best compression
    out.extend_from_slice(&deflated.data);
    // Adler-32 of zeros: the byte sum stays 1, the running sum gains 1 a byte.
    let adler = (((size % 65_521) << 16) | 1) as u32;
    out.extend_from_slice(&adler.to_be_bytes());
    out
}

/// 1 GiB of zeros as a zlib stream (about 1 MB), made once.
fn gib_of_zeros_zlib() -> &'static [u8] {
    static STREAM: OnceLock<Vec<u8>> = OnceLock::new();
    STREAM.get_or_init(|| zlib_zeros(GIB))
}

/// A whole zlib stream of `data` (small inputs).
fn zlib(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(data).expect("compressing in memory");
    encoder.finish().expect("compressing in memory")
}

/// `len` bytes of xorshift noise from `seed`.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = vec![0; len];
    for word in out.chunks_mut(8) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        word.copy_from_slice(&state.to_le_bytes()[..word.len()]);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::io::{Cursor, Read};

    use super::*;

    fn starts_right(file: &HostileFile) -> bool {
        let b = file.bytes.as_slice();
        match file.name {
            "zero-bytes" => b.is_empty(),
            "text-gbk-long" => {
                std::str::from_utf8(b).is_err()
                    && encoding_rs::GB18030
                        .decode_without_bom_handling_and_without_replacement(b)
                        .is_some()
            }
            "text-utf16-long" => b.starts_with(&[0xFF, 0xFE]),
            "html-deep-nesting" => b.starts_with(b"<!DOCTYPE html>"),
            "markdown-deep-quotes" => b.starts_with("# 深引用".as_bytes()),
            "webp-cut-half" => b.starts_with(b"RIFF") && b.get(8..12) == Some(b"WEBP".as_slice()),
            "tiff-cut-half" => b.starts_with(b"II*\0") || b.starts_with(b"MM\0*"),
            "gif-cut-half" => b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a"),
            name if name.starts_with("pdf-") || name == "polyglot-pdf-html" => {
                b.starts_with(b"%PDF-") && (name.starts_with("polyglot") || b.ends_with(b"%%EOF\n"))
            }
            name if name.starts_with("docx-") => b.starts_with(b"PK\x03\x04"),
            name if name.starts_with("png-") => b.starts_with(PNG_SIGNATURE),
            name if name.starts_with("jpeg-") || name == "polyglot-jpeg-zip" => {
                b.starts_with(&[0xFF, 0xD8, 0xFF])
            }
            name if name.starts_with("mp4-") || name.starts_with("mov-") => {
                b.get(4..8) == Some(b"ftyp".as_slice())
            }
            _ => false,
        }
    }

    #[test]
    fn every_case_is_named_once_starts_with_its_signature_and_is_small() {
        let files = hostile_files();
        let mut names = HashSet::new();
        for file in &files {
            assert!(names.insert(file.name), "{} twice", file.name);
            assert!(starts_right(file), "{file:?} does not start as it should");
            assert!(file.bytes.len() < 2 * MIB, "{file:?} is too big");
            assert!(file.file_name.contains('.'), "{file:?} has no extension");
        }
        assert_eq!(files.len(), 28);
    }

    #[test]
    fn repeated_deflate_inflates_to_the_repetition() {
        let chunk = "<w:p><w:r><w:t>重复</w:t></w:r></w:p>".repeat(2000);
        let deflated = deflate_repeated(b"<head>", chunk.as_bytes(), 5, b"</tail>");
        let mut inflated = Vec::new();
        flate2::read::DeflateDecoder::new(deflated.data.as_slice())
            .read_to_end(&mut inflated)
            .unwrap();
        let expected = [
            b"<head>".as_slice(),
            chunk.repeat(5).as_bytes(),
            b"</tail>".as_slice(),
        ]
        .concat();
        assert!(inflated == expected, "the inflated text differs");
        assert_eq!(deflated.size, expected.len() as u64);
        let mut crc = Crc::new();
        crc.update(&expected);
        assert_eq!(deflated.crc32, crc.sum());
    }

    #[test]
    fn zlib_zeros_is_a_valid_zlib_stream() {
        let stream = zlib_zeros(4 * MIB as u64);
        let mut inflated = Vec::new();
        // The decoder checks the Adler-32 at the end.
        flate2::read::ZlibDecoder::new(stream.as_slice())
            .read_to_end(&mut inflated)
            .unwrap();
        assert_eq!(inflated.len(), 4 * MIB);
        assert!(inflated.iter().all(|&b| b == 0));
        assert!(stream.len() < 8 * KIB, "{} bytes", stream.len());
    }

    #[test]
    fn word_documents_open_with_the_zip_crate() {
        let mut shared = zip::ZipArchive::new(Cursor::new(docx_shared_entry())).unwrap();
        let mut rels = String::new();
        shared
            .by_name("word/_rels/document.xml.rels")
            .unwrap()
            .read_to_string(&mut rels)
            .unwrap();
        assert_eq!(rels.matches("media/big.bin").count(), 10);
        assert_eq!(rels.matches("media/image1.png").count(), 10);
        let mut document = String::new();
        shared
            .by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut document)
            .unwrap();
        assert!(document.contains(r#"<a:blip r:embed="rId20"/>"#));
        let mut png = Vec::new();
        shared
            .by_name("word/media/image1.png")
            .unwrap()
            .read_to_end(&mut png)
            .unwrap();
        let picture = image::load_from_memory(&png).unwrap();
        assert_eq!((picture.width(), picture.height()), (64, 64));
        assert_eq!(
            shared.by_name("word/media/big.bin").unwrap().size(),
            48 * MIB as u64
        );

        let mut huge = zip::ZipArchive::new(Cursor::new(docx_declared_huge())).unwrap();
        let declared = huge.by_name("word/document.xml").unwrap().size();
        assert!(declared > 199 * MIB as u64, "{declared}");

        let many = zip::ZipArchive::new(Cursor::new(docx_many_entries())).unwrap();
        assert_eq!(many.len(), 20_004);

        let mut small = zip::ZipArchive::new(Cursor::new(minimal_docx())).unwrap();
        let mut text = String::new();
        small
            .by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert!(text.contains("职业教育活动周"));
    }

    /// Every chunk's CRC is right; returns the chunk types in order.
    fn png_chunk_types(png: &[u8]) -> Vec<[u8; 4]> {
        assert!(png.starts_with(PNG_SIGNATURE));
        let mut at = 8;
        let mut types = Vec::new();
        while at + 12 <= png.len() {
            let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
            let kind: [u8; 4] = png[at + 4..at + 8].try_into().unwrap();
            let stored = u32::from_be_bytes(png[at + 8 + len..at + 12 + len].try_into().unwrap());
            let mut crc = Crc::new();
            crc.update(&png[at + 4..at + 8 + len]);
            assert_eq!(crc.sum(), stored, "{}", String::from_utf8_lossy(&kind));
            types.push(kind);
            at += 12 + len;
        }
        assert_eq!(at, png.len(), "no bytes after the last chunk");
        types
    }

    #[test]
    fn png_bombs_are_well_formed() {
        let iccp = png_chunk_types(&png_iccp_bomb());
        assert_eq!(&iccp[..2], &[*b"IHDR", *b"iCCP"]);
        assert_eq!(iccp.last(), Some(b"IEND"));
        let ztxt = png_chunk_types(&png_ztxt_bomb());
        assert_eq!(&ztxt[..2], &[*b"IHDR", *b"zTXt"]);
        assert_eq!(
            png_chunk_types(&png_16bit_rgba_10000()),
            [*b"IHDR", *b"IDAT", *b"IEND"]
        );
    }

    #[test]
    fn the_patched_jpeg_declares_50000_square() {
        let jpeg = jpeg_50000_square();
        let sof = jpeg_frame_header(&jpeg).unwrap();
        assert_eq!(u16::from_be_bytes([jpeg[sof + 5], jpeg[sof + 6]]), 50_000);
        assert_eq!(u16::from_be_bytes([jpeg[sof + 7], jpeg[sof + 8]]), 50_000);
    }

    /// The offset after the last `startxref`.
    fn startxref(pdf: &[u8]) -> usize {
        let key = b"startxref\n";
        let at = pdf.windows(key.len()).rposition(|w| w == key).unwrap() + key.len();
        let digits: Vec<u8> = pdf[at..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .copied()
            .collect();
        std::str::from_utf8(&digits).unwrap().parse().unwrap()
    }

    /// The objects a cross-reference table or stream lists are where it says.
    #[test]
    fn pdf_cross_references_point_at_their_objects() {
        for (pdf, objects) in [
            (pdf_deep_arrays(), 6),
            (pdf_deep_dicts(), 6),
            (pdf_flate_bomb(), 5),
        ] {
            let xref_at = startxref(&pdf);
            let table = std::str::from_utf8(&pdf[xref_at..]).unwrap();
            assert!(table.starts_with("xref\n"));
            let rows: Vec<&str> = table
                .lines()
                .skip(3)
                .take_while(|row| row.ends_with(" n "))
                .collect();
            assert_eq!(rows.len(), objects);
            for (number, row) in (1..).zip(rows) {
                let offset: usize = row[..10].parse().unwrap();
                assert!(pdf[offset..].starts_with(format!("{number} 0 obj\n").as_bytes()));
            }
        }
        let pdf = pdf_objstm_deep();
        let xref_at = startxref(&pdf);
        assert!(pdf[xref_at..].starts_with(b"8 0 obj\n<< /Length 63 /Type /XRef"));
        // Object 6, the object stream, is where its row (the 7th) says.
        let table_at = xref_at
            + pdf[xref_at..]
                .windows(7)
                .position(|w| w == b"stream\n")
                .unwrap()
            + 7;
        let row = &pdf[table_at + 6 * 7..table_at + 7 * 7];
        assert_eq!(row[0], 1);
        let offset = u32::from_be_bytes([row[1], row[2], row[3], row[4]]) as usize;
        assert!(pdf[offset..].starts_with(b"6 0 obj\n<< /Length"));
        assert_eq!(
            &pdf[table_at + 7 * 7..table_at + 8 * 7],
            &[2u8, 0, 0, 0, 6, 0, 0]
        );
    }

    #[test]
    fn texts_decode_to_chinese() {
        let gbk = text_gbk_long();
        let (text, _, bad) = encoding_rs::GBK.decode(&gbk);
        assert!(!bad);
        assert!(text.contains("职业教育"));
        assert!((15_000..30_000).contains(&gbk.len()), "{}", gbk.len());
        let utf16 = text_utf16_long();
        let (text, _, bad) = encoding_rs::UTF_16LE.decode(&utf16);
        assert!(!bad);
        assert!(text.contains("职业教育"));
    }
}

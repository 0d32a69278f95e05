//! The guard's tests, and PDFs made for them (also used by the PDF reader's tests).

use std::io::Write;
use std::time::{Duration, Instant};

use flate2::write::ZlibEncoder;
use flate2::{Compress, Compression, FlushCompress};

use super::*;

/// A whole PDF of `objects` (numbered from 1, the first the catalog) with a correct
/// cross-reference table.
pub(crate) fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    pdf_with_trailer(objects, "")
}

/// [`pdf`], with `trailer` (`/Encrypt 6 0 R /ID [<…> <…>]`) added to the trailer dictionary.
pub(crate) fn pdf_with_trailer(objects: &[Vec<u8>], trailer: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref_at = out.len();
    let size = objects.len() + 1;
    out.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {size} /Root 1 0 R {trailer} >>\nstartxref\n{xref_at}\n%%EOF\n")
            .as_bytes(),
    );
    out
}

/// A stream object's body: its dictionary (`/Length` and `dictionary`) and `data`.
pub(crate) fn stream_object(dictionary: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dictionary} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

pub(crate) fn zlib(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// `mib` mebibytes of zeros as raw deflate blocks (not the last), and the last, empty
/// block: one mebibyte is compressed and fully flushed (so its compressed bytes stand
/// alone) and those bytes are repeated; the zeros are never held. 1 GiB takes about 1 MB.
fn zeros_deflate(mib: u64) -> (Vec<u8>, Vec<u8>) {
    let zeros = vec![0u8; 1 << 20];
    let mut compress = Compress::new(Compression::best(), false);
    let mut block = Vec::with_capacity(256 << 10);
    compress
        .compress_vec(&zeros, &mut block, FlushCompress::Full)
        .unwrap();
    assert_eq!(
        compress.total_in(),
        1 << 20,
        "the whole mebibyte compressed"
    );
    let mut last = Vec::with_capacity(1 << 10);
    compress
        .compress_vec(&[], &mut last, FlushCompress::Finish)
        .unwrap();
    let mut blocks = Vec::with_capacity(block.len() * usize::try_from(mib).unwrap());
    for _ in 0..mib {
        blocks.extend_from_slice(&block);
    }
    (blocks, last)
}

/// A zlib stream of `mib` mebibytes of zeros (see `zeros_deflate`).
pub(crate) fn zlib_zeros(mib: u64) -> Vec<u8> {
    let (blocks, last) = zeros_deflate(mib);
    let mut out = vec![0x78, 0x9C];
    out.extend_from_slice(&blocks);
    out.extend_from_slice(&last);
    // Adler-32 of zeros: a stays 1, b adds 1 a byte.
    let adler = (((mib << 20) % 65521) << 16) | 1;
    out.extend_from_slice(&u32::try_from(adler).unwrap().to_be_bytes());
    out
}

/// ASCII85 (`~>` at the end), as PDF writers encode it.
fn ascii85(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for chunk in data.chunks(4) {
        let mut group = [0u8; 4];
        group[..chunk.len()].copy_from_slice(chunk);
        let mut value = u32::from_be_bytes(group);
        if chunk.len() == 4 && value == 0 {
            out.push(b'z');
            continue;
        }
        let mut digits = [0u8; 5];
        for digit in digits.iter_mut().rev() {
            *digit = u8::try_from(value % 85).unwrap() + b'!';
            value /= 85;
        }
        out.extend_from_slice(&digits[..chunk.len() + 1]);
    }
    out.extend_from_slice(b"~>");
    out
}

fn limits() -> ArticleLimits {
    ArticleLimits::default()
}

fn catalog() -> Vec<u8> {
    b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()
}

/// The reason of a refusal, which must be `article-corrupt` (`corrupt`) or
/// `article-too-large`.
fn refusal<T>(result: Result<T, MediaError>, corrupt: bool) -> String {
    match (result.map(|_| ()), corrupt) {
        (Err(MediaError::ArticleCorrupt(reason)), true)
        | (Err(MediaError::ArticleTooLarge(reason)), false) => reason,
        (other, _) => panic!("unexpected outcome: {other:?}"),
    }
}

pub(crate) fn nested(open: &str, close: &str, depth: usize) -> Vec<u8> {
    let mut out = open.repeat(depth);
    out.push_str(&close.repeat(depth));
    out.into_bytes()
}

/// A small one-page PDF, as writers make them: catalog, pages, page, font, and a
/// compressed content stream.
pub(crate) fn small_pdf(text: &str) -> Vec<u8> {
    let content = format!("BT /F1 24 Tf 72 720 Td ({text}) Tj ET");
    pdf(&[
        catalog(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] \
          /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        stream_object("/Filter /FlateDecode", &zlib(content.as_bytes())),
    ])
}

#[test]
fn a_normal_small_pdf_passes() {
    check(&small_pdf("Hello, world"), &limits()).unwrap();
    // Uncompressed content, ASCII85 over Flate, nested arrays and dictionaries.
    let content = b"BT /F1 12 Tf [(A) -120 (B)] TJ ET /Span <</MCID 0>> BDC EMC";
    let file = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R /Names << /Dests << /Kids [[1 [2 [3]]]] >> >> >>".to_vec(),
        stream_object("", content),
        stream_object(
            "/Filter [/ASCII85Decode /FlateDecode]",
            &ascii85(&zlib(content)),
        ),
    ]);
    check(&file, &limits()).unwrap();
}

#[test]
fn nesting_up_to_the_cap_passes_and_one_more_level_is_refused() {
    let limits = ArticleLimits {
        max_pdf_depth: 16,
        ..limits()
    };
    check(&pdf(&[catalog(), nested("[", "]", 16)]), &limits).unwrap();
    check(&pdf(&[catalog(), nested("<< /A ", " >>", 16)]), &limits).unwrap();
    let reason = refusal(
        check(&pdf(&[catalog(), nested("[", "]", 17)]), &limits),
        true,
    );
    assert!(reason.contains("16 levels"), "{reason}");
    assert!(reason.contains("articles.max_pdf_depth"), "{reason}");
}

#[test]
fn arrays_nested_a_hundred_thousand_deep_are_refused_quickly() {
    let started = Instant::now();
    let file = pdf(&[catalog(), nested("[", "]", 100_000)]);
    let reason = refusal(check(&file, &limits()), true);
    assert_eq!(
        reason,
        "the PDF nests arrays or dictionaries deeper than 256 levels (articles.max_pdf_depth)"
    );
    let file = pdf(&[catalog(), nested("<< /A ", " >>", 100_000)]);
    refusal(check(&file, &limits()), true);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn nesting_hidden_in_a_compressed_object_stream_is_refused() {
    let header = b"3 0 ";
    let mut objects = header.to_vec();
    objects.extend_from_slice(&nested("[", "]", 100_000));
    let object_stream = stream_object(
        &format!(
            "/Type /ObjStm /N 1 /First {} /Filter /FlateDecode",
            header.len()
        ),
        &zlib(&objects),
    );
    let file = pdf(&[catalog(), object_stream]);
    let reason = refusal(check(&file, &limits()), true);
    assert!(reason.contains("articles.max_pdf_depth"), "{reason}");
    // Written with escapes in the names, it is the same object stream to lopdf.
    let escaped = stream_object(
        &format!(
            "/Type /Obj#53tm /N 1 /First {} /Filter /Flate#44ecode",
            header.len()
        ),
        &zlib(&objects),
    );
    refusal(check(&pdf(&[catalog(), escaped]), &limits()), true);
}

#[test]
fn nesting_in_a_compressed_content_stream_is_refused() {
    let mut content = b"BT ".to_vec();
    content.extend_from_slice(&nested("[", "]", 1_000));
    content.extend_from_slice(b" TJ ET");
    let file = pdf(&[
        catalog(),
        stream_object("/Filter /FlateDecode", &zlib(&content)),
    ]);
    refusal(check(&file, &limits()), true);
}

#[test]
fn brackets_in_strings_and_comments_do_not_nest() {
    let brackets = "[".repeat(1_000);
    let dicts = "<<".repeat(1_000);
    let object = format!(
        "<< /Title ({brackets} \\) still the string \\( {dicts} (nested {brackets}) ) \
         /Hex <5b5b5b5b> /A [1 2 [3]] >>\n% {brackets}\n"
    );
    let content = format!("BT ({brackets}\\)) Tj ET % {brackets}\n");
    let file = pdf(&[
        catalog(),
        object.into_bytes(),
        stream_object("", content.as_bytes()),
        stream_object("/Filter /FlateDecode", &zlib(content.as_bytes())),
    ]);
    check(&file, &limits()).unwrap();
}

#[test]
fn binary_stream_data_is_not_syntax() {
    // A JPEG's bytes (never decoded by lopdf) and a compressed font program (decoded, but
    // binary from its first bytes): brackets in them are no nesting.
    let mut jpeg = b"\xFF\xD8\xFF\xE0".to_vec();
    jpeg.extend_from_slice(&b"[".repeat(1_000));
    let mut font = vec![0u8, 1, 0, 0];
    font.extend_from_slice(&b"<<".repeat(1_000));
    let file = pdf(&[
        catalog(),
        stream_object(
            "/Type /XObject /Subtype /Image /Width 8 /Height 8 /Filter /DCTDecode",
            &jpeg,
        ),
        stream_object("/Length1 2004 /Filter /FlateDecode", &zlib(&font)),
    ]);
    check(&file, &limits()).unwrap();
}

#[test]
fn a_flate_bomb_is_refused_naming_the_cap() {
    let bomb = zlib_zeros(1 << 10);
    assert!(
        bomb.len() < 2 << 20,
        "1 GiB of zeros in {} bytes",
        bomb.len()
    );
    let file = pdf(&[catalog(), stream_object("/Filter /FlateDecode", &bomb)]);
    let started = Instant::now();
    let reason = refusal(check(&file, &limits()), false);
    assert_eq!(
        reason,
        format!(
            "the PDF's compressed streams inflate to more than {} bytes in all (articles.max_pdf_inflated)",
            256u64 << 20
        )
    );
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn the_inflated_budget_is_for_the_whole_document() {
    let small = ArticleLimits {
        max_pdf_inflated_bytes: 8 << 20,
        ..limits()
    };
    let six = zlib_zeros(6);
    let one = pdf(&[catalog(), stream_object("/Filter /FlateDecode", &six)]);
    check(&one, &small).unwrap();
    let two = pdf(&[
        catalog(),
        stream_object("/Filter /FlateDecode", &six),
        stream_object("/Filter /FlateDecode", &six),
    ]);
    let reason = refusal(check(&two, &small), false);
    assert!(reason.contains(&(8u64 << 20).to_string()), "{reason}");
}

#[test]
fn bombs_behind_other_filters_are_counted() {
    let small = ArticleLimits {
        max_pdf_inflated_bytes: 8 << 20,
        ..limits()
    };
    let bomb = zlib_zeros(32);
    let twice = pdf(&[
        catalog(),
        stream_object("/Filter [/FlateDecode /FlateDecode]", &zlib(&bomb)),
    ]);
    refusal(check(&twice, &small), false);
    let ascii = pdf(&[
        catalog(),
        stream_object("/Filter [/ASCII85Decode /FlateDecode]", &ascii85(&bomb)),
    ]);
    refusal(check(&ascii, &small), false);
    let abbreviated = pdf(&[catalog(), stream_object("/Filter /Fl", &bomb)]);
    refusal(check(&abbreviated, &small), false);
    // lopdf may take a stream's length from an indirect object, past an `endstream` in
    // its data (here in a stored block): the data is decoded to its end all the same.
    let (blocks, last) = zeros_deflate(32);
    let text = b"\nendstream\nendobj\n";
    let stored = u16::try_from(text.len()).unwrap();
    let mut data = vec![0x78, 0x9C, 0x00];
    data.extend_from_slice(&stored.to_le_bytes());
    data.extend_from_slice(&(!stored).to_le_bytes());
    data.extend_from_slice(text);
    data.extend_from_slice(&blocks);
    data.extend_from_slice(&last);
    data.extend_from_slice(&[0; 4]);
    let mut object = b"<< /Filter /FlateDecode /Length 3 0 R >>\nstream\n".to_vec();
    object.extend_from_slice(&data);
    object.extend_from_slice(b"\nendstream");
    let file = pdf(&[catalog(), object, data.len().to_string().into_bytes()]);
    refusal(check(&file, &small), false);
}

#[test]
fn a_broken_compressed_stream_is_not_fatal() {
    let mut broken = zlib(b"BT (some text) Tj ET");
    broken.truncate(broken.len() / 2);
    let file = pdf(&[
        catalog(),
        stream_object("/Filter /FlateDecode", &broken),
        stream_object("/Filter /FlateDecode", b"not zlib at all"),
    ]);
    check(&file, &limits()).unwrap();
}

#[test]
fn too_many_objects_are_refused_naming_the_cap() {
    let objects: Vec<Vec<u8>> = (0..10).map(|i| format!("{i}").into_bytes()).collect();
    let file = pdf(&objects);
    let capped = |max_pdf_objects| ArticleLimits {
        max_pdf_objects,
        ..limits()
    };
    check(&file, &capped(10)).unwrap();
    let reason = refusal(check(&file, &capped(9)), false);
    assert_eq!(
        reason,
        "the PDF has more than 9 objects (articles.max_pdf_objects)"
    );
    // Objects inside an object stream count too: lopdf parses one per pair of numbers in
    // its header, whatever /N says.
    let header: String = (0..20).map(|i| format!("{} {} ", i + 10, i * 2)).collect();
    let mut content = header.clone().into_bytes();
    content.extend_from_slice(&b"1 ".repeat(20));
    let object_stream = stream_object(
        &format!(
            "/Type /ObjStm /N 1 /First {} /Filter /FlateDecode",
            header.len()
        ),
        &zlib(&content),
    );
    let file = pdf(&[catalog(), object_stream]);
    refusal(check(&file, &capped(10)), false);
    check(&file, &capped(30)).unwrap();
}

#[test]
fn two_objects_at_one_offset_are_refused() {
    let head = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
    let xref_at = head.len();
    let file = |entries: &str| {
        let mut out = head.to_vec();
        out.extend_from_slice(entries.as_bytes());
        out.extend_from_slice(
            format!("trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n").as_bytes(),
        );
        out
    };
    let twice = file("xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000009 00000 n \n");
    refusal(check(&twice, &limits()), true);
    // One object listed again at its offset (a later revision's table) is fine.
    let again = file(
        "xref\n0 2\n0000000000 65535 f \n0000000009 00000 n \nxref\n1 1\n0000000009 00000 n \n",
    );
    check(&again, &limits()).unwrap();
}

/// Bytes that look like ciphertext (an encrypted document's streams): a fixed pseudo-random
/// sequence, so the tests do not depend on luck.
pub(crate) fn noise(len: usize, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[1]
        })
        .collect()
}

#[test]
fn encrypted_streams_that_do_not_inflate_pass() {
    // An encrypted document's streams are ciphertext here: they do not inflate, which is no
    // refusal; their content is checked once decrypted (`Tally::decrypted_stream`).
    let file = pdf(&[
        catalog(),
        stream_object("/Filter /FlateDecode", &noise(10_000, 1)),
        stream_object(
            "/Type /ObjStm /N 3 /First 12 /Filter /FlateDecode",
            &noise(5_000, 2),
        ),
        stream_object("", &noise(5_000, 3)),
        stream_object("/Filter [/ASCII85Decode /FlateDecode]", &noise(5_000, 4)),
    ]);
    check(&file, &limits()).unwrap();
}

fn dictionary(entries: &[(&str, pdf_extract::Object)]) -> pdf_extract::Dictionary {
    let mut dictionary = pdf_extract::Dictionary::new();
    for (key, value) in entries {
        dictionary.set(*key, value.clone());
    }
    dictionary
}

fn name(name: &str) -> pdf_extract::Object {
    pdf_extract::Object::Name(name.as_bytes().to_vec())
}

#[test]
fn decrypted_streams_are_held_to_the_same_caps() {
    let small = ArticleLimits {
        max_pdf_inflated_bytes: 8 << 20,
        max_pdf_depth: 16,
        max_pdf_objects: 10,
        ..limits()
    };
    let file = pdf(&[catalog()]);
    let flate = dictionary(&[("Filter", name("FlateDecode"))]);
    // A flate bomb, once decrypted.
    let mut tally = check(&file, &small).unwrap();
    tally
        .decrypted_stream(&flate, &zlib(b"BT (fine) Tj ET"))
        .unwrap();
    let reason = refusal(tally.decrypted_stream(&flate, &zlib_zeros(9)), false);
    assert!(reason.contains("articles.max_pdf_inflated"), "{reason}");
    // Deep nesting in a decrypted content stream, and in an object stream.
    let mut tally = check(&file, &small).unwrap();
    refusal(
        tally.decrypted_stream(&flate, &zlib(&nested("[", "]", 17))),
        true,
    );
    let header = b"3 0 ";
    let mut objects = header.to_vec();
    objects.extend_from_slice(&nested("[", "]", 17));
    let object_stream = dictionary(&[
        ("Type", name("ObjStm")),
        ("N", pdf_extract::Object::Integer(1)),
        ("First", pdf_extract::Object::Integer(4)),
    ]);
    refusal(tally.decrypted_stream(&object_stream, &objects), true);
    // The objects a decrypted object stream lists beyond its /N (counted by the file scan).
    let mut tally = check(&file, &small).unwrap();
    let header: String = (0..20).map(|i| format!("{} {} ", i + 10, i * 2)).collect();
    let mut content = header.clone().into_bytes();
    content.extend_from_slice(&b"1 ".repeat(20));
    let object_stream = dictionary(&[
        ("Type", name("ObjStm")),
        ("N", pdf_extract::Object::Integer(1)),
        (
            "First",
            pdf_extract::Object::Integer(i64::try_from(header.len()).unwrap()),
        ),
        ("Filter", name("FlateDecode")),
    ]);
    let reason = refusal(
        tally.decrypted_stream(&object_stream, &zlib(&content)),
        false,
    );
    assert!(reason.contains("articles.max_pdf_objects"), "{reason}");
}

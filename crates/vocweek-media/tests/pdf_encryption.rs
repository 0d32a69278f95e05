//! Encrypted PDFs as a real writer makes them: a plain PDF made here is encrypted by qpdf
//! (AES-128, AES-256, RC4; with and without object streams), then read through the crate's
//! public API. One with only an owner password (editing restricted, opened by any reader with
//! the empty user password) gives its text; one that needs a user password is refused with
//! `article-password-protected`.
//!
//! Needs the `qpdf` command (Debian: `apt-get install qpdf`); the test scripts install it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

use vocweek_media::MediaError;
use vocweek_media::article::{ArticleLimits, process_article};

/// A whole PDF of `objects` (numbered from 1, the first the catalog).
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
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
        format!("trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n")
            .as_bytes(),
    );
    out
}

fn stream(dictionary: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dictionary} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

fn page(font: &str, content: &str, more: &[Vec<u8>]) -> Vec<u8> {
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
          /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>"
            .to_vec(),
        font.as_bytes().to_vec(),
        stream("", content.as_bytes()),
    ];
    objects.extend_from_slice(more);
    pdf(&objects)
}

fn latin() -> Vec<u8> {
    page(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        "BT /F1 24 Tf 72 720 Td (Hello encrypted world) Tj ET",
        &[],
    )
}

/// STSong-Light with UniGB-UCS2-H, not embedded, as Chinese writers make them.
fn chinese() -> Vec<u8> {
    let codes: String = "职业教育活动周"
        .encode_utf16()
        .map(|unit| format!("{unit:04X}"))
        .collect();
    page(
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H \
         /DescendantFonts [6 0 R] >>",
        &format!("BT /F1 12 Tf 72 720 Td <{codes}> Tj ET"),
        &[
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light \
              /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> \
              /FontDescriptor 7 0 R /DW 1000 >>"
                .to_vec(),
            b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 \
              /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 \
              /CapHeight 880 /StemV 93 >>"
                .to_vec(),
        ],
    )
}

/// A directory of its own for one test, removed afterwards.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "vocweek-pdf-encryption-{}-{name}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `plain` as `qpdf <options> in.pdf out.pdf` writes it.
fn qpdf(name: &str, options: &[&str], plain: &[u8]) -> Vec<u8> {
    let scratch = Scratch::new(name);
    let input = scratch.0.join("in.pdf");
    let output = scratch.0.join("out.pdf");
    std::fs::write(&input, plain).unwrap();
    let run = Command::new("qpdf")
        .args(options)
        .arg(input)
        .arg(&output)
        .output()
        .unwrap_or_else(|e| panic!("qpdf is needed for this test (apt-get install qpdf): {e}"));
    // 3: succeeded with warnings.
    assert!(
        matches!(run.status.code(), Some(0 | 3)),
        "qpdf {options:?}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    std::fs::read(output).unwrap()
}

fn text(file: &[u8]) -> Result<String, MediaError> {
    process_article(file, "application/pdf", &ArticleLimits::default()).map(|out| out.text)
}

fn assert_reads(name: &str, options: &[&str], plain: &[u8], expected: &str) {
    let encrypted = qpdf(name, options, plain);
    assert!(
        encrypted.windows(8).any(|w| w == b"/Encrypt"),
        "{name}: qpdf encrypted it"
    );
    let text = text(&encrypted).unwrap_or_else(|e| panic!("{name}: {e} ({})", e.code()));
    assert!(text.contains(expected), "{name}: {text:?}");
}

#[test]
fn owner_password_aes_128_is_read() {
    assert_reads(
        "aes128",
        &["--encrypt", "", "owner", "128", "--use-aes=y", "--"],
        &latin(),
        "Hello encrypted world",
    );
}

#[test]
fn owner_password_aes_256_is_read() {
    assert_reads(
        "aes256",
        &["--encrypt", "", "owner", "256", "--"],
        &latin(),
        "Hello encrypted world",
    );
}

#[test]
fn owner_password_with_object_streams_is_read() {
    // Object streams are encrypted too; lopdf would lose the objects in them.
    assert_reads(
        "aes128-objstm",
        &[
            "--object-streams=generate",
            "--encrypt",
            "",
            "owner",
            "128",
            "--use-aes=y",
            "--",
        ],
        &latin(),
        "Hello encrypted world",
    );
    assert_reads(
        "aes256-objstm",
        &[
            "--object-streams=generate",
            "--encrypt",
            "",
            "owner",
            "256",
            "--",
        ],
        &latin(),
        "Hello encrypted world",
    );
}

#[test]
fn owner_password_rc4_is_read() {
    assert_reads(
        "rc4-128",
        &["--allow-weak-crypto", "--encrypt", "", "owner", "128", "--"],
        &latin(),
        "Hello encrypted world",
    );
}

#[test]
fn an_encrypted_chinese_pdf_with_a_standard_font_is_read() {
    assert_reads(
        "chinese-aes256",
        &[
            "--object-streams=generate",
            "--encrypt",
            "",
            "owner",
            "256",
            "--",
        ],
        &chinese(),
        "职业教育活动周",
    );
}

#[test]
fn a_user_password_is_refused_as_such() {
    for (name, options) in [
        (
            "user-aes128",
            &["--encrypt", "user", "owner", "128", "--use-aes=y", "--"][..],
        ),
        (
            "user-aes256",
            &["--encrypt", "user", "owner", "256", "--"][..],
        ),
        (
            "user-rc4",
            &[
                "--allow-weak-crypto",
                "--encrypt",
                "user",
                "owner",
                "128",
                "--",
            ][..],
        ),
    ] {
        let encrypted = qpdf(name, options, &latin());
        let refusal = text(&encrypted).unwrap_err();
        assert_eq!(refusal, MediaError::ArticlePasswordProtected, "{name}");
        assert_eq!(refusal.code(), "article-password-protected");
        assert_eq!(
            refusal.to_string(),
            "the PDF needs a password to open; send it without a password"
        );
    }
}

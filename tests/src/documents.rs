//! Real documents for article tests, made by LibreOffice (`soffice --headless --convert-to`)
//! from HTML written here — not hand-built zips.

use std::path::Path;
use std::process::Command;

/// A PNG of `width`×`height` with a pattern chosen by `seed`.
pub fn png(seed: u8, width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x as u8).wrapping_mul(seed),
            (y as u8).wrapping_add(seed),
            seed,
        ])
    });
    let mut bytes = Vec::new();
    picture
        .write_to(
            &mut std::io::Cursor::new(&mut bytes),
            image::ImageFormat::Png,
        )
        .unwrap_or_else(|e| panic!("encoding a test PNG: {e}"));
    bytes
}

/// An HTML page with a heading, paragraphs and, optionally, an embedded PNG (data URI).
pub fn article_html(heading: &str, paragraphs: &[&str], picture: Option<&[u8]>) -> String {
    let mut body = format!("<h1>{heading}</h1>");
    for (i, p) in paragraphs.iter().enumerate() {
        body.push_str(&format!("<p>{p}</p>"));
        if i == 0
            && let Some(png) = picture
        {
            body.push_str(&format!(
                "<p><img src=\"data:image/png;base64,{}\" width=\"320\" height=\"240\"></p>",
                base64(png)
            ));
        }
    }
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{heading}</title></head><body>{body}</body></html>"
    )
}

/// Converts HTML to `docx` or `pdf` with LibreOffice; panics with its output when it fails.
pub fn libreoffice(html: &str, target: &str) -> Vec<u8> {
    let filter = match target {
        "docx" => "docx:MS Word 2007 XML",
        _ => "pdf:writer_pdf_Export",
    };
    libreoffice_convert(
        "article.html",
        html.as_bytes(),
        Some("HTML (StarWriter)"),
        filter,
        target,
    )
}

/// Converts a file (`name`, `bytes`) with `soffice --headless --convert-to filter`, reading it
/// with `infilter` when given, and returns the produced `.extension` file. LibreOffice now and
/// then aborts while it sets up a fresh profile on a loaded machine (a `WrappedTargetRuntimeException`,
/// signal 6, nothing written): that run is tried again, at most three times in all.
pub fn libreoffice_convert(
    name: &str,
    bytes: &[u8],
    infilter: Option<&str>,
    filter: &str,
    extension: &str,
) -> Vec<u8> {
    let mut failures = String::new();
    for _ in 0..3 {
        match convert_once(name, bytes, infilter, filter, extension) {
            Ok(converted) => return converted,
            Err(failure) => failures.push_str(&failure),
        }
    }
    panic!("{failures}");
}

fn convert_once(
    name: &str,
    bytes: &[u8],
    infilter: Option<&str>,
    filter: &str,
    extension: &str,
) -> Result<Vec<u8>, String> {
    let dir = std::env::temp_dir().join(format!("vocweek-lo-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let source = dir.join(name);
    std::fs::write(&source, bytes).unwrap_or_else(|e| panic!("{e}"));
    // A profile per run: LibreOffice locks its profile, so parallel tests need their own.
    let profile = format!(
        "-env:UserInstallation=file://{}",
        dir.join("profile").display()
    );
    let mut command = Command::new("soffice");
    command.args([&profile, "--headless", "--norestore"]);
    if let Some(infilter) = infilter {
        command.arg(format!("--infilter={infilter}"));
    }
    let output = command
        .args(["--convert-to", filter])
        .arg(&source)
        .arg("--outdir")
        .arg(&dir)
        .output()
        .unwrap_or_else(|e| panic!("soffice is not installed (make test installs it): {e}"));
    let stem = Path::new(name)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("out");
    let produced = dir.join(format!("{stem}.{extension}"));
    let converted = std::fs::read(&produced).map_err(|e| {
        format!(
            "LibreOffice made no {}: {e}\n{}{}\n",
            produced.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    remove(&dir);
    converted
}

fn remove(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

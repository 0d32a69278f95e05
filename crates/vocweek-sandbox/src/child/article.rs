//! An article in the child: text, the sanitised HTML preview, facts, and the pictures a Word
//! document carries, each written as a file for the parent to record as a photo asset.

use std::path::Path;

use serde_json::json;
use vocweek_media::MediaError;
use vocweek_media::article::{ArticleLimits, process_article};

use super::output::write_file;
use crate::protocol::{Done, ImageFile, OutputFile};

pub fn run(
    input: &Path,
    out_dir: &Path,
    mime: &str,
    limits: &ArticleLimits,
) -> Result<Done, MediaError> {
    let bytes = super::out_of_memory::read_input(input)?;
    let output = process_article(&bytes, mime, limits)?;
    drop(bytes);
    let mut files = Vec::new();
    for (name, file, mime, content) in [
        (
            "text",
            "text.txt",
            "text/plain; charset=utf-8",
            &output.text,
        ),
        (
            "html",
            "preview.html",
            "text/html; charset=utf-8",
            &output.html,
        ),
    ] {
        write_file(out_dir, file, content.as_bytes())?;
        files.push(OutputFile {
            file: file.to_owned(),
            key: file.to_owned(),
            rendition: Some(name.to_owned()),
            mime: mime.to_owned(),
            width: None,
            height: None,
        });
    }
    let mut images = Vec::new();
    for (index, image) in output.images.iter().enumerate() {
        let file = format!("image-{index:03}");
        write_file(out_dir, &file, &image.bytes)?;
        images.push(ImageFile {
            name: image.name.clone(),
            file,
        });
    }
    Ok(Done::Article {
        first_heading: output.facts.first_heading.clone(),
        facts: json!(output.facts),
        files,
        images,
    })
}

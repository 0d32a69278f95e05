//! A photo in the child: read the header, wait for the parent to admit a decode of that size,
//! then thumbnail, preview, facts and the perceptual hash.

use std::path::Path;

use serde_json::json;
use vocweek_media::MediaError;
use vocweek_media::photo::{Encoded, PhotoSettings, decoded_bytes_needed, process_photo_bytes};

use super::output::{Reporter, write_file};
use crate::protocol::{Done, OutputFile};

pub fn run(
    input: &Path,
    out_dir: &Path,
    settings: &PhotoSettings,
    reporter: &Reporter,
) -> Result<Done, MediaError> {
    let bytes = super::out_of_memory::read_input(input)?;
    let needed = decoded_bytes_needed(&bytes, settings)?;
    reporter.wait_for_admission(needed)?;
    let output = process_photo_bytes(bytes, settings)?;
    let files = vec![
        written(out_dir, "thumb", &output.thumb)?,
        written(out_dir, "preview", &output.preview)?,
    ];
    Ok(Done::Photo {
        captured_at: output.facts.captured_at.clone(),
        facts: json!(output.facts),
        perceptual_hash: output.perceptual_hash,
        files,
    })
}

/// Writes an encoded picture as `<name>.<extension>`, a rendition of that name.
pub fn written(out_dir: &Path, name: &str, encoded: &Encoded) -> Result<OutputFile, MediaError> {
    let file = format!("{name}.{}", encoded.extension);
    write_file(out_dir, &file, &encoded.bytes)?;
    Ok(OutputFile {
        key: file.clone(),
        file,
        rendition: Some(name.to_owned()),
        mime: encoded.mime.to_owned(),
        width: Some(encoded.width),
        height: Some(encoded.height),
    })
}

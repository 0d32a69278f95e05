//! The Ministry export of a recommendation batch: one zip, streamed while it is written (never
//! built in memory), holding the originals (a 典型案例's is its Word document), the photo
//! previews, and the list as Excel and JSON.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::Stream;
use serde_json::json;
use tokio::sync::mpsc;
use vocweek_db::Db;
use vocweek_db::batches::BatchRecord;
use vocweek_domain::{AssetKind, Vocabulary};
use vocweek_storage::{BlobStore, LocalBlob, original_key};
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

/// Why an export could not start.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Database(#[from] vocweek_db::DbError),
    #[error(transparent)]
    Storage(#[from] vocweek_storage::StorageError),
    #[error("building the manifest failed: {0}")]
    Manifest(String),
}

/// The list's columns, as the Ministry's list names them. No hash: the Ministry has no use for
/// one (`manifest.json` keeps each file's BLAKE3 for whoever checks the files). 作者/摄影 and
/// 肖像授权 come last, so the columns readers already know keep their places.
const COLUMNS: [&str; 13] = [
    "序号",
    "标题",
    "类型",
    "报送单位",
    "城市",
    "活动类别",
    "具体活动",
    "主题",
    "活动日期",
    "文件名",
    "说明",
    "作者/摄影",
    "肖像授权",
];

/// Each column's width in Excel's character units (a Chinese character takes about two), so the
/// list opens readable without widening every column by hand.
const WIDTHS: [f64; 13] = [
    6.0, 36.0, 8.0, 28.0, 10.0, 16.0, 22.0, 30.0, 12.0, 40.0, 48.0, 20.0, 10.0,
];

/// One item of the list: its cells under [`COLUMNS`], and its original's BLAKE3 for the JSON.
struct ManifestRow {
    cells: [String; 13],
    blake3: String,
}

struct Entry {
    name: String,
    blob: LocalBlob,
}

/// Starts the export of `batch`; the returned stream yields the zip's bytes as they are written.
pub async fn export_batch(
    db: &Db,
    store: &Arc<dyn BlobStore>,
    vocabulary: &Vocabulary,
    batch: &BatchRecord,
) -> Result<impl Stream<Item = Result<Bytes, std::io::Error>> + use<>, ExportError> {
    let units: HashMap<i32, String> = db
        .units()
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let mut entries = Vec::new();
    let mut rows = Vec::new();
    for (index, item) in batch.items.iter().enumerate() {
        let asset = &item.asset;
        let number = index + 1;
        let stem = format!("{number:03}_{}", safe_name(&asset.title));
        let file = format!(
            "originals/{stem}.{}",
            extension(&asset.mime, &asset.original_filename)
        );
        entries.push(Entry {
            name: file.clone(),
            blob: store.local_copy(&original_key(&asset.blake3)?).await?,
        });
        if let Some(preview) = db.rendition(&asset.id, "preview").await? {
            entries.push(Entry {
                name: format!("previews/{stem}.jpg"),
                blob: store.local_copy(&preview.storage_key).await?,
            });
        }
        let category = asset
            .category
            .as_deref()
            .and_then(|c| vocabulary.category(c));
        // The sub-activity in its category's words; a slug the vocabulary no longer names stays.
        let subcategory = asset
            .subcategory
            .as_deref()
            .map(|slug| {
                category
                    .and_then(|c| c.subcategories.iter().find(|term| term.slug == slug))
                    .map_or_else(|| slug.to_owned(), |term| term.zh.clone())
            })
            .unwrap_or_default();
        let themes: Vec<String> = item
            .themes
            .iter()
            .map(|t| {
                vocabulary
                    .theme(t)
                    .map_or_else(|| t.clone(), |term| term.zh.clone())
            })
            .collect();
        rows.push(ManifestRow {
            cells: [
                number.to_string(),
                asset.title.clone(),
                kind_zh(asset.kind).to_owned(),
                units.get(&asset.unit_id).cloned().unwrap_or_default(),
                vocabulary
                    .city(&asset.city)
                    .map_or_else(|| asset.city.clone(), |c| c.zh.clone()),
                category.map(|c| c.zh.clone()).unwrap_or_default(),
                subcategory,
                themes.join("、"),
                asset.activity_date.to_string(),
                file,
                asset.description.clone(),
                asset.credit.clone(),
                consent_zh(asset.portrait_consent).to_owned(),
            ],
            blake3: asset.blake3.clone(),
        });
    }
    let xlsx = manifest_xlsx(&batch.batch.title, &rows)?;
    let json = serde_json::to_vec_pretty(&json!({
        "batch": { "id": batch.batch.id, "title": batch.batch.title, "note": batch.batch.note, "desk": batch.batch.desk.as_str() },
        "items": rows.iter().map(manifest_entry).collect::<Vec<_>>(),
    }))
    .map_err(|e| ExportError::Manifest(e.to_string()))?;

    let (sender, mut receiver) = mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    tokio::task::spawn_blocking(move || {
        let mut writer = ChannelWriter::new(sender.clone());
        if let Err(err) = write_zip(&mut writer, &xlsx, &json, &entries) {
            // The client sees a cut download rather than a zip that looks whole.
            let _ = sender.blocking_send(Err(std::io::Error::other(err.to_string())));
        }
    });
    Ok(futures_util::stream::poll_fn(move |cx| {
        receiver.poll_recv(cx)
    }))
}

fn write_zip(
    writer: &mut ChannelWriter,
    xlsx: &[u8],
    json: &[u8],
    entries: &[Entry],
) -> zip::result::ZipResult<()> {
    let mut zip = zip::ZipWriter::new_stream(writer);
    // Photos and videos are compressed already: store them as they are, and allow >4 GiB files.
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .large_file(true);
    zip.start_file("清单.xlsx", stored)?;
    zip.write_all(xlsx)?;
    zip.start_file("manifest.json", stored)?;
    zip.write_all(json)?;
    for entry in entries {
        zip.start_file(entry.name.as_str(), stored)?;
        let mut file = std::fs::File::open(entry.blob.path())?;
        std::io::copy(&mut file, &mut zip)?;
    }
    let writer = zip.finish()?;
    writer.into_inner().flush()?;
    Ok(())
}

/// One item of `manifest.json`: the list's columns by name, and the original's BLAKE3.
fn manifest_entry(row: &ManifestRow) -> serde_json::Map<String, serde_json::Value> {
    let mut entry: serde_json::Map<String, serde_json::Value> = COLUMNS
        .iter()
        .zip(row.cells.iter())
        .map(|(column, value)| (column.to_string(), json!(value)))
        .collect();
    entry.insert("BLAKE3".to_owned(), json!(row.blake3));
    entry
}

fn manifest_xlsx(title: &str, rows: &[ManifestRow]) -> Result<Vec<u8>, ExportError> {
    let rows: Vec<Vec<String>> = rows.iter().map(|row| row.cells.to_vec()).collect();
    let table = crate::xlsx::Table {
        sheet_name: "推荐清单",
        title: Some(title),
        headers: &COLUMNS,
        rows: &rows,
        numeric: &[0],
        widths: &WIDTHS,
    };
    crate::xlsx::sized_table_xlsx(&table).map_err(|e| ExportError::Manifest(e.to_string()))
}

/// 肖像授权 as the list says it: 是 when the unit declared the consent, 否 otherwise (an item
/// recommended without it was confirmed by an editor; its history says who).
fn consent_zh(consent: bool) -> &'static str {
    if consent { "是" } else { "否" }
}

fn kind_zh(kind: AssetKind) -> &'static str {
    match kind {
        AssetKind::Photo => "照片",
        AssetKind::Video => "视频",
        AssetKind::Article => "稿件",
        AssetKind::Case => "典型案例",
    }
}

/// A title as a file name: no path separators or characters Windows refuses, at most 60 chars.
fn safe_name(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .take(60)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        "untitled".to_owned()
    } else {
        cleaned.to_owned()
    }
}

fn extension(mime: &str, original: &str) -> String {
    let known = match mime {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "image/gif" => "gif",
        "image/tiff" => "tif",
        "image/heic" | "image/heif" => "heic",
        "image/avif" => "avif",
        "video/mp4" => "mp4",
        "video/quicktime" => "mov",
        "application/pdf" => "pdf",
        "text/plain" => "txt",
        "text/markdown" => "md",
        "text/html" => "html",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_owned();
    }
    original
        .rsplit_once('.')
        .map(|(_, ext)| {
            ext.chars()
                .filter(char::is_ascii_alphanumeric)
                .take(8)
                .collect()
        })
        .filter(|ext: &String| !ext.is_empty())
        .unwrap_or_else(|| "bin".to_owned())
}

/// A `Write` that hands 256 KiB chunks to the HTTP response through a bounded channel: the zip
/// is produced only as fast as the client reads it.
struct ChannelWriter {
    sender: mpsc::Sender<Result<Bytes, std::io::Error>>,
    buffer: Vec<u8>,
}

const CHUNK: usize = 256 * 1024;

impl ChannelWriter {
    fn new(sender: mpsc::Sender<Result<Bytes, std::io::Error>>) -> Self {
        ChannelWriter {
            sender,
            buffer: Vec::with_capacity(CHUNK),
        }
    }

    fn send(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK),
        ));
        self.sender.blocking_send(Ok(chunk)).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away")
        })
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe() {
        assert_eq!(safe_name("开幕式/济南:2021?"), "开幕式_济南_2021_");
        assert_eq!(safe_name("   "), "untitled");
        assert_eq!(extension("image/jpeg", "x.JPG"), "jpg");
        assert_eq!(extension("application/octet-stream", "a.weird"), "weird");
    }
}

//! The writer's own checks: the parts a reader needs, escaped text, pictures where the
//! document says they are, the same bytes for the same document.

use std::io::{Cursor, Read};

use super::*;

fn picture(dir: &std::path::Path, name: &str) -> Picture {
    let path = dir.join(name);
    // The writer copies bytes; it never decodes them.
    std::fs::write(&path, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 0xFF, 0xD9]).unwrap();
    Picture {
        blob: LocalBlob::Stored(path),
        width: 1280,
        height: 960,
    }
}

fn entry(zip: &mut zip::ZipArchive<Cursor<Vec<u8>>>, name: &str) -> String {
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn a_document_has_its_parts_escaped_text_and_pictures() {
    let dir = std::env::temp_dir().join(format!("vocweek-word-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut document = WordDocument::new();
    document.title("产教融合 <典型> & \"案例\"");
    document.paragraphs("第一段\n\n第二段\u{1}含控制字符\u{FFFF}");
    document.table(
        &["姓名", "电话"],
        vec![vec!["张三".into(), "0531-1234 <内线>".into()]],
    );
    assert!(document.picture(picture(&dir, "a.jpg")));
    document.caption("实训车间");
    let bytes = document
        .write(Cursor::new(Vec::new()))
        .unwrap()
        .into_inner();
    let again = document
        .write(Cursor::new(Vec::new()))
        .unwrap()
        .into_inner();
    assert_eq!(bytes, again, "the same document is the same bytes");

    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    assert_eq!(
        zip.by_index(0).unwrap().name().unwrap(),
        "[Content_Types].xml"
    );
    for part in [
        "_rels/.rels",
        "word/document.xml",
        "word/styles.xml",
        "word/_rels/document.xml.rels",
        "word/media/image1.jpeg",
    ] {
        assert!(zip.by_name(part).is_ok(), "{part}");
    }
    let body = entry(&mut zip, "word/document.xml");
    assert!(body.starts_with("<?xml"), "{body}");
    assert!(!body.contains("<典型>") && !body.contains("& \""), "{body}");
    assert!(
        body.contains("第一段") && body.contains("第二段含控制字符"),
        "{body}"
    );
    assert!(!body.contains('\u{1}') && !body.contains('\u{FFFF}'));
    assert!(body.contains("r:embed=\"rIdImage1\""), "{body}");
    assert!(body.contains("<w:pStyle w:val=\"Heading1\"/>"), "{body}");
    let rels = entry(&mut zip, "word/_rels/document.xml.rels");
    assert!(rels.contains("Target=\"media/image1.jpeg\""), "{rels}");
    let types = entry(&mut zip, "[Content_Types].xml");
    assert!(types.contains("Extension=\"jpeg\""), "{types}");
    let styles = entry(&mut zip, "word/styles.xml");
    assert!(styles.contains("w:eastAsia=\"宋体\""), "{styles}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn pictures_stop_at_the_limit_and_fit_eight_centimetres() {
    let dir = std::env::temp_dir().join(format!("vocweek-word-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut document = WordDocument::new();
    for n in 0..MAX_PICTURES {
        assert!(document.picture(picture(&dir, &format!("{n}.jpg"))));
    }
    assert!(!document.has_room_for_pictures());
    assert!(!document.picture(picture(&dir, "over.jpg")));
    assert_eq!(parts::fitted(1280, 960), (2_880_000, 2_160_000));
    assert_eq!(parts::fitted(100, 50), (952_500, 476_250));
    assert_eq!(parts::fitted(0, 0), (2_880_000, 2_160_000));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn text_loses_what_xml_refuses() {
    assert_eq!(xml_text("a\u{0}b\tc\nd\u{FFFE}"), "ab\tc d");
}

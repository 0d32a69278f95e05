//! 每日简报 (issue 19): the Word document an editor downloads for a day of the week — what the
//! daily-reporting units of the desk sent that day by kind and by city (the tracker's count),
//! the units that sent nothing, the items approved or recommended that day (not another day's)
//! with their unit, city, category and credit, and the recommended photos' pictures. An HR
//! editor's brief holds nothing of the education desk; an admin's holds both; a day outside
//! the week is 422 and a unit is refused. On a pinned clock, on every backend.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Cursor, Read};

use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::media::real_jpeg;
use vocweek_tests::{Backend, TestApp, Upload, every_backend, spawn_app};

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

async fn upload(app: &TestApp, token: &str, upload: Upload, title: &str) -> String {
    let id = app
        .upload_id(token, upload.without("title").field("title", title))
        .await;
    app.wait_for_state(token, &id, "pending_review").await;
    id
}

async fn photo(app: &TestApp, token: &str, seed: u64, title: &str) -> String {
    let file = Upload::new(&format!("{seed}.jpg"), real_jpeg(seed, 640, 480))
        .field("credit", "摄影：李四")
        .field("category", "online_showcase")
        .field("portrait_consent", "true");
    upload(app, token, file, title).await
}

/// A day's brief as `token` gets it: the document's text (tags stripped), its tables' rows
/// and how many pictures it embeds.
struct Brief {
    text: String,
    rows: Vec<Vec<String>>,
    pictures: usize,
}

async fn brief(app: &TestApp, token: &str, day: &str) -> Brief {
    let (status, mime, bytes) = app
        .fetch(token, &format!("/api/v1/briefs/{day}.docx"))
        .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(mime, DOCX);
    let mut docx = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let pictures = docx
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .filter(|name| name.starts_with("word/media/"))
        .count();
    let mut xml = String::new();
    docx.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let rows = xml
        .split("<w:tr>")
        .skip(1)
        .map(|row| {
            let row = row.split("</w:tr>").next().unwrap_or_default();
            row.split("<w:tc>").skip(1).map(text_of).collect()
        })
        .collect();
    Brief {
        text: text_of(&xml),
        rows,
        pictures,
    }
}

/// The text of some XML: everything outside tags.
fn text_of(xml: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

impl Brief {
    fn has_row(&self, cells: &[&str]) -> bool {
        self.rows.iter().any(|row| row == cells)
    }

    /// The row whose first cell is `first`.
    fn row(&self, first: &str) -> Option<&Vec<String>> {
        self.rows
            .iter()
            .find(|row| row.first().is_some_and(|c| c == first))
    }
}

async fn a_day_brief_for_each_desk(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, college) = app
        .unit("潍坊职业学院", UnitKind::HigherVocationalCollege, "weifang")
        .await;
    let (_, bureau) = app
        .unit("潍坊市教育局", UnitKind::CityBureau, "weifang")
        .await;
    let _ = app
        .unit("菏泽职业学院", UnitKind::HigherVocationalCollege, "heze")
        .await;
    let (_, hr_bureau) = app
        .unit("淄博市人社局", UnitKind::CityHrBureau, "zibo")
        .await;
    let edu = app.user_session("edu", Role::Editor, Some(Desk::Edu)).await;
    let hr = app.user_session("hr", Role::Editor, Some(Desk::Hr)).await;
    let admin = app.user_session("admin", Role::Admin, None).await;

    // Sent on the 24th (Beijing): two photos and a text from Weifang, a photo from Zibo's HR.
    app.pin_clock("2021-05-24 09:00:00");
    let recommended = photo(&app, &college, 51, "校园开放日合影").await;
    let approved = photo(&app, &college, 52, "实训课堂").await;
    let text = Upload::new("稿件.txt", "潍坊市活动周稿件正文".as_bytes().to_vec());
    let later = upload(&app, &bureau, text, "潍坊市活动周综述").await;
    let hr_photo = photo(&app, &hr_bureau, 53, "技能大赛现场").await;

    // Decided that afternoon; the text is approved only the next day.
    app.pin_clock("2021-05-24 16:00:00");
    app.review(&edu, &approved, "approve").await;
    app.review(&edu, &recommended, "approve").await;
    app.review(&edu, &recommended, "recommend").await;
    app.review(&hr, &hr_photo, "approve").await;
    app.review(&hr, &hr_photo, "recommend").await;
    app.pin_clock("2021-05-25 10:00:00");
    app.review(&edu, &later, "approve").await;

    let day = brief(&app, &edu, "2021-05-24").await;
    assert!(day.text.contains("2021-05-24"), "{}", day.text);
    assert!(day.text.contains("省教育厅职业教育处"), "{}", day.text);
    // 城市, 照片, 视频, 稿件, 典型案例, 合计: the tracker's count of the day.
    assert!(
        day.has_row(&["潍坊", "2", "0", "1", "0", "3"]),
        "{:?}",
        day.rows
    );
    assert!(
        day.has_row(&["合计", "2", "0", "1", "0", "3"]),
        "{:?}",
        day.rows
    );
    assert!(
        day.has_row(&["菏泽职业学院", "高职院校", "菏泽"]),
        "{:?}",
        day.rows
    );
    assert!(
        day.row("潍坊职业学院").is_none(),
        "a unit that sent is not missing"
    );
    let row = day.row("校园开放日合影").unwrap();
    assert_eq!(
        row,
        &[
            "校园开放日合影",
            "照片",
            "潍坊职业学院",
            "潍坊",
            "线上展示活动",
            "摄影：李四",
            "已推荐"
        ]
        .map(str::to_owned)
        .to_vec(),
        "{:?}",
        day.rows
    );
    assert_eq!(day.row("实训课堂").unwrap()[6], "已通过");
    assert!(
        day.row("潍坊市活动周综述").is_none(),
        "decided on the 25th, not the 24th"
    );
    assert_eq!(day.pictures, 1, "the recommended photo's picture");
    assert!(!day.text.contains("技能大赛现场") && !day.text.contains("淄博市人社局"));

    // The next day lists the text approved then; nothing was sent that day.
    let next = brief(&app, &edu, "2021-05-25").await;
    assert_eq!(next.row("潍坊市活动周综述").unwrap()[6], "已通过");
    assert!(next.row("校园开放日合影").is_none());
    assert!(
        next.has_row(&["潍坊职业学院", "高职院校", "潍坊"]),
        "{:?}",
        next.rows
    );

    // The HR desk's brief holds none of the education desk's items or units.
    let hr_day = brief(&app, &hr, "2021-05-24").await;
    assert!(
        hr_day.has_row(&["淄博", "1", "0", "0", "0", "1"]),
        "{:?}",
        hr_day.rows
    );
    assert_eq!(hr_day.row("技能大赛现场").unwrap()[6], "已推荐");
    for edu_thing in [
        "校园开放日合影",
        "实训课堂",
        "潍坊职业学院",
        "菏泽职业学院",
        "潍坊",
    ] {
        assert!(
            !hr_day.text.contains(edu_thing),
            "{edu_thing} in the HR brief"
        );
    }
    assert_eq!(hr_day.pictures, 1);
    // An admin's holds both desks.
    let all = brief(&app, &admin, "2021-05-24").await;
    assert!(all.row("校园开放日合影").is_some() && all.row("技能大赛现场").is_some());
    assert!(
        all.has_row(&["合计", "3", "0", "1", "0", "4"]),
        "{:?}",
        all.rows
    );
    assert_eq!(all.pictures, 2);

    // Days outside the week, a day that is not one, a unit.
    for (path, code) in [
        ("/api/v1/briefs/2021-06-01.docx", "not-a-campaign-day"),
        ("/api/v1/briefs/2021-05-21.docx", "not-a-campaign-day"),
        // The clock says 2021-05-25: the 26th has not come yet.
        ("/api/v1/briefs/2021-05-26.docx", "day-not-yet"),
        ("/api/v1/briefs/tomorrow.docx", "invalid-value"),
    ] {
        let (status, body) = app.get(&edu, path).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (422, Some(code)),
            "{path}: {body}"
        );
    }
    let (status, _) = app.get(&college, "/api/v1/briefs/2021-05-24.docx").await;
    assert_eq!(status, 403, "units read no brief");

    // The tracker and the dashboard link the day's brief.
    let (status, html) = app.page(&edu, "/tracker?day=2021-05-24").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("href=\"/api/v1/briefs/2021-05-24.docx\""),
        "{html}"
    );
    let (_, html) = app.page(&edu, "/dashboard?day=2021-05-24").await;
    assert!(
        html.contains("href=\"/api/v1/briefs/2021-05-24.docx\""),
        "{html}"
    );
    app.stop().await;
}

every_backend!(a_day_brief_for_each_desk);

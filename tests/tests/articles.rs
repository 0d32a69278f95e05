//! Articles end to end, on documents LibreOffice made: text, headings, sanitised HTML,
//! character counts, pictures kept with the article and chosen into the queue by an editor,
//! GBK text, and corrupt files.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use vocweek_domain::UnitKind;
use vocweek_tests::documents::{article_html, libreoffice, png};
use vocweek_tests::{Backend, TestApp, Upload, every_backend, spawn_app};

async fn rendition_text(app: &TestApp, token: &str, asset: &Value, name: &str) -> String {
    let url = asset["renditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no {name} rendition: {asset}"))["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = app
        .client
        .get(app.url(&url))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

async fn a_word_document_becomes_text_and_its_pictures_photos(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit(
            "山东商业职业技术学院",
            UnitKind::HigherVocationalCollege,
            "jinan",
        )
        .await;
    let html = article_html(
        "技能大赛开幕",
        &[
            "全国职业院校技能大赛在济南开幕。",
            "赛项覆盖十九个专业大类。",
        ],
        Some(&png(7, 320, 240)),
    );
    let docx = libreoffice(&html, "docx");
    // No title: the first heading becomes it.
    let upload = Upload::new("开幕报道.docx", docx)
        .without("title")
        .field("category", "national_event")
        .field("themes", "achievements");
    let (status, body) = app.upload(&token, upload).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["kind"], "article");
    assert_eq!(
        body["title"], "开幕报道",
        "the file name stands in at first"
    );
    let id = body["id"].as_str().unwrap();
    let asset = app.wait_for_state(&token, id, "pending_review").await;
    assert_eq!(asset["title"], "技能大赛开幕");
    let article = &asset["metadata"]["article"];
    assert_eq!(article["format"], "docx");
    assert_eq!(article["first_heading"], "技能大赛开幕");
    assert_eq!(article["characters"], 6 + 16 + 12);
    let text = rendition_text(&app, &token, &asset, "text").await;
    assert!(
        text.starts_with("技能大赛开幕\n\n全国职业院校技能大赛在济南开幕。"),
        "{text}"
    );
    let preview = rendition_text(&app, &token, &asset, "html").await;
    assert!(preview.contains("<h1>技能大赛开幕</h1>"), "{preview}");
    assert!(preview.contains("[图 1]"));

    // The picture stays with the article: one upload, one queue item.
    assert_eq!(article["image_assets"], serde_json::json!([]), "{article}");
    let pictures = article["pictures"].as_array().unwrap();
    assert_eq!(pictures.len(), 1, "{article}");
    assert_eq!(pictures[0]["rendition"], "picture-1");
    assert_eq!(pictures[0]["mime"], "image/png");
    assert!(pictures[0]["asset_id"].is_null());
    let (status, _, bytes) = app
        .fetch(&token, &format!("/api/v1/assets/{id}/renditions/picture-1"))
        .await;
    assert_eq!(status, 200);
    assert!(
        bytes.starts_with(b"\x89PNG"),
        "the picture as it was in the document"
    );
    assert_eq!(
        app.count("assets").await,
        1,
        "no photo item until an editor chooses"
    );

    // A unit may not choose; an editor chooses the picture into the queue, once.
    let choose = format!("/api/v1/assets/{id}/pictures/1/choose");
    let (status, _) = app.call(&token, reqwest::Method::POST, &choose, None).await;
    assert_eq!(status, 403);
    let editor = app
        .user_session(
            "picture-editor",
            vocweek_domain::Role::Editor,
            Some(vocweek_domain::Desk::Edu),
        )
        .await;
    let (status, missing) = app
        .call(
            &editor,
            reqwest::Method::POST,
            &format!("/api/v1/assets/{id}/pictures/2/choose"),
            None,
        )
        .await;
    assert_eq!(
        (status, missing["error"]["code"].as_str()),
        (404, Some("not-found"))
    );
    let (status, chosen) = app
        .call(&editor, reqwest::Method::POST, &choose, None)
        .await;
    assert_eq!(status, 200, "{chosen}");
    let photo_id = chosen["asset_id"].as_str().unwrap().to_owned();
    let (_, again) = app
        .call(&editor, reqwest::Method::POST, &choose, None)
        .await;
    assert_eq!(
        again["asset_id"],
        photo_id.as_str(),
        "choosing again answers the same item"
    );
    let photo = app
        .wait_for_state(&token, &photo_id, "pending_review")
        .await;
    assert_eq!(photo["kind"], "photo");
    assert_eq!(photo["metadata"]["article_id"], id);
    assert_eq!(photo["title"], "技能大赛开幕 · 图 1");
    assert_eq!(photo["tags"]["category"], "national_event");
    assert_eq!(photo["tags"]["themes"], serde_json::json!(["achievements"]));
    assert_eq!(photo["renditions"].as_array().map(Vec::len), Some(2));
    let (_, article_now) = app.get(&editor, &format!("/api/v1/assets/{id}")).await;
    assert_eq!(
        article_now["metadata"]["article"]["pictures"][0]["asset_id"],
        photo_id.as_str()
    );
    let (_, history) = app
        .get(&editor, &format!("/api/v1/assets/{id}/audit"))
        .await;
    assert!(
        history.to_string().contains("picture_chosen"),
        "the article's history records the choice: {history}"
    );
    app.stop().await;
}

async fn text_html_and_pdf_articles(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit("潍坊市教育局", UnitKind::CityBureau, "weifang")
        .await;

    let (gbk, _, _) = encoding_rs::GB18030.encode("潍坊职教活动周纪实\n\n学生走进企业参观学习。");
    let (status, body) = app
        .upload(&token, Upload::new("纪实.txt", gbk.into_owned()))
        .await;
    assert_eq!(status, 201, "{body}");
    let asset = app
        .wait_for_state(&token, body["id"].as_str().unwrap(), "pending_review")
        .await;
    assert_eq!(asset["metadata"]["article"]["encoding"], "gb18030");
    let text = rendition_text(&app, &token, &asset, "text").await;
    assert!(
        text.contains("学生走进企业参观学习。"),
        "converted to UTF-8: {text}"
    );

    let page = "<html><body><h2>开放日</h2><p onclick=\"steal()\">欢迎参观</p><script>alert(1)</script><iframe src=\"http://x\"></iframe></body></html>";
    let (_, body) = app
        .upload(&token, Upload::new("page.html", page.as_bytes().to_vec()))
        .await;
    let asset = app
        .wait_for_state(&token, body["id"].as_str().unwrap(), "pending_review")
        .await;
    let preview = rendition_text(&app, &token, &asset, "html").await;
    assert!(preview.contains("欢迎参观"));
    for bad in ["script", "onclick", "iframe", "alert"] {
        assert!(
            !preview.contains(bad),
            "{bad} survived sanitising: {preview}"
        );
    }
    // The unsanitised original is only ever a sandboxed download.
    let id = asset["id"].as_str().unwrap();
    let original = app
        .client
        .get(app.url(&format!("/api/v1/assets/{id}/original")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let headers = original.headers();
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");

    let pdf = libreoffice(
        &article_html(
            "Skills week report",
            &["Students visited 120 enterprises."],
            None,
        ),
        "pdf",
    );
    let (status, body) = app.upload(&token, Upload::new("report.pdf", pdf)).await;
    assert_eq!(status, 201, "{body}");
    let asset = app
        .wait_for_state(&token, body["id"].as_str().unwrap(), "pending_review")
        .await;
    let text = rendition_text(&app, &token, &asset, "text").await;
    assert!(text.contains("Students visited 120 enterprises."), "{text}");
    app.stop().await;
}

async fn a_corrupt_word_document_fails_with_a_code(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit("菏泽职业学院", UnitKind::HigherVocationalCollege, "heze")
        .await;
    let mut docx = libreoffice(&article_html("标题", &["正文"], None), "docx");
    // Cut the archive: its central directory is gone.
    docx.truncate(docx.len() / 2);
    let (status, body) = app.upload(&token, Upload::new("broken.docx", docx)).await;
    assert_eq!(status, 201, "{body}");
    let asset = app
        .wait_for_state(&token, body["id"].as_str().unwrap(), "failed")
        .await;
    assert_eq!(asset["failure"]["code"], "article-corrupt", "{asset}");
    app.stop().await;
}

every_backend!(
    a_word_document_becomes_text_and_its_pictures_photos,
    text_html_and_pdf_articles,
    a_corrupt_word_document_fails_with_a_code,
);

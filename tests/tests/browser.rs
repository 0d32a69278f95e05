//! The web queue in a real browser: headless Chromium driven by playwright-core
//! (`tests/browser/queue.mjs`), against the real app on both databases.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use calamine::{Reader, Xlsx};
use serde_json::json;

use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::documents::{article_html, png};
use vocweek_tests::flaky_network::FlakyNetwork;
use vocweek_tests::media::{generated_video, padded_video, real_jpeg};
use vocweek_tests::smtp_sink::SmtpSink;
use vocweek_tests::{
    AppOptions, Backend, TestApp, Upload, both_databases, spawn_app, spawn_app_with,
};

/// Runs one of `tests/browser/*.mjs` under node; its failure output fails the test. Returns
/// what it printed.
async fn run_script(script: &str, args: &[&str]) -> String {
    run_script_within(script, args, Duration::from_secs(90)).await
}

/// `run_script` for a script that may take up to `limit` (one that walks every page).
async fn run_script_within(script: &str, args: &[&str], limit: Duration) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("browser");
    assert!(
        dir.join("node_modules/playwright-core").is_dir(),
        "playwright-core is not installed: `make test` runs npm ci in tests/browser"
    );
    let run = tokio::process::Command::new("node")
        .arg(dir.join(script))
        .args(args)
        // A script that outlives its limit is ended with the test, not left running.
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(limit, run)
        .await
        .unwrap_or_else(|_| panic!("the browser test took over {} s", limit.as_secs()))
        .expect("node is not installed");
    assert!(
        output.status.success(),
        "{script} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn an_editor_approves_with_the_keyboard(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit(
            "济宁职业技术学院",
            UnitKind::HigherVocationalCollege,
            "jining",
        )
        .await;
    for (seed, title) in [(1, "开幕式现场"), (2, "闭幕式现场")] {
        let upload = Upload::new("p.jpg", real_jpeg(seed, 320, 240)).field("title", title);
        let (_, body) = app.upload(&unit, upload).await;
        app.wait_for_state(&unit, body["id"].as_str().unwrap(), "pending_review")
            .await;
    }
    app.create_editor().await;
    run_script(
        "queue.mjs",
        &[
            app.base_url.as_str(),
            "editor",
            "a long editor password",
            "开幕式现场",
        ],
    )
    .await;
    app.stop().await;
}

/// The item page plays a video's HLS stream through hls.js (npm) with its poster.
async fn an_editor_plays_a_video(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit(
            "日照职业技术学院",
            UnitKind::HigherVocationalCollege,
            "rizhao",
        )
        .await;
    let video = generated_video(
        "-f lavfi -i testsrc2=size=960x540:rate=30 -f lavfi -i sine -t 6 -c:v libx264 -preset ultrafast -c:a aac -shortest",
        "mp4",
    );
    let (_, body) = app.upload(&unit, Upload::new("技能大赛.mp4", video)).await;
    let id = body["id"].as_str().unwrap().to_owned();
    app.wait_for_state_within(&unit, &id, "pending_review", Duration::from_secs(120))
        .await;
    app.create_editor().await;
    run_script(
        "video.mjs",
        &[
            app.base_url.as_str(),
            "editor",
            "a long editor password",
            id.as_str(),
        ],
    )
    .await;
    app.stop().await;
}

/// A live channel watched in the browser while FFmpeg publishes to it: the 观看 page waits for
/// the stream, then hls.js plays it at the live edge with the ladder, the badge and a viewer;
/// once the publisher stops, the replay item plays on its page (and a clip is asked of it).
async fn an_editor_watches_a_channel_live(backend: Backend) {
    let app = spawn_app_with(
        backend,
        AppOptions {
            configure: Some(vocweek_tests::live::ingest_on),
            ..AppOptions::default()
        },
    )
    .await;
    let (unit, _) = app
        .unit(
            "山东商业职业技术学院",
            UnitKind::HigherVocationalCollege,
            "jinan",
        )
        .await;
    app.create_editor().await;
    let editor = app
        .user_session("channels-editor", Role::Editor, Some(Desk::Edu))
        .await;
    let (status, channel) = app
        .call(
            &editor,
            reqwest::Method::POST,
            "/api/v1/channels",
            Some(json!({
                "title": "技能大赛直播",
                "unit_id": unit,
                "scheduled_start": "2026-05-10T01:00:00Z",
            })),
        )
        .await;
    assert_eq!(status, 201, "{channel}");
    let id = channel["id"].as_str().unwrap();
    let url = format!(
        "{}/{}",
        app.rtmp_url.as_deref().unwrap(),
        channel["stream_key"].as_str().unwrap()
    );
    // Long enough for the browser's start, the first segments and a few seconds of play.
    let ffmpeg = vocweek_tests::live::publish(&url, 40);
    run_script(
        "live.mjs",
        &[
            app.base_url.as_str(),
            "editor",
            "a long editor password",
            id,
        ],
    )
    .await;
    // A clean stop: the recording becomes the replay item, which plays on its page.
    let stopped = vocweek_tests::live::exit_status(ffmpeg, Duration::from_secs(60)).await;
    assert!(stopped.success(), "{stopped}");
    let deadline = Instant::now() + Duration::from_secs(60);
    let replay = loop {
        let (_, channel) = app.get(&editor, &format!("/api/v1/channels/{id}")).await;
        if let Some(replay) = channel["event"]["replay_asset_id"].as_str() {
            break replay.to_owned();
        }
        assert!(Instant::now() < deadline, "no replay: {channel}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    run_script(
        "video.mjs",
        &[
            app.base_url.as_str(),
            "editor",
            "a long editor password",
            &replay,
        ],
    )
    .await;
    app.stop().await;
}

/// A batch composed in the browser and exported: the zip the browser downloaded holds the
/// Excel list naming the item, read back with calamine.
async fn an_editor_exports_a_batch_from_the_browser(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit("淄博职业学院", UnitKind::HigherVocationalCollege, "zibo")
        .await;
    let id = app
        .upload_id(
            &unit,
            Upload::new("p.jpg", real_jpeg(7, 640, 480))
                .field("title", "数控车床比赛")
                .field("portrait_consent", "true"),
        )
        .await;
    app.wait_for_state(&unit, &id, "pending_review").await;
    let reviewer = app
        .user_session("reviewer", Role::Editor, Some(Desk::Edu))
        .await;
    let approved = app
        .client
        .post(app.url(&format!("/api/v1/assets/{id}/review")))
        .bearer_auth(&reviewer)
        .json(&serde_json::json!({"action": "approve", "version": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status(), 200);
    app.create_editor().await;
    let zip_path = app.data_dir.join("batch-export.zip");
    run_script(
        "batch.mjs",
        &[
            app.base_url.as_str(),
            "editor",
            "a long editor password",
            id.as_str(),
            "第一批推荐",
            zip_path.to_str().unwrap(),
        ],
    )
    .await;

    let zip = std::fs::File::open(&zip_path).expect("the browser saved no download");
    let mut archive = zip::ZipArchive::new(zip).unwrap();
    let mut xlsx = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name("清单.xlsx").unwrap(), &mut xlsx).unwrap();
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = workbook.worksheet_range("推荐清单").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|row| row.iter().map(|cell| cell.to_string()).collect())
        .collect();
    let item_row = rows
        .iter()
        .find(|row| row.get(1).is_some_and(|title| title == "数控车床比赛"))
        .unwrap_or_else(|| panic!("the item is not in the Excel list: {rows:?}"));
    assert_eq!(item_row[0], "1");
    assert_eq!(item_row[3], "淄博职业学院");
    assert!(archive.by_name("originals/001_数控车床比赛.jpg").is_ok());
    app.stop().await;
}

/// The units' upload page: a 30 MB video sent through a network that cuts the line after 12 MB
/// resumes by itself and ends as one asset with the file's BLAKE3.
async fn a_unit_uploads_through_a_broken_network(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit(
            "东营职业学院",
            UnitKind::HigherVocationalCollege,
            "dongying",
        )
        .await;
    let network = FlakyNetwork::start(app.base_url[7..].parse().unwrap(), 12_000_000)
        .await
        .unwrap();
    let video = app.data_dir.join("决赛回放.mp4");
    let blake3 = padded_video(&video, 30_000_000, 7);
    let fake = app.data_dir.join("报名表.exe");
    std::fs::write(&fake, b"MZ\x90\x00 not really a program, but it says it is").unwrap();
    let printed = run_script(
        "upload.mjs",
        &[
            &format!("http://{}", network.address),
            &token,
            video.to_str().unwrap(),
            fake.to_str().unwrap(),
        ],
    )
    .await;
    assert!(network.has_cut(), "the line was cut mid-transfer");
    let result: serde_json::Value =
        serde_json::from_str(printed.lines().last().unwrap_or_default()).unwrap();
    let (status, asset) = app
        .get(
            &token,
            &format!("/api/v1/assets/{}", result["asset"].as_str().unwrap()),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(asset["blake3"], blake3);
    assert_eq!(asset["title"], "技能大赛决赛回放");
    assert_eq!(asset["tags"]["category"], "national_event");
    assert_eq!(
        app.count("assets").await,
        1,
        "the refused file made no asset"
    );
    app.stop().await;
}

/// The pages an editor and a unit read say everything in Chinese: a failed item's reason, a
/// returned item's note and the history's actions come from the message catalog.
async fn pages_speak_chinese_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit("菏泽职业学院", UnitKind::HigherVocationalCollege, "heze")
        .await;
    let jpeg = real_jpeg(11, 320, 240);
    let cut = jpeg[..jpeg.len() / 2].to_vec();
    let failed = app
        .upload_id(
            &token,
            Upload::new("cut.jpg", cut).field("title", "半张照片"),
        )
        .await;
    app.wait_for_state(&token, &failed, "failed").await;
    let returned = app
        .upload_id(
            &token,
            Upload::new("whole.jpg", jpeg).field("title", "技能展示"),
        )
        .await;
    app.wait_for_state(&token, &returned, "pending_review")
        .await;
    app.create_editor().await;
    let editor = app
        .user_session("returner", Role::Editor, Some(Desk::Edu))
        .await;
    let (_, asset) = app
        .get(&editor, &format!("/api/v1/assets/{returned}"))
        .await;
    let (status, answer) = app
        .call(
            &editor,
            reqwest::Method::POST,
            &format!("/api/v1/assets/{returned}/review"),
            Some(serde_json::json!({
                "action": "return", "note": "请补充活动说明", "version": asset["version"]
            })),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    run_script(
        "chinese.mjs",
        &[
            app.base_url.as_str(),
            "editor",
            "a long editor password",
            &token,
            &failed,
            &returned,
        ],
    )
    .await;
    app.stop().await;
}

async fn a_unit_fills_in_its_reports(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, token) = app
        .unit("潍坊职业学院", UnitKind::HigherVocationalCollege, "weifang")
        .await;
    app.pin_clock("2021-05-21 15:00:00");
    let plan = app.data_dir.join("活动周方案.html");
    std::fs::write(
        &plan,
        "<html><body><h1>潍坊职业学院活动周方案</h1><p>开放校园。</p></body></html>",
    )
    .unwrap();
    run_script(
        "report.mjs",
        &[&app.base_url, &token, plan.to_str().unwrap()],
    )
    .await;
    let (_, report) = app
        .get(&token, "/api/v1/campaigns/current/units/me/report")
        .await;
    assert_eq!(report["statistics"]["status"], "on_time");
    assert_eq!(report["statistics"]["figures"]["participants"], 4000);
    assert_eq!(report["registration"]["liaison"]["mobile"], "13812345678");
    assert_eq!(report["plan"]["versions"], 1);
    app.stop().await;
}

/// A decision that needs a reason (`reject`, `return`) on the asset's current version.
async fn decide_with_note(app: &TestApp, editor: &str, id: &str, action: &str, note: &str) {
    let (_, asset) = app.get(editor, &format!("/api/v1/assets/{id}")).await;
    let (status, answer) = app
        .call(
            editor,
            reqwest::Method::POST,
            &format!("/api/v1/assets/{id}/review"),
            Some(json!({ "action": action, "note": note, "version": asset["version"] })),
        )
        .await;
    assert_eq!(status, 200, "{action} {id}: {answer}");
}

/// A unit's JSON call that must succeed (registration, statistics).
async fn unit_call(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: serde_json::Value,
) {
    let (status, answer) = app.call(token, method, path, Some(body)).await;
    assert!(status == 200 || status == 201, "{path}: {status} {answer}");
}

/// Every page each role opens, at 390 px and at 1400 px, with real content on it: nothing wider
/// than the window and no serious axe-core violation (`tests/browser/layout.mjs`, which also
/// takes the screenshots; set VOCWEEK_SCREENSHOTS to keep them somewhere known).
async fn every_page_fits_a_phone_and_a_desktop_and_passes_axe(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, college) = app
        .unit("烟台职业学院", UnitKind::HigherVocationalCollege, "yantai")
        .await;
    let (_, bureau) = app
        .unit("潍坊市教育局", UnitKind::CityBureau, "weifang")
        .await;
    // Sends nothing: the tracker lists it among the units that did not report.
    app.unit(
        "威海海洋职业学院",
        UnitKind::HigherVocationalCollege,
        "weihai",
    )
    .await;
    app.create_editor().await;
    app.user_session("admin", Role::Admin, None).await;
    let reviewer = app
        .user_session("reviewer", Role::Editor, Some(Desk::Edu))
        .await;
    // A partner's webhook nobody answers: the delivery log gets rows with their errors.
    let partner = app.services.db.create_partner("闪电新闻").await.unwrap().1;
    let (status, hook) = app
        .call(
            &partner,
            reqwest::Method::POST,
            "/api/v1/webhooks",
            Some(json!({ "url": "http://127.0.0.1:9/vocweek" })),
        )
        .await;
    assert_eq!(status, 201, "{hook}");
    let hook = hook["id"].as_i64().unwrap();

    // The first day of the week: photos from two units, one of them broken, the college's plan,
    // website and liaison.
    app.pin_clock("2021-05-22 10:00:00");
    let mut photos = Vec::new();
    for (seed, token, title) in [
        (1, &college, "开幕式现场"),
        (2, &college, "技能展示：数控车床加工比赛决赛"),
        (3, &bureau, "校园开放日"),
        (4, &bureau, "模糊照片"),
    ] {
        // The opening is recommended below, so its unit declared the portrait consent; the
        // others leave it undeclared, and the walk meets the pages' consent warnings.
        let upload = Upload::new(&format!("{seed}.jpg"), real_jpeg(seed, 640, 480))
            .field("title", title)
            .field("category", "national_event")
            .field("portrait_consent", if seed == 1 { "true" } else { "false" });
        let id = app.upload_id(token, upload).await;
        app.wait_for_state(token, &id, "pending_review").await;
        photos.push(id);
    }
    let jpeg = real_jpeg(11, 320, 240);
    let broken = app
        .upload_id(
            &college,
            Upload::new("cut.jpg", jpeg[..jpeg.len() / 2].to_vec()).field("title", "半张照片"),
        )
        .await;
    app.wait_for_state(&college, &broken, "failed").await;
    let plan = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(
            "<html><body><h1>烟台职业学院活动周方案</h1><p>开放校园。</p></body></html>"
                .as_bytes()
                .to_vec(),
        )
        .file_name("活动周方案.html"),
    );
    let sent = app
        .client
        .post(app.url("/api/v1/campaigns/current/units/me/documents/plan"))
        .bearer_auth(&college)
        .multipart(plan)
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 201);
    unit_call(
        &app,
        &college,
        reqwest::Method::PUT,
        "/api/v1/campaigns/current/units/me/registration",
        json!({
            "website_url": "https://www.ytvc.com.cn/zjz",
            "liaison": { "name": "李老师", "mobile": "13812345678", "email": "li@ytvc.com.cn" }
        }),
    )
    .await;

    // The second day: an article with a picture and a short video.
    app.pin_clock("2021-05-23 09:30:00");
    let article = app
        .upload_id(
            &bureau,
            Upload::new(
                "活动周报道.html",
                article_html(
                    "潍坊市职业教育活动周开幕",
                    &["全市职业院校开放校园。", "学生展示专业技能。"],
                    Some(&png(5, 320, 240)),
                )
                .into_bytes(),
            ),
        )
        .await;
    app.wait_for_state_within(&bureau, &article, "pending_review", Duration::from_secs(60))
        .await;
    let video = generated_video(
        "-f lavfi -i testsrc2=size=320x240:rate=25 -t 2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p",
        "mp4",
    );
    let video = app
        .upload_id(
            &college,
            Upload::new("技能大赛.mp4", video).field("title", "技能大赛"),
        )
        .await;
    app.wait_for_state_within(&college, &video, "pending_review", Duration::from_secs(120))
        .await;

    // Today (the clock runs again): a photo for the upload page's 今日报送, the statistics
    // tables (the college's submitted late, the bureau's a draft), the decisions and a batch.
    app.services.db.clock().pin(None);
    let today = app
        .upload_id(
            &college,
            Upload::new("today.jpg", real_jpeg(6, 640, 480)).field("title", "今日补充照片"),
        )
        .await;
    app.wait_for_state(&college, &today, "pending_review").await;
    let statistics = "/api/v1/campaigns/current/units/me/statistics";
    unit_call(
        &app,
        &college,
        reqwest::Method::PUT,
        statistics,
        json!({
            "schools": 1, "teachers": 120, "students": 3400, "student_coverage_percent": "85.5",
            "enterprises": 12, "participants": 4000, "experience_items": 36,
            "activity_forms": "开放校园、技能展示", "media_coverage": "大众网报道3篇", "submit": true
        }),
    )
    .await;
    unit_call(
        &app,
        &bureau,
        reqwest::Method::PUT,
        statistics,
        json!({ "teachers": 80, "activity_forms": "职业体验日" }),
    )
    .await;
    let [opening, skills, open_day, blurry] = [0, 1, 2, 3].map(|i| photos[i].clone());
    app.review(&reviewer, &opening, "approve").await;
    app.review(&reviewer, &opening, "recommend").await;
    app.review(&reviewer, &open_day, "approve").await;
    decide_with_note(&app, &reviewer, &skills, "return", "请补充活动说明").await;
    decide_with_note(&app, &reviewer, &blurry, "reject", "照片模糊，请重新拍摄").await;
    let (status, batch) = app
        .call(
            &reviewer,
            reqwest::Method::POST,
            "/api/v1/batches",
            Some(json!({ "title": "第一批推荐", "note": "开幕式" })),
        )
        .await;
    assert_eq!(status, 201, "{batch}");
    let batch = batch["id"].as_i64().unwrap();
    let (status, body) = app
        .call(
            &reviewer,
            reqwest::Method::PUT,
            &format!("/api/v1/batches/{batch}/items"),
            Some(json!({ "asset_ids": [opening] })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let log = format!("/api/v1/webhooks/{hook}/deliveries");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, deliveries) = app.get(&partner, &log).await;
        if deliveries.as_array().is_some_and(|d| !d.is_empty()) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no delivery logged: {deliveries}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Every GET page of crates/vocweek-web/src/lib.rs, with the variants that look different
    // (a filtered queue, each kind and state of item, a missing item and batch, a chosen day,
    // the error page an editor gets for the admins' log).
    let pages = json!({
        "public": ["/login", "/unit/login"],
        "editor": [
            "/queue", "/queue?state=pending_review", "/queue?state=failed",
            format!("/queue/{opening}"), format!("/queue/{skills}"), format!("/queue/{blurry}"),
            format!("/queue/{broken}"), format!("/queue/{article}"), format!("/queue/{video}"),
            "/queue/no-such-item",
            "/dashboard", "/dashboard?day=2021-05-22",
            "/batches", format!("/batches/{batch}"), "/batches/999999",
            "/reporting", "/reporting/statistics", "/tracker", "/tracker?day=2021-05-22",
            "/campaigns", "/account/password", "/webhooks"
        ],
        "admin": ["/queue", "/campaigns", "/webhooks", format!("/webhooks/{hook}"), "/batches"],
        "unit": ["/upload", "/report", "/my"]
    })
    .to_string();
    let printed = run_script_within(
        "layout.mjs",
        &[
            app.base_url.as_str(),
            "editor",
            "a long editor password",
            "admin",
            "a long test password",
            &college,
            &pages,
        ],
        Duration::from_secs(900),
    )
    .await;
    // Where the screenshots went, for whoever runs the test with --nocapture.
    println!("{printed}");
    app.stop().await;
}

/// The whole loop in the browser (`tests/browser/loop.mjs`): a unit uploads a photo, an editor
/// returns it with a note, the unit reads the notice and replaces the file, the editor approves,
/// recommends and sends it in a batch; the item's history reads in Chinese. Then, here: the
/// trail has each step once and in order, the batch is sent with the item, and the return's
/// email reached the unit's liaison through a real SMTP server.
async fn the_whole_loop_from_upload_to_the_ministry(backend: Backend) {
    let sink = SmtpSink::start();
    let app = spawn_app_with(
        backend,
        AppOptions {
            smtp_port: Some(sink.port),
            ..AppOptions::default()
        },
    )
    .await;
    let (_, unit) = app
        .unit("淄博职业学院", UnitKind::HigherVocationalCollege, "zibo")
        .await;
    let liaison = "liaison-zibo@example.test";
    unit_call(
        &app,
        &unit,
        reqwest::Method::PUT,
        "/api/v1/campaigns/current/units/me/registration",
        json!({ "liaison": { "name": "王老师", "mobile": "13905330000", "email": liaison } }),
    )
    .await;
    app.create_editor().await;
    let title = "实训基地开放日";
    let note = "照片偏暗，请换一张清晰的";
    let first = app.data_dir.join("开放日.jpg");
    std::fs::write(&first, real_jpeg(51, 640, 480)).unwrap();
    let second_bytes = real_jpeg(52, 640, 480);
    let second = app.data_dir.join("开放日-清晰.jpg");
    std::fs::write(&second, &second_bytes).unwrap();
    let printed = run_script_within(
        "loop.mjs",
        &[
            app.base_url.as_str(),
            "editor",
            "a long editor password",
            &unit,
            first.to_str().unwrap(),
            second.to_str().unwrap(),
            title,
            note,
            "第一批推荐",
        ],
        Duration::from_secs(240),
    )
    .await;
    let result: serde_json::Value =
        serde_json::from_str(printed.lines().last().unwrap_or_default())
            .unwrap_or_else(|e| panic!("the script printed no result ({e}): {printed}"));
    let id = result["asset"].as_str().unwrap().to_owned();
    let batch = result["batch"].as_i64().unwrap();
    let editor = app
        .user_session("auditor", Role::Editor, Some(Desk::Edu))
        .await;

    // The item: its title, the replaced file, recommended.
    let (status, asset) = app.get(&editor, &format!("/api/v1/assets/{id}")).await;
    assert_eq!(status, 200, "{asset}");
    assert_eq!(asset["title"], title);
    assert_eq!(asset["state"], "recommended", "{asset}");
    assert_eq!(
        asset["blake3"],
        blake3::hash(&second_bytes).to_hex().to_string(),
        "the item holds the replacement"
    );
    assert_eq!(asset["portrait_consent"], true, "{asset}");

    // The trail: each step once, in order, by whom it should be.
    let (status, trail) = app
        .get(&editor, &format!("/api/v1/assets/{id}/audit"))
        .await;
    assert_eq!(status, 200, "{trail}");
    let steps = [
        "return",
        "file_replaced",
        "approve",
        "recommend",
        "sent_to_ministry",
    ];
    let events: Vec<&serde_json::Value> = trail
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"].as_str().is_some_and(|a| steps.contains(&a)))
        .collect();
    let actions: Vec<&str> = events.iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, steps, "{trail}");
    assert_eq!(events[0]["details"]["note"], note, "{trail}");
    assert_eq!(events[1]["actor_kind"], "unit", "{trail}");
    assert_eq!(
        events[1]["details"]["new"]["blake3"],
        blake3::hash(&second_bytes).to_hex().to_string()
    );
    for decision in [events[0], events[2], events[3]] {
        assert_eq!(decision["actor_kind"], "user", "{trail}");
    }

    // The batch: sent, with the item alone, and listed as sent.
    let (status, sent) = app.get(&editor, &format!("/api/v1/batches/{batch}")).await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(sent["state"], "sent", "{sent}");
    assert!(sent["sent_at"].is_string(), "{sent}");
    let items: Vec<&str> = sent["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|item| item["id"].as_str())
        .collect();
    assert_eq!(items, [id.as_str()], "{sent}");
    let (status, batches) = app.get(&editor, "/api/v1/batches").await;
    assert_eq!(status, 200, "{batches}");
    assert!(
        batches
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["id"] == batch && b["state"] == "sent"),
        "{batches}"
    );

    // The liaison's email about the return, as the SMTP server received it (other notices,
    // such as reports overdue on today's clock, may be mailed too).
    let deadline = Instant::now() + Duration::from_secs(60);
    let mail = loop {
        let received = sink.received();
        let about_it = received.iter().find(|m| {
            m["envelope_to"] == json!([liaison])
                && m["subject"].as_str().is_some_and(|s| s.contains(title))
        });
        if let Some(mail) = about_it {
            break mail.clone();
        }
        assert!(
            Instant::now() < deadline,
            "no email about the return reached {liaison}: {received:#?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(mail["subject"], format!("素材「{title}」被退回修改"));
    assert!(
        mail["to"].as_str().unwrap_or_default().contains("王老师"),
        "{mail}"
    );
    let body = mail["body"].as_str().unwrap_or_default();
    assert!(
        body.contains(title) && body.contains(&format!("修改意见：{note}")),
        "{body}"
    );
    app.stop().await;
}

both_databases!(
    every_page_fits_a_phone_and_a_desktop_and_passes_axe,
    pages_speak_chinese_only,
    a_unit_fills_in_its_reports,
    a_unit_uploads_through_a_broken_network,
    an_editor_approves_with_the_keyboard,
    an_editor_plays_a_video,
    an_editor_watches_a_channel_live,
    an_editor_exports_a_batch_from_the_browser,
    the_whole_loop_from_upload_to_the_ministry
);

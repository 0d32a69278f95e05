//! The daily tracker and the desks' reporting pages: counts per unit and kind for a Beijing
//! day (midnight to midnight on a pinned clock), duplicates credited to every unit that sent
//! them, failed files not counted, the missing units of today, the export, and the pages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use calamine::{Reader, Xlsx};
use serde_json::Value;
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::media::{jpeg_like, real_jpeg};
use vocweek_tests::web_session::csrf_from;
use vocweek_tests::{Backend, Upload, both_databases, spawn_app};

fn sent_by<'a>(tracker: &'a Value, name: &str) -> Option<&'a Value> {
    tracker["sent"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["unit"]["name"] == name)
}

fn missing_names(tracker: &Value) -> Vec<String> {
    tracker["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn who_sent_what_each_beijing_day(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, weifang) = app
        .unit("潍坊职业学院", UnitKind::HigherVocationalCollege, "weifang")
        .await;
    let (_, bureau) = app
        .unit("潍坊市教育局", UnitKind::CityBureau, "weifang")
        .await;
    let (_, silent) = app
        .unit("菏泽职业学院", UnitKind::HigherVocationalCollege, "heze")
        .await;
    let (_, hr) = app
        .unit("潍坊市人社局", UnitKind::CityHrBureau, "weifang")
        .await;
    let (_, school) = app
        .unit(
            "潍坊商业学校",
            UnitKind::SecondaryVocationalSchool,
            "weifang",
        )
        .await;
    let _ = silent;
    let editor = app.user_session("edu", Role::Editor, Some(Desk::Edu)).await;
    let admin = app.user_session("admin", Role::Admin, None).await;
    let photo = real_jpeg(7, 64, 48);

    // The last second of 22 May in Beijing (15:59:59 UTC).
    app.pin_clock("2021-05-22 23:59:59");
    app.upload_id(&weifang, Upload::new("a.jpg", photo.clone()))
        .await;
    app.upload_id(&weifang, Upload::new("b.jpg", real_jpeg(8, 64, 48)))
        .await;
    // The first second of the 23rd: the bureau sends the same photo (a duplicate) and a text.
    app.pin_clock("2021-05-23 00:00:00");
    let (status, body) = app
        .upload(&bureau, Upload::new("same.jpg", photo.clone()))
        .await;
    assert_eq!(
        (status, body["duplicate"].as_bool()),
        (200, Some(true)),
        "{body}"
    );
    app.upload_id(
        &bureau,
        Upload::new("稿件.txt", "潍坊市活动周稿件".as_bytes().to_vec()),
    )
    .await;
    // A fake JPEG fails processing: it is not material and does not count.
    let fake = app
        .upload_id(&hr, Upload::new("fake.jpg", jpeg_like(99, 4096)))
        .await;
    app.wait_for_state(&hr, &fake, "failed").await;
    // A secondary school is not expected to report daily; what it sends still belongs to it.
    app.upload_id(&school, Upload::new("c.jpg", real_jpeg(9, 64, 48)))
        .await;

    let (status, day22) = app
        .get(&admin, "/api/v1/campaigns/current/tracker?day=2021-05-22")
        .await;
    assert_eq!(status, 200, "{day22}");
    let w = sent_by(&day22, "潍坊职业学院").unwrap();
    assert_eq!(
        (w["counts"]["photo"].as_i64(), w["total"].as_i64()),
        (Some(2), Some(2))
    );
    assert_eq!(
        missing_names(&day22),
        ["潍坊市教育局", "菏泽职业学院", "潍坊市人社局"]
    );

    // "Today" is the clock's Beijing day, and the default.
    let (_, day23) = app.get(&admin, "/api/v1/campaigns/current/tracker").await;
    assert_eq!(day23["day"], "2021-05-23");
    assert_eq!(day23["today"], "2021-05-23");
    assert_eq!(day23["campaign_days"].as_array().unwrap().len(), 7);
    let b = sent_by(&day23, "潍坊市教育局").unwrap();
    assert_eq!(
        (
            b["counts"]["photo"].as_i64(),
            b["counts"]["article"].as_i64(),
            b["total"].as_i64()
        ),
        (Some(1), Some(1), Some(2)),
        "the duplicate is credited to the bureau too"
    );
    assert_eq!(
        missing_names(&day23),
        ["潍坊职业学院", "菏泽职业学院", "潍坊市人社局"]
    );
    assert!(sent_by(&day23, "潍坊商业学校").is_none());

    // An editor sees the units of the desk only.
    let (_, edu_view) = app
        .get(&editor, "/api/v1/campaigns/current/tracker?day=2021-05-23")
        .await;
    assert_eq!(missing_names(&edu_view), ["潍坊职业学院", "菏泽职业学院"]);
    // Pictures an article job takes out of a Word file are not uploads of the unit.
    app.pin_clock("2021-05-24 20:00:00");
    let html = vocweek_tests::documents::article_html(
        "潍坊市技能展示",
        &["第一段。", "第二段。"],
        Some(&vocweek_tests::documents::png(5, 320, 240)),
    );
    let docx = vocweek_tests::documents::libreoffice(&html, "docx");
    let article = app.upload_id(&bureau, Upload::new("稿件.docx", docx)).await;
    app.wait_for_state(&bureau, &article, "pending_review")
        .await;
    assert_eq!(
        app.count("submissions WHERE extracted").await,
        0,
        "the article's picture stays with it until an editor chooses it"
    );
    let (status, chosen) = app
        .call(
            &admin,
            reqwest::Method::POST,
            &format!("/api/v1/assets/{article}/pictures/1/choose"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{chosen}");
    app.wait_for_state(
        &admin,
        chosen["asset_id"].as_str().unwrap(),
        "pending_review",
    )
    .await;
    assert_eq!(
        app.count("submissions WHERE extracted").await,
        1,
        "the chosen picture is taken out of the article, not sent by the unit"
    );
    let (_, day24) = app
        .get(&admin, "/api/v1/campaigns/current/tracker?day=2021-05-24")
        .await;
    let b = sent_by(&day24, "潍坊市教育局").unwrap();
    assert_eq!(
        (
            b["counts"]["article"].as_i64(),
            b["counts"]["photo"].as_i64()
        ),
        (Some(1), Some(0))
    );

    // Outside the week the default is the nearest day of it; a bad day is refused.
    app.pin_clock("2021-06-10 12:00:00");
    let (_, after) = app.get(&admin, "/api/v1/campaigns/current/tracker").await;
    assert_eq!(after["day"], "2021-05-28");
    let (status, _) = app
        .get(&admin, "/api/v1/campaigns/current/tracker?day=2021-02-30")
        .await;
    assert_eq!(status, 422);
    let (status, body) = app
        .get(
            &admin,
            "/api/v1/campaigns/current/tracker?day=%2B262142-12-31",
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("not-a-campaign-day"))
    );
    let (status, _) = app.get(&weifang, "/api/v1/campaigns/current/tracker").await;
    assert_eq!(status, 403, "units do not see the tracker");

    // The export: every daily unit of the desk, with its counts.
    let (status, mime, xlsx) = app
        .fetch(
            &editor,
            "/api/v1/campaigns/current/tracker.xlsx?day=2021-05-23",
        )
        .await;
    assert_eq!(status, 200);
    assert!(mime.contains("spreadsheetml"));
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = workbook.worksheet_range("报送情况").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .skip(2)
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows.len(), 3);
    let bureau_row = rows.iter().find(|r| r[0] == "潍坊市教育局").unwrap();
    // 照片, 视频, 稿件, 典型案例, 合计, 状态.
    assert_eq!(bureau_row[3..], ["1", "0", "1", "0", "2", "已报送"]);
    assert!(
        rows.iter()
            .any(|r| r[0] == "菏泽职业学院" && r[8] == "未报送")
    );

    // The page: today's missing units and the chart of cities per day.
    app.pin_clock("2021-05-23 21:00:00");
    let (status, html) = app.page(&editor, "/tracker").await;
    assert_eq!(status, 200);
    assert!(html.contains("今日未报送单位"), "{html}");
    assert!(html.contains("菏泽职业学院"));
    assert!(html.contains("id=\"city-day-chart\""));
    assert!(html.contains("data-city=\"weifang\" data-day=\"2021-05-22\" data-count=\"2\""));
    assert!(html.contains("data-city=\"weifang\" data-day=\"2021-05-23\" data-count=\"2\""));
    assert!(html.contains("data-city=\"heze\" data-day=\"2021-05-23\" data-count=\"0\""));
    assert!(html.contains("tracker.xlsx?day=2021-05-23"));
    let (status, _) = app.page("nobody", "/tracker").await;
    assert_eq!(status, 303, "signed out: to the login page");
    app.stop().await;
}

async fn the_desk_pages_show_readiness_and_the_table(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, college) = app
        .unit("烟台职业学院", UnitKind::HigherVocationalCollege, "yantai")
        .await;
    let (_, _quiet) = app
        .unit("威海职业学院", UnitKind::HigherVocationalCollege, "weihai")
        .await;
    let admin = app.user_session("admin", Role::Admin, None).await;
    app.pin_clock("2021-05-21 10:00:00");
    let response = app
        .client
        .put(app.url("/api/v1/campaigns/current/units/me/registration"))
        .bearer_auth(&college)
        .json(&serde_json::json!({ "website_url": "https://www.ytvc.com.cn/<week>" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let (status, html) = app.page(&admin, "/reporting").await;
    assert_eq!(status, 200);
    assert!(html.contains("报送情况"));
    assert!(html.contains("烟台职业学院") && html.contains("威海职业学院"));
    assert!(html.contains("data-status=\"on_time\""));
    // The unit's URL is shown escaped.
    assert!(
        html.contains("https://www.ytvc.com.cn/%3Cweek%3E"),
        "{html}"
    );
    assert!(!html.contains("<week>"));
    let (status, html) = app.page(&admin, "/reporting/statistics").await;
    assert_eq!(status, 200);
    assert!(html.contains("2021年职业教育活动周情况统计表"));
    assert!(html.contains("参与活动的职业院校学生参与覆盖率"));
    assert!(html.contains("statistics.xlsx"));
    // The HR desk collects no 附件2: its editors are told so instead of an empty 0 / 0 table,
    // and their menu does not offer the page.
    let hr_editor = app
        .user_session("hr-editor", Role::Editor, Some(Desk::Hr))
        .await;
    let (status, html) = app.page(&hr_editor, "/reporting/statistics").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("不报送统计表") && !html.contains("statistics.xlsx"),
        "{html}"
    );
    let (_, html) = app.page(&hr_editor, "/reporting").await;
    assert!(!html.contains("href=\"/reporting/statistics\""), "{html}");

    // The campaigns page creates and activates a week through its forms (CSRF-checked).
    let (status, html) = app.page(&admin, "/campaigns").await;
    assert_eq!(status, 200);
    let csrf = csrf_from(&html).unwrap();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = [
        ("csrf", csrf.as_str()),
        ("slug", "shandong-2022"),
        ("year", "2022"),
        ("name_zh", "山东省2022年职业教育活动周"),
        ("name_en", "Shandong 2022"),
        ("theme_zh", "技能：让生活更美好"),
        ("theme_en", "Skills make life better"),
        ("starts_on", "2022-05-08"),
        ("ends_on", "2022-05-14"),
        ("plan_due_on", "2022-05-06"),
        ("report_due_on", "2022-05-25"),
        ("vocabulary_from", "shandong-2021"),
    ];
    // A mistyped date is refused and named, so the admin knows which box to fix.
    let mut bad_date = form.to_vec();
    bad_date[7].1 = "2022-13-01";
    let refused = client
        .post(app.url("/campaigns"))
        .header("cookie", format!("vw_session={admin}"))
        .form(&bad_date)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("starts_on"));
    let without_csrf = client
        .post(app.url("/campaigns"))
        .header("cookie", format!("vw_session={admin}"))
        .form(&form[1..])
        .send()
        .await
        .unwrap();
    assert_eq!(without_csrf.status(), 403);
    let created = client
        .post(app.url("/campaigns"))
        .header("cookie", format!("vw_session={admin}"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 303);
    let (_, html) = app.page(&admin, "/campaigns").await;
    assert!(html.contains("data-slug=\"shandong-2022\""));
    let activated = client
        .post(app.url("/campaigns/shandong-2022/activate"))
        .header("cookie", format!("vw_session={admin}"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(activated.status(), 303);
    assert_eq!(app.services.ingestor.campaign().campaign.year, 2022);
    // Last year's week stays readable: the pages link every week and show the one chosen.
    let (status, html) = app.page(&admin, "/reporting").await;
    assert_eq!(status, 200);
    assert!(html.contains("山东省2022年职业教育活动周"), "{html}");
    assert!(html.contains("href=\"?week=shandong-2021\""), "{html}");
    let (status, html) = app.page(&admin, "/reporting?week=shandong-2021").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("烟台职业学院") && html.contains("data-status=\"on_time\""),
        "{html}"
    );
    let (status, html) = app
        .page(&admin, "/reporting/statistics?week=shandong-2021")
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("2021年职业教育活动周情况统计表"), "{html}");
    let (status, _) = app.page(&admin, "/reporting?week=no-such-week").await;
    assert_eq!(status, 404);

    // A data file brings its own vocabulary: 2023 adds a theme that 2021 and 2022 do not have.
    let file = include_str!("../../crates/vocweek-domain/vocabularies/shandong-2021.toml")
        .replace("shandong-2021", "shandong-2023")
        .replace("year = 2021", "year = 2023")
        .replace("\"2021-", "\"2023-")
        + "\n[[theme]]\nslug = \"digital_skills\"\nzh = \"数字技能\"\nen = \"Digital skills\"\n";
    let post_file = |toml: String| {
        let client = client.clone();
        let url = app.url("/campaigns/file");
        let (admin, csrf) = (admin.clone(), csrf.clone());
        async move {
            let response = client
                .post(url)
                .header("cookie", format!("vw_session={admin}"))
                .form(&[("csrf", csrf.as_str()), ("toml", toml.as_str())])
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let (status, html) = post_file(file.replace("year = 2023", "year = 2031")).await;
    assert_eq!(status, 422, "dates far from the year are refused");
    assert!(html.contains("未能创建"), "{html}");
    let (status, _) = post_file("[campaign]\nslug = 1".to_owned()).await;
    assert_eq!(status, 422);
    let (status, _) = post_file(file).await;
    assert_eq!(status, 303);
    let (_, v2023) = app.get(&admin, "/api/v1/campaigns/shandong-2023").await;
    let themes = |v: &serde_json::Value| {
        v["themes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["slug"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert!(themes(&v2023).contains(&"digital_skills".to_owned()));
    let (_, v2021) = app.get(&admin, "/api/v1/campaigns/shandong-2021").await;
    assert!(!themes(&v2021).contains(&"digital_skills".to_owned()));
    assert_eq!(themes(&v2021).len() + 1, themes(&v2023).len());
    app.stop().await;
}

both_databases!(
    who_sent_what_each_beijing_day,
    the_desk_pages_show_readiness_and_the_table
);

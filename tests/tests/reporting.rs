//! Campaign reporting over HTTP: campaigns as data, what units register and send before and
//! after the week (with deadlines read in Beijing days on a pinned clock), the statistics
//! table's drafts and final submissions, and who may see and change what.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::{Backend, both_databases, spawn_app};

fn problem_fields(body: &Value) -> Vec<String> {
    body["error"]["details"]["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("no problems listed: {body}"))
        .iter()
        .map(|p| p["field"].as_str().unwrap().to_owned())
        .collect()
}

const UNIT: &str = "/api/v1/campaigns/current/units/me";

fn complete_table(schools: i64) -> Value {
    json!({
        "schools": schools, "teachers": 120, "students": 3400, "student_coverage_percent": "85.5",
        "enterprises": 12, "participants": 4000, "experience_items": 36,
        "activity_forms": "开放校园、技能展示", "media_coverage": "大众网报道3篇"
    })
}

async fn a_new_years_campaign_is_data(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.user_session("admin", Role::Admin, None).await;
    let editor = app
        .user_session("editor", Role::Editor, Some(Desk::Edu))
        .await;
    let (_, unit) = app
        .unit("济南职业学院", UnitKind::HigherVocationalCollege, "jinan")
        .await;
    let (_, other) = app
        .unit(
            "济南工程职业技术学院",
            UnitKind::HigherVocationalCollege,
            "jinan",
        )
        .await;
    let old_photo = vocweek_tests::media::real_jpeg(11, 64, 48);
    app.pin_clock("2021-05-22 10:00:00");
    app.upload_id(
        &unit,
        vocweek_tests::Upload::new("2021.jpg", old_photo.clone()),
    )
    .await;
    let next = json!({
        "slug": "shandong-2022", "year": 2022,
        "name_zh": "山东省2022年职业教育活动周", "name_en": "Shandong Vocational Education Week 2022",
        "theme_zh": "技能：让生活更美好", "theme_en": "Skills make life better",
        "starts_on": "2022-05-08", "ends_on": "2022-05-14",
        "plan_due_on": "2022-05-06", "report_due_on": "2022-05-25"
    });
    let (status, _) = app
        .call(
            &editor,
            reqwest::Method::POST,
            "/api/v1/campaigns",
            Some(next.clone()),
        )
        .await;
    assert_eq!(status, 403, "only an admin creates campaigns");
    let mut backwards = next.clone();
    backwards["ends_on"] = json!("2022-05-01");
    let (status, body) = app
        .call(
            &admin,
            reqwest::Method::POST,
            "/api/v1/campaigns",
            Some(backwards),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("ends_on")
    );
    let mut unknown_source = next.clone();
    unknown_source["vocabulary_from"] = json!("shandong-1999");
    let (status, _) = app
        .call(
            &admin,
            reqwest::Method::POST,
            "/api/v1/campaigns",
            Some(unknown_source),
        )
        .await;
    assert_eq!(status, 404);

    let (status, created) = app
        .call(
            &admin,
            reqwest::Method::POST,
            "/api/v1/campaigns",
            Some(next.clone()),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["active"], false);
    let (status, _) = app
        .call(
            &admin,
            reqwest::Method::POST,
            "/api/v1/campaigns",
            Some(next),
        )
        .await;
    assert_eq!(status, 409, "a slug is taken once");
    // The copy of the vocabulary belongs to the new campaign.
    let (_, copy) = app.get(&admin, "/api/v1/campaigns/shandong-2022").await;
    assert_eq!(copy["cities"].as_array().unwrap().len(), 17);
    assert_eq!(copy["campaign"]["year"], 2022);

    // Still 2021 until it is activated.
    let (_, report) = app.get(&unit, &format!("{UNIT}/report")).await;
    assert_eq!(report["campaign"]["year"], 2021);
    let (status, _) = app
        .call(
            &editor,
            reqwest::Method::POST,
            "/api/v1/campaigns/shandong-2022/activate",
            None,
        )
        .await;
    assert_eq!(status, 403);
    let (status, activated) = app
        .call(
            &admin,
            reqwest::Method::POST,
            "/api/v1/campaigns/shandong-2022/activate",
            None,
        )
        .await;
    assert_eq!(status, 200, "{activated}");
    let (_, report) = app.get(&unit, &format!("{UNIT}/report")).await;
    assert_eq!(report["campaign"]["year"], 2022);
    assert_eq!(report["plan"]["due_on"], "2022-05-06");
    let (_, list) = app.get(&unit, "/api/v1/campaigns").await;
    let active: Vec<&str> = list["campaigns"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["active"] == true)
        .map(|c| c["slug"].as_str().unwrap())
        .collect();
    assert_eq!(active, ["shandong-2022"]);

    // New uploads belong to the new week.
    let id = app
        .upload_id(
            &unit,
            vocweek_tests::Upload::new("a.jpg", vocweek_tests::media::real_jpeg(3, 64, 48)),
        )
        .await;
    let campaign_of_asset = app
        .count(&format!(
            "assets a JOIN campaigns c ON c.id = a.campaign_id WHERE a.id = '{id}' AND c.slug = 'shandong-2022'"
        ))
        .await;
    assert_eq!(campaign_of_asset, 1);
    // 2021's reports are still read by slug, no longer changed.
    let (status, old) = app
        .get(&unit, "/api/v1/campaigns/shandong-2021/units/me/report")
        .await;
    assert_eq!(status, 200);
    assert_eq!(old["campaign"]["year"], 2021);
    let (status, body) = app
        .call(
            &unit,
            reqwest::Method::PUT,
            "/api/v1/campaigns/shandong-2021/units/me/statistics",
            Some(json!({ "teachers": 1 })),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("campaign-closed"))
    );
    let (status, _) = app
        .call(
            &unit,
            reqwest::Method::PUT,
            "/api/v1/campaigns/current/units/me/statistics",
            Some(json!({ "teachers": 1 })),
        )
        .await;
    assert_eq!(status, 200);

    // Bytes first stored in 2021 and sent again during the 2022 week count for that day.
    app.pin_clock("2022-05-09 10:00:00");
    let (status, body) = app
        .upload(&other, vocweek_tests::Upload::new("old.jpg", old_photo))
        .await;
    assert_eq!((status, body["duplicate"].as_bool()), (200, Some(true)));
    let (_, tracker) = app.get(&admin, "/api/v1/campaigns/current/tracker").await;
    assert_eq!(tracker["day"], "2022-05-09");
    let sent: Vec<&str> = tracker["sent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["unit"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(sent, ["济南工程职业技术学院"]);
    app.stop().await;
}

async fn website_and_liaison_are_checked_and_dated(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, early) = app.unit("淄博市教育局", UnitKind::CityBureau, "zibo").await;
    let (_, late) = app
        .unit("潍坊职业学院", UnitKind::HigherVocationalCollege, "weifang")
        .await;
    let (_, school) = app
        .unit("淄博工业学校", UnitKind::SecondaryVocationalSchool, "zibo")
        .await;

    app.pin_clock("2021-05-20 09:00:00");
    let (status, body) = app
        .call(
            &early,
            reqwest::Method::PUT,
            &format!("{UNIT}/registration"),
            Some(json!({
                "website_url": "zibo.sdedu.gov.cn/week",
                "liaison": { "name": " ", "mobile": "0533-1234567", "email": "nobody" }
            })),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "invalid-fields");
    assert_eq!(
        problem_fields(&body),
        [
            "website_url",
            "liaison.name",
            "liaison.mobile",
            "liaison.email"
        ]
    );
    // Nothing of a refused request is kept.
    let (_, report) = app.get(&early, &format!("{UNIT}/report")).await;
    assert_eq!(report["registration"]["website_status"], "missing");

    let (status, report) = app.call(&early,
        reqwest::Method::PUT,
        &format!("{UNIT}/registration"),
        Some(json!({
            "website_url": "https://zibo.sdedu.gov.cn/week",
            "liaison": { "name": "王老师", "mobile": "+86 139-0533-0000", "email": "wang@zbedu.cn" }
        })),
    )
    .await;
    assert_eq!(status, 200, "{report}");
    let registration = &report["registration"];
    assert_eq!(registration["website_status"], "on_time");
    assert_eq!(registration["liaison_status"], "on_time");
    assert_eq!(registration["liaison"]["mobile"], "13905330000");

    // The last second of the due day (2021-05-22, Beijing) is on time; midnight is late.
    app.pin_clock("2021-05-22 23:59:59");
    let (_, report) = app
        .call(
            &late,
            reqwest::Method::PUT,
            &format!("{UNIT}/registration"),
            Some(json!({
                "website_url": "https://www.sdwfvc.cn/zjz"
            })),
        )
        .await;
    assert_eq!(report["registration"]["website_status"], "on_time");
    assert_eq!(report["registration"]["liaison_status"], "missing");
    app.pin_clock("2021-05-23 00:00:00");
    let (status, report) = app
        .call(
            &late,
            reqwest::Method::PUT,
            &format!("{UNIT}/registration"),
            Some(json!({
                "liaison": { "name": "李老师", "mobile": "13812345678", "email": "li@sdwfvc.cn" }
            })),
        )
        .await;
    assert_eq!(status, 200, "late is accepted");
    assert_eq!(report["registration"]["liaison_status"], "late");
    // Changing an on-time registration later does not make it late: the first time counts.
    let (_, report) = app
        .call(
            &early,
            reqwest::Method::PUT,
            &format!("{UNIT}/registration"),
            Some(json!({
                "website_url": "https://zibo.sdedu.gov.cn/week2021"
            })),
        )
        .await;
    assert_eq!(report["registration"]["website_status"], "on_time");
    assert_eq!(
        report["registration"]["website_url"],
        "https://zibo.sdedu.gov.cn/week2021"
    );

    let (status, body) = app
        .call(
            &early,
            reqwest::Method::PUT,
            &format!("{UNIT}/registration"),
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("nothing-to-save"))
    );
    let (status, body) = app
        .call(
            &school,
            reqwest::Method::PUT,
            &format!("{UNIT}/registration"),
            Some(json!({
                "website_url": "https://school.example.cn/"
            })),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("not-a-reporting-unit"))
    );
    app.stop().await;
}

async fn the_statistics_table_from_draft_to_late_correction(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, college) = app
        .unit(
            "日照职业技术学院",
            UnitKind::HigherVocationalCollege,
            "rizhao",
        )
        .await;
    let (_, bureau) = app
        .unit("日照市教育局", UnitKind::CityBureau, "rizhao")
        .await;
    let (_, hr) = app
        .unit("日照市人社局", UnitKind::CityHrBureau, "rizhao")
        .await;
    let path = format!("{UNIT}/statistics");
    app.pin_clock("2021-05-30 10:00:00");

    // A draft may be incomplete; what is in it must be well-formed.
    let (status, body) = app
        .call(
            &college,
            reqwest::Method::PUT,
            &path,
            Some(json!({
                "teachers": -3, "student_coverage_percent": "120%"
            })),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        problem_fields(&body),
        ["teachers", "student_coverage_percent"]
    );
    let (status, report) = app
        .call(
            &college,
            reqwest::Method::PUT,
            &path,
            Some(json!({
                "teachers": "120", "activity_forms": "开放校园"
            })),
        )
        .await;
    assert_eq!(status, 200, "{report}");
    let statistics = &report["statistics"];
    assert_eq!(statistics["status"], "draft");
    assert_eq!(statistics["figures"]["teachers"], 120);
    assert_eq!(statistics["revision"], 1);

    // A final submission needs everything, and the rules between columns.
    let (status, body) = app
        .call(
            &college,
            reqwest::Method::PUT,
            &path,
            Some(json!({
                "teachers": 120, "submit": true, "revision": 1
            })),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(problem_fields(&body).len(), 8);
    let mut wrong = complete_table(3);
    wrong["participants"] = json!(100);
    wrong["submit"] = json!(true);
    let (status, body) = app
        .call(&college, reqwest::Method::PUT, &path, Some(wrong))
        .await;
    assert_eq!(status, 422);
    assert_eq!(problem_fields(&body), ["participants", "schools"]);
    let codes: Vec<&str> = body["error"]["details"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["participants-too-few", "college-reports-one-school"]
    );

    // A stale revision is refused rather than overwriting.
    let mut final_table = complete_table(1);
    final_table["submit"] = json!(true);
    final_table["revision"] = json!(0);
    let (status, body) = app
        .call(
            &college,
            reqwest::Method::PUT,
            &path,
            Some(final_table.clone()),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("version-conflict"))
    );
    final_table["revision"] = json!(1);
    let (status, report) = app
        .call(
            &college,
            reqwest::Method::PUT,
            &path,
            Some(final_table.clone()),
        )
        .await;
    assert_eq!(status, 200, "{report}");
    let statistics = &report["statistics"];
    assert_eq!(statistics["status"], "on_time");
    assert_eq!(statistics["figures"]["student_coverage_percent"], 85.5);
    let first_submitted = statistics["first_submitted_at"].clone();

    // Once submitted, a draft would drop it from the totals: refused; a correction is a new
    // final submission, which keeps the first submission's date (and so its punctuality).
    let (status, body) = app
        .call(
            &college,
            reqwest::Method::PUT,
            &path,
            Some(json!({ "teachers": 1 })),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("already-submitted"))
    );
    app.pin_clock("2021-06-05 10:00:00");
    let mut correction = complete_table(1);
    correction["teachers"] = json!(130);
    correction["submit"] = json!(true);
    let (status, report) = app
        .call(&college, reqwest::Method::PUT, &path, Some(correction))
        .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["statistics"]["status"], "on_time");
    assert_eq!(report["statistics"]["first_submitted_at"], first_submitted);
    assert_eq!(report["statistics"]["figures"]["teachers"], 130);
    assert_eq!(report["statistics"]["revision"], 3);

    // The deadline is the end of 2021-06-02 in Beijing: 23:59:59 on time, midnight late.
    app.pin_clock("2021-06-03 00:00:00");
    let mut bureau_table = complete_table(23);
    bureau_table["submit"] = json!(true);
    let (status, report) = app
        .call(&bureau, reqwest::Method::PUT, &path, Some(bureau_table))
        .await;
    assert_eq!(status, 200, "late tables are accepted");
    assert_eq!(report["statistics"]["status"], "late");

    // Units that do not report the table are told so.
    let (status, body) = app
        .call(&hr, reqwest::Method::PUT, &path, Some(complete_table(1)))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("not-a-reporting-unit"))
    );
    let (_, hr_report) = app.get(&hr, &format!("{UNIT}/report")).await;
    assert_eq!(hr_report["reports_statistics"], false);
    assert!(hr_report["statistics"].is_null());
    // The page tells a unit whom it reports to from this field.
    assert_eq!(hr_report["unit"]["desk"], "hr");
    app.stop().await;
}

async fn plans_and_summary_reports_go_through_ingest(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit("滨州职业学院", UnitKind::HigherVocationalCollege, "binzhou")
        .await;
    let (_, hr) = app
        .unit("滨州市人社局", UnitKind::CityHrBureau, "binzhou")
        .await;
    let send = |token: String, purpose: &'static str, name: &'static str, bytes: Vec<u8>| {
        let app = &app;
        async move {
            let form = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            );
            let response = app
                .client
                .post(app.url(&format!("{UNIT}/documents/{purpose}")))
                .bearer_auth(token)
                .multipart(form)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let plan = "<html><body><h1>滨州职业学院活动周方案</h1><p>开放校园。</p></body></html>"
        .as_bytes()
        .to_vec();
    app.pin_clock("2021-05-21 18:00:00");
    let (status, report) = send(unit.clone(), "plan", "活动周方案.html", plan.clone()).await;
    assert_eq!(status, 201, "{report}");
    assert_eq!(report["plan"]["status"], "on_time");
    assert_eq!(report["plan"]["current"]["filename"], "活动周方案.html");
    assert_eq!(report["plan"]["versions"], 1);
    // The plan is the unit's document, not an item for the editors' queue.
    assert_eq!(app.count("assets").await, 0);

    // The stored bytes come back named as sent.
    let response = app
        .client
        .get(app.url(&format!("{UNIT}/documents/plan")))
        .bearer_auth(&unit)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    assert_eq!(response.bytes().await.unwrap().to_vec(), plan);

    // Bad documents: a photo is not a plan, a fake document is refused by its bytes, empty.
    let (status, body) = send(
        unit.clone(),
        "plan",
        "plan.jpg",
        vocweek_tests::media::real_jpeg(1, 32, 32),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (415, Some("kind-mismatch"))
    );
    let (status, _) = send(
        unit.clone(),
        "plan",
        "plan.docx",
        b"MZ\x90\x00 not a document".to_vec(),
    )
    .await;
    assert_eq!(status, 415);
    let (status, body) = send(unit.clone(), "plan", "plan.txt", Vec::new()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (415, Some("empty-file"))
    );
    let (status, body) = send(unit.clone(), "budget", "x.txt", b"x".to_vec()).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(
        app.staged_files().await,
        0,
        "refused documents leave nothing staged"
    );

    // A later version replaces it; the first version still dates the submission.
    app.pin_clock("2021-05-25 08:00:00");
    let (_, report) = send(
        unit.clone(),
        "plan",
        "方案（修订）.txt",
        "修订版方案".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(report["plan"]["status"], "on_time");
    assert_eq!(report["plan"]["versions"], 2);
    assert_eq!(report["plan"]["current"]["filename"], "方案（修订）.txt");

    // The summary report, late after 2021-06-02 (Beijing).
    app.pin_clock("2021-06-04 09:00:00");
    let (status, report) = send(
        unit.clone(),
        "summary_report",
        "总结报告.html",
        "<p>总结</p>".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(report["summary_report"]["status"], "late");
    // An HR bureau sends a plan but no summary report (those go to the education department).
    let (status, _) = send(
        hr.clone(),
        "plan",
        "人社方案.txt",
        "人社局方案".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(status, 201);
    let (status, body) = send(hr, "summary_report", "总结.txt", "总结".as_bytes().to_vec()).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("not-a-reporting-unit"))
    );

    // The same bytes sent as an item and then deleted do not take the plan's bytes with them.
    let id = app
        .upload_id(
            &unit,
            vocweek_tests::Upload::new("方案（修订）.txt", "修订版方案".as_bytes().to_vec()),
        )
        .await;
    let (status, _) = app
        .call(
            &unit,
            reqwest::Method::DELETE,
            &format!("/api/v1/assets/{id}"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let (status, _, bytes) = app.fetch(&unit, &format!("{UNIT}/documents/plan")).await;
    assert_eq!((status, bytes), (200, "修订版方案".as_bytes().to_vec()));
    app.stop().await;
}

async fn units_see_their_own_desks_see_their_units(backend: Backend) {
    let app = spawn_app(backend).await;
    let (college_id, college) = app
        .unit(
            "枣庄职业学院",
            UnitKind::HigherVocationalCollege,
            "zaozhuang",
        )
        .await;
    let (other_id, other) = app
        .unit(
            "枣庄科技职业学院",
            UnitKind::HigherVocationalCollege,
            "zaozhuang",
        )
        .await;
    let (hr_id, _) = app
        .unit("枣庄技师学院", UnitKind::TechnicalCollege, "zaozhuang")
        .await;
    let edu = app.user_session("edu", Role::Editor, Some(Desk::Edu)).await;
    let hr_editor = app.user_session("hr", Role::Editor, Some(Desk::Hr)).await;
    let admin = app.user_session("admin", Role::Admin, None).await;
    let (_, partner_key) = app.services.db.create_partner("大众网").await.unwrap();
    let units = |id: i32| format!("/api/v1/campaigns/current/units/{id}");

    let (status, _) = app
        .call(
            &college,
            reqwest::Method::PUT,
            &format!("{UNIT}/statistics"),
            Some(json!({ "teachers": 5 })),
        )
        .await;
    assert_eq!(status, 200);
    // A unit sees and edits only its own.
    // Another unit's id is as unknown to a unit as an id that does not exist.
    let (status, _) = app
        .get(&other, &format!("{}/report", units(college_id)))
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .call(
            &other,
            reqwest::Method::PUT,
            &format!("{}/statistics", units(college_id)),
            Some(json!({ "teachers": 1 })),
        )
        .await;
    assert_eq!(status, 404);
    let (status, own) = app
        .get(&other, &format!("{}/report", units(other_id)))
        .await;
    assert_eq!(status, 200, "{own}");
    // Desks read their units, never write them.
    let (status, report) = app
        .get(&edu, &format!("{}/report", units(college_id)))
        .await;
    assert_eq!(status, 200);
    assert_eq!(report["statistics"]["figures"]["teachers"], 5);
    let (status, body) = app
        .call(
            &edu,
            reqwest::Method::PUT,
            &format!("{}/statistics", units(college_id)),
            Some(json!({ "teachers": 6 })),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("not-your-unit"))
    );
    let (status, _) = app.get(&edu, &format!("{}/report", units(hr_id))).await;
    assert_eq!(status, 403, "the technical college reports to the HR desk");
    let (status, _) = app
        .get(&hr_editor, &format!("{}/report", units(hr_id)))
        .await;
    assert_eq!(status, 200);
    let (_, readiness) = app
        .get(&hr_editor, "/api/v1/campaigns/current/readiness")
        .await;
    let names: Vec<&str> = readiness["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["枣庄技师学院"]);
    let (_, readiness) = app.get(&admin, "/api/v1/campaigns/current/readiness").await;
    assert_eq!(readiness["units"].as_array().unwrap().len(), 3);
    // Units and partners have no overview.
    for token in [&college, &partner_key] {
        let (status, _) = app.get(token, "/api/v1/campaigns/current/readiness").await;
        assert_eq!(status, 403);
        let (status, _, _) = app
            .fetch(token, "/api/v1/campaigns/current/statistics.xlsx")
            .await;
        assert_eq!(status, 403);
    }
    let (status, _) = app
        .get(&partner_key, &format!("{}/report", units(college_id)))
        .await;
    assert_eq!(status, 403);
    let (status, _) = app
        .get(&admin, "/api/v1/campaigns/current/units/99999/report")
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .get(&admin, "/api/v1/campaigns/current/units/me/report")
        .await;
    assert_eq!(status, 400, "'me' is for units");
    let (status, _) = app
        .get(&admin, "/api/v1/campaigns/shandong-1999/readiness")
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .get("not-a-token", &format!("{}/report", units(college_id)))
        .await;
    assert_eq!(status, 401);
    app.stop().await;
}

both_databases!(
    a_new_years_campaign_is_data,
    website_and_liaison_are_checked_and_dated,
    the_statistics_table_from_draft_to_late_correction,
    plans_and_summary_reports_go_through_ingest,
    units_see_their_own_desks_see_their_units,
);

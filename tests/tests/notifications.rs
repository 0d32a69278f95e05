//! Notices to units (issue 19), mailed through a real SMTP server (`tests/clients/smtp_sink.py`
//! on aiosmtpd, which decodes what it receives with Python's email module): a returned item's
//! email reaches the unit's liaison with the item's title and the editor's note in Chinese, and
//! the unit reads the notice at `/api/v1/notices` and marks it read; the desk's reminder reaches
//! the units of its desk that sent nothing today, once a day (asked again, it reminds nobody and
//! mails nothing); a unit without a liaison email is told on its page only; the tracker shows
//! the missing units' liaisons and that today's reminder went; a day of the week that ended with
//! nothing sent, and a report past its deadline, are recorded once however often it is checked.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::media::real_jpeg;
use vocweek_tests::smtp_sink::SmtpSink;
use vocweek_tests::web_session::csrf_from;
use vocweek_tests::{AppOptions, Backend, TestApp, Upload, both_databases, spawn_app_with};

/// Waits until no notice's email is pending (sent, refused, or nobody to send it to).
async fn outbox_settled(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while app
        .count("notifications WHERE mail_state = 'pending'")
        .await
        != 0
    {
        assert!(Instant::now() < deadline, "emails stayed pending");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn register_liaison(app: &TestApp, unit: &str, name: &str, mobile: &str, email: &str) {
    let (status, body) = app
        .call(
            unit,
            Method::PUT,
            "/api/v1/campaigns/current/units/me/registration",
            Some(json!({ "liaison": { "name": name, "mobile": mobile, "email": email } })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

async fn remind(app: &TestApp, staff: &str) -> Value {
    let (status, body) = app
        .call(staff, Method::POST, "/api/v1/tracker/reminders", None)
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn notices_reach_units_and_their_liaisons(backend: Backend) {
    let sink = SmtpSink::start();
    let app = spawn_app_with(
        backend,
        AppOptions {
            smtp_port: Some(sink.port),
            ..AppOptions::default()
        },
    )
    .await;
    // A day of the 2021 week, in the afternoon, Beijing time.
    app.pin_clock("2021-05-24 15:00:00");
    let (_, college) = app
        .unit("淄博职业学院", UnitKind::HigherVocationalCollege, "zibo")
        .await;
    let (bureau_id, bureau) = app
        .unit("潍坊市教育局", UnitKind::CityBureau, "weifang")
        .await;
    let (_, hr) = app
        .unit("潍坊市人社局", UnitKind::CityHrBureau, "weifang")
        .await;
    // The bureau registers no liaison: it has no address to mail.
    register_liaison(
        &app,
        &college,
        "王老师",
        "13905330000",
        "liaison-zibo@example.test",
    )
    .await;
    register_liaison(
        &app,
        &hr,
        "李老师",
        "13800000001",
        "hr-weifang@example.test",
    )
    .await;
    let editor = app.user_session("edu", Role::Editor, Some(Desk::Edu)).await;
    let admin = app.user_session("chief", Role::Admin, None).await;

    // An editor returns the college's photo with a note: its liaison is mailed.
    let upload = Upload::new("a.jpg", real_jpeg(31, 320, 240))
        .without("title")
        .field("title", "技能大赛开幕式");
    let photo = app.upload_id(&college, upload).await;
    app.wait_for_state(&college, &photo, "pending_review").await;
    let (_, asset) = app.get(&editor, &format!("/api/v1/assets/{photo}")).await;
    let note = "请补充拍摄地点和时间";
    let (status, body) = app
        .call(
            &editor,
            Method::POST,
            &format!("/api/v1/assets/{photo}/review"),
            Some(json!({ "action": "return", "note": note, "version": asset["version"] })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let mail = sink.wait_for(1).await;
    let returned = &mail[0];
    assert_eq!(
        returned["envelope_to"],
        json!(["liaison-zibo@example.test"])
    );
    assert!(
        returned["to"].as_str().unwrap().contains("王老师"),
        "{returned}"
    );
    assert!(
        returned["from"]
            .as_str()
            .unwrap()
            .contains("vocweek@example.test")
    );
    let subject = returned["subject"].as_str().unwrap();
    assert_eq!(subject, "素材「技能大赛开幕式」被退回修改");
    let text = returned["body"].as_str().unwrap();
    assert!(text.contains("淄博职业学院联络员"), "{text}");
    assert!(text.contains("「技能大赛开幕式」被退回修改"), "{text}");
    assert!(text.contains(&format!("修改意见：{note}")), "{text}");

    // The unit reads it on its page and marks it read; nobody else reaches it.
    let (status, notices) = app.get(&college, "/api/v1/notices").await;
    assert_eq!(status, 200, "{notices}");
    assert_eq!(notices["unread"], 1, "{notices}");
    let notice = &notices["notices"][0];
    assert_eq!(notice["kind"], "item-returned");
    assert_eq!(notice["asset_id"], photo.as_str());
    assert_eq!(notice["read"], false);
    let sentence = notice["sentence"].as_str().unwrap();
    assert!(
        sentence.contains("技能大赛开幕式") && sentence.contains(note),
        "{sentence}"
    );
    let read = format!("/api/v1/notices/{}/read", notice["id"]);
    let (status, _) = app.call(&bureau, Method::POST, &read, None).await;
    assert_eq!(
        status, 404,
        "another unit's notice does not exist for the bureau"
    );
    let (status, _) = app.call(&editor, Method::POST, &read, None).await;
    assert_eq!(status, 403);
    for _ in 0..2 {
        let (status, body) = app.call(&college, Method::POST, &read, None).await;
        assert_eq!(status, 204, "{body}");
    }
    let (_, notices) = app.get(&college, "/api/v1/notices").await;
    assert_eq!(
        (
            notices["unread"].as_i64(),
            notices["notices"][0]["read"].as_bool()
        ),
        (Some(0), Some(true))
    );
    let (status, _) = app.get(&admin, "/api/v1/notices").await;
    assert_eq!(status, 403, "staff have no notices of their own");

    // The reminder: the college sent today; the edu desk reminds the bureau (which has no
    // address), the admin also the HR bureau; asked again, nobody is reminded twice.
    let edu = remind(&app, &editor).await;
    assert_eq!(
        (
            edu["day"].as_str(),
            edu["reminded"].as_i64(),
            edu["already_reminded"].as_i64()
        ),
        (Some("2021-05-24"), Some(1), Some(0)),
        "{edu}"
    );
    let all = remind(&app, &admin).await;
    assert_eq!(
        (all["reminded"].as_i64(), all["already_reminded"].as_i64()),
        (Some(1), Some(1)),
        "{all}"
    );
    outbox_settled(&app).await;
    let mail = sink.wait_for(2).await;
    assert_eq!(
        mail.len(),
        2,
        "one reminder mailed, to the only liaison: {mail:#?}"
    );
    assert_eq!(mail[1]["envelope_to"], json!(["hr-weifang@example.test"]));
    assert_eq!(mail[1]["subject"], "提醒：2021-05-24 尚未报送活动周素材");
    let again = remind(&app, &admin).await;
    assert_eq!(
        (
            again["reminded"].as_i64(),
            again["already_reminded"].as_i64()
        ),
        (Some(0), Some(2)),
        "{again}"
    );
    assert_eq!(
        app.count("notifications WHERE kind = 'daily-reminder'")
            .await,
        2
    );
    let (_, bureau_notices) = app.get(&bureau, "/api/v1/notices").await;
    assert_eq!(bureau_notices["notices"][0]["kind"], "daily-reminder");
    let told = bureau_notices["notices"][0]["sentence"].as_str().unwrap();
    assert!(told.contains("2021-05-24"), "{told}");
    assert_eq!(
        app.count(&format!(
            "notifications WHERE unit_id = {bureau_id} AND mail_state = 'no-address'"
        ))
        .await,
        1,
        "the bureau is told on its page only"
    );

    // The tracker: the missing units' liaisons, today's reminder gone to both, the button
    // disabled; the page's own form reminds nobody again and says so.
    let (status, page) = app.page(&admin, "/tracker").await;
    assert_eq!(status, 200);
    assert!(page.contains("联络员 李老师"), "{page}");
    assert!(page.contains("13800000001"), "{page}");
    assert!(page.contains("未登记联络员"), "{page}");
    assert_eq!(page.matches("今日已提醒").count(), 2, "{page}");
    assert!(
        page.contains("<button disabled>今天已提醒过</button>"),
        "{page}"
    );
    let csrf = csrf_from(&page).unwrap();
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url("/tracker/reminders"))
        .header("cookie", format!("vw_session={admin}"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, "/tracker?reminded=0&already=2");
    let (_, page) = app.page(&admin, &location).await;
    assert!(page.contains("今天已提醒过，未重复发送。"), "{page}");
    outbox_settled(&app).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(sink.received().len(), 2, "no second reminder was mailed");

    // After midnight: the days that ended without material, and the plan, website and liaison
    // due on 22 May, are recorded once, however often the workers look.
    app.pin_clock("2021-05-25 00:30:00");
    let campaign = app.services.ingestor.campaign();
    let now = app.services.db.clock().now();
    let db = &app.services.db;
    vocweek_pipeline::mail::record_missed_deadlines(db, &campaign.campaign, now)
        .await
        .unwrap();
    let again = vocweek_pipeline::mail::record_missed_deadlines(db, &campaign.campaign, now)
        .await
        .unwrap();
    assert_eq!(again, 0, "nothing is recorded twice");
    // The 24th: the bureau and the HR bureau sent nothing (the college did); the 23rd: all
    // three (the 22nd ended more than two days ago: too late to tell, `deadlines.rs`).
    let missed =
        |day: &str| format!("notifications WHERE kind = 'daily-missed' AND dedupe_key = '{day}'");
    assert_eq!(app.count(&missed("2021-05-24")).await, 2);
    assert_eq!(app.count(&missed("2021-05-23")).await, 3);
    assert_eq!(app.count(&missed("2021-05-22")).await, 0);
    let overdue = |part: &str| {
        format!("notifications WHERE kind = 'report-overdue' AND dedupe_key LIKE '%:{part}'")
    };
    assert_eq!(app.count(&overdue("plan")).await, 3);
    assert_eq!(app.count(&overdue("website")).await, 3);
    assert_eq!(
        app.count(&overdue("liaison")).await,
        1,
        "only the bureau has none"
    );
    assert_eq!(app.count(&overdue("statistics")).await, 0, "due on 2 June");
    // Mailed to the two liaisons: the HR bureau's two missed days, the college's one, and
    // each one's plan and website; none to the bureau.
    outbox_settled(&app).await;
    let mail = sink.wait_for(9).await;
    assert_eq!(mail.len(), 9, "{mail:#?}");
    let liaisons = [
        json!(["liaison-zibo@example.test"]),
        json!(["hr-weifang@example.test"]),
    ];
    assert!(
        mail.iter().all(|m| liaisons.contains(&m["envelope_to"])),
        "{mail:#?}"
    );
    let missed_24 = mail
        .iter()
        .find(|m| m["subject"] == "2021-05-24 未报送活动周素材")
        .unwrap_or_else(|| panic!("no missed-day email: {mail:#?}"));
    assert_eq!(missed_24["envelope_to"], json!(["hr-weifang@example.test"]));
    assert!(mail.iter().any(|m| m["subject"] == "活动周方案已逾期未报送"
        && m["envelope_to"] == json!(["liaison-zibo@example.test"])));
    let (_, hr_notices) = app.get(&hr, "/api/v1/notices").await;
    let kinds: Vec<&str> = hr_notices["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "daily-missed").count(), 2);
    assert_eq!(kinds.iter().filter(|k| **k == "report-overdue").count(), 2);
    assert!(kinds.contains(&"daily-reminder"));
    app.stop().await;
}

both_databases!(notices_reach_units_and_their_liaisons);

//! The dashboard and the tracker count one thing (issue 19): what the desk's daily units
//! uploaded on a Beijing day, failed files left out, by the day it was sent and not the
//! activity date typed with it; a city that sent nothing is drawn, in red, not left out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use vocweek_domain::{Desk, Role, UnitKind};
use vocweek_tests::media::real_jpeg;
use vocweek_tests::{Backend, Upload, both_databases, spawn_app};

/// What the tracker's JSON says the units of a city (slug) sent.
fn tracker_city_total(tracker: &Value, city: &str) -> i64 {
    tracker["sent"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["unit"]["city"] == city)
        .map(|s| s["total"].as_i64().unwrap())
        .sum()
}

/// The count on a city's bar (its Chinese name) of the dashboard page.
fn dashboard_count(html: &str, city_zh: &str) -> i64 {
    let after = html
        .split(&format!("data-city=\"{city_zh}\" data-count=\""))
        .nth(1)
        .unwrap_or_else(|| panic!("a bar for {city_zh}: {html}"));
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap()
}

/// Whether the city's bar is the red mark of a city that sent nothing.
fn marked_empty(html: &str, city_zh: &str) -> bool {
    html.contains(&format!(
        "class=\"bar empty\" data-city=\"{city_zh}\" data-count=\"0\""
    ))
}

async fn the_dashboard_and_the_tracker_count_the_same_uploads(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, weifang) = app
        .unit("潍坊职业学院", UnitKind::HigherVocationalCollege, "weifang")
        .await;
    let (_, jinan) = app
        .unit("济南职业学院", UnitKind::HigherVocationalCollege, "jinan")
        .await;
    let _silent = app
        .unit("菏泽职业学院", UnitKind::HigherVocationalCollege, "heze")
        .await;
    let editor = app.user_session("edu", Role::Editor, Some(Desk::Edu)).await;

    // 22 May: two photos from Weifang and a broken one (half a JPEG), which fails; Jinan sends
    // a photo of an activity held the next day.
    app.pin_clock("2021-05-22 10:00:00");
    for seed in [1, 2] {
        let upload = Upload::new(&format!("{seed}.jpg"), real_jpeg(seed, 64, 48));
        let id = app.upload_id(&weifang, upload).await;
        app.wait_for_state(&weifang, &id, "pending_review").await;
    }
    let jpeg = real_jpeg(3, 320, 240);
    let broken = app
        .upload_id(
            &weifang,
            Upload::new("cut.jpg", jpeg[..jpeg.len() / 2].to_vec()),
        )
        .await;
    app.wait_for_state(&weifang, &broken, "failed").await;
    let ahead = Upload::new("明天.jpg", real_jpeg(4, 64, 48)).field("activity_date", "2021-05-23");
    let ahead = app.upload_id(&jinan, ahead).await;
    app.wait_for_state(&jinan, &ahead, "pending_review").await;
    // 23 May: one more from Jinan, of that day.
    app.pin_clock("2021-05-23 10:00:00");
    let today = app
        .upload_id(&jinan, Upload::new("5.jpg", real_jpeg(5, 64, 48)))
        .await;
    app.wait_for_state(&jinan, &today, "pending_review").await;

    // Weifang's failed file counts on neither page; Jinan's early photo counts on the 22nd, the
    // day it was sent, not the 23rd it is about.
    let expected = [
        (
            "2021-05-22",
            [
                ("weifang", "潍坊", 2_i64),
                ("jinan", "济南", 1),
                ("heze", "菏泽", 0),
            ],
        ),
        (
            "2021-05-23",
            [
                ("weifang", "潍坊", 0),
                ("jinan", "济南", 1),
                ("heze", "菏泽", 0),
            ],
        ),
    ];
    for (day, cities) in expected {
        let (status, tracker) = app
            .get(
                &editor,
                &format!("/api/v1/campaigns/current/tracker?day={day}"),
            )
            .await;
        assert_eq!(status, 200, "{tracker}");
        let (status, html) = app.page(&editor, &format!("/dashboard?day={day}")).await;
        assert_eq!(status, 200);
        assert!(html.contains(&format!("{day} 各市报送数量")), "{html}");
        for (slug, zh, count) in cities {
            assert_eq!(
                tracker_city_total(&tracker, slug),
                count,
                "the tracker: {slug} on {day}"
            );
            assert_eq!(
                dashboard_count(&html, zh),
                count,
                "the dashboard: {zh} on {day}"
            );
            assert_eq!(marked_empty(&html, zh), count == 0, "{zh} on {day}: {html}");
        }
    }

    let (_, html) = app.page(&editor, "/dashboard?day=2021-05-22").await;
    assert!(html.contains("按上传日期（北京时间）统计，不含处理失败的素材"));
    assert!(html.contains("<text class=\"empty\"") && html.contains("0 · 未报送"));
    assert!(
        html.contains("state-failed"),
        "the states' table still counts the failed file"
    );
    assert!(
        html.contains("href=\"/dashboard?day=2021-05-28\""),
        "the links are the week's days"
    );
    // A day outside the week shows today's instead; the tracker's page agrees with its JSON.
    let (_, html) = app.page(&editor, "/dashboard?day=2021-06-10").await;
    assert!(html.contains("2021-05-23 各市报送数量"), "{html}");
    let (_, html) = app.page(&editor, "/tracker").await;
    assert!(html.contains("data-city=\"jinan\" data-day=\"2021-05-22\" data-count=\"1\""));
    assert!(html.contains("data-city=\"weifang\" data-day=\"2021-05-22\" data-count=\"2\""));
    app.stop().await;
}

both_databases!(the_dashboard_and_the_tracker_count_the_same_uploads);

//! The editor's item page over HTTP (issue 19, item 4): its 基本信息 (unit, city, activity date,
//! category, themes, file), the 疑似重复 with their thumbnails and the side-by-side comparison
//! (another desk's item answered 404), only the decisions the item's state allows, each with its
//! own reason box, the history naming who did what, and a decision going on to the next item of
//! the filtered queue the page was opened from.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use vocweek_domain::UnitKind;
use vocweek_tests::media::real_jpeg;
use vocweek_tests::web_session::{WebSession, sign_in_browser};
use vocweek_tests::{Backend, TestApp, Upload, both_databases, spawn_app};

/// The queue's filter the test opens items from, as the cards' links carry it.
const BACK: &str = "back=state%3Dpending_review";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Uploads a photo and waits until it is ready for review.
async fn photo(app: &TestApp, unit: &str, upload: Upload) -> String {
    let id = app.upload_id(unit, upload).await;
    app.wait_for_state(unit, &id, "pending_review").await;
    id
}

/// The ids of the cards a queue page lists, in its order.
fn card_ids(html: &str) -> Vec<String> {
    html.split("data-id=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

/// The page's first 基本信息 list (`<dl class="facts">`).
fn facts(html: &str) -> &str {
    let list = html
        .split("<dl class=\"facts\">")
        .nth(1)
        .expect("a facts list");
    &list[..list.find("</dl>").unwrap()]
}

/// Posts an item page's decision form (at the item's current version, read through the unit's
/// token) with `fields`; returns the status and where it redirects.
async fn decide(
    app: &TestApp,
    web: &WebSession,
    unit: &str,
    id: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let (_, asset) = app.get(unit, &format!("/api/v1/assets/{id}")).await;
    let mut form = vec![
        ("csrf".to_owned(), web.csrf.clone()),
        ("version".to_owned(), asset["version"].to_string()),
    ];
    form.extend(
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    let response = client()
        .post(app.url(&format!("/queue/{id}/review")))
        .header("cookie", format!("vw_session={}", web.session))
        .form(&form)
        .send()
        .await
        .unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (response.status().as_u16(), location)
}

async fn the_editor_s_item_page(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, unit) = app
        .unit(
            "聊城职业技术学院",
            UnitKind::HigherVocationalCollege,
            "liaocheng",
        )
        .await;
    let (_, hr_unit) = app
        .unit("聊城市人社局", UnitKind::CityHrBureau, "liaocheng")
        .await;
    let tagged = Upload::new("全景.jpg", real_jpeg(31, 320, 240))
        .field("title", "开幕式全景")
        .field("city", "jinan")
        .field("category", "national_event")
        .field("subcategory", "launch_ceremony")
        .field("themes", "policy")
        .field("activity_date", "2021-05-23");
    let first = photo(&app, &unit, tagged).await;
    // The same picture at half the size, as a chat app forwards it: a probable duplicate.
    let forwarded =
        Upload::new("全景-转发.jpg", real_jpeg(31, 160, 120)).field("title", "开幕式全景转发");
    let second = photo(&app, &unit, forwarded).await;
    photo(
        &app,
        &unit,
        Upload::new("技能.jpg", real_jpeg(32, 64, 48)).field("title", "技能比赛"),
    )
    .await;
    let other_desk = photo(
        &app,
        &hr_unit,
        Upload::new("人社.jpg", real_jpeg(33, 64, 48)).field("title", "人社局活动"),
    )
    .await;
    app.create_editor().await;
    let web = sign_in_browser(&app.base_url, "editor", "a long editor password").await;
    let session = web.session.clone();

    // 基本信息 in Chinese, and the decisions a pending item allows, each with its own box.
    let (status, html) = app.page(&session, &format!("/queue/{first}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("基本信息"));
    // Read in the list itself: the edit form's choices name every city and category.
    let shown = facts(&html);
    for (label, value) in [
        ("报送单位", "聊城职业技术学院"),
        ("城市", "济南"),
        ("活动日期", "2021-05-23"),
        ("活动类别", "全国性活动"),
        ("具体活动", "启动仪式暨技能大赛开幕式"),
        ("主题", "宣传方针政策"),
        ("原始文件名", "全景.jpg"),
        ("尺寸", "320 × 240"),
    ] {
        assert!(
            shown.contains(&format!("<dt>{label}</dt><dd>{value}</dd>")),
            "基本信息 should say {label} {value}: {shown}"
        );
    }
    assert!(shown.contains("<dt>文件大小</dt>") && shown.contains("<dt>上传时间</dt>"));
    for action in ["approve", "reject", "return"] {
        assert!(
            html.contains(&format!("data-action=\"{action}\"")),
            "a pending item offers {action}"
        );
    }
    for action in ["recommend", "reopen"] {
        assert!(
            !html.contains(&format!("data-action=\"{action}\"")),
            "a pending item does not offer {action}"
        );
    }
    assert!(html.contains("id=\"note-reject\"") && html.contains("id=\"note-return\""));
    assert!(
        !html.contains("id=\"note-approve\""),
        "approving takes no reason"
    );

    // The probable duplicate: its thumbnail, its page, the comparison of both.
    let (_, html) = app.page(&session, &format!("/queue/{second}")).await;
    assert!(html.contains("疑似重复"), "{html}");
    assert!(html.contains(&format!("/api/v1/assets/{first}/renditions/thumb")));
    let compare = format!("/queue/{second}/compare/{first}");
    assert!(html.contains(&format!("href=\"{compare}\"")), "{html}");
    let (status, html) = app.page(&session, &compare).await;
    assert_eq!(status, 200);
    for shown in [
        "开幕式全景转发".to_owned(),
        "<dd>启动仪式暨技能大赛开幕式</dd>".to_owned(),
        format!("/api/v1/assets/{first}/renditions/preview"),
        format!("/api/v1/assets/{second}/renditions/preview"),
    ] {
        assert!(
            html.contains(&shown),
            "the comparison should show {shown}: {html}"
        );
    }
    for path in [
        format!("/queue/{first}/compare/{other_desk}"),
        format!("/queue/{other_desk}/compare/{first}"),
    ] {
        let (status, html) = app.page(&session, &path).await;
        assert_eq!(status, 404, "{path}");
        assert!(
            !html.contains("人社局活动"),
            "{path} names the other desk's item"
        );
    }

    // The filtered queue's cards open their item in that queue; its page leads back and on.
    let (_, queue) = app.page(&session, "/queue?state=pending_review").await;
    let order = card_ids(&queue);
    assert_eq!(order.len(), 3, "the desk's three items: {order:?}");
    assert!(
        queue.contains(&format!("href=\"/queue/{}?{BACK}\"", order[0])),
        "{queue}"
    );
    let (_, html) = app
        .page(&session, &format!("/queue/{}?{BACK}", order[0]))
        .await;
    assert!(html.contains("name=\"back\" value=\"state=pending_review\""));
    assert!(
        html.contains("href=\"/queue?state=pending_review\""),
        "返回队列"
    );
    assert!(
        html.contains(&format!("rel=\"next\" href=\"/queue/{}?{BACK}\"", order[1])),
        "{html}"
    );

    // Returning needs its note; with it, the editor goes on to the queue's next item.
    let queue_back = [("back", "state=pending_review")];
    let without_note = [("action", "return"), ("note", " "), queue_back[0]];
    let (status, location) = decide(&app, &web, &unit, &order[0], &without_note).await;
    assert_eq!(status, 303);
    assert_eq!(location, format!("/queue/{}?error=note&{BACK}", order[0]));
    let with_note = [
        ("action", "return"),
        ("note", "请补充活动说明"),
        queue_back[0],
    ];
    let (status, location) = decide(&app, &web, &unit, &order[0], &with_note).await;
    assert_eq!(status, 303);
    assert_eq!(location, format!("/queue/{}?{BACK}", order[1]));

    // The history names who did what; a returned item may only be reopened.
    let (_, html) = app.page(&session, &format!("/queue/{}", order[0])).await;
    for shown in [
        "历史记录",
        "操作人",
        "单位 聊城职业技术学院",
        "系统",
        "编辑 editor",
        "请补充活动说明",
        "待审核 → 已退回",
    ] {
        assert!(
            html.contains(shown),
            "the history should show {shown}: {html}"
        );
    }
    assert!(html.contains("data-action=\"reopen\"") && !html.contains("data-action=\"approve\""));

    // An approved item is not offered 通过 again; the queue's last item leads back to the queue.
    let approve = [("action", "approve"), queue_back[0]];
    let (_, location) = decide(&app, &web, &unit, &order[1], &approve).await;
    assert_eq!(location, format!("/queue/{}?{BACK}", order[2]));
    let (_, html) = app.page(&session, &format!("/queue/{}", order[1])).await;
    assert!(!html.contains("data-action=\"approve\""), "{html}");
    assert!(html.contains("data-action=\"recommend\""));
    let (_, location) = decide(&app, &web, &unit, &order[2], &approve).await;
    assert_eq!(location, "/queue?state=pending_review");
    // Opened without a queue, a decision goes to the default queue as before.
    let reopen = [("action", "reopen")];
    let (_, location) = decide(&app, &web, &unit, &order[2], &reopen).await;
    assert_eq!(location, "/queue");
    app.stop().await;
}

both_databases!(the_editor_s_item_page);

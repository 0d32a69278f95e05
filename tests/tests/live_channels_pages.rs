//! 网上观赛通道 pages (issue 21): an editor opens a channel from the list's form and reads its
//! stream key once, with the RTMP server beside it (or why there is none); the list, the
//! channel's page and 观看 never show the key again, and the answer that shows it is not
//! cached. A new key replaces the old (the API's key hint follows it), a revoked key is shown
//! as such. A unit person sees, opens and manages the unit's own channels and opens none for
//! another unit; another unit's person is told the channel does not exist; a partner's key,
//! a unit's token and nobody are sent to a sign-in.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use vocweek_db::members::NewMember;
use vocweek_domain::{Desk, Role, UnitKind, UnitRole};
use vocweek_tests::web_session::csrf_from;
use vocweek_tests::{Backend, TestApp, both_databases, spawn_app};

/// How every stream key starts (`vocweek_app::channels`).
const KEY_PREFIX: &str = "vwl_";
/// The warning beside a key shown once.
const ONCE: &str = "串流密钥只显示这一次，请立即复制到 OBS";
const TITLE: &str = "全省职业院校技能大赛（烹饪赛项）现场直播";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // Below the server's keep-alive: a pooled connection is never reused as it closes.
        .pool_idle_timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap()
}

/// A page's answer to a form or a visit.
struct Answer {
    status: u16,
    location: String,
    cache_control: String,
    html: String,
}

async fn answer(response: reqwest::Response) -> Answer {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (location, cache_control) = (header("location"), header("cache-control"));
    Answer {
        status: response.status().as_u16(),
        location,
        cache_control,
        html: response.text().await.unwrap_or_default(),
    }
}

/// A form posted from a page as the signed-in browser does.
async fn post_form(app: &TestApp, session: &str, path: &str, form: &[(&str, &str)]) -> Answer {
    let response = client()
        .post(app.url(path))
        .header("cookie", format!("vw_session={session}"))
        .form(form)
        .send()
        .await
        .unwrap();
    answer(response).await
}

/// The list's form posted with `fields`.
async fn open_channel(app: &TestApp, session: &str, fields: &[(&str, String)]) -> Answer {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post_form(app, session, "/channels", &fields).await
}

/// A GET with the cookie holding `credential` (a session, a token), or with no cookie.
async fn visit(app: &TestApp, credential: Option<&str>, path: &str) -> Answer {
    let mut request = client().get(app.url(path));
    if let Some(credential) = credential {
        request = request.header("cookie", format!("vw_session={credential}"));
    }
    answer(request.send().await.unwrap()).await
}

/// The stream key a page shows: `vwl_` and what follows it.
fn shown_key(html: &str) -> Option<String> {
    let start = html.find(KEY_PREFIX)?;
    Some(
        html[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect(),
    )
}

/// The channel a channel's page is about (`data-channel`).
fn channel_id(html: &str) -> String {
    let marker = "data-channel=\"";
    let start = html.find(marker).expect("the page names its channel") + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

/// A unit person of `unit_id` who has chosen their own password, signed in: their session.
async fn unit_person(app: &TestApp, unit_id: i32, username: &str) -> String {
    let db = &app.services.db;
    let first = "the generated first password";
    let person = db
        .create_member(NewMember {
            unit_id,
            username,
            display_name: "直播联络员",
            role: UnitRole::UnitAdmin,
            password: first,
        })
        .await
        .unwrap();
    db.change_own_member_password(person.id, first, "the person's own long password")
        .await
        .unwrap()
        .unwrap();
    db.start_member_session(unit_id, person.id).await.unwrap()
}

async fn an_editor_opens_a_channel_and_reads_its_key_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let (zibo, zibo_token) = app
        .unit("淄博职业学院", UnitKind::HigherVocationalCollege, "zibo")
        .await;
    let (weifang, _) = app
        .unit("潍坊职业学院", UnitKind::HigherVocationalCollege, "weifang")
        .await;
    let editor = app
        .user_session("live-editor", Role::Editor, Some(Desk::Edu))
        .await;

    // The list: nothing yet, the menu's 网上观赛 marked, the form with the desk's units and
    // the week's themes.
    let (status, html) = app.page(&editor, "/channels").await;
    assert_eq!(status, 200, "{html}");
    for shown in [
        "本届活动周还没有网上观赛通道",
        "href=\"/channels\" aria-current=\"page\"",
        "action=\"/channels\"",
        "淄博职业学院",
        "乡村振兴",
        "type=\"datetime-local\"",
    ] {
        assert!(html.contains(shown), "{shown}: {html}");
    }
    let csrf = csrf_from(&html).unwrap();
    let zibo_id = zibo.to_string();
    let new_channel = |title: &'static str, themes: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("title", title.to_owned()),
            ("unit_id", zibo_id.clone()),
            ("city", String::new()),
            ("themes", themes.to_owned()),
            ("themes", "annual_theme".to_owned()),
            ("scheduled_start", "2021-05-24T09:30".to_owned()),
        ]
    };

    // What the page can tell is refused in its words, and what was typed stays.
    let refused = open_channel(&app, &editor, &new_channel("", "rural_revitalization")).await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(refused.html.contains("请填写标题"), "{}", refused.html);
    let mut without_unit = new_channel(TITLE, "rural_revitalization");
    without_unit.retain(|(name, _)| *name != "unit_id");
    let refused = open_channel(&app, &editor, &without_unit).await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(refused.html.contains("请选择承办单位"), "{}", refused.html);
    // A theme the week does not have is the service's refusal, told in Chinese.
    let refused = open_channel(&app, &editor, &new_channel(TITLE, "no_such_theme")).await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(
        refused.html.contains("通道信息不符合要求"),
        "{}",
        refused.html
    );
    assert!(refused.html.contains(TITLE), "{}", refused.html);
    assert!(!refused.html.contains(KEY_PREFIX), "{}", refused.html);

    // Opened: the channel's page with the key, once, the warning and the server.
    let opened = open_channel(&app, &editor, &new_channel(TITLE, "rural_revitalization")).await;
    assert_eq!(opened.status, 200, "{}", opened.html);
    let html = &opened.html;
    assert!(html.contains(ONCE), "{html}");
    assert_eq!(html.matches(KEY_PREFIX).count(), 1, "{html}");
    assert_eq!(opened.cache_control, "no-store");
    let key = shown_key(html).unwrap();
    assert_eq!(key.len(), 68, "{key}");
    match &app.rtmp_url {
        Some(url) => assert!(html.contains(url.as_str()), "the server {url}: {html}"),
        None => assert!(html.contains("本站未开启直播推流接收"), "{html}"),
    }
    assert!(html.contains("2021-05-24 09:30"), "Beijing time: {html}");
    let id = channel_id(html);

    // The key shown is the channel's: the API knows its last characters, never the key.
    let (status, channel) = app.get(&editor, &format!("/api/v1/channels/{id}")).await;
    assert_eq!(status, 200, "{channel}");
    assert_eq!(channel["key_hint"].as_str(), Some(&key[64..]), "{channel}");
    assert_eq!(
        channel["unit_id"].as_i64(),
        Some(i64::from(zibo)),
        "{channel}"
    );
    assert_eq!(channel["city"], "zibo", "the unit's city: {channel}");
    assert_eq!(channel["state"], "scheduled", "{channel}");
    assert!(
        channel["scheduled_start"]
            .as_str()
            .unwrap()
            .starts_with("2021-05-24T01:30:00"),
        "09:30 in Beijing: {channel}"
    );
    assert!(!channel.to_string().contains(KEY_PREFIX), "{channel}");

    // The list, the channel's page and 观看 show it without its key.
    let (status, html) = app.page(&editor, "/channels").await;
    assert_eq!(status, 200, "{html}");
    let watch_link = format!("/channels/{id}/watch");
    for shown in [
        TITLE,
        "淄博职业学院",
        "2021-05-24 09:30",
        "未开始",
        watch_link.as_str(),
    ] {
        assert!(html.contains(shown), "{shown}: {html}");
    }
    assert!(!html.contains(KEY_PREFIX), "{html}");
    let (status, html) = app.page(&editor, &format!("/channels/{id}")).await;
    assert_eq!(status, 200, "{html}");
    assert!(!html.contains(KEY_PREFIX) && !html.contains(ONCE), "{html}");
    for shown in [
        format!("密钥尾号 …{}", &key[64..]),
        "关键帧间隔 2 秒".to_owned(),
        "尚未开始推流".to_owned(),
        "生成新密钥".to_owned(),
        format!("/channels/{id}/key/revoke"),
    ] {
        assert!(html.contains(&shown), "{shown}: {html}");
    }
    let csrf = csrf_from(&html).unwrap();
    let (status, html) = app.page(&editor, &watch_link).await;
    assert_eq!(status, 200, "{html}");
    for shown in [
        "<video id=\"live-video\"".to_owned(),
        "/static/hls.min.js".to_owned(),
        "/static/live.js".to_owned(),
        format!("/api/v1/channels/{id}/live/master.m3u8"),
        format!("/api/v1/channels/{id}/live/dvr.m3u8"),
        "回看".to_owned(),
        "未开始直播".to_owned(),
    ] {
        assert!(html.contains(&shown), "{shown}: {html}");
    }
    assert!(!html.contains(KEY_PREFIX), "{html}");
    let script = visit(&app, None, "/static/live.js").await;
    assert_eq!(script.status, 200);
    assert!(script.html.contains("live-player"), "{}", script.html);
    // Nothing published yet: the player's playlist, asked with the page's cookie, says so.
    let master = visit(
        &app,
        Some(editor.as_str()),
        &format!("/api/v1/channels/{id}/live/master.m3u8"),
    )
    .await;
    assert_eq!(master.status, 404, "{}", master.html);
    assert!(master.html.contains("channel-not-live"), "{}", master.html);

    // A new key: refused without the page's token; shown once; the old one is gone.
    let key_path = format!("/channels/{id}/key");
    let stale = post_form(&app, &editor, &key_path, &[]).await;
    assert_eq!(stale.status, 403);
    assert!(stale.html.contains("页面已过期"), "{}", stale.html);
    let renewed = post_form(&app, &editor, &key_path, &[("csrf", csrf.as_str())]).await;
    assert_eq!(renewed.status, 200, "{}", renewed.html);
    assert!(renewed.html.contains(ONCE), "{}", renewed.html);
    assert_eq!(renewed.html.matches(KEY_PREFIX).count(), 1);
    assert_eq!(renewed.cache_control, "no-store");
    let second = shown_key(&renewed.html).unwrap();
    assert_ne!(second, key);
    let (_, channel) = app.get(&editor, &format!("/api/v1/channels/{id}")).await;
    assert_eq!(
        channel["key_hint"].as_str(),
        Some(&second[64..]),
        "{channel}"
    );
    assert_eq!(channel["has_key"], true, "{channel}");

    // Revoked: back to the page, which says nobody can publish.
    let revoked = post_form(
        &app,
        &editor,
        &format!("/channels/{id}/key/revoke"),
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(revoked.status, 303, "{}", revoked.html);
    assert_eq!(revoked.location, format!("/channels/{id}"));
    let (_, channel) = app.get(&editor, &format!("/api/v1/channels/{id}")).await;
    assert_eq!(channel["has_key"], false, "{channel}");
    let (status, html) = app.page(&editor, &format!("/channels/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("已停用，无法推流"), "{html}");
    assert!(!html.contains("/key/revoke"), "{html}");

    // The organising unit's person: its channel, its forms, a channel of its own.
    let zibo_person = unit_person(&app, zibo, "zibo.live").await;
    let (status, html) = app.page(&zibo_person, "/channels").await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(TITLE), "{html}");
    assert!(
        !html.contains("name=\"unit_id\""),
        "a unit opens channels for itself: {html}"
    );
    let unit_csrf = csrf_from(&html).unwrap();
    let (status, html) = app.page(&zibo_person, &format!("/channels/{id}")).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("生成新密钥"), "{html}");
    let own = post_form(
        &app,
        &zibo_person,
        "/channels",
        &[
            ("csrf", unit_csrf.as_str()),
            ("title", "淄博赛区开幕式直播"),
            ("scheduled_start", "2021-05-25 14:00"),
        ],
    )
    .await;
    assert_eq!(own.status, 200, "{}", own.html);
    assert_eq!(own.html.matches(KEY_PREFIX).count(), 1, "{}", own.html);
    assert!(own.html.contains("淄博职业学院"), "{}", own.html);
    let weifang_id = weifang.to_string();
    let foreign = post_form(
        &app,
        &zibo_person,
        "/channels",
        &[
            ("csrf", unit_csrf.as_str()),
            ("title", "替其他单位开通的直播"),
            ("unit_id", weifang_id.as_str()),
            ("scheduled_start", "2021-05-25T14:00"),
        ],
    )
    .await;
    assert_eq!(foreign.status, 403, "{}", foreign.html);
    assert!(!foreign.html.contains(KEY_PREFIX), "{}", foreign.html);

    // Another unit's person: not listed, not found, no key.
    let weifang_person = unit_person(&app, weifang, "weifang.live").await;
    let (status, html) = app.page(&weifang_person, "/channels").await;
    assert_eq!(status, 200, "{html}");
    assert!(!html.contains(TITLE) && !html.contains(&id), "{html}");
    let weifang_csrf = csrf_from(&html).unwrap();
    for path in [format!("/channels/{id}"), watch_link.clone()] {
        let (status, html) = app.page(&weifang_person, &path).await;
        assert_eq!(status, 404, "{path}: {html}");
        assert!(!html.contains(TITLE), "{path}: {html}");
    }
    let taken = post_form(
        &app,
        &weifang_person,
        &key_path,
        &[("csrf", weifang_csrf.as_str())],
    )
    .await;
    assert_eq!(taken.status, 404, "{}", taken.html);
    assert!(!taken.html.contains(KEY_PREFIX), "{}", taken.html);

    // A partner's key, a unit's upload token and nobody are sent to a sign-in.
    let (_, partner) = app.services.db.create_partner("合作媒体").await.unwrap();
    for path in [
        "/channels".to_owned(),
        format!("/channels/{id}"),
        watch_link,
    ] {
        for (who, credential, sign_in) in [
            ("a partner", Some(partner.as_str()), "/login"),
            ("nobody", None, "/login"),
            ("a unit's token", Some(zibo_token.as_str()), "/unit/login"),
        ] {
            let visited = visit(&app, credential, &path).await;
            assert_eq!(visited.status, 303, "{who} on {path}: {}", visited.html);
            assert!(
                visited.location.starts_with(sign_in),
                "{who} on {path}: {}",
                visited.location
            );
        }
    }
    let posted = post_form(&app, &partner, &key_path, &[("csrf", csrf.as_str())]).await;
    assert_eq!(posted.status, 303);
    assert!(posted.location.starts_with("/login"), "{}", posted.location);
    app.stop().await;
}

both_databases!(an_editor_opens_a_channel_and_reads_its_key_once);

//! The web side: the editors' queue and the units' pages, server-rendered in Chinese (times in
//! Asia/Shanghai) from compile-checked templates (`templates/`, askama: escaped by default) on
//! the same services as the JSON API. Sessions are cookies; every form carries a CSRF token,
//! checked by the `StaffForm` extractor before a handler runs. Unit people sign in at
//! `/unit/login`; the unit pages' scripts then call the API on their cookie with the page's
//! CSRF token in `X-CSRF-Token`. 网上观赛通道 (`/channels`) opens to both: staff every channel,
//! a unit person the unit's own.

mod article_pictures;
mod batches;
mod campaigns_page;
mod channels_page;
mod choices;
mod dashboard;
mod error_page;
mod form;
mod layout;
mod login;
mod login_csrf;
mod menu;
mod password_page;
mod queue;
mod report_page;
mod reporting_pages;
mod staff;
mod submissions_page;
mod tracker_page;
mod tracker_reminder;
mod unit_login;
mod unit_members_page;
mod unit_password_page;
mod unit_person;
mod upload_page;
mod webhooks_page;
mod week_choice;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    use vocweek_api::resource;
    cfg.service(
        resource("/login")
            .route(web::get().to(login::form))
            .route(web::post().to(login::submit)),
    )
    .service(resource("/logout").route(web::post().to(login::logout)))
    .service(
        resource("/account/password")
            .route(web::get().to(password_page::form))
            .route(web::post().to(password_page::change)),
    )
    .service(resource("/").route(web::get().to(queue::home)))
    .service(resource("/queue").route(web::get().to(queue::list)))
    .service(resource("/queue/bulk").route(web::post().to(queue::bulk)))
    .service(resource("/queue/{id}").route(web::get().to(queue::detail)))
    .service(resource("/queue/{id}/review").route(web::post().to(queue::decide)))
    .service(resource("/queue/{id}/edit").route(web::post().to(queue::edit)))
    .service(resource("/queue/{id}/clips").route(web::post().to(queue::clip)))
    .service(resource("/queue/{id}/compare/{other}").route(web::get().to(queue::compare)))
    .service(
        resource("/queue/{id}/pictures/{number}").route(web::post().to(article_pictures::choose)),
    )
    .service(resource("/dashboard").route(web::get().to(dashboard::show)))
    .service(
        resource("/batches")
            .route(web::get().to(batches::list))
            .route(web::post().to(batches::create)),
    )
    .service(resource("/batches/{id}").route(web::get().to(batches::show)))
    .service(resource("/batches/{id}/items").route(web::post().to(batches::save_items)))
    .service(resource("/batches/{id}/send").route(web::post().to(batches::send)))
    .service(resource("/static/site.css").route(web::get().to(style_sheet)))
    .service(resource("/static/queue.js").route(web::get().to(queue_script)))
    .service(resource("/static/player.js").route(web::get().to(player_script)))
    .service(resource("/static/hls.min.js").route(web::get().to(hls_script)))
    .service(resource("/static/tus.min.js").route(web::get().to(tus_script)))
    .service(resource("/static/upload.js").route(web::get().to(upload_script)))
    .service(
        resource("/unit/login")
            .route(web::get().to(unit_login::form))
            .route(web::post().to(unit_login::submit)),
    )
    .service(resource("/unit/logout").route(web::post().to(unit_login::logout)))
    .service(
        resource("/unit/password")
            .route(web::get().to(unit_password_page::form))
            .route(web::post().to(unit_password_page::change)),
    )
    .service(
        resource("/unit/members")
            .route(web::get().to(unit_members_page::show))
            .route(web::post().to(unit_members_page::invite)),
    )
    .service(
        resource("/unit/members/{username}/disable")
            .route(web::post().to(unit_members_page::disable)),
    )
    .service(resource("/static/unit_session.js").route(web::get().to(unit_session_script)))
    .service(resource("/static/case.js").route(web::get().to(case_script)))
    .service(resource("/upload").route(web::get().to(upload_page::show)))
    .service(resource("/report").route(web::get().to(report_page::show)))
    .service(resource("/static/report.js").route(web::get().to(report_script)))
    .service(resource("/my").route(web::get().to(submissions_page::show)))
    .service(resource("/static/submissions.js").route(web::get().to(submissions_script)))
    .service(resource("/reporting").route(web::get().to(reporting_pages::overview)))
    .service(resource("/reporting/statistics").route(web::get().to(reporting_pages::statistics)))
    .service(resource("/tracker").route(web::get().to(tracker_page::show)))
    .service(resource("/tracker/reminders").route(web::post().to(tracker_reminder::remind)))
    .service(resource("/webhooks").route(web::get().to(webhooks_page::list)))
    .service(resource("/webhooks/{id}").route(web::get().to(webhooks_page::show)))
    .service(
        resource("/campaigns")
            .route(web::get().to(campaigns_page::list))
            .route(web::post().to(campaigns_page::create)),
    )
    .service(resource("/campaigns/file").route(web::post().to(campaigns_page::create_from_file)))
    .service(resource("/campaigns/{slug}/activate").route(web::post().to(campaigns_page::activate)))
    .service(
        resource("/channels")
            .route(web::get().to(channels_page::list))
            .route(web::post().to(channels_page::create)),
    )
    .service(resource("/channels/{id}").route(web::get().to(channels_page::detail)))
    .service(resource("/channels/{id}/key").route(web::post().to(channels_page::new_key)))
    .service(resource("/channels/{id}/key/revoke").route(web::post().to(channels_page::revoke_key)))
    .service(resource("/channels/{id}/watch").route(web::get().to(channels_page::watch)))
    .service(resource("/static/live.js").route(web::get().to(live_script)));
}

/// Every page's style sheet: a file rather than a `<style>` block, so the pages'
/// Content-Security-Policy needs no `'unsafe-inline'` for styles.
async fn style_sheet() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(include_str!("../static/site.css"))
}

/// The reporting page's script (ours).
async fn report_script() -> actix_web::HttpResponse {
    script(include_str!("../static/report.js").as_bytes())
}

/// 我的报送's script (ours).
async fn submissions_script() -> actix_web::HttpResponse {
    script(include_str!("../static/submissions.js").as_bytes())
}

/// The unit pages' sign-in (token or a person's session), shared by the three (ours).
async fn unit_session_script() -> actix_web::HttpResponse {
    script(include_str!("../static/unit_session.js").as_bytes())
}

/// The upload page's script (ours).
async fn upload_script() -> actix_web::HttpResponse {
    script(include_str!("../static/upload.js").as_bytes())
}

/// The upload page's 典型案例 form (ours).
async fn case_script() -> actix_web::HttpResponse {
    script(include_str!("../static/case.js").as_bytes())
}

/// The item page's video player glue (ours).
async fn player_script() -> actix_web::HttpResponse {
    script(include_str!("../static/player.js").as_bytes())
}

/// The 观看 page's live player and its state and viewer polling (ours).
async fn live_script() -> actix_web::HttpResponse {
    script(include_str!("../static/live.js").as_bytes())
}

/// hls.js from the npm registry, embedded by build.rs.
async fn hls_script() -> actix_web::HttpResponse {
    vendored(
        include_bytes!(concat!(env!("OUT_DIR"), "/hls.light.min.js")),
        "hls.js",
    )
}

/// tus-js-client from the npm registry, embedded by build.rs.
async fn tus_script() -> actix_web::HttpResponse {
    vendored(
        include_bytes!(concat!(env!("OUT_DIR"), "/tus.min.js")),
        "tus-js-client",
    )
}

/// A library embedded by build.rs; 404 when the build had no npm packages.
fn vendored(body: &'static [u8], name: &str) -> actix_web::HttpResponse {
    if body.is_empty() {
        return actix_web::HttpResponse::NotFound()
            .content_type("text/javascript; charset=utf-8")
            .body(format!(
                "// {name} was not installed when vocweek was built\n"
            ));
    }
    script(body)
}

fn script(body: &'static [u8]) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(body)
}

/// The queue's keyboard script, compiled into the binary (it is ours, not a library).
async fn queue_script() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(include_str!("../static/queue.js"))
}

//! Campaign reporting (seed 四(二), 附件2): campaigns as data, what each unit registers and
//! sends before and after the week, the statistics table and its Excel export, and the daily
//! tracker of who sent material and its reminder to the units that sent nothing today. The
//! pages (crate `vocweek-web`) call the same functions.

pub mod access;
pub mod campaigns;
pub mod overview;
pub mod reminders;
pub mod tracker;
pub mod unit_report;
pub mod view;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    use crate::route_table::resource;
    cfg.service(
        resource("/api/v1/campaigns")
            .route(web::get().to(campaigns::list))
            .route(web::post().to(campaigns::create)),
    )
    .service(resource("/api/v1/campaigns/{campaign}").route(web::get().to(campaigns::get)))
    .service(
        resource("/api/v1/campaigns/{campaign}/activate")
            .route(web::post().to(campaigns::activate)),
    )
    .service(
        resource("/api/v1/campaigns/{campaign}/readiness")
            .route(web::get().to(overview::get_readiness)),
    )
    .service(
        resource("/api/v1/campaigns/{campaign}/statistics")
            .route(web::get().to(overview::get_statistics_table)),
    )
    .service(
        resource("/api/v1/campaigns/{campaign}/statistics.xlsx")
            .route(web::get().to(overview::get_statistics_xlsx)),
    )
    .service(
        resource("/api/v1/campaigns/{campaign}/tracker").route(web::get().to(tracker::get_tracker)),
    )
    .service(
        resource("/api/v1/campaigns/{campaign}/tracker.xlsx")
            .route(web::get().to(tracker::get_tracker_xlsx)),
    )
    .service(resource("/api/v1/tracker/reminders").route(web::post().to(reminders::post_reminders)))
    .service(
        resource("/api/v1/campaigns/{campaign}/units/{unit}/report")
            .route(web::get().to(unit_report::get_report)),
    )
    .service(
        resource("/api/v1/campaigns/{campaign}/units/{unit}/registration")
            .route(web::put().to(unit_report::put_registration)),
    )
    .service(
        resource("/api/v1/campaigns/{campaign}/units/{unit}/statistics")
            .route(web::put().to(unit_report::put_statistics)),
    )
    .service(
        resource("/api/v1/campaigns/{campaign}/units/{unit}/statistics.xlsx")
            .route(web::get().to(unit_report::get_unit_statistics_xlsx)),
    )
    .service(
        resource("/api/v1/campaigns/{campaign}/units/{unit}/documents/{purpose}")
            .route(web::get().to(unit_report::get_document))
            .route(web::post().to(unit_report::post_document)),
    );
}

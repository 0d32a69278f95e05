//! 材料与统计报送: a unit's page for what it owes besides daily material — the activity plan,
//! the special website and liaison before the week, the statistics table (附件2, drafts and the
//! final submission) and the summary report after it. Like the upload page it signs in with
//! the unit's token or a person's session (`static/unit_session.js`) and drives the JSON API
//! from `static/report.js`; every check is the server's, shown next to its field.

use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use vocweek_domain::reporting::STATISTICS_COLUMNS;

use crate::layout::{Frame, ok};

#[derive(Template)]
#[template(path = "unit/report.html")]
struct ReportPage {
    frame: Frame,
    inputs: Vec<StatisticsInput>,
}

/// One column of the seed's statistics table as a form field, named as the API's field.
struct StatisticsInput {
    field: &'static str,
    heading: &'static str,
    /// Free text (activity forms, media coverage): a text area.
    textarea: bool,
    /// The coverage, typed as a percentage with decimals.
    percent: bool,
}

fn statistics_inputs() -> Vec<StatisticsInput> {
    STATISTICS_COLUMNS
        .iter()
        .map(|&(field, heading)| StatisticsInput {
            field,
            heading,
            textarea: matches!(field, "activity_forms" | "media_coverage"),
            percent: field == "student_coverage_percent",
        })
        .collect()
}

pub async fn show(req: HttpRequest) -> HttpResponse {
    ok(&ReportPage {
        frame: Frame::unit("材料与统计报送", &req),
        inputs: statistics_inputs(),
    })
}

//! The desk's audit trail for one day (Beijing time) as CSV that Excel opens (UTF-8 with BOM).

use actix_web::{HttpResponse, web};
use chrono::{TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use serde::Deserialize;
use utoipa::IntoParams;
use vocweek_domain::{parse_date, today_in_shanghai};

use crate::auth::Caller;
use crate::json::Audience;
use crate::{ApiError, AppState};

#[derive(Debug, Deserialize, IntoParams)]
pub struct ExportQuery {
    /// `YYYY-MM-DD` in Beijing time; default today.
    pub day: Option<String>,
    /// `csv` (default) or `xlsx`.
    pub format: Option<String>,
}

const HEADERS: [&str; 9] = [
    "时间（北京时间）",
    "素材ID",
    "标题",
    "操作",
    "原状态",
    "新状态",
    "操作者",
    "说明",
    "修改内容",
];

/// One quoted CSV cell. Titles and notes come from units and editors: a cell a spreadsheet
/// would read as a formula (`=HYPERLINK(…)`, `@SUM(…)`, `+`, `-`, or a leading tab or carriage
/// return) is prefixed with an apostrophe, which Excel and LibreOffice show as text.
fn cell(value: &str) -> String {
    let neutral = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    format!("\"{}\"", neutral.replace('"', "\"\""))
}

/// Every decision and edit of the day on the caller's desk: 时间（北京时间）, 素材ID, 标题,
/// 操作, 原状态, 新状态, 操作者, 说明, 修改内容.
#[utoipa::path(get, path = "/api/v1/audit/export", tag = "review", params(ExportQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "CSV (UTF-8 with BOM), or with `format=xlsx` the Excel workbook",
                  content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
              (status = 422, description = "`invalid-value`: `day` is not YYYY-MM-DD", body = crate::json::ErrorEnvelope)))]
pub async fn export_audit(
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    if caller.audience() != Audience::Staff {
        return Err(ApiError::forbidden(
            "the audit export is for editors and admins",
        ));
    }
    let scope = caller.read_scope()?;
    let day = match query.day.as_deref() {
        Some(text) => parse_date("day", text)?,
        None => today_in_shanghai(),
    };
    let start = Shanghai
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| ApiError::bad_request("invalid-query", "that day has no midnight"))?;
    let end = start + chrono::Duration::days(1);
    let users: std::collections::HashMap<String, String> = state
        .db
        .user_names()
        .await?
        .into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect();
    let units: std::collections::HashMap<String, String> = state
        .db
        .units()
        .await?
        .into_iter()
        .map(|u| (u.id.to_string(), u.name))
        .collect();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (event, title) in state.db.audit_between(scope, start, end).await? {
        let actor_id = event.actor_id.clone().unwrap_or_default();
        let actor = match event.actor_kind.as_str() {
            "user" => users.get(&actor_id).cloned().unwrap_or(actor_id),
            "unit" => units.get(&actor_id).cloned().unwrap_or(actor_id),
            "system" => "系统".to_owned(),
            other => format!("{other} {actor_id}"),
        };
        rows.push(vec![
            event
                .created_at
                .with_timezone(&Shanghai)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
            event.asset_id.clone().unwrap_or_default(),
            title,
            event.action.clone(),
            event
                .from_state
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            event
                .to_state
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            actor,
            event
                .details
                .get("note")
                .and_then(|n| n.as_str())
                .unwrap_or_default()
                .to_owned(),
            event
                .details
                .get("changed")
                .map(|c| c.to_string())
                .unwrap_or_default(),
        ]);
    }
    if query.format.as_deref() == Some("xlsx") {
        let bytes = vocweek_pipeline::table_xlsx("审核记录", None, &HEADERS, &rows, &[])
            .map_err(|e| ApiError::internal(&e))?;
        return Ok(HttpResponse::Ok()
            .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"audit-{day}.xlsx\""),
            ))
            .body(bytes));
    }
    let mut csv = format!("\u{feff}{}\r\n", HEADERS.join(","));
    for row in &rows {
        csv.push_str(&row.iter().map(|v| cell(v)).collect::<Vec<_>>().join(","));
        csv.push_str("\r\n");
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"audit-{day}.csv\""),
        ))
        .body(csv))
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_from_titles_are_neutralised() {
        assert_eq!(
            cell("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(cell("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(cell("+1"), "\"'+1\"");
        assert_eq!(cell("-2"), "\"'-2\"");
        assert_eq!(cell("\tx"), "\"'\tx\"");
        assert_eq!(cell("技能大赛 = 好"), "\"技能大赛 = 好\"");
    }
}

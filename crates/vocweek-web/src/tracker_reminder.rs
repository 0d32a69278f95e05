//! 提醒今日未报送单位, on today's tracker: one button tells every unit of the desk that has
//! sent nothing today, on its 我的报送 page and by its liaison's email. Who may, whom it
//! reaches and that a unit is reminded once a day are `vocweek_app::Notices`'s rules; the
//! page shows how many units are still to remind (none: the button is disabled) and, after the
//! form, what it did.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use vocweek_api::{ApiError, AppState};

use crate::error_page::ErrorPage;
use crate::staff::{Staff, StaffForm};

/// The reminder's form on the tracker.
pub struct ReminderForm {
    /// Units missing today not reminded yet: the button's count; none disables it.
    pub pending: usize,
}

/// Today's reminder as the tracker of `day` shows it: the form (today's page only, on a day
/// of the week, with units missing; `missing` are their ids) and the units reminded today.
pub async fn status(
    state: &AppState,
    staff: &Staff,
    day: NaiveDate,
    today: NaiveDate,
    missing: &[i32],
) -> Result<(Option<ReminderForm>, Vec<i32>), ApiError> {
    if day != today {
        return Ok((None, Vec::new()));
    }
    let Some(reminded) = state.notices.reminded_today(&staff.actor()).await? else {
        return Ok((None, Vec::new()));
    };
    let pending = missing.iter().filter(|id| !reminded.contains(id)).count();
    let form = (!missing.is_empty()).then_some(ReminderForm { pending });
    Ok((form, reminded))
}

/// What the reminder did, from the tracker's query after the form (`reminded`, `already`).
pub fn outcome(reminded: Option<usize>, already: Option<usize>) -> Option<String> {
    let reminded = reminded?;
    Some(match (reminded, already.unwrap_or(0)) {
        (0, 0) => "今天没有需要提醒的单位。".to_owned(),
        (0, _) => "今天已提醒过，未重复发送。".to_owned(),
        (n, 0) => format!("已提醒 {n} 个单位。"),
        (n, a) => format!("已提醒 {n} 个单位；另有 {a} 个单位今天已提醒过，未重复发送。"),
    })
}

/// `POST /tracker/reminders`: the reminder, then back to today's tracker, which says what it
/// did.
pub async fn remind(state: web::Data<AppState>, form: StaffForm) -> HttpResponse {
    match state
        .notices
        .remind_missing_today(&form.staff.actor())
        .await
    {
        Ok(done) => HttpResponse::SeeOther()
            .insert_header((
                "Location",
                format!("/tracker?reminded={}&already={}", done.new, done.already),
            ))
            .finish(),
        Err(err) => ApiError::from(err).page(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outcome_says_what_was_done() {
        assert_eq!(outcome(None, Some(3)), None);
        assert_eq!(outcome(Some(3), None).as_deref(), Some("已提醒 3 个单位。"));
        assert_eq!(
            outcome(Some(0), Some(3)).as_deref(),
            Some("今天已提醒过，未重复发送。")
        );
    }
}

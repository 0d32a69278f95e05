//! What a notice says, in Chinese, from the message catalog (`notice-*` in
//! vocweek-messages): the sentence on the unit's page, and the email (subject, body) to its
//! liaison. Every placeholder is always given, so a sentence never fails to form; the texts a
//! unit or an editor typed are quoted without control characters (no line breaks in a
//! subject), and a title is shortened in a subject.

use vocweek_db::notifications::Notification;
use vocweek_messages::{Arg, Lang, notice};

/// An email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub body: String,
}

/// A title in a subject is cut to this many characters (with `…`).
const SUBJECT_TITLE_CHARS: usize = 40;

/// The notice as the unit's page shows it.
pub fn sentence(notification: &Notification) -> String {
    let args = arguments(notification, None);
    notice(Lang::ZhCn, notification.kind.as_str(), &args)
        .unwrap_or_else(|| notification.kind.as_str().to_owned())
}

/// The email to the liaison of unit `unit_name`: the sentence between a greeting and a line
/// saying that the system sent it.
pub fn letter(notification: &Notification, unit_name: &str) -> Letter {
    let kind = notification.kind.as_str();
    let subject_args = arguments(notification, Some(SUBJECT_TITLE_CHARS));
    let subject = notice(Lang::ZhCn, &format!("{kind}-subject"), &subject_args)
        .unwrap_or_else(|| kind.to_owned());
    let unit = [("unit", Arg::from(plain(unit_name).as_str()))];
    let greeting = notice(Lang::ZhCn, "mail-greeting", &unit).unwrap_or_default();
    let footer = notice(Lang::ZhCn, "mail-footer", &[]).unwrap_or_default();
    Letter {
        subject,
        body: format!("{greeting}\n\n{}\n\n{footer}\n", sentence(notification)),
    }
}

/// Every placeholder a notice sentence may use, from the notice's parameters (`—` for what
/// it has not); `title_chars` shortens the title.
fn arguments(notification: &Notification, title_chars: Option<usize>) -> Vec<(&'static str, Arg)> {
    let params = &notification.params;
    let mut title = plain(params.title.as_deref().unwrap_or("—"));
    if let Some(limit) = title_chars
        && title.chars().count() > limit
    {
        title = title.chars().take(limit).collect::<String>() + "…";
    }
    let date =
        |day: Option<chrono::NaiveDate>| day.map_or_else(|| "—".to_owned(), |d| d.to_string());
    let part = params.part.as_deref().unwrap_or("—");
    let part_name = notice(Lang::ZhCn, &format!("part-{part}"), &[]).unwrap_or_else(|| plain(part));
    vec![
        ("title", Arg::Text(title)),
        (
            "note",
            Arg::Text(plain(params.note.as_deref().unwrap_or("—"))),
        ),
        ("day", Arg::Text(date(params.day))),
        ("due_on", Arg::Text(date(params.due_on))),
        ("part", Arg::Text(part_name)),
    ]
}

/// `text` with control characters (line breaks, tabs) as spaces, trimmed.
fn plain(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};
    use vocweek_db::notifications::{MailState, NoticeParams};
    use vocweek_domain::NoticeKind;

    use super::*;

    fn notification(kind: NoticeKind, params: NoticeParams) -> Notification {
        Notification {
            id: 1,
            unit_id: 2,
            kind,
            asset_id: None,
            params,
            dedupe_key: "k".to_owned(),
            created_at: Utc.with_ymd_and_hms(2021, 5, 23, 2, 0, 0).unwrap(),
            read_at: None,
            mail_state: MailState::Pending,
            mail_attempts: 0,
            next_attempt_at: 0,
            last_error: None,
            sent_at: None,
        }
    }

    #[test]
    fn a_returned_item_names_its_title_and_the_note() {
        let returned = notification(
            NoticeKind::ItemReturned,
            NoticeParams {
                title: Some(format!("技能大赛\r\nBcc: x@example.com{}", "长".repeat(60))),
                note: Some("请补充拍摄地点".to_owned()),
                ..NoticeParams::default()
            },
        );
        let letter = letter(&returned, "淄博职业学院");
        assert!(
            letter.subject.starts_with("素材「技能大赛  Bcc"),
            "{}",
            letter.subject
        );
        assert!(!letter.subject.contains('\n') && letter.subject.contains('…'));
        assert!(
            letter.body.starts_with("淄博职业学院联络员：您好！"),
            "{}",
            letter.body
        );
        assert!(
            letter.body.contains("修改意见：请补充拍摄地点"),
            "{}",
            letter.body
        );
        assert!(sentence(&returned).contains(&"长".repeat(60)));
    }

    #[test]
    fn days_and_reports_are_named_in_chinese() {
        let missed = notification(
            NoticeKind::DailyMissed,
            NoticeParams {
                day: NaiveDate::from_ymd_opt(2021, 5, 22),
                ..NoticeParams::default()
            },
        );
        assert!(sentence(&missed).contains("2021-05-22（北京时间0时至24时）"));
        let overdue = notification(
            NoticeKind::ReportOverdue,
            NoticeParams {
                part: Some("summary_report".to_owned()),
                due_on: NaiveDate::from_ymd_opt(2021, 6, 2),
                ..NoticeParams::default()
            },
        );
        let text = sentence(&overdue);
        assert!(text.contains("总结报告应于 2021-06-02 前报送"), "{text}");
        assert_eq!(letter(&overdue, "x").subject, "总结报告已逾期未报送");
    }
}

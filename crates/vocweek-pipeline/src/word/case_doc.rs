//! A 典型案例 as a Word document, the case's original: what the unit filled in (title, summary,
//! body, contacts) under its unit and tags, then the photos and videos it attached, listed
//! with their pictures where a rendition is ready. Written once, when the case is sent; the
//! structured fields stay in the item's metadata for the pages.

use chrono::NaiveDate;
use vocweek_domain::CaseContact;

use super::{Picture, WordDocument};

/// A case as its document says it, names already in Chinese.
#[derive(Debug)]
pub struct CaseDocument {
    pub title: String,
    pub unit: String,
    pub city: String,
    /// 活动类别, empty when none was chosen.
    pub category: String,
    pub activity_date: NaiveDate,
    /// 作者, empty when none was named.
    pub credit: String,
    pub summary: String,
    pub body: String,
    pub contacts: Vec<CaseContact>,
    pub attachments: Vec<CaseAttachmentEntry>,
}

/// An attached item: its title and kind (照片, 视频), with its picture when one is ready.
#[derive(Debug)]
pub struct CaseAttachmentEntry {
    pub title: String,
    pub kind: &'static str,
    pub picture: Option<Picture>,
}

/// The case's document.
pub fn case_document(case: CaseDocument) -> WordDocument {
    let mut document = WordDocument::new();
    document.title(&case.title);
    document.labelled("报送单位：", &case.unit);
    document.labelled("所在城市：", &case.city);
    if !case.category.is_empty() {
        document.labelled("活动类别：", &case.category);
    }
    document.labelled(
        "活动日期：",
        &case.activity_date.format("%Y年%m月%d日").to_string(),
    );
    if !case.credit.is_empty() {
        document.labelled("作者：", &case.credit);
    }
    document.heading("案例摘要");
    document.paragraphs(&case.summary);
    document.heading("案例正文");
    document.paragraphs(&case.body);
    if !case.contacts.is_empty() {
        document.heading("联系人");
        let rows = case
            .contacts
            .iter()
            .map(|c| vec![c.name.clone(), c.role.clone(), c.phone.clone()])
            .collect();
        document.table(&["姓名", "职务", "联系电话"], rows);
    }
    if !case.attachments.is_empty() {
        document.heading("附件素材");
        for (index, attachment) in case.attachments.into_iter().enumerate() {
            document.paragraph(&format!(
                "{}. {}（{}）",
                index + 1,
                attachment.title,
                attachment.kind
            ));
            if let Some(picture) = attachment.picture {
                document.picture(picture);
            }
        }
    }
    document
}

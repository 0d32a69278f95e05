//! The 每日简报: one day of the campaign's week for one desk (or both, for an admin) — what was
//! sent that day by kind and by city, the units that must report daily and sent nothing, the
//! items approved or recommended that day, and the recommended photos' pictures. The figures
//! are gathered by the use case (`vocweek-app`'s `briefs`); this only lays them out.

use chrono::NaiveDate;
use vocweek_domain::AssetKind;

use super::{Picture, WordDocument};

/// What was sent, by kind.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct KindCounts {
    pub photo: i64,
    pub video: i64,
    pub article: i64,
    pub case: i64,
}

impl KindCounts {
    pub fn add(&mut self, kind: AssetKind, count: i64) {
        match kind {
            AssetKind::Photo => self.photo += count,
            AssetKind::Video => self.video += count,
            AssetKind::Article => self.article += count,
            AssetKind::Case => self.case += count,
        }
    }

    /// Adds every kind of `other`.
    pub fn add_all(&mut self, other: &KindCounts) {
        self.photo += other.photo;
        self.video += other.video;
        self.article += other.article;
        self.case += other.case;
    }

    pub fn total(&self) -> i64 {
        self.photo + self.video + self.article + self.case
    }

    fn cells(&self) -> [String; 5] {
        [
            self.photo.to_string(),
            self.video.to_string(),
            self.article.to_string(),
            self.case.to_string(),
            self.total().to_string(),
        ]
    }
}

/// A city's figures (the sending units' city, in Chinese).
#[derive(Debug)]
pub struct BriefCity {
    pub city: String,
    pub counts: KindCounts,
}

/// A unit that must report daily and sent nothing.
#[derive(Debug)]
pub struct BriefMissing {
    pub name: String,
    /// The unit's kind in Chinese.
    pub kind: String,
    pub city: String,
}

/// An item approved or recommended that day, its names in Chinese.
#[derive(Debug)]
pub struct BriefDecided {
    pub title: String,
    pub kind: &'static str,
    pub unit: String,
    pub city: String,
    pub category: String,
    pub credit: String,
    /// 已通过 or 已推荐.
    pub result: &'static str,
}

/// A recommended photo's picture and its caption.
#[derive(Debug)]
pub struct BriefPicture {
    pub caption: String,
    pub picture: Picture,
}

/// Everything a day's brief says.
#[derive(Debug)]
pub struct DailyBrief {
    pub day: NaiveDate,
    /// The campaign's name.
    pub campaign: String,
    /// Whose brief: a desk's name, or both desks.
    pub desk: String,
    pub totals: KindCounts,
    /// Cities that sent something, in the vocabulary's order.
    pub cities: Vec<BriefCity>,
    /// How many units must report daily.
    pub daily_units: usize,
    pub missing: Vec<BriefMissing>,
    pub decided: Vec<BriefDecided>,
    /// The list of decided items stopped at the data layer's limit.
    pub decided_capped: bool,
    pub pictures: Vec<BriefPicture>,
}

const KIND_COLUMNS: [&str; 5] = ["照片", "视频", "稿件", "典型案例", "合计"];

/// The day's brief as a document.
pub fn daily_brief(brief: DailyBrief) -> WordDocument {
    let mut document = WordDocument::new();
    document.title(&format!("{} 每日简报", brief.campaign));
    document.labelled("日期：", &format!("{}（北京时间0时至24时）", brief.day));
    document.labelled("范围：", &brief.desk);

    document.heading("一、当日报送情况");
    let t = brief.totals;
    document.paragraph(&format!(
        "当日共收到须每日报送单位报送的素材 {} 件，其中照片 {} 件、视频 {} 件、稿件 {} 件、典型案例 {} 件。",
        t.total(),
        t.photo,
        t.video,
        t.article,
        t.case
    ));
    if !brief.cities.is_empty() {
        let mut rows: Vec<Vec<String>> = brief
            .cities
            .iter()
            .map(|row| {
                std::iter::once(row.city.clone())
                    .chain(row.counts.cells())
                    .collect()
            })
            .collect();
        rows.push(
            std::iter::once("合计".to_owned())
                .chain(t.cells())
                .collect(),
        );
        let mut header = vec!["城市"];
        header.extend(KIND_COLUMNS);
        document.table(&header, rows);
    }

    document.heading("二、未报送单位");
    if brief.missing.is_empty() {
        document.paragraph(&format!(
            "须每日报送的 {} 个单位当日均已报送。",
            brief.daily_units
        ));
    } else {
        document.paragraph(&format!(
            "须每日报送的 {} 个单位中，有 {} 个当日未报送：",
            brief.daily_units,
            brief.missing.len()
        ));
        let rows = brief
            .missing
            .iter()
            .map(|u| vec![u.name.clone(), u.kind.clone(), u.city.clone()])
            .collect();
        document.table(&["单位", "单位类型", "所在城市"], rows);
    }

    document.heading("三、当日审核通过和推荐的素材");
    if brief.decided.is_empty() {
        document.paragraph("当日没有审核通过或推荐的素材。");
    } else {
        let recommended = brief
            .decided
            .iter()
            .filter(|d| d.result == "已推荐")
            .count();
        document.paragraph(&format!(
            "当日审核通过 {} 件，推荐 {} 件{}：",
            brief.decided.len() - recommended,
            recommended,
            if brief.decided_capped {
                "（仅列出前若干件）"
            } else {
                ""
            }
        ));
        let rows = brief
            .decided
            .into_iter()
            .map(|d| {
                vec![
                    d.title,
                    d.kind.to_owned(),
                    d.unit,
                    d.city,
                    d.category,
                    d.credit,
                    d.result.to_owned(),
                ]
            })
            .collect();
        document.table(
            &[
                "标题",
                "类型",
                "报送单位",
                "城市",
                "活动类别",
                "作者/摄影",
                "审核结果",
            ],
            rows,
        );
    }

    if !brief.pictures.is_empty() {
        document.heading("四、推荐图片");
        for entry in brief.pictures {
            if !document.picture(entry.picture) {
                break;
            }
            document.caption(&entry.caption);
        }
    }
    document
}

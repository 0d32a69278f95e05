//! One day's brief: who reads it (an editor their desk, an admin both), which day (one of the
//! active campaign's week), then the day's figures, the silent units, the decided items and the
//! recommended photos gathered from the data layer, written as a Word document in staging and
//! handed over as an open file whose name is already gone (nothing is left behind however the
//! download ends).

use std::collections::{BTreeMap, HashMap};

use vocweek_db::DbError;
use vocweek_db::accounts::Unit;
use vocweek_db::assets::Asset;
use vocweek_db::reporting::DECIDED_ON_DAY_MAX;
use vocweek_domain::{AssetKind, AssetState, Desk, Role, parse_date};
use vocweek_pipeline::word::{
    BriefCity, BriefDecided, BriefMissing, BriefPicture, DailyBrief, KindCounts, MAX_PICTURES,
    WordError, daily_brief, jpeg_picture, write_staged,
};

use super::{BriefError, Briefs};
use crate::Actor;

/// A written brief, ready to send.
#[derive(Debug)]
pub struct BriefDownload {
    pub file: tokio::fs::File,
    pub size: u64,
    /// `每日简报-YYYY-MM-DD.docx`.
    pub filename: String,
}

impl Briefs {
    /// The brief of `day` (`YYYY-MM-DD`, Beijing) for `actor`'s desk.
    pub async fn daily(&self, actor: &Actor, day: &str) -> Result<BriefDownload, BriefError> {
        let desk = reader_desk(actor)?;
        let day = parse_date("day", day).map_err(BriefError::Day)?;
        let campaign = self.ingestor.campaign();
        let week = &campaign.campaign;
        if day < week.starts_on || day > week.ends_on {
            return Err(BriefError::NotACampaignDay {
                day,
                starts_on: week.starts_on,
                ends_on: week.ends_on,
            });
        }
        let today = self.db.clock().today_in_shanghai();
        if day > today {
            return Err(BriefError::NotYet { day, today });
        }
        let vocabulary = &campaign.vocabulary;
        let city_zh = |slug: &str| {
            vocabulary
                .city(slug)
                .map_or_else(|| slug.to_owned(), |term| term.zh.clone())
        };
        let units = self.db.units().await?;
        let names: HashMap<i32, &Unit> = units.iter().map(|unit| (unit.id, unit)).collect();
        // The tracker's rule: the units of the reader's desk that must send material daily.
        let daily: Vec<&Unit> = units
            .iter()
            .filter(|u| u.kind.reports_daily() && desk.is_none_or(|d| u.kind.desk() == d))
            .collect();

        let mut per_unit: HashMap<i32, KindCounts> = HashMap::new();
        for row in self.db.sent_on_day(week, day).await? {
            let kind = AssetKind::parse(&row.kind)
                .map_err(|err| DbError::Corrupt(format!("sent on {day}: {err}")))?;
            per_unit
                .entry(row.unit_id)
                .or_default()
                .add(kind, row.count);
        }
        let mut totals = KindCounts::default();
        let mut per_city: BTreeMap<String, KindCounts> = BTreeMap::new();
        let mut missing = Vec::new();
        for unit in &daily {
            match per_unit.get(&unit.id).filter(|counts| counts.total() > 0) {
                Some(counts) => {
                    totals.add_all(counts);
                    per_city
                        .entry(unit.city.clone())
                        .or_default()
                        .add_all(counts);
                }
                None => missing.push(BriefMissing {
                    name: unit.name.clone(),
                    kind: unit.kind.name_zh().to_owned(),
                    city: city_zh(&unit.city),
                }),
            }
        }
        // Cities in the vocabulary's order, then any the vocabulary no longer names.
        let mut cities: Vec<BriefCity> = Vec::new();
        for term in &vocabulary.cities {
            if let Some(counts) = per_city.remove(&term.slug) {
                cities.push(BriefCity {
                    city: term.zh.clone(),
                    counts,
                });
            }
        }
        cities.extend(
            per_city
                .into_iter()
                .map(|(city, counts)| BriefCity { city, counts }),
        );

        let decided = self.db.decided_on_day(week, day, desk).await?;
        let decided_capped = decided.len() as u64 >= DECIDED_ON_DAY_MAX;
        let mut rows = Vec::with_capacity(decided.len());
        let mut pictures = Vec::new();
        for record in &decided {
            let asset = &record.asset;
            let unit = names
                .get(&asset.unit_id)
                .map(|unit| unit.name.clone())
                .unwrap_or_default();
            let recommended = asset.state == AssetState::Recommended;
            if recommended
                && asset.kind == AssetKind::Photo
                && pictures.len() < MAX_PICTURES
                && let Some(picture) = jpeg_picture(&self.db, self.store.as_ref(), asset).await?
            {
                pictures.push(BriefPicture {
                    caption: caption(asset, &unit),
                    picture,
                });
            }
            rows.push(BriefDecided {
                title: asset.title.clone(),
                kind: kind_zh(asset.kind),
                unit,
                city: city_zh(&asset.city),
                category: asset
                    .category
                    .as_deref()
                    .and_then(|slug| vocabulary.category(slug))
                    .map(|category| category.zh.clone())
                    .unwrap_or_default(),
                credit: asset.credit.clone(),
                result: if recommended {
                    "已推荐"
                } else {
                    "已通过"
                },
            });
        }

        let document = daily_brief(DailyBrief {
            day,
            campaign: week.name_zh.clone(),
            desk: desk_name(desk).to_owned(),
            totals,
            cities,
            daily_units: daily.len(),
            missing,
            decided: rows,
            decided_capped,
            pictures,
        });
        let written = write_staged(document, self.ingestor.staging_dir()).await?;
        let file = tokio::fs::File::open(written.staging.path())
            .await
            .map_err(WordError::Io)?;
        // The open file reads to its end without its name: removing the name now means no
        // staging file outlives the download, however it ends.
        drop(written.staging);
        Ok(BriefDownload {
            file,
            size: written.size,
            filename: format!("每日简报-{day}.docx"),
        })
    }
}

/// The desk whose brief `actor` reads: their own, or `None` (both) for an admin.
fn reader_desk(actor: &Actor) -> Result<Option<Desk>, BriefError> {
    match actor {
        Actor::Staff {
            role: Role::Admin, ..
        } => Ok(None),
        Actor::Staff {
            desk: Some(desk), ..
        } => Ok(Some(*desk)),
        Actor::Staff { desk: None, .. } => Err(BriefError::NoDesk),
        Actor::Unit(_) | Actor::Partner(_) => Err(BriefError::NotStaff),
    }
}

fn desk_name(desk: Option<Desk>) -> &'static str {
    match desk {
        Some(Desk::Edu) => "省教育厅职业教育处",
        Some(Desk::Hr) => "省人力资源社会保障厅",
        None => "省教育厅职业教育处、省人力资源社会保障厅",
    }
}

fn kind_zh(kind: AssetKind) -> &'static str {
    match kind {
        AssetKind::Photo => "照片",
        AssetKind::Video => "视频",
        AssetKind::Article => "稿件",
        AssetKind::Case => "典型案例",
    }
}

/// A recommended photo's caption: its title, unit and credit.
fn caption(asset: &Asset, unit: &str) -> String {
    if asset.credit.is_empty() {
        format!("{}（{unit}）", asset.title)
    } else {
        format!("{}（{unit}，{}）", asset.title, asset.credit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editors_read_their_desk_and_admins_both() {
        let editor = Actor::Staff {
            user_id: 1,
            role: Role::Editor,
            desk: Some(Desk::Hr),
        };
        assert!(matches!(reader_desk(&editor), Ok(Some(Desk::Hr))));
        let admin = Actor::Staff {
            user_id: 2,
            role: Role::Admin,
            desk: Some(Desk::Edu),
        };
        assert!(matches!(reader_desk(&admin), Ok(None)));
        let deskless = Actor::Staff {
            user_id: 3,
            role: Role::Editor,
            desk: None,
        };
        assert!(matches!(reader_desk(&deskless), Err(BriefError::NoDesk)));
        assert!(matches!(
            reader_desk(&Actor::Unit(4)),
            Err(BriefError::NotStaff)
        ));
        assert!(matches!(
            reader_desk(&Actor::Partner(5)),
            Err(BriefError::NotStaff)
        ));
    }
}

//! Campaigns and their vocabularies: seeded from the domain's data files, read back per campaign
//! so next year's week can bring its own themes without a code change.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use vocweek_domain::{CampaignSeed, Category, Term, Vocabulary};

use crate::entities::{campaign, vocabulary_term};
use crate::{Db, DbError, DbResult};

pub use crate::records::campaign::Campaign;

/// The campaign new uploads belong to, with its vocabulary.
#[derive(Debug, Clone)]
pub struct ActiveCampaign {
    pub campaign: Campaign,
    pub vocabulary: Vocabulary,
}

impl Db {
    /// Inserts the shipped campaigns that are not in the database yet. The newest becomes active
    /// when no campaign is. Returns how many were inserted; running it again inserts nothing.
    pub async fn seed_campaigns(&self, seeds: &[CampaignSeed]) -> DbResult<usize> {
        let txn = self.begin().await?;
        let mut inserted = 0;
        for seed in seeds {
            let exists = campaign::Entity::find()
                .filter(campaign::Column::Slug.eq(&seed.campaign.slug))
                .one(&txn)
                .await?;
            if exists.is_none() {
                insert_campaign(&txn, seed).await?;
                inserted += 1;
            }
        }
        let any_active = campaign::Entity::find()
            .filter(campaign::Column::Active.eq(true))
            .one(&txn)
            .await?
            .is_some();
        if !any_active
            && let Some(newest) = campaign::Entity::find()
                .order_by_desc(campaign::Column::Year)
                .one(&txn)
                .await?
        {
            let mut active: campaign::ActiveModel = newest.into();
            active.active = Set(true);
            active.update(&txn).await?;
        }
        txn.commit().await?;
        Ok(inserted)
    }

    pub async fn active_campaign(&self) -> DbResult<ActiveCampaign> {
        let campaign = campaign::Entity::find()
            .filter(campaign::Column::Active.eq(true))
            .one(self.conn())
            .await?
            .ok_or_else(|| DbError::NotFound("active campaign".to_owned()))?;
        self.with_vocabulary(campaign).await
    }

    /// A campaign with the vocabulary it owns.
    async fn with_vocabulary(&self, campaign: campaign::Model) -> DbResult<ActiveCampaign> {
        let terms = vocabulary_term::Entity::find()
            .filter(vocabulary_term::Column::CampaignId.eq(campaign.id))
            .order_by_asc(vocabulary_term::Column::Position)
            .all(self.conn())
            .await?;
        Ok(ActiveCampaign {
            vocabulary: vocabulary_from_terms(&terms)?,
            campaign: Campaign::from(campaign),
        })
    }
}

impl Db {
    /// Every campaign, newest first.
    pub async fn campaigns(&self) -> DbResult<Vec<Campaign>> {
        Ok(campaign::Entity::find()
            .order_by_desc(campaign::Column::Year)
            .order_by_desc(campaign::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(Campaign::from)
            .collect())
    }

    /// A campaign with its own vocabulary, by slug.
    pub async fn campaign_by_slug(&self, slug: &str) -> DbResult<ActiveCampaign> {
        let campaign = campaign::Entity::find()
            .filter(campaign::Column::Slug.eq(slug))
            .one(self.conn())
            .await?
            .ok_or_else(|| DbError::NotFound(format!("campaign '{slug}'")))?;
        self.with_vocabulary(campaign).await
    }

    /// Adds a campaign (not active yet) with its own copy of the vocabulary. The unique slug
    /// decides between two creations at once; the transaction starts with its insert so SQLite
    /// takes the write lock first.
    pub async fn create_campaign(&self, seed: &CampaignSeed) -> DbResult<Campaign> {
        let txn = self.begin().await?;
        let created = match insert_campaign(&txn, seed).await {
            Ok(created) => created,
            Err(DbError::Database(err)) if crate::error::is_unique_violation(&err) => {
                return Err(DbError::AlreadyExists(format!(
                    "campaign '{}'",
                    seed.campaign.slug
                )));
            }
            Err(err) => return Err(err),
        };
        txn.commit().await?;
        Ok(Campaign::from(created))
    }

    /// Makes `slug` the campaign new uploads and reports belong to; the previous one keeps its
    /// assets and reports. Each node picks the change up within its refresh interval.
    pub async fn activate_campaign(&self, slug: &str) -> DbResult<Campaign> {
        let target = campaign::Entity::find()
            .filter(campaign::Column::Slug.eq(slug))
            .one(self.conn())
            .await?
            .ok_or_else(|| DbError::NotFound(format!("campaign '{slug}'")))?;
        // One statement over every row: two activations at once end with exactly one active
        // campaign (the later one), never two.
        campaign::Entity::update_many()
            .col_expr(
                campaign::Column::Active,
                Expr::col(campaign::Column::Id).eq(target.id),
            )
            .exec(self.conn())
            .await?;
        Ok(Campaign {
            active: true,
            ..Campaign::from(target)
        })
    }

    /// The active campaign's id (a cheap check for a changed campaign).
    pub async fn active_campaign_id(&self) -> DbResult<Option<i32>> {
        Ok(campaign::Entity::find()
            .filter(campaign::Column::Active.eq(true))
            .one(self.conn())
            .await?
            .map(|c| c.id))
    }
}

async fn insert_campaign<C: ConnectionTrait>(
    conn: &C,
    seed: &CampaignSeed,
) -> DbResult<campaign::Model> {
    let fields = &seed.campaign;
    let saved = campaign::ActiveModel {
        slug: Set(fields.slug.clone()),
        year: Set(fields.year),
        name_zh: Set(fields.name_zh.clone()),
        name_en: Set(fields.name_en.clone()),
        theme_zh: Set(fields.theme_zh.clone()),
        theme_en: Set(fields.theme_en.clone()),
        starts_on: Set(fields.starts_on),
        ends_on: Set(fields.ends_on),
        plan_due_on: Set(fields.plan_due_on),
        report_due_on: Set(fields.report_due_on),
        active: Set(false),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let rows = terms_of(&seed.vocabulary).into_iter().enumerate().map(
        |(position, (facet, parent, term))| vocabulary_term::ActiveModel {
            campaign_id: Set(saved.id),
            facet: Set(facet.to_owned()),
            slug: Set(term.slug.clone()),
            parent_slug: Set(parent.map(str::to_owned)),
            name_zh: Set(term.zh.clone()),
            name_en: Set(term.en.clone()),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            ..Default::default()
        },
    );
    vocabulary_term::Entity::insert_many(rows)
        .exec(conn)
        .await?;
    Ok(saved)
}

/// Flattens a vocabulary into (facet, parent, term) rows, in display order.
fn terms_of(vocabulary: &Vocabulary) -> Vec<(&'static str, Option<&str>, Term)> {
    let mut rows = Vec::new();
    rows.extend(vocabulary.cities.iter().map(|t| ("city", None, t.clone())));
    for category in &vocabulary.categories {
        rows.push((
            "category",
            None,
            Term {
                slug: category.slug.clone(),
                zh: category.zh.clone(),
                en: category.en.clone(),
            },
        ));
        rows.extend(
            category
                .subcategories
                .iter()
                .map(|t| ("subcategory", Some(category.slug.as_str()), t.clone())),
        );
    }
    rows.extend(vocabulary.themes.iter().map(|t| ("theme", None, t.clone())));
    rows
}

fn vocabulary_from_terms(rows: &[vocabulary_term::Model]) -> DbResult<Vocabulary> {
    let term = |row: &vocabulary_term::Model| Term {
        slug: row.slug.clone(),
        zh: row.name_zh.clone(),
        en: row.name_en.clone(),
    };
    let mut vocabulary = Vocabulary {
        cities: Vec::new(),
        categories: Vec::new(),
        themes: Vec::new(),
    };
    for row in rows {
        match row.facet.as_str() {
            "city" => vocabulary.cities.push(term(row)),
            "theme" => vocabulary.themes.push(term(row)),
            "category" => vocabulary.categories.push(Category {
                slug: row.slug.clone(),
                zh: row.name_zh.clone(),
                en: row.name_en.clone(),
                subcategories: Vec::new(),
            }),
            "subcategory" => {
                let parent = row.parent_slug.as_deref().unwrap_or_default();
                let category = vocabulary
                    .categories
                    .iter_mut()
                    .find(|c| c.slug == parent)
                    .ok_or_else(|| {
                        DbError::Corrupt(format!("subcategory {} has no category", row.slug))
                    })?;
                category.subcategories.push(term(row));
            }
            other => return Err(DbError::Corrupt(format!("unknown facet {other}"))),
        }
    }
    Ok(vocabulary)
}

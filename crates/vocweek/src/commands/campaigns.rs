//! `vocweek campaign list|create|activate`: next year's week as data.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use vocweek_domain::{CampaignSeed, parse_date};

use crate::app::Services;

pub async fn list(services: &Services) -> anyhow::Result<ExitCode> {
    for c in services.db.campaigns().await? {
        println!(
            "{active}{slug}\t{year}\t{name}\t{starts} – {ends}\tplans by {plan}\treports by {report}",
            active = if c.active { "* " } else { "  " },
            slug = c.slug,
            year = c.year,
            name = c.name_zh,
            starts = c.starts_on,
            ends = c.ends_on,
            plan = c.plan_due_on,
            report = c.report_due_on,
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn create_from_file(services: &Services, file: &Path) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let seed = CampaignSeed::from_toml(&text)?.checked()?;
    create(services, &seed).await
}

pub struct CampaignFlags {
    pub slug: String,
    pub year: i32,
    pub name_zh: String,
    pub name_en: String,
    pub theme_zh: String,
    pub theme_en: String,
    pub starts_on: String,
    pub ends_on: String,
    pub plan_due_on: String,
    pub report_due_on: String,
    pub vocabulary_from: Option<String>,
}

pub async fn create_from_flags(
    services: &Services,
    flags: CampaignFlags,
) -> anyhow::Result<ExitCode> {
    let source = match &flags.vocabulary_from {
        Some(slug) => services.db.campaign_by_slug(slug).await?,
        None => services.db.active_campaign().await?,
    };
    let seed = CampaignSeed {
        slug: flags.slug,
        year: flags.year,
        name_zh: flags.name_zh,
        name_en: flags.name_en,
        theme_zh: flags.theme_zh,
        theme_en: flags.theme_en,
        starts_on: parse_date("--starts-on", &flags.starts_on)?,
        ends_on: parse_date("--ends-on", &flags.ends_on)?,
        plan_due_on: parse_date("--plan-due-on", &flags.plan_due_on)?,
        report_due_on: parse_date("--report-due-on", &flags.report_due_on)?,
        vocabulary: source.vocabulary,
    }
    .checked()?;
    create(services, &seed).await
}

async fn create(services: &Services, seed: &CampaignSeed) -> anyhow::Result<ExitCode> {
    let created = services.db.create_campaign(seed).await?;
    println!(
        "created campaign {} ({}); make it the current week with: vocweek campaign activate {}",
        created.slug, created.name_zh, created.slug
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn activate(services: &Services, slug: &str) -> anyhow::Result<ExitCode> {
    let activated = services.db.activate_campaign(slug).await?;
    println!(
        "{} is now the active campaign; running servers switch within 30 seconds",
        activated.slug
    );
    Ok(ExitCode::SUCCESS)
}

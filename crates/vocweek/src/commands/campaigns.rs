//! `vocweek campaign list|create|activate`: next year's week as data. Creating and activating
//! go through `vocweek_app::Campaigns` as the operator at the machine, so the command line
//! checks and tells what the pages and the API do.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use vocweek_app::{Actor, Campaigns};
use vocweek_db::campaigns::ActiveCampaign;
use vocweek_domain::{CampaignFields, parse_date};

use crate::app::Services;
use crate::cli::CampaignCommand;

pub async fn run(services: &Services, command: CampaignCommand) -> anyhow::Result<ExitCode> {
    match command {
        CampaignCommand::List => list(services).await,
        CampaignCommand::Activate { slug } => activate(services, &slug).await,
        CampaignCommand::Create {
            file: Some(file), ..
        } => create_from_file(services, &file).await,
        // clap requires every flag without `--file`: the defaults are never read.
        CampaignCommand::Create {
            file: None,
            slug,
            year,
            name_zh,
            name_en,
            theme_zh,
            theme_en,
            starts_on,
            ends_on,
            plan_due_on,
            report_due_on,
            vocabulary_from,
        } => {
            // Each date's error names its own flag, so the operator knows which one to fix.
            let date = |flag: &'static str, value: Option<String>| {
                parse_date(flag, value.as_deref().unwrap_or_default())
            };
            let campaign = CampaignFields {
                slug: slug.unwrap_or_default(),
                year: year.unwrap_or_default(),
                name_zh: name_zh.unwrap_or_default(),
                name_en: name_en.unwrap_or_default(),
                theme_zh: theme_zh.unwrap_or_default(),
                theme_en: theme_en.unwrap_or_default(),
                starts_on: date("--starts-on", starts_on)?,
                ends_on: date("--ends-on", ends_on)?,
                plan_due_on: date("--plan-due-on", plan_due_on)?,
                report_due_on: date("--report-due-on", report_due_on)?,
            };
            create_from_flags(services, campaign, vocabulary_from.as_deref()).await
        }
    }
}

/// The campaigns use cases over this process's database and active campaign.
fn campaigns(services: &Services) -> Campaigns {
    Campaigns::new(services.db.clone(), services.ingestor.clone())
}

async fn list(services: &Services) -> anyhow::Result<ExitCode> {
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

async fn create_from_file(services: &Services, file: &Path) -> anyhow::Result<ExitCode> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let created = campaigns(services)
        .create_from_file(&Actor::command_line(), &text)
        .await?;
    Ok(created_campaign(&created))
}

/// A campaign from the flags, with a copy of `vocabulary_from`'s vocabulary (default: the
/// active campaign's).
async fn create_from_flags(
    services: &Services,
    campaign: CampaignFields,
    vocabulary_from: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let created = campaigns(services)
        .create(&Actor::command_line(), campaign, vocabulary_from)
        .await?;
    Ok(created_campaign(&created))
}

fn created_campaign(created: &ActiveCampaign) -> ExitCode {
    let created = &created.campaign;
    println!(
        "created campaign {} ({}); make it the current week with: vocweek campaign activate {}",
        created.slug, created.name_zh, created.slug
    );
    ExitCode::SUCCESS
}

async fn activate(services: &Services, slug: &str) -> anyhow::Result<ExitCode> {
    let activated = campaigns(services)
        .activate(&Actor::command_line(), slug)
        .await?;
    println!(
        "{} is now the active campaign; running servers switch within 30 seconds",
        activated.campaign.slug
    );
    Ok(ExitCode::SUCCESS)
}

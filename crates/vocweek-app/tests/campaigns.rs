//! The campaigns rules without HTTP, against a real SQLite database: only admins create and
//! activate weeks, the dates and the slug are checked, a new week copies a vocabulary or
//! brings its own, and activation moves this node's uploads to the new week at once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use std::sync::Arc;

use chrono::NaiveDate;
use support::{World, admin, editor};
use vocweek_app::{Actor, CampaignError, Campaigns};
use vocweek_domain::{CampaignFields, Desk};
use vocweek_pipeline::{Ingestor, UploadLimits};

/// The campaigns service over the world's database, with an ingestor on its active campaign.
async fn service(world: &World) -> (Campaigns, Ingestor) {
    let campaign = world.db.active_campaign().await.unwrap();
    let ingestor = Ingestor::new(
        world.db.clone(),
        world.store.clone(),
        Arc::new(campaign),
        UploadLimits::default(),
        3,
    );
    (Campaigns::new(world.db.clone(), ingestor.clone()), ingestor)
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// Next year's week as an admin fills it in.
fn next_year() -> CampaignFields {
    CampaignFields {
        slug: " shandong-2022 ".to_owned(),
        year: 2022,
        name_zh: "山东省2022年职业教育活动周".to_owned(),
        name_en: "Shandong Vocational Education Week 2022".to_owned(),
        theme_zh: "技能：让生活更美好".to_owned(),
        theme_en: "Skills make life better".to_owned(),
        starts_on: date("2022-05-08"),
        ends_on: date("2022-05-14"),
        plan_due_on: date("2022-05-06"),
        report_due_on: date("2022-05-25"),
    }
}

/// The shipped 2021 file made into 2023's, with a theme the earlier weeks do not have.
fn data_file_2023() -> String {
    include_str!("../../vocweek-domain/vocabularies/shandong-2021.toml")
        .replace("shandong-2021", "shandong-2023")
        .replace("year = 2021", "year = 2023")
        .replace("\"2021-", "\"2023-")
        + "\n[[theme]]\nslug = \"digital_skills\"\nzh = \"数字技能\"\nen = \"Digital skills\"\n"
}

#[tokio::test]
async fn only_an_admin_creates_or_activates_a_week() {
    let world = World::new("campaigns-admin").await;
    let (campaigns, _) = service(&world).await;
    let before = world.db.campaigns().await.unwrap().len();
    for actor in [
        editor(Desk::Edu),
        Actor::Unit(world.edu_unit),
        Actor::Partner(1),
    ] {
        assert!(
            matches!(campaigns.may_manage(&actor), Err(CampaignError::NotAdmin)),
            "{actor:?}"
        );
        let created = campaigns.create(&actor, next_year(), None).await;
        assert!(
            matches!(created, Err(CampaignError::NotAdmin)),
            "{actor:?}: {created:?}"
        );
        let from_file = campaigns.create_from_file(&actor, &data_file_2023()).await;
        assert!(
            matches!(from_file, Err(CampaignError::NotAdmin)),
            "{from_file:?}"
        );
        // Refused before the slug is looked at: an unknown one is not "not found".
        let switched = campaigns.activate(&actor, "shandong-1999").await;
        assert!(
            matches!(switched, Err(CampaignError::NotAdmin)),
            "{switched:?}"
        );
    }
    assert_eq!(world.db.campaigns().await.unwrap().len(), before);
    assert!(campaigns.may_manage(&admin()).is_ok());
    world.finish();
}

#[tokio::test]
async fn a_new_week_is_checked_created_and_then_activated() {
    let world = World::new("campaigns-create").await;
    let (campaigns, ingestor) = service(&world).await;
    let admin = admin();

    let mut backwards = next_year();
    backwards.ends_on = date("2022-05-01");
    match campaigns.create(&admin, backwards, None).await {
        Err(CampaignError::Invalid(err)) => assert!(err.to_string().contains("ends_on"), "{err}"),
        other => panic!("expected the dates refused, got {other:?}"),
    }
    let mut far = next_year();
    far.year = 2031;
    assert!(matches!(
        campaigns.create(&admin, far, None).await,
        Err(CampaignError::Invalid(_))
    ));
    match campaigns
        .create(&admin, next_year(), Some("shandong-1999"))
        .await
    {
        Err(CampaignError::NotFound(slug)) => assert_eq!(slug, "shandong-1999"),
        other => panic!("expected the source not found, got {other:?}"),
    }

    // Trimmed, not active yet, with a copy of the active week's vocabulary.
    let created = campaigns.create(&admin, next_year(), None).await.unwrap();
    assert_eq!(created.campaign.slug, "shandong-2022");
    assert!(!created.campaign.active);
    assert_eq!(created.vocabulary, world.vocabulary);
    let stored = world.db.campaign_by_slug("shandong-2022").await.unwrap();
    assert_eq!(stored.vocabulary, world.vocabulary);
    match campaigns.create(&admin, next_year(), None).await {
        Err(CampaignError::Taken(slug)) => assert_eq!(slug, "shandong-2022"),
        other => panic!("a slug is taken once, got {other:?}"),
    }
    // Copying a named week's vocabulary works as well as the current one's.
    let mut copy = next_year();
    copy.slug = "shandong-2022-b".to_owned();
    let copied = campaigns
        .create(&admin, copy, Some("shandong-2022"))
        .await
        .unwrap();
    assert_eq!(copied.vocabulary, world.vocabulary);

    // Still 2021 until it is activated; then this node follows at once.
    assert_eq!(ingestor.campaign().campaign.year, 2021);
    let activated = campaigns.activate(&admin, "shandong-2022").await.unwrap();
    assert!(activated.campaign.active);
    assert_eq!(activated.campaign.slug, "shandong-2022");
    assert_eq!(ingestor.campaign().campaign.slug, "shandong-2022");
    let active: Vec<String> = world
        .db
        .campaigns()
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.active)
        .map(|c| c.slug)
        .collect();
    assert_eq!(active, ["shandong-2022"], "exactly one week is active");
    // Activating the active week again changes nothing.
    let again = campaigns.activate(&admin, "shandong-2022").await.unwrap();
    assert!(again.campaign.active);
    match campaigns.activate(&admin, "shandong-1999").await {
        Err(CampaignError::NotFound(slug)) => assert_eq!(slug, "shandong-1999"),
        other => panic!("expected not found, got {other:?}"),
    }
    assert!(matches!(
        campaigns.activate(&admin, "current").await,
        Err(CampaignError::NotFound(_))
    ));
    assert_eq!(ingestor.campaign().campaign.slug, "shandong-2022");
    world.finish();
}

#[tokio::test]
async fn a_data_file_brings_its_own_vocabulary() {
    let world = World::new("campaigns-file").await;
    let (campaigns, _) = service(&world).await;
    let admin = admin();

    let far = data_file_2023().replace("year = 2023", "year = 2031");
    assert!(matches!(
        campaigns.create_from_file(&admin, &far).await,
        Err(CampaignError::Invalid(_))
    ));
    assert!(matches!(
        campaigns
            .create_from_file(&admin, "[campaign]\nslug = 1")
            .await,
        Err(CampaignError::Invalid(_))
    ));

    let created = campaigns
        .create_from_file(&admin, &data_file_2023())
        .await
        .unwrap();
    assert_eq!(created.campaign.slug, "shandong-2023");
    assert!(!created.campaign.active);
    let stored = world.db.campaign_by_slug("shandong-2023").await.unwrap();
    assert!(stored.vocabulary.theme("digital_skills").is_some());
    assert_eq!(
        stored.vocabulary.themes.len(),
        world.vocabulary.themes.len() + 1
    );
    assert!(
        world.vocabulary.theme("digital_skills").is_none(),
        "the earlier week's vocabulary is its own"
    );
    match campaigns.create_from_file(&admin, &data_file_2023()).await {
        Err(CampaignError::Taken(slug)) => assert_eq!(slug, "shandong-2023"),
        other => panic!("a slug is taken once, got {other:?}"),
    }
    world.finish();
}

//! The reporting rules without HTTP, against a real SQLite database: a unit saves its own
//! registration, statistics table and documents and reaches no other unit's; a desk reads the
//! units of its desk and writes none; reports change in the active campaign only; the values
//! are checked and every problem names its field; a submitted table is corrected, not drafted.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use std::sync::Arc;

use chrono::NaiveDate;
use serde_json::{Value, json};
use support::{World, admin, editor};
use vocweek_app::{
    Actor, Campaigns, Obligation, RegistrationInput, ReportForbidden, Reporting, ReportingError,
    StatisticsInput, UnitReport,
};
use vocweek_domain::reporting::{DocumentPurpose, Liaison, RawFigures};
use vocweek_domain::{CampaignFields, Desk, UnitKind};
use vocweek_pipeline::{Ingestor, UploadLimits};

/// The reporting service over the world's database, with an ingestor on its active campaign.
async fn service(world: &World) -> (Reporting, Ingestor) {
    let campaign = world.db.active_campaign().await.unwrap();
    let ingestor = Ingestor::new(
        world.db.clone(),
        world.store.clone(),
        Arc::new(campaign),
        UploadLimits::default(),
        3,
    );
    (Reporting::new(world.db.clone(), ingestor.clone()), ingestor)
}

/// A second college of the edu desk.
async fn another_college(world: &World) -> i32 {
    let (unit, _) = world
        .db
        .create_unit("淄博职业学院", UnitKind::HigherVocationalCollege, "zibo")
        .await
        .unwrap();
    unit.id
}

fn liaison() -> Liaison {
    Liaison {
        name: "王老师".to_owned(),
        mobile: "+86 139-0533-0000".to_owned(),
        email: "wang@zbedu.cn".to_owned(),
    }
}

fn raw(value: Value) -> RawFigures {
    serde_json::from_value(value).unwrap()
}

fn draft(figures: &RawFigures) -> StatisticsInput<'_> {
    StatisticsInput {
        figures,
        submit: false,
        revision: None,
    }
}

fn complete_table() -> RawFigures {
    raw(json!({
        "schools": 1, "teachers": 120, "students": 3400, "student_coverage_percent": "85.5",
        "enterprises": 12, "participants": 4000, "experience_items": 36,
        "activity_forms": "开放校园、技能展示", "media_coverage": "大众网报道3篇"
    }))
}

/// The fields named by a refusal for its values.
fn refused_fields(result: Result<UnitReport, ReportingError>) -> Vec<&'static str> {
    match result {
        Err(ReportingError::InvalidFields(problems)) => problems.iter().map(|p| p.field).collect(),
        other => panic!("expected the values refused, got {other:?}"),
    }
}

#[tokio::test]
async fn a_unit_saves_its_own_reports_and_reaches_no_other_units() {
    let world = World::new("reporting-own").await;
    let (reporting, _) = service(&world).await;
    let own = Actor::Unit(world.edu_unit);
    let other = another_college(&world).await;
    let liaison = liaison();
    let input = RegistrationInput {
        website_url: Some("https://www.jnvc.cn/zjz"),
        liaison: Some(&liaison),
    };

    let saved = reporting
        .save_registration(&own, "current", "me", input)
        .await
        .unwrap();
    assert_eq!(saved.unit.id, world.edu_unit);
    assert_eq!(saved.campaign.campaign.slug, "shandong-2021");
    let registration = saved.reports.registration.unwrap();
    assert_eq!(
        registration.website_url.as_deref(),
        Some("https://www.jnvc.cn/zjz")
    );
    assert_eq!(
        registration.liaison_mobile.as_deref(),
        Some("13905330000"),
        "stored normalised"
    );
    assert!(registration.website_first_at.is_some() && registration.liaison_first_at.is_some());

    // Another unit's id is as unknown to a unit as an id that does not exist: neither read
    // nor written.
    let edu_id = world.edu_unit.to_string();
    let them = Actor::Unit(other);
    let read = reporting.report(&them, "current", &edu_id).await;
    assert!(
        matches!(read, Err(ReportingError::UnitNotFound)),
        "{read:?}"
    );
    let figures = raw(json!({ "teachers": 1 }));
    let written = reporting
        .save_statistics(&them, "current", &edu_id, draft(&figures))
        .await;
    assert!(
        matches!(written, Err(ReportingError::UnitNotFound)),
        "{written:?}"
    );
    let registered = reporting
        .save_registration(&them, "current", &edu_id, input)
        .await;
    assert!(
        matches!(registered, Err(ReportingError::UnitNotFound)),
        "{registered:?}"
    );
    let own_report = reporting.report(&own, "current", "me").await.unwrap();
    assert!(own_report.reports.statistics.is_none(), "nothing was saved");
    let theirs = reporting.report(&them, "current", "me").await.unwrap();
    assert!(theirs.reports.registration.is_none());

    // `me` is a unit's word; a text that is no id names no unit.
    let me = reporting.report(&editor(Desk::Edu), "current", "me").await;
    assert!(matches!(me, Err(ReportingError::NotAUnit)), "{me:?}");
    let word = reporting.report(&own, "current", "first").await;
    assert!(
        matches!(word, Err(ReportingError::UnitNotFound)),
        "{word:?}"
    );
    world.finish();
}

#[tokio::test]
async fn a_desk_reads_its_units_and_writes_none() {
    let world = World::new("reporting-desks").await;
    let (reporting, _) = service(&world).await;
    let (edu_id, hr_id) = (world.edu_unit.to_string(), world.hr_unit.to_string());
    let figures = raw(json!({ "teachers": 5 }));
    reporting
        .save_statistics(
            &Actor::Unit(world.edu_unit),
            "current",
            "me",
            draft(&figures),
        )
        .await
        .unwrap();

    for reader in [editor(Desk::Edu), admin()] {
        let target = reporting.target(&reader, "current", &edu_id).await.unwrap();
        assert!(!target.may_edit, "{reader:?}");
        let report = reporting.report(&reader, "current", &edu_id).await.unwrap();
        let statistics = report.reports.statistics.unwrap();
        assert_eq!(statistics.teachers, Some(5));
        let changed = raw(json!({ "teachers": 6 }));
        let written = reporting
            .save_statistics(&reader, "current", &edu_id, draft(&changed))
            .await;
        assert!(
            matches!(written, Err(ReportingError::NotYourUnit)),
            "{reader:?}: {written:?}"
        );
        let liaison = liaison();
        let registration = RegistrationInput {
            website_url: None,
            liaison: Some(&liaison),
        };
        let registered = reporting
            .save_registration(&reader, "current", &edu_id, registration)
            .await;
        assert!(
            matches!(registered, Err(ReportingError::NotYourUnit)),
            "{reader:?}: {registered:?}"
        );
        let document = reporting
            .document_upload(&reader, "current", &edu_id, DocumentPurpose::Plan)
            .await;
        assert!(
            matches!(document, Err(ReportingError::NotYourUnit)),
            "{reader:?}: {document:?}"
        );
    }
    let unchanged = reporting
        .report(&admin(), "current", &edu_id)
        .await
        .unwrap();
    assert_eq!(unchanged.reports.statistics.unwrap().teachers, Some(5));

    // The HR bureau reports to the HR desk: the edu desk does not read it, the HR desk does.
    let other_desk = reporting
        .report(&editor(Desk::Edu), "current", &hr_id)
        .await;
    assert!(
        matches!(
            other_desk,
            Err(ReportingError::Forbidden(ReportForbidden::OtherDesk))
        ),
        "{other_desk:?}"
    );
    assert!(
        reporting
            .report(&editor(Desk::Hr), "current", &hr_id)
            .await
            .is_ok()
    );
    let partner = reporting
        .report(&Actor::Partner(1), "current", &edu_id)
        .await;
    assert!(
        matches!(
            partner,
            Err(ReportingError::Forbidden(ReportForbidden::Partner))
        ),
        "{partner:?}"
    );
    let missing = reporting.report(&admin(), "current", "99999").await;
    assert!(
        matches!(missing, Err(ReportingError::UnitNotFound)),
        "{missing:?}"
    );
    world.finish();
}

#[tokio::test]
async fn reports_change_in_the_active_campaign_only() {
    let world = World::new("reporting-closed").await;
    let (reporting, ingestor) = service(&world).await;
    let campaigns = Campaigns::new(world.db.clone(), ingestor);
    let day = |text: &str| text.parse::<NaiveDate>().unwrap();
    let next_year = CampaignFields {
        slug: "shandong-2022".to_owned(),
        year: 2022,
        name_zh: "山东省2022年职业教育活动周".to_owned(),
        name_en: "Shandong Vocational Education Week 2022".to_owned(),
        theme_zh: "技能：让生活更美好".to_owned(),
        theme_en: "Skills make life better".to_owned(),
        starts_on: day("2022-05-08"),
        ends_on: day("2022-05-14"),
        plan_due_on: day("2022-05-06"),
        report_due_on: day("2022-05-25"),
    };
    campaigns.create(&admin(), next_year, None).await.unwrap();
    let unit = Actor::Unit(world.edu_unit);

    // A week not active yet takes no reports (nor, once past, would an earlier one).
    let figures = raw(json!({ "teachers": 1 }));
    let written = reporting
        .save_statistics(&unit, "shandong-2022", "me", draft(&figures))
        .await;
    match written {
        Err(ReportingError::CampaignClosed(slug)) => assert_eq!(slug, "shandong-2022"),
        other => panic!("expected the campaign closed, got {other:?}"),
    }
    let input = RegistrationInput {
        website_url: Some("https://www.jnvc.cn/zjz"),
        liaison: None,
    };
    let registered = reporting
        .save_registration(&unit, "shandong-2022", "me", input)
        .await;
    assert!(
        matches!(registered, Err(ReportingError::CampaignClosed(_))),
        "{registered:?}"
    );
    let document = reporting
        .document_upload(&unit, "shandong-2022", "me", DocumentPurpose::Plan)
        .await;
    assert!(
        matches!(document, Err(ReportingError::CampaignClosed(_))),
        "{document:?}"
    );
    // Its reports are read, and nothing was kept.
    let report = reporting
        .report(&unit, "shandong-2022", "me")
        .await
        .unwrap();
    assert!(report.reports.statistics.is_none() && report.reports.registration.is_none());
    // The active week, named or `current`, takes them.
    reporting
        .save_statistics(&unit, "shandong-2021", "me", draft(&figures))
        .await
        .unwrap();
    let unknown = reporting.report(&unit, "shandong-1999", "me").await;
    match unknown {
        Err(ReportingError::CampaignNotFound(slug)) => assert_eq!(slug, "shandong-1999"),
        other => panic!("expected the campaign not found, got {other:?}"),
    }
    world.finish();
}

#[tokio::test]
async fn invalid_values_are_refused_with_their_fields_and_nothing_is_kept() {
    let world = World::new("reporting-values").await;
    let (reporting, _) = service(&world).await;
    let unit = Actor::Unit(world.edu_unit);

    let wrong = raw(json!({ "teachers": -3, "student_coverage_percent": "120%" }));
    let refused = reporting
        .save_statistics(&unit, "current", "me", draft(&wrong))
        .await;
    assert_eq!(
        refused_fields(refused),
        ["teachers", "student_coverage_percent"]
    );
    let report = reporting.report(&unit, "current", "me").await.unwrap();
    assert!(report.reports.statistics.is_none(), "nothing of it is kept");

    // A draft may be incomplete; the final submission needs every column.
    let partial = raw(json!({ "teachers": "120", "activity_forms": "开放校园" }));
    let saved = reporting
        .save_statistics(&unit, "current", "me", draft(&partial))
        .await
        .unwrap();
    let statistics = saved.reports.statistics.unwrap();
    assert_eq!(
        (statistics.status.as_str(), statistics.revision),
        ("draft", 1)
    );
    assert_eq!(statistics.teachers, Some(120));
    let incomplete = StatisticsInput {
        submit: true,
        revision: Some(1),
        ..draft(&partial)
    };
    let refused = reporting
        .save_statistics(&unit, "current", "me", incomplete)
        .await;
    assert_eq!(refused_fields(refused).len(), 7);

    // A stale revision is refused rather than overwriting; then the submission stands, and a
    // draft over it is refused (a correction is a new final submission).
    let table = complete_table();
    let stale = StatisticsInput {
        figures: &table,
        submit: true,
        revision: Some(0),
    };
    let conflicted = reporting
        .save_statistics(&unit, "current", "me", stale)
        .await;
    assert!(
        matches!(conflicted, Err(ReportingError::VersionConflict)),
        "{conflicted:?}"
    );
    let submitted = reporting
        .save_statistics(
            &unit,
            "current",
            "me",
            StatisticsInput {
                revision: Some(1),
                ..stale
            },
        )
        .await
        .unwrap();
    let statistics = submitted.reports.statistics.unwrap();
    assert_eq!(
        (statistics.status.as_str(), statistics.revision),
        ("submitted", 2)
    );
    assert!(statistics.first_submitted_at.is_some());
    let again = reporting
        .save_statistics(&unit, "current", "me", draft(&partial))
        .await;
    assert!(
        matches!(again, Err(ReportingError::AlreadySubmitted(_))),
        "{again:?}"
    );

    // The registration: every problem at once, or nothing to save at all.
    let wrong_liaison = Liaison {
        name: " ".to_owned(),
        mobile: "0533-1234567".to_owned(),
        email: "nobody".to_owned(),
    };
    let wrong = RegistrationInput {
        website_url: Some("zibo.sdedu.gov.cn/week"),
        liaison: Some(&wrong_liaison),
    };
    let refused = reporting
        .save_registration(&unit, "current", "me", wrong)
        .await;
    assert_eq!(
        refused_fields(refused),
        [
            "website_url",
            "liaison.name",
            "liaison.mobile",
            "liaison.email"
        ]
    );
    let nothing = reporting
        .save_registration(&unit, "current", "me", RegistrationInput::default())
        .await;
    assert!(
        matches!(nothing, Err(ReportingError::NothingToSave)),
        "{nothing:?}"
    );
    let report = reporting.report(&unit, "current", "me").await.unwrap();
    assert!(report.reports.registration.is_none());
    world.finish();
}

#[tokio::test]
async fn each_kind_of_unit_sends_what_it_owes() {
    let world = World::new("reporting-kinds").await;
    let (reporting, _) = service(&world).await;
    let hr = Actor::Unit(world.hr_unit);

    // A city HR bureau registers and sends a plan, but no statistics table or summary report.
    let table = complete_table();
    let refused = reporting
        .save_statistics(&hr, "current", "me", draft(&table))
        .await;
    match refused {
        Err(ReportingError::NotReporting { kind, owed }) => {
            assert_eq!(
                (kind, owed),
                (UnitKind::CityHrBureau, Obligation::Statistics)
            );
        }
        other => panic!("expected the table refused, got {other:?}"),
    }
    let summary = reporting
        .document_upload(&hr, "current", "me", DocumentPurpose::SummaryReport)
        .await;
    assert!(
        matches!(
            summary,
            Err(ReportingError::NotReporting {
                owed: Obligation::Statistics,
                ..
            })
        ),
        "{summary:?}"
    );
    let plan = reporting
        .document_upload(&hr, "current", "me", DocumentPurpose::Plan)
        .await
        .unwrap();
    assert_eq!(plan.purpose(), DocumentPurpose::Plan);
    assert_eq!(plan.target().unit.id, world.hr_unit);
    let report = reporting.report(&hr, "current", "me").await.unwrap();
    assert_eq!(report.unit.kind, UnitKind::CityHrBureau);
    world.finish();
}

#[tokio::test]
async fn a_plan_goes_through_ingest_and_is_the_units_document() {
    let world = World::new("reporting-plan").await;
    let (reporting, _) = service(&world).await;
    let unit = Actor::Unit(world.edu_unit);

    let upload = reporting
        .document_upload(&unit, "current", "me", DocumentPurpose::Plan)
        .await
        .unwrap();
    let mut open = reporting.stage_document("活动周方案.txt").await.unwrap();
    open.write("济南职业学院活动周方案：开放校园。".as_bytes())
        .await
        .unwrap();
    let staged = open.finish().await.unwrap();
    let report = reporting.record_document(upload, staged).await.unwrap();
    let documents = &report.reports.documents;
    assert_eq!(documents.len(), 1);
    assert_eq!(documents[0].purpose, DocumentPurpose::Plan);
    assert_eq!(documents[0].original_filename, "活动周方案.txt");
    assert_eq!(documents[0].unit_id, world.edu_unit);
    // Its bytes are stored at their content address.
    let key = vocweek_storage::original_key(&documents[0].blake3).unwrap();
    assert!(world.store.exists(&key).await.unwrap());
    world.finish();
}

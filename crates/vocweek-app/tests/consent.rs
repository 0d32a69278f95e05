//! The portrait-consent rule without HTTP, against a real SQLite database: a photo whose unit
//! declared no consent is recommended only when the editor confirms it (one item, or a whole
//! bulk run), and the history says so; the credit and the consent are edited like the texts,
//! with their bounds and their audit.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use support::{World, decision, editor};
use vocweek_app::{
    BulkItem, BulkOutcome, DecisionInput, EditInput, EditorialError, Invalid, NotAllowed, TagEdit,
    consent_missing,
};
use vocweek_domain::{AssetState, Desk, DomainError};

/// The editor's recommendation at `version`, confirming the missing consent or not.
fn recommend(version: i32, confirm_without_consent: bool) -> DecisionInput<'static> {
    DecisionInput {
        confirm_without_consent,
        ..decision("recommend", None, version)
    }
}

fn change(version: i32) -> EditInput {
    EditInput {
        version,
        title: None,
        description: None,
        tags: TagEdit::Keep,
        credit: None,
        portrait_consent: None,
    }
}

/// The details of the item's latest audit event named `action`.
async fn details_of(world: &World, id: &str, action: &str) -> serde_json::Value {
    world
        .db
        .audit_trail(id)
        .await
        .unwrap()
        .into_iter()
        .rev()
        .find(|event| event.action == action)
        .unwrap_or_else(|| panic!("no {action} in the history of {id}"))
        .details
}

#[tokio::test]
async fn a_recommendation_without_consent_needs_the_editor_s_confirmation() {
    let mut world = World::new("consent-one").await;
    let edu = editor(Desk::Edu);
    let id = world.item_without_consent().await;
    let record = world.db.asset(&id).await.unwrap().unwrap();
    assert!(consent_missing(&record.asset));

    // A recommendation the state machine refuses anyway is refused for that first.
    let early = world.editorial.decide(&edu, &id, recommend(2, false)).await;
    assert!(
        matches!(
            early,
            Err(EditorialError::NotAllowed(NotAllowed::Transition(
                DomainError::ForbiddenTransition { .. }
            )))
        ),
        "{early:?}"
    );
    world
        .editorial
        .decide(&edu, &id, decision("approve", None, 2))
        .await
        .unwrap();
    // A stale version is the conflict it is, whatever the consent.
    let stale = world.editorial.decide(&edu, &id, recommend(2, false)).await;
    assert!(
        matches!(stale, Err(EditorialError::Conflict { .. })),
        "{stale:?}"
    );

    let refused = world.editorial.decide(&edu, &id, recommend(3, false)).await;
    assert!(
        matches!(
            refused,
            Err(EditorialError::NotAllowed(NotAllowed::ConsentUnconfirmed))
        ),
        "{refused:?}"
    );
    assert_eq!(world.state_of(&id).await, (AssetState::Approved, 3));

    let confirmed = world
        .editorial
        .decide(&edu, &id, recommend(3, true))
        .await
        .unwrap();
    assert_eq!(confirmed.asset.state, AssetState::Recommended);
    assert_eq!(
        details_of(&world, &id, "recommend").await["without_consent"],
        true
    );
    world.finish();
}

#[tokio::test]
async fn an_item_with_consent_is_recommended_as_before() {
    let mut world = World::new("consent-given").await;
    let edu = editor(Desk::Edu);
    let id = world.item().await;
    let record = world.db.asset(&id).await.unwrap().unwrap();
    assert!(!consent_missing(&record.asset));
    world
        .editorial
        .decide(&edu, &id, decision("approve", None, 2))
        .await
        .unwrap();
    world
        .editorial
        .decide(&edu, &id, recommend(3, false))
        .await
        .unwrap();
    let details = details_of(&world, &id, "recommend").await;
    assert!(details.get("without_consent").is_none(), "{details}");
    world.finish();
}

#[tokio::test]
async fn a_bulk_recommendation_skips_unconfirmed_items_and_counts_them() {
    let mut world = World::new("consent-bulk").await;
    let edu = editor(Desk::Edu);
    let with = world.item().await;
    let without = world.item_without_consent().await;
    for id in [&with, &without] {
        world
            .editorial
            .decide(&edu, id, decision("approve", None, 2))
            .await
            .unwrap();
    }
    let selected: Vec<BulkItem> = [&with, &without]
        .into_iter()
        .map(|id| BulkItem {
            id: id.clone(),
            version: 3,
        })
        .collect();
    let outcome = world
        .editorial
        .decide_many(&edu, &selected, "recommend", None, false)
        .await
        .unwrap();
    assert_eq!(
        outcome,
        BulkOutcome {
            done: 1,
            skipped: 1,
            without_consent: 1,
        }
    );
    assert_eq!(world.state_of(&without).await, (AssetState::Approved, 3));
    let confirmed = world
        .editorial
        .decide_many(&edu, &selected[1..], "recommend", None, true)
        .await
        .unwrap();
    assert_eq!(confirmed.done, 1, "{confirmed:?}");
    assert_eq!(world.state_of(&without).await.0, AssetState::Recommended);
    assert_eq!(
        details_of(&world, &without, "recommend").await["without_consent"],
        true
    );
    world.finish();
}

#[tokio::test]
async fn credit_and_consent_are_edited_with_their_bounds_and_audit() {
    let mut world = World::new("consent-edit").await;
    let edu = editor(Desk::Edu);
    let vocabulary = world.vocabulary.clone();
    let id = world.item_without_consent().await;

    let too_long = EditInput {
        credit: Some("摄".repeat(101)),
        ..change(2)
    };
    let refused = world.editorial.edit(&edu, &id, too_long, &vocabulary).await;
    assert!(
        matches!(refused, Err(EditorialError::Invalid(Invalid::Credit))),
        "{refused:?}"
    );
    let two_lines = EditInput {
        credit: Some("张三\n李四".to_owned()),
        ..change(2)
    };
    let refused = world
        .editorial
        .edit(&edu, &id, two_lines, &vocabulary)
        .await;
    assert!(
        matches!(
            refused,
            Err(EditorialError::Invalid(Invalid::ControlCharacter {
                field: "credit",
                ..
            }))
        ),
        "{refused:?}"
    );

    let declared = EditInput {
        credit: Some("  李四（摄影） ".to_owned()),
        portrait_consent: Some(true),
        ..change(2)
    };
    let edited = world
        .editorial
        .edit(&edu, &id, declared, &vocabulary)
        .await
        .unwrap();
    assert_eq!(edited.asset.credit, "李四（摄影）");
    assert!(edited.asset.portrait_consent && !consent_missing(&edited.asset));
    let history = details_of(&world, &id, "edited").await;
    let changed = &history["changed"];
    assert_eq!(
        changed["credit"],
        serde_json::json!(["张三", "李四（摄影）"])
    );
    assert_eq!(
        changed["portrait_consent"],
        serde_json::json!([false, true])
    );

    // Declared now: recommended without a confirmation.
    world
        .editorial
        .decide(&edu, &id, decision("approve", None, 3))
        .await
        .unwrap();
    world
        .editorial
        .decide(&edu, &id, recommend(4, false))
        .await
        .unwrap();
    world.finish();
}

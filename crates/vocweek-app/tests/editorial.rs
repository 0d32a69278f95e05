//! The editorial rules without HTTP, against a real SQLite database and a filesystem blob
//! store: conflicts, notes, desks, the review state machine, what units may do, bulk runs,
//! and deletion of rows and blobs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use std::time::Duration;

use support::{World, admin, decision, editor};
use vocweek_app::{
    Actor, BulkItem, BulkOutcome, Conflicted, EditInput, EditorialError, Forbidden, Invalid,
    NotAllowed, TagEdit,
};
use vocweek_domain::{AssetState, Desk, DomainError, Role, TagChange};
use vocweek_storage::{original_key, rendition_key};

fn edit(version: i32, title: &str) -> EditInput {
    EditInput {
        version,
        title: Some(title.to_owned()),
        description: None,
        tags: TagEdit::Keep,
        credit: None,
        portrait_consent: None,
    }
}

fn items(selected: &[(&str, i32)]) -> Vec<BulkItem> {
    selected
        .iter()
        .map(|(id, version)| BulkItem {
            id: (*id).to_owned(),
            version: *version,
        })
        .collect()
}

#[tokio::test]
async fn a_decision_at_a_stale_version_is_a_conflict_that_tells_the_item_now() {
    let mut world = World::new("conflict").await;
    let id = world.item().await;
    let edu = editor(Desk::Edu);
    let approved = world
        .editorial
        .decide(&edu, &id, decision("approve", None, 2))
        .await
        .unwrap();
    assert_eq!(
        (approved.asset.state, approved.asset.version),
        (AssetState::Approved, 3)
    );
    // A second editor decided on what they saw before: a conflict, not a lost update.
    let stale = world
        .editorial
        .decide(&edu, &id, decision("reject", Some("模糊"), 2))
        .await;
    match stale {
        Err(EditorialError::Conflict {
            version, current, ..
        }) => {
            assert_eq!(version, 2);
            let now = Conflicted {
                state: "approved".to_owned(),
                version: 3,
            };
            assert_eq!(current, Some(now));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let stale_edit = world
        .editorial
        .edit(&edu, &id, edit(2, "新标题"), &world.vocabulary)
        .await;
    assert!(
        matches!(stale_edit, Err(EditorialError::Conflict { .. })),
        "{stale_edit:?}"
    );
    assert_eq!(world.state_of(&id).await, (AssetState::Approved, 3));
    world.finish();
}

#[tokio::test]
async fn rejecting_and_returning_need_a_note() {
    let mut world = World::new("notes").await;
    let id = world.item().await;
    let edu = editor(Desk::Edu);
    for (action, note) in [("return", None), ("reject", Some("  ")), ("reject", None)] {
        let refused = world
            .editorial
            .decide(&edu, &id, decision(action, note, 2))
            .await;
        assert!(
            matches!(
                refused,
                Err(EditorialError::Invalid(Invalid::NoteRequired(_)))
            ),
            "{action} {note:?}: {refused:?}"
        );
    }
    assert_eq!(world.state_of(&id).await, (AssetState::PendingReview, 2));
    let returned = world
        .editorial
        .decide(&edu, &id, decision("return", Some(" 请补充活动地点 "), 2))
        .await
        .unwrap();
    assert_eq!(returned.asset.state, AssetState::Returned);
    assert_eq!(
        returned.asset.review_note.as_deref(),
        Some("请补充活动地点")
    );
    world.finish();
}

#[tokio::test]
async fn an_editor_decides_only_on_its_desks_items() {
    let mut world = World::new("desks").await;
    let id = world.item().await;
    let hr = editor(Desk::Hr);
    // Another desk's item does not exist for this editor, whatever it sends.
    for action in ["approve", "none"] {
        let refused = world
            .editorial
            .decide(&hr, &id, decision(action, None, 2))
            .await;
        assert!(
            matches!(refused, Err(EditorialError::NotFound)),
            "{refused:?}"
        );
    }
    let deskless = Actor::Staff {
        user_id: 3,
        role: Role::Editor,
        desk: None,
    };
    for (actor, why) in [
        (Actor::Unit(world.edu_unit), Forbidden::NotStaff),
        (Actor::Partner(1), Forbidden::NotStaff),
        (deskless, Forbidden::NoDesk),
    ] {
        let refused = world
            .editorial
            .decide(&actor, &id, decision("approve", None, 2))
            .await;
        assert!(
            matches!(&refused, Err(EditorialError::Forbidden(f)) if *f == why),
            "{actor:?}: {refused:?}"
        );
    }
    let bulk = world
        .editorial
        .decide_many(&hr, &items(&[(id.as_str(), 2)]), "approve", None, false)
        .await
        .unwrap();
    assert_eq!(
        bulk,
        BulkOutcome {
            done: 0,
            skipped: 1,
            without_consent: 0,
        }
    );
    assert_eq!(world.state_of(&id).await, (AssetState::PendingReview, 2));
    let by_admin = world
        .editorial
        .decide(&admin(), &id, decision("approve", None, 2))
        .await
        .unwrap();
    assert_eq!(by_admin.asset.state, AssetState::Approved);
    world.finish();
}

#[tokio::test]
async fn only_an_approved_item_is_recommended_and_decisions_wake_the_feed() {
    let mut world = World::new("recommend").await;
    let id = world.item().await;
    let edu = editor(Desk::Edu);
    let early = world
        .editorial
        .decide(&edu, &id, decision("recommend", None, 2))
        .await;
    assert!(
        matches!(
            early,
            Err(EditorialError::NotAllowed(NotAllowed::Transition(
                DomainError::ForbiddenTransition { .. }
            )))
        ),
        "{early:?}"
    );
    let feed = world.feed.clone();
    let woken = feed.notified();
    tokio::pin!(woken);
    woken.as_mut().enable();
    world
        .editorial
        .decide(&edu, &id, decision("approve", None, 2))
        .await
        .unwrap();
    assert!(
        tokio::time::timeout(Duration::from_secs(5), woken)
            .await
            .is_ok(),
        "the feed's long-polls were not woken"
    );
    let recommended = world
        .editorial
        .decide(&edu, &id, decision("recommend", None, 3))
        .await
        .unwrap();
    assert_eq!(recommended.asset.state, AssetState::Recommended);
    world.finish();
}

#[tokio::test]
async fn edits_follow_who_may_change_what_and_when() {
    let mut world = World::new("edits").await;
    let edu = editor(Desk::Edu);
    let processing = world.upload().await;
    let refused = world
        .editorial
        .edit(&edu, &processing, edit(1, "新标题"), &world.vocabulary)
        .await;
    assert!(
        matches!(
            refused,
            Err(EditorialError::NotAllowed(NotAllowed::StillProcessing))
        ),
        "{refused:?}"
    );
    let id = world.item().await;
    let unit = Actor::Unit(world.edu_unit);
    let vocabulary = world.vocabulary.clone();
    let attempt = |actor: Actor, input: EditInput| {
        let editorial = world.editorial.clone();
        let vocabulary = vocabulary.clone();
        let id = id.clone();
        async move { editorial.edit(&actor, &id, input, &vocabulary).await }
    };
    let in_review = attempt(unit.clone(), edit(2, "单位改的")).await;
    assert!(
        matches!(
            in_review,
            Err(EditorialError::NotAllowed(NotAllowed::NotReturned))
        ),
        "{in_review:?}"
    );
    let long = "长".repeat(201);
    for title in [" ", long.as_str()] {
        let refused = attempt(edu.clone(), edit(2, title)).await;
        assert!(
            matches!(refused, Err(EditorialError::Invalid(Invalid::Title))),
            "{refused:?}"
        );
    }
    // A control character is refused before anything is looked up, even for another desk.
    let control = attempt(editor(Desk::Hr), edit(2, "实训\u{1}现场")).await;
    match control {
        Err(EditorialError::Invalid(invalid)) => assert_eq!(invalid.field(), "title"),
        other => panic!("expected a refused title, got {other:?}"),
    }
    let unknown_theme = TagEdit::Change(TagChange {
        themes: Some(vec!["nope".to_owned()]),
        ..TagChange::default()
    });
    let tagged = EditInput {
        tags: unknown_theme,
        ..edit(2, "开幕式")
    };
    let refused = attempt(edu.clone(), tagged).await;
    assert!(
        matches!(refused, Err(EditorialError::Invalid(Invalid::Tags(_)))),
        "{refused:?}"
    );
    let retag = EditInput {
        tags: TagEdit::Change(TagChange {
            city: Some("qingdao".to_owned()),
            ..TagChange::default()
        }),
        ..edit(2, " 开幕式（青岛） ")
    };
    let edited = attempt(edu.clone(), retag).await.unwrap();
    assert_eq!(edited.asset.title, "开幕式（青岛）");
    assert_eq!(edited.asset.city, "qingdao");
    assert_eq!(
        edited.themes,
        ["policy"],
        "a partial change keeps the themes"
    );
    assert_eq!(
        edited.asset.state,
        AssetState::PendingReview,
        "an edit decides nothing"
    );

    // Returned, the item is corrected by the unit that sent it (and by no other) and goes
    // back to review.
    world
        .editorial
        .decide(&edu, &id, decision("return", Some("请补充时间"), 3))
        .await
        .unwrap();
    let stranger = attempt(Actor::Unit(world.hr_unit), edit(4, "别的单位改的")).await;
    assert!(
        matches!(stranger, Err(EditorialError::NotFound)),
        "{stranger:?}"
    );
    let corrected = attempt(unit, edit(4, "开幕式（5月22日）")).await.unwrap();
    assert_eq!(corrected.asset.state, AssetState::PendingReview);
    assert_eq!(corrected.asset.title, "开幕式（5月22日）");
    world.finish();
}

#[tokio::test]
async fn bulk_runs_skip_what_they_may_not_do_and_count_it() {
    let mut world = World::new("bulk").await;
    let edu = editor(Desk::Edu);
    let (a, b, c) = (world.item().await, world.item().await, world.item().await);
    let other_desk = world.item_by(world.hr_unit, Desk::Hr).await;
    let selected = items(&[
        (a.as_str(), 2),
        (b.as_str(), 2),
        (c.as_str(), 1),
        (other_desk.as_str(), 2),
    ]);
    let refused = world
        .editorial
        .decide_many(&edu, &selected, "reject", None, false)
        .await;
    assert!(
        matches!(
            refused,
            Err(EditorialError::Invalid(Invalid::NoteRequired(_)))
        ),
        "{refused:?}"
    );
    let unit = Actor::Unit(world.edu_unit);
    let by_unit = world
        .editorial
        .decide_many(&unit, &selected, "approve", None, false)
        .await;
    assert!(
        matches!(by_unit, Err(EditorialError::Forbidden(Forbidden::NotStaff))),
        "{by_unit:?}"
    );
    let outcome = world
        .editorial
        .decide_many(&edu, &selected, "approve", None, false)
        .await
        .unwrap();
    assert_eq!(
        outcome,
        BulkOutcome {
            done: 2,
            skipped: 2,
            without_consent: 0,
        }
    );
    assert_eq!(world.state_of(&c).await, (AssetState::PendingReview, 2));
    assert_eq!(
        world.state_of(&other_desk).await.0,
        AssetState::PendingReview
    );

    let change = TagChange {
        city: Some("qingdao".to_owned()),
        add_themes: vec!["labor_spirit".to_owned()],
        ..TagChange::default()
    };
    let retagged = world
        .editorial
        .retag_many(
            &edu,
            &items(&[(a.as_str(), 3), (c.as_str(), 2), (b.as_str(), 2)]),
            &change,
            &world.vocabulary,
        )
        .await
        .unwrap();
    assert_eq!(
        retagged,
        BulkOutcome {
            done: 2,
            skipped: 1,
            without_consent: 0,
        }
    );
    let a_now = world.db.asset(&a).await.unwrap().unwrap();
    assert_eq!(a_now.asset.city, "qingdao");
    assert_eq!(a_now.themes, ["labor_spirit", "policy"]);
    assert_eq!(
        a_now.asset.state,
        AssetState::Approved,
        "a re-tag decides nothing"
    );
    let unknown = TagChange {
        add_themes: vec!["no_such_theme".to_owned()],
        ..TagChange::default()
    };
    let none = world
        .editorial
        .retag_many(
            &edu,
            &items(&[(a.as_str(), 4)]),
            &unknown,
            &world.vocabulary,
        )
        .await
        .unwrap();
    assert_eq!(
        none,
        BulkOutcome {
            done: 0,
            skipped: 1,
            without_consent: 0,
        }
    );
    world.finish();
}

#[tokio::test]
async fn deleting_removes_the_rows_then_the_blobs() {
    let mut world = World::new("delete").await;
    let id = world.item().await;
    let blake3 = world.db.asset(&id).await.unwrap().unwrap().asset.blake3;
    let original = original_key(&blake3).unwrap();
    let thumb = rendition_key(&id, "thumb").unwrap();
    let segment = rendition_key(&id, "hls/720p_00000.ts").unwrap();
    for key in [&original, &thumb, &segment] {
        world.put(key, b"bytes").await;
    }
    let refused = world.editorial.delete_asset(&editor(Desk::Edu), &id).await;
    assert!(
        matches!(
            refused,
            Err(EditorialError::Forbidden(Forbidden::NotDeleter))
        ),
        "editors do not delete: {refused:?}"
    );
    let stranger = world
        .editorial
        .delete_asset(&Actor::Unit(world.hr_unit), &id)
        .await;
    assert!(
        matches!(stranger, Err(EditorialError::NotFound)),
        "{stranger:?}"
    );
    let deleted = world.editorial.delete_asset(&admin(), &id).await.unwrap();
    assert_eq!(deleted.id, id);
    assert!(world.db.asset(&id).await.unwrap().is_none());
    for key in [&original, &thumb, &segment] {
        assert!(!world.store.exists(key).await.unwrap(), "{key} remains");
    }
    let trail = world.db.audit_trail(&id).await.unwrap();
    assert!(trail.iter().any(|event| event.action == "deleted"));

    // A unit withdraws its own item until an editor approved it.
    let unit = Actor::Unit(world.edu_unit);
    let approved = world.item().await;
    world
        .editorial
        .decide(&editor(Desk::Edu), &approved, decision("approve", None, 2))
        .await
        .unwrap();
    let kept = world.editorial.delete_asset(&unit, &approved).await;
    assert!(
        matches!(kept, Err(EditorialError::NotAllowed(NotAllowed::Decided))),
        "{kept:?}"
    );
    let pending = world.item().await;
    world.editorial.delete_asset(&unit, &pending).await.unwrap();
    assert!(world.db.asset(&pending).await.unwrap().is_none());
    assert!(world.db.asset(&approved).await.unwrap().is_some());
    world.finish();
}

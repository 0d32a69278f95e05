//! The recommendation batches rules without HTTP, against a real SQLite database and a files
//! store: which desk sees and composes which batch, only recommended items of the batch's desk
//! join it (each once), a sent batch is frozen, an empty one is not sent, an item another batch
//! already sent is marked and goes again only when confirmed, what changes on a sent batch's
//! items is marked on it, and the export is a zip of what the batch holds.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use std::sync::Arc;

use futures_util::StreamExt;
use support::{World, admin, decision, editor};
use vocweek_app::{
    Actor, BatchError, BatchForbidden, Batches, EditInput, InvalidBatch, NewBatch, TagEdit,
};
use vocweek_db::batches::ItemRefusal;
use vocweek_domain::{AssetState, Desk, Role};
use vocweek_pipeline::{Ingestor, UploadLimits};
use vocweek_storage::original_key;

/// The batches service over the world's database and store, on its active campaign.
async fn service(world: &World) -> Batches {
    let campaign = world.db.active_campaign().await.unwrap();
    let ingestor = Ingestor::new(
        world.db.clone(),
        world.store.clone(),
        Arc::new(campaign),
        UploadLimits::default(),
        3,
    );
    Batches::new(world.db.clone(), world.store.clone(), ingestor)
}

/// A photo of `unit` on `desk`, approved then recommended by the desk's editor (version 4),
/// with its original in the store.
async fn recommended(world: &mut World, unit: i32, desk: Desk) -> String {
    let id = world.item_by(unit, desk).await;
    let editor = editor(desk);
    for (action, version) in [("approve", 2), ("recommend", 3)] {
        world
            .editorial
            .decide(&editor, &id, decision(action, None, version))
            .await
            .unwrap();
    }
    let blake3 = world.db.asset(&id).await.unwrap().unwrap().asset.blake3;
    world
        .put(
            &original_key(&blake3).unwrap(),
            b"\xff\xd8 not much of a photo",
        )
        .await;
    id
}

fn batch(title: &str) -> NewBatch<'_> {
    NewBatch {
        title,
        note: "5月22日",
        desk: None,
    }
}

/// A creation refused as `expected` says.
fn refused(result: Result<(), BatchError>, expected: fn(&InvalidBatch) -> bool) {
    match result {
        Err(BatchError::Invalid(invalid)) => assert!(expected(&invalid), "{invalid:?}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn ids<S: AsRef<str>>(items: &[S]) -> Vec<String> {
    items.iter().map(|id| id.as_ref().to_owned()).collect()
}

#[tokio::test]
async fn only_recommended_items_of_the_desk_join_once_and_a_sent_batch_is_frozen() {
    let mut world = World::new("batches-compose").await;
    let batches = service(&world).await;
    let (edu_unit, hr_unit) = (world.edu_unit, world.hr_unit);
    let first = recommended(&mut world, edu_unit, Desk::Edu).await;
    let second = recommended(&mut world, edu_unit, Desk::Edu).await;
    let pending = world.item().await;
    let other_desk = recommended(&mut world, hr_unit, Desk::Hr).await;
    let edu = editor(Desk::Edu);

    // An editor's batch is its own desk's, whatever desk the request names.
    let named_hr = NewBatch {
        desk: Some("hr"),
        ..batch("第一批推荐")
    };
    let created = batches.create(&edu, named_hr).await.unwrap();
    let id = created.batch.id;
    assert_eq!(
        (created.batch.desk.as_str(), created.batch.state.as_str()),
        ("edu", "draft")
    );
    let campaign = world.db.active_campaign().await.unwrap();
    assert_eq!(created.batch.campaign_id, campaign.campaign.id);

    let offered: Vec<String> = batches
        .candidates(&edu, &created)
        .await
        .unwrap()
        .into_iter()
        .map(|item| item.asset.id)
        .collect();
    assert_eq!(
        offered.len(),
        2,
        "the desk's recommended items: {offered:?}"
    );
    assert!(offered.contains(&first) && offered.contains(&second));

    match batches
        .set_items(&edu, id, &ids(&[&second, &pending]))
        .await
    {
        Err(BatchError::Invalid(InvalidBatch::NotRecommended { id: item, state })) => {
            assert_eq!((item, state.as_str()), (pending.clone(), "pending_review"));
        }
        other => panic!("only recommended items join, got {other:?}"),
    }
    let twice = batches.set_items(&edu, id, &ids(&[&first, &first])).await;
    assert!(
        matches!(&twice, Err(BatchError::Invalid(InvalidBatch::Twice(item))) if *item == first),
        "{twice:?}"
    );
    for stranger in [other_desk.as_str(), "no-such-item"] {
        match batches.set_items(&edu, id, &ids(&[stranger])).await {
            Err(BatchError::NoSuchItem(item)) => assert_eq!(item, stranger),
            other => panic!("another desk's item is not found, got {other:?}"),
        }
    }
    assert!(batches.batch(&edu, id).await.unwrap().items.is_empty());

    let set = batches
        .set_items(&edu, id, &ids(&[&second, &first]))
        .await
        .unwrap();
    let order: Vec<&str> = set.items.iter().map(|i| i.asset.id.as_str()).collect();
    assert_eq!(order, [second.as_str(), first.as_str()]);
    assert!(batches.candidates(&edu, &set).await.unwrap().is_empty());

    let sent = batches.send(&edu, id, false).await.unwrap();
    assert_eq!(sent.batch.state, "sent");
    assert!(sent.batch.sent_at.is_some());
    let trail = world.db.audit_trail(&first).await.unwrap();
    assert!(trail.iter().any(|e| e.action == "sent_to_ministry"));

    // Frozen: its items, its state; nothing is offered for it any more.
    let changed = batches.set_items(&edu, id, &ids(&[&first])).await;
    assert!(
        matches!(changed, Err(BatchError::Sent { id: sent_id }) if sent_id == id),
        "{changed:?}"
    );
    assert!(matches!(
        batches.send(&edu, id, false).await,
        Err(BatchError::Sent { .. })
    ));
    assert!(batches.candidates(&edu, &sent).await.unwrap().is_empty());
    assert_eq!(batches.batch(&edu, id).await.unwrap().items.len(), 2);
    world.finish();
}

/// The editor's page offered an item while it was recommended; it was reopened (by another tab,
/// say) before the save. The save reads each item in the transaction that writes the items, so the
/// item as it is now is refused and nothing is written. (A real interleaving inside that
/// transaction cannot be arranged from outside it: the data layer's unit of work is called
/// directly to show that it, not only the use case, refuses.)
#[tokio::test]
async fn an_item_no_longer_recommended_is_refused_where_the_items_are_written() {
    let mut world = World::new("batches-withdrawn").await;
    let batches = service(&world).await;
    let edu_unit = world.edu_unit;
    let kept = recommended(&mut world, edu_unit, Desk::Edu).await;
    let withdrawn = recommended(&mut world, edu_unit, Desk::Edu).await;
    let edu = editor(Desk::Edu);
    let created = batches.create(&edu, batch("撤回的推荐")).await.unwrap();
    let id = created.batch.id;
    let offered = batches.candidates(&edu, &created).await.unwrap();
    assert!(offered.iter().any(|item| item.asset.id == withdrawn));

    world
        .editorial
        .decide(&edu, &withdrawn, decision("reopen", None, 4))
        .await
        .unwrap();

    let refused = world
        .db
        .set_batch_items(id, &ids(&[&kept, &withdrawn]))
        .await
        .unwrap();
    assert_eq!(
        refused.map(drop),
        Err(ItemRefusal::NotRecommended {
            id: withdrawn.clone(),
            state: "pending_review".to_owned(),
        })
    );
    assert!(batches.batch(&edu, id).await.unwrap().items.is_empty());
    // The use case answers with the refusal it always gave for such an item.
    match batches
        .set_items(&edu, id, &ids(&[&kept, &withdrawn]))
        .await
    {
        Err(BatchError::Invalid(InvalidBatch::NotRecommended { id: item, state })) => {
            assert_eq!(
                (item, state.as_str()),
                (withdrawn.clone(), "pending_review")
            );
        }
        other => panic!("an item no longer recommended is refused, got {other:?}"),
    }
    assert!(batches.batch(&edu, id).await.unwrap().items.is_empty());

    // The unit of work's other refusals, and the save of what is still recommended.
    let twice = world.db.set_batch_items(id, &ids(&[&kept, &kept])).await;
    assert_eq!(
        twice.unwrap().map(drop),
        Err(ItemRefusal::Twice(kept.clone()))
    );
    let missing = world.db.set_batch_items(id, &ids(&["no-such-item"])).await;
    assert_eq!(
        missing.unwrap().map(drop),
        Err(ItemRefusal::NotFound("no-such-item".to_owned()))
    );
    let saved = world
        .db
        .set_batch_items(id, &ids(&[&kept]))
        .await
        .unwrap()
        .unwrap();
    let order: Vec<&str> = saved.items.iter().map(|i| i.asset.id.as_str()).collect();
    assert_eq!(order, [kept.as_str()]);
    world.finish();
}

#[tokio::test]
async fn another_desk_does_not_see_the_batch_and_units_compose_none() {
    let mut world = World::new("batches-desks").await;
    let batches = service(&world).await;
    let edu_unit = world.edu_unit;
    let item = recommended(&mut world, edu_unit, Desk::Edu).await;
    let edu = editor(Desk::Edu);
    let hr = editor(Desk::Hr);
    let created = batches.create(&edu, batch("教育批次")).await.unwrap();
    let id = created.batch.id;

    let not_found = |result: Result<(), BatchError>| {
        assert!(matches!(result, Err(BatchError::NotFound)), "{result:?}");
    };
    not_found(batches.batch(&hr, id).await.map(drop));
    not_found(batches.set_items(&hr, id, &ids(&[&item])).await.map(drop));
    not_found(batches.send(&hr, id, false).await.map(drop));
    not_found(batches.export(&hr, id).await.map(drop));
    not_found(batches.candidates(&hr, &created).await.map(drop));
    not_found(batches.batch(&edu, id + 1000).await.map(drop));
    assert!(batches.list(&hr).await.unwrap().is_empty());
    assert!(batches.batch(&edu, id).await.unwrap().items.is_empty());

    // An admin reaches every desk's batches.
    let hr_batch = batches.create(&hr, batch("人社批次")).await.unwrap();
    let listed: Vec<i32> = batches
        .list(&admin())
        .await
        .unwrap()
        .iter()
        .map(|b| b.batch.id)
        .collect();
    assert_eq!(listed, [hr_batch.batch.id, id], "newest first");
    let own: Vec<i32> = batches
        .list(&edu)
        .await
        .unwrap()
        .iter()
        .map(|b| b.batch.id)
        .collect();
    assert_eq!(own, [id]);
    assert_eq!(batches.batch(&admin(), id).await.unwrap().batch.id, id);

    let deskless = Actor::Staff {
        user_id: 3,
        role: Role::Editor,
        desk: None,
    };
    let cases = [
        (Actor::Unit(edu_unit), BatchForbidden::NotStaff),
        (Actor::Partner(1), BatchForbidden::NotStaff),
        (deskless, BatchForbidden::NoDesk),
    ];
    for (actor, why) in cases {
        let listed = batches.list(&actor).await;
        assert!(
            matches!(&listed, Err(BatchError::Forbidden(f)) if *f == why),
            "{actor:?}: {listed:?}"
        );
        let read = batches.batch(&actor, id).await;
        assert!(
            matches!(&read, Err(BatchError::Forbidden(f)) if *f == why),
            "{read:?}"
        );
        let made = batches.create(&actor, batch("单位批次")).await;
        assert!(
            matches!(&made, Err(BatchError::Forbidden(f)) if *f == why),
            "{made:?}"
        );
    }
    world.finish();
}

#[tokio::test]
async fn an_admin_names_the_desk_and_every_batch_needs_a_title() {
    let world = World::new("batches-create").await;
    let batches = service(&world).await;
    let admin = admin();

    refused(
        batches.create(&admin, batch("批次")).await.map(drop),
        |i| *i == InvalidBatch::NoDesk,
    );
    let finance = NewBatch {
        desk: Some("finance"),
        ..batch("批次")
    };
    refused(batches.create(&admin, finance).await.map(drop), |i| {
        matches!(i, InvalidBatch::Desk(_))
    });
    let untitled = NewBatch {
        desk: Some("hr"),
        ..batch("  ")
    };
    refused(batches.create(&admin, untitled).await.map(drop), |i| {
        *i == InvalidBatch::NoTitle
    });
    refused(
        batches
            .create(&editor(Desk::Edu), batch(""))
            .await
            .map(drop),
        |i| *i == InvalidBatch::NoTitle,
    );
    assert!(batches.list(&admin).await.unwrap().is_empty());

    let for_hr = NewBatch {
        desk: Some("hr"),
        ..batch(" 人社第一批 ")
    };
    let created = batches.create(&admin, for_hr).await.unwrap();
    assert_eq!(created.batch.desk, Desk::Hr);
    assert_eq!(created.batch.title, "人社第一批", "trimmed");
    assert_eq!(created.batch.created_by, 2);
    // An empty batch is not sent.
    assert!(matches!(
        batches.send(&admin, created.batch.id, false).await,
        Err(BatchError::Invalid(InvalidBatch::Empty))
    ));
    world.finish();
}

#[tokio::test]
async fn the_export_is_a_zip_of_the_batch() {
    let mut world = World::new("batches-export").await;
    let batches = service(&world).await;
    let edu_unit = world.edu_unit;
    let item = recommended(&mut world, edu_unit, Desk::Edu).await;
    let edu = editor(Desk::Edu);
    let created = batches.create(&edu, batch("导出批次")).await.unwrap();
    let id = created.batch.id;
    batches.set_items(&edu, id, &ids(&[&item])).await.unwrap();

    let export = batches.export(&edu, id).await.unwrap();
    assert_eq!(export.batch_id, id);
    let mut zip = Vec::new();
    let mut chunks = export.zip;
    while let Some(chunk) = chunks.next().await {
        zip.extend_from_slice(&chunk.unwrap());
    }
    assert!(zip.starts_with(b"PK\x03\x04"), "a zip");
    let holds = |name: &str| zip.windows(name.len()).any(|w| w == name.as_bytes());
    assert!(holds("清单.xlsx") && holds("manifest.json"));
    assert!(holds("originals/001_开幕式.jpg"));

    // An original missing from the store stops the export before its first byte.
    let blake3 = world.db.asset(&item).await.unwrap().unwrap().asset.blake3;
    world
        .store
        .delete(&original_key(&blake3).unwrap())
        .await
        .unwrap();
    let missing = batches.export(&edu, id).await.map(drop);
    assert!(matches!(missing, Err(BatchError::Export(_))), "{missing:?}");
    world.finish();
}

#[tokio::test]
async fn an_item_sent_before_is_marked_and_goes_again_only_when_confirmed() {
    let mut world = World::new("batches-resend").await;
    let batches = service(&world).await;
    let edu_unit = world.edu_unit;
    let first = recommended(&mut world, edu_unit, Desk::Edu).await;
    let second = recommended(&mut world, edu_unit, Desk::Edu).await;
    let edu = editor(Desk::Edu);

    let earlier = batches.create(&edu, batch("第一批推荐")).await.unwrap();
    let earlier_id = earlier.batch.id;
    batches
        .set_items(&edu, earlier_id, &ids(&[&first]))
        .await
        .unwrap();
    let earlier = batches.send(&edu, earlier_id, false).await.unwrap();
    let earlier_sent_at = earlier.batch.sent_at.unwrap();
    assert!(
        batches
            .marks(&edu, &earlier, &[])
            .await
            .unwrap()
            .already_sent
            .is_empty(),
        "nothing was sent before"
    );

    // Offered for the next batch, the item sent already is marked with the batch that sent it.
    let next = batches.create(&edu, batch("第二批推荐")).await.unwrap();
    let next_id = next.batch.id;
    let offered = batches.candidates(&edu, &next).await.unwrap();
    assert_eq!(offered.len(), 2, "still recommended, still offered");
    let marks = batches.marks(&edu, &next, &offered).await.unwrap();
    assert_eq!(marks.already_sent.len(), 1, "{marks:?}");
    let mark = &marks.already_sent[0];
    assert_eq!(
        (
            mark.asset_id.as_str(),
            mark.batch_id,
            mark.batch_title.as_str(),
            mark.sent_at
        ),
        (first.as_str(), earlier_id, "第一批推荐", earlier_sent_at)
    );

    let next = batches
        .set_items(&edu, next_id, &ids(&[&second, &first]))
        .await
        .unwrap();
    let marks = batches.marks(&edu, &next, &[]).await.unwrap();
    let marked: Vec<&str> = marks
        .already_sent
        .iter()
        .map(|m| m.asset_id.as_str())
        .collect();
    assert_eq!(marked, [first.as_str()]);

    // Not sent twice without a decision: refused, naming the item and the earlier batch, and
    // nothing is written.
    match batches.send(&edu, next_id, false).await {
        Err(BatchError::AlreadySentItems(items)) => {
            let named: Vec<(&str, i32)> = items
                .iter()
                .map(|m| (m.asset_id.as_str(), m.batch_id))
                .collect();
            assert_eq!(named, [(first.as_str(), earlier_id)]);
        }
        other => panic!("a second sending is refused unless confirmed, got {other:?}"),
    }
    assert_eq!(
        batches.batch(&edu, next_id).await.unwrap().batch.state,
        "draft"
    );
    let untouched = world.db.audit_trail(&second).await.unwrap();
    assert!(!untouched.iter().any(|e| e.action == "sent_to_ministry"));

    // Confirmed: sent, and the item's history says it went again.
    let next = batches.send(&edu, next_id, true).await.unwrap();
    assert_eq!(next.batch.state, "sent");
    let trail = world.db.audit_trail(&first).await.unwrap();
    let sendings: Vec<_> = trail
        .iter()
        .filter(|e| e.action == "sent_to_ministry")
        .collect();
    assert_eq!(sendings.len(), 2);
    assert_eq!(sendings[1].details["batch_id"], next_id);
    assert_eq!(
        sendings[1].details["sent_before"],
        serde_json::json!([earlier_id])
    );
    let second_trail = world.db.audit_trail(&second).await.unwrap();
    let second_sent = second_trail
        .iter()
        .find(|e| e.action == "sent_to_ministry")
        .unwrap();
    assert_eq!(second_sent.details["sent_before"], serde_json::json!([]));

    // The second batch keeps its mark; the first is not marked by the later resend.
    let marks = batches.marks(&edu, &next, &[]).await.unwrap();
    assert_eq!(marks.already_sent.len(), 1);
    assert_eq!(marks.already_sent[0].batch_id, earlier_id);
    let earlier = batches.batch(&edu, earlier_id).await.unwrap();
    assert!(
        batches
            .marks(&edu, &earlier, &[])
            .await
            .unwrap()
            .already_sent
            .is_empty()
    );
    // Another desk learns nothing of the batches' marks.
    let hr_marks = batches.marks(&editor(Desk::Hr), &next, &[]).await;
    assert!(
        matches!(hr_marks, Err(BatchError::NotFound)),
        "{hr_marks:?}"
    );
    world.finish();
}

#[tokio::test]
async fn an_edit_after_the_send_is_marked_on_the_batch() {
    let mut world = World::new("batches-after-send").await;
    let batches = service(&world).await;
    let edu_unit = world.edu_unit;
    let item = recommended(&mut world, edu_unit, Desk::Edu).await;
    let edu = editor(Desk::Edu);
    let created = batches.create(&edu, batch("第一批推荐")).await.unwrap();
    let id = created.batch.id;
    let draft = batches.set_items(&edu, id, &ids(&[&item])).await.unwrap();
    assert!(
        batches
            .marks(&edu, &draft, &[])
            .await
            .unwrap()
            .changed_after_send
            .is_empty(),
        "a draft has no changes after a send"
    );
    let sent = batches.send(&edu, id, false).await.unwrap();
    assert!(
        batches
            .marks(&edu, &sent, &[])
            .await
            .unwrap()
            .changed_after_send
            .is_empty(),
        "the decisions before the send are not changes after it"
    );

    let edit = EditInput {
        version: 4,
        title: Some("开幕式（更正）".to_owned()),
        description: None,
        tags: TagEdit::Keep,
        credit: None,
        portrait_consent: None,
    };
    world
        .editorial
        .edit(&edu, &item, edit, &world.vocabulary)
        .await
        .unwrap();
    world
        .editorial
        .decide(&edu, &item, decision("reopen", None, 5))
        .await
        .unwrap();

    let sent = batches.batch(&edu, id).await.unwrap();
    let changes = batches
        .marks(&edu, &sent, &[])
        .await
        .unwrap()
        .changed_after_send;
    let actions: Vec<&str> = changes.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["edited", "reopen"]);
    assert!(
        changes
            .iter()
            .all(|e| e.asset_id.as_deref() == Some(item.as_str()))
    );
    assert_eq!(
        changes[0].details["changed"]["title"],
        serde_json::json!(["开幕式", "开幕式（更正）"])
    );
    assert_eq!(
        (changes[1].from_state, changes[1].to_state),
        (
            Some(AssetState::Recommended),
            Some(AssetState::PendingReview)
        )
    );
    assert!(changes[0].created_at > sent.batch.sent_at.unwrap());
    world.finish();
}

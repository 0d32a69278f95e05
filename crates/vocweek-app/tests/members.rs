//! The rules of a unit's people without HTTP, against a real SQLite database: a provincial
//! admin manages any unit's people, a unit admin their own unit's, nobody else (not a member,
//! not the shared token, not an editor); fields are checked; a unit admin does not disable
//! themselves; disabling ends the person's sessions at once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod support;

use support::World;
use vocweek_app::{Invitation, MemberError, MemberForbidden, Members};
use vocweek_db::tokens::{Principal, TokenRejection};
use vocweek_domain::{Desk, Role, UnitRole};

fn staff(role: Role, desk: Option<Desk>) -> Principal {
    Principal::User {
        id: 1,
        username: "province".to_owned(),
        role,
        desk,
        must_change_password: false,
    }
}

fn invitation(username: &str, role: Option<&str>) -> Invitation {
    Invitation {
        username: username.to_owned(),
        display_name: format!("{username} 老师"),
        role: role.map(str::to_owned),
    }
}

/// The caller a person's fresh session is; answers it and the session token.
async fn signed_in(world: &World, username: &str, password: &str) -> (Principal, String) {
    let session = world
        .db
        .member_sign_in(username, password)
        .await
        .unwrap()
        .expect("the person signs in");
    let principal = world
        .db
        .authenticate(&session.token)
        .await
        .unwrap()
        .unwrap();
    (principal, session.token)
}

#[tokio::test]
async fn a_unit_s_people_are_managed_by_its_admins_and_the_province() {
    let world = World::new("members-rules").await;
    let members = Members::new(world.db.clone());
    let (unit, other) = (world.edu_unit, world.hr_unit);
    let admin = staff(Role::Admin, None);

    let first = members
        .invite(&admin, unit, invitation("Wang.Admin", Some("unit_admin")))
        .await
        .unwrap();
    assert_eq!(first.member.username, "wang.admin");
    assert_eq!(first.member.role, UnitRole::UnitAdmin);
    assert!(first.member.must_change_password);
    let (unit_admin, _) = signed_in(&world, "WANG.ADMIN", &first.password).await;
    assert!(unit_admin.must_change_password());
    assert_eq!(
        unit_admin.unit_person().map(|p| p.id),
        Some(first.member.id)
    );

    // The unit admin invites a member (a plain member by default).
    let member = members
        .invite(&unit_admin, unit, invitation("zhang.san", None))
        .await
        .unwrap();
    assert_eq!(member.member.role, UnitRole::Member);
    let (member_caller, member_session) = signed_in(&world, "zhang.san", &member.password).await;

    // Who may not.
    let refused = members
        .invite(&member_caller, unit, invitation("li.si", None))
        .await;
    assert!(
        matches!(
            refused,
            Err(MemberError::Forbidden(MemberForbidden::NotUnitAdmin))
        ),
        "{refused:?}"
    );
    let token = world.db.issue_unit_token(unit).await.unwrap();
    let shared = world.db.authenticate(&token).await.unwrap().unwrap();
    assert!(matches!(
        members.list(&shared, unit).await,
        Err(MemberError::Forbidden(MemberForbidden::SharedToken))
    ));
    let editor = staff(Role::Editor, Some(Desk::Edu));
    assert!(matches!(
        members.list(&editor, unit).await,
        Err(MemberError::Forbidden(MemberForbidden::Other))
    ));
    assert!(matches!(
        members.list(&unit_admin, other).await,
        Err(MemberError::NotFound(_))
    ));
    assert!(matches!(
        members.list(&admin, 999_999).await,
        Err(MemberError::NotFound(_))
    ));

    // What is refused.
    for (username, role) in [("zhang.san", None), ("ZHANG.SAN", None)] {
        assert!(matches!(
            members
                .invite(&admin, unit, invitation(username, role))
                .await,
            Err(MemberError::Taken(_))
        ));
    }
    for (username, role) in [("ab", None), ("张三丰", None), ("li.si", Some("admin"))] {
        assert!(matches!(
            members
                .invite(&admin, unit, invitation(username, role))
                .await,
            Err(MemberError::Invalid(_))
        ));
    }

    // Listing, disabling: not oneself; another unit's person is not found; a disabled person's
    // session is refused and they cannot sign in again.
    let people = members.list(&unit_admin, unit).await.unwrap();
    let names: Vec<&str> = people.iter().map(|p| p.username.as_str()).collect();
    assert_eq!(names, ["wang.admin", "zhang.san"]);
    assert!(matches!(
        members.disable(&unit_admin, unit, "wang.admin").await,
        Err(MemberError::OwnAccount)
    ));
    members
        .invite(&admin, other, invitation("hr.person", None))
        .await
        .unwrap();
    assert!(matches!(
        members.disable(&unit_admin, unit, "hr.person").await,
        Err(MemberError::NotFound(_))
    ));
    assert_eq!(
        members
            .disable(&unit_admin, unit, "zhang.san")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        world.db.authenticate(&member_session).await.unwrap(),
        Err(TokenRejection::Revoked)
    );
    assert!(
        world
            .db
            .member_sign_in("zhang.san", &member.password)
            .await
            .unwrap()
            .is_none()
    );
    // Disabling again changes nothing.
    assert_eq!(members.disable(&admin, unit, "zhang.san").await.unwrap(), 0);
}

//! Who is who on an item's pages: the names of the units (the sender, units in the history), of
//! the units' people (上传人) and of the staff (who decided), read once per page. The lists are
//! short (a few hundred units, a few people each, a few dozen staff: DOMAIN.md), so one read
//! each is cheaper than a lookup per row.

use std::collections::HashMap;

use vocweek_db::assets::AssetRecord;
use vocweek_db::submissions::Submission;
use vocweek_db::{Db, DbResult};

pub(super) struct Names {
    units: HashMap<i32, String>,
    users: HashMap<i32, String>,
    /// The units' people by id: their display names.
    members: HashMap<i32, String>,
}

/// 上传人 when the unit's shared upload token sent it (no person signed in).
const SHARED_TOKEN: &str = "单位令牌";

impl Names {
    pub async fn load(db: &Db) -> DbResult<Names> {
        let units = db
            .units()
            .await?
            .into_iter()
            .map(|unit| (unit.id, unit.name))
            .collect();
        let users = db.user_names().await?.into_iter().collect();
        let members = db.member_names().await?.into_iter().collect();
        Ok(Names {
            units,
            users,
            members,
        })
    }

    /// A unit person's name; their number if the row is gone (never expected: people are
    /// disabled, not deleted).
    fn member(&self, id: i64) -> String {
        i32::try_from(id)
            .ok()
            .and_then(|id| self.members.get(&id).cloned())
            .unwrap_or_else(|| format!("#{id}"))
    }

    /// 上传人 of a submission: the person who sent it, 单位令牌 for the unit's shared token, or
    /// for a picture taken out of an article, that it was.
    pub fn sender(&self, submission: Option<&Submission>) -> String {
        match submission {
            Some(Submission {
                member_id: Some(id),
                ..
            }) => self.member(i64::from(*id)),
            Some(Submission {
                extracted: true, ..
            }) => "（取自稿件）".to_owned(),
            _ => SHARED_TOKEN.to_owned(),
        }
    }

    /// 上传人 of an item: who of its first unit sent it (one lookup).
    pub async fn sender_of(&self, db: &Db, record: &AssetRecord) -> DbResult<String> {
        let sent = db
            .submission_of(&record.asset.id, record.asset.unit_id)
            .await?;
        Ok(self.sender(sent.as_ref()))
    }

    /// The history's 操作人 of an event: [`Self::actor`], and for what a unit sent (an upload,
    /// the same file again, a replaced file) who sent it — the person (`member_id`, from the
    /// event's details), or 单位令牌.
    pub fn event_actor(
        &self,
        kind: &str,
        id: Option<&str>,
        action: &str,
        member_id: Option<i64>,
    ) -> String {
        let actor = self.actor(kind, id);
        let sent = matches!(action, "uploaded" | "duplicate_submitted" | "file_replaced");
        if kind != "unit" || !sent {
            return actor;
        }
        match member_id {
            Some(member) => format!("{actor} · {}", self.member(member)),
            None => format!("{actor} · {SHARED_TOKEN}"),
        }
    }

    /// A unit's name; its number if the unit is gone (never expected: units are not deleted).
    pub fn unit(&self, id: i32) -> String {
        self.units
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }

    /// Who did something, as the history's 操作人 says it: `编辑 <username>`, `单位 <name>`,
    /// `合作媒体` or `系统` (workers, the command line). `kind` and `id` are the audit row's
    /// `actor_kind` and `actor_id`.
    pub fn actor(&self, kind: &str, id: Option<&str>) -> String {
        let id = id.and_then(|id| id.trim().parse::<i32>().ok());
        match (kind, id) {
            ("user", Some(id)) => {
                let name = self
                    .users
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| format!("#{id}"));
                format!("编辑 {name}")
            }
            ("unit", Some(id)) => format!("单位 {}", self.unit(id)),
            ("partner", _) => "合作媒体".to_owned(),
            _ => "系统".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_are_named_in_chinese() {
        let names = Names {
            units: HashMap::from([(5, "聊城职业技术学院".to_owned())]),
            users: HashMap::from([(3, "editor".to_owned())]),
            members: HashMap::from([(8, "张三".to_owned())]),
        };
        assert_eq!(names.actor("user", Some("3")), "编辑 editor");
        assert_eq!(names.actor("unit", Some("5")), "单位 聊城职业技术学院");
        assert_eq!(names.actor("system", None), "系统");
        assert_eq!(names.actor("partner", Some("1")), "合作媒体");
        assert_eq!(names.actor("user", Some("9")), "编辑 #9");
    }

    #[test]
    fn what_a_unit_sent_names_the_person_or_the_shared_token() {
        let names = Names {
            units: HashMap::from([(5, "聊城职业技术学院".to_owned())]),
            users: HashMap::new(),
            members: HashMap::from([(8, "张三".to_owned())]),
        };
        assert_eq!(
            names.event_actor("unit", Some("5"), "uploaded", Some(8)),
            "单位 聊城职业技术学院 · 张三"
        );
        assert_eq!(
            names.event_actor("unit", Some("5"), "file_replaced", None),
            "单位 聊城职业技术学院 · 单位令牌"
        );
        // An edit records no sender: the unit alone.
        assert_eq!(
            names.event_actor("unit", Some("5"), "resubmitted", None),
            "单位 聊城职业技术学院"
        );
        assert_eq!(names.sender(None), "单位令牌");
    }
}

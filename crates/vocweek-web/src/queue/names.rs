//! Who is who on an item's pages: the names of the units (the sender, units in the history) and
//! of the staff (who decided), read once per page. Both lists are short (a few hundred units,
//! a few dozen staff: DOMAIN.md), so one read each is cheaper than a lookup per row.

use std::collections::HashMap;

use vocweek_db::{Db, DbResult};

pub(super) struct Names {
    units: HashMap<i32, String>,
    users: HashMap<i32, String>,
}

impl Names {
    pub async fn load(db: &Db) -> DbResult<Names> {
        let units = db
            .units()
            .await?
            .into_iter()
            .map(|unit| (unit.id, unit.name))
            .collect();
        let users = db.user_names().await?.into_iter().collect();
        Ok(Names { units, users })
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
        };
        assert_eq!(names.actor("user", Some("3")), "编辑 editor");
        assert_eq!(names.actor("unit", Some("5")), "单位 聊城职业技术学院");
        assert_eq!(names.actor("system", None), "系统");
        assert_eq!(names.actor("partner", Some("1")), "合作媒体");
        assert_eq!(names.actor("user", Some("9")), "编辑 #9");
    }
}

//! The staff pages' one menu, rendered by `templates/base.html` in the header: the same
//! sections in the same order on every staff page, only those the signed-in role may open, the
//! page's own marked as current.
//!
//! Who may open what follows the handlers, not wishes: every signed-in member of staff opens
//! the queue, the dashboard, the batches (their desk's), the reporting pages, the tracker,
//! 网上观赛 (every channel; unit people open the same pages for their unit's, without the menu)
//! and 活动周管理 (`campaigns_page::list` shows an editor the weeks without the forms that
//! create and switch them); 推送记录 refuses everyone but admins (`webhooks_page::refusal_for`).
//! 统计表汇总 is the education department's: the HR desk's units send no statistics table
//! (附件2), so its staff are not offered the page (`reporting_pages::statistics` tells them
//! why if they open it anyway).

use vocweek_domain::{Desk, Role};

/// A staff page's section in the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Queue,
    Dashboard,
    Batches,
    Reporting,
    Statistics,
    Tracker,
    Channels,
    Campaigns,
    Webhooks,
}

/// One entry of the menu as the header shows it.
pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    /// The section of the page shown (`aria-current="page"`).
    pub current: bool,
}

/// Who a section's pages let in.
#[derive(Clone, Copy)]
enum Open {
    /// Every signed-in member of staff.
    Staff,
    /// Staff not bound to the HR desk: the education desk and admins.
    NotHrDesk,
    /// Admins only: anyone else is refused.
    Admins,
}

impl Open {
    fn lets_in(self, role: Role, desk: Option<Desk>) -> bool {
        match self {
            Open::Staff => true,
            Open::NotHrDesk => desk != Some(Desk::Hr),
            Open::Admins => role == Role::Admin,
        }
    }
}

struct Entry {
    place: Place,
    href: &'static str,
    label: &'static str,
    open: Open,
}

const MENU: [Entry; 9] = [
    Entry {
        place: Place::Queue,
        href: "/queue",
        label: "审核队列",
        open: Open::Staff,
    },
    Entry {
        place: Place::Dashboard,
        href: "/dashboard",
        label: "数据看板",
        open: Open::Staff,
    },
    Entry {
        place: Place::Batches,
        href: "/batches",
        label: "推荐批次",
        open: Open::Staff,
    },
    Entry {
        place: Place::Reporting,
        href: "/reporting",
        label: "报送情况",
        open: Open::Staff,
    },
    Entry {
        place: Place::Statistics,
        href: "/reporting/statistics",
        label: "统计表汇总",
        open: Open::NotHrDesk,
    },
    Entry {
        place: Place::Tracker,
        href: "/tracker",
        label: "每日报送跟踪",
        open: Open::Staff,
    },
    Entry {
        place: Place::Channels,
        href: "/channels",
        label: "网上观赛",
        open: Open::Staff,
    },
    Entry {
        place: Place::Campaigns,
        href: "/campaigns",
        label: "活动周管理",
        open: Open::Staff,
    },
    Entry {
        place: Place::Webhooks,
        href: "/webhooks",
        label: "推送记录",
        open: Open::Admins,
    },
];

/// The menu of `role`'s pages (on `desk`, when bound to one), `here` marked as the current
/// section.
pub fn menu(role: Role, desk: Option<Desk>, here: Place) -> Vec<NavLink> {
    MENU.iter()
        .filter(|entry| entry.open.lets_in(role, desk))
        .map(|entry| NavLink {
            href: entry.href,
            label: entry.label,
            current: entry.place == here,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use vocweek_domain::{Desk, Role};

    use super::{MENU, Place, menu};

    fn hrefs(role: Role) -> Vec<&'static str> {
        menu(role, Some(Desk::Edu), Place::Queue)
            .iter()
            .map(|l| l.href)
            .collect()
    }

    #[test]
    fn an_editor_is_offered_only_pages_that_open_for_editors() {
        assert_eq!(
            hrefs(Role::Editor),
            [
                "/queue",
                "/dashboard",
                "/batches",
                "/reporting",
                "/reporting/statistics",
                "/tracker",
                "/channels",
                "/campaigns",
            ]
        );
    }

    #[test]
    fn the_hr_desk_is_not_offered_the_statistics_table_it_does_not_collect() {
        let hr: Vec<&str> = menu(Role::Editor, Some(Desk::Hr), Place::Queue)
            .iter()
            .map(|l| l.href)
            .collect();
        assert!(!hr.contains(&"/reporting/statistics"), "{hr:?}");
        assert!(
            hr.contains(&"/reporting") && hr.contains(&"/tracker"),
            "{hr:?}"
        );
    }

    #[test]
    fn an_admin_also_gets_the_delivery_log() {
        let admin: Vec<&str> = menu(Role::Admin, None, Place::Queue)
            .iter()
            .map(|l| l.href)
            .collect();
        assert_eq!(admin.len(), MENU.len());
        assert_eq!(admin.last(), Some(&"/webhooks"));
    }

    #[test]
    fn the_page_s_own_section_is_current_and_only_it() {
        for (role, desk) in Role::ALL
            .into_iter()
            .flat_map(|role| [None, Some(Desk::Edu), Some(Desk::Hr)].map(|desk| (role, desk)))
        {
            for entry in &MENU {
                let links = menu(role, desk, entry.place);
                let current: Vec<&str> =
                    links.iter().filter(|l| l.current).map(|l| l.href).collect();
                if entry.open.lets_in(role, desk) {
                    assert_eq!(
                        current,
                        [entry.href],
                        "{role:?} {desk:?} on {:?}",
                        entry.place
                    );
                } else {
                    assert!(current.is_empty(), "{role:?} {desk:?} on {:?}", entry.place);
                }
            }
        }
    }
}

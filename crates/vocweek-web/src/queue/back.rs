//! The filtered queue an item's page was opened from (`/queue/{id}?back=<the queue's query>`):
//! the way back to it, and the item after this one in it, where the page's `n` key and a
//! decision go on to.
//!
//! `back` is only ever read as the queue's own filters and written out again from them, so
//! nothing else (a scheme, a host, another path) can ride along into a link or a redirect: the
//! worst a forged value does is open the default queue.

use serde::Deserialize;
use vocweek_api::AppState;
use vocweek_db::DbResult;

use super::filters::{Filters, QueueQuery};
use crate::staff::{Staff, urlencode};

/// A queue's filters, as an item's page carries them.
pub(super) struct Back {
    filters: Filters,
}

/// The item page's own query: `back` (percent-decoded here) beside the page's `error`.
#[derive(Deserialize)]
struct ItemQuery {
    back: Option<String>,
}

impl Back {
    /// `query` (`state=…&city=…`) read as the queue's filters; `None` when it is no query
    /// string at all (a repeated key, broken encoding).
    pub fn parse(query: &str) -> Option<Back> {
        let query: QueueQuery = serde_urlencoded::from_str(query.trim()).ok()?;
        Some(Back {
            filters: Filters::read(query),
        })
    }

    /// The `back` of an item page's query string, if it has one.
    pub fn of_page(query_string: &str) -> Option<Back> {
        let item: ItemQuery = serde_urlencoded::from_str(query_string).ok()?;
        Back::parse(&item.back?)
    }

    /// The queue's query string (values percent-encoded, no cursor): the forms' hidden `back`.
    pub fn query(&self) -> String {
        self.filters.query()
    }

    /// The queue itself.
    pub fn queue_link(&self) -> String {
        format!("/queue?{}", self.query())
    }

    /// `back=…` for an item page's link.
    pub fn param(&self) -> String {
        format!("back={}", urlencode(&self.query()))
    }

    /// Item `id`'s page in this queue.
    pub fn item_link(&self, id: &str) -> String {
        format!("/queue/{}?{}", urlencode(id), self.param())
    }

    /// The item listed after `id` in this queue (its filters and order, the staff member's
    /// desk), as the queue page lists it with its cursor at `id`. `id` need not be listed any
    /// more: the cursor is a position in the order, so an item just decided out of a
    /// `待审核` queue still has its next one.
    pub async fn next_after(
        &self,
        state: &AppState,
        staff: &Staff,
        id: &str,
    ) -> DbResult<Option<String>> {
        let campaign = state.ingestor.campaign();
        let mut filter = self.filters.asset_filter(&campaign.vocabulary);
        filter.cursor = Some(id.to_owned());
        filter.limit = 1;
        let listed = state.db.list_assets(staff.scope, &filter).await?;
        Ok(listed
            .items
            .into_iter()
            .next()
            .map(|record| record.asset.id))
    }
}

/// Item `id`'s page, in the queue `back` names when there is one.
pub(super) fn item_page(id: &str, back: Option<&Back>) -> String {
    match back {
        Some(back) => back.item_link(id),
        None => format!("/queue/{}", urlencode(id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_queue_s_own_filters_come_back() {
        let back = Back::parse("state=approved&city=jinan&cursor=x&evil=1").unwrap();
        assert_eq!(back.query(), "state=approved&city=jinan");
        assert_eq!(back.queue_link(), "/queue?state=approved&city=jinan");
        let forged = Back::parse("https://evil.example/").unwrap();
        assert_eq!(forged.queue_link(), "/queue?state=pending_review");
    }

    #[test]
    fn an_item_link_carries_the_queue_encoded() {
        let back = Back::of_page("error=note&back=state%3Dpending_review%26q%3D%E5%BC%80").unwrap();
        assert_eq!(back.query(), "state=pending_review&q=%E5%BC%80");
        assert_eq!(
            back.item_link("a1"),
            "/queue/a1?back=state%3Dpending_review%26q%3D%25E5%25BC%2580"
        );
        assert!(Back::of_page("error=note").is_none());
        assert_eq!(item_page("a1", None), "/queue/a1");
    }
}

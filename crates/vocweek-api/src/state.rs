use std::sync::Arc;

use vocweek_db::Db;
use vocweek_pipeline::{Ingestor, Metrics};
use vocweek_storage::BlobStore;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub ingestor: Ingestor,
    pub metrics: Metrics,
    pub store: Arc<dyn BlobStore>,
    /// Resumable uploads (tus).
    pub tus: Arc<crate::tus_state::TusSettings>,
    /// Partner distribution: signing, rate limits, long-poll wake-ups.
    pub distribution: Arc<crate::Distribution>,
    /// Failed sign-ins per username (API and web).
    pub sign_in_throttle: Arc<crate::SignInThrottle>,
    /// Where links point (`public_url`) and whose forwarded headers count (`trusted_proxies`).
    pub origin: Arc<crate::PublicOrigin>,
    /// The editorial use cases (decisions, edits, bulk work, deletion), shared with the pages.
    pub editorial: vocweek_app::Editorial,
    /// Creating and activating campaigns, shared with the pages.
    pub campaigns: vocweek_app::Campaigns,
    /// Composing, sending and exporting recommendation batches, shared with the pages.
    pub batches: vocweek_app::Batches,
    /// A unit's reports: reading them, its registration, statistics table and documents.
    pub reporting: vocweek_app::Reporting,
    /// What units are told: their notices, and the desk's reminder, shared with the pages.
    pub notices: vocweek_app::Notices,
    /// A unit's people with personal accounts: who lists, invites and disables them.
    pub members: vocweek_app::Members,
    /// 典型案例: a unit's case written as a Word document; a page's case links.
    pub cases: vocweek_app::Cases,
    /// 每日简报: a day's brief as a Word document.
    pub briefs: vocweek_app::Briefs,
    /// Live channels: opening them, their keys, their playlists, shared with the pages.
    pub channels: vocweek_app::Channels,
    /// Who watches which channel on this node.
    pub live_viewers: Arc<crate::LiveViewers>,
    /// Where encoders publish, when some node takes RTMP (`live.rtmp_listen`, `live.rtmp_url`).
    pub rtmp: Option<RtmpEndpoint>,
}

/// The RTMP address shown to whoever manages a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtmpEndpoint {
    /// `live.rtmp_url` as configured (`rtmp://live.example.org:1935/live`).
    pub url: Option<String>,
    /// Without it: this node's ingest port, at the host the request named.
    pub port: u16,
    /// The RTMP application (`live`).
    pub app: String,
}

impl RtmpEndpoint {
    /// The URL an encoder is given; `request_host` is the `Host` the page was asked for.
    pub fn url_for(&self, request_host: &str) -> String {
        if let Some(url) = &self.url {
            return url.clone();
        }
        // `[::1]:8080` and `example.org:8080` alike: the host without the HTTP port.
        let host = match request_host.rsplit_once(':') {
            Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
            _ => request_host,
        };
        format!("rtmp://{host}:{}/{}", self.port, self.app)
    }
}

impl AppState {
    /// An editor chooses picture `number` of an article into the queue (see
    /// `vocweek_pipeline::jobs::article_pictures`); answers the photo item's id.
    pub async fn choose_picture(
        &self,
        article: &vocweek_db::assets::AssetRecord,
        number: usize,
        actor: vocweek_db::audit::Actor,
    ) -> Result<String, crate::ApiError> {
        use vocweek_pipeline::jobs::article_pictures::{PromoteError, promote_picture};
        let chosen = promote_picture(
            &self.db,
            self.store.as_ref(),
            article,
            number,
            actor,
            self.ingestor.max_attempts(),
        )
        .await;
        match chosen {
            Ok(id) => Ok(id),
            Err(PromoteError::NoSuchPicture(_)) => Err(crate::ApiError::not_found("picture")),
            Err(PromoteError::Database(err)) => Err(err.into()),
            Err(PromoteError::Job(err)) => Err(crate::ApiError::internal(&err)),
        }
    }
}

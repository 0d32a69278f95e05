//! The node's live stage: what the ingest asks of the service (`ChannelDirectory`: whose key,
//! what became of a publish) and where a publish's media goes (`SinkFactory`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;

use tracing::warn;
use vocweek_db::Db;
use vocweek_db::live::LiveEvent;
use vocweek_db::secrets::token_hash;
use vocweek_live::{Admitted, ChannelDirectory, Ending, PublishSink, Refusal, SinkFactory};
use vocweek_media::video::VideoSettings;
use vocweek_sandbox::{ChildLimits, MediaProgram};
use vocweek_storage::BlobStore;

use crate::settings::LiveSettings;

/// What the stage is built from.
pub struct LiveStageParts {
    pub db: Db,
    pub store: Arc<dyn BlobStore>,
    pub program: MediaProgram,
    /// The live child's limits: a video's memory, and CPU seconds for a day of encoding.
    pub limits: ChildLimits,
    pub video: VideoSettings,
    pub settings: LiveSettings,
    /// Where the children's scratch directories go: the staging directory, on the store's
    /// filesystem, so a segment is stored by a link and a rename.
    pub scratch_parent: PathBuf,
    /// This node's name in `live_events.node`.
    pub node: String,
}

/// The live stage of one node; cheap to clone.
#[derive(Clone)]
pub struct LiveStage {
    pub(super) shared: Arc<Shared>,
}

pub(super) struct Shared {
    pub parts: LiveStageParts,
    /// The event each live channel's publish belongs to on this node.
    pub events: Mutex<HashMap<String, LiveEvent>>,
    /// Each channel's latest transcode on this node: `true` once it has stored its last
    /// segment. A publisher that comes back waits for it, so that the resumed numbering
    /// follows every segment of the publish before.
    pub transcodes: Mutex<HashMap<String, watch::Receiver<bool>>>,
}

/// How long a returning publisher waits for its previous transcode's last segments.
const PREVIOUS_TRANSCODE: Duration = Duration::from_secs(15);
/// How long the end of a publish waits for its transcode's last segments: within the 10 s the
/// ingest gives the report.
const LAST_SEGMENTS: Duration = Duration::from_secs(8);

impl LiveStage {
    pub fn new(parts: LiveStageParts) -> Self {
        LiveStage {
            shared: Arc::new(Shared {
                parts,
                events: Mutex::new(HashMap::new()),
                transcodes: Mutex::new(HashMap::new()),
            }),
        }
    }

    pub fn settings(&self) -> &LiveSettings {
        &self.shared.parts.settings
    }

    fn event_of(&self, channel_id: &str) -> Option<LiveEvent> {
        self.shared
            .events
            .lock()
            .ok()
            .and_then(|events| events.get(channel_id).cloned())
    }

    fn forget_event(&self, channel_id: &str) -> Option<LiveEvent> {
        self.shared
            .events
            .lock()
            .ok()
            .and_then(|mut events| events.remove(channel_id))
    }
}

#[async_trait::async_trait]
impl ChannelDirectory for LiveStage {
    async fn admit(&self, stream_key: &str) -> Result<Admitted, Refusal> {
        let db = &self.shared.parts.db;
        match db.live_channel_by_key_hash(&token_hash(stream_key)).await {
            Ok(Some(channel)) => Ok(Admitted {
                channel_id: channel.id,
                title: channel.title,
            }),
            Ok(None) => Err(Refusal::UnknownKey),
            Err(err) => Err(Refusal::Unavailable {
                detail: format!("the channel directory could not be read: {err}"),
            }),
        }
    }

    async fn publishing_ended(&self, channel_id: &str, how: Ending) {
        let Some(event) = self.forget_event(channel_id) else {
            return;
        };
        // The event's last segments are stored before it is said to end: its playlists close
        // with everything in them. (The ingest gives this call 10 s.)
        if !self.transcode_finished(channel_id, LAST_SEGMENTS).await {
            // The replay, queued with the end, may then miss the segments still being stored:
            // holding the event open instead left a cleanly stopped channel "interrupted" for
            // the whole grace period on a loaded machine, which is worse.
            warn!(channel = %channel_id, "the transcode was still storing the last segments when the publish ended");
        }
        let db = &self.shared.parts.db;
        // Only a publisher that said it was done ends the event; one that vanished, was cut
        // off or met a restarting node may come back within the grace period.
        let recorded = match how {
            Ending::Clean => db.end_live_event(&event.id, how.code()).await.map(drop),
            Ending::Vanished | Ending::Refused | Ending::Shutdown => {
                db.interrupt_live_event(&event.id).await
            }
        };
        if let Err(err) = recorded {
            warn!(channel = %channel_id, error = %err, "could not record the end of a publish");
        }
    }

    async fn refused(&self, channel_id: Option<&str>, refusal: &Refusal) {
        let Some(channel_id) = channel_id else {
            return;
        };
        if let Err(err) = self
            .shared
            .parts
            .db
            .record_live_refusal(channel_id, refusal.code())
            .await
        {
            warn!(channel = %channel_id, error = %err, "could not record a refused publish");
        }
    }
}

#[async_trait::async_trait]
impl SinkFactory for LiveStage {
    async fn open(&self, channel_id: &str) -> std::io::Result<Box<dyn PublishSink>> {
        if !self
            .transcode_finished(channel_id, PREVIOUS_TRANSCODE)
            .await
        {
            warn!(channel = %channel_id, "the previous transcode is still storing its segments");
        }
        let parts = &self.shared.parts;
        let start = parts
            .db
            .start_live_event(channel_id, &parts.node, parts.settings.reconnect_grace)
            .await
            .map_err(std::io::Error::other)?;
        let (done, finished) = watch::channel(false);
        let sink = super::publish::start(self.clone(), &start.event, start.resumed, done).await?;
        if let Ok(mut transcodes) = self.shared.transcodes.lock() {
            transcodes.insert(channel_id.to_owned(), finished);
        }
        if let Ok(mut events) = self.shared.events.lock() {
            events.insert(channel_id.to_owned(), start.event);
        }
        Ok(sink)
    }
}

impl LiveStage {
    /// Waits at most `patience` for the channel's latest transcode on this node to have
    /// stored its last segment; `false` if it had not by then.
    async fn transcode_finished(&self, channel_id: &str, patience: Duration) -> bool {
        let latest = self
            .shared
            .transcodes
            .lock()
            .ok()
            .and_then(|transcodes| transcodes.get(channel_id).cloned());
        let Some(mut done) = latest else {
            return true;
        };
        // A sender gone without saying `true` is a transcode task that ended all the same.
        tokio::time::timeout(patience, done.wait_for(|done| *done))
            .await
            .is_ok()
    }

    /// The event a channel publishes into on this node right now.
    pub fn live_event(&self, channel_id: &str) -> Option<LiveEvent> {
        self.event_of(channel_id)
    }
}

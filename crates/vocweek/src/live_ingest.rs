//! Live channels on this node (`[live]`): the RTMP ingest and its live stage when
//! `live.rtmp_listen` is set (off in the embedded default, on in docker/), and what every node
//! needs to serve channels either way (the playlists' windows, the RTMP address shown).

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::info;
use vocweek_api::RtmpEndpoint;
use vocweek_app::PlaylistWindows;
use vocweek_db::Db;
use vocweek_live::{IngestSettings, RtmpIngest};
use vocweek_pipeline::jobs::ChildBudgets;
use vocweek_pipeline::live::{LiveStage, LiveStageParts};
use vocweek_pipeline::settings::LiveSettings;
use vocweek_sandbox::MediaProgram;
use vocweek_storage::BlobStore;

use crate::config::Config;

/// The live transcode's segment length: the DVR window is counted in these.
const SEGMENT_SECONDS: u64 = 2;
/// How long a stopping node gives its publishes to end and be reported.
const STOP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// The running ingest of this node.
pub struct LiveIngest {
    pub address: SocketAddr,
    stop: watch::Sender<bool>,
    ingest: JoinHandle<()>,
    sweep: JoinHandle<()>,
}

/// How many segments the playlists list, from `[live]`.
pub fn playlist_windows(settings: &LiveSettings) -> PlaylistWindows {
    PlaylistWindows {
        live_segments: u64::from(settings.live_window_segments),
        dvr_segments: settings.dvr_window.as_secs().div_ceil(SEGMENT_SECONDS),
    }
}

/// The RTMP address shown to whoever manages a channel: `live.rtmp_url`, or this node's
/// ingest port at the host a page was asked for; `None` when no node is said to take RTMP.
pub fn rtmp_endpoint(settings: &LiveSettings, ingest: Option<&LiveIngest>) -> Option<RtmpEndpoint> {
    let port = ingest.map(|i| i.address.port());
    if settings.rtmp_url.is_none() && port.is_none() {
        return None;
    }
    Some(RtmpEndpoint {
        url: settings.rtmp_url.clone(),
        port: port.unwrap_or(1935),
        app: IngestSettings::default().app_name,
    })
}

impl LiveIngest {
    /// Starts the ingest when `live.rtmp_listen` is set. Called inside the runtime.
    pub fn start(
        config: &Config,
        settings: &LiveSettings,
        db: &Db,
        store: &Arc<dyn BlobStore>,
    ) -> anyhow::Result<Option<LiveIngest>> {
        let Some(listen) = settings.rtmp_listen else {
            return Ok(None);
        };
        let listener = std::net::TcpListener::bind(listen)
            .with_context(|| format!("cannot listen on {listen} (live.rtmp_listen)"))?;
        listener.set_nonblocking(true)?;
        let address = listener.local_addr()?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let workers = config.worker_config()?;
        let program = match workers.media_program {
            Some(program) => program,
            None => MediaProgram::this_binary()
                .context("cannot find this program to run live transcodes in")?,
        };
        let stage = LiveStage::new(LiveStageParts {
            db: db.clone(),
            store: store.clone(),
            program,
            limits: ChildBudgets::live_beside(workers.children.video),
            video: workers.video,
            settings: settings.clone(),
            scratch_parent: store.staging_dir().to_path_buf(),
            node: node_name(address),
        });
        let ingest = RtmpIngest::new(
            IngestSettings {
                max_channels: settings.max_channels,
                ..IngestSettings::default()
            },
            Arc::new(stage.clone()),
            Arc::new(stage.clone()),
        );
        let (stop, mut stopped) = watch::channel(false);
        let shutdown = async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        };
        let ingest = tokio::spawn(ingest.serve(listener, shutdown));
        let sweep = tokio::spawn(stage.sweep());
        info!(%address, max_channels = settings.max_channels, "live ingest (RTMP) listening");
        Ok(Some(LiveIngest {
            address,
            stop,
            ingest,
            sweep,
        }))
    }

    /// Ends every publish (each reported as the node shutting down) and stops.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if tokio::time::timeout(STOP_TIMEOUT, self.ingest)
            .await
            .is_err()
        {
            tracing::warn!("the live ingest did not stop in time");
        }
        self.sweep.abort();
    }
}

/// This node in `live_events.node`: its host name and RTMP port, so that two nodes on one
/// machine are told apart and a node that starts again knows the events it held.
fn node_name(address: SocketAddr) -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "vocweek".to_owned());
    format!("{host}:{}", address.port())
}

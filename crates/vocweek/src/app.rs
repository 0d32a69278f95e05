//! Wiring: from a `Config` to connected services, a running HTTP server and workers.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use secrecy::ExposeSecret;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::info;
use vocweek_api::{AppState, Distribution, ExtraRoutes, MediaListener, MediaSigner, build_server};
use vocweek_db::Db;
use vocweek_domain::builtin_campaigns;
use vocweek_pipeline::mail::Notifier;
use vocweek_pipeline::webhooks::DeliverWebhook;
use vocweek_pipeline::{Ingestor, Metrics, WorkerPool};
use vocweek_storage::{BlobStore, PartialUploads};

use crate::config::{Config, redact_url};
use crate::live_ingest::{LiveIngest, playlist_windows, rtmp_endpoint};

/// The installation secret that signs media URLs.
const MEDIA_URL_KEY: &str = "media_url_key";

/// Everything a process of vocweek talks to.
#[derive(Clone)]
pub struct Services {
    pub db: Db,
    pub store: Arc<dyn BlobStore>,
    pub metrics: Metrics,
    pub ingestor: Ingestor,
    pub workers: WorkerPool,
    pub partials: PartialUploads,
    pub distribution: Arc<Distribution>,
}

/// Connects to the database (creating the data directory for the embedded default), applies
/// migrations, seeds the shipped campaigns, and opens the blob store.
pub async fn open_services(config: &Config) -> anyhow::Result<Services> {
    let url = config.database_url();
    // Exposed for connecting only; the log gets `redact_url`'s copy.
    let url = url.expose_secret();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                config.data_dir.display()
            )
        })?;
    }
    info!(database = %redact_url(url), "connecting to the database");
    let db = Db::connect(url, config.database_max_connections)
        .await
        .with_context(|| format!("cannot connect to {}", redact_url(url)))?;
    db.migrate().await.context("applying migrations failed")?;
    let seeds = builtin_campaigns()?;
    let inserted = db.seed_campaigns(&seeds).await?;
    if inserted > 0 {
        info!(inserted, "seeded campaigns and vocabularies");
    }
    let campaign = Arc::new(db.active_campaign().await?);
    let store = crate::storage::open_store(&config.storage, &config.data_dir).await?;
    info!(store = %store.describe(), "blob store open");
    // This process owns what it stages from now on; what dead processes left goes.
    let staging = store.staging_dir().to_path_buf();
    vocweek_storage::staging_owner::claim(&staging)
        .context("cannot claim the staging directory")?;
    let removed = tokio::task::spawn_blocking(move || {
        vocweek_storage::staging_owner::sweep_orphans(&staging)
    })
    .await
    .context("the staging sweep did not finish")??;
    if removed > 0 {
        info!(removed, "removed staging entries of dead processes");
    }
    let metrics = Metrics::new()?;
    let ingestor = Ingestor::new(
        db.clone(),
        store.clone(),
        campaign,
        config.limits,
        config.workers.max_attempts,
    );
    // Partial uploads beside the staging area: on the store's filesystem, so a finished one
    // becomes the stored original by a rename.
    let partials = PartialUploads::new(&store.staging_dir().join("resumable"));
    // A process killed between finishing an upload and removing its bytes left them.
    let finished = vocweek_pipeline::sweep_finished_parts(&db, &partials).await?;
    if finished > 0 {
        info!(finished, "removed the bytes of finished resumable uploads");
    }
    // The notices' emails and missed deadlines, on every node that runs workers.
    let notifier = Notifier::new(db.clone(), ingestor.clone(), config.mail.settings()?)
        .context("mail.smtp_host cannot be used")?;
    let workers = WorkerPool::new(
        db.clone(),
        store.clone(),
        config.worker_config()?,
        metrics.clone(),
    )
    .context("cannot find this program to run media work in child processes")?
    .with_upload_sweep(partials.clone(), config.resumable.sweep_interval())
    .with_handler(
        vocweek_db::feed::DELIVER_WEBHOOK,
        Arc::new(DeliverWebhook::new(config.webhooks.settings())),
    )
    .with_notifier(notifier);
    // Every node signs and checks media URLs with the same key, kept in the database.
    let key = hex::decode(db.installation_secret(MEDIA_URL_KEY).await?)
        .context("the media URL key in the database is not hex")?;
    let signer = MediaSigner::new(&key).context("the media URL key was refused")?;
    let distribution = config.partners.distribution(signer);
    Ok(Services {
        db,
        store,
        metrics,
        ingestor,
        workers,
        partials,
        distribution,
    })
}

/// A running service: the HTTP server and, when configured, in-process workers.
pub struct RunningApp {
    pub address: SocketAddr,
    /// The media port (`partners.media_listen`), when configured.
    pub media_address: Option<SocketAddr>,
    /// The RTMP ingest's port (`live.rtmp_listen`), when configured.
    pub rtmp_address: Option<SocketAddr>,
    pub services: Services,
    live: Option<LiveIngest>,
    media: Option<MediaListener>,
    server: actix_web::dev::ServerHandle,
    server_task: JoinHandle<std::io::Result<()>>,
    stop_workers: watch::Sender<bool>,
    workers_task: Option<JoinHandle<()>>,
    campaign_refresh: JoinHandle<()>,
}

impl RunningApp {
    /// Starts serving on `listener` (bind port 0 in tests) with the given services.
    pub fn start(
        config: &Config,
        services: Services,
        listener: TcpListener,
        extra: Option<ExtraRoutes>,
    ) -> anyhow::Result<Self> {
        let address = listener.local_addr()?;
        let origin = config.public_origin()?;
        if origin.public_url().is_none() {
            // Fine on one machine; behind a proxy or on a network, the links the service hands
            // out (tus Location, the partner feed) follow whatever Host a client sends.
            tracing::warn!(
                "public_url is not set: links in tus Location headers and the partner feed \
                 follow the Host header each client sends; set public_url (VOCWEEK_PUBLIC_URL) \
                 to the address users reach"
            );
        }
        let live_settings = config.live.settings()?;
        let live = LiveIngest::start(config, &live_settings, &services.db, &services.store)?;
        let state = AppState {
            db: services.db.clone(),
            ingestor: services.ingestor.clone(),
            metrics: services.metrics.clone(),
            store: services.store.clone(),
            tus: Arc::new(config.resumable.tus_settings(services.partials.clone())),
            distribution: services.distribution.clone(),
            sign_in_throttle: Default::default(),
            origin: Arc::new(origin),
            editorial: vocweek_app::Editorial::new(
                services.db.clone(),
                services.store.clone(),
                services.distribution.feed_changed.clone(),
            ),
            campaigns: vocweek_app::Campaigns::new(services.db.clone(), services.ingestor.clone()),
            batches: vocweek_app::Batches::new(
                services.db.clone(),
                services.store.clone(),
                services.ingestor.clone(),
            ),
            reporting: vocweek_app::Reporting::new(services.db.clone(), services.ingestor.clone()),
            notices: vocweek_app::Notices::new(services.db.clone(), services.ingestor.clone()),
            members: vocweek_app::Members::new(services.db.clone()),
            cases: vocweek_app::Cases::new(
                services.db.clone(),
                services.store.clone(),
                services.ingestor.clone(),
            ),
            briefs: vocweek_app::Briefs::new(
                services.db.clone(),
                services.store.clone(),
                services.ingestor.clone(),
            ),
            channels: vocweek_app::Channels::new(
                services.db.clone(),
                services.ingestor.clone(),
                playlist_windows(&live_settings),
            ),
            live_viewers: Arc::default(),
            rtmp: rtmp_endpoint(&live_settings, live.as_ref()),
        };
        let http_workers = match config.http_workers {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
            n => n,
        };
        let media = match &config.partners.media_listen {
            Some(address) => {
                let listener = TcpListener::bind(address).with_context(|| {
                    format!("cannot listen on {address} (partners.media_listen)")
                })?;
                let media = MediaListener::start(listener, state.clone())?;
                let _ = services.distribution.media_port.set(media.address.port());
                Some(media)
            }
            None => None,
        };
        // The web pages beside the API, then whatever the caller adds (tests).
        let routes: ExtraRoutes = Arc::new(move |cfg: &mut actix_web::web::ServiceConfig| {
            vocweek_web::configure(cfg);
            if let Some(extra) = &extra {
                extra(cfg);
            }
        });
        let server = build_server(listener, state, http_workers, Some(routes))?;
        let handle = server.handle();
        let server_task = tokio::spawn(server);
        let (stop_workers, stopped) = watch::channel(false);
        let workers_task = config
            .workers
            .in_process
            .then(|| tokio::spawn(services.workers.clone().run(stopped)));
        let campaign_refresh = tokio::spawn(refresh_campaign(services.ingestor.clone()));
        Ok(RunningApp {
            address,
            media_address: media.as_ref().map(|m| m.address),
            rtmp_address: live.as_ref().map(|l| l.address),
            services,
            live,
            media,
            server: handle,
            server_task,
            stop_workers,
            workers_task,
            campaign_refresh,
        })
    }

    /// Waits until the server stops (Ctrl-C or SIGTERM), then lets workers finish their job.
    pub async fn wait(self) -> anyhow::Result<()> {
        let served = self.server_task.await;
        if let Some(media) = &self.media {
            media.stop();
        }
        if let Some(live) = self.live {
            live.stop().await;
        }
        self.campaign_refresh.abort();
        let _ = self.stop_workers.send(true);
        if let Some(workers) = self.workers_task {
            let _ = workers.await;
        }
        served??;
        Ok(())
    }

    /// Stops the server and the workers (tests).
    pub async fn stop(self) {
        self.server.stop(true).await;
        if let Some(media) = &self.media {
            media.stop();
        }
        if let Some(live) = self.live {
            live.stop().await;
        }
        self.campaign_refresh.abort();
        let _ = self.stop_workers.send(true);
        if let Some(workers) = self.workers_task {
            let _ = workers.await;
        }
        let _ = self.server_task.await;
    }
}

/// How often a node checks whether an admin activated another campaign (on this node the
/// switch is immediate; `vocweek campaign activate` and other nodes' switches arrive by this).
const CAMPAIGN_REFRESH: Duration = Duration::from_secs(30);

async fn refresh_campaign(ingestor: Ingestor) {
    let mut ticks = tokio::time::interval(CAMPAIGN_REFRESH);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        match ingestor.refresh_campaign().await {
            Ok(true) => info!(
                campaign = %ingestor.campaign().campaign.slug,
                "switched to the newly activated campaign"
            ),
            Ok(false) => {}
            Err(err) => tracing::warn!(error = %err, "checking the active campaign failed"),
        }
    }
}

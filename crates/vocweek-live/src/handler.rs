//! The ingest's side of one RTMP session: admits or refuses the publish, checks and carries its
//! media.
//!
//! scuffle-rtmp owns the handler and drops it with the session, and a handler's error can only
//! be one of the library's `ServerSessionError`s. So everything that must outlive the session
//! (the publication with its sink and slot, the refusal and its reason) lives in a
//! `SessionState` shared with the connection's watcher, which reports after the session is
//! gone (`connection.rs`). The handler only records; it never reports an end itself, so an end
//! is reported exactly once however the session stops.

use std::net::SocketAddr;
use std::sync::Arc;

use scuffle_rtmp::command_messages::UnknownCommand;
use scuffle_rtmp::messages::UnknownMessage;
use scuffle_rtmp::session::server::{ServerSessionError, SessionData, SessionHandler};
use tokio::sync::{Mutex, OwnedSemaphorePermit};

use crate::Refusal;
use crate::context::IngestContext;
use crate::progress::Progress;
use crate::publication::Publication;
use crate::refusal::shorten;

/// What a session leaves behind for its watcher.
pub(crate) struct SessionState {
    /// The publish in progress.
    pub(crate) publishing: Option<Publication>,
    /// The publish the publisher ended with `deleteStream`.
    pub(crate) unpublished: Option<Publication>,
    /// The first refusal, with its channel when the key was admitted.
    pub(crate) refusal: Option<(Option<String>, Refusal)>,
    /// This connection's place among those not publishing yet, given back once it publishes.
    pending_permit: Option<OwnedSemaphorePermit>,
}

impl SessionState {
    pub(crate) fn new(pending_permit: OwnedSemaphorePermit) -> Self {
        Self {
            publishing: None,
            unpublished: None,
            refusal: None,
            pending_permit: Some(pending_permit),
        }
    }

    /// Records why the session is being ended and makes the library end it.
    fn refuse(
        &mut self,
        channel_id: Option<String>,
        refusal: Refusal,
    ) -> Result<(), ServerSessionError> {
        if self.refusal.is_none() {
            self.refusal = Some((channel_id, refusal));
        }
        Err(ended_by_handler())
    }

    /// The connection publishes: it no longer counts against `max_pending_connections`.
    fn release_pending_permit(&mut self) {
        drop(self.pending_permit.take());
    }
}

/// The error a handler returns to end its session. The library has no variant for "the
/// application refused", so any will do: the watcher takes the reason from
/// `SessionState::refusal`, never from the variant.
fn ended_by_handler() -> ServerSessionError {
    ServerSessionError::PlayNotSupported
}

pub(crate) struct IngestHandler {
    ctx: Arc<IngestContext>,
    peer: SocketAddr,
    state: Arc<Mutex<SessionState>>,
    progress: Arc<Progress>,
    publish_seen: bool,
}

impl IngestHandler {
    pub(crate) fn new(
        ctx: Arc<IngestContext>,
        peer: SocketAddr,
        state: Arc<Mutex<SessionState>>,
        progress: Arc<Progress>,
    ) -> Self {
        Self {
            ctx,
            peer,
            state,
            progress,
            publish_seen: false,
        }
    }
}

impl SessionHandler for IngestHandler {
    async fn on_publish(
        &mut self,
        stream_id: u32,
        app_name: &str,
        stream_name: &str,
    ) -> Result<(), ServerSessionError> {
        // One publish per connection: it keeps the accounting (pending connections, slots)
        // simple, and every encoder we know opens a new connection to publish again.
        if std::mem::replace(&mut self.publish_seen, true) {
            let refusal = Refusal::BadStream {
                detail: "a second publish on one connection".to_owned(),
            };
            return self.state.lock().await.refuse(None, refusal);
        }
        if app_name != self.ctx.settings.app_name {
            return self.state.lock().await.refuse(
                None,
                Refusal::WrongApp {
                    app: app_without_key(app_name),
                },
            );
        }
        // `stream_name` is the secret stream key: it is handed to the directory and never logged.
        let admitted = match self.ctx.directory.admit(stream_name).await {
            Ok(admitted) => admitted,
            Err(refusal) => return self.state.lock().await.refuse(None, refusal),
        };
        let slot = match self.ctx.registry.claim(&admitted.channel_id, self.peer) {
            Ok(slot) => slot,
            Err(refusal) => {
                return self
                    .state
                    .lock()
                    .await
                    .refuse(Some(admitted.channel_id), refusal);
            }
        };
        let opened = Publication::open(
            stream_id,
            admitted.clone(),
            slot,
            self.ctx.sinks.as_ref(),
            self.ctx.settings.sink_buffer_bytes,
        )
        .await;
        let publication = match opened {
            Ok(publication) => publication,
            Err(error) => {
                let refusal = Refusal::Unavailable {
                    detail: format!("the live stream's sink could not be opened: {error}"),
                };
                return self
                    .state
                    .lock()
                    .await
                    .refuse(Some(admitted.channel_id), refusal);
            }
        };
        {
            let mut state = self.state.lock().await;
            state.publishing = Some(publication);
            state.release_pending_permit();
        }
        self.progress.publishing();
        tracing::info!(
            channel = %admitted.channel_id,
            title = %admitted.title,
            "publishing started"
        );
        self.ctx.directory.publishing_started(&admitted).await;
        Ok(())
    }

    async fn on_unpublish(&mut self, stream_id: u32) -> Result<(), ServerSessionError> {
        let mut state = self.state.lock().await;
        if state
            .publishing
            .as_ref()
            .is_some_and(|publication| publication.stream_id() == stream_id)
        {
            state.unpublished = state.publishing.take();
            self.progress.unpublished();
        }
        Ok(())
    }

    async fn on_data(
        &mut self,
        _stream_id: u32,
        data: SessionData,
    ) -> Result<(), ServerSessionError> {
        let mut state = self.state.lock().await;
        // Media outside a publish (metadata before it, stragglers after `deleteStream`) has
        // nowhere to go. The stream id is not checked: a connection has one publish at most.
        let carried = match state.publishing.as_mut() {
            Some(publication) => publication.carry(data).await,
            None => return Ok(()),
        };
        match carried {
            Ok(()) => {
                self.progress.media_arrived();
                Ok(())
            }
            Err(refusal) => {
                let channel_id = state
                    .publishing
                    .as_ref()
                    .map(|publication| publication.channel_id().to_owned());
                state.refuse(channel_id, refusal)
            }
        }
    }

    /// The library's default logs the whole message at warn level: a client could fill the
    /// log with it.
    async fn on_unknown_message(
        &mut self,
        stream_id: u32,
        message: UnknownMessage,
    ) -> Result<(), ServerSessionError> {
        tracing::debug!(
            stream_id,
            msg_type = ?message.msg_type_id,
            len = message.data.len(),
            "unknown RTMP message ignored"
        );
        Ok(())
    }

    /// The library's default logs the command's values, and `FCPublish` and `releaseStream`
    /// carry the stream key: only the command's name is logged.
    async fn on_unknown_command(
        &mut self,
        stream_id: u32,
        command: UnknownCommand<'_>,
    ) -> Result<(), ServerSessionError> {
        tracing::debug!(
            stream_id,
            command = command.command_name.as_str(),
            "RTMP command ignored"
        );
        Ok(())
    }
}

/// The application name a refusal may echo. A publisher that pasted its whole URL into the
/// server field (`rtmp://host/live/KEY` and an empty key) sends `live/KEY` as the application:
/// what follows the first `/` may be the secret key, and never reaches a log or a page.
fn app_without_key(app_name: &str) -> String {
    match app_name.split_once('/') {
        Some((app, _)) => format!("{}/…", shorten(app)),
        None => shorten(app_name),
    }
}

#[cfg(test)]
mod tests {
    use super::app_without_key;

    #[test]
    fn a_key_pasted_into_the_application_is_not_echoed() {
        assert_eq!(app_without_key("live/sk_abcdef"), "live/…");
        assert_eq!(app_without_key("stream"), "stream");
        assert_eq!(app_without_key("/secret"), "/…");
    }
}

//! What every connection of one ingest shares: below both the accept loop and the sessions,
//! so that neither imports the other.

use std::sync::Arc;

use crate::{ChannelDirectory, IngestSettings, LiveRegistry, SinkFactory};

pub(crate) struct IngestContext {
    pub(crate) settings: IngestSettings,
    pub(crate) directory: Arc<dyn ChannelDirectory>,
    pub(crate) sinks: Arc<dyn SinkFactory>,
    pub(crate) registry: Arc<LiveRegistry>,
}

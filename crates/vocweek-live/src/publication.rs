//! One taken publish: its channel's slot, its sink, and the translation of its RTMP messages
//! into FLV tags (codec checks, timestamps, metadata).

use std::io;

use scuffle_rtmp::session::server::SessionData;

use crate::codecs::{inspect_audio, inspect_video};
use crate::flv::{FLV_HEADER, TagClock, TagKind, encode_tag};
use crate::registry::LiveSlot;
use crate::rtmp_timestamps::Type3Repair;
use crate::script_data::without_set_data_frame;
use crate::sink_buffer::BufferedSink;
use crate::{Admitted, PublishSink, Refusal, SinkFactory};

pub(crate) struct Publication {
    stream_id: u32,
    admitted: Admitted,
    slot: LiveSlot,
    sink: Box<dyn PublishSink>,
    repair: Type3Repair,
    clock: TagClock,
    /// Reused for every tag: one allocation per publish, not per frame.
    tag: Vec<u8>,
}

impl Publication {
    /// Opens the channel's sink, behind a buffer of `buffer_bytes`, and starts its FLV stream.
    /// The caller holds the channel's slot.
    pub(crate) async fn open(
        stream_id: u32,
        admitted: Admitted,
        slot: LiveSlot,
        sinks: &dyn SinkFactory,
        buffer_bytes: usize,
    ) -> io::Result<Self> {
        let sink = sinks.open(&admitted.channel_id).await?;
        let mut sink: Box<dyn PublishSink> = Box::new(BufferedSink::new(sink, buffer_bytes));
        sink.write_flv(&FLV_HEADER).await?;
        Ok(Self {
            stream_id,
            admitted,
            slot,
            sink,
            repair: Type3Repair::default(),
            clock: TagClock::default(),
            tag: Vec::new(),
        })
    }

    pub(crate) fn stream_id(&self) -> u32 {
        self.stream_id
    }

    pub(crate) fn channel_id(&self) -> &str {
        &self.admitted.channel_id
    }

    /// Checks one RTMP media or data message and writes it on as an FLV tag.
    pub(crate) async fn carry(&mut self, message: SessionData) -> Result<(), Refusal> {
        let (kind, timestamp, body) = match message {
            SessionData::Video { timestamp, data } => {
                // Some encoders send empty media messages as keep-alives: nothing to carry.
                if data.is_empty() {
                    return Ok(());
                }
                inspect_video(&data)?;
                (TagKind::Video, timestamp, data)
            }
            SessionData::Audio { timestamp, data } => {
                if data.is_empty() {
                    return Ok(());
                }
                inspect_audio(&data)?;
                (TagKind::Audio, timestamp, data)
            }
            SessionData::Amf0 { timestamp, data } => {
                (TagKind::Script, timestamp, without_set_data_frame(data))
            }
        };
        let timestamp = self.repair.repair(kind, timestamp, body.len());
        let timestamp = self.clock.stamp(kind, timestamp);
        self.tag.clear();
        encode_tag(kind, timestamp, &body, &mut self.tag).map_err(|error| Refusal::BadStream {
            detail: error.to_string(),
        })?;
        self.sink
            .write_flv(&self.tag)
            .await
            .map_err(|error| Refusal::Unavailable {
                detail: format!("the live stream's sink failed: {error}"),
            })
    }

    /// Ends the FLV stream. The slot comes back to the caller, who releases the channel only
    /// after reporting the end: a reconnecting publisher's start must not overtake it.
    pub(crate) async fn finish(self) -> (LiveSlot, io::Result<()>) {
        let Self { sink, slot, .. } = self;
        (slot, sink.finish().await)
    }
}

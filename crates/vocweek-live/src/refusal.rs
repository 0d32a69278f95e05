//! Why a publisher was turned away or cut off.
//!
//! Programs read the code, people read the sentence: the codes are stable and go to the channel
//! directory (and from there to the channel page, which has its own zh-CN wording for each);
//! the English sentences are for logs.

/// A refusal, before or during a publish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// No channel has this stream key (a typo, or a key that was regenerated).
    #[error("no live channel has this stream key")]
    UnknownKey,
    /// The channel already has a publisher; a second encoder on the same key is refused rather
    /// than allowed to take over, so a forgotten encoder cannot hijack a running broadcast.
    #[error("this channel already has a publisher")]
    AlreadyPublishing,
    /// This node carries as many live channels as it is allowed to.
    #[error("this node already carries its maximum of {max} live channels")]
    TooManyChannels {
        /// The node's `max_channels`.
        max: usize,
    },
    /// The video is not H.264 (AVC) in a legacy FLV tag.
    #[error("unsupported video codec {codec}: only H.264 (AVC) is accepted")]
    UnsupportedVideoCodec {
        /// What the publisher sent, as far as the tag says.
        codec: String,
    },
    /// The audio is not AAC in a legacy FLV tag.
    #[error("unsupported audio codec {codec}: only AAC is accepted")]
    UnsupportedAudioCodec {
        /// What the publisher sent, as far as the tag says.
        codec: String,
    },
    /// The publisher broke the protocol or sent bytes that are not RTMP.
    #[error("the stream could not be read: {detail}")]
    BadStream {
        /// What went wrong, for the log.
        detail: String,
    },
    /// The RTMP application in the URL is not the ingest's (`live` in `rtmp://host/live/<key>`).
    #[error("the RTMP application \"{app}\" is not the live ingest's")]
    WrongApp {
        /// The application the publisher asked for (shortened).
        app: String,
    },
    /// The service could not take the stream: the directory could not be asked, or the sink
    /// that carries the stream on failed. Not the publisher's fault; trying again may work.
    #[error("the service cannot take the stream now: {detail}")]
    Unavailable {
        /// What failed, for the log.
        detail: String,
    },
}

impl Refusal {
    /// The stable code of this refusal.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownKey => "unknown-key",
            Self::AlreadyPublishing => "already-publishing",
            Self::TooManyChannels { .. } => "too-many-channels",
            Self::UnsupportedVideoCodec { .. } => "unsupported-video-codec",
            Self::UnsupportedAudioCodec { .. } => "unsupported-audio-codec",
            Self::BadStream { .. } => "bad-stream",
            Self::WrongApp { .. } => "wrong-app",
            Self::Unavailable { .. } => "unavailable",
        }
    }
}

/// At most `MAX_ECHO` characters of something a client sent, for a refusal's text: a hostile
/// client should not be able to write kilobytes into our logs through an application name.
pub(crate) fn shorten(client_text: &str) -> String {
    const MAX_ECHO: usize = 64;
    client_text.chars().take(MAX_ECHO).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_its_stable_code() {
        let detail = String::from("x");
        let cases = [
            (Refusal::UnknownKey, "unknown-key"),
            (Refusal::AlreadyPublishing, "already-publishing"),
            (Refusal::TooManyChannels { max: 2 }, "too-many-channels"),
            (
                Refusal::UnsupportedVideoCodec {
                    codec: detail.clone(),
                },
                "unsupported-video-codec",
            ),
            (
                Refusal::UnsupportedAudioCodec {
                    codec: detail.clone(),
                },
                "unsupported-audio-codec",
            ),
            (
                Refusal::BadStream {
                    detail: detail.clone(),
                },
                "bad-stream",
            ),
            (
                Refusal::WrongApp {
                    app: detail.clone(),
                },
                "wrong-app",
            ),
            (Refusal::Unavailable { detail }, "unavailable"),
        ];
        for (refusal, code) in cases {
            assert_eq!(refusal.code(), code);
            assert!(!refusal.to_string().is_empty());
        }
    }

    #[test]
    fn the_reason_names_what_was_sent() {
        let refusal = Refusal::UnsupportedVideoCodec {
            codec: "H.265/HEVC (hvc1)".into(),
        };
        assert_eq!(
            refusal.to_string(),
            "unsupported video codec H.265/HEVC (hvc1): only H.264 (AVC) is accepted"
        );
        assert_eq!(
            Refusal::TooManyChannels { max: 3 }.to_string(),
            "this node already carries its maximum of 3 live channels"
        );
    }

    #[test]
    fn client_text_is_shortened() {
        assert_eq!(shorten("live2"), "live2");
        assert_eq!(shorten(&"应".repeat(100)).chars().count(), 64);
    }
}

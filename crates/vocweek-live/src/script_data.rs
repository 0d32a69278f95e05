//! RTMP data messages as FLV script tags.
//!
//! Encoders send their metadata as `@setDataFrame("onMetaData", {...})`: the first value asks
//! the server to keep the rest for players. In an FLV file the script tag is the rest alone;
//! libavformat's flv demuxer skips a script tag whose first string is not `onMetaData` (or one
//! of a few others), so without this the stream's metadata would be lost downstream.

use bytes::Bytes;

/// `@setDataFrame` as an AMF0 string: the string marker, a big-endian u16 length, the bytes.
const SET_DATA_FRAME: &[u8] = b"\x02\x00\x0d@setDataFrame";

/// The data message's body as an FLV script tag body.
pub(crate) fn without_set_data_frame(data: Bytes) -> Bytes {
    if data.starts_with(SET_DATA_FRAME) {
        data.slice(SET_DATA_FRAME.len()..)
    } else {
        data
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_data_frame_is_dropped() {
        let message = Bytes::from_static(b"\x02\x00\x0d@setDataFrame\x02\x00\x0aonMetaData\x08");
        assert_eq!(
            without_set_data_frame(message),
            Bytes::from_static(b"\x02\x00\x0aonMetaData\x08")
        );
    }

    #[test]
    fn other_data_messages_pass_unchanged() {
        let cue = Bytes::from_static(b"\x02\x00\x0aonCuePoint\x03");
        assert_eq!(without_set_data_frame(cue.clone()), cue);
        let short = Bytes::from_static(b"\x02\x00");
        assert_eq!(without_set_data_frame(short.clone()), short);
        assert_eq!(without_set_data_frame(Bytes::new()), Bytes::new());
    }
}

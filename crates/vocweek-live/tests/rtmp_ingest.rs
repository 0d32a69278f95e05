#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The RTMP ingest against real publishers: FFmpeg's RTMP client (the `ffmpeg` and `ffprobe`
//! CLIs are required; the test suite installs them), and raw sockets for hostile clients.

mod support;

use std::path::Path;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use vocweek_live::{Ending, IngestSettings};

use support::ffmpeg::{
    AAC, MP3, PUBLISH_SECONDS, PUBLISH_WITHIN, REFUSED_WITHIN, SORENSON, X264, codecs,
    duration_seconds, exit_status, publish,
};
use support::raw::{closed_within, garbage, rtmp_handshake};
use support::{Event, Harness, start};

/// A recording of a whole `PUBLISH_SECONDS` publish: H.264 + AAC, of the publish's duration.
async fn assert_whole_recording(path: &Path) {
    let duration = duration_seconds(path).await;
    let expected = f64::from(PUBLISH_SECONDS);
    assert!(
        (duration - expected).abs() <= 0.5,
        "{} lasts {duration} s",
        path.display()
    );
    assert_eq!(codecs(path).await, ["aac", "h264"]);
}

/// A publish after a refusal or an attack: the ingest still takes one.
async fn assert_still_serving(harness: &Harness, stream_key: &str, channel_id: &str) {
    let status = exit_status(
        publish(&harness.url(stream_key), X264, AAC, 2),
        PUBLISH_WITHIN,
    )
    .await;
    assert!(status.success(), "a publish after that failed: {status}");
    harness
        .wait_for(Event::Ended(channel_id.to_owned(), Ending::Clean))
        .await;
}

#[tokio::test]
async fn a_publish_with_a_known_key_is_carried_on_as_flv() {
    let harness = start(IngestSettings::default(), &[("key-1", "ch-1")]).await;
    let ffmpeg = publish(&harness.url("key-1"), X264, AAC, PUBLISH_SECONDS);
    let status = exit_status(ffmpeg, PUBLISH_WITHIN).await;
    assert!(status.success(), "ffmpeg: {status}");
    harness
        .wait_for(Event::Ended("ch-1".into(), Ending::Clean))
        .await;
    assert_eq!(
        harness.events(),
        [
            Event::Started("ch-1".into()),
            Event::Ended("ch-1".into(), Ending::Clean)
        ]
    );
    harness.wait_until_free("ch-1").await;
    let recordings = harness.recordings();
    assert_eq!(recordings.len(), 1);
    assert_whole_recording(&recordings[0]).await;
    harness.stop().await;
}

/// A sink that is slow to take the stream (a transcode starting on a loaded machine) must not
/// stop the session reading: FFmpeg finishes at its own pace, and its clean stop arrives as one
/// (a socket we had stopped reading would be reset on close and lose its `deleteStream`).
#[tokio::test]
async fn a_stalled_sink_neither_holds_the_publisher_back_nor_loses_its_clean_stop() {
    let harness = start(IngestSettings::default(), &[("key-1", "ch-1")]).await;
    harness.hold_sinks();
    // Lossless 720p: about 10 MB in all, more than the kernel's socket buffers hold (and
    // less than the ingest's buffer).
    let lossless = &[
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-g",
        "60",
        "-qp",
        "0",
        "-s",
        "1280x720",
    ];
    let ffmpeg = publish(&harness.url("key-1"), lossless, AAC, PUBLISH_SECONDS);
    let status = exit_status(ffmpeg, PUBLISH_WITHIN).await;
    assert!(status.success(), "ffmpeg: {status}");
    harness.release_sinks();
    harness
        .wait_for(Event::Ended("ch-1".into(), Ending::Clean))
        .await;
    assert_whole_recording(&harness.recordings()[0]).await;
    harness.stop().await;
}

#[tokio::test]
async fn a_wrong_key_is_refused_and_the_ingest_keeps_serving() {
    let harness = start(IngestSettings::default(), &[("key-1", "ch-1")]).await;
    let ffmpeg = publish(&harness.url("not-a-key"), X264, AAC, PUBLISH_SECONDS);
    let status = exit_status(ffmpeg, REFUSED_WITHIN).await;
    assert!(!status.success());
    harness.wait_for(Event::Refused(None, "unknown-key")).await;
    assert!(harness.recordings().is_empty());

    assert_still_serving(&harness, "key-1", "ch-1").await;
    assert_eq!(
        harness.events(),
        [
            Event::Refused(None, "unknown-key"),
            Event::Started("ch-1".into()),
            Event::Ended("ch-1".into(), Ending::Clean),
        ]
    );
    harness.stop().await;
}

#[tokio::test]
async fn a_second_publisher_on_a_live_channel_is_refused_and_the_first_goes_on() {
    let harness = start(IngestSettings::default(), &[("key-1", "ch-1")]).await;
    let first = publish(&harness.url("key-1"), X264, AAC, PUBLISH_SECONDS);
    harness.wait_until_live("ch-1").await;

    let second = publish(&harness.url("key-1"), X264, AAC, 2);
    assert!(!exit_status(second, REFUSED_WITHIN).await.success());
    harness
        .wait_for(Event::Refused(Some("ch-1".into()), "already-publishing"))
        .await;
    assert!(harness.registry.is_live("ch-1"));

    let status = exit_status(first, PUBLISH_WITHIN).await;
    assert!(status.success(), "the first publisher: {status}");
    harness
        .wait_for(Event::Ended("ch-1".into(), Ending::Clean))
        .await;
    assert_eq!(
        harness.events(),
        [
            Event::Started("ch-1".into()),
            Event::Refused(Some("ch-1".into()), "already-publishing"),
            Event::Ended("ch-1".into(), Ending::Clean),
        ]
    );
    let recordings = harness.recordings();
    assert_eq!(recordings.len(), 1, "the refused publisher got no sink");
    assert_whole_recording(&recordings[0]).await;
    harness.stop().await;
}

/// FFmpeg 5.1 cannot send HEVC over RTMP; the enhanced RTMP refusals are `codecs.rs`'s tests.
#[tokio::test]
async fn a_video_codec_other_than_h264_is_refused() {
    let harness = start(IngestSettings::default(), &[("key-1", "ch-1")]).await;
    let ffmpeg = publish(&harness.url("key-1"), SORENSON, AAC, PUBLISH_SECONDS);
    assert!(!exit_status(ffmpeg, REFUSED_WITHIN).await.success());
    harness
        .wait_for(Event::Ended("ch-1".into(), Ending::Refused))
        .await;
    assert_eq!(
        harness.events(),
        [
            Event::Started("ch-1".into()),
            Event::Refused(Some("ch-1".into()), "unsupported-video-codec"),
            Event::Ended("ch-1".into(), Ending::Refused),
        ]
    );
    harness.wait_until_free("ch-1").await;
    harness.stop().await;
}

#[tokio::test]
async fn an_audio_codec_other_than_aac_is_refused() {
    let harness = start(IngestSettings::default(), &[("key-1", "ch-1")]).await;
    let ffmpeg = publish(&harness.url("key-1"), X264, MP3, PUBLISH_SECONDS);
    assert!(!exit_status(ffmpeg, REFUSED_WITHIN).await.success());
    harness
        .wait_for(Event::Ended("ch-1".into(), Ending::Refused))
        .await;
    assert_eq!(
        harness.events(),
        [
            Event::Started("ch-1".into()),
            Event::Refused(Some("ch-1".into()), "unsupported-audio-codec"),
            Event::Ended("ch-1".into(), Ending::Refused),
        ]
    );
    harness.stop().await;
}

#[tokio::test]
async fn a_node_over_max_channels_refuses_the_next_channel() {
    let settings = IngestSettings {
        max_channels: 1,
        ..IngestSettings::default()
    };
    let harness = start(settings, &[("key-1", "ch-1"), ("key-2", "ch-2")]).await;
    let first = publish(&harness.url("key-1"), X264, AAC, PUBLISH_SECONDS);
    harness.wait_until_live("ch-1").await;

    let second = publish(&harness.url("key-2"), X264, AAC, 2);
    assert!(!exit_status(second, REFUSED_WITHIN).await.success());
    harness
        .wait_for(Event::Refused(Some("ch-2".into()), "too-many-channels"))
        .await;

    let status = exit_status(first, PUBLISH_WITHIN).await;
    assert!(status.success(), "the first publisher: {status}");
    harness
        .wait_for(Event::Ended("ch-1".into(), Ending::Clean))
        .await;
    // With the first channel over, the node has room again.
    assert_still_serving(&harness, "key-2", "ch-2").await;
    harness.stop().await;
}

#[tokio::test]
async fn garbage_after_the_handshake_ends_that_session_only() {
    let harness = start(IngestSettings::default(), &[("key-1", "ch-1")]).await;
    let mut socket = TcpStream::connect(harness.addr).await.unwrap();
    rtmp_handshake(&mut socket).await;
    // The server may close while we write: the write failing is fine.
    let _ = socket.write_all(&garbage(64 * 1024)).await;
    // Well before the library's own 2.5 s read timeout could be what closed it.
    let took = closed_within(&mut socket, Duration::from_secs(5)).await;
    assert!(took < Duration::from_secs(2), "closed after {took:?}");
    harness.wait_for(Event::Refused(None, "bad-stream")).await;

    assert_still_serving(&harness, "key-1", "ch-1").await;
    harness.stop().await;
}

#[tokio::test]
async fn a_client_that_sends_nothing_is_closed_after_the_handshake_timeout() {
    let settings = IngestSettings {
        handshake_timeout: Duration::from_millis(500),
        ..IngestSettings::default()
    };
    let harness = start(settings, &[("key-1", "ch-1")]).await;
    let mut socket = TcpStream::connect(harness.addr).await.unwrap();
    let took = closed_within(&mut socket, Duration::from_secs(5)).await;
    // Ours, not the library's 2 s handshake read timeout.
    let expected = Duration::from_millis(400)..Duration::from_millis(1800);
    assert!(expected.contains(&took), "closed after {took:?}");
    // Silence is not a refusal worth a channel page: nothing is reported.
    assert!(harness.events().is_empty());
    harness.stop().await;
}

#[tokio::test]
async fn connections_over_the_pending_cap_are_closed_at_once() {
    let settings = IngestSettings {
        max_pending_connections: 1,
        handshake_timeout: Duration::from_secs(5),
        ..IngestSettings::default()
    };
    let harness = start(settings, &[("key-1", "ch-1")]).await;
    let mut first = TcpStream::connect(harness.addr).await.unwrap();
    // Let the server accept the first before the second arrives.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut second = TcpStream::connect(harness.addr).await.unwrap();
    let took = closed_within(&mut second, Duration::from_secs(5)).await;
    assert!(
        took < Duration::from_secs(1),
        "the second was closed after {took:?}"
    );
    // The first still holds its place: it is closed by the library's 2 s handshake read
    // timeout, not before.
    let first_took = closed_within(&mut first, Duration::from_secs(10)).await;
    assert!(
        first_took > Duration::from_millis(1000),
        "the first was closed after {first_took:?}"
    );
    harness.stop().await;
}

/// FFmpeg sends a message whose size and time step repeat the previous one's as a type 3 chunk,
/// which scuffle-rtmp reads with the previous timestamp (`rtmp_timestamps.rs`): the recording
/// must still step every video frame by 1/30 s and every AAC frame by 1024/48000 s, without a
/// repeated timestamp or a lost frame's time.
#[tokio::test]
async fn every_frame_keeps_the_time_the_publisher_sent() {
    let harness = start(IngestSettings::default(), &[("key-1", "ch-1")]).await;
    let ffmpeg = publish(&harness.url("key-1"), X264, AAC, PUBLISH_SECONDS);
    assert!(exit_status(ffmpeg, PUBLISH_WITHIN).await.success());
    harness
        .wait_for(Event::Ended("ch-1".into(), Ending::Clean))
        .await;
    let recording = harness.recordings().remove(0);
    for (stream, frame_ms) in [("v", 1000.0 / 30.0), ("a", 1_024_000.0 / 48_000.0)] {
        let text = support::ffmpeg::packet_times(&recording, stream).await;
        let times: Vec<f64> = text
            .lines()
            .filter_map(|line| line.trim().parse::<f64>().ok())
            .map(|seconds| seconds * 1000.0)
            .collect();
        assert!(times.len() > 100, "{stream}: {} packets", times.len());
        let first = times[0];
        for (index, time) in times.iter().enumerate() {
            // FLV keeps milliseconds: each time is the exact one rounded, ± 1 ms.
            let exact = first + frame_ms * index as f64;
            assert!(
                (time - exact).abs() <= 1.0,
                "{stream} packet {index} at {time} ms, sent at {exact:.1} ms"
            );
        }
    }
    harness.stop().await;
}

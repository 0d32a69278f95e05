//! The parent side against real processes that misbehave the ways a media child can: a
//! signal, a hang, a flood of output, chatter on stdout, a clean answer. `sh` stands in for
//! the child (the limit arguments the runner appends become the script's `$1`…).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use vocweek_sandbox::{
    ChildLimits, Event, Failure, KillReason, MediaChild, MediaProgram, Task, Work,
};

const LIMITS: ChildLimits = ChildLimits {
    memory_bytes: 512 * 1024 * 1024,
    cpu_seconds: 60,
    file_size_bytes: 64 * 1024 * 1024,
};

fn script(body: &str) -> MediaProgram {
    MediaProgram {
        path: "/bin/sh".into(),
        args: vec!["-c".into(), body.into(), "sh".into()],
    }
}

fn task() -> Task {
    Task {
        input: "/dev/null".into(),
        out_dir: std::env::temp_dir(),
        work: Work::Photo {
            settings: vocweek_media::photo::PhotoSettings::default(),
        },
    }
}

async fn end_of(program: &MediaProgram) -> Result<vocweek_sandbox::Finished, Failure> {
    let mut child = MediaChild::spawn(program, LIMITS, &task()).await.unwrap();
    loop {
        if let Event::Finished(result) = child.next().await {
            return result;
        }
    }
}

#[tokio::test]
async fn an_answer_after_chatter_is_taken() {
    let done = r#"vocweek-media {"message":"done","result":{"kind":"video","facts":{},"files":[]},"peak_rss_bytes":1}"#;
    let program = script(&format!(
        "read task; echo 'x264 [info]: chatter'; echo '{done}'; exit 0"
    ));
    let finished = end_of(&program).await.unwrap();
    assert!(matches!(finished.done, vocweek_sandbox::Done::Video { .. }));
}

#[tokio::test]
async fn a_segfault_is_a_crash_verdict() {
    let failure = end_of(&script("read task; kill -SEGV $$"))
        .await
        .unwrap_err();
    assert_eq!(failure.code(), "media-process-crashed");
    assert!(failure.to_string().contains("SIGSEGV"), "{failure}");
    assert!(failure.is_verdict());
}

#[tokio::test]
async fn an_exit_without_an_answer_is_a_crash() {
    let failure = end_of(&script(
        "read task; echo 'thread main panicked at x' >&2; exit 101",
    ))
    .await
    .unwrap_err();
    assert_eq!(failure.code(), "media-process-crashed");
    assert!(failure.to_string().contains("panicked"), "{failure}");
}

#[tokio::test]
async fn a_hang_is_killed_with_its_group_and_reported_as_a_timeout() {
    // The child starts a grandchild: killing the group must take both.
    let program = script("read task; sleep 600 & sleep 600");
    let mut child = MediaChild::spawn(&program, LIMITS, &task()).await.unwrap();
    let started = Instant::now();
    let ended = tokio::time::timeout(Duration::from_millis(300), child.next()).await;
    assert!(ended.is_err(), "the child should still be running");
    child.kill(KillReason::TimedOut { limit_seconds: 1 });
    let Event::Finished(Err(failure)) = child.next().await else {
        panic!("the child did not end");
    };
    assert_eq!(failure.code(), "media-timed-out");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_flood_without_newlines_is_cut_off_and_a_crash() {
    let program = script("read task; head -c 100000000 /dev/zero; sleep 60");
    let started = Instant::now();
    let failure = end_of(&program).await.unwrap_err();
    assert_eq!(failure.code(), "media-process-crashed");
    assert!(failure.to_string().contains("protocol"), "{failure}");
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[tokio::test]
async fn a_program_that_cannot_start_is_an_error_of_ours() {
    let missing = MediaProgram {
        path: "/nonexistent/vocweek".into(),
        args: Vec::new(),
    };
    assert!(MediaChild::spawn(&missing, LIMITS, &task()).await.is_err());
}

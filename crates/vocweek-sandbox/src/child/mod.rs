//! The child side: `vocweek media-run` (hidden). It limits itself, confines itself, reads one
//! task from stdin, does it and answers on stdout. Whatever a file does to it — a stack
//! overflow, an abort in a C decoder, memory it may not have — ends this process only.

mod article;
mod clip;
mod confine;
mod live;
mod out_of_memory;
mod output;
mod panic_report;
mod photo;
mod video;
mod video_chunks;

use std::io::BufRead;
use std::process::ExitCode;

use vocweek_media::MediaError;

use crate::limits::ChildLimits;
use crate::protocol::{Message, Task, Work};
use output::Reporter;

/// Stack of the thread that does the work: twice the main thread's, since some parsers
/// recurse (the PDF guard keeps their depth bounded); it counts in the memory limit.
const WORK_STACK_BYTES: usize = 16 * 1024 * 1024;

/// The most resize threads a child starts: each stack counts against the memory limit, and a
/// photo's resize gains little past four threads.
const MAX_DECODE_THREADS: usize = 4;

/// Runs a media child with the arguments after `media-run`. Without `--pool-dir` it does one
/// task and confines itself to that task's directory; with it (a pooled child) it confines
/// itself to that directory and does the tasks it is given, each in a directory below it,
/// until its stdin ends. Exit code 0 after its last answer; 2 for a bad invocation or an
/// unreadable task; 101 when the work panicked.
pub fn child_main(args: &[String]) -> ExitCode {
    let (limits, pool_dir) = match parse_args(args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("media-run: {message}");
            return ExitCode::from(2);
        }
    };
    if let Err(err) = confine::before_reading(limits) {
        eprintln!("media-run: cannot limit this process: {err}");
        return ExitCode::from(2);
    }
    panic_report::install();
    if let Some(dir) = &pool_dir {
        confine::to_out_dir(dir);
        if let Err(code) = start_decode_threads() {
            return code;
        }
    }
    let reporter = Reporter::new();
    loop {
        let mut line = String::new();
        match std::io::stdin().lock().read_line(&mut line) {
            Ok(0) => return ExitCode::SUCCESS,
            Ok(_) => {}
            Err(_) => {
                eprintln!("media-run: cannot read the task");
                return ExitCode::from(2);
            }
        }
        let task: Task = match serde_json::from_str(&line) {
            Ok(task) => task,
            Err(err) => {
                eprintln!("media-run: the task is not valid: {err}");
                return ExitCode::from(2);
            }
        };
        match &pool_dir {
            Some(dir) if !task.out_dir.starts_with(dir) => {
                eprintln!("media-run: a task outside the pool's directory");
                return ExitCode::from(2);
            }
            Some(_) => {}
            None => {
                confine::to_out_dir(&task.out_dir);
                if let Err(code) = start_decode_threads() {
                    return code;
                }
            }
        }
        match run_on_work_thread(task, &reporter) {
            Ok(()) => {}
            Err(code) => return code,
        }
        if pool_dir.is_none() {
            return ExitCode::SUCCESS;
        }
    }
}

/// Starts the pool of threads the image code resizes on, now rather than at the first resize.
///
/// Started lazily, the pool's threads were created in the middle of a decode: at the memory
/// limit their stacks could not be mapped, and the pool's failure surfaced as a panic inside
/// the resize instead of as a death for memory. Started here — after Landlock, which binds only
/// the calling thread and the threads it creates later, and before the input is read — their
/// stacks are a fixed cost of every child, bounded by `MAX_DECODE_THREADS` whatever the host's
/// core count. If even they do not fit, the limit is wrong for this host, not the file: the
/// child exits as unable to start (a transient failure, never a verdict on the bytes).
fn start_decode_threads() -> Result<(), ExitCode> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(MAX_DECODE_THREADS);
    match rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
    {
        Ok(()) => Ok(()),
        Err(err) => {
            eprintln!("media-run: cannot start the decode threads within the memory limit: {err}");
            Err(ExitCode::from(2))
        }
    }
}

/// Does one task on a thread with a large stack and answers. A panic ends the process (the
/// parent reads the message on stderr and records a crash).
fn run_on_work_thread(task: Task, reporter: &Reporter) -> Result<(), ExitCode> {
    let work = {
        let reporter = reporter.clone();
        std::thread::Builder::new()
            .name(format!("media-{}", task.work.name()))
            .stack_size(WORK_STACK_BYTES)
            .spawn(move || run(&task, &reporter))
    };
    let outcome = match work {
        Ok(handle) => handle.join(),
        Err(err) => {
            eprintln!("media-run: cannot start the work thread: {err}");
            return Err(ExitCode::from(2));
        }
    };
    match outcome {
        Ok(Ok(result)) => reporter.send(&Message::Done {
            result,
            peak_rss_bytes: output::peak_rss_bytes(),
        }),
        Ok(Err(err)) => reporter.send(&refusal(&err)),
        Err(_) => return Err(ExitCode::from(101)),
    }
    Ok(())
}

fn run(task: &Task, reporter: &Reporter) -> Result<crate::protocol::Done, MediaError> {
    match &task.work {
        Work::Photo { settings } => photo::run(&task.input, &task.out_dir, settings, reporter),
        Work::Article { mime, limits } => article::run(&task.input, &task.out_dir, mime, limits),
        Work::Video { settings } => video::run(&task.input, &task.out_dir, settings, reporter),
        Work::VideoChunk { settings, chunk } => {
            video_chunks::run_chunk(&task.input, &task.out_dir, settings, chunk, reporter)
        }
        Work::VideoStitch { settings, chunks } => {
            video_chunks::run_stitch(&task.input, &task.out_dir, settings, chunks, reporter)
        }
        Work::LiveReplay {
            settings,
            parts,
            recorded,
            publishes,
        } => video_chunks::run_replay(
            &task.input,
            &task.out_dir,
            settings,
            parts,
            *recorded,
            publishes.clone(),
            reporter,
        ),
        Work::Clip {
            settings,
            from_seconds,
            to_seconds,
        } => clip::run_clip(
            &task.input,
            &task.out_dir,
            settings,
            *from_seconds,
            *to_seconds,
            reporter,
        ),
        Work::Live { settings, fifo } => live::run(&task.out_dir, settings, fifo, reporter),
    }
}

/// A media error as the parent must see it: the file's fault (permanent, with its code) or a
/// failure around it (transient: the file could not be read, an output could not be written —
/// errors that come from the operating system). A library's "internal" error on a file that
/// was read fine is that file's doing (FFmpeg refusing a graph for a frame that lies about its
/// size): permanent, as `media-unprocessable`, never five retries across the fleet.
fn refusal(err: &MediaError) -> Message {
    let from_the_system = err.to_string().contains("os error");
    let (code, transient) = match err {
        MediaError::Unreadable(_) => (err.code(), true),
        MediaError::Internal(_) if from_the_system => (err.code(), true),
        MediaError::Internal(_) => ("media-unprocessable", false),
        _ => (err.code(), false),
    };
    Message::Refused {
        code: code.to_owned(),
        reason: err.to_string(),
        transient,
    }
}

fn parse_args(args: &[String]) -> Result<(ChildLimits, Option<std::path::PathBuf>), String> {
    let mut limits = ChildLimits {
        memory_bytes: 0,
        cpu_seconds: 0,
        file_size_bytes: 0,
    };
    let mut pool_dir = None;
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let text = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        if flag == "--pool-dir" {
            pool_dir = Some(std::path::PathBuf::from(text));
            continue;
        }
        let value = text.parse::<u64>().map_err(|e| format!("{flag}: {e}"))?;
        match flag.as_str() {
            "--memory-bytes" => limits.memory_bytes = value,
            "--cpu-seconds" => limits.cpu_seconds = value,
            "--file-size-bytes" => limits.file_size_bytes = value,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if limits.memory_bytes == 0 || limits.cpu_seconds == 0 || limits.file_size_bytes == 0 {
        return Err("--memory-bytes, --cpu-seconds and --file-size-bytes are required".to_owned());
    }
    Ok((limits, pool_dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_round_trip_through_the_command_line() {
        let limits = ChildLimits {
            memory_bytes: 1 << 30,
            cpu_seconds: 60,
            file_size_bytes: 1 << 20,
        };
        let args: Vec<String> = limits
            .to_args()
            .into_iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(parse_args(&args).unwrap(), (limits, None));
        let mut pooled = args.clone();
        pooled.extend(["--pool-dir".to_owned(), "/tmp/pool".to_owned()]);
        assert_eq!(
            parse_args(&pooled).unwrap(),
            (limits, Some("/tmp/pool".into()))
        );
        assert!(parse_args(&["--memory-bytes".to_owned()]).is_err());
        assert!(parse_args(&[]).is_err());
    }

    #[test]
    fn only_the_system_makes_an_error_worth_retrying() {
        let transient = |err: MediaError| match refusal(&err) {
            Message::Refused {
                transient, code, ..
            } => (transient, code),
            _ => unreachable!(),
        };
        assert_eq!(
            transient(MediaError::Unreadable("gone".to_owned())),
            (true, "media-unreadable".to_owned())
        );
        let full = std::io::Error::from_raw_os_error(28);
        assert!(transient(MediaError::Internal(format!("writing thumb.webp: {full}"))).0);
        assert_eq!(
            transient(MediaError::Internal(
                "video filter buffer: Invalid argument".to_owned()
            )),
            (false, "media-unprocessable".to_owned())
        );
        assert_eq!(
            transient(MediaError::ImageCorrupt("bad".to_owned())),
            (false, "image-corrupt".to_owned())
        );
    }
}

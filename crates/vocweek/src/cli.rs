//! The command line (clap). Results meant for scripts (tokens, passwords, API keys) are printed
//! alone on the last line of standard output; logs and progress go to standard error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::commands;
use crate::config::Config;

#[derive(Debug, Parser)]
#[command(
    name = "vocweek",
    version,
    about = "Media pipeline of the Vocational Education Activity Week"
)]
pub struct Cli {
    /// Data directory of the embedded default (SQLite database and blob store).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Configuration file (default: ./vocweek.toml when present).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API (and, by default, the workers) in this process.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
    },
    /// Run workers only (for more machines sharing one database and store).
    Worker,
    /// Apply database migrations and seed the shipped campaigns.
    Migrate,
    /// Manage submitting units and their upload tokens.
    Unit {
        #[command(subcommand)]
        command: UnitCommand,
    },
    /// Manage campaigns (a new year's week: dates, theme, vocabulary) without code changes.
    Campaign {
        #[command(subcommand)]
        command: CampaignCommand,
    },
    /// Manage editors and administrators.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage media partners and their API keys.
    Partner {
        #[command(subcommand)]
        command: PartnerCommand,
    },
    /// Make the photo renditions of local files with the job's own code (batch use, benchmarks).
    Thumbnail {
        /// Photos to process.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Directory for `<name>.thumb.webp` and `<name>.preview.jpg`.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Photos processed at once (default: photos.concurrency).
        #[arg(long)]
        jobs: Option<usize>,
        /// Each photo in a media child process under the `[media]` limits, as the service does.
        #[arg(long)]
        isolated: bool,
        /// Decode JPEGs at full size instead of shrinking on load: the reference the bench's
        /// quality guard compares the service's renditions with.
        #[arg(long, conflicts_with = "isolated")]
        full_decode: bool,
    },
    /// Transcode a local video with the job's own code: `master.m3u8`, the rendition playlists
    /// and segments, `download.mp4`, `poster.jpg` and `thumb.webp` in DIR; facts as JSON on
    /// standard output.
    Transcode {
        file: PathBuf,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// In a media child process under the `[media]` limits, as the service does.
        #[arg(long)]
        isolated: bool,
    },
    /// Cut the stretch FROM–TO seconds of a local video into the MP4 OUT with the clip job's
    /// own code, in a media child under the `[media]` limits (whole GOPs copied, the edges
    /// encoded again); what the clip holds as JSON on standard output.
    Clip {
        file: PathBuf,
        #[arg(long, value_name = "SECONDS")]
        from: f64,
        #[arg(long, value_name = "SECONDS")]
        to: f64,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Check the blob store against the database: originals re-hashed (BLAKE3), renditions
    /// by size, orphan blobs and unfinished multipart uploads listed. Exit status 1 on any
    /// problem.
    Fsck {
        /// Compare sizes only; do not re-read originals.
        #[arg(long)]
        quick: bool,
        /// Delete orphan blobs and abort unfinished multipart uploads.
        #[arg(long)]
        delete_orphans: bool,
    },
    /// Work on the blob store.
    Storage {
        #[command(subcommand)]
        command: StorageCommand,
    },
    /// Manage tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum StorageCommand {
    /// Copy every blob to the store that FILE's `[storage]` section describes (filesystem → S3
    /// or back), reading each copy back to verify it; blobs already there are skipped.
    Copy {
        /// A vocweek.toml naming the target store.
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum UnitCommand {
    /// Create a unit; its upload token is printed alone on the last line.
    Add {
        #[arg(long)]
        name: String,
        /// city_bureau, higher_vocational_college, secondary_vocational_school,
        /// technical_college, city_hr_bureau, enterprise or province.
        #[arg(long)]
        kind: String,
        /// City slug (jinan, qingdao, … or province).
        #[arg(long)]
        city: String,
    },
    /// Create units from a CSV file with columns name,kind,city (a header row is optional).
    /// Prints name,token lines for the created units; errors per row go to standard error.
    Import { file: PathBuf },
    /// List units with their live token prefixes.
    List,
}

// Parsed once per run: the size of the flags' variant costs nothing worth boxing for.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum CampaignCommand {
    /// List campaigns, newest first; the active one is marked.
    List,
    /// Create a campaign (not active yet). Either from a campaign data file with its own
    /// vocabulary (`--file`, the format of crates/vocweek-domain/vocabularies/*.toml), or from
    /// the flags with a copy of an existing campaign's vocabulary.
    Create {
        /// A campaign data file; the other flags are then not used.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        #[arg(long, required_unless_present = "file")]
        slug: Option<String>,
        #[arg(long, required_unless_present = "file")]
        year: Option<i32>,
        #[arg(long, required_unless_present = "file")]
        name_zh: Option<String>,
        #[arg(long, required_unless_present = "file")]
        name_en: Option<String>,
        #[arg(long, required_unless_present = "file")]
        theme_zh: Option<String>,
        #[arg(long, required_unless_present = "file")]
        theme_en: Option<String>,
        /// First day of the week, YYYY-MM-DD.
        #[arg(long, required_unless_present = "file")]
        starts_on: Option<String>,
        #[arg(long, required_unless_present = "file")]
        ends_on: Option<String>,
        /// Plans, websites and liaisons are due by the end of this day (Beijing time).
        #[arg(long, required_unless_present = "file")]
        plan_due_on: Option<String>,
        /// Summary reports and statistics tables are due by the end of this day.
        #[arg(long, required_unless_present = "file")]
        report_due_on: Option<String>,
        /// Copy the vocabulary of this campaign (default: the active one).
        #[arg(long)]
        vocabulary_from: Option<String>,
    },
    /// Make a campaign the active one: new uploads and reports belong to it. Running servers
    /// pick it up within 30 seconds.
    Activate { slug: String },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an editor or admin; a generated password is printed alone on the last line.
    Add {
        #[arg(long)]
        username: String,
        /// editor or admin.
        #[arg(long)]
        role: String,
        /// edu or hr (required for editors; an admin without a desk sees both).
        #[arg(long)]
        desk: Option<String>,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's password and end all of the user's sessions. A generated one-time password
    /// is printed alone on the last line; the user must change it at the next sign-in.
    Password {
        #[arg(long)]
        username: String,
        /// Read the password from standard input instead of generating one (at least 10
        /// characters, not the username, not the current password; not to be changed).
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PartnerCommand {
    /// Create a media partner; its API key is printed alone on the last line.
    Add {
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Revoke a token (given in full or by the prefix `unit list` shows), or every token of a unit.
    Revoke {
        /// The token or its prefix.
        #[arg(required_unless_present = "unit")]
        token: Option<String>,
        /// Revoke every token of this unit (by name).
        #[arg(long, conflicts_with = "token")]
        unit: Option<String>,
    },
    /// Issue a new upload token for a unit; printed alone on the last line.
    Issue {
        #[arg(long)]
        unit: String,
    },
}

/// Parses the command line, loads the configuration and runs the command.
pub fn main() -> ExitCode {
    // `vocweek media-run …` is a media child started by the workers (see vocweek-sandbox):
    // it reads no configuration and starts no runtime, so it begins work in milliseconds.
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if args.get(1).map(String::as_str) == Some("media-run") {
        return vocweek_sandbox::child_main(args.get(2..).unwrap_or_default());
    }
    let cli = Cli::parse();
    let config = match load_config(&cli) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("vocweek: {err:#}");
            return ExitCode::from(2);
        }
    };
    crate::logging::init(&config.log);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("vocweek: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli.command, config)) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("vocweek: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    let mut config = Config::load(cli.config.as_deref(), |name| std::env::var(name).ok())?;
    if let Some(dir) = &cli.data_dir {
        config.data_dir = dir.clone();
    }
    if let Command::Serve {
        listen: Some(listen),
    } = &cli.command
    {
        config.listen = listen.clone();
    }
    Ok(config)
}

//! What the binary's tests share: a data directory (and a PostgreSQL database) per test, the
//! `vocweek` command pointed at them, and a `serve` child process killed when the test ends.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use vocweek_db::Db;
use vocweek_db::testing::create_database;

pub struct Env {
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
}

impl Env {
    pub async fn new(postgres: bool) -> Env {
        let data_dir = std::env::temp_dir().join(format!("vocweek-cli-{}", uuid::Uuid::now_v7()));
        let database_url = if postgres {
            let admin = std::env::var("VOCWEEK_TEST_POSTGRES_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
            let name = format!("vocweek_t_{}", uuid::Uuid::now_v7().simple());
            let db = Db::connect(&admin, 1).await.unwrap();
            create_database(&db, &name).await.unwrap();
            db.close().await.unwrap();
            Some(format!("{}/{name}", admin.rsplit_once('/').unwrap().0))
        } else {
            None
        };
        Env {
            data_dir,
            database_url,
        }
    }

    pub fn command(&self, args: &[&str]) -> Command {
        // `VOCWEEK_TEST_BIN` runs the tests against another build (`make chaos`: release).
        let program = std::env::var("VOCWEEK_TEST_BIN")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_vocweek").to_owned());
        let mut command = Command::new(program);
        command
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args(args)
            .env_remove("VOCWEEK_DATABASE_URL")
            .env("VOCWEEK_LOG_LEVEL", "warn")
            .current_dir(std::env::temp_dir());
        if let Some(url) = &self.database_url {
            command.env("VOCWEEK_DATABASE_URL", url);
        }
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    pub fn spawn_serve(&self) -> Server {
        Server(
            self.command(&["serve", "--listen", "127.0.0.1:0"])
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        )
    }
}

/// A `vocweek serve` child process, killed when the test ends however it ends.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

pub fn last_line(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

impl Server {
    /// Reads the lines `serve` prints until its address; returns (address, lines before it).
    pub fn address(&mut self) -> (String, Vec<String>) {
        let mut lines = BufReader::new(self.0.stdout.take().unwrap()).lines();
        let mut printed = Vec::new();
        loop {
            let line = lines.next().expect("serve printed its address").unwrap();
            if let Some(url) = line.strip_prefix("vocweek is serving on ") {
                return (url.to_owned(), printed);
            }
            printed.push(line);
        }
    }
}

//! The `vocweek` program: configuration, wiring of the crates into a running service, and the
//! command line (serve, worker, migrate, and the admin commands).

pub mod app;
pub mod cli;
mod commands;
pub mod config;
pub mod live_ingest;
pub mod logging;
pub mod storage;

//! One file per command group.

mod accounts;
mod campaigns;
mod clip;
mod fsck;
mod isolated;
mod serve;
mod storage_copy;
mod thumbnail;
mod transcode;
mod units;

use std::process::ExitCode;

use crate::app::open_services;
use crate::cli::{Command, PartnerCommand, StorageCommand, TokenCommand, UnitCommand, UserCommand};
use crate::config::Config;

pub async fn run(command: Command, config: Config) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve { .. } => serve::serve(&config).await,
        Command::Worker => serve::worker(&config).await,
        Command::Thumbnail {
            files,
            out,
            jobs,
            isolated: false,
            full_decode,
        } => thumbnail::run(&config, &files, &out, jobs, full_decode),
        Command::Thumbnail {
            files,
            out,
            jobs,
            isolated: true,
            ..
        } => isolated::thumbnails(&config, &files, &out, jobs).await,
        Command::Transcode {
            file,
            out,
            isolated: false,
        } => transcode::run(&config, &file, &out),
        Command::Transcode {
            file,
            out,
            isolated: true,
        } => isolated::transcode(&config, &file, &out).await,
        Command::Clip {
            file,
            from,
            to,
            out,
        } => clip::run(&config, &file, from, to, &out).await,
        Command::Migrate => {
            open_services(&config).await?;
            println!("migrations applied; campaigns seeded");
            Ok(ExitCode::SUCCESS)
        }
        Command::Unit { command } => {
            let services = open_services(&config).await?;
            match command {
                UnitCommand::Add { name, kind, city } => {
                    units::add(&services, &name, &kind, &city).await
                }
                UnitCommand::Import { file } => units::import(&services, &file).await,
                UnitCommand::List => units::list(&services).await,
            }
        }
        Command::Campaign { command } => {
            let services = open_services(&config).await?;
            campaigns::run(&services, command).await
        }
        Command::User { command } => {
            let services = open_services(&config).await?;
            match command {
                UserCommand::Add {
                    username,
                    role,
                    desk,
                    password_stdin,
                } => {
                    accounts::add_user(&services, &username, &role, desk.as_deref(), password_stdin)
                        .await
                }
                UserCommand::Password {
                    username,
                    password_stdin,
                } => accounts::set_password(&services, &username, password_stdin).await,
            }
        }
        Command::Partner {
            command: PartnerCommand::Add { name },
        } => {
            let services = open_services(&config).await?;
            accounts::add_partner(&services, &name).await
        }
        Command::Fsck {
            quick,
            delete_orphans,
        } => {
            let services = open_services(&config).await?;
            fsck::run(
                &services,
                fsck::FsckOptions {
                    quick,
                    delete_orphans,
                },
            )
            .await
        }
        Command::Storage {
            command: StorageCommand::Copy { to },
        } => {
            let services = open_services(&config).await?;
            storage_copy::run(&services, &to).await
        }
        Command::Token { command } => {
            let services = open_services(&config).await?;
            match command {
                TokenCommand::Revoke { token, unit } => {
                    units::revoke(&services, token.as_deref(), unit.as_deref()).await
                }
                TokenCommand::Issue { unit } => units::issue(&services, &unit).await,
            }
        }
    }
}

use std::net::TcpListener;
use std::process::ExitCode;

use anyhow::Context;
use tokio::sync::watch;
use tracing::info;
use vocweek_db::secrets::new_password;
use vocweek_domain::Role;

use crate::app::{RunningApp, Services, open_services};
use crate::config::Config;

/// `vocweek serve`: everything in one process on the embedded default.
pub async fn serve(config: &Config) -> anyhow::Result<ExitCode> {
    let services = open_services(config).await?;
    create_first_admin(&services).await?;
    let listener = TcpListener::bind(&config.listen)
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let app = RunningApp::start(config, services, listener, None)?;
    println!("vocweek is serving on http://{}", app.address);
    if let Some(media) = app.media_address {
        println!("media partners' downloads (/media) also on http://{media}");
    }
    info!(address = %app.address, in_process_workers = config.workers.in_process, "serving");
    app.wait().await?;
    Ok(ExitCode::SUCCESS)
}

/// On the first start nobody can administer the service: create `admin` with a one-time
/// password and print it (it is never stored in clear, nor shown again).
async fn create_first_admin(services: &Services) -> anyhow::Result<()> {
    if services.db.admin_count().await? > 0 {
        return Ok(());
    }
    let password = new_password();
    match services
        .db
        .create_user("admin", &password, Role::Admin, None, true)
        .await
    {
        Ok(_) => {}
        // Several nodes started together: another one created it a moment ago.
        Err(vocweek_db::DbError::AlreadyExists(_)) if services.db.admin_count().await? > 0 => {
            return Ok(());
        }
        Err(other) => return Err(other.into()),
    }
    println!("首次启动：已创建管理员账号 / first start: created the administrator account");
    println!("  username: admin");
    println!("  one-time password (shown only now): {password}");
    Ok(())
}

/// `vocweek worker`: workers only, until Ctrl-C or SIGTERM.
pub async fn worker(config: &Config) -> anyhow::Result<ExitCode> {
    let services = open_services(config).await?;
    let (stop, stopped) = watch::channel(false);
    let workers = tokio::spawn(services.workers.clone().run(stopped));
    info!(concurrency = config.workers.concurrency, "workers running");
    shutdown_signal().await;
    info!("stopping: finishing the jobs in hand");
    let _ = stop.send(true);
    workers.await.context("the worker pool crashed")?;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

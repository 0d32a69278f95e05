use std::io::Read;
use std::process::ExitCode;

use anyhow::bail;
use vocweek_db::secrets::new_password;
use vocweek_domain::{Desk, Role};

use crate::app::Services;

/// `vocweek user add`.
pub async fn add_user(
    services: &Services,
    username: &str,
    role: &str,
    desk: Option<&str>,
    password_stdin: bool,
) -> anyhow::Result<ExitCode> {
    let role = Role::parse(role)?;
    let desk = desk.map(Desk::parse).transpose()?;
    if role == Role::Editor && desk.is_none() {
        bail!("an editor needs --desk edu or --desk hr");
    }
    if username.trim().is_empty() {
        bail!("--username must not be empty");
    }
    let (password, generated) = if password_stdin {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        let password = text.trim_end_matches(['\r', '\n']).to_owned();
        if password.chars().count() < 10 {
            bail!("the password must have at least 10 characters");
        }
        (password, false)
    } else {
        (new_password(), true)
    };
    let user = services
        .db
        .create_user(username, &password, role, desk, generated)
        .await?;
    println!(
        "created {} '{}' (desk: {})",
        role.as_str(),
        user.username,
        desk.map_or("both", Desk::as_str)
    );
    if generated {
        println!("password (shown only now):");
        println!("{password}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `vocweek partner add`.
pub async fn add_partner(services: &Services, name: &str) -> anyhow::Result<ExitCode> {
    if name.trim().is_empty() {
        bail!("--name must not be empty");
    }
    let (partner, key) = services.db.create_partner(name).await?;
    println!("created partner '{}' (id {})", partner.name, partner.id);
    println!("API key (shown only now):");
    println!("{key}");
    Ok(ExitCode::SUCCESS)
}

use std::io::Read;
use std::process::ExitCode;

use anyhow::bail;
use vocweek_db::passwords::{Account, check_new_password};
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
        let password = password_from_stdin()?;
        if let Err(refusal) = check_new_password(username, &password) {
            bail!("{}", refusal.explanation());
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

/// `vocweek user password`: a generated one-time password, printed once, which the user must
/// change at the next sign-in; or, with `--password-stdin`, the operator's choice (the same
/// rule as everywhere), kept as it is. Either way every session of the user ends.
pub async fn set_password(
    services: &Services,
    username: &str,
    password_stdin: bool,
) -> anyhow::Result<ExitCode> {
    let (password, generated) = if password_stdin {
        (password_from_stdin()?, false)
    } else {
        (new_password(), true)
    };
    let changed = match services
        .db
        .change_password(Account::Username(username), &password, generated)
        .await?
    {
        Ok(changed) => changed,
        Err(refusal) => bail!("{}", refusal.explanation()),
    };
    println!(
        "changed the password of '{}'; ended {} session(s)",
        changed.username, changed.sessions_ended
    );
    if generated {
        println!("one-time password (shown only now; to be changed at the next sign-in):");
        println!("{password}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The password piped in, without the line ending `echo` or a here-string adds.
fn password_from_stdin() -> anyhow::Result<String> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    Ok(text.trim_end_matches(['\r', '\n']).to_owned())
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

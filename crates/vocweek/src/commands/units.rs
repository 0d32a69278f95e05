use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use vocweek_domain::UnitKind;

use crate::app::Services;

/// Checks a unit's kind and city; the errors list the allowed values.
fn checked(services: &Services, kind: &str, city: &str) -> anyhow::Result<(UnitKind, String)> {
    let kind = UnitKind::parse(kind).map_err(with_allowed)?;
    let city = services
        .ingestor
        .campaign()
        .vocabulary
        .check_city(city)
        .map_err(with_allowed)?;
    Ok((kind, city))
}

fn with_allowed(err: vocweek_domain::DomainError) -> anyhow::Error {
    match &err {
        vocweek_domain::DomainError::UnknownValue { allowed, .. } => {
            anyhow::anyhow!("{err} (allowed: {})", allowed.join(", "))
        }
        _ => anyhow::anyhow!("{err}"),
    }
}

/// `vocweek unit add`.
pub async fn add(
    services: &Services,
    name: &str,
    kind: &str,
    city: &str,
) -> anyhow::Result<ExitCode> {
    if name.trim().is_empty() {
        bail!("--name must not be empty");
    }
    let (kind, city) = checked(services, kind, city)?;
    let (unit, token) = services.db.create_unit(name, kind, &city).await?;
    println!(
        "created unit {} '{}' ({}, city {}, desk {})",
        unit.id,
        unit.name,
        unit.kind.as_str(),
        unit.city,
        unit.desk.as_str()
    );
    println!("upload token (shown only now):");
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}

/// `vocweek unit import FILE.csv`: creates what it can, reports every bad row, and exits
/// non-zero when any row failed. Standard output gets `name,token` for each created unit.
pub async fn import(services: &Services, file: &Path) -> anyhow::Result<ExitCode> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .with_context(|| format!("{} is not valid CSV", file.display()))?;
    let is_header = |row: &csv::StringRecord| {
        row.get(0).is_some_and(|c| c.eq_ignore_ascii_case("name"))
            && row.get(1).is_some_and(|c| c.eq_ignore_ascii_case("kind"))
    };
    let skip = usize::from(rows.first().is_some_and(is_header));
    let progress = ProgressBar::new((rows.len() - skip) as u64);
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} units {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut failed = 0usize;
    let mut created = Vec::new();
    for (index, row) in rows.iter().enumerate().skip(skip) {
        let line = index + 1;
        let result = import_row(services, row).await;
        match result {
            Ok((name, token)) => created.push((name, token)),
            Err(err) => {
                failed += 1;
                progress.suspend(|| eprintln!("row {line}: {err:#}"));
            }
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    eprintln!("{} units created, {failed} rows failed", created.len());
    println!("name,token");
    for (name, token) in created {
        println!("{},{token}", csv_field(&name));
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

async fn import_row(
    services: &Services,
    row: &csv::StringRecord,
) -> anyhow::Result<(String, String)> {
    if row.len() != 3 {
        bail!("expected 3 columns (name,kind,city), found {}", row.len());
    }
    let (name, kind, city) = (&row[0], &row[1], &row[2]);
    if name.is_empty() {
        bail!("the name is empty");
    }
    let (kind, city) = checked(services, kind, city)?;
    let (unit, token) = services.db.create_unit(name, kind, &city).await?;
    Ok((unit.name, token))
}

fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// `vocweek unit list`.
pub async fn list(services: &Services) -> anyhow::Result<ExitCode> {
    println!(
        "{:>5}  {:<32} {:<28} {:<10} {:<4} tokens",
        "id", "name", "kind", "city", "desk"
    );
    for unit in services.db.units().await? {
        let tokens = services.db.live_token_prefixes(unit.id).await?;
        println!(
            "{:>5}  {:<32} {:<28} {:<10} {:<4} {}",
            unit.id,
            unit.name,
            unit.kind.as_str(),
            unit.city,
            unit.desk.as_str(),
            if tokens.is_empty() {
                "-".to_owned()
            } else {
                tokens.join(" ")
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `vocweek token revoke`.
pub async fn revoke(
    services: &Services,
    token: Option<&str>,
    unit: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let revoked = match (token, unit) {
        (_, Some(name)) => {
            let unit = services
                .db
                .unit_by_name(name)
                .await?
                .with_context(|| format!("no unit named '{name}'"))?;
            services.db.revoke_unit_tokens(unit.id).await?
        }
        (Some(token), None) => services.db.revoke_token(token).await?,
        (None, None) => bail!("give a token (or its prefix) or --unit NAME"),
    };
    if revoked == 0 {
        eprintln!("no live token matched");
        return Ok(ExitCode::from(1));
    }
    println!("revoked {revoked} token(s)");
    Ok(ExitCode::SUCCESS)
}

/// `vocweek token issue --unit NAME`.
pub async fn issue(services: &Services, name: &str) -> anyhow::Result<ExitCode> {
    let unit = services
        .db
        .unit_by_name(name)
        .await?
        .with_context(|| format!("no unit named '{name}'"))?;
    let token = services.db.issue_unit_token(unit.id).await?;
    println!("new upload token for '{}' (shown only now):", unit.name);
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}

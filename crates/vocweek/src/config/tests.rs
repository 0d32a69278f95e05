//! Loading: the environment over the file over the defaults, mistakes refused, the link
//! settings, and database passwords kept out of the log.

use super::*;

#[test]
fn environment_overrides_the_file_which_overrides_defaults() {
    let dir = std::env::temp_dir().join(format!("vocweek-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("vocweek.toml");
    std::fs::write(
        &file,
        "listen = \"0.0.0.0:9000\"\n[limits]\nphoto = \"10MB\"\n[workers]\nconcurrency = 3\n",
    )
    .unwrap();
    let env = |name: &str| match name {
        "VOCWEEK_LISTEN" => Some("127.0.0.1:7000".to_owned()),
        "VOCWEEK_WORKERS_IN_PROCESS" => Some("false".to_owned()),
        _ => None,
    };
    let config = Config::load(Some(&file), env).unwrap();
    assert_eq!(config.listen, "127.0.0.1:7000");
    assert_eq!(config.upload_limits().unwrap().photo, 10_000_000);
    assert_eq!(config.upload_limits().unwrap().video, 20_000_000_000);
    assert_eq!(config.workers.concurrency, 3);
    assert!(!config.workers.in_process);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn mistakes_are_reported() {
    let dir = std::env::temp_dir().join(format!("vocweek-config-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("vocweek.toml");
    std::fs::write(&file, "listne = \"x\"\n").unwrap();
    assert!(Config::load(Some(&file), |_| None).is_err());
    let env = |name: &str| (name == "VOCWEEK_WORKERS_CONCURRENCY").then(|| "many".to_owned());
    assert!(Config::load(None, env).is_err());
    let env = |name: &str| (name == "VOCWEEK_DATABASE_URL").then(|| "mysql://x".to_owned());
    assert!(Config::load(None, env).is_err());
    assert!(Config::load(Some(&dir.join("missing.toml")), |_| None).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn links_follow_public_url_and_trusted_proxies() {
    let env = |name: &str| match name {
        "VOCWEEK_PUBLIC_URL" => Some("https://vocweek.example.gov.cn/".to_owned()),
        "VOCWEEK_TRUSTED_PROXIES" => Some(" 10.0.0.0/8, ,::1 ".to_owned()),
        _ => None,
    };
    let config = Config::load(None, env).unwrap();
    assert_eq!(config.trusted_proxies, ["10.0.0.0/8", "::1"]);
    let origin = config.public_origin().unwrap();
    assert_eq!(
        origin.public_url().unwrap().to_string(),
        "https://vocweek.example.gov.cn"
    );
    // Docker passes unset settings as empty variables: no URL, no proxies.
    let empty = |name: &str| {
        matches!(name, "VOCWEEK_PUBLIC_URL" | "VOCWEEK_TRUSTED_PROXIES").then(String::new)
    };
    let config = Config::load(None, empty).unwrap();
    assert!(config.trusted_proxies.is_empty());
    assert!(config.public_origin().unwrap().public_url().is_none());
    let bad_url =
        |name: &str| (name == "VOCWEEK_PUBLIC_URL").then(|| "https://x.example/app".to_owned());
    assert!(Config::load(None, bad_url).is_err());
    let bad_proxy =
        |name: &str| (name == "VOCWEEK_TRUSTED_PROXIES").then(|| "proxy.example".to_owned());
    assert!(Config::load(None, bad_proxy).is_err());
}

#[test]
fn passwords_never_reach_the_log() {
    assert_eq!(
        redact_url("postgres://vocweek:s3cret@db:5432/vocweek"),
        "postgres://vocweek:***@db:5432/vocweek"
    );
    assert_eq!(redact_url("sqlite://./x.db"), "sqlite://./x.db");
}

//! Loading: the environment over the file over the defaults, mistakes refused (by the section
//! that owns the key, naming it), sizes, the link settings, and secrets kept out of the log.

use secrecy::ExposeSecret;
use vocweek_domain::ByteSize;

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
    assert_eq!(config.limits.photo, 10_000_000);
    assert_eq!(config.limits.video, 20_000_000_000);
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
fn each_section_refuses_what_cannot_work_naming_the_key() {
    let refusal = |variable: &'static str, value: &'static str| {
        let env = move |name: &str| (name == variable).then(|| value.to_owned());
        format!("{:#}", Config::load(None, env).unwrap_err())
    };
    assert!(refusal("VOCWEEK_VIDEO_CRF", "60").contains("video.crf"));
    assert!(refusal("VOCWEEK_PHOTOS_SIMILAR_DISTANCE", "9").contains("photos.similar_distance"));
    assert!(refusal("VOCWEEK_WORKERS_MAX_ATTEMPTS", "0").contains("workers.max_attempts"));
    assert!(refusal("VOCWEEK_STORAGE_BACKEND", "tape").contains("storage.backend"));
    assert!(refusal("VOCWEEK_LIMITS_PHOTO", "lots").contains("limits.photo"));
    assert!(refusal("VOCWEEK_MAIL_SECURITY", "ssl").contains("mail.security"));
    assert!(refusal("VOCWEEK_LIVE_MAX_CHANNELS", "0").contains("live.max_channels"));
    assert!(refusal("VOCWEEK_LIVE_RTMP_LISTEN", "anywhere").contains("live.rtmp_listen"));
    // Mail switched on without a server or a sender.
    assert!(refusal("VOCWEEK_MAIL_ENABLED", "true").contains("mail.smtp_host"));
}

#[test]
fn chunked_transcodes_take_whole_segments_and_at_most_an_hour() {
    let dir = std::env::temp_dir().join(format!("vocweek-config-chunks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("vocweek.toml");
    let refusal = |text: &str| {
        std::fs::write(&file, text).unwrap();
        format!("{:#}", Config::load(Some(&file), |_| None).unwrap_err())
    };
    let error = refusal("[video]\nsegment_seconds = 6\nchunk_seconds = 10\n");
    assert!(
        error.contains("video.chunk_seconds") && error.contains("(12)"),
        "{error}"
    );
    let error = refusal("[video]\nchunk_seconds = 3601\n");
    assert!(error.contains("video.chunk_seconds"), "{error}");
    let error = refusal("[video]\nchunk_above_seconds = 30\nchunk_seconds = 60\n");
    assert!(error.contains("video.chunk_above_seconds"), "{error}");
    std::fs::write(
        &file,
        "[video]\nchunk_above_seconds = 0\nchunk_seconds = 12\n",
    )
    .unwrap();
    let config = Config::load(Some(&file), |_| None).unwrap();
    let settings = config.video.settings(&config.photos);
    assert_eq!(
        (settings.chunk_above_seconds, settings.chunk_seconds),
        (0, 12)
    );
    // The defaults the README documents.
    let defaults = Config::default().video;
    assert_eq!(
        (defaults.chunk_above_seconds, defaults.chunk_seconds),
        (1200, 120)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sizes_are_text_with_a_unit_or_a_number_of_bytes() {
    let dir = std::env::temp_dir().join(format!("vocweek-config-sizes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("vocweek.toml");
    std::fs::write(
        &file,
        "[photos]\nmax_metadata = 1048576\n[storage.s3]\npart_size = \"8MiB\"\n",
    )
    .unwrap();
    let config = Config::load(Some(&file), |_| None).unwrap();
    assert_eq!(config.photos.max_metadata, ByteSize::mib(1));
    assert_eq!(config.storage.s3.part_size, ByteSize::mib(8));
    std::fs::write(&file, "[media]\nphoto_memory = \"lots\"\n").unwrap();
    let error = format!("{:#}", Config::load(Some(&file), |_| None).unwrap_err());
    assert!(error.contains("media.photo_memory"), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sizes_keep_the_defaults_the_readme_documents() {
    let config = Config::default();
    let size = |text: &str| text.parse::<ByteSize>().unwrap();
    assert_eq!(config.limits.photo, size("50MB").as_u64());
    assert_eq!(config.limits.video, size("20GB").as_u64());
    assert_eq!(config.limits.article, size("50MB").as_u64());
    assert_eq!(config.storage.s3.part_size, size("16MiB"));
    assert_eq!(config.photos.decode_budget, size("2GiB"));
    assert_eq!(config.photos.max_decoded, size("1024MiB"));
    assert_eq!(config.photos.max_metadata, size("4MiB"));
    let articles = &config.articles;
    assert_eq!(articles.max_inflated, size("256MiB"));
    assert_eq!(articles.max_pdf_inflated, size("256MiB"));
    assert_eq!(articles.max_extracted_text, size("16MiB"));
    assert_eq!(articles.max_image, size("50MiB"));
    let media = &config.media;
    assert_eq!(media.photo_memory, size("1536MiB"));
    assert_eq!(media.article_memory, size("1024MiB"));
    assert_eq!(media.video_memory, size("3072MiB"));
    assert_eq!(media.photo_max_output_file, size("256MiB"));
    assert_eq!(media.article_max_output_file, size("256MiB"));
    assert_eq!(media.video_max_output_file, size("65536MiB"));
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
fn live_channels_are_off_unless_a_listen_address_is_given() {
    let config = Config::load(None, |_| None).unwrap();
    assert!(config.live.settings().unwrap().rtmp_listen.is_none());
    // Docker passes unset settings as empty variables: still off.
    let empty = |name: &str| (name == "VOCWEEK_LIVE_RTMP_LISTEN").then(String::new);
    let config = Config::load(None, empty).unwrap();
    assert!(config.live.settings().unwrap().rtmp_listen.is_none());
    // docker/compose.yaml's API nodes.
    let env = |name: &str| match name {
        "VOCWEEK_LIVE_RTMP_LISTEN" => Some("0.0.0.0:1935".to_owned()),
        "VOCWEEK_LIVE_WINDOW_SEGMENTS" => Some("10".to_owned()),
        _ => None,
    };
    let live = Config::load(None, env).unwrap().live.settings().unwrap();
    assert_eq!(live.rtmp_listen.map(|address| address.port()), Some(1935));
    assert_eq!(live.live_window_segments, 10);
}

#[test]
fn passwords_never_reach_the_log() {
    assert_eq!(
        redact_url("postgres://vocweek:s3cret@db:5432/vocweek"),
        "postgres://vocweek:***@db:5432/vocweek"
    );
    assert_eq!(redact_url("sqlite://./x.db"), "sqlite://./x.db");
    // A logged configuration (`{:?}`) shows neither the database password nor the S3 secret
    // key, from whichever layer they came; the code that connects still reads both.
    let env = |name: &str| match name {
        "VOCWEEK_DATABASE_URL" => Some("postgres://vocweek:s3cret@db:5432/vocweek".to_owned()),
        "VOCWEEK_STORAGE_S3_SECRET_ACCESS_KEY" => Some("wJalrXUtnFEMIK7MDENG".to_owned()),
        "VOCWEEK_MAIL_PASSWORD" => Some("smtp-pa55word".to_owned()),
        "VOCWEEK_MAIL_USERNAME" => Some("vocweek".to_owned()),
        _ => None,
    };
    let config = Config::load(None, env).unwrap();
    let logged = format!("{config:?}");
    assert!(!logged.contains("s3cret"), "{logged}");
    assert!(!logged.contains("wJalrXUtnFEMIK7MDENG"), "{logged}");
    assert!(!logged.contains("smtp-pa55word"), "{logged}");
    assert_eq!(
        config.database_url().expose_secret(),
        "postgres://vocweek:s3cret@db:5432/vocweek"
    );
    assert_eq!(
        config.storage.s3.secret_access_key.expose_secret(),
        "wJalrXUtnFEMIK7MDENG"
    );
}

#[test]
fn an_error_names_the_setting_and_where_it_came_from() {
    let env = |name: &str| (name == "VOCWEEK_PHOTOS_SIMILAR_DISTANCE").then(|| "-1".to_owned());
    let error = format!("{:#}", Config::load(None, env).unwrap_err());
    assert!(error.contains("photos.similar_distance"), "{error}");
    assert!(error.contains("VOCWEEK_PHOTOS_SIMILAR_DISTANCE"), "{error}");
}

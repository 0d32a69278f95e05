//! Queue page latency at scale: seeds 100,000 items (SQL, on the database the server uses),
//! signs in through the login form, then times the queue page and the JSON listing under
//! several filters and prints p50/p95 per variant.
//!
//! Usage: `queue-latency BASE_URL DATABASE_URL USERNAME PASSWORD [REQUESTS]`

use std::process::ExitCode;
use std::time::{Duration, Instant};

use vocweek_db::testing::{count, execute, insert_assets_from};
use vocweek_db::{Db, DbBackendKind};

const ITEMS: u32 = 100_000;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 4 {
        eprintln!("usage: queue-latency BASE_URL DATABASE_URL USERNAME PASSWORD [REQUESTS]");
        return ExitCode::from(2);
    }
    let requests: usize = args.get(4).and_then(|n| n.parse().ok()).unwrap_or(200);
    match run(&args[0], &args[1], &args[2], &args[3], requests).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("queue-latency: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(
    base: &str,
    url: &str,
    username: &str,
    password: &str,
    requests: usize,
) -> Result<(), String> {
    let db = Db::connect(url, 2).await.map_err(|e| e.to_string())?;
    seed(&db).await?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    // The form works only with the login CSRF cookie and token of a page loaded first.
    let form = client
        .get(format!("{base}/login"))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let presession = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next())
        .find(|pair| pair.starts_with("vw_login="))
        .ok_or("the login page set no vw_login cookie")?
        .to_owned();
    let html = form.text().await.map_err(|e| e.to_string())?;
    let marker = "name=\"csrf\" value=\"";
    let token: String = html
        .split_once(marker)
        .map(|(_, rest)| rest.chars().take_while(|c| *c != '"').collect())
        .ok_or("the login page has no CSRF token")?;
    let login = client
        .post(format!("{base}/login"))
        .header("cookie", presession)
        .form(&[
            ("username", username),
            ("password", password),
            ("next", "/queue"),
            ("csrf", token.as_str()),
        ])
        .send()
        .await
        .map_err(|e| e.to_string())?;
    // A refused form is shown again with a login cookie: only a session cookie is a sign-in.
    let cookie = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next())
        .find(|pair| pair.starts_with("vw_session="))
        .ok_or("sign-in failed")?
        .to_owned();
    let variants = [
        ("queue page, pending", "/queue"),
        ("queue page, city", "/queue?city=qingdao"),
        ("queue page, day", "/queue?day=2021-05-25"),
        ("queue page, title", "/queue?q=%E6%8A%80%E8%83%BD"),
        ("queue page, approved", "/queue?state=approved"),
        ("JSON list, 50", "/api/v1/assets?limit=50"),
        (
            "JSON list, theme",
            "/api/v1/assets?theme=labor_spirit&limit=50",
        ),
    ];
    println!(
        "{:<24} {:>9} {:>9} {:>9}",
        "variant", "p50 ms", "p95 ms", "max ms"
    );
    for (name, path) in variants {
        let mut times = Vec::with_capacity(requests);
        for _ in 0..requests {
            let started = Instant::now();
            let response = client
                .get(format!("{base}{path}"))
                .header("cookie", &cookie)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !response.status().is_success() {
                return Err(format!("{path} answered {}", response.status()));
            }
            response.bytes().await.map_err(|e| e.to_string())?;
            times.push(started.elapsed());
        }
        times.sort();
        let at = |q: f64| {
            ms(times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1])
        };
        println!(
            "{name:<24} {:>9.1} {:>9.1} {:>9.1}",
            at(0.50),
            at(0.95),
            at(1.0)
        );
    }
    Ok(())
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// 100,000 edu-desk photos over 7 days, 16 cities and all states, a fifth with a theme.
async fn seed(db: &Db) -> Result<(), String> {
    let existing = count(db, "assets WHERE id LIKE 'seed-%'")
        .await
        .map_err(|e| e.to_string())?;
    if existing >= i64::from(ITEMS) {
        return Ok(());
    }
    let (series, id, hash, pick) = match db.backend() {
        DbBackendKind::Postgres => (
            format!("SELECT g AS n FROM generate_series(1, {ITEMS}) AS g"),
            "'seed-' || lpad(n::text, 8, '0')",
            "lpad(n::text, 64, 'a')",
            "(ARRAY['jinan','qingdao','zibo','zaozhuang','dongying','yantai','weifang','jining','taian','weihai','rizhao','linyi','dezhou','liaocheng','binzhou','heze'])[1 + n % 16]",
        ),
        DbBackendKind::Sqlite => (
            format!(
                "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {ITEMS}) SELECT n FROM s"
            ),
            "'seed-' || printf('%08d', n)",
            "printf('%064d', n)",
            "CASE n % 16 WHEN 0 THEN 'jinan' WHEN 1 THEN 'qingdao' WHEN 2 THEN 'zibo' WHEN 3 THEN 'zaozhuang' WHEN 4 THEN 'dongying' WHEN 5 THEN 'yantai' WHEN 6 THEN 'weifang' WHEN 7 THEN 'jining' WHEN 8 THEN 'taian' WHEN 9 THEN 'weihai' WHEN 10 THEN 'rizhao' WHEN 11 THEN 'linyi' WHEN 12 THEN 'dezhou' WHEN 13 THEN 'liaocheng' WHEN 14 THEN 'binzhou' ELSE 'heze' END",
        ),
    };
    let day = match db.backend() {
        DbBackendKind::Postgres => "(DATE '2021-05-22' + (n % 7))",
        DbBackendKind::Sqlite => "date('2021-05-22', '+' || (n % 7) || ' days')",
    };
    let state = "CASE WHEN n % 10 < 6 THEN 'pending_review' WHEN n % 10 < 8 THEN 'approved' WHEN n % 10 = 8 THEN 'rejected' ELSE 'recommended' END";
    let now = "'2021-05-28 00:00:00+00:00'";
    // The columns of `vocweek_db::testing::ASSET_COLUMNS`, in its order.
    let select = format!(
        "SELECT {id}, (SELECT MIN(id) FROM campaigns), (SELECT MIN(id) FROM units), 'edu', 'photo', {state}, {hash}, 1000, \
         'image/jpeg', 'p.jpg', CASE WHEN n % 3 = 0 THEN '技能展示 ' || n ELSE '活动照片 ' || n END, '', {pick}, {day}, \
         '{{}}', 2, {now}, {now} FROM ({series}) AS numbers"
    );
    insert_assets_from(db, &select)
        .await
        .map_err(|e| e.to_string())?;
    execute(
        db,
        "INSERT INTO asset_themes (asset_id, theme) SELECT id, 'labor_spirit' FROM assets \
         WHERE id LIKE 'seed-%' AND substr(id, 13, 1) IN ('0', '5')",
    )
    .await
    .map_err(|e| e.to_string())?;
    // What autovacuum does within a minute of such a load in a running PostgreSQL: without
    // statistics the planner joins all 20,000 themed rows before sorting (50 ms) instead of
    // merging the id index with the (theme, asset_id) index (under 1 ms). Measuring the
    // minute after a bulk load would measure the missing statistics, not the queue.
    if db.backend() == DbBackendKind::Postgres {
        execute(db, "ANALYZE assets, asset_themes")
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

//! `vocweek campaign`: next year's week created and activated from the command line, from
//! flags (a copy of a vocabulary) or from a campaign data file, with its mistakes refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::{Env, stderr};

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn campaign_commands(postgres: bool) {
    let env = Env::new(postgres).await;
    let out = env.run(&["campaign", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("* shandong-2021\t2021"),
        "{}",
        stdout(&out)
    );

    let flags = [
        "campaign",
        "create",
        "--slug",
        "shandong-2022",
        "--year",
        "2022",
        "--name-zh",
        "山东省2022年职业教育活动周",
        "--name-en",
        "Shandong 2022",
        "--theme-zh",
        "技能：让生活更美好",
        "--theme-en",
        "Skills make life better",
        "--starts-on",
        "2022-05-08",
        "--ends-on",
        "2022-05-14",
        "--plan-due-on",
        "2022-05-06",
        "--report-due-on",
        "2022-05-25",
    ];
    let out = env.run(&flags);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("vocweek campaign activate shandong-2022"));
    let out = env.run(&flags);
    assert!(!out.status.success(), "the slug is taken");
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));

    let mut late_plan = flags.to_vec();
    late_plan[3] = "shandong-2023";
    late_plan[19] = "2022-06-01";
    let out = env.run(&late_plan);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("plan_due_on"), "{}", stderr(&out));
    let out = env.run(&["campaign", "create", "--slug", "x"]);
    assert!(!out.status.success(), "flags are required without --file");

    // A data file brings its own vocabulary (here: the shipped one with a new header).
    let shipped = include_str!("../../vocweek-domain/vocabularies/shandong-2021.toml");
    let file = env.data_dir.join("shandong-2024.toml");
    let renamed = shipped
        .replacen("slug = \"shandong-2021\"", "slug = \"shandong-2024\"", 1)
        .replacen("year = 2021", "year = 2024", 1);
    // 2024's week with 2021's dates is a mistake, caught.
    std::fs::write(&file, &renamed).unwrap();
    let out = env.run(&["campaign", "create", "--file", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("dates"), "{}", stderr(&out));
    std::fs::write(&file, renamed.replace("\"2021-", "\"2024-")).unwrap();
    let out = env.run(&["campaign", "create", "--file", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));

    let out = env.run(&["campaign", "activate", "shandong-2022"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = env.run(&["campaign", "list"]);
    let listing = stdout(&out);
    assert!(listing.contains("* shandong-2022\t2022"), "{listing}");
    assert!(listing.contains("  shandong-2021\t2021"), "{listing}");
    assert!(listing.contains("  shandong-2024\t2024"), "{listing}");
    let out = env.run(&["campaign", "activate", "shandong-1999"]);
    assert!(!out.status.success());
}

#[tokio::test]
async fn sqlite_campaign_commands() {
    campaign_commands(false).await;
}

#[tokio::test]
async fn postgres_campaign_commands() {
    campaign_commands(true).await;
}

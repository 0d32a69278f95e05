//! The `vocweek` binary as an operator uses it, on SQLite (a data directory) and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use support::{Env, last_line, stderr};

async fn operator_commands(postgres: bool) {
    let env = Env::new(postgres).await;

    let out = env.run(&[
        "unit",
        "add",
        "--name",
        "山东商业职业技术学院",
        "--kind",
        "higher_vocational_college",
        "--city",
        "jinan",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let token = last_line(&out);
    assert!(
        token.starts_with("vwu_") && token.len() == 68,
        "token alone on the last line: {token}"
    );

    let out = env.run(&[
        "unit", "add", "--name", "x", "--kind", "ministry", "--city", "jinan",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("city_bureau"),
        "the error lists the kinds: {}",
        stderr(&out)
    );
    let out = env.run(&[
        "unit",
        "add",
        "--name",
        "x",
        "--kind",
        "city_bureau",
        "--city",
        "beijing",
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("heze"),
        "the error lists the cities: {}",
        stderr(&out)
    );
    let out = env.run(&[
        "unit",
        "add",
        "--name",
        "山东商业职业技术学院",
        "--kind",
        "city_bureau",
        "--city",
        "jinan",
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));

    let csv = env.data_dir.join("units.csv");
    std::fs::write(
        &csv,
        "name,kind,city\n青岛市教育局,city_bureau,qingdao\n省技师学院,technical_college,province\n\
         错误城市,city_bureau,beijing\n少一列,city_bureau\n青岛市教育局,city_bureau,qingdao\n",
    )
    .unwrap();
    let out = env.run(&["unit", "import", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "some rows failed");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        stdout.lines().count(),
        3,
        "header + two created units: {stdout}"
    );
    assert!(stdout.contains("青岛市教育局,vwu_") && stdout.contains("省技师学院,vwu_"));
    let errors = stderr(&out);
    for row in ["row 4:", "row 5:", "row 6:"] {
        assert!(errors.contains(row), "{row} reported: {errors}");
    }

    let out = env.run(&["unit", "list"]);
    let listing = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        listing.contains("technical_college") && listing.contains(" hr "),
        "{listing}"
    );
    assert!(listing.contains(&token[..12]));

    let out = env.run(&["user", "add", "--username", "editor1", "--role", "editor"]);
    assert!(!out.status.success(), "an editor needs a desk");
    let out = env.run(&[
        "user",
        "add",
        "--username",
        "editor1",
        "--role",
        "editor",
        "--desk",
        "edu",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        last_line(&out).len(),
        20,
        "generated password alone on the last line"
    );
    let mut child = env
        .command(&[
            "user",
            "add",
            "--username",
            "hr1",
            "--role",
            "editor",
            "--desk",
            "hr",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a chosen long password\n")
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());

    let out = env.run(&["partner", "add", "--name", "大众网"]);
    assert!(out.status.success());
    assert!(last_line(&out).starts_with("vwp_"));

    // The service: first start creates the admin and prints its one-time password.
    let mut serve = env.spawn_serve();
    let (address, printed) = serve.address();
    let password = printed
        .iter()
        .find_map(|l| {
            l.trim()
                .strip_prefix("one-time password (shown only now): ")
        })
        .expect("the admin password is printed")
        .to_owned();
    let client = reqwest::Client::new();
    let signed_in = client
        .post(format!("{address}/api/v1/session"))
        .json(&serde_json::json!({ "username": "admin", "password": password }))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    // Any JPEG-signed bytes do for the upload path; the photo corpus is not needed here.
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
    jpeg.extend((0..200_000u32).map(|i| (i % 251) as u8));
    let upload = |token: String| {
        let form = reqwest::multipart::Form::new()
            .text("title", "活动周开幕")
            .part(
                "file",
                reqwest::multipart::Part::bytes(jpeg.clone()).file_name("jolla.jpg"),
            );
        client
            .post(format!("{address}/api/v1/assets"))
            .bearer_auth(token)
            .multipart(form)
            .send()
    };
    assert_eq!(
        upload(token.clone()).await.unwrap().status(),
        201,
        "the CLI's token uploads"
    );

    let out = env.run(&["token", "revoke", &token[..12]]);
    assert!(out.status.success(), "{}", stderr(&out));
    let refused = upload(token.clone()).await.unwrap();
    assert_eq!(refused.status(), 401);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "token-revoked");
    let out = env.run(&["token", "issue", "--unit", "山东商业职业技术学院"]);
    let fresh = last_line(&out);
    assert_eq!(
        upload(fresh).await.unwrap().status(),
        200,
        "same bytes: a duplicate"
    );

    drop(serve);
    // A second start keeps the admin: no new password.
    let mut again = env.spawn_serve();
    let mut lines = BufReader::new(again.0.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.starts_with("vocweek is serving on "), "{first}");
}

#[tokio::test]
async fn sqlite_operator_commands() {
    operator_commands(false).await;
}

#[tokio::test]
async fn postgres_operator_commands() {
    operator_commands(true).await;
}

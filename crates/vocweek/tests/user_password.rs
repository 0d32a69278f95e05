//! `vocweek user password` as an operator uses it, against a running `vocweek serve`: a
//! generated one-time password ends the user's sessions and must be changed at the next
//! sign-in; a piped one follows the password rule and is kept; an unknown user is an error.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::Write;
use std::process::{Output, Stdio};

use serde_json::{Value, json};
use support::{Env, last_line, stderr};

const USERNAME: &str = "provincial-editor";

/// Runs `vocweek ARGS` with `input` on its standard input.
fn run_with_stdin(env: &Env, args: &[&str], input: &str) -> Output {
    let mut child = env
        .command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// `POST /api/v1/session`: the status and the token (empty when refused).
async fn sign_in(client: &reqwest::Client, address: &str, password: &str) -> (u16, String) {
    let response = client
        .post(format!("{address}/api/v1/session"))
        .json(&json!({ "username": USERNAME, "password": password }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (
        status,
        body["token"].as_str().unwrap_or_default().to_owned(),
    )
}

/// `GET /api/v1/assets` with `token`: the status and the error code (empty on success).
async fn list(client: &reqwest::Client, address: &str, token: &str) -> (u16, String) {
    let response = client
        .get(format!("{address}/api/v1/assets"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let code = body["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (status, code)
}

async fn user_password(postgres: bool) {
    let env = Env::new(postgres).await;
    let first = "the operator's first password";
    let out = run_with_stdin(
        &env,
        &[
            "user",
            "add",
            "--username",
            USERNAME,
            "--role",
            "editor",
            "--desk",
            "edu",
            "--password-stdin",
        ],
        &format!("{first}\n"),
    );
    assert!(out.status.success(), "{}", stderr(&out));

    let mut serve = env.spawn_serve();
    let (address, _) = serve.address();
    let client = reqwest::Client::new();
    let (status, before) = sign_in(&client, &address, first).await;
    assert_eq!(status, 200);
    assert_eq!(list(&client, &address, &before).await.0, 200);

    // Generated: printed once, alone on the last line; the session ends; it must be changed.
    let out = env.run(&["user", "password", "--username", USERNAME]);
    assert!(out.status.success(), "{}", stderr(&out));
    let generated = last_line(&out);
    assert_eq!(
        generated.chars().count(),
        20,
        "generated password alone on the last line"
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("ended 1 session(s)"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        list(&client, &address, &before).await,
        (401, "token-revoked".to_owned())
    );
    assert_eq!(sign_in(&client, &address, first).await.0, 401);
    let (status, reset) = sign_in(&client, &address, &generated).await;
    assert_eq!(status, 200);
    assert_eq!(
        list(&client, &address, &reset).await,
        (403, "password-change-required".to_owned())
    );

    // Piped: the rule refuses, and a refusal changes nothing.
    let same_again = format!("{generated}\n");
    for (input, why) in [
        ("short\n", "at least 10 characters"),
        ("PROVINCIAL-EDITOR\n", "must not be the username"),
        (same_again.as_str(), "must differ from the current one"),
    ] {
        let out = run_with_stdin(
            &env,
            &[
                "user",
                "password",
                "--username",
                USERNAME,
                "--password-stdin",
            ],
            input,
        );
        assert!(!out.status.success(), "{input:?} accepted");
        assert!(stderr(&out).contains(why), "{why}: {}", stderr(&out));
    }
    assert_eq!(
        list(&client, &address, &reset).await,
        (403, "password-change-required".to_owned()),
        "the refusals ended no session"
    );

    // Piped and accepted: sessions end, and the operator's choice need not be changed.
    let chosen = "the operator's second password";
    let out = run_with_stdin(
        &env,
        &[
            "user",
            "password",
            "--username",
            USERNAME,
            "--password-stdin",
        ],
        &format!("{chosen}\n"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(chosen),
        "a piped password is not echoed"
    );
    assert_eq!(list(&client, &address, &reset).await.0, 401);
    let (status, token) = sign_in(&client, &address, chosen).await;
    assert_eq!(status, 200);
    assert_eq!(list(&client, &address, &token).await.0, 200);

    let out = env.run(&["user", "password", "--username", "nobody"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not found"), "{}", stderr(&out));
    drop(serve);
}

#[tokio::test]
async fn sqlite_user_password() {
    user_password(false).await;
}

#[tokio::test]
async fn postgres_user_password() {
    user_password(true).await;
}

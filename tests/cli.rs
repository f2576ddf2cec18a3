//! The `steward` command line.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

use std::path::PathBuf;
use std::process::Command;

fn steward(dir: &PathBuf, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_steward"))
        .args(args)
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env("STEWARD_CONFIG_FILE", dir.join("config.json"))
        .output()
        .expect("run steward");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("steward-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

#[test]
fn users_demo_and_errors_from_an_empty_folder() {
    let dir = fresh_dir("users");
    let (ok, out, _) = steward(&dir, &["migrate"]);
    assert!(ok, "{out}");
    assert!(
        dir.join("data/steward.db").exists(),
        "default SQLite file under ./data/"
    );

    let (ok, _, err) = steward(
        &dir,
        &[
            "user",
            "new",
            "alice",
            "alice@example.com",
            "--password",
            "pw",
            "--admin",
        ],
    );
    assert!(ok, "{err}");
    let (ok, _, err) = steward(
        &dir,
        &[
            "user",
            "new",
            "alice",
            "other@example.com",
            "--password",
            "pw",
        ],
    );
    assert!(!ok);
    assert_eq!(err.trim(), "steward: nickname has already been taken");
    let (ok, _, err) = steward(
        &dir,
        &["user", "new", "relay", "r@example.com", "--password", "pw"],
    );
    assert!(!ok && err.contains("nickname is reserved"));
    let (ok, _, err) = steward(&dir, &["user", "new", "bob", "bob@example.com"]);
    assert!(!ok && err.contains("--password"));
    let (ok, _, err) = steward(
        &dir,
        &[
            "user",
            "set",
            "alice",
            "--no-admin",
            "--moderator",
            "--totp-secret",
            "JBSWY3DPEHPK3PXP",
        ],
    );
    assert!(ok, "{err}");
    let (ok, _, err) = steward(
        &dir,
        &["user", "set", "alice", "--totp-secret", "not base32!"],
    );
    assert!(!ok && err.contains("base32"));
    let (ok, _, err) = steward(&dir, &["user", "set", "nobody", "--admin"]);
    assert!(!ok && err.contains("nobody"));
    let (ok, _, err) = steward(&dir, &["frobnicate"]);
    assert!(!ok && err.contains("unknown command"));
    assert_eq!(
        err.lines().next().map(|l| l.starts_with("steward: ")),
        Some(true)
    );

    let (ok, out, err) = steward(&dir, &["demo"]);
    assert!(ok, "{err}");
    assert!(out.contains("demo_admin / demo-admin-password"), "{out}");
    let (ok, out, _) = steward(&dir, &["demo"]);
    assert!(ok);
    assert!(
        out.contains("0 accounts"),
        "second run creates nothing: {out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_database_url_is_one_clear_line() {
    let dir = fresh_dir("badurl");
    let out = Command::new(env!("CARGO_BIN_EXE_steward"))
        .arg("migrate")
        .current_dir(&dir)
        .env("DATABASE_URL", "mysql://nowhere/db")
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

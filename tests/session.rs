//! auth.md §6: the panel session (JSON API and the login page's form posts).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::{json, Value};
use steward::server::auth::totp;

async fn login(app: &TestApp, body: Value) -> (StatusCode, Option<String>, Value) {
    let resp = app
        .client
        .post(app.url("/api/steward/session"))
        .json(&body)
        .send()
        .await
        .expect("login");
    let status = resp.status();
    let cookie = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (status, cookie, resp.json().await.unwrap_or(json!(null)))
}

async fn json_session_lifecycle(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let (status, cookie, body) =
        login(&app, json!({"username": "root", "password": "pw-root"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let cookie = cookie.unwrap_or_default();
    assert!(cookie.starts_with("steward_session="));
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/")
    );
    assert!(!cookie.contains("Secure"), "plain http base URL");
    assert_eq!(body["account"]["pleroma"]["is_admin"], true);
    let csrf = body["csrf_token"].as_str().unwrap_or_default().to_string();
    assert!(!csrf.is_empty());
    let pair = cookie.split(';').next().unwrap_or_default().to_string();
    // The stored token is a digest, never the cookie value.
    let value = pair.trim_start_matches("steward_session=");
    let row = sqlx::query("SELECT COUNT(*) AS n FROM tokens WHERE token_hash = $1")
        .bind(value)
        .fetch_one(&app.state.db.pool)
        .await
        .expect("query");
    assert_eq!(steward::server::db::RowExt::int(&row, "n").unwrap_or(-1), 0);

    let resp = app
        .client
        .get(app.url("/api/steward/session"))
        .header("cookie", &pair)
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), StatusCode::OK);
    let again: Value = resp.json().await.unwrap_or(json!(null));
    assert_eq!(again["csrf_token"], json!(csrf));

    let resp = app
        .client
        .delete(app.url("/api/steward/session"))
        .header("cookie", &pair)
        .send()
        .await
        .expect("delete");
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert!(resp.headers()["set-cookie"]
        .to_str()
        .unwrap_or_default()
        .contains("Max-Age=0"));
    let resp = app
        .client
        .get(app.url("/api/steward/session"))
        .header("cookie", &pair)
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        resp.json::<Value>().await.unwrap_or(json!(null)),
        json!({"error": "Invalid credentials."})
    );
    // Logging out without a session is fine too.
    let resp = app
        .client
        .delete(app.url("/api/steward/session"))
        .send()
        .await
        .expect("delete");
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
}

async fn login_errors(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    app.user("plain", "pw-plain", false, false).await;
    let (status, _, body) = login(&app, json!({"password": "x"})).await;
    assert_eq!(
        (status, body["error"].clone()),
        (StatusCode::BAD_REQUEST, json!("Missing field: username."))
    );
    let (status, _, body) = login(&app, json!({"username": "root", "password": "bad"})).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "Invalid credentials"})
        )
    );
    let (status, _, body) = login(&app, json!({"username": "plain", "password": "pw-plain"})).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "User is not an admin."})
        )
    );
    app.sql("UPDATE accounts SET deactivated = TRUE WHERE nickname = 'root'")
        .await;
    let (status, _, body) = login(&app, json!({"username": "root", "password": "pw-root"})).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Your account is currently disabled", "identifier": "account_is_disabled"})
        )
    );
    // Wrong JSON types and malformed bodies are 400s.
    let (status, _, body) = login(&app, json!({"username": 1, "password": "x"})).await;
    assert_eq!(
        (status, body["error"].clone()),
        (
            StatusCode::BAD_REQUEST,
            json!("username - Invalid string. Got: integer.")
        )
    );
    let resp = app
        .client
        .post(app.url("/api/steward/session"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        resp.json::<Value>().await.unwrap_or(json!(null)),
        json!({"error": "Invalid JSON body."})
    );
}

async fn mfa_login(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let changes = steward::server::service::accounts::UserChanges {
        totp_secret: Some(Some("JBSWY3DPEHPK3PXP".into())),
        ..Default::default()
    };
    steward::server::service::accounts::update_user(
        &app.state.db,
        &app.state.site,
        "root",
        &changes,
    )
    .await
    .expect("mfa");
    let (status, _, body) = login(&app, json!({"username": "root", "password": "pw-root"})).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "mfa_required", "supported_challenge_types": "totp"})
        )
    );
    let code = totp::code_at(
        &totp::decode_base32("JBSWY3DPEHPK3PXP").unwrap_or_default(),
        chrono::Utc::now().timestamp(),
    )
    .unwrap_or_default();
    let wrong = if code == "123456" { "654321" } else { "123456" };
    let (status, _, body) = login(
        &app,
        json!({"username": "root", "password": "pw-root", "code": wrong}),
    )
    .await;
    assert_eq!(
        (status, body),
        (StatusCode::BAD_REQUEST, json!({"error": "Invalid code"}))
    );
    let (status, cookie, _) = login(
        &app,
        json!({"username": "root", "password": "pw-root", "code": code}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(cookie.is_some());
}

async fn form_login_and_logout(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    app.user("plain", "pw-plain", false, false).await;
    let post = |form: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/admin/login"))
                .form(&form)
                .send()
                .await
                .expect("post")
        }
    };
    let resp = post(vec![
        ("username", "root".into()),
        ("password", "bad".into()),
        ("next", "/admin/x".into()),
    ])
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        resp.headers()["location"],
        "/admin/login?error=invalid&next=%2Fadmin%2Fx"
    );
    let resp = post(vec![
        ("username", "plain".into()),
        ("password", "pw-plain".into()),
    ])
    .await;
    assert!(resp.headers()["location"]
        .to_str()
        .unwrap_or_default()
        .starts_with("/admin/login?error=not_staff"));
    let resp = post(vec![
        ("username", "root".into()),
        ("password", "pw-root".into()),
        ("next", "https://evil.example/".into()),
    ])
    .await;
    assert_eq!(resp.headers()["location"], "/admin/", "no open redirect");
    let cookie = resp.headers()["set-cookie"]
        .to_str()
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .to_string();

    // The panel renders for the session; logout needs the CSRF field.
    let page = app
        .client
        .get(app.url("/admin/"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap_or_default();
    assert!(html.contains("Dashboard"));
    let resp = app
        .client
        .post(app.url("/admin/logout"))
        .header("cookie", &cookie)
        .form(&[("csrf", "wrong")])
        .send()
        .await
        .expect("logout");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let (_, _, body) = login(&app, json!({"username": "root", "password": "pw-root"})).await;
    let _ = body;
    let session: Value = app
        .client
        .get(app.url("/api/steward/session"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("session")
        .json()
        .await
        .unwrap_or(json!(null));
    let csrf = session["csrf_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let resp = app
        .client
        .post(app.url("/admin/logout"))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("logout");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "/admin/login");
    let resp = app
        .client
        .get(app.url("/api/steward/session"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("session");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

async fn signed_out_panel_redirects_to_login(app: TestApp) {
    let resp = app
        .client
        .get(app.url("/admin/"))
        .header("accept", "text/html")
        .send()
        .await
        .expect("page");
    assert_eq!(resp.status(), StatusCode::FOUND);
    assert_eq!(resp.headers()["location"], "/admin/login?next=/admin");
    let resp = app
        .client
        .get(app.url("/admin/login?error=not_staff"))
        .send()
        .await
        .expect("login page");
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.unwrap_or_default();
    assert!(html.contains("This account is not an admin or moderator."));
    assert!(html.contains(r#"action="/admin/login""#));
}

async fn sessions_end_after_thirty_days(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let (_, cookie, _) = login(&app, json!({"username": "root", "password": "pw-root"})).await;
    let cookie = cookie.unwrap_or_default();
    assert!(cookie.contains(&format!("Max-Age={}", 30 * 24 * 3600)));
    let pair = cookie.split(';').next().unwrap_or_default().to_string();
    let row =
        sqlx::query("SELECT expires_at - created_at AS ttl FROM tokens WHERE kind = 'session'")
            .fetch_one(&app.state.db.pool)
            .await
            .expect("query");
    assert_eq!(
        steward::server::db::RowExt::int(&row, "ttl").unwrap_or(0),
        30 * 24 * 3600 * 1000
    );
    app.sql("UPDATE tokens SET expires_at = created_at - 1 WHERE kind = 'session'")
        .await;
    let resp = app
        .client
        .get(app.url("/api/steward/session"))
        .header("cookie", &pair)
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

backend_tests!(
    sessions_end_after_thirty_days,
    json_session_lifecycle,
    login_errors,
    mfa_login,
    form_login_and_logout,
    signed_out_panel_redirects_to_login
);

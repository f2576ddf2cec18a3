//! Passwords, MFA and email confirmation (users.md §5), the reset and confirmation pages and
//! "forgot password" (client-api.md §7), with the emails they send (users.md §7).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::mailbox;
use common::{Expect, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use steward::server::db::accounts::{self, NewAccount};
use steward::server::service::accounts::{update_user, UserChanges};

const P: &str = "/api/pleroma/admin";
const P1: &str = "/api/v1/pleroma/admin";
const INVALID_LINK: &str = "This link is invalid or has expired";

async fn admin(app: &TestApp) -> String {
    app.user("root", "pw-root", true, false).await;
    app.token("root", "pw-root", "read write follow admin")
        .await
}

async fn remote(app: &TestApp, nickname: &str) -> String {
    let mut tx = app.state.db.begin().await.unwrap();
    let id = accounts::insert(
        &mut tx,
        &app.state.site.base_url,
        &NewAccount {
            nickname: nickname.into(),
            domain: Some("remote.example".into()),
            email: Some(format!("{nickname}@remote.example")),
            ..NewAccount::default()
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn log(app: &TestApp, token: &str) -> Value {
    let (_, log) = app.get(&format!("{P}/moderation_log"), Some(token)).await;
    log
}

/// An HTML page: status and text.
async fn page(app: &TestApp, path: &str) -> (StatusCode, String) {
    let resp = app.client.get(app.url(path)).send().await.unwrap();
    (resp.status(), resp.text().await.unwrap())
}

async fn post_page(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let resp = app
        .client
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .unwrap();
    (resp.status(), resp.text().await.unwrap())
}

/// The password grant's answer for `nickname`/`password`.
async fn login(app: &TestApp, nickname: &str, password: &str) -> (StatusCode, Value) {
    let (id, secret) = app.app("read").await;
    app.post_form(
        "/oauth/token",
        &[
            ("grant_type", "password"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("username", nickname),
            ("password", password),
        ],
    )
    .await
}

async fn every_route_checks_access(app: TestApp) {
    app.user("alice", "pw", false, false).await;
    let write = || Expect {
        scope: "write:accounts",
        privilege: Some("users_manage_credentials"),
    };
    for path in [
        format!("{P}/users/alice/password_reset"),
        format!("{P1}/password_reset?nickname=alice"),
    ] {
        let (status, body) = app.assert_access(Method::GET, &path, None, write()).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert!(body["token"].is_string());
    }
    let (status, body) = app
        .assert_access(
            Method::PUT,
            &format!("{P}/users/disable_mfa"),
            Some(json!({"nickname": "alice"})),
            write(),
        )
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!("alice")));
    let (status, body) = app
        .assert_access(
            Method::PATCH,
            &format!("{P1}/users/confirm_email"),
            Some(json!({"nicknames": ["alice"]})),
            write(),
        )
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!(["alice"])));
    let (status, body) = app
        .assert_access(
            Method::PATCH,
            &format!("{P}/users/resend_confirmation_email"),
            Some(json!({"nicknames": ["alice"]})),
            write(),
        )
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!(["alice"])));
    // `admin:write` covers `admin:write:accounts`.
    app.user("boss", "pw-boss", true, false).await;
    let token = app.token("boss", "pw-boss", "admin:write").await;
    let (status, _) = app
        .call(
            Method::PATCH,
            &format!("{P}/users/confirm_email"),
            Some(&token),
            Some(json!({"nicknames": ["alice"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

async fn reset_link_sets_a_new_password(app: TestApp) {
    let token = admin(&app).await;
    app.user("alice", "old-pw", false, false).await;
    let alice_token = app.token("alice", "old-pw", "read").await;
    let (status, first) = app
        .get(&format!("{P}/users/alice/password_reset"), Some(&token))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, second) = app
        .get(&format!("{P}/users/ALICE/password_reset"), Some(&token))
        .await;
    assert_eq!(
        first.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["link", "token"]
    );
    let reset = first["token"].as_str().unwrap();
    assert_eq!(reset.len(), 44);
    assert_eq!(
        first["link"],
        format!(
            "{}/api/pleroma/password_reset/{}",
            app.base,
            reset.replace('=', "%3D")
        )
    );
    assert_eq!(
        log(&app, &token).await["total"],
        0,
        "reset links are not logged"
    );
    // Only a digest is stored.
    let (stored,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM password_reset_tokens WHERE token_hash = '{reset}'"
    )))
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(stored, 0);

    // Force a reset first: the new password clears it.
    let (status, _) = app
        .call(
            Method::PATCH,
            &format!("{P}/users/force_password_reset"),
            Some(&token),
            Some(json!({"nicknames": ["alice"]})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let path = &first["link"].as_str().unwrap()[app.base.len()..];
    let (status, html) = page(&app, path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"<label for="password">"#), "{html}");
    assert!(html.contains(r#"<label for="password_confirmation">"#));
    assert!(html.contains(r#"action="/api/pleroma/password_reset""#));
    assert!(html.contains("@alice"));

    // Refusals show the form again, the problem tied to its field.
    let (status, html) = post_page(
        &app,
        "/api/pleroma/password_reset",
        &[
            ("token", reset),
            ("password", "new-pw"),
            ("password_confirmation", "other"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains(r#"aria-invalid="true" aria-describedby="password_confirmation-error""#),
        "{html}"
    );
    assert!(html.contains(r#"id="password_confirmation-error""#));
    let (status, html) = post_page(
        &app,
        "/api/pleroma/password_reset",
        &[
            ("token", reset),
            ("password", ""),
            ("password_confirmation", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains(r#"id="password-error""#), "{html}");

    let (status, html) = post_page(
        &app,
        "/api/pleroma/password_reset",
        &[
            ("token", reset),
            ("password", "new-pw"),
            ("password_confirmation", "new-pw"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Password changed"), "{html}");

    // Old tokens are revoked, the old password is gone, the new one works.
    let (status, _) = app
        .get("/api/v1/accounts/verify_credentials", Some(&alice_token))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        login(&app, "alice", "old-pw").await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(login(&app, "alice", "new-pw").await.0, StatusCode::OK);
    let (_, user) = app.get(&format!("{P}/users/alice"), Some(&token)).await;
    assert_eq!(user["nickname"], "alice");

    // The link is used up, and so is the other outstanding link of the account.
    let (status, html) = page(&app, path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains(INVALID_LINK));
    let second_path = &second["link"].as_str().unwrap()[app.base.len()..];
    assert_eq!(page(&app, second_path).await.0, StatusCode::NOT_FOUND);
    let (status, html) = post_page(
        &app,
        "/api/pleroma/password_reset",
        &[
            ("token", second["token"].as_str().unwrap()),
            ("password", "x"),
            ("password_confirmation", "x"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains(INVALID_LINK));
}

async fn reset_link_errors_and_expiry(app: TestApp) {
    let token = admin(&app).await;
    app.user("alice", "pw", false, false).await;
    remote(&app, "far").await;
    let (status, body) = app
        .get(
            &format!("{P}/users/far@remote.example/password_reset"),
            Some(&token),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "User is not local."})
        )
    );
    let (status, body) = app
        .get(&format!("{P}/users/nobody/password_reset"), Some(&token))
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, json!({"error": "Not found"}))
    );
    let (status, body) = app.get(&format!("{P}/password_reset"), Some(&token)).await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::BAD_REQUEST, &json!("Missing field: nickname."))
    );
    let (status, _) = page(&app, "/api/pleroma/password_reset/unknown").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The validity comes from the live setting.
    app.set_config(
        ":pleroma",
        ":instance",
        json!([{"tuple": [":password_reset_token_validity", 0]}]),
    )
    .await;
    let (_, body) = app
        .get(&format!("{P}/users/alice/password_reset"), Some(&token))
        .await;
    let path = &body["link"].as_str().unwrap()[app.base.len()..];
    let (status, html) = page(&app, path).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "expired at once");
    assert!(html.contains(INVALID_LINK));
}

async fn disable_mfa(app: TestApp) {
    let token = admin(&app).await;
    app.user("alice", "pw", false, false).await;
    let codes = update_user(
        &app.state.db,
        &app.state.site,
        "alice",
        &UserChanges {
            totp_secret: Some(Some("JBSWY3DPEHPK3PXP".into())),
            ..UserChanges::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(codes.len(), 8);
    let (status, body) = login(&app, "alice", "pw").await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::FORBIDDEN, &json!("mfa_required"))
    );

    let path = format!("{P}/users/disable_mfa");
    let (status, body) = app.call(Method::PUT, &path, Some(&token), None).await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::BAD_REQUEST, &json!("Missing field: nickname."))
    );
    let (status, _) = app
        .call(
            Method::PUT,
            &path,
            Some(&token),
            Some(json!({"nickname": "nobody"})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = app
        .call(
            Method::PUT,
            &path,
            Some(&token),
            Some(json!({"nickname": "Alice"})),
        )
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!("Alice")), "as sent");
    let (enabled, secret, codes): (bool, Option<String>, String) = match app.backend {
        steward::server::db::Backend::Sqlite => {
            let (e, s, c): (i64, Option<String>, String) = sqlx::query_as(
                "SELECT mfa_enabled, totp_secret, mfa_backup_codes FROM accounts WHERE nickname = 'alice'",
            )
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
            (e != 0, s, c)
        }
        steward::server::db::Backend::Postgres => sqlx::query_as(
            "SELECT mfa_enabled, totp_secret, mfa_backup_codes FROM accounts WHERE nickname = 'alice'",
        )
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap(),
    };
    assert_eq!((enabled, secret, codes.as_str()), (false, None, "[]"));
    assert_eq!(login(&app, "alice", "pw").await.0, StatusCode::OK);
    assert_eq!(
        log(&app, &token).await["total"],
        0,
        "disable_mfa is not logged"
    );
}

async fn confirm_email_confirms_and_logs(app: TestApp) {
    let token = admin(&app).await;
    app.user("alice", "pw", false, false).await;
    app.user("bob", "pw", false, false).await;
    app.sql("UPDATE accounts SET confirmation_pending = TRUE, confirmation_token = 'tok' WHERE nickname = 'alice'")
        .await;
    let path = format!("{P}/users/confirm_email");
    let (status, body) = app.call(Method::PATCH, &path, Some(&token), None).await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::BAD_REQUEST, &json!("Missing field: nicknames."))
    );
    let (status, body) = app
        .call(
            Method::PATCH,
            &path,
            Some(&token),
            Some(json!({"nicknames": []})),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "nicknames can't be blank"})
        )
    );
    let (status, _) = app
        .call(
            Method::PATCH,
            &path,
            Some(&token),
            Some(json!({"nicknames": ["alice", "nobody"]})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(log(&app, &token).await["total"], 0, "nothing logged on 404");
    let (_, user) = app.get(&format!("{P}/users/alice"), Some(&token)).await;
    assert_eq!(user["confirmation_pending"], true, "nothing changed on 404");

    let (status, body) = app
        .call(
            Method::PATCH,
            &path,
            Some(&token),
            Some(json!({"nicknames": ["ALICE", "bob"]})),
        )
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!(["ALICE", "bob"])));
    let (_, user) = app.get(&format!("{P}/users/alice"), Some(&token)).await;
    assert_eq!(
        (&user["confirmation_pending"], &user["is_confirmed"]),
        (&json!(false), &json!(true))
    );
    // The confirmation token is gone with the pending state.
    assert_eq!(
        page(
            &app,
            &format!(
                "/api/account/confirm_email/{}/tok",
                user["id"].as_str().unwrap()
            )
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let log = log(&app, &token).await;
    assert_eq!(log["total"], 1);
    let entry = &log["items"][0];
    assert_eq!(
        entry["message"],
        "@root confirmed email for users: @alice, @bob"
    );
    assert_eq!(entry["data"]["action"], "confirm_email");
    assert_eq!(entry["data"]["subject"][1]["nickname"], "bob");
}

async fn resend_confirmation_email(app: TestApp) {
    let token = admin(&app).await;
    let alice_id = app.user("alice", "pw", false, false).await;
    app.user("bob", "pw", false, false).await;
    remote(&app, "far").await;
    app.sql("UPDATE accounts SET email = NULL, email_lower = NULL WHERE nickname = 'bob'")
        .await;
    app.sql("UPDATE accounts SET confirmation_pending = TRUE WHERE nickname = 'alice'")
        .await;
    app.set_config(
        ":pleroma",
        ":instance",
        json!([{"tuple": [":name", "Test Club"]}, {"tuple": [":account_activation_required", true]}]),
    )
    .await;
    let path = format!("{P}/users/resend_confirmation_email");
    let body = json!({"nicknames": ["alice", "bob", "far@remote.example"]});

    app.set_config(
        ":pleroma",
        "Pleroma.Emails.Mailer",
        json!([{"tuple": [":enabled", false]}]),
    )
    .await;
    let (status, resp) = app
        .call(Method::PATCH, &path, Some(&token), Some(body.clone()))
        .await;
    assert_eq!(
        (status, resp),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "deliveries_disabled"})
        )
    );
    assert_eq!(log(&app, &token).await["total"], 0);
    assert!(mailbox::all(&app).is_empty());
    app.sql("DELETE FROM config WHERE config_key = 'Pleroma.Emails.Mailer'")
        .await;

    let (status, resp) = app
        .call(Method::PATCH, &path, Some(&token), Some(body.clone()))
        .await;
    assert_eq!(
        (status, resp),
        (
            StatusCode::OK,
            json!(["alice", "bob", "far@remote.example"])
        )
    );
    // Only the local account with an address gets mail.
    assert_eq!(mailbox::all(&app).len(), 1);
    let mail = mailbox::only_to(&app, "alice@example.com");
    assert_eq!(mail.subject, "Test Club account confirmation");
    assert!(mail.to.contains("alice"), "{}", mail.to);
    let link = mail.link(&app.base, "/api/account/confirm_email/");
    assert!(link.starts_with(&format!(
        "{}/api/account/confirm_email/{alice_id}/",
        app.base
    )));
    let entry = &log(&app, &token).await["items"][0];
    assert_eq!(
        entry["message"],
        "@root re-sent confirmation email for users: @alice, @bob, @far@remote.example"
    );
    assert_eq!(entry["data"]["action"], "resend_confirmation_email");

    // Re-sending keeps the same token, whatever the account's state.
    app.call(
        Method::PATCH,
        &path,
        Some(&token),
        Some(json!({"nicknames": ["alice"]})),
    )
    .await;
    let mails = mailbox::to(&app, "alice@example.com");
    assert_eq!(mails.len(), 2);
    assert_eq!(
        mails[1].link(&app.base, "/api/account/confirm_email/"),
        link
    );

    // Following the link confirms (and answers a redirect to the start page).
    let (status, _) = login(&app, "alice", "pw").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "confirmation pending");
    let wrong = format!("/api/account/confirm_email/{alice_id}/wrong");
    let (status, html) = page(&app, &wrong).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains(INVALID_LINK));
    let path = mail.path(&app.base, "/api/account/confirm_email/");
    let resp = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    assert_eq!(resp.headers()["location"], "/");
    assert_eq!(login(&app, "alice", "pw").await.0, StatusCode::OK);
    assert_eq!(page(&app, &path).await.0, StatusCode::NOT_FOUND, "used up");

    // An account that is already confirmed still gets the email when asked (a fresh token).
    app.call(
        Method::PATCH,
        &format!("{P}/users/resend_confirmation_email"),
        Some(&token),
        Some(json!({"nicknames": ["alice"]})),
    )
    .await;
    assert_eq!(mailbox::to(&app, "alice@example.com").len(), 3);

    let (status, _) = app
        .call(
            Method::PATCH,
            &format!("{P}/users/resend_confirmation_email"),
            Some(&token),
            Some(json!({"nicknames": ["nobody"]})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn resend_delivery_failure(app: TestApp) {
    let token = admin(&app).await;
    app.user("alice", "pw", false, false).await;
    let closed = mailbox::closed_port().await;
    app.set_config(
        ":pleroma",
        "Pleroma.Emails.Mailer",
        json!([{"tuple": [":adapter", "Swoosh.Adapters.SMTP"]}, {"tuple": [":relay", "127.0.0.1"]},
               {"tuple": [":port", closed]}, {"tuple": [":tls", ":never"]}]),
    )
    .await;
    let (status, body) = app
        .call(
            Method::PATCH,
            &format!("{P}/users/resend_confirmation_email"),
            Some(&token),
            Some(json!({"nicknames": ["alice"]})),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"error": "Could not deliver email"})
        )
    );
    assert_eq!(log(&app, &token).await["total"], 0, "nothing logged");
}

async fn forgot_password(app: TestApp) {
    app.user("alice", "old-pw", false, false).await;
    app.user("gone", "pw", false, false).await;
    app.sql("UPDATE accounts SET deactivated = TRUE WHERE nickname = 'gone'")
        .await;
    // Unknown addresses and accounts answer exactly like known ones.
    for form in [
        vec![("email", "nobody@example.com")],
        vec![("nickname", "nobody")],
        vec![("email", "gone@example.com")],
        vec![],
    ] {
        let (status, body) = app.post_form("/auth/password", &form).await;
        assert_eq!(
            (status, body),
            (StatusCode::NO_CONTENT, json!("")),
            "{form:?}"
        );
    }
    assert!(mailbox::all(&app).is_empty());

    let (status, _) = app
        .post_form("/auth/password", &[("email", "ALICE@example.com")])
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .call(
            Method::POST,
            "/auth/password",
            None,
            Some(json!({"nickname": "alice"})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let mails = mailbox::to(&app, "alice@example.com");
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[0].subject, "Password reset");
    assert!(mails[0].html.contains("/api/pleroma/password_reset/"));
    let path = mails[1].path(&app.base, "/api/pleroma/password_reset/");
    let token = path.rsplit('/').next().unwrap().replace("%3D", "=");
    assert_eq!(page(&app, &path).await.0, StatusCode::OK);
    let (status, _) = post_page(
        &app,
        "/api/pleroma/password_reset",
        &[
            ("token", &token),
            ("password", "fresh-pw"),
            ("password_confirmation", "fresh-pw"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(login(&app, "alice", "fresh-pw").await.0, StatusCode::OK);

    app.set_config(
        ":pleroma",
        "Pleroma.Emails.Mailer",
        json!([{"tuple": [":enabled", false]}]),
    )
    .await;
    let (status, body) = app
        .post_form("/auth/password", &[("email", "alice@example.com")])
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "deliveries_disabled"})
        )
    );
}

backend_tests!(
    every_route_checks_access,
    reset_link_sets_a_new_password,
    reset_link_errors_and_expiry,
    disable_mfa,
    confirm_email_confirms_and_logs,
    resend_confirmation_email,
    resend_delivery_failure,
    forgot_password,
);

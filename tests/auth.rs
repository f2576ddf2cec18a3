//! auth.md: credentials, the account-state gate, scopes, the order of checks, rate limits.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use std::net::{IpAddr, Ipv4Addr};

use base64::Engine;
use common::{Expect, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;
use steward::server::auth::caller::Credentials;
use steward::server::auth::Caller;
use steward::server::service::dashboard::REQUIREMENT;

const DASHBOARD: &str = "/api/pleroma/admin/dashboard";

fn basic(login: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{login}:{password}"))
    )
}

async fn with_auth(
    app: &TestApp,
    path: &str,
    authorization: &str,
) -> (StatusCode, serde_json::Value) {
    let resp = app
        .client
        .get(app.url(path))
        .header("authorization", authorization)
        .send()
        .await
        .expect("request");
    let status = resp.status();
    (status, resp.json().await.unwrap_or(json!(null)))
}

async fn dashboard_route_checks_every_principal(app: TestApp) {
    let (status, body) = app
        .assert_access(
            Method::GET,
            DASHBOARD,
            None,
            Expect {
                scope: "read",
                privilege: Some("statistics_read"),
            },
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["users"]["total"].is_i64());
    // The same on the other prefix.
    let (status, _) = app
        .assert_access(
            Method::GET,
            "/api/v1/pleroma/admin/dashboard",
            None,
            Expect {
                scope: "read",
                privilege: Some("statistics_read"),
            },
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

async fn scope_table_with_and_without_enforcement(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    // (token scopes, allowed with enforce=true, allowed with enforce=false) for base scope `read`.
    let rows = [
        ("admin", true, true),
        ("admin:read", true, true),
        ("read", false, true),
        ("admin:read:accounts", false, false),
        ("admin:write", false, false),
    ];
    for (scopes, strict, lax) in rows {
        let token = app.token("root", "pw-root", scopes).await;
        app.sql("DELETE FROM config").await;
        let (status, body) = app.get(DASHBOARD, Some(&token)).await;
        assert_eq!(
            status == StatusCode::OK,
            strict,
            "{scopes} enforce=true: {body}"
        );
        if !strict {
            assert_eq!(
                body,
                json!({"error": "Insufficient permissions: admin:read."})
            );
        }
        app.set_config(
            ":pleroma",
            ":auth",
            json!([{"tuple": [":enforce_oauth_admin_scope_usage", false]}]),
        )
        .await;
        let (status, body) = app.get(DASHBOARD, Some(&token)).await;
        assert_eq!(
            status == StatusCode::OK,
            lax,
            "{scopes} enforce=false: {body}"
        );
        if !lax {
            assert_eq!(
                body,
                json!({"error": "Insufficient permissions: admin:read | read."})
            );
        }
    }
}

async fn unknown_expired_and_app_tokens_are_anonymous(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let (status, body) = app.get(DASHBOARD, Some("nonsense")).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Invalid credentials."})
        )
    );

    let (id, secret) = app.app("read write admin").await;
    let (status, body) = app
        .post_form(
            "/oauth/token",
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &id),
                ("client_secret", &secret),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.get("me").is_none() && body.get("id").is_none(),
        "app-only token has no user: {body}"
    );
    let app_token = body["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (status, body) = app.get(DASHBOARD, Some(&app_token)).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Invalid credentials."})
        )
    );

    let token = app.token("root", "pw-root", "admin").await;
    app.sql("UPDATE tokens SET expires_at = 0").await;
    let (status, _) = app.get(DASHBOARD, Some(&token)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn token_in_parameter_and_bearer_forms(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let token = app.token("root", "pw-root", "admin").await;
    let (status, _) = app
        .get(&format!("{DASHBOARD}?access_token={token}"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = with_auth(&app, DASHBOARD, &format!("bearer {token}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = with_auth(&app, DASHBOARD, &format!("Bearer: {token}")).await;
    assert_eq!(status, StatusCode::OK);
}

async fn basic_auth_skips_scopes_and_refuses_mfa(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let (status, _) = with_auth(&app, DASHBOARD, &basic("root", "pw-root")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = with_auth(&app, DASHBOARD, &basic("root@example.com", "pw-root")).await;
    assert_eq!(status, StatusCode::OK, "email works as the login");
    let (status, body) = with_auth(&app, DASHBOARD, &basic("root", "wrong")).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Invalid credentials."})
        )
    );
    app.sql("UPDATE accounts SET mfa_enabled = TRUE, totp_secret = 'JBSWY3DPEHPK3PXP' WHERE nickname = 'root'").await;
    let (status, body) = with_auth(&app, DASHBOARD, &basic("root", "pw-root")).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Two-factor authentication enabled, you must use a access token."})
        )
    );
}

async fn admin_token_acts_as_admin(app: TestApp) {
    let (status, _) = app
        .get(&format!("{DASHBOARD}?admin_token=secret-admin-token"), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "off by default");
    app.set_config(":pleroma", ":admin_token", json!("secret-admin-token"))
        .await;
    let (status, body) = app
        .get(&format!("{DASHBOARD}?admin_token=secret-admin-token"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let resp = app
        .client
        .get(app.url(DASHBOARD))
        .header("x-admin-token", "secret-admin-token")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), StatusCode::OK);
    let (status, body) = app
        .get(&format!("{DASHBOARD}?admin_token=wrong"), None)
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Invalid credentials."})
        )
    );
}

async fn account_states_drop_the_user(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let token = app.token("root", "pw-root", "admin").await;
    for (sql, reset) in [
        (
            "UPDATE accounts SET deactivated = TRUE",
            "UPDATE accounts SET deactivated = FALSE",
        ),
        (
            "UPDATE accounts SET password_reset_pending = TRUE",
            "UPDATE accounts SET password_reset_pending = FALSE",
        ),
        (
            "UPDATE accounts SET approval_pending = TRUE",
            "UPDATE accounts SET approval_pending = FALSE",
        ),
    ] {
        app.sql(sql).await;
        let (status, body) = app.get(DASHBOARD, Some(&token)).await;
        assert_eq!(
            (status, body),
            (
                StatusCode::FORBIDDEN,
                json!({"error": "Invalid credentials."})
            ),
            "{sql}"
        );
        app.sql(reset).await;
    }
    // Unconfirmed only matters while activation is required.
    app.sql("UPDATE accounts SET confirmation_pending = TRUE")
        .await;
    let (status, _) = app.get(DASHBOARD, Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    app.set_config(
        ":pleroma",
        ":instance",
        json!([{"tuple": [":account_activation_required", true]}]),
    )
    .await;
    let (status, _) = app.get(DASHBOARD, Some(&token)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn moderator_privileges_are_live_settings(app: TestApp) {
    app.user("mod", "pw-mod", false, true).await;
    let token = app.token("mod", "pw-mod", "read admin").await;
    let (status, body) = app.get(DASHBOARD, Some(&token)).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "User is not an admin."})
        ),
        "no statistics_read by default"
    );
    app.set_config(
        ":pleroma",
        ":instance",
        json!([{"tuple": [":moderator_privileges", [":statistics_read", ":bogus"]]}]),
    )
    .await;
    let (status, _) = app.get(DASHBOARD, Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    // And the privileges appear in verify_credentials.
    let (_, me) = app
        .get("/api/v1/accounts/verify_credentials", Some(&token))
        .await;
    assert_eq!(me["pleroma"]["privileges"], json!(["statistics_read"]));
}

async fn failed_passwords_are_rate_limited(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    app.set_config(
        ":pleroma",
        ":rate_limit",
        json!([{"tuple": [":authentication", {"tuple": [60000, 3]}]}]),
    )
    .await;
    // The limiter is a reboot-time setting (config.md §8): it takes effect at GET /restart.
    let token = app.token("root", "pw-root", "read write admin").await;
    let (status, _) = app.get("/api/pleroma/admin/restart", Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    for _ in 0..3 {
        let (status, _) = with_auth(&app, DASHBOARD, &basic("root", "wrong")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, body) = with_auth(&app, DASHBOARD, &basic("root", "wrong")).await;
    assert_eq!(
        (status, body),
        (StatusCode::TOO_MANY_REQUESTS, json!({"error": "Throttled"}))
    );
    // While throttled even the right password is not checked.
    let (status, _) = with_auth(&app, DASHBOARD, &basic("root", "pw-root")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let (id, secret) = app.app("read").await;
    let (status, _) = app
        .post_form(
            "/oauth/token",
            &[
                ("grant_type", "password"),
                ("client_id", &id),
                ("client_secret", &secret),
                ("username", "root"),
                ("password", "pw-root"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // A new window starts over.
    app.sql("UPDATE rate_limits SET window_start = 0").await;
    let (status, _) = with_auth(&app, DASHBOARD, &basic("root", "pw-root")).await;
    assert_eq!(status, StatusCode::OK);
}

async fn csrf_is_required_for_unsafe_cookie_requests(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let (cookie, csrf) = app.panel_login("root", "pw-root").await;

    let resolve = |method: Method, csrf: Option<String>| {
        let state = app.state.clone();
        let cookie = cookie.clone();
        async move {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert("cookie", cookie.parse().expect("cookie header"));
            if let Some(csrf) = csrf {
                headers.insert("x-csrf-token", csrf.parse().expect("csrf header"));
            }
            let settings = state.settings().await.expect("settings");
            let method =
                axum::http::Method::from_bytes(method.as_str().as_bytes()).expect("method");
            let creds = Credentials {
                method: &method,
                headers: &headers,
                access_token: None,
                admin_token: None,
                ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            };
            Caller::resolve(&state, settings, creds)
                .await
                .expect("resolve")
        }
    };
    // Safe methods need no CSRF token.
    assert!(resolve(Method::GET, None)
        .await
        .authorize(&REQUIREMENT)
        .is_ok());
    // Unsafe methods do, and a wrong one is refused with the documented text.
    for sent in [None, Some("wrong".to_string())] {
        let refused = resolve(Method::POST, sent).await.authorize(&REQUIREMENT);
        assert_eq!(
            refused.err().map(|e| e.message()),
            Some("Invalid CSRF token.".to_string())
        );
    }
    assert!(resolve(Method::POST, Some(csrf.clone()))
        .await
        .authorize(&REQUIREMENT)
        .is_ok());
    // Through HTTP: the same cookie works for a GET.
    let resp = app
        .client
        .get(app.url(DASHBOARD))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), StatusCode::OK);
}

async fn password_change_ends_sessions_and_tokens(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let token = app.token("root", "pw-root", "admin").await;
    let (cookie, _) = app.panel_login("root", "pw-root").await;
    let changes = steward::server::service::accounts::UserChanges {
        password: Some("new-pw".into()),
        ..Default::default()
    };
    steward::server::service::accounts::update_user(
        &app.state.db,
        &app.state.site,
        "root",
        &changes,
    )
    .await
    .expect("set password");
    let (status, _) = app.get(DASHBOARD, Some(&token)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let resp = app
        .client
        .get(app.url("/api/steward/session"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

backend_tests!(
    dashboard_route_checks_every_principal,
    scope_table_with_and_without_enforcement,
    unknown_expired_and_app_tokens_are_anonymous,
    token_in_parameter_and_bearer_forms,
    basic_auth_skips_scopes_and_refuses_mfa,
    admin_token_acts_as_admin,
    account_states_drop_the_user,
    moderator_privileges_are_live_settings,
    failed_passwords_are_rate_limited,
    csrf_is_required_for_unsafe_cookie_requests,
    password_change_ends_sessions_and_tokens,
);

//! auth.md §8: apps, the token grants, MFA challenge, revocation, the authorize page.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use base64::Engine;
use common::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::json;
use sha2::Digest;
use steward::server::auth::totp;

async fn apps_are_created_with_defaults_and_validated(app: TestApp) {
    let (status, body) = app
        .call(Method::POST, "/api/v1/apps", None, Some(json!({"client_name": "Tusky", "redirect_uris": "https://a.example/cb https://b.example/cb"})))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["id"].is_string());
    assert_eq!(
        body["redirect_uri"],
        "https://a.example/cb\nhttps://b.example/cb"
    );
    assert_eq!(body["website"], json!(null));
    assert_eq!(body["client_id"].as_str().map(str::len), Some(43));
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/apps",
            None,
            Some(json!({"redirect_uris": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "Missing field: client_name.");
    let (status, body) = app.post_form("/api/v1/apps", &[("client_name", "x")]).await;
    assert_eq!(
        (status, body["error"].clone()),
        (
            StatusCode::BAD_REQUEST,
            json!("Missing field: redirect_uris.")
        )
    );
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/apps",
            None,
            Some(json!({"client_name": 5, "redirect_uris": "x"})),
        )
        .await;
    assert_eq!(
        (status, body["error"].clone()),
        (
            StatusCode::BAD_REQUEST,
            json!("client_name - Invalid string. Got: integer.")
        )
    );
}

async fn password_grant_and_errors(app: TestApp) {
    let id_user = app.user("alice", "pw-alice", false, false).await;
    let (id, secret) = app.app("read write").await;
    let form = |user: &'static str, pw: &'static str| {
        vec![
            ("grant_type", "password".to_string()),
            ("client_id", id.clone()),
            ("client_secret", secret.clone()),
            ("username", user.to_string()),
            ("password", pw.to_string()),
        ]
    };
    let send = |pairs: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let resp = app
                .client
                .post(app.url("/oauth/token"))
                .form(&pairs)
                .send()
                .await
                .expect("request");
            let status = resp.status();
            (
                status,
                resp.json::<serde_json::Value>()
                    .await
                    .unwrap_or(json!(null)),
            )
        }
    };
    let (status, body) = send(form("alice", "pw-alice")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], "read write");
    assert_eq!(body["id"], json!(id_user));
    assert_eq!(body["me"], json!(format!("{}/users/alice", app.base)));
    assert!(body["expires_in"].as_i64().unwrap_or(0) > 3_000_000_000);
    assert!(body["refresh_token"].is_string() && body["created_at"].is_i64());

    let (status, body) = send(form("alice", "nope")).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "Invalid credentials"})
        )
    );
    let mut bad_client = form("alice", "pw-alice");
    bad_client[2].1 = "wrong".into();
    let (status, body) = send(bad_client).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "Invalid credentials"})
        )
    );
    let mut wide = form("alice", "pw-alice");
    wide.push(("scope", "read admin".into()));
    let (status, body) = send(wide).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "This action is outside the authorized scopes"})
        )
    );
    let (status, body) = send(vec![("grant_type", "implicit".into())]).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "Unsupported grant_type"})
        )
    );
    let (status, body) = send(vec![("client_id", id.clone())]).await;
    assert_eq!(
        (status, body["error"].clone()),
        (StatusCode::BAD_REQUEST, json!("Missing field: grant_type."))
    );

    for (sql, error, identifier) in [
        (
            "UPDATE accounts SET deactivated = TRUE",
            "Your account is currently disabled",
            "account_is_disabled",
        ),
        (
            "UPDATE accounts SET deactivated = FALSE, password_reset_pending = TRUE",
            "Password reset is required",
            "password_reset_required",
        ),
        (
            "UPDATE accounts SET password_reset_pending = FALSE, approval_pending = TRUE",
            "Your account is awaiting approval.",
            "awaiting_approval",
        ),
    ] {
        app.sql(sql).await;
        let (status, body) = send(form("alice", "pw-alice")).await;
        assert_eq!(
            (status, body),
            (
                StatusCode::FORBIDDEN,
                json!({"error": error, "identifier": identifier})
            )
        );
    }
    app.sql("UPDATE accounts SET approval_pending = FALSE, confirmation_pending = TRUE")
        .await;
    app.set_config(
        ":pleroma",
        ":instance",
        json!([{"tuple": [":account_activation_required", true]}]),
    )
    .await;
    let (status, body) = send(form("alice", "pw-alice")).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Your login is missing a confirmed e-mail address", "identifier": "missing_confirmed_email"})
        )
    );
}

async fn mfa_needs_a_second_step(app: TestApp) {
    app.user("alice", "pw-alice", false, false).await;
    let secret = "JBSWY3DPEHPK3PXP";
    let changes = steward::server::service::accounts::UserChanges {
        totp_secret: Some(Some(secret.into())),
        ..Default::default()
    };
    steward::server::service::accounts::update_user(
        &app.state.db,
        &app.state.site,
        "alice",
        &changes,
    )
    .await
    .expect("mfa on");
    let (id, client_secret) = app.app("read").await;
    let grant = [
        ("grant_type", "password"),
        ("client_id", &id),
        ("client_secret", &client_secret),
        ("username", "alice"),
        ("password", "pw-alice"),
    ];
    let (status, body) = app.post_form("/oauth/token", &grant).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"], "mfa_required");
    assert_eq!(body["supported_challenge_types"], "totp");
    let mfa_token = body["mfa_token"].as_str().unwrap_or_default().to_string();

    let challenge = |code: String| {
        let (app, id, client_secret, mfa_token) =
            (&app, id.clone(), client_secret.clone(), mfa_token.clone());
        async move {
            app.post_form(
                "/oauth/mfa/challenge",
                &[
                    ("client_id", &id),
                    ("client_secret", &client_secret),
                    ("mfa_token", &mfa_token),
                    ("challenge_type", "totp"),
                    ("code", &code),
                ],
            )
            .await
        }
    };
    let (status, body) = challenge("000000".into()).await;
    if status == StatusCode::OK {
        return; // 000000 happened to be the current code; nothing more to learn this run.
    }
    assert_eq!(
        (status, body),
        (StatusCode::BAD_REQUEST, json!({"error": "Invalid code"}))
    );
    let key = totp::decode_base32(secret).unwrap_or_default();
    let now = chrono::Utc::now().timestamp();
    let code = totp::code_at(&key, now).unwrap_or_default();
    let (status, body) = challenge(code.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["access_token"].is_string());
    // The challenge is used up.
    let (status, body) = challenge(code).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "Invalid credentials"})
        )
    );
}

async fn refresh_and_revoke(app: TestApp) {
    app.user("alice", "pw-alice", false, false).await;
    let (id, secret) = app.app("read").await;
    let (_, body) = app
        .post_form(
            "/oauth/token",
            &[
                ("grant_type", "password"),
                ("client_id", &id),
                ("client_secret", &secret),
                ("username", "alice"),
                ("password", "pw-alice"),
            ],
        )
        .await;
    let access = body["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let refresh = body["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (status, _) = app
        .get("/api/v1/accounts/verify_credentials", Some(&access))
        .await;
    assert_eq!(status, StatusCode::OK);

    let (status, body) = app
        .post_form(
            "/oauth/token",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", &id),
                ("client_secret", &secret),
                ("refresh_token", &refresh),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["scope"], "read");
    let new_access = body["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (status, _) = app
        .get("/api/v1/accounts/verify_credentials", Some(&access))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the old pair is revoked");
    let (status, _) = app
        .post_form(
            "/oauth/token",
            &[
                ("grant_type", "refresh_token"),
                ("client_id", &id),
                ("client_secret", &secret),
                ("refresh_token", &refresh),
            ],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a refresh token works once"
    );

    let (status, body) = app
        .post_form(
            "/oauth/revoke",
            &[
                ("client_id", &id),
                ("client_secret", &secret),
                ("token", &new_access),
            ],
        )
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    let (status, _) = app
        .get("/api/v1/accounts/verify_credentials", Some(&new_access))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app
        .post_form(
            "/oauth/revoke",
            &[
                ("client_id", &id),
                ("client_secret", &secret),
                ("token", "unknown"),
            ],
        )
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    let (status, body) = app
        .post_form(
            "/oauth/revoke",
            &[("client_id", &id), ("client_secret", "bad"), ("token", "x")],
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "Invalid credentials"})
        )
    );
}

fn query_param(location: &str, key: &str) -> Option<String> {
    let query = location.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

async fn authorization_code_with_pkce(app: TestApp) {
    app.user("alice", "pw-alice", false, false).await;
    let (status, registered) = app
        .call(Method::POST, "/api/v1/apps", None, Some(json!({"client_name": "Web <client>", "redirect_uris": "https://client.example/cb", "scopes": "read write"})))
        .await;
    assert_eq!(status, StatusCode::OK);
    let id = registered["client_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let secret = registered["client_secret"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let verifier = "a-long-random-verifier-string-of-at-least-43-characters-xyz";
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));

    // The consent page names the app (escaped) and the scopes.
    let page_url = format!(
        "/oauth/authorize?response_type=code&client_id={id}&redirect_uri=https%3A%2F%2Fclient.example%2Fcb&scope=read&state=xyz&code_challenge={challenge}&code_challenge_method=S256"
    );
    let resp = app
        .client
        .get(app.url(&page_url))
        .send()
        .await
        .expect("page");
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.unwrap_or_default();
    assert!(
        html.contains("Web &lt;client&gt;") && !html.contains("Web <client>"),
        "app name escaped"
    );
    assert!(html.contains("(read)"));

    // Bad requests get an error page, never a redirect.
    for bad in [
        "/oauth/authorize?response_type=code&client_id=nope&redirect_uri=https%3A%2F%2Fclient.example%2Fcb".to_string(),
        format!("/oauth/authorize?response_type=code&client_id={id}&redirect_uri=https%3A%2F%2Fevil.example%2Fcb"),
        format!("/oauth/authorize?response_type=code&client_id={id}&redirect_uri=https%3A%2F%2Fclient.example%2Fcb&scope=admin"),
    ] {
        let resp = app.client.get(app.url(&bad)).send().await.expect("page");
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert!(resp.headers().get("location").is_none());
    }

    let base_form = vec![
        ("response_type", "code".to_string()),
        ("client_id", id.clone()),
        ("redirect_uri", "https://client.example/cb".into()),
        ("scope", "read".into()),
        ("state", "xyz".into()),
        ("code_challenge", challenge.clone()),
        ("code_challenge_method", "S256".into()),
    ];
    // Deny.
    let mut deny = base_form.clone();
    deny.push(("action", "deny".into()));
    let resp = app
        .client
        .post(app.url("/oauth/authorize"))
        .form(&deny)
        .send()
        .await
        .expect("deny");
    assert_eq!(resp.status(), StatusCode::FOUND);
    let location = resp.headers()["location"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        query_param(&location, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(query_param(&location, "state").as_deref(), Some("xyz"));
    // Wrong password: the page again with the message.
    let mut wrong = base_form.clone();
    wrong.extend([
        ("action", "approve".to_string()),
        ("username", "alice".into()),
        ("password", "bad".into()),
    ]);
    let resp = app
        .client
        .post(app.url("/oauth/authorize"))
        .form(&wrong)
        .send()
        .await
        .expect("wrong");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp
        .text()
        .await
        .unwrap_or_default()
        .contains("Invalid credentials"));
    // Approve.
    let mut approve = base_form.clone();
    approve.extend([
        ("action", "approve".to_string()),
        ("username", "alice".into()),
        ("password", "pw-alice".into()),
    ]);
    let resp = app
        .client
        .post(app.url("/oauth/authorize"))
        .form(&approve)
        .send()
        .await
        .expect("approve");
    assert_eq!(resp.status(), StatusCode::FOUND);
    let location = resp.headers()["location"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        location.starts_with("https://client.example/cb?"),
        "{location}"
    );
    assert_eq!(query_param(&location, "state").as_deref(), Some("xyz"));
    let code = query_param(&location, "code").unwrap_or_default();

    let exchange = |verifier: &'static str, code: String| {
        let (app, id, secret) = (&app, id.clone(), secret.clone());
        async move {
            app.post_form(
                "/oauth/token",
                &[
                    ("grant_type", "authorization_code"),
                    ("client_id", &id),
                    ("client_secret", &secret),
                    ("code", &code),
                    ("redirect_uri", "https://client.example/cb"),
                    ("code_verifier", verifier),
                ],
            )
            .await
        }
    };
    let (status, body) = exchange("wrong-verifier", code.clone()).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "Invalid credentials"})
        )
    );
    // The failed attempt used the code up: get a fresh one.
    let resp = app
        .client
        .post(app.url("/oauth/authorize"))
        .form(&approve)
        .send()
        .await
        .expect("approve");
    let location = resp.headers()["location"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    let code = query_param(&location, "code").unwrap_or_default();
    let (status, body) = exchange(
        "a-long-random-verifier-string-of-at-least-43-characters-xyz",
        code.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["scope"], "read");
    let (status, _) = exchange(
        "a-long-random-verifier-string-of-at-least-43-characters-xyz",
        code,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "codes are single-use");
}

async fn out_of_band_code_is_shown_on_a_page(app: TestApp) {
    app.user("alice", "pw-alice", false, false).await;
    let (id, _secret) = app.app("read").await;
    let form = [
        ("response_type", "code"),
        ("client_id", id.as_str()),
        ("redirect_uri", "urn:ietf:wg:oauth:2.0:oob"),
        ("action", "approve"),
        ("username", "alice"),
        ("password", "pw-alice"),
    ];
    let resp = app
        .client
        .post(app.url("/oauth/authorize"))
        .form(&form)
        .send()
        .await
        .expect("approve");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.text().await.unwrap_or_default().contains("oauth-code"));
}

async fn verify_credentials_shape(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let token = app.token("root", "pw-root", "read").await;
    let (status, me) = app
        .get("/api/v1/accounts/verify_credentials", Some(&token))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["username"], "root");
    assert_eq!(me["acct"], "root");
    assert_eq!(me["pleroma"]["is_admin"], true);
    assert_eq!(me["pleroma"]["is_moderator"], false);
    assert_eq!(
        me["pleroma"]["privileges"].as_array().map(Vec::len),
        Some(13)
    );
    assert_eq!(me["source"]["privacy"], "public");
    assert_eq!(me["avatar"], json!(format!("{}/images/avi.png", app.base)));
    assert!(me["created_at"]
        .as_str()
        .unwrap_or_default()
        .ends_with(".000Z"));
    let (status, body) = app.get("/api/v1/accounts/verify_credentials", None).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Invalid credentials."})
        )
    );
    let token = app.token("root", "pw-root", "write").await;
    let (status, body) = app
        .get("/api/v1/accounts/verify_credentials", Some(&token))
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Insufficient permissions: read:accounts."})
        )
    );
}

async fn recovery_codes_work_once(app: TestApp) {
    app.user("alice", "pw-alice", false, false).await;
    let changes = steward::server::service::accounts::UserChanges {
        totp_secret: Some(Some("JBSWY3DPEHPK3PXP".into())),
        ..Default::default()
    };
    let codes = steward::server::service::accounts::update_user(
        &app.state.db,
        &app.state.site,
        "alice",
        &changes,
    )
    .await
    .expect("mfa on");
    assert_eq!(codes.len(), 8);
    let (id, client_secret) = app.app("read").await;
    let grant = [
        ("grant_type", "password"),
        ("client_id", id.as_str()),
        ("client_secret", client_secret.as_str()),
        ("username", "alice"),
        ("password", "pw-alice"),
    ];
    for expected in [StatusCode::OK, StatusCode::BAD_REQUEST] {
        let (_, body) = app.post_form("/oauth/token", &grant).await;
        let mfa_token = body["mfa_token"].as_str().unwrap_or_default().to_string();
        let (status, body) = app
            .post_form(
                "/oauth/mfa/challenge",
                &[
                    ("client_id", id.as_str()),
                    ("client_secret", client_secret.as_str()),
                    ("mfa_token", mfa_token.as_str()),
                    ("challenge_type", "recovery"),
                    ("code", codes[0].as_str()),
                ],
            )
            .await;
        assert_eq!(status, expected, "{body}");
    }
}

async fn nul_characters_and_wrong_types_are_4xx(app: TestApp) {
    app.user("alice", "pw-alice", false, false).await;
    for body in [
        json!({"grant_type": "password", "client_id": "a\u{0}b", "client_secret": "x"}),
        json!({"grant_type": "password\u{0}", "client_id": "a", "client_secret": "x"}),
        json!({"grant_type": ["password"], "client_id": "a", "client_secret": "x"}),
        json!({"grant_type": {"a": 1}}),
    ] {
        let (status, resp) = app
            .call(Method::POST, "/oauth/token", None, Some(body.clone()))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} -> {resp}");
        assert!(resp["error"].is_string());
    }
    let (status, _) = app
        .call(
            Method::POST,
            "/api/steward/session",
            None,
            Some(json!({"username": "al\u{0}ice", "password": "pw"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let resp = app
        .client
        .get(app.url("/oauth/authorize?client_id=%00&redirect_uri=x"))
        .send()
        .await
        .expect("page");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

async fn signed_in_people_continue_and_trusted_apps_skip_consent(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let (cookie, csrf) = app.panel_login("root", "pw-root").await;
    let (id, _) = app.app("read").await;
    let url = format!("/oauth/authorize?response_type=code&client_id={id}&redirect_uri=urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob");
    let html = app
        .client
        .get(app.url(&url))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .unwrap_or_default();
    assert!(
        html.contains("Continue as <strong>@root</strong>"),
        "{html}"
    );
    // Approving with the session needs the form's CSRF token.
    let form = |csrf: &str| {
        vec![
            ("response_type", "code".to_string()),
            ("client_id", id.clone()),
            ("redirect_uri", "urn:ietf:wg:oauth:2.0:oob".into()),
            ("action", "approve".into()),
            ("csrf", csrf.to_string()),
        ]
    };
    let resp = app
        .client
        .post(app.url("/oauth/authorize"))
        .header("cookie", &cookie)
        .form(&form("forged"))
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = app
        .client
        .post(app.url("/oauth/authorize"))
        .header("cookie", &cookie)
        .form(&form(&csrf))
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.text().await.unwrap_or_default().contains("oauth-code"));

    // A trusted app with a redirect URI gets its code without a consent page.
    let (status, registered) = app
        .call(
            Method::POST,
            "/api/v1/apps",
            None,
            Some(json!({"client_name": "Trusted", "redirect_uris": "https://t.example/cb"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let trusted_id = registered["client_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    app.sql(&format!(
        "UPDATE apps SET trusted = TRUE WHERE client_id = '{trusted_id}'"
    ))
    .await;
    let url = format!("/oauth/authorize?response_type=code&client_id={trusted_id}&redirect_uri=https%3A%2F%2Ft.example%2Fcb&state=s1");
    let resp = app
        .client
        .get(app.url(&url))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("page");
    assert_eq!(resp.status(), StatusCode::FOUND);
    let location = resp.headers()["location"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        query_param(&location, "code").is_some()
            && query_param(&location, "state").as_deref() == Some("s1"),
        "{location}"
    );
}

backend_tests!(
    signed_in_people_continue_and_trusted_apps_skip_consent,
    recovery_codes_work_once,
    nul_characters_and_wrong_types_are_4xx,
    apps_are_created_with_defaults_and_validated,
    password_grant_and_errors,
    mfa_needs_a_second_step,
    refresh_and_revoke,
    authorization_code_with_pkce,
    out_of_band_code_is_shown_on_a_page,
    verify_credentials_shape,
);

//! No client input may produce a 5xx: every route gets hostile parameters as an admin (so the
//! request reaches validation and storage) and anonymously.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const P: &str = "/api/pleroma/admin";

/// Every route, with `{k}` standing for a path segment.
fn routes() -> Vec<(Method, String)> {
    let admin = [
        ("GET", "/dashboard"),
        ("GET", "/moderation_log"),
        ("GET", "/users"),
        ("POST", "/users"),
        ("DELETE", "/users"),
        ("POST", "/user"),
        ("DELETE", "/user"),
        ("GET", "/users/{k}"),
        ("PATCH", "/users/{k}/toggle_activation"),
        ("PUT", "/users/{k}/activation_status"),
        ("PUT", "/activation_status/{k}"),
        ("PATCH", "/users/activate"),
        ("PATCH", "/users/deactivate"),
        ("PATCH", "/users/approve"),
        ("PUT", "/users/tag"),
        ("DELETE", "/users/tag"),
        ("GET", "/users/{k}/permission_group"),
        ("GET", "/users/{k}/permission_group/{k}"),
        ("POST", "/users/{k}/permission_group/{k}"),
        ("DELETE", "/users/{k}/permission_group/{k}"),
        ("POST", "/users/permission_group/{k}"),
        ("DELETE", "/users/permission_group/{k}"),
        ("GET", "/permission_group/{k}"),
        ("POST", "/permission_group/{k}/{k}"),
        ("POST", "/users/follow"),
        ("POST", "/users/unfollow"),
        ("POST", "/user/follow"),
        ("GET", "/users/{k}/credentials"),
        ("PATCH", "/users/{k}/credentials"),
        ("PATCH", "/users/force_password_reset"),
        ("PATCH", "/users/{k}/force_password_reset"),
        ("GET", "/users/{k}/password_reset"),
        ("GET", "/password_reset"),
        ("PUT", "/users/disable_mfa"),
        ("PATCH", "/users/confirm_email"),
        ("PATCH", "/users/resend_confirmation_email"),
        ("POST", "/users/invite_token"),
        ("GET", "/users/invite_token"),
        ("GET", "/invite_token"),
        ("GET", "/users/invites"),
        ("POST", "/users/revoke_invite"),
        ("POST", "/users/email_invite"),
        ("POST", "/email_invite"),
        ("GET", "/statuses"),
        ("GET", "/statuses/{k}"),
        ("PUT", "/statuses/{k}"),
        ("DELETE", "/statuses/{k}"),
        ("GET", "/users/{k}/statuses"),
        ("GET", "/instances/{k}/statuses"),
        ("DELETE", "/instances/{k}"),
        ("GET", "/stats"),
        ("GET", "/reports"),
        ("PATCH", "/reports"),
        ("GET", "/reports/{k}"),
        ("PUT", "/reports/{k}"),
        ("POST", "/reports/{k}/notes"),
        ("DELETE", "/reports/{k}/notes/{k}"),
        ("POST", "/reports/{k}/respond"),
        ("GET", "/grouped_reports"),
        ("GET", "/media_proxy_caches"),
        ("POST", "/media_proxy_caches/delete"),
        ("POST", "/media_proxy_caches/purge"),
    ];
    let client = [
        ("POST", "/api/v1/apps"),
        ("POST", "/oauth/token"),
        ("POST", "/oauth/mfa/challenge"),
        ("POST", "/oauth/revoke"),
        ("GET", "/oauth/authorize"),
        ("POST", "/oauth/authorize"),
        ("GET", "/api/v1/accounts/verify_credentials"),
        ("POST", "/api/v1/accounts"),
        ("GET", "/api/v1/instance"),
        ("GET", "/api/v1/instance/peers"),
        ("GET", "/nodeinfo/2.0.json"),
        ("POST", "/api/steward/session"),
        ("GET", "/api/steward/session"),
        ("DELETE", "/api/steward/session"),
        ("POST", "/admin/login"),
        ("POST", "/admin/logout"),
        ("POST", "/api/pleroma/password_reset"),
        ("GET", "/api/pleroma/password_reset/{k}"),
        ("POST", "/auth/password"),
        ("GET", "/api/account/confirm_email/{k}/{k}"),
        ("GET", "/registration/{k}"),
        ("POST", "/registration/{k}"),
        ("GET", "/media/{k}"),
        ("POST", "/api/v1/statuses"),
        ("GET", "/api/v1/statuses/{k}"),
        ("DELETE", "/api/v1/statuses/{k}"),
        ("POST", "/api/v1/statuses/{k}/reblog"),
        ("POST", "/api/v1/reports"),
        ("POST", "/api/v1/accounts/{k}/follow"),
        ("POST", "/api/v1/accounts/{k}/unfollow"),
        ("GET", "/proxy/{k}/{k}"),
        ("GET", "/proxy/{k}/{k}/{k}"),
    ];
    admin
        .iter()
        .map(|(m, p)| (Method::from_bytes(m.as_bytes()).unwrap(), format!("{P}{p}")))
        .chain(
            client
                .iter()
                .map(|(m, p)| (Method::from_bytes(m.as_bytes()).unwrap(), p.to_string())),
        )
        .collect()
}

/// Path segments that try to confuse lookups and routing.
const SEGMENTS: [&str; 6] = [
    "victim",
    "%00",
    "..%2F..%2Fetc%2Fpasswd",
    "%F0%9F%98%80%E2%80%AE",
    "x%27%20OR%201%3D1--",
    "%25%5F",
];

/// Bodies with every parameter name the API uses, set to the wrong type or to hostile values.
fn bodies() -> Vec<Value> {
    let keys = [
        "nickname",
        "nicknames",
        "users",
        "tags",
        "email",
        "password",
        "name",
        "bio",
        "fields",
        "page",
        "page_size",
        "query",
        "filters",
        "status",
        "follower",
        "followed",
        "token",
        "max_use",
        "expires_at",
        "grant_type",
        "client_id",
        "client_secret",
        "username",
        "code",
        "mfa_token",
        "redirect_uris",
        "client_name",
        "scope",
        "start_date",
        "end_date",
        "user_id",
        "search",
        "action",
        "locked",
        "default_scope",
        "actor_type",
        "pleroma_settings_store",
        "avatar",
        "reason",
        "agreement",
        "password_confirmation",
        "csrf",
        "next",
        "godmode",
        "local_only",
        "with_reblogs",
        "sensitive",
        "visibility",
        "spoiler_text",
        "in_reply_to_id",
        "media_ids",
        "instance",
        "reports",
        "state",
        "content",
        "account_id",
        "status_ids",
        "comment",
        "forward",
        "limit",
        "max_id",
        "since_id",
        "actor_id",
        "urls",
        "ban",
    ];
    let values = [
        json!(null),
        json!(true),
        json!(-1),
        json!(1e308),
        json!("99999999999999999999999999"),
        json!("\u{0}"),
        json!("'; DROP TABLE accounts; --"),
        json!("%_\\"),
        json!("ℕ𝕠 𝕥𝕖𝕩𝕥 \u{202E} 😀"),
        json!([]),
        json!([null, 1, {"a": [1]}]),
        json!({"0": {"nickname": 1}}),
        json!("x".repeat(20_000)),
    ];
    values
        .iter()
        .map(|v| Value::Object(keys.iter().map(|k| (k.to_string(), v.clone())).collect()))
        .collect()
}

/// A body abbreviated for failure messages.
fn short(body: &Value) -> String {
    body.to_string().chars().take(200).collect()
}

async fn no_input_makes_a_server_error(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    app.user("victim", "pw-victim", false, false).await;
    let token = app
        .token("root", "pw-root", "read write follow admin")
        .await;
    let bodies = bodies();
    for (method, template) in routes() {
        for (n, segment) in SEGMENTS.iter().enumerate() {
            let path = template.replace("{k}", segment);
            let body = &bodies[n % bodies.len()];
            for auth in [Some(token.as_str()), None] {
                let (status, resp) = app
                    .call(method.clone(), &path, auth, Some(body.clone()))
                    .await;
                assert!(
                    status.as_u16() < 500,
                    "{method} {path} with {} -> {status} {resp}",
                    short(body)
                );
            }
        }
        for body in &bodies {
            let path = template.replace("{k}", "victim");
            let (status, resp) = app
                .call(method.clone(), &path, Some(&token), Some(body.clone()))
                .await;
            assert!(
                status.as_u16() < 500,
                "{method} {path} with {} -> {status} {resp}",
                short(body)
            );
            // The same values as a query string and as a form.
            let query: Vec<(String, String)> = body
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string()),
                    )
                })
                .collect();
            // URLs have a practical length limit; very long values travel in bodies only.
            if body.to_string().len() < 4_000 {
                let resp = app
                    .client
                    .request(method.clone(), app.url(&path))
                    .bearer_auth(&token)
                    .query(&query)
                    .send()
                    .await
                    .unwrap();
                assert!(
                    resp.status().as_u16() < 500,
                    "{method} {path} query -> {}",
                    resp.status()
                );
            }
            let resp = app
                .client
                .request(method.clone(), app.url(&path))
                .bearer_auth(&token)
                .form(&query)
                .send()
                .await
                .unwrap();
            assert!(
                resp.status().as_u16() < 500,
                "{method} {path} form -> {}",
                resp.status()
            );
        }
    }
    // The admin account survived all of it.
    let (status, _) = app.get(&format!("{P}/users/root"), Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
}

backend_tests!(no_input_makes_a_server_error);

//! users.md §5: `GET`/`PATCH /users/:nickname/credentials`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::{Expect, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const P: &str = "/api/pleroma/admin";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\nIDATx\x9cc\0\x01\0\0\x05\0\x01\r\n-\xb4\0\0\0\0IEND\xaeB`\x82";

async fn admin(app: &TestApp) -> String {
    app.user("root", "pw-root", true, false).await;
    app.token("root", "pw-root", "read write follow admin")
        .await
}

async fn credentials_round_trip(app: TestApp) {
    let token = admin(&app).await;
    app.user("alice", "pw-alice", false, false).await;
    let (status, body) = app
        .assert_access(
            Method::GET,
            &format!("{P}/users/alice/credentials"),
            None,
            Expect {
                scope: "read:accounts",
                privilege: Some("users_manage_credentials"),
            },
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        vec![
            "accepts_chat_messages",
            "actor_type",
            "allow_following_move",
            "avatar",
            "background",
            "banner",
            "bio",
            "default_scope",
            "discoverable",
            "email",
            "fields",
            "hide_favorites",
            "hide_followers",
            "hide_followers_count",
            "hide_follows",
            "hide_follows_count",
            "id",
            "is_discoverable",
            "is_locked",
            "locked",
            "name",
            "nickname",
            "no_rich_text",
            "pleroma_settings_store",
            "raw_fields",
            "show_role",
            "skip_thread_containment"
        ]
    );

    let patch = json!({
        "name": "Alice <3",
        "bio": "Line one\nsee https://alice.example",
        "fields": [{"name": "Site", "value": "https://alice.example"}],
        "locked": true,
        "is_locked": false,
        "hide_followers": "true",
        "default_scope": "unlisted",
        "actor_type": "Service",
        "pleroma_settings_store": {"pleroma-fe": {"theme": "dark"}},
        "unknown_field": 1
    });
    let (status, body) = app
        .call(
            Method::PATCH,
            &format!("{P}/users/alice/credentials"),
            Some(&token),
            Some(patch),
        )
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({"status": "success"}))
    );
    let (_, creds) = app
        .get(&format!("{P}/users/alice/credentials"), Some(&token))
        .await;
    assert_eq!(creds["name"], "Alice <3");
    assert_eq!(
        creds["bio"],
        "Line one<br/>see <a href=\"https://alice.example\" rel=\"ugc\">https://alice.example</a>"
    );
    assert_eq!(
        creds["raw_fields"],
        json!([{"name": "Site", "value": "https://alice.example"}])
    );
    assert_eq!(
        creds["fields"][0]["value"],
        "<a href=\"https://alice.example\" rel=\"ugc\">https://alice.example</a>"
    );
    assert_eq!(
        (creds["locked"].clone(), creds["is_locked"].clone()),
        (json!(false), json!(false)),
        "is_ spelling wins"
    );
    assert_eq!(creds["hide_followers"], true);
    assert_eq!(creds["default_scope"], "unlisted");
    assert_eq!(creds["actor_type"], "Service");
    assert_eq!(
        creds["pleroma_settings_store"],
        json!({"pleroma-fe": {"theme": "dark"}})
    );
    let (_, log) = app
        .get(&format!("{P}/moderation_log?page_size=1"), Some(&token))
        .await;
    assert_eq!(log["items"][0]["message"], "@root updated users: @alice");
    // The name shows up in lists, with tags stripped.
    let (_, user) = app.get(&format!("{P}/users/alice"), Some(&token)).await;
    assert_eq!(user["display_name"], "Alice <3");
}

async fn credentials_validation(app: TestApp) {
    let token = admin(&app).await;
    app.user("alice", "pw-alice", false, false).await;
    app.user("bob", "pw-bob", false, false).await;
    let cases = [
        (
            json!({"email": "bob@example.com"}),
            "email",
            "has already been taken",
        ),
        (json!({"email": "nope"}), "email", "has invalid format"),
        (json!({"email": ""}), "email", "can't be blank"),
        (json!({"password": ""}), "password", "can't be blank"),
        (
            json!({"name": ""}),
            "name",
            "should be at least 1 character(s)",
        ),
        (
            json!({"name": "x".repeat(101)}),
            "name",
            "should be at most 100 character(s)",
        ),
        (
            json!({"bio": "x".repeat(5001)}),
            "bio",
            "should be at most 5000 character(s)",
        ),
        (json!({"raw_fields": "x"}), "raw_fields", "invalid"),
        (
            json!({"fields": [{"name": 1, "value": "v"}]}),
            "fields",
            "invalid",
        ),
        (
            json!({"fields": (0..11).map(|i| json!({"name": i.to_string(), "value": "v"})).collect::<Vec<_>>()}),
            "fields",
            "should have at most 10 item(s)",
        ),
        (json!({"locked": "maybe"}), "locked", "is invalid"),
        (json!({"hide_follows": 3}), "hide_follows", "is invalid"),
        (
            json!({"default_scope": "secret"}),
            "default_scope",
            "is invalid",
        ),
        (json!({"actor_type": "Group"}), "actor_type", "is invalid"),
        (
            json!({"pleroma_settings_store": []}),
            "pleroma_settings_store",
            "is invalid",
        ),
        (json!({"avatar": 5}), "avatar", "is invalid"),
    ];
    for (body, field, message) in cases {
        let (status, resp) = app
            .call(
                Method::PATCH,
                &format!("{P}/users/alice/credentials"),
                Some(&token),
                Some(body.clone()),
            )
            .await;
        assert_eq!(
            (status, resp),
            (StatusCode::BAD_REQUEST, json!({"errors": {field: message}})),
            "{body}"
        );
    }
    // Limits come from live settings and are interpolated.
    app.set_config(
        ":pleroma",
        ":instance",
        json!([{"tuple": [":user_name_length", 3]}]),
    )
    .await;
    let (_, resp) = app
        .call(
            Method::PATCH,
            &format!("{P}/users/alice/credentials"),
            Some(&token),
            Some(json!({"name": "abcd"})),
        )
        .await;
    assert_eq!(
        resp,
        json!({"errors": {"name": "should be at most 3 character(s)"}})
    );
    // Nothing was saved and nothing logged by the failures.
    let (_, log) = app.get(&format!("{P}/moderation_log"), Some(&token)).await;
    assert_eq!(log["total"], 0);
    let (status, _) = app
        .get(&format!("{P}/users/ghost/credentials"), Some(&token))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Remote accounts: no email or password.
    app.sql(
        "INSERT INTO accounts (id, nickname, nickname_lower, local, domain, ap_id, created_at, updated_at)
         VALUES ('0000remote', 'far@remote.example', 'far@remote.example', FALSE, 'remote.example', 'https://remote.example/users/far', 0, 0)",
    )
    .await;
    let (status, resp) = app
        .call(
            Method::PATCH,
            &format!("{P}/users/far@remote.example/credentials"),
            Some(&token),
            Some(json!({"email": "a@b.cd", "password": "x"})),
        )
        .await;
    assert_eq!(
        (status, resp),
        (
            StatusCode::BAD_REQUEST,
            json!({"errors": {"email": "is not allowed for remote users", "password": "is not allowed for remote users"}})
        )
    );
}

async fn password_change_signs_out_and_requires_reset(app: TestApp) {
    let token = admin(&app).await;
    app.user("alice", "pw-alice", false, false).await;
    let alice_token = app.token("alice", "pw-alice", "read").await;
    let (status, _) = app
        .assert_access(
            Method::PATCH,
            &format!("{P}/users/alice/credentials"),
            Some(json!({"password": "temporary"})),
            Expect {
                scope: "write:accounts",
                privilege: Some("users_manage_credentials"),
            },
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .get("/api/v1/accounts/verify_credentials", Some(&alice_token))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "tokens revoked");
    let (_, user) = app.get(&format!("{P}/users/alice"), Some(&token)).await;
    assert_eq!(user["nickname"], "alice");
    let (_, log) = app
        .get(&format!("{P}/moderation_log?page_size=2"), Some(&token))
        .await;
    let messages: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["message"].as_str().unwrap())
        .collect();
    assert!(
        messages[0].ends_with("forced password reset for users: @alice"),
        "{messages:?}"
    );
    assert!(
        messages[1].ends_with("updated users: @alice"),
        "{messages:?}"
    );
    let (id, secret) = app.app("read").await;
    let (status, body) = app
        .post_form(
            "/oauth/token",
            &[
                ("grant_type", "password"),
                ("client_id", &id),
                ("client_secret", &secret),
                ("username", "alice"),
                ("password", "temporary"),
            ],
        )
        .await;
    assert_eq!(
        (status, body["identifier"].clone()),
        (StatusCode::FORBIDDEN, json!("password_reset_required"))
    );
}

async fn image_uploads(app: TestApp) {
    let token = admin(&app).await;
    app.user("alice", "pw-alice", false, false).await;
    let form = reqwest::multipart::Form::new()
        .part(
            "avatar",
            reqwest::multipart::Part::bytes(PNG.to_vec())
                .file_name("a.png")
                .mime_str("image/png")
                .unwrap(),
        )
        .text("name", "Alice");
    let resp = app
        .client
        .patch(app.url(&format!("{P}/users/alice/credentials")))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let (_, creds) = app
        .get(&format!("{P}/users/alice/credentials"), Some(&token))
        .await;
    let avatar = creds["avatar"].as_str().unwrap().to_string();
    assert!(
        avatar.starts_with(&format!("{}/media/", app.base)) && avatar.ends_with(".png"),
        "{avatar}"
    );
    let image = app.client.get(&avatar).send().await.unwrap();
    assert_eq!(image.status(), StatusCode::OK);
    assert_eq!(image.headers()["content-type"], "image/png");
    assert_eq!(image.bytes().await.unwrap().as_ref(), PNG);
    // Not an image.
    let form = reqwest::multipart::Form::new().part(
        "banner",
        reqwest::multipart::Part::bytes(b"<svg/>".to_vec()).file_name("b.svg"),
    );
    let resp = app
        .client
        .patch(app.url(&format!("{P}/users/alice/credentials")))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
        json!({"errors": {"banner": "is invalid"}})
    );
    // "" removes it again.
    let (status, _) = app
        .call(
            Method::PATCH,
            &format!("{P}/users/alice/credentials"),
            Some(&token),
            Some(json!({"avatar": ""})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, creds) = app
        .get(&format!("{P}/users/alice/credentials"), Some(&token))
        .await;
    assert_eq!(
        creds["avatar"],
        json!(format!("{}/images/avi.png", app.base))
    );
    // Path tricks never reach the file system.
    for bad in [
        "/media/..%2Fsteward.db",
        "/media/.hidden.png",
        "/media/x.txt",
    ] {
        let resp = app.client.get(app.url(bad)).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{bad}");
    }
}

backend_tests!(
    credentials_round_trip,
    credentials_validation,
    password_change_signs_out_and_requires_reset,
    image_uploads
);

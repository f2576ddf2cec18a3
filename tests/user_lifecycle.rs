//! users.md §3: `POST /users` and `DELETE /users`.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::{Expect, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use steward::server::db::RowExt;

const P: &str = "/api/pleroma/admin";

async fn admin(app: &TestApp) -> String {
    app.user("root", "pw-root", true, false).await;
    app.token("root", "pw-root", "read write follow admin")
        .await
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query(sql)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
        .int("n")
        .unwrap()
}

async fn bulk_create_is_all_or_nothing(app: TestApp) {
    let token = admin(&app).await;
    let (status, body) = app
        .assert_access(
            Method::POST,
            &format!("{P}/users"),
            Some(json!({"users": [{"nickname": "first", "email": "first@example.com", "password": "pw"}]})),
            Expect { scope: "write:accounts", privilege: None },
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!([{"type": "success", "code": 200, "data": {"nickname": "first", "email": "first@example.com"}}])
    );

    let batch = json!({"users": [
        {"nickname": "ok1", "email": "ok1@example.com", "password": "pw"},
        {"nickname": "first", "email": "x@example.com", "password": "pw"},
        {"nickname": "bad name", "email": "y@example.com", "password": "pw"},
        {"nickname": "ok1", "email": "z@example.com", "password": "pw"},
        {"nickname": "ok2", "email": "FIRST@example.com", "password": "pw"},
        {"nickname": "ok3", "email": "not-an-email", "password": "pw"},
        {"nickname": "ok4", "email": "ok4@example.com"},
        {"email": "ok5@example.com", "password": "pw"},
        {"nickname": "api", "email": "ok6@example.com", "password": "pw"},
        {"nickname": 7, "email": "ok7@example.com", "password": "pw"}
    ]});
    let before = count(&app, "SELECT COUNT(*) AS n FROM accounts").await;
    let (status, body) = app
        .call(
            Method::POST,
            &format!("{P}/users"),
            Some(&token),
            Some(batch),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let errors: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["error"].as_str().unwrap())
        .collect();
    assert_eq!(
        errors,
        vec![
            "",
            "nickname has already been taken",
            "nickname has invalid format",
            "nickname has already been taken",
            "email has already been taken",
            "email has invalid format",
            "password can't be blank",
            "nickname can't be blank",
            "nickname is reserved",
            "nickname has invalid format",
        ]
    );
    assert_eq!(
        body[7]["data"],
        json!({"nickname": null, "email": "ok5@example.com"})
    );
    assert_eq!(body[0]["code"], 409);
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM accounts").await,
        before,
        "nothing created"
    );

    // The legacy single form and POST /user.
    let (status, body) = app
        .call(
            Method::POST,
            &format!("{P}/user"),
            Some(&token),
            Some(json!({"nickname": "solo", "email": "solo@example.com", "password": "pw"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, log) = app
        .get(&format!("{P}/moderation_log?page_size=1"), Some(&token))
        .await;
    assert_eq!(log["items"][0]["message"], "@root created users: @solo");
    assert_eq!(log["items"][0]["data"]["subjects"][0]["nickname"], "solo");
    // The new account can log in and is a plain, usable Person.
    let solo = app.token("solo", "pw", "read").await;
    let (_, me) = app
        .get("/api/v1/accounts/verify_credentials", Some(&solo))
        .await;
    assert_eq!(
        (
            me["display_name"].clone(),
            me["pleroma"]["is_admin"].clone()
        ),
        (json!("solo"), json!(false))
    );

    for (body, error) in [
        (json!({}), "Missing field: users."),
        (json!({"users": "x"}), "users - Invalid array. Got: string."),
        (json!({"users": []}), "users can't be blank"),
    ] {
        let (status, resp) = app
            .call(
                Method::POST,
                &format!("{P}/users"),
                Some(&token),
                Some(body),
            )
            .await;
        assert_eq!(
            (status, resp["error"].clone()),
            (StatusCode::BAD_REQUEST, json!(error))
        );
    }
    // Email is required while activation is.
    app.set_config(
        ":pleroma",
        ":instance",
        json!([{"tuple": [":account_activation_required", true]}]),
    )
    .await;
    let (status, body) = app
        .call(
            Method::POST,
            &format!("{P}/users"),
            Some(&token),
            Some(json!({"users": [{"nickname": "mailless", "password": "pw"}]})),
        )
        .await;
    assert_eq!(
        (status, body[0]["error"].clone()),
        (StatusCode::CONFLICT, json!("email can't be blank"))
    );
}

async fn delete_purges_rejects_and_removes(app: TestApp) {
    let token = admin(&app).await;
    for nick in ["local1", "pending", "bob"] {
        app.user(nick, "pw", false, false).await;
    }
    app.sql("UPDATE accounts SET approval_pending = TRUE WHERE nickname = 'pending'")
        .await;
    app.sql(
        "INSERT INTO accounts (id, nickname, nickname_lower, local, domain, ap_id, created_at, updated_at)
         VALUES ('0000remote', 'far@remote.example', 'far@remote.example', FALSE, 'remote.example', 'https://remote.example/users/far', 0, 0)",
    )
    .await;
    app.call(
        Method::POST,
        &format!("{P}/users/follow"),
        Some(&token),
        Some(json!({"follower": "bob", "followed": "local1"})),
    )
    .await;
    app.call(
        Method::PUT,
        &format!("{P}/users/tag"),
        Some(&token),
        Some(json!({"nicknames": ["local1"], "tags": ["x"]})),
    )
    .await;
    let local_token = app.token("local1", "pw", "read").await;

    let (status, body) = app
        .call(
            Method::DELETE,
            &format!("{P}/users"),
            Some(&token),
            Some(json!({"nicknames": ["local1", "pending", "far@remote.example"]})),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::OK,
            json!(["local1", "pending", "far@remote.example"])
        )
    );
    let (_, log) = app
        .get(&format!("{P}/moderation_log?page_size=1"), Some(&token))
        .await;
    assert_eq!(
        log["items"][0]["message"],
        "@root deleted users: @local1, @pending, @far@remote.example"
    );

    // The purged local account is a tombstone: nickname kept, everything else cleared.
    let (status, tomb) = app.get(&format!("{P}/users/local1"), Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            tomb["deactivated"].clone(),
            tomb["email"].clone(),
            tomb["tags"].clone()
        ),
        (json!(true), json!(null), json!([]))
    );
    let (status, _) = app
        .get("/api/v1/accounts/verify_credentials", Some(&local_token))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app
        .call(Method::POST, &format!("{P}/users"), Some(&token), Some(json!({"users": [{"nickname": "local1", "email": "n@example.com", "password": "pw"}]})))
        .await;
    assert_eq!(
        (status, body[0]["error"].clone()),
        (
            StatusCode::CONFLICT,
            json!("nickname has already been taken")
        )
    );
    // Rejected and remote accounts are gone; the follower's counter followed.
    assert_eq!(
        app.get(&format!("{P}/users/pending"), Some(&token)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("{P}/users/far@remote.example"), Some(&token))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        count(
            &app,
            "SELECT following_count AS n FROM accounts WHERE nickname = 'bob'"
        )
        .await,
        0
    );
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM follows").await, 0);

    // Legacy `nickname` wins over `nicknames`; unknown → 404 and nothing deleted.
    let (status, body) = app
        .call(
            Method::DELETE,
            &format!("{P}/user?nickname=bob&nicknames[]=root"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!(["bob"])));
    let (status, _) = app
        .call(
            Method::DELETE,
            &format!("{P}/users"),
            Some(&token),
            Some(json!({"nicknames": ["root", "ghost"]})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = app
        .call(
            Method::DELETE,
            &format!("{P}/users"),
            Some(&token),
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (status, body["error"].clone()),
        (StatusCode::BAD_REQUEST, json!("Missing field: nicknames."))
    );
    let (status, _) = app
        .assert_access(
            Method::DELETE,
            &format!("{P}/users"),
            Some(json!({"nicknames": ["bob"]})),
            Expect {
                scope: "write:accounts",
                privilege: Some("users_delete"),
            },
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let _: Value = json!(null);
}

backend_tests!(
    bulk_create_is_all_or_nothing,
    delete_purges_rejects_and_removes
);

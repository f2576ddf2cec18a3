//! users.md §2–4 and the moderation log they write (operations.md §1).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::{Expect, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const P: &str = "/api/pleroma/admin";

/// An admin token for `root` (created here) with every scope.
async fn admin(app: &TestApp) -> String {
    app.user("root", "pw-root", true, false).await;
    app.token("root", "pw-root", "read write follow admin")
        .await
}

async fn last_log(app: &TestApp, token: &str) -> Value {
    let (_, log) = app
        .get(&format!("{P}/moderation_log?page_size=1"), Some(token))
        .await;
    log["items"][0].clone()
}

async fn list_search_filter_and_page(app: TestApp) {
    let token = admin(&app).await;
    for nick in ["Bob", "alice", "al_ice", "carol"] {
        app.user(nick, "pw", false, false).await;
    }
    app.sql("UPDATE accounts SET deactivated = TRUE WHERE nickname = 'carol'")
        .await;
    app.sql("UPDATE accounts SET display_name = 'Alice <b>A</b>', display_name_lower = 'alice <b>a</b>' WHERE nickname = 'alice'").await;

    let (_, body) = app.get(&format!("{P}/users?query=al"), Some(&token)).await;
    let nicks: Vec<&str> = body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["nickname"].as_str().unwrap())
        .collect();
    assert_eq!(
        nicks,
        vec!["al_ice", "alice"],
        "byte order of lowercase nicknames"
    );
    assert_eq!(body["count"], 2);
    // `_` and `%` are literal.
    let (_, body) = app.get(&format!("{P}/users?query=l_i"), Some(&token)).await;
    assert_eq!(body["count"], 1);
    let (_, body) = app.get(&format!("{P}/users?query=%25"), Some(&token)).await;
    assert_eq!(body["count"], 0);
    // Case-insensitive, and the object has exactly the documented keys.
    let (_, body) = app.get(&format!("{P}/users?query=BOB"), Some(&token)).await;
    let user = &body["users"][0];
    let mut keys: Vec<&str> = user
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        vec![
            "actor_type",
            "approval_pending",
            "avatar",
            "confirmation_pending",
            "created_at",
            "deactivated",
            "display_name",
            "email",
            "id",
            "is_active",
            "is_approved",
            "is_confirmed",
            "local",
            "nickname",
            "registration_reason",
            "roles",
            "tags",
            "url"
        ]
    );
    assert_eq!(user["display_name"], "Bob");
    let (_, body) = app
        .get(&format!("{P}/users?name=ALICE"), Some(&token))
        .await;
    assert_eq!(body["users"][0]["display_name"], "Alice A", "tags stripped");
    let (_, body) = app
        .get(&format!("{P}/users?filters=deactivated"), Some(&token))
        .await;
    assert_eq!(body["count"], 1);
    let (_, body) = app
        .get(&format!("{P}/users?filters=local,external"), Some(&token))
        .await;
    assert_eq!(body["count"], 0);
    let (_, body) = app
        .get(
            &format!("{P}/users?filters[]=is_admin&filters[]=active"),
            Some(&token),
        )
        .await;
    assert_eq!(body["count"], 1);
    let (_, body) = app
        .get(&format!("{P}/users?email=ALICE@example.com"), Some(&token))
        .await;
    assert_eq!(body["count"], 1);

    // Paging: no skips or repeats, clamping, a page past the end.
    let mut seen = Vec::new();
    for page in 1..=3 {
        let (_, body) = app
            .get(&format!("{P}/users?page={page}&page_size=2"), Some(&token))
            .await;
        assert_eq!(body["count"], 5);
        seen.extend(
            body["users"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["id"].as_str().unwrap().to_string()),
        );
    }
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (5, 5));
    let (_, body) = app
        .get(&format!("{P}/users?page_size=100000"), Some(&token))
        .await;
    assert_eq!(body["page_size"], 500);
    let (_, body) = app.get(&format!("{P}/users?page=99"), Some(&token)).await;
    assert_eq!(
        (
            body["users"].as_array().map(Vec::len),
            body["count"].clone()
        ),
        (Some(0), json!(5))
    );
    for (query, error) in [
        ("page=0", "page must be at least 1"),
        ("page_size=-1", "page_size must be at least 1"),
        ("page=abc", "page - Invalid integer. Got: string."),
        (
            "page=99999999999999999999999",
            "page - Invalid integer. Got: string.",
        ),
    ] {
        let (status, body) = app.get(&format!("{P}/users?{query}"), Some(&token)).await;
        assert_eq!(
            (status, body["error"].clone()),
            (StatusCode::BAD_REQUEST, json!(error)),
            "{query}"
        );
    }
    let (status, body) = app
        .assert_access(
            Method::GET,
            &format!("{P}/users"),
            None,
            Expect {
                scope: "read:accounts",
                privilege: Some("users_read"),
            },
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["page_size"], 50);
}

async fn show_by_id_or_nickname(app: TestApp) {
    let token = admin(&app).await;
    let id = app.user("alice", "pw", false, false).await;
    let (status, _) = app
        .assert_access(
            Method::GET,
            &format!("{P}/users/alice"),
            None,
            Expect {
                scope: "read:accounts",
                privilege: Some("users_read"),
            },
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, by_id) = app.get(&format!("{P}/users/{id}"), Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    let (_, by_nick) = app.get(&format!("{P}/users/ALICE"), Some(&token)).await;
    assert_eq!(by_id, by_nick);
    let host = app.state.site.host.clone();
    let (status, _) = app
        .get(&format!("{P}/users/alice@{host}"), Some(&token))
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "nick@this.host is the local account"
    );
    let (status, body) = app.get(&format!("{P}/users/nobody"), Some(&token)).await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, json!({"error": "Not found"}))
    );
    // Internal accounts are invisible.
    app.sql("UPDATE accounts SET internal = TRUE WHERE nickname = 'alice'")
        .await;
    let (status, _) = app.get(&format!("{P}/users/{id}"), Some(&token)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = app
        .get(&format!("{P}/users?query=alice"), Some(&token))
        .await;
    assert_eq!(list["count"], 0);
}

async fn activation_and_approval(app: TestApp) {
    let token = admin(&app).await;
    app.user("alice", "pw", false, false).await;
    app.user("bob", "pw", false, false).await;
    let body = json!({"nicknames": ["alice", "bob", "alice"]});
    let (status, resp) = app
        .assert_access(
            Method::PATCH,
            &format!("{P}/users/deactivate"),
            Some(body.clone()),
            Expect {
                scope: "write:accounts",
                privilege: Some("users_manage_activation_state"),
            },
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        resp["users"].as_array().map(Vec::len),
        Some(2),
        "duplicates once"
    );
    assert_eq!(resp["users"][0]["deactivated"], true);
    app.call(
        Method::PATCH,
        &format!("{P}/users/deactivate"),
        Some(&token),
        Some(body),
    )
    .await;
    let log = last_log(&app, &token).await;
    assert_eq!(log["message"], "@root deactivated users: @alice, @bob");
    assert_eq!(log["data"]["action"], "deactivate");
    assert_eq!(
        log["data"]["actor"],
        json!({"id": log["data"]["actor"]["id"], "nickname": "root", "type": "user"})
    );

    // All or nothing: one unknown nickname changes nothing and logs nothing.
    let (status, _) = app
        .call(
            Method::PATCH,
            &format!("{P}/users/activate"),
            Some(&token),
            Some(json!({"nicknames": ["alice", "ghost"]})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, alice) = app.get(&format!("{P}/users/alice"), Some(&token)).await;
    assert_eq!(alice["deactivated"], true);
    assert_eq!(
        last_log(&app, &token).await["message"],
        "@root deactivated users: @alice, @bob"
    );

    let (status, body) = app
        .call(
            Method::PATCH,
            &format!("{P}/users/activate"),
            Some(&token),
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (status, body["error"].clone()),
        (StatusCode::BAD_REQUEST, json!("Missing field: nicknames."))
    );
    let (status, body) = app
        .call(
            Method::PATCH,
            &format!("{P}/users/activate"),
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
    let (status, body) = app
        .call(
            Method::PATCH,
            &format!("{P}/users/activate"),
            Some(&token),
            Some(json!({"nicknames": 5})),
        )
        .await;
    assert_eq!(
        (status, body["error"].clone()),
        (
            StatusCode::BAD_REQUEST,
            json!("nicknames - Invalid array. Got: integer.")
        )
    );

    let (status, user) = app
        .call(
            Method::PATCH,
            &format!("{P}/users/alice/toggle_activation"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(
        (status, user["deactivated"].clone()),
        (StatusCode::OK, json!(false))
    );
    assert_eq!(
        last_log(&app, &token).await["message"],
        "@root activated users: @alice"
    );
    let (status, user) = app
        .call(
            Method::PUT,
            &format!("{P}/users/alice/activation_status"),
            Some(&token),
            Some(json!({"status": false})),
        )
        .await;
    assert_eq!(
        (status, user["deactivated"].clone()),
        (StatusCode::OK, json!(true))
    );
    let (status, body) = app
        .call(
            Method::PUT,
            &format!("{P}/activation_status/alice"),
            Some(&token),
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (status, body["error"].clone()),
        (StatusCode::BAD_REQUEST, json!("Missing field: status."))
    );

    app.sql("UPDATE accounts SET approval_pending = TRUE WHERE nickname = 'bob'")
        .await;
    let (status, resp) = app
        .assert_access(
            Method::PATCH,
            &format!("{P}/users/approve"),
            Some(json!({"nicknames": ["bob", "alice"]})),
            Expect {
                scope: "write:accounts",
                privilege: Some("users_manage_invites"),
            },
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(resp["users"][0]["approval_pending"], false);
    app.call(
        Method::PATCH,
        &format!("{P}/users/approve"),
        Some(&token),
        Some(json!({"nicknames": ["bob", "alice"]})),
    )
    .await;
    assert_eq!(
        last_log(&app, &token).await["message"],
        "@root approved users: @bob, @alice"
    );
}

async fn tags_keep_order_and_log_as_sent(app: TestApp) {
    let token = admin(&app).await;
    app.user("alice", "pw", false, false).await;
    app.user("bob", "pw", false, false).await;
    let (status, _) = app
        .assert_access(
            Method::PUT,
            &format!("{P}/users/tag"),
            Some(json!({"nicknames": ["alice"], "tags": ["x"]})),
            Expect {
                scope: "write:accounts",
                privilege: Some("users_manage_tags"),
            },
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .call(
            Method::PUT,
            &format!("{P}/users/tag"),
            Some(&token),
            Some(json!({"nicknames": ["alice", "bob"], "tags": ["Foo ", "bar", "x"]})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, alice) = app.get(&format!("{P}/users/alice"), Some(&token)).await;
    assert_eq!(alice["tags"], json!(["x", "foo", "bar"]));
    assert_eq!(
        last_log(&app, &token).await["message"],
        "@root added tags: Foo , bar, x to users: @alice, @bob"
    );
    // The query string works too, and DELETE reads a JSON body.
    let (status, _) = app
        .call(
            Method::DELETE,
            &format!("{P}/users/tag?nicknames[]=alice&tags[]=x"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .call(
            Method::DELETE,
            &format!("{P}/users/tag"),
            Some(&token),
            Some(json!({"nickname": "bob", "tags": ["foo"]})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, alice) = app.get(&format!("{P}/users/alice"), Some(&token)).await;
    assert_eq!(alice["tags"], json!(["foo", "bar"]));
    let (_, filtered) = app
        .get(&format!("{P}/users?tags[]=bar&tags[]=nope"), Some(&token))
        .await;
    assert_eq!(filtered["count"], 2);
    let (status, body) = app
        .call(
            Method::PUT,
            &format!("{P}/users/tag"),
            Some(&token),
            Some(json!({"nicknames": ["alice"], "tags": [" "]})),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "tags can't be blank"})
        )
    );
    let (status, body) = app
        .call(
            Method::PUT,
            &format!("{P}/users/tag"),
            Some(&token),
            Some(json!({"nicknames": ["alice"]})),
        )
        .await;
    assert_eq!(
        (status, body["error"].clone()),
        (StatusCode::BAD_REQUEST, json!("Missing field: tags."))
    );
}

async fn permission_groups(app: TestApp) {
    let token = admin(&app).await;
    app.user("alice", "pw", false, false).await;
    let (status, body) = app
        .assert_access(
            Method::GET,
            &format!("{P}/users/alice/permission_group"),
            None,
            Expect {
                scope: "read:accounts",
                privilege: None,
            },
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::OK,
            json!({"is_admin": false, "is_moderator": false})
        )
    );
    let (status, body) = app
        .assert_access(
            Method::POST,
            &format!("{P}/users/alice/permission_group/moderator"),
            None,
            Expect {
                scope: "write:accounts",
                privilege: None,
            },
        )
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({"is_moderator": true}))
    );
    app.call(
        Method::POST,
        &format!("{P}/users/alice/permission_group/moderator"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(
        last_log(&app, &token).await["message"],
        "@root made @alice moderator"
    );
    let (_, body) = app
        .get(
            &format!("{P}/permission_group/alice/moderator"),
            Some(&token),
        )
        .await;
    assert_eq!(body, json!({"is_admin": false, "is_moderator": true}));
    let (status, body) = app
        .get(
            &format!("{P}/users/alice/permission_group/king"),
            Some(&token),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::NOT_FOUND,
            json!({"error": "No such permission_group"})
        )
    );
    let (status, body) = app
        .call(
            Method::POST,
            &format!("{P}/users/permission_group/admin"),
            Some(&token),
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (status, body["error"].clone()),
        (StatusCode::BAD_REQUEST, json!("Missing field: nicknames."))
    );
    let (status, body) = app
        .call(
            Method::POST,
            &format!("{P}/users/permission_group/admin"),
            Some(&token),
            Some(json!({"nicknames": ["alice"]})),
        )
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!({"is_admin": true})));
    // Self-protection: nothing changes, nothing is logged.
    let (status, body) = app
        .call(
            Method::DELETE,
            &format!("{P}/users/permission_group/admin"),
            Some(&token),
            Some(json!({"nicknames": ["alice", "root"]})),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "You can't revoke your own admin status."})
        )
    );
    let (_, alice) = app.get(&format!("{P}/users/alice"), Some(&token)).await;
    assert_eq!(alice["roles"], json!({"admin": true, "moderator": true}));
    let (status, body) = app
        .call(
            Method::DELETE,
            &format!("{P}/users/alice/permission_group/admin"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!({"is_admin": false})));
    assert_eq!(
        last_log(&app, &token).await["message"],
        "@root revoked admin role from @alice"
    );
    // Revoking one's own moderator role is fine.
    let (status, _) = app
        .call(
            Method::DELETE,
            &format!("{P}/users/root/permission_group/moderator"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

async fn forced_follows(app: TestApp) {
    let token = admin(&app).await;
    app.user("alice", "pw", false, false).await;
    app.user("bob", "pw", false, false).await;
    let body = json!({"follower": "alice", "followed": "bob"});
    let (status, resp) = app
        .assert_access(
            Method::POST,
            &format!("{P}/users/follow"),
            Some(body.clone()),
            Expect {
                scope: "write:follows",
                privilege: None,
            },
        )
        .await;
    assert_eq!((status, resp), (StatusCode::OK, json!("ok")));
    let (status, _) = app
        .call(
            Method::POST,
            &format!("{P}/user/follow"),
            Some(&token),
            Some(body.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "repeat is a no-op");
    assert_eq!(
        last_log(&app, &token).await["message"],
        "@root made @alice follow @bob"
    );
    let counts = sqlx::query("SELECT following_count FROM accounts WHERE nickname = 'alice'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(
        steward::server::db::RowExt::int(&counts, "following_count").unwrap(),
        1
    );
    let (status, _) = app
        .call(
            Method::POST,
            &format!("{P}/users/unfollow"),
            Some(&token),
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        last_log(&app, &token).await["message"],
        "@root made @alice unfollow @bob"
    );
    let (status, resp) = app
        .call(
            Method::POST,
            &format!("{P}/users/follow"),
            Some(&token),
            Some(json!({"follower": "alice", "followed": "alice"})),
        )
        .await;
    assert_eq!(
        (status, resp),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "A user can't follow themselves."})
        )
    );
    let (status, resp) = app
        .call(
            Method::POST,
            &format!("{P}/users/follow"),
            Some(&token),
            Some(json!({"followed": "alice"})),
        )
        .await;
    assert_eq!(
        (status, resp["error"].clone()),
        (StatusCode::BAD_REQUEST, json!("Missing field: follower."))
    );
    let (status, _) = app
        .call(
            Method::POST,
            &format!("{P}/users/follow"),
            Some(&token),
            Some(json!({"follower": "ghost", "followed": "alice"})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn force_password_reset_blocks_login(app: TestApp) {
    let token = admin(&app).await;
    app.user("alice", "pw-alice", false, false).await;
    let alice_token = app.token("alice", "pw-alice", "read").await;
    let (status, _) = app
        .assert_access(
            Method::PATCH,
            &format!("{P}/users/force_password_reset"),
            Some(json!({"nicknames": ["alice"]})),
            Expect {
                scope: "write:accounts",
                privilege: Some("users_manage_credentials"),
            },
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    app.call(
        Method::PATCH,
        &format!("{P}/users/force_password_reset"),
        Some(&token),
        Some(json!({"nicknames": ["alice"]})),
    )
    .await;
    assert_eq!(
        last_log(&app, &token).await["message"],
        "@root forced password reset for users: @alice"
    );
    let (status, _) = app
        .get("/api/v1/accounts/verify_credentials", Some(&alice_token))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .call(
            Method::PATCH,
            &format!("{P}/users/alice/force_password_reset"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

async fn moderation_log_filters(app: TestApp) {
    let token = admin(&app).await;
    app.user("alice", "pw", false, false).await;
    app.user("mod", "pw-mod", false, true).await;
    for path in ["deactivate", "activate"] {
        app.call(
            Method::PATCH,
            &format!("{P}/users/{path}"),
            Some(&token),
            Some(json!({"nicknames": ["alice"]})),
        )
        .await;
    }
    let mod_token = app.token("mod", "pw-mod", "read admin").await;
    let (status, log) = app
        .get(&format!("{P}/moderation_log"), Some(&mod_token))
        .await;
    assert_eq!(status, StatusCode::OK, "moderators read the log by default");
    assert_eq!(log["total"], 2);
    assert_eq!(
        log["items"][0]["message"], "@root activated users: @alice",
        "newest first"
    );
    assert!(log["items"][0]["time"].is_i64());
    let (_, log) = app
        .get(
            &format!("{P}/moderation_log?search=DEACTIVATED"),
            Some(&token),
        )
        .await;
    assert_eq!(log["total"], 1);
    let (_, log) = app
        .get(
            &format!("{P}/moderation_log?action=activate,deactivate&page_size=1&page=2"),
            Some(&token),
        )
        .await;
    assert_eq!(
        (log["total"].clone(), log["items"].as_array().map(Vec::len)),
        (json!(2), Some(1))
    );
    let root_id = log["items"][0]["data"]["actor"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (_, log) = app
        .get(
            &format!("{P}/moderation_log?user_id={root_id}"),
            Some(&token),
        )
        .await;
    assert_eq!(log["total"], 2);
    let (_, log) = app
        .get(
            &format!("{P}/moderation_log?start_date=2999-01-01"),
            Some(&token),
        )
        .await;
    assert_eq!(log["total"], 0);
    let (_, log) = app
        .get(
            &format!("{P}/moderation_log?end_date=2999-01-01T00:00:00Z"),
            Some(&token),
        )
        .await;
    assert_eq!(log["total"], 2);
    let (status, body) = app
        .get(&format!("{P}/moderation_log?start_date=soon"), Some(&token))
        .await;
    assert_eq!(
        (status, body["error"].clone()),
        (
            StatusCode::BAD_REQUEST,
            json!("start_date - Invalid format. Expected :date-time.")
        )
    );
    let (status, _) = app
        .assert_access(
            Method::GET,
            &format!("{P}/moderation_log"),
            None,
            Expect {
                scope: "read",
                privilege: Some("moderation_log_read"),
            },
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

backend_tests!(
    list_search_filter_and_page,
    show_by_id_or_nickname,
    activation_and_approval,
    tags_keep_order_and_log_as_sent,
    permission_groups,
    forced_follows,
    force_password_reset_blocks_login,
    moderation_log_filters,
);

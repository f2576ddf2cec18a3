//! moderation.md §3–4: the Admin API's statuses, instances and stats, and the log entries they write.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::{Expect, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use steward::server::db::accounts::{self, NewAccount};
use steward::server::db::statuses::{self, NewStatus};
use steward::server::db::{new_id, now_ms};

const P: &str = "/api/pleroma/admin";
const P1: &str = "/api/v1/pleroma/admin";

/// An admin token for `root` (created here) with every scope.
async fn admin(app: &TestApp) -> String {
    app.user("root", "pw-root", true, false).await;
    app.token("root", "pw-root", "read write follow admin")
        .await
}

/// A local user and a client token for it.
async fn poster(app: &TestApp, nick: &str) -> (String, String) {
    let id = app.user(nick, "pw", false, false).await;
    (id, app.token(nick, "pw", "read write follow").await)
}

/// Posts through the client API; returns the status entity.
async fn post(app: &TestApp, token: &str, body: Value) -> Value {
    let (status, entity) = app
        .call(Method::POST, "/api/v1/statuses", Some(token), Some(body))
        .await;
    assert_eq!(status, StatusCode::OK, "{entity}");
    entity
}

async fn reblog(app: &TestApp, token: &str, id: &str) -> Value {
    let (status, entity) = app
        .call(
            Method::POST,
            &format!("/api/v1/statuses/{id}/reblog"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{entity}");
    entity
}

/// A remote account on `domain`.
async fn remote(app: &TestApp, nick: &str, domain: &str) -> String {
    let mut tx = app.state.db.begin().await.unwrap();
    let id = accounts::insert(
        &mut tx,
        &app.state.site.base_url,
        &NewAccount {
            nickname: nick.into(),
            domain: Some(domain.into()),
            ..NewAccount::default()
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

/// A status of a remote account, stored as federation would have delivered it.
async fn remote_status(app: &TestApp, account_id: &str, host: &str, visibility: &str) -> String {
    let id = new_id();
    let mut tx = app.state.db.begin().await.unwrap();
    statuses::insert(
        &mut tx,
        &NewStatus {
            id: id.clone(),
            account_id: account_id.into(),
            local: false,
            host: host.into(),
            uri: format!("https://{host}/objects/{id}"),
            url: format!("https://{host}/objects/{id}"),
            content: "remote words".into(),
            source: "remote words".into(),
            visibility: visibility.into(),
            mentions: json!([]),
            tags: json!([]),
            created_at: now_ms(),
            ..NewStatus::default()
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn last_log(app: &TestApp, token: &str) -> Value {
    let (_, log) = app
        .get(&format!("{P}/moderation_log?page_size=1"), Some(token))
        .await;
    log["items"][0].clone()
}

async fn log_total(app: &TestApp, token: &str) -> i64 {
    let (_, log) = app
        .get(&format!("{P}/moderation_log?page_size=1"), Some(token))
        .await;
    log["total"].as_i64().unwrap()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("expected an array: {list}"))
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

async fn every_route_checks_its_caller(app: TestApp) {
    let (_, token) = poster(&app, "alice").await;
    let one = post(&app, &token, json!({"status": "one"})).await;
    let two = post(&app, &token, json!({"status": "two"})).await;
    let read = || Expect {
        scope: "read:statuses",
        privilege: Some("messages_read"),
    };
    let write = || Expect {
        scope: "write:statuses",
        privilege: Some("messages_delete"),
    };
    let (status, body) = app
        .assert_access(Method::GET, &format!("{P}/statuses"), None, read())
        .await;
    assert_eq!((status, ids(&body).len()), (StatusCode::OK, 2));
    let (status, body) = app
        .assert_access(
            Method::GET,
            &format!("{P1}/statuses/{}", one["id"].as_str().unwrap()),
            None,
            read(),
        )
        .await;
    assert_eq!((status, &body["id"]), (StatusCode::OK, &one["id"]));
    let (status, body) = app
        .assert_access(
            Method::PUT,
            &format!("{P}/statuses/{}", one["id"].as_str().unwrap()),
            Some(json!({"sensitive": true})),
            write(),
        )
        .await;
    assert_eq!((status, &body["sensitive"]), (StatusCode::OK, &json!(true)));
    // The moderator holding the privilege deletes it; the admin then finds it gone.
    let (status, _) = app
        .assert_access(
            Method::DELETE,
            &format!("{P}/statuses/{}", two["id"].as_str().unwrap()),
            None,
            write(),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = app
        .assert_access(
            Method::GET,
            &format!("{P}/users/alice/statuses"),
            None,
            read(),
        )
        .await;
    assert_eq!((status, ids(&body).len()), (StatusCode::OK, 1));
    let (status, body) = app
        .assert_access(
            Method::GET,
            &format!("{P1}/instances/remote.example/statuses"),
            None,
            read(),
        )
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!([])));
    let (status, body) = app
        .assert_access(
            Method::DELETE,
            &format!("{P}/instances/remote.example"),
            None,
            Expect {
                scope: "write:accounts | admin:write:statuses",
                privilege: Some("instances_delete"),
            },
        )
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!("remote.example")));
    let (status, body) = app
        .assert_access(
            Method::GET,
            &format!("{P}/stats"),
            None,
            Expect {
                scope: "read",
                privilege: Some("statistics_read"),
            },
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"status_visibility": {"public": 1, "unlisted": 0, "private": 0, "direct": 0}})
    );
}

async fn list_filters_and_paging(app: TestApp) {
    let token = admin(&app).await;
    let (_, alice) = poster(&app, "alice").await;
    let (bob_id, bob) = poster(&app, "bob").await;
    let public = post(
        &app,
        &alice,
        json!({"status": "hello", "visibility": "public"}),
    )
    .await;
    let unlisted = post(
        &app,
        &alice,
        json!({"status": "quiet", "visibility": "unlisted"}),
    )
    .await;
    let private = post(
        &app,
        &alice,
        json!({"status": "friends", "visibility": "private"}),
    )
    .await;
    let direct = post(
        &app,
        &alice,
        json!({"status": "@bob psst", "visibility": "direct"}),
    )
    .await;
    let boost = reblog(&app, &bob, public["id"].as_str().unwrap()).await;
    let bob_post = post(&app, &bob, json!({"status": "bob here"})).await;
    let far = remote(&app, "carol", "Remote.Example").await;
    let far_post = remote_status(&app, &far, "remote.example", "public").await;
    // Deactivated authors are left out of the global list.
    app.sql(&format!(
        "UPDATE accounts SET deactivated = TRUE WHERE id = '{bob_id}'"
    ))
    .await;

    let (status, body) = app.get(&format!("{P}/statuses"), Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        ids(&body),
        vec![
            far_post.clone(),
            unlisted["id"].as_str().unwrap().to_string(),
            public["id"].as_str().unwrap().to_string()
        ],
        "public collection, no reblogs, newest first, deactivated authors excluded"
    );
    let _ = bob_post;
    // The admin status object: the status entity with a merged account and viewer flags false.
    let first = &body[2];
    for key in [
        "nickname",
        "roles",
        "is_active",
        "username",
        "acct",
        "statuses_count",
    ] {
        assert!(
            first["account"].get(key).is_some(),
            "account.{key}: {first}"
        );
    }
    assert_eq!(first["account"]["nickname"], "alice");
    assert_eq!(first["content"], "hello");
    assert_eq!(first["reblogs_count"], 1);
    for flag in ["reblogged", "favourited", "bookmarked", "muted", "pinned"] {
        assert_eq!(first[flag], false, "{flag}");
    }
    assert_eq!(first["pleroma"]["local"], true);
    assert!(first["created_at"].as_str().unwrap().ends_with(".000Z"));

    let (_, body) = app
        .get(
            &format!("{P}/statuses?godmode=true&local_only=1"),
            Some(&token),
        )
        .await;
    assert_eq!(
        ids(&body),
        [&direct, &private, &unlisted, &public]
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    );
    // Reblogs by a deactivated account stay out; reactivated, the reblog shows with its original.
    app.sql(&format!(
        "UPDATE accounts SET deactivated = FALSE WHERE id = '{bob_id}'"
    ))
    .await;
    let (_, body) = app
        .get(
            &format!("{P}/statuses?with_reblogs=true&local_only=true"),
            Some(&token),
        )
        .await;
    let listed = ids(&body);
    assert!(listed.contains(&boost["id"].as_str().unwrap().to_string()));
    let shown = body
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == boost["id"])
        .unwrap();
    assert_eq!(shown["reblog"]["id"], public["id"]);
    assert_eq!(shown["reblog"]["account"]["nickname"], "alice");
    assert_eq!(shown["content"], "");
    assert_eq!(shown["reblogged"], false, "no viewer flags in admin views");

    // Paging: no skips or repeats, a page past the end is empty, huge sizes are clamped.
    let (_, all) = app
        .get(
            &format!("{P}/statuses?godmode=true&with_reblogs=true"),
            Some(&token),
        )
        .await;
    let all = ids(&all);
    assert_eq!(all.len(), 7);
    let mut seen = Vec::new();
    for page in 1..=3 {
        let (_, body) = app
            .get(
                &format!("{P}/statuses?godmode=true&with_reblogs=true&page={page}&page_size=3"),
                Some(&token),
            )
            .await;
        seen.extend(ids(&body));
    }
    assert_eq!(seen, all);
    let (_, body) = app
        .get(&format!("{P}/statuses?page=99"), Some(&token))
        .await;
    assert_eq!(body, json!([]));
    let (status, body) = app
        .get(
            &format!("{P}/statuses?godmode=1&with_reblogs=1&page_size=99999999"),
            Some(&token),
        )
        .await;
    assert_eq!((status, ids(&body).len()), (StatusCode::OK, 7));

    // Bad input: clear 400s.
    for (query, message) in [
        ("page=0", "page must be at least 1"),
        ("page_size=0", "page_size must be at least 1"),
        ("page=x", "page - Invalid integer. Got: string."),
        ("page_size=1.5", "page_size - Invalid integer. Got: string."),
        ("godmode=maybe", "godmode - Invalid boolean. Got: string."),
        (
            "local_only=yes",
            "local_only - Invalid boolean. Got: string.",
        ),
        (
            "with_reblogs=%27%3B--",
            "with_reblogs - Invalid boolean. Got: string.",
        ),
    ] {
        let (status, body) = app
            .get(&format!("{P}/statuses?{query}"), Some(&token))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(body["error"], message, "{query}");
    }
    let (status, body) = app
        .call(
            Method::GET,
            &format!("{P}/statuses"),
            Some(&token),
            Some(json!({"godmode": [true], "page": {"a": 1}})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // Empty strings count as absent.
    let (status, _) = app
        .get(&format!("{P}/statuses?godmode=&page="), Some(&token))
        .await;
    assert_eq!(status, StatusCode::OK);
}

async fn show_update_and_delete(app: TestApp) {
    let token = admin(&app).await;
    let (_, alice) = poster(&app, "alice").await;
    let (bob_id, bob) = poster(&app, "bob").await;
    let status = post(&app, &alice, json!({"status": "hi #there"})).await;
    let id = status["id"].as_str().unwrap().to_string();
    let boost = reblog(&app, &bob, &id).await;
    let direct = post(
        &app,
        &alice,
        json!({"status": "secret", "visibility": "direct"}),
    )
    .await;

    // Show: reblogs with their nested original, unknown and hostile ids 404.
    let (code, body) = app
        .get(
            &format!("{P}/statuses/{}", boost["id"].as_str().unwrap()),
            Some(&token),
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(body["reblog"]["id"], json!(id));
    assert_eq!(body["account"]["nickname"], "bob");
    for bad in [
        "nope",
        "%27%20OR%201%3D1--",
        "%E2%9C%93%F0%9F%98%80",
        &"9".repeat(300),
    ] {
        let (code, body) = app.get(&format!("{P}/statuses/{bad}"), Some(&token)).await;
        assert_eq!(
            (code, body),
            (StatusCode::NOT_FOUND, json!({"error": "Not found"})),
            "{bad}"
        );
    }

    // PUT errors change nothing and log nothing.
    let before = log_total(&app, &token).await;
    let url = format!("{P}/statuses/{id}");
    let cases: Vec<(String, Value, StatusCode, &str)> = vec![
        (
            url.clone(),
            json!({}),
            StatusCode::BAD_REQUEST,
            "Missing field: sensitive or visibility.",
        ),
        (
            url.clone(),
            json!({"visibility": "direct"}),
            StatusCode::BAD_REQUEST,
            "Unsupported visibility",
        ),
        (
            url.clone(),
            json!({"visibility": "list", "sensitive": true}),
            StatusCode::BAD_REQUEST,
            "Unsupported visibility",
        ),
        (
            url.clone(),
            json!({"visibility": "local"}),
            StatusCode::BAD_REQUEST,
            "Unsupported visibility",
        ),
        (
            url.clone(),
            json!({"visibility": "secret"}),
            StatusCode::BAD_REQUEST,
            "secret - Invalid value for enum.",
        ),
        (
            url.clone(),
            json!({"visibility": "' OR 1=1 --"}),
            StatusCode::BAD_REQUEST,
            "' OR 1=1 -- - Invalid value for enum.",
        ),
        (
            url.clone(),
            json!({"sensitive": "yes"}),
            StatusCode::BAD_REQUEST,
            "sensitive - Invalid boolean. Got: string.",
        ),
        (
            url.clone(),
            json!({"visibility": 3}),
            StatusCode::BAD_REQUEST,
            "visibility - Invalid string. Got: integer.",
        ),
        (
            format!("{P}/statuses/{}", direct["id"].as_str().unwrap()),
            json!({"visibility": "public"}),
            StatusCode::BAD_REQUEST,
            "Unsupported visibility",
        ),
        (
            format!("{P}/statuses/{}", boost["id"].as_str().unwrap()),
            json!({"sensitive": true}),
            StatusCode::BAD_REQUEST,
            "Reblogs can't be updated",
        ),
        (
            format!("{P}/statuses/unknown"),
            json!({"sensitive": true}),
            StatusCode::NOT_FOUND,
            "Not found",
        ),
    ];
    for (path, body, code, message) in cases {
        let (got, resp) = app
            .call(Method::PUT, &path, Some(&token), Some(body.clone()))
            .await;
        assert_eq!(
            (got, resp["error"].as_str()),
            (code, Some(message)),
            "{body}"
        );
    }
    assert_eq!(log_total(&app, &token).await, before, "errors log nothing");
    let (_, unchanged) = app.get(&url, Some(&token)).await;
    assert_eq!(
        (&unchanged["sensitive"], &unchanged["visibility"]),
        (&json!(false), &json!("public"))
    );

    // Sensitive only (form-encoded, as admin-fe may send it).
    let resp = app
        .client
        .put(app.url(&url))
        .bearer_auth(&token)
        .form(&[("sensitive", "true")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["sensitive"], true);
    assert_eq!(
        body["account"]["nickname"], "alice",
        "the admin status object"
    );
    assert!(body["account"].get("roles").is_some());
    let entry = last_log(&app, &token).await;
    assert_eq!(
        entry["message"],
        format!("@root updated status #{id}, set sensitive: 'true'")
    );
    assert_eq!(entry["data"]["action"], "status_update");
    assert_eq!(
        entry["data"]["subject"],
        json!({"type": "status", "id": id})
    );
    assert_eq!(entry["data"]["sensitive"], true);
    assert_eq!(entry["data"]["visibility"], Value::Null);

    // Visibility only, unchanged values still log.
    let (code, _) = app
        .call(
            Method::PUT,
            &url,
            Some(&token),
            Some(json!({"visibility": "unlisted"})),
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(
        last_log(&app, &token).await["message"],
        format!("@root updated status #{id}, set visibility: 'unlisted'")
    );

    // Becoming private removes its reblogs and fixes the reblogger's count.
    let (code, body) = app
        .call(
            Method::PUT,
            &format!("{P1}/statuses/{id}"),
            Some(&token),
            Some(json!({"sensitive": false, "visibility": "private"})),
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(
        (
            &body["visibility"],
            &body["sensitive"],
            &body["reblogs_count"]
        ),
        (&json!("private"), &json!(false), &json!(0))
    );
    assert_eq!(
        last_log(&app, &token).await["message"],
        format!("@root updated status #{id}, set sensitive: 'false', visibility: 'private'")
    );
    let (code, _) = app
        .get(
            &format!("{P}/statuses/{}", boost["id"].as_str().unwrap()),
            Some(&token),
        )
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    let (_, bob_view) = app.get(&format!("{P}/users/{bob_id}"), Some(&token)).await;
    assert_eq!(bob_view["nickname"], "bob");
    let (_, bob_statuses) = app
        .get(
            &format!("{P}/users/bob/statuses?with_reblogs=true&godmode=true"),
            Some(&token),
        )
        .await;
    assert_eq!(bob_statuses, json!([]));

    // Delete: any author, then 404; the log names the id as given.
    let (code, body) = app.call(Method::DELETE, &url, Some(&token), None).await;
    assert_eq!((code, body), (StatusCode::OK, json!({})));
    let entry = last_log(&app, &token).await;
    assert_eq!(entry["message"], format!("@root deleted status #{id}"));
    assert_eq!(entry["data"]["subject_id"], json!(id));
    assert_eq!(entry["data"]["action"], "status_delete");
    let (code, _) = app.get(&url, Some(&token)).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    let before = log_total(&app, &token).await;
    let (code, body) = app.call(Method::DELETE, &url, Some(&token), None).await;
    assert_eq!(
        (code, body),
        (StatusCode::NOT_FOUND, json!({"error": "Not found"}))
    );
    assert_eq!(log_total(&app, &token).await, before);
    // The author's counter follows.
    let (_, alice_user) = app
        .get(&format!("{P}/users/alice/statuses?godmode=1"), Some(&token))
        .await;
    assert_eq!(ids(&alice_user).len(), 1);
    let (_, status) = app
        .get(
            &format!("{P}/statuses/{}", direct["id"].as_str().unwrap()),
            Some(&token),
        )
        .await;
    assert_eq!(status["account"]["statuses_count"], 1);
}

async fn user_and_instance_lists(app: TestApp) {
    let token = admin(&app).await;
    let (alice_id, alice) = poster(&app, "alice").await;
    let (_, bob) = poster(&app, "bob").await;
    let a1 = post(&app, &alice, json!({"status": "a1"})).await;
    let a2 = post(
        &app,
        &alice,
        json!({"status": "a2", "visibility": "private"}),
    )
    .await;
    let b1 = post(&app, &bob, json!({"status": "b1"})).await;
    let alice_boost = reblog(&app, &alice, b1["id"].as_str().unwrap()).await;
    let far = remote(&app, "dave", "Fedi.Example:8443").await;
    let far1 = remote_status(&app, &far, "fedi.example:8443", "public").await;
    let far2 = remote_status(&app, &far, "fedi.example:8443", "direct").await;
    app.sql(&format!(
        "UPDATE accounts SET deactivated = TRUE WHERE id = '{alice_id}'"
    ))
    .await;
    let id = |v: &Value| v["id"].as_str().unwrap().to_string();

    // Per user: deactivated accounts included, by nickname or id, godmode and reblogs.
    let (code, body) = app
        .get(&format!("{P}/users/alice/statuses"), Some(&token))
        .await;
    assert_eq!((code, ids(&body)), (StatusCode::OK, vec![id(&a1)]));
    let (_, body) = app
        .get(
            &format!("{P1}/users/{alice_id}/statuses?godmode=true&with_reblogs=true"),
            Some(&token),
        )
        .await;
    assert_eq!(ids(&body), vec![id(&alice_boost), id(&a2), id(&a1)]);
    let (_, body) = app
        .get(
            &format!("{P}/users/alice/statuses?godmode=true&page=2&page_size=1"),
            Some(&token),
        )
        .await;
    assert_eq!(ids(&body), vec![id(&a1)]);
    for bad in [
        "nobody",
        "%27%3B%20DROP%20TABLE%20statuses%3B--",
        "%F0%9F%98%80",
    ] {
        let (code, body) = app
            .get(&format!("{P}/users/{bad}/statuses"), Some(&token))
            .await;
        assert_eq!(
            (code, body),
            (StatusCode::NOT_FOUND, json!({"error": "Not found"})),
            "{bad}"
        );
    }
    let (code, body) = app
        .get(
            &format!("{P}/users/alice/statuses?page_size=-1"),
            Some(&token),
        )
        .await;
    assert_eq!(
        (code, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "page_size must be at least 1"})
        )
    );

    // Per instance: case-insensitive host[:port]; this host = local statuses (deactivated excluded).
    let (code, body) = app
        .get(
            &format!("{P}/instances/FEDI.example:8443/statuses"),
            Some(&token),
        )
        .await;
    assert_eq!((code, ids(&body)), (StatusCode::OK, vec![far1.clone()]));
    let (_, body) = app
        .get(
            &format!("{P}/instances/fedi.example:8443/statuses?godmode=true"),
            Some(&token),
        )
        .await;
    assert_eq!(ids(&body), vec![far2, far1]);
    let host = app.base.trim_start_matches("http://").to_string();
    let (_, body) = app
        .get(
            &format!("{P}/instances/{host}/statuses?with_reblogs=true"),
            Some(&token),
        )
        .await;
    assert_eq!(ids(&body), vec![id(&b1)], "alice is deactivated");
    for unknown in ["nowhere.example", "%25", "%27%20OR%20%271%27%3D%271"] {
        let (code, body) = app
            .get(&format!("{P}/instances/{unknown}/statuses"), Some(&token))
            .await;
        assert_eq!((code, body), (StatusCode::OK, json!([])), "{unknown}");
    }
}

async fn stats_and_instance_delete(app: TestApp) {
    let token = admin(&app).await;
    let zeros =
        json!({"status_visibility": {"public": 0, "unlisted": 0, "private": 0, "direct": 0}});
    let (code, body) = app.get(&format!("{P}/stats"), Some(&token)).await;
    assert_eq!((code, body), (StatusCode::OK, zeros.clone()));

    let (_, alice) = poster(&app, "alice").await;
    let (_, bob) = poster(&app, "bob").await;
    let a = post(&app, &alice, json!({"status": "a"})).await;
    post(
        &app,
        &alice,
        json!({"status": "b", "visibility": "unlisted"}),
    )
    .await;
    post(&app, &alice, json!({"status": "c", "visibility": "direct"})).await;
    reblog(&app, &bob, a["id"].as_str().unwrap()).await;
    let far = remote(&app, "erin", "gone.example").await;
    let far_status = remote_status(&app, &far, "gone.example", "private").await;
    remote_status(&app, &far, "gone.example", "public").await;
    let other = remote(&app, "fay", "stays.example").await;
    remote_status(&app, &other, "stays.example", "public").await;
    // Bob follows erin; erin's removal fixes bob's count.
    app.sql(&format!(
        "INSERT INTO follows (follower_id, followed_id, accepted, created_at)
         SELECT id, '{far}', TRUE, 0 FROM accounts WHERE nickname = 'bob'"
    ))
    .await;
    app.sql("UPDATE accounts SET following_count = 1 WHERE nickname = 'bob'")
        .await;
    // A report about erin keeps existing after the instance is gone.
    app.sql(&format!(
        "INSERT INTO reports (id, reporter_id, account_id, status_ids, state, forwarded, created_at, updated_at)
         VALUES ('{}', NULL, '{far}', '[\"{far_status}\"]', 'open', FALSE, 0, 0)",
        new_id()
    ))
    .await;

    let (_, body) = app.get(&format!("{P}/stats"), Some(&token)).await;
    assert_eq!(
        body,
        json!({"status_visibility": {"public": 3, "unlisted": 1, "private": 1, "direct": 1}}),
        "reblogs are not counted"
    );
    let (_, body) = app
        .get(&format!("{P}/stats?instance=GONE.example"), Some(&token))
        .await;
    assert_eq!(
        body,
        json!({"status_visibility": {"public": 1, "unlisted": 0, "private": 1, "direct": 0}})
    );
    // The counters (migration 0015) follow a visibility change and a deletion, and an author
    // turning internal leaves the counts at once.
    let a_path = format!("{P}/statuses/{}", a["id"].as_str().unwrap());
    let (code, _) = app
        .call(
            Method::PUT,
            &a_path,
            Some(&token),
            Some(json!({"visibility": "private"})),
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    app.sql(&format!(
        "UPDATE accounts SET internal = TRUE WHERE id = '{other}'"
    ))
    .await;
    let (_, body) = app.get(&format!("{P}/stats"), Some(&token)).await;
    assert_eq!(
        body,
        json!({"status_visibility": {"public": 1, "unlisted": 1, "private": 2, "direct": 1}})
    );
    let (_, body) = app
        .get(&format!("{P}/stats?instance=stays.example"), Some(&token))
        .await;
    assert_eq!(body, zeros);
    app.sql(&format!(
        "UPDATE accounts SET internal = FALSE WHERE id = '{other}'"
    ))
    .await;
    let (code, _) = app.call(Method::DELETE, &a_path, Some(&token), None).await;
    assert_eq!(code, StatusCode::OK);
    let (_, body) = app.get(&format!("{P}/stats"), Some(&token)).await;
    assert_eq!(
        body,
        json!({"status_visibility": {"public": 2, "unlisted": 1, "private": 1, "direct": 1}})
    );
    for unknown in ["nowhere.example", "' OR 1=1 --", "☃.example"] {
        let (code, body) = app
            .call(
                Method::GET,
                &format!("{P}/stats"),
                Some(&token),
                Some(json!({"instance": unknown})),
            )
            .await;
        assert_eq!((code, body), (StatusCode::OK, zeros.clone()), "{unknown}");
    }
    let (code, body) = app
        .call(
            Method::GET,
            &format!("{P}/stats"),
            Some(&token),
            Some(json!({"instance": 7})),
        )
        .await;
    assert_eq!(
        (code, body["error"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("instance - Invalid string. Got: integer.")
        )
    );

    // The local instance cannot be deleted (any case), and nothing is logged.
    let before = log_total(&app, &token).await;
    let host = app.base.trim_start_matches("http://").to_uppercase();
    let (code, body) = app
        .call(
            Method::DELETE,
            &format!("{P}/instances/{host}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(
        (code, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "Can't delete the local instance"})
        )
    );
    assert_eq!(log_total(&app, &token).await, before);

    let (code, body) = app
        .call(
            Method::DELETE,
            &format!("{P1}/instances/Gone.Example"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!((code, body), (StatusCode::OK, json!("Gone.Example")));
    let entry = last_log(&app, &token).await;
    assert_eq!(entry["message"], "@root deleted instance: Gone.Example");
    assert_eq!(entry["data"]["action"], "instance_delete");
    assert_eq!(entry["data"]["target"], "Gone.Example");
    let (code, _) = app.get(&format!("{P}/users/{far}"), Some(&token)).await;
    assert_eq!(code, StatusCode::NOT_FOUND, "the account is removed");
    let (_, body) = app
        .get(&format!("{P}/stats?instance=gone.example"), Some(&token))
        .await;
    assert_eq!(body, zeros);
    let (_, body) = app
        .get(
            &format!("{P}/instances/stays.example/statuses"),
            Some(&token),
        )
        .await;
    assert_eq!(ids(&body).len(), 1, "other hosts untouched");
    let (_, bob_user) = app.get(&format!("{P}/users/bob"), Some(&token)).await;
    assert_eq!(bob_user["nickname"], "bob");
    let row = sqlx::query("SELECT following_count, (SELECT COUNT(*) FROM reports) AS reports FROM accounts WHERE nickname = 'bob'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    use steward::server::db::RowExt;
    assert_eq!(row.int("following_count").unwrap(), 0);
    assert_eq!(row.int("reports").unwrap(), 1, "reports stay");

    // Nothing matched: still 200 and logged.
    let (code, body) = app
        .call(
            Method::DELETE,
            &format!("{P}/instances/never.example"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!((code, body), (StatusCode::OK, json!("never.example")));
    assert_eq!(
        last_log(&app, &token).await["message"],
        "@root deleted instance: never.example"
    );
}

async fn demo_statuses_are_listed(app: TestApp) {
    let token = admin(&app).await;
    let summary = steward::server::service::demo::seed(&app.state.db, &app.state.site)
        .await
        .expect("demo");
    let (code, body) = app
        .get(
            &format!("{P}/statuses?godmode=true&page_size=500"),
            Some(&token),
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    let list = body.as_array().unwrap();
    assert!(!list.is_empty() && list.len() <= summary.statuses);
    assert!(list.iter().all(|s| s["account"]["nickname"].is_string()));
    let (_, body) = app
        .get(
            &format!("{P}/instances/MASTODON.example/statuses?godmode=1"),
            Some(&token),
        )
        .await;
    assert!(
        !ids(&body).is_empty(),
        "remote demo statuses are listed by host"
    );
    let (_, stats) = app.get(&format!("{P}/stats"), Some(&token)).await;
    let total: i64 = stats["status_visibility"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_i64().unwrap())
        .sum();
    assert_eq!(total, summary.statuses as i64);
}

backend_tests!(
    demo_statuses_are_listed,
    every_route_checks_its_caller,
    list_filters_and_paging,
    show_update_and_delete,
    user_and_instance_lists,
    stats_and_instance_delete,
);

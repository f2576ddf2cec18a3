//! client-api.md §4–5: posting, reading, deleting and reblogging statuses; follow and unfollow.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const P: &str = "/api/pleroma/admin";

/// A local user and a client token for it.
async fn person(app: &TestApp, nick: &str) -> (String, String) {
    let id = app.user(nick, "pw", false, false).await;
    (id, app.token(nick, "pw", "read write follow").await)
}

async fn post(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, "/api/v1/statuses", Some(token), Some(body))
        .await
}

async fn posted(app: &TestApp, token: &str, body: Value) -> Value {
    let (status, entity) = post(app, token, body).await;
    assert_eq!(status, StatusCode::OK, "{entity}");
    entity
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

async fn account(app: &TestApp, token: &str) -> Value {
    app.get("/api/v1/accounts/verify_credentials", Some(token))
        .await
        .1
}

async fn statuses_count(app: &TestApp) -> i64 {
    let (_, body) = app.get("/api/v1/instance", None).await;
    body["stats"]["status_count"].as_i64().unwrap_or(-1)
}

async fn post_renders_and_validates(app: TestApp) {
    let (alice_id, alice) = person(&app, "alice").await;
    let (bob_id, _) = person(&app, "bob").await;
    let before = statuses_count(&app).await;

    let status = posted(
        &app,
        &alice,
        json!({"status": "Hi @bob and @nobody <b>&</b> #Rust https://ex.com/?a=1&b=2 ☃\nbye", "spoiler_text": "cw ☃"}),
    )
    .await;
    let base = app.base.clone();
    assert_eq!(
        status["content"],
        format!(
            "Hi <span class=\"h-card\"><a class=\"u-url mention\" data-user=\"{bob_id}\" href=\"{base}/users/bob\" rel=\"ugc\">@<span>bob</span></a></span> \
             and @nobody &lt;b&gt;&amp;&lt;/b&gt; \
             <a class=\"hashtag\" data-tag=\"rust\" href=\"{base}/tag/rust\" rel=\"tag ugc\">#Rust</a> \
             <a href=\"https://ex.com/?a=1&amp;b=2\" rel=\"ugc\">https://ex.com/?a=1&amp;b=2</a> ☃<br/>bye"
        )
    );
    assert_eq!(
        status["mentions"],
        json!([{"id": bob_id, "username": "bob", "acct": "bob", "url": format!("{base}/users/bob")}])
    );
    assert_eq!(
        status["tags"],
        json!([{"name": "rust", "url": format!("{base}/tag/rust")}])
    );
    assert_eq!(status["visibility"], "public", "the author's default_scope");
    assert_eq!(status["spoiler_text"], "cw ☃");
    assert_eq!(status["sensitive"], false);
    assert_eq!(status["text"], Value::Null);
    assert_eq!(status["account"]["id"], json!(alice_id));
    assert_eq!(status["account"]["acct"], "alice");
    assert_eq!(
        status["application"],
        json!({"name": "test", "website": null})
    );
    assert_eq!(status["url"], format!("{base}/notice/{}", id(&status)));
    assert!(status["uri"]
        .as_str()
        .unwrap()
        .starts_with(&format!("{base}/objects/")));
    assert_eq!(
        status["pleroma"]["content"]["text/plain"],
        "Hi @bob and @nobody <b>&</b> #Rust https://ex.com/?a=1&b=2 ☃\nbye"
    );
    assert_eq!(status["pleroma"]["local"], true);
    assert!(status["pleroma"]["conversation_id"].is_i64());
    assert_eq!(status["reblog"], Value::Null);
    assert_eq!(status["media_attachments"], json!([]));
    assert_eq!(statuses_count(&app).await, before + 1);
    let me = account(&app, &alice).await;
    assert_eq!(me["statuses_count"], 1);
    assert_eq!(
        me["last_status_at"],
        json!(status["created_at"].as_str().unwrap()[..10])
    );

    // A reply keeps the thread and names the parent; form encoding works too.
    let resp = app
        .client
        .post(app.url("/api/v1/statuses"))
        .bearer_auth(&alice)
        .form(&[
            ("status", "reply"),
            ("in_reply_to_id", &id(&status)),
            ("sensitive", "true"),
            ("visibility", "unlisted"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let reply: Value = resp.json().await.unwrap();
    assert_eq!(reply["in_reply_to_id"], json!(id(&status)));
    assert_eq!(reply["in_reply_to_account_id"], json!(alice_id));
    assert_eq!(reply["pleroma"]["in_reply_to_account_acct"], "alice");
    assert_eq!(reply["pleroma"]["parent_visible"], true);
    assert_eq!(
        reply["pleroma"]["conversation_id"],
        status["pleroma"]["conversation_id"]
    );
    assert_eq!(
        (&reply["sensitive"], &reply["visibility"]),
        (&json!(true), &json!("unlisted"))
    );
    let (_, parent) = app
        .get(&format!("/api/v1/statuses/{}", id(&status)), Some(&alice))
        .await;
    assert_eq!(parent["replies_count"], 1);

    // Errors: nothing is stored.
    app.set_config(":pleroma", ":instance", json!([{"tuple": [":limit", 10]}]))
        .await;
    let cases = [
        (
            json!({}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Cannot post an empty status without attachments",
        ),
        (
            json!({"status": " \n "}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Cannot post an empty status without attachments",
        ),
        (
            json!({"status": "x", "media_ids": ["1"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Media attachments are not supported",
        ),
        (
            json!({"status": "☃☃☃☃☃☃", "spoiler_text": "12345"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "The status is over the character limit",
        ),
        (
            json!({"status": "x", "visibility": "friends"}),
            StatusCode::BAD_REQUEST,
            "friends - Invalid value for enum.",
        ),
        (
            json!({"status": "x", "visibility": "' OR 1=1"}),
            StatusCode::BAD_REQUEST,
            "' OR 1=1 - Invalid value for enum.",
        ),
        (
            json!({"status": 5}),
            StatusCode::BAD_REQUEST,
            "status - Invalid string. Got: integer.",
        ),
        (
            json!({"status": "x", "sensitive": "maybe"}),
            StatusCode::BAD_REQUEST,
            "sensitive - Invalid boolean. Got: string.",
        ),
        (
            json!({"status": "x", "in_reply_to_id": "nope"}),
            StatusCode::NOT_FOUND,
            "Record not found",
        ),
        (
            json!({"status": "x\u{0}y"}),
            StatusCode::BAD_REQUEST,
            "status - Invalid string. Got: string with a NUL character.",
        ),
    ];
    for (body, code, message) in cases {
        let (got, resp) = post(&app, &alice, body.clone()).await;
        assert_eq!(
            (got, resp["error"].as_str()),
            (code, Some(message)),
            "{body}"
        );
    }
    // Exactly at the limit is fine (characters, not bytes).
    posted(
        &app,
        &alice,
        json!({"status": "☃☃☃☃☃", "spoiler_text": "12345"}),
    )
    .await;
    assert_eq!(account(&app, &alice).await["statuses_count"], 3);

    // Credentials and scopes.
    let (code, body) = app
        .call(
            Method::POST,
            "/api/v1/statuses",
            None,
            Some(json!({"status": "x"})),
        )
        .await;
    assert_eq!(
        (code, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Invalid credentials."})
        )
    );
    let read_only = app.token("alice", "pw", "read").await;
    let (code, body) = post(&app, &read_only, json!({"status": "x"})).await;
    assert_eq!(
        (code, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Insufficient permissions: write:statuses."})
        )
    );
    assert_eq!(account(&app, &alice).await["statuses_count"], 3);
}

async fn visibility_for_viewers(app: TestApp) {
    let (alice_id, alice) = person(&app, "alice").await;
    let (_, bob) = person(&app, "bob").await;
    let (_, carol) = person(&app, "carol").await;
    app.user("boss", "pw", true, false).await;
    let boss = app.token("boss", "pw", "read write follow admin").await;
    // bob follows alice.
    let (code, rel) = app
        .call(
            Method::POST,
            &format!("/api/v1/accounts/{alice_id}/follow"),
            Some(&bob),
            None,
        )
        .await;
    assert_eq!((code, &rel["following"]), (StatusCode::OK, &json!(true)));

    let public = posted(
        &app,
        &alice,
        json!({"status": "all", "visibility": "public"}),
    )
    .await;
    let unlisted = posted(
        &app,
        &alice,
        json!({"status": "quiet", "visibility": "unlisted"}),
    )
    .await;
    let private = posted(
        &app,
        &alice,
        json!({"status": "fans", "visibility": "private"}),
    )
    .await;
    let private_mention = posted(
        &app,
        &alice,
        json!({"status": "@carol fans", "visibility": "private"}),
    )
    .await;
    let direct = posted(
        &app,
        &alice,
        json!({"status": "@carol psst", "visibility": "direct"}),
    )
    .await;

    let sees = |token: Option<String>, status: Value| {
        let app = &app;
        async move {
            let (code, body) = app
                .get(
                    &format!("/api/v1/statuses/{}", id(&status)),
                    token.as_deref(),
                )
                .await;
            match code {
                StatusCode::OK => true,
                StatusCode::NOT_FOUND => {
                    assert_eq!(body, json!({"error": "Record not found"}));
                    false
                }
                other => panic!("unexpected {other}: {body}"),
            }
        }
    };
    let viewers = [
        ("anonymous", None),
        ("author", Some(alice.clone())),
        ("follower", Some(bob.clone())),
        ("mentioned", Some(carol.clone())),
        ("admin", Some(boss.clone())),
    ];
    let expected = [
        (&public, [true, true, true, true, true]),
        (&unlisted, [true, true, true, true, true]),
        (&private, [false, true, true, false, false]),
        (&private_mention, [false, true, true, true, false]),
        (&direct, [false, true, false, true, false]),
    ];
    for (status, want) in expected {
        for ((who, token), want) in viewers.iter().zip(want) {
            assert_eq!(
                sees(token.clone(), status.clone()).await,
                want,
                "{who} on {}",
                status["visibility"]
            );
        }
    }
    // Unknown and hostile ids, wrong scopes.
    for bad in ["nope", "%27%20OR%201%3D1", "%F0%9F%98%80"] {
        let (code, body) = app.get(&format!("/api/v1/statuses/{bad}"), None).await;
        assert_eq!(
            (code, body),
            (StatusCode::NOT_FOUND, json!({"error": "Record not found"}))
        );
    }
    let write_only = app.token("carol", "pw", "write").await;
    let (code, body) = app
        .get(
            &format!("/api/v1/statuses/{}", id(&public)),
            Some(&write_only),
        )
        .await;
    assert_eq!(
        (code, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Insufficient permissions: read:statuses."})
        )
    );
    // Deactivated authors' statuses are invisible.
    app.sql("UPDATE accounts SET deactivated = TRUE WHERE nickname = 'alice'")
        .await;
    assert!(!sees(None, public.clone()).await);
    assert!(!sees(Some(bob.clone()), public).await);
}

async fn delete_and_reblog(app: TestApp) {
    let (alice_id, alice) = person(&app, "alice").await;
    let (_, bob) = person(&app, "bob").await;
    app.user("mod", "pw", false, true).await;
    let moderator = app.token("mod", "pw", "read write").await;
    let public = posted(&app, &alice, json!({"status": "boost me"})).await;
    let private = posted(
        &app,
        &alice,
        json!({"status": "mine", "visibility": "private"}),
    )
    .await;
    let direct = posted(
        &app,
        &alice,
        json!({"status": "@bob hi", "visibility": "direct"}),
    )
    .await;
    let url = |s: &Value| format!("/api/v1/statuses/{}/reblog", id(s));

    // Reblog: entity with the original nested, repeats answer the same reblog.
    let (code, boost) = app
        .call(Method::POST, &url(&public), Some(&bob), None)
        .await;
    assert_eq!(code, StatusCode::OK, "{boost}");
    assert_eq!(boost["reblog"]["id"], public["id"]);
    assert_eq!(boost["reblogged"], true);
    assert_eq!(boost["reblog"]["reblogged"], true);
    assert_eq!(boost["content"], "");
    assert_eq!(boost["account"]["acct"], "bob");
    assert_eq!(boost["visibility"], "public");
    let (code, again) = app
        .call(
            Method::POST,
            &url(&public),
            Some(&bob),
            Some(json!({"visibility": "unlisted"})),
        )
        .await;
    assert_eq!((code, id(&again)), (StatusCode::OK, id(&boost)));
    // Reblogging the reblog reblogs the original.
    let (code, again) = app.call(Method::POST, &url(&boost), Some(&bob), None).await;
    assert_eq!((code, id(&again)), (StatusCode::OK, id(&boost)));
    let (_, original) = app
        .get(&format!("/api/v1/statuses/{}", id(&public)), Some(&bob))
        .await;
    assert_eq!(
        (&original["reblogs_count"], &original["reblogged"]),
        (&json!(1), &json!(true))
    );
    let (_, original) = app
        .get(&format!("/api/v1/statuses/{}", id(&public)), Some(&alice))
        .await;
    assert_eq!(original["reblogged"], false, "alice did not reblog it");
    assert_eq!(account(&app, &bob).await["statuses_count"], 1);

    let (code, body) = app
        .call(Method::POST, &url(&private), Some(&bob), None)
        .await;
    assert_eq!(
        (code, body),
        (StatusCode::NOT_FOUND, json!({"error": "Record not found"}))
    );
    let (code, body) = app
        .call(Method::POST, &url(&private), Some(&alice), None)
        .await;
    assert_eq!(
        (code, body),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": "This status can't be reblogged"})
        )
    );
    let (code, body) = app
        .call(Method::POST, &url(&direct), Some(&bob), None)
        .await;
    assert_eq!(
        (code, body),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": "This status can't be reblogged"})
        )
    );
    let (code, body) = app
        .call(
            Method::POST,
            &url(&public),
            Some(&alice),
            Some(json!({"visibility": "private"})),
        )
        .await;
    assert_eq!(
        (code, body["error"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("private - Invalid value for enum.")
        )
    );
    let (code, _) = app
        .call(
            Method::POST,
            "/api/v1/statuses/nope/reblog",
            Some(&bob),
            None,
        )
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    let (code, body) = app.call(Method::POST, &url(&public), None, None).await;
    assert_eq!(
        (code, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Invalid credentials."})
        )
    );

    // Delete: someone else's → 403; invisible → 404; staff with messages_delete may.
    let del = |s: &Value| format!("/api/v1/statuses/{}", id(s));
    let (code, body) = app
        .call(Method::DELETE, &del(&public), Some(&bob), None)
        .await;
    assert_eq!(
        (code, body),
        (StatusCode::FORBIDDEN, json!({"error": "Forbidden"}))
    );
    let (code, body) = app
        .call(Method::DELETE, &del(&private), Some(&bob), None)
        .await;
    assert_eq!(
        (code, body),
        (StatusCode::NOT_FOUND, json!({"error": "Record not found"}))
    );
    let read_only = app.token("alice", "pw", "read").await;
    let (code, _) = app
        .call(Method::DELETE, &del(&public), Some(&read_only), None)
        .await;
    assert_eq!(code, StatusCode::FORBIDDEN);

    // The author deletes: the entity as it was with its source text; its reblogs go too.
    let (code, body) = app
        .call(Method::DELETE, &del(&public), Some(&alice), None)
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    assert_eq!(
        (&body["id"], &body["text"]),
        (&public["id"], &json!("boost me"))
    );
    let (code, _) = app.get(&del(&public), Some(&alice)).await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    let (code, _) = app.get(&del(&boost), Some(&bob)).await;
    assert_eq!(code, StatusCode::NOT_FOUND, "the reblog went with it");
    assert_eq!(account(&app, &bob).await["statuses_count"], 0);
    assert_eq!(account(&app, &alice).await["statuses_count"], 2);

    // A moderator (messages_delete by default) deletes a visible status of someone else; no log.
    let open = posted(&app, &alice, json!({"status": "rude"})).await;
    app.user("root", "pw", true, false).await;
    let root = app.token("root", "pw", "read write admin").await;
    let (_, log) = app.get(&format!("{P}/moderation_log"), Some(&root)).await;
    let logged = log["total"].clone();
    let (code, body) = app
        .call(Method::DELETE, &del(&open), Some(&moderator), None)
        .await;
    assert_eq!((code, &body["text"]), (StatusCode::OK, &json!("rude")));
    let (_, log) = app.get(&format!("{P}/moderation_log"), Some(&root)).await;
    assert_eq!(log["total"], logged, "client deletes are not logged");
    let _ = alice_id;
}

async fn follow_and_unfollow(app: TestApp) {
    let (alice_id, alice) = person(&app, "alice").await;
    let (bob_id, bob) = person(&app, "bob").await;
    let (locked_id, _) = person(&app, "locked").await;
    app.sql("UPDATE accounts SET locked = TRUE WHERE nickname = 'locked'")
        .await;
    let follow = |target: &str, token: &str| {
        let app = &app;
        let path = format!("/api/v1/accounts/{target}/follow");
        let token = token.to_string();
        async move { app.call(Method::POST, &path, Some(&token), None).await }
    };
    let unfollow = |target: &str, token: &str| {
        let app = &app;
        let path = format!("/api/v1/accounts/{target}/unfollow");
        let token = token.to_string();
        async move { app.call(Method::POST, &path, Some(&token), None).await }
    };

    let (code, rel) = follow(&bob_id, &alice).await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(
        rel,
        json!({"id": bob_id, "following": true, "followed_by": false, "requested": false,
               "blocking": false, "blocked_by": false, "muting": false, "muting_notifications": false,
               "domain_blocking": false, "endorsed": false, "showing_reblogs": true, "notifying": false, "note": ""})
    );
    let (_, rel) = follow(&bob_id, &alice).await;
    assert_eq!(rel["following"], true, "repeats are no-ops");
    let (_, rel) = follow(&alice_id, &bob).await;
    assert_eq!(
        (&rel["following"], &rel["followed_by"]),
        (&json!(true), &json!(true))
    );
    let me = account(&app, &alice).await;
    assert_eq!(
        (&me["following_count"], &me["followers_count"]),
        (&json!(1), &json!(1))
    );

    let (code, rel) = follow(&locked_id, &alice).await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(
        (&rel["following"], &rel["requested"]),
        (&json!(false), &json!(true))
    );
    assert_eq!(
        account(&app, &alice).await["following_count"],
        1,
        "requests do not count"
    );
    let (_, rel) = unfollow(&locked_id, &alice).await;
    assert_eq!(
        (&rel["following"], &rel["requested"]),
        (&json!(false), &json!(false))
    );

    let (code, rel) = unfollow(&bob_id, &alice).await;
    assert_eq!(
        (code, &rel["following"], &rel["followed_by"]),
        (StatusCode::OK, &json!(false), &json!(true))
    );
    let (_, rel) = unfollow(&bob_id, &alice).await;
    assert_eq!(rel["following"], false);
    let me = account(&app, &alice).await;
    assert_eq!(
        (&me["following_count"], &me["followers_count"]),
        (&json!(0), &json!(1))
    );

    // Errors.
    let (code, body) = follow(&alice_id, &alice).await;
    assert_eq!(
        (code, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "Can't follow yourself"})
        )
    );
    for bad in ["nope", "%27%20OR%201%3D1--", "%E2%98%83"] {
        let (code, body) = follow(bad, &alice).await;
        assert_eq!(
            (code, body),
            (StatusCode::NOT_FOUND, json!({"error": "Record not found"})),
            "{bad}"
        );
    }
    app.sql("UPDATE accounts SET deactivated = TRUE WHERE nickname = 'locked'")
        .await;
    let (code, _) = follow(&locked_id, &alice).await;
    assert_eq!(
        code,
        StatusCode::NOT_FOUND,
        "deactivated accounts are invisible"
    );
    let (code, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/accounts/{bob_id}/follow"),
            None,
            None,
        )
        .await;
    assert_eq!(
        (code, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Invalid credentials."})
        )
    );
    let no_follow = app.token("alice", "pw", "read write:statuses").await;
    let (code, body) = follow(&bob_id, &no_follow).await;
    assert_eq!(
        (code, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Insufficient permissions: write:follows."})
        )
    );

    // TagPolicy: disable-any-subscription refuses new follows.
    app.sql(&format!(
        "INSERT INTO account_tags (account_id, position, tag) VALUES ('{bob_id}', 0, 'mrf_tag:disable-any-subscription')"
    ))
    .await;
    let (code, _) = follow(&bob_id, &alice).await;
    assert_eq!(
        code,
        StatusCode::OK,
        "without TagPolicy the tag has no effect"
    );
    unfollow(&bob_id, &alice).await;
    app.set_config(
        ":pleroma",
        ":mrf",
        json!([{"tuple": [":policies", ["Pleroma.Web.ActivityPub.MRF.TagPolicy"]]}]),
    )
    .await;
    let (code, body) = follow(&bob_id, &alice).await;
    assert_eq!(
        (code, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "This account does not accept follows"})
        )
    );
    assert_eq!(account(&app, &bob).await["followers_count"], 0);
}

async fn tag_policy_adjusts_posts(app: TestApp) {
    let (alice_id, alice) = person(&app, "alice").await;
    app.sql(&format!(
        "INSERT INTO account_tags (account_id, position, tag) VALUES ('{alice_id}', 0, 'mrf_tag:force-unlisted'), ('{alice_id}', 1, 'mrf_tag:media-force-nsfw')"
    ))
    .await;
    let plain = posted(&app, &alice, json!({"status": "a"})).await;
    assert_eq!(
        (&plain["visibility"], &plain["sensitive"]),
        (&json!("public"), &json!(false))
    );
    app.set_config(
        ":pleroma",
        ":mrf",
        json!([{"tuple": [":policies", ["Pleroma.Web.ActivityPub.MRF.TagPolicy"]]}]),
    )
    .await;
    let forced = posted(&app, &alice, json!({"status": "b"})).await;
    assert_eq!(
        (&forced["visibility"], &forced["sensitive"]),
        (&json!("unlisted"), &json!(true))
    );
    let private = posted(
        &app,
        &alice,
        json!({"status": "c", "visibility": "private"}),
    )
    .await;
    assert_eq!(private["visibility"], "private");
    app.sql(&format!(
        "INSERT INTO account_tags (account_id, position, tag) VALUES ('{alice_id}', 2, 'mrf_tag:sandbox')"
    ))
    .await;
    let sandboxed = posted(
        &app,
        &alice,
        json!({"status": "d", "visibility": "unlisted"}),
    )
    .await;
    assert_eq!(sandboxed["visibility"], "private");
}

backend_tests!(
    post_renders_and_validates,
    visibility_for_viewers,
    delete_and_reblog,
    follow_and_unfollow,
    tag_policy_adjusts_posts,
);

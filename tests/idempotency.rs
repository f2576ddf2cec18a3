//! `Idempotency-Key` (spec README "Other conventions"): the first response per (user, key) is kept
//! six hours and replayed with `Idempotent-Replayed: true`, across processes on one database.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::TestApp;
use reqwest::header::HeaderValue;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::Row;

const P: &str = "/api/pleroma/admin";
const HOUR_MS: i64 = 60 * 60 * 1000;

/// How a request proves who sends it.
#[derive(Clone, Copy)]
enum Auth<'a> {
    None,
    Bearer(&'a str),
    /// Session cookie pair and its CSRF token.
    Session(&'a str, &'a str),
    /// HTTP Basic nickname and password.
    Basic(&'a str, &'a str),
    AdminToken(&'a str),
}

/// One answer: status, whether it was a replay, content type and JSON body.
#[derive(Debug)]
struct Answer {
    status: StatusCode,
    replayed: bool,
    content_type: String,
    body: Value,
}

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    auth: Auth<'_>,
    key: Option<&[u8]>,
    body: Value,
) -> Answer {
    let mut req = app.client.request(method, app.url(path)).json(&body);
    req = match auth {
        Auth::None => req,
        Auth::Bearer(token) => req.bearer_auth(token),
        Auth::Session(cookie, csrf) => req.header("cookie", cookie).header("x-csrf-token", csrf),
        Auth::AdminToken(token) => req.header("x-admin-token", token),
        Auth::Basic(login, password) => req.basic_auth(login, Some(password)),
    };
    if let Some(key) = key {
        req = req.header(
            "Idempotency-Key",
            HeaderValue::from_bytes(key).expect("valid header value"),
        );
    }
    let resp = req.send().await.expect("request");
    let status = resp.status();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let replayed = match header("idempotent-replayed").as_str() {
        "true" => true,
        "" => false,
        other => panic!("Idempotent-Replayed: {other}"),
    };
    let content_type = header("content-type");
    let text = resp.text().await.unwrap_or_default();
    Answer {
        status,
        replayed,
        content_type,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

async fn post_status(app: &TestApp, auth: Auth<'_>, key: Option<&[u8]>, text: &str) -> Answer {
    send(
        app,
        Method::POST,
        "/api/v1/statuses",
        auth,
        key,
        json!({"status": text}),
    )
    .await
}

/// A local user and a client token for it.
async fn person(app: &TestApp, nick: &str, admin: bool) -> String {
    app.user(nick, "pw", admin, false).await;
    app.token(nick, "pw", "read write follow admin").await
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let row = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&app.state.db.pool)
        .await
        .expect("count");
    row.try_get::<i64, _>(0).expect("integer count")
}

async fn statuses(app: &TestApp) -> i64 {
    count(app, "SELECT COUNT(*) FROM statuses").await
}

async fn post_twice_replays_the_first_response(app: TestApp) {
    let alice = person(&app, "alice", false).await;
    let first = post_status(&app, Auth::Bearer(&alice), Some(b"key-1"), "hello").await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);
    assert!(!first.replayed, "a first response is not a replay");
    let second = post_status(&app, Auth::Bearer(&alice), Some(b"key-1"), "hello").await;
    assert_eq!(second.status, StatusCode::OK);
    assert!(second.replayed);
    assert_eq!(second.body, first.body, "the same body, byte for byte");
    assert_eq!(second.content_type, first.content_type);
    assert_eq!(statuses(&app).await, 1, "one status created");

    // A new key is a new request.
    let third = post_status(&app, Auth::Bearer(&alice), Some(b"key-2"), "hello").await;
    assert_eq!(third.status, StatusCode::OK);
    assert!(!third.replayed);
    assert_ne!(third.body["id"], first.body["id"]);
    assert_eq!(statuses(&app).await, 2);
}

async fn keys_belong_to_one_user(app: TestApp) {
    let alice = person(&app, "alice", false).await;
    let bob = person(&app, "bob", false).await;
    let a = post_status(&app, Auth::Bearer(&alice), Some(b"shared"), "hi").await;
    let b = post_status(&app, Auth::Bearer(&bob), Some(b"shared"), "hi").await;
    assert_eq!((a.status, b.status), (StatusCode::OK, StatusCode::OK));
    assert!(!a.replayed && !b.replayed);
    assert_ne!(a.body["id"], b.body["id"]);
    assert_eq!(b.body["account"]["acct"], "bob");
    assert_eq!(statuses(&app).await, 2);

    // The same user through another credential (a second token, the panel session) shares keys.
    let alice_again = app.token("alice", "pw", "read write").await;
    let again = post_status(&app, Auth::Bearer(&alice_again), Some(b"shared"), "hi").await;
    assert!(again.replayed);
    assert_eq!(again.body["id"], a.body["id"]);
    let basic = post_status(&app, Auth::Basic("alice", "pw"), Some(b"shared"), "hi").await;
    assert!(basic.replayed, "{basic:?}");
    assert_eq!(basic.body["id"], a.body["id"]);
    let wrong = post_status(&app, Auth::Basic("alice", "wrong"), Some(b"shared"), "hi").await;
    assert_eq!(
        wrong.status,
        StatusCode::FORBIDDEN,
        "a wrong password names nobody"
    );
    assert!(!wrong.replayed);
    app.user("mod", "pw", false, true).await;
    let by_token = app.token("mod", "pw", "read write").await;
    let first = post_status(&app, Auth::Bearer(&by_token), Some(b"panel"), "hi").await;
    assert!(!first.replayed);
    let (cookie, csrf) = app.panel_login("mod", "pw").await;
    let session = post_status(&app, Auth::Session(&cookie, &csrf), Some(b"panel"), "hi").await;
    assert!(session.replayed, "{session:?}");
    assert_eq!(session.body["id"], first.body["id"]);
    // Without its CSRF token the session is refused, and the refusal is not kept.
    let no_csrf = post_status(&app, Auth::Session(&cookie, "wrong"), Some(b"panel2"), "hi").await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    let with_csrf = post_status(&app, Auth::Session(&cookie, &csrf), Some(b"panel2"), "hi").await;
    assert_eq!(with_csrf.status, StatusCode::OK);
    assert!(!with_csrf.replayed);
    assert_eq!(statuses(&app).await, 4);
}

async fn a_key_reused_for_another_request_is_refused(app: TestApp) {
    let alice = person(&app, "alice", false).await;
    let first = post_status(&app, Auth::Bearer(&alice), Some(b"k"), "one").await;
    assert_eq!(first.status, StatusCode::OK);

    let other_body = post_status(&app, Auth::Bearer(&alice), Some(b"k"), "two").await;
    assert_eq!(other_body.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        other_body.body,
        json!({"error": "Idempotency-Key reused with a different request"})
    );
    assert!(!other_body.replayed);
    let id = first.body["id"].as_str().unwrap();
    let other_path = send(
        &app,
        Method::POST,
        &format!("/api/v1/statuses/{id}/reblog"),
        Auth::Bearer(&alice),
        Some(b"k"),
        json!({"status": "one"}),
    )
    .await;
    assert_eq!(other_path.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(statuses(&app).await, 1, "neither ran");

    // The first request is still replayed; the same parameters as a form are the same request.
    let form = app
        .client
        .post(app.url("/api/v1/statuses"))
        .bearer_auth(&alice)
        .header("Idempotency-Key", "k")
        .form(&[("status", "one")])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    assert_eq!(form.headers()["idempotent-replayed"], "true");
    let body: Value = form.json().await.unwrap();
    assert_eq!(body, first.body);
}

async fn an_admin_patch_is_logged_once(app: TestApp) {
    let admin = person(&app, "admin", true).await;
    app.user("carol", "pw", false, false).await;
    let log_total = || async {
        let (status, body) = app.get(&format!("{P}/moderation_log"), Some(&admin)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["total"].as_i64().unwrap()
    };
    let before = log_total().await;
    let path = format!("{P}/users/deactivate");
    let body = json!({"nicknames": ["carol"]});
    let first = send(
        &app,
        Method::PATCH,
        &path,
        Auth::Bearer(&admin),
        Some(b"deactivate-carol"),
        body.clone(),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);
    assert_eq!(first.body["users"][0]["deactivated"], true);
    let second = send(
        &app,
        Method::PATCH,
        &path,
        Auth::Bearer(&admin),
        Some(b"deactivate-carol"),
        body.clone(),
    )
    .await;
    assert!(second.replayed);
    assert_eq!(second.body, first.body);
    assert_eq!(log_total().await, before + 1, "one moderation-log entry");

    // The admin token is one principal of its own.
    app.set_config(":pleroma", ":admin_token", json!("secret-admin-token"))
        .await;
    let by_token = send(
        &app,
        Method::PATCH,
        &path,
        Auth::AdminToken("secret-admin-token"),
        Some(b"deactivate-carol"),
        body.clone(),
    )
    .await;
    assert_eq!(by_token.status, StatusCode::OK);
    assert!(!by_token.replayed, "not the admin account's key");
    let again = send(
        &app,
        Method::PATCH,
        &path,
        Auth::AdminToken("secret-admin-token"),
        Some(b"deactivate-carol"),
        body,
    )
    .await;
    assert!(again.replayed);
    assert_eq!(log_total().await, before + 2);
}

async fn client_errors_are_replayed_but_refusals_are_not(app: TestApp) {
    let alice = person(&app, "alice", false).await;
    let blank = post_status(&app, Auth::Bearer(&alice), Some(b"blank"), "").await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        blank.body,
        json!({"error": "Cannot post an empty status without attachments"})
    );
    let again = post_status(&app, Auth::Bearer(&alice), Some(b"blank"), "").await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.replayed);
    assert_eq!(again.body, blank.body);

    let unknown = send(
        &app,
        Method::POST,
        "/api/v1/statuses/nope/reblog",
        Auth::Bearer(&alice),
        Some(b"reblog"),
        json!({}),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let unknown_again = send(
        &app,
        Method::POST,
        "/api/v1/statuses/nope/reblog",
        Auth::Bearer(&alice),
        Some(b"reblog"),
        json!({}),
    )
    .await;
    assert!(unknown_again.replayed);

    // A refusal of the credentials is not the action's answer: once the scope is there, the same
    // request with the same key runs.
    app.user("bob", "pw", false, false).await;
    let read_only = app.token("bob", "pw", "read").await;
    let refused = post_status(&app, Auth::Bearer(&read_only), Some(b"scoped"), "hi").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused_again = post_status(&app, Auth::Bearer(&read_only), Some(b"scoped"), "hi").await;
    assert_eq!(refused_again.status, StatusCode::FORBIDDEN);
    assert!(!refused_again.replayed);
    let writer = app.token("bob", "pw", "read write").await;
    let posted = post_status(&app, Auth::Bearer(&writer), Some(b"scoped"), "hi").await;
    assert_eq!(posted.status, StatusCode::OK);
    assert!(!posted.replayed);
    assert_eq!(statuses(&app).await, 1);
}

async fn without_the_header_nothing_changes(app: TestApp) {
    let alice = person(&app, "alice", false).await;
    let a = post_status(&app, Auth::Bearer(&alice), None, "same").await;
    let b = post_status(&app, Auth::Bearer(&alice), None, "same").await;
    assert_eq!((a.status, b.status), (StatusCode::OK, StatusCode::OK));
    assert!(!a.replayed && !b.replayed);
    assert_ne!(a.body["id"], b.body["id"]);
    assert_eq!(statuses(&app).await, 2);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM idempotency_keys").await,
        0
    );
}

async fn anonymous_requests_ignore_the_header(app: TestApp) {
    for key in [b"anon".as_slice(), "x".repeat(1000).as_bytes(), b""] {
        for _ in 0..2 {
            let answer = post_status(&app, Auth::None, Some(key), "hi").await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{:?}", answer.body);
            assert_eq!(answer.body, json!({"error": "Invalid credentials."}));
            assert!(!answer.replayed);
        }
    }
    // A wrong token names nobody either.
    let answer = post_status(&app, Auth::Bearer("not-a-token"), Some(b"anon"), "hi").await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM idempotency_keys").await,
        0
    );
}

async fn a_sibling_process_replays(app: TestApp) {
    let alice = person(&app, "alice", false).await;
    let sibling = app.sibling().await;
    let first = post_status(&app, Auth::Bearer(&alice), Some(b"across"), "hi").await;
    assert_eq!(first.status, StatusCode::OK);
    let there = post_status(&sibling, Auth::Bearer(&alice), Some(b"across"), "hi").await;
    assert_eq!(there.status, StatusCode::OK);
    assert!(there.replayed);
    assert_eq!(there.body, first.body);
    assert_eq!(statuses(&app).await, 1);
}

async fn expired_responses_are_not_replayed(app: TestApp) {
    let alice = person(&app, "alice", false).await;
    let first = post_status(&app, Auth::Bearer(&alice), Some(b"old"), "hi").await;
    assert_eq!(first.status, StatusCode::OK);
    app.sql(&format!(
        "UPDATE idempotency_keys SET created_at = created_at - {}",
        6 * HOUR_MS + 1000
    ))
    .await;
    let later = post_status(&app, Auth::Bearer(&alice), Some(b"old"), "hi").await;
    assert_eq!(later.status, StatusCode::OK);
    assert!(!later.replayed, "six hours are over");
    assert_ne!(later.body["id"], first.body["id"]);
    let replay = post_status(&app, Auth::Bearer(&alice), Some(b"old"), "hi").await;
    assert!(replay.replayed);
    assert_eq!(replay.body["id"], later.body["id"]);
    assert_eq!(statuses(&app).await, 2);

    // Expired rows of other keys are pruned by later keyed requests.
    let other = post_status(&app, Auth::Bearer(&alice), Some(b"other"), "hi").await;
    assert_eq!(other.status, StatusCode::OK);
    app.sql(&format!(
        "UPDATE idempotency_keys SET created_at = created_at - {}",
        7 * HOUR_MS
    ))
    .await;
    let trigger = post_status(&app, Auth::Bearer(&alice), Some(b"trigger"), "hi").await;
    assert_eq!(trigger.status, StatusCode::OK);
    let mut left = i64::MAX;
    for _ in 0..100 {
        left = count(&app, "SELECT COUNT(*) FROM idempotency_keys").await;
        if left == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(left, 1, "only the fresh key is left");
}

async fn running_and_abandoned_claims(app: TestApp) {
    let alice = person(&app, "alice", false).await;
    let first = post_status(&app, Auth::Bearer(&alice), Some(b"slow"), "hi").await;
    assert_eq!(first.status, StatusCode::OK);
    // Make the row look like a request still running (in this or another process).
    app.sql("UPDATE idempotency_keys SET status = NULL").await;
    let busy = post_status(&app, Auth::Bearer(&alice), Some(b"slow"), "hi").await;
    assert_eq!(busy.status, StatusCode::CONFLICT);
    assert_eq!(
        busy.body,
        json!({"error": "A request with this Idempotency-Key is still in progress"})
    );
    assert!(!busy.replayed);
    // Another request under the same key is still refused as different.
    let different = post_status(&app, Auth::Bearer(&alice), Some(b"slow"), "ho").await;
    assert_eq!(different.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A claim running for longer than its lease was abandoned: the next request runs.
    app.sql("UPDATE idempotency_keys SET created_at = created_at - 600000")
        .await;
    let rerun = post_status(&app, Auth::Bearer(&alice), Some(b"slow"), "hi").await;
    assert_eq!(rerun.status, StatusCode::OK);
    assert!(!rerun.replayed);
    assert_eq!(statuses(&app).await, 2);
}

async fn racing_requests_run_once(app: TestApp) {
    let alice = person(&app, "alice", false).await;
    let sibling = app.sibling().await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let client = app.client.clone();
        let base = if i % 2 == 0 {
            app.base.clone()
        } else {
            sibling.base.clone()
        };
        let token = alice.clone();
        tasks.push(tokio::spawn(async move {
            let resp = client
                .post(format!("{base}/api/v1/statuses"))
                .bearer_auth(token)
                .header("Idempotency-Key", "race")
                .json(&json!({"status": "once"}))
                .send()
                .await
                .unwrap();
            let status = resp.status();
            let replayed = resp.headers().contains_key("idempotent-replayed");
            let body: Value = resp.json().await.unwrap();
            (status, replayed, body)
        }));
    }
    let mut originals = 0;
    let mut ids = Vec::new();
    for task in tasks {
        let (status, replayed, body) = task.await.unwrap();
        match status {
            StatusCode::OK => {
                if !replayed {
                    originals += 1;
                }
                ids.push(body["id"].clone());
            }
            StatusCode::CONFLICT => assert_eq!(
                body,
                json!({"error": "A request with this Idempotency-Key is still in progress"})
            ),
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(originals, 1, "exactly one request ran");
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "{ids:?}");
    assert_eq!(statuses(&app).await, 1);
}

async fn hostile_keys(app: TestApp) {
    let alice = person(&app, "alice", false).await;
    let too_long = "k".repeat(256);
    for key in [too_long.as_bytes(), b"", b"   "] {
        let answer = post_status(&app, Auth::Bearer(&alice), Some(key), "hi").await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{key:?}");
        assert_eq!(
            answer.body,
            json!({"error": "Idempotency-Key must be 1 to 255 bytes long"})
        );
    }
    let twice = app
        .client
        .post(app.url("/api/v1/statuses"))
        .bearer_auth(&alice)
        .header("Idempotency-Key", "a")
        .header("Idempotency-Key", "b")
        .json(&json!({"status": "hi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(twice.status(), StatusCode::BAD_REQUEST);
    assert_eq!(statuses(&app).await, 0, "refused keys run nothing");

    let longest = "k".repeat(255);
    let keys: Vec<&[u8]> = vec![
        longest.as_bytes(),
        "ключ ☃ 🔑".as_bytes(),
        b"'; DROP TABLE idempotency_keys; --",
        b"\" OR 1=1 -- %00 \\x00 %s {{key}} ${key} <script>",
        b"\xff\xfe",
    ];
    for (i, key) in keys.iter().enumerate() {
        let text = format!("post {i}");
        let first = post_status(&app, Auth::Bearer(&alice), Some(key), &text).await;
        assert_eq!(first.status, StatusCode::OK, "{key:?}: {:?}", first.body);
        assert!(!first.replayed);
        let again = post_status(&app, Auth::Bearer(&alice), Some(key), &text).await;
        assert_eq!(again.status, StatusCode::OK, "{key:?}");
        assert!(again.replayed, "{key:?}");
        assert_eq!(again.body["id"], first.body["id"]);
    }
    assert_eq!(statuses(&app).await, keys.len() as i64);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM idempotency_keys").await,
        keys.len() as i64
    );
}

backend_tests!(
    post_twice_replays_the_first_response,
    keys_belong_to_one_user,
    a_key_reused_for_another_request_is_refused,
    an_admin_patch_is_logged_once,
    client_errors_are_replayed_but_refusals_are_not,
    without_the_header_nothing_changes,
    anonymous_requests_ignore_the_header,
    a_sibling_process_replays,
    expired_responses_are_not_replayed,
    running_and_abandoned_claims,
    racing_requests_run_once,
    hostile_keys,
);

//! The media proxy (operations.md §3): the banned list endpoints, the live `:media_proxy`
//! settings rewriting remote media in responses, `GET /proxy/…` against a local origin server,
//! and HTTP invalidation on purge.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, Method as AxumMethod, Uri};
use common::{Expect, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use steward::server::db::accounts::{self, NewAccount};

const P: &str = "/api/pleroma/admin";
const P1: &str = "/api/v1/pleroma/admin";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\nnot really an image";

async fn admin(app: &TestApp) -> String {
    app.user("root", "pw-root", true, false).await;
    app.token("root", "pw-root", "read write follow admin")
        .await
}

/// A keyword list in its JSON form.
fn kw(pairs: &[(&str, Value)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .map(|(k, v)| json!({"tuple": [format!(":{k}"), v]}))
            .collect(),
    )
}

async fn post_config(app: &TestApp, token: &str, key: &str, value: Value) {
    let (status, body) = app
        .call(
            Method::POST,
            &format!("{P}/config"),
            Some(token),
            Some(json!({"configs": [{"group": ":pleroma", "key": key, "value": value}]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn proxy_on(app: &TestApp, token: &str, extra: &[(&str, Value)]) {
    let mut pairs = vec![("enabled", json!(true))];
    pairs.extend(extra.iter().cloned());
    post_config(app, token, ":media_proxy", kw(&pairs)).await;
}

/// A remote account whose avatar, header and background are `avatar`, `avatar`+`.h`, `avatar`+`.b`.
async fn remote_with_avatar(app: &TestApp, nick: &str, avatar: &str) -> String {
    let mut tx = app.state.db.begin().await.unwrap();
    let id = accounts::insert(
        &mut tx,
        &app.state.site.base_url,
        &NewAccount {
            nickname: nick.into(),
            domain: Some("remote.test".into()),
            ..NewAccount::default()
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    app.sql(&format!(
        "UPDATE accounts SET avatar_url = '{avatar}', banner_url = '{avatar}.h', \
         background_url = '{avatar}.b' WHERE id = '{id}'"
    ))
    .await;
    id
}

async fn banned(app: &TestApp, token: &str, query: &str) -> Value {
    let (status, body) = app
        .get(&format!("{P}/media_proxy_caches{query}"), Some(token))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, &format!("{P}{path}"), Some(token), Some(body))
        .await
}

/// What a local test server saw: method, path with query, headers.
type Seen = Arc<Mutex<Vec<(String, String, HeaderMap)>>>;

/// A local origin server: `/pic.png` (a PNG), `/big.bin` (100 bytes), `/missing.png` (404),
/// `/broken.png` (500); every request is recorded. Returns its base URL.
async fn origin() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let record = seen.clone();
    let handler = move |method: AxumMethod, uri: Uri, headers: HeaderMap| {
        let record = record.clone();
        async move {
            record
                .lock()
                .unwrap()
                .push((method.to_string(), uri.to_string(), headers));
            match uri.path() {
                "/pic.png" => (
                    StatusCode::OK,
                    [("content-type", "image/png")],
                    PNG.to_vec(),
                ),
                "/big.bin" => (
                    StatusCode::OK,
                    [("content-type", "application/octet-stream")],
                    vec![7u8; 100],
                ),
                "/missing.png" => (
                    StatusCode::NOT_FOUND,
                    [("content-type", "text/plain")],
                    vec![],
                ),
                _ => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    [("content-type", "text/plain")],
                    vec![],
                ),
            }
        }
    };
    let router = axum::Router::new().fallback(handler);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (format!("http://{addr}"), seen)
}

/// The admin user object of `id`.
async fn user(app: &TestApp, token: &str, id: &str) -> Value {
    let (status, body) = app.get(&format!("{P}/users/{id}"), Some(token)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn access(app: TestApp) {
    for prefix in [P, P1] {
        let read = Expect {
            scope: "read:media_proxy_caches",
            privilege: None,
        };
        let write = Expect {
            scope: "write:media_proxy_caches",
            privilege: None,
        };
        let (status, body) = app
            .assert_access(
                Method::GET,
                &format!("{prefix}/media_proxy_caches"),
                None,
                read,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, json!({"urls": [], "count": 0, "page_size": 50}));
        let urls = json!({"urls": ["https://remote.test/a.png"]});
        let (status, body) = app
            .assert_access(
                Method::POST,
                &format!("{prefix}/media_proxy_caches/purge"),
                Some(urls.clone()),
                Expect {
                    scope: "write:media_proxy_caches",
                    privilege: None,
                },
            )
            .await;
        assert_eq!((status, body), (StatusCode::OK, urls.clone()));
        let (status, body) = app
            .assert_access(
                Method::POST,
                &format!("{prefix}/media_proxy_caches/delete"),
                Some(urls.clone()),
                write,
            )
            .await;
        assert_eq!((status, body), (StatusCode::OK, urls));
    }
}

async fn banned_list(app: TestApp) {
    let token = admin(&app).await;
    let urls = [
        "https://b.test/Zebra.png",
        "https://a.test/ÄBC.gif",
        "https://c.test/100%_real.jpg",
        "https://a.test/x.png",
    ];
    let (status, body) = post(
        &app,
        &token,
        "/media_proxy_caches/purge",
        json!({"urls": urls}),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({"urls": urls})));
    // Byte order of the URLs; count of all matches.
    let all = banned(&app, &token, "").await;
    assert_eq!(
        all,
        json!({"urls": ["https://a.test/x.png", "https://a.test/ÄBC.gif", "https://b.test/Zebra.png",
                        "https://c.test/100%_real.jpg"], "count": 4, "page_size": 50})
    );
    // Case-insensitive substring, unicode included; % and _ are literal.
    let found = banned(&app, &token, "?query=zEBRA").await;
    assert_eq!(found["urls"], json!(["https://b.test/Zebra.png"]));
    let found = banned(&app, &token, "?query=%C3%A4bc").await;
    assert_eq!(found["urls"], json!(["https://a.test/ÄBC.gif"]));
    let found = banned(&app, &token, "?query=0%25_").await;
    assert_eq!(found["urls"], json!(["https://c.test/100%_real.jpg"]));
    let found = banned(&app, &token, "?query=_").await;
    assert_eq!(found["count"], 1);
    let found = banned(&app, &token, "?query=a.test").await;
    assert_eq!(found["count"], 2);
    // Pages.
    let page = banned(&app, &token, "?page=2&page_size=1").await;
    assert_eq!(
        page,
        json!({"urls": ["https://a.test/ÄBC.gif"], "count": 4, "page_size": 1})
    );
    let page = banned(&app, &token, "?page=99999999999&page_size=99999").await;
    assert_eq!(page, json!({"urls": [], "count": 4, "page_size": 500}));
    // Form bodies work like JSON.
    let resp = app
        .client
        .post(app.url(&format!("{P1}/media_proxy_caches/delete")))
        .bearer_auth(&token)
        .form(&[("urls[]", urls[0]), ("urls[]", urls[1])])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body, json!({"urls": [urls[0], urls[1]]}));
    let left = banned(&app, &token, "").await;
    assert_eq!(
        left["urls"],
        json!(["https://a.test/x.png", "https://c.test/100%_real.jpg"])
    );
    // Unbanning what is not banned is fine; purging with ban=false bans nothing.
    let (status, _) = post(
        &app,
        &token,
        "/media_proxy_caches/delete",
        json!({"urls": ["https://never.test/x"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = post(
        &app,
        &token,
        "/media_proxy_caches/purge",
        json!({"urls": ["https://d.test/y.png", "https://d.test/y.png"], "ban": "false"}),
    )
    .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({"urls": ["https://d.test/y.png"]}))
    );
    assert_eq!(banned(&app, &token, "").await["count"], 2);
    // Injection strings are stored and found as written.
    let odd = "https://e.test/'; DROP TABLE media_proxy_bans; --<script>";
    let (status, _) = post(
        &app,
        &token,
        "/media_proxy_caches/purge",
        json!({"urls": odd}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let found = banned(&app, &token, "?query=DROP%20TABLE").await;
    assert_eq!(found["urls"], json!([odd]));
    // No moderation-log entries (operations.md §1).
    let (_, log) = app.get(&format!("{P}/moderation_log"), Some(&token)).await;
    assert_eq!(log["total"], 0, "{log}");
}

async fn proxy_urls_are_normalised(app: TestApp) {
    let token = admin(&app).await;
    let id = remote_with_avatar(&app, "bob", "https://remote.test/media/bob.png").await;
    proxy_on(&app, &token, &[]).await;
    let proxied = user(&app, &token, &id).await["avatar"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        proxied.starts_with(&format!("{}/proxy/", app.base)),
        "{proxied}"
    );
    let (status, body) = post(
        &app,
        &token,
        "/media_proxy_caches/purge",
        json!({"urls": [proxied, "https://remote.test/media/bob.png"]}),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::OK,
            json!({"urls": ["https://remote.test/media/bob.png"]})
        )
    );
    // A forged proxy URL is not this instance's: kept as sent.
    let forged = format!("{}/proxy/AAAA/aHR0cHM6Ly9ldmlsLnRlc3QveA/x", app.base);
    let (_, body) = post(
        &app,
        &token,
        "/media_proxy_caches/delete",
        json!({"urls": [forged, proxied]}),
    )
    .await;
    assert_eq!(
        body,
        json!({"urls": [forged, "https://remote.test/media/bob.png"]})
    );
    assert_eq!(banned(&app, &token, "").await["count"], 0);
}

async fn bad_input(app: TestApp) {
    let token = admin(&app).await;
    post(
        &app,
        &token,
        "/media_proxy_caches/purge",
        json!({"urls": ["https://kept.test/a"]}),
    )
    .await;
    for path in ["/media_proxy_caches/purge", "/media_proxy_caches/delete"] {
        let (status, body) = post(&app, &token, path, json!({})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"], "Missing field: urls.", "{body}");
        assert_eq!(body["errors"][0]["source"]["pointer"], "/urls");
        for (urls, message) in [
            (json!(5), "urls - Invalid array. Got: integer."),
            (json!({"a": 1}), "urls - Invalid array. Got: object."),
            (json!([1]), "urls - Invalid string. Got: integer."),
            (
                json!(["https://x.test/a", null]),
                "urls - Invalid string. Got: null.",
            ),
            (
                json!(["https://x.test/a", ""]),
                "urls can't contain blank entries",
            ),
            (json!(["  "]), "urls can't contain blank entries"),
            (
                json!(["https://x.test/a\u{0}"]),
                "urls - Invalid string. Got: string with a NUL character.",
            ),
        ] {
            let (status, body) = post(&app, &token, path, json!({ "urls": urls })).await;
            assert_eq!(
                (status, body["error"].as_str()),
                (StatusCode::BAD_REQUEST, Some(message)),
                "{path} {urls}"
            );
        }
    }
    let (status, body) = post(
        &app,
        &token,
        "/media_proxy_caches/purge",
        json!({"urls": ["https://x.test/a"], "ban": "maybe"}),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("ban - Invalid boolean. Got: string.")
        )
    );
    for (query, message) in [
        ("?page=x", "page - Invalid integer. Got: string."),
        ("?page=0", "page must be at least 1"),
        ("?page_size=-1", "page_size must be at least 1"),
        (
            "?page_size=1e9",
            "page_size - Invalid integer. Got: string.",
        ),
        (
            "?page=99999999999999999999999",
            "page - Invalid integer. Got: string.",
        ),
    ] {
        let (status, body) = app
            .get(&format!("{P}/media_proxy_caches{query}"), Some(&token))
            .await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some(message)),
            "{query}"
        );
    }
    let (status, body) = app
        .call(
            Method::GET,
            &format!("{P}/media_proxy_caches"),
            Some(&token),
            Some(json!({"query": ["a"]})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // Nothing changed.
    assert_eq!(
        banned(&app, &token, "").await["urls"],
        json!(["https://kept.test/a"])
    );
}

async fn settings_take_effect_live(app: TestApp) {
    let token = admin(&app).await;
    let remote = "https://remote.test/media/bob.png";
    let id = remote_with_avatar(&app, "bob", remote).await;
    app.user("alice", "pw-alice", false, false).await;
    app.sql(&format!(
        "UPDATE accounts SET avatar_url = '{}/media/alice.png' WHERE nickname = 'alice'",
        app.base
    ))
    .await;
    let (_, alice) = app.get(&format!("{P}/users/alice"), Some(&token)).await;
    assert_eq!(alice["avatar"], format!("{}/media/alice.png", app.base));
    assert_eq!(user(&app, &token, &id).await["avatar"], remote);

    proxy_on(&app, &token, &[]).await;
    let avatar = user(&app, &token, &id).await["avatar"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        avatar.starts_with(&format!("{}/proxy/", app.base)) && avatar.ends_with("/bob.png"),
        "{avatar}"
    );
    // Local media is untouched.
    let (_, alice) = app.get(&format!("{P}/users/alice"), Some(&token)).await;
    assert_eq!(alice["avatar"], format!("{}/media/alice.png", app.base));
    // Both admin prefixes and the account entities of other views show the same.
    let (_, again) = app.get(&format!("{P1}/users/{id}"), Some(&token)).await;
    assert_eq!(again["avatar"], avatar);

    // A second process on the same database signs with the same secret.
    let sibling = app.sibling().await;
    let (_, there) = sibling.get(&format!("{P}/users/{id}"), Some(&token)).await;
    assert_eq!(
        there["avatar"].as_str().unwrap().split("/proxy/").nth(1),
        avatar.split("/proxy/").nth(1)
    );

    // Another base URL.
    proxy_on(&app, &token, &[("base_url", json!("https://cdn.test/"))]).await;
    let cdn = user(&app, &token, &id).await["avatar"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        cdn,
        format!(
            "https://cdn.test/proxy/{}",
            avatar.split("/proxy/").nth(1).unwrap()
        )
    );

    // Off again: the original URL, no restart.
    post_config(
        &app,
        &token,
        ":media_proxy",
        kw(&[("enabled", json!(false))]),
    )
    .await;
    assert_eq!(user(&app, &token, &id).await["avatar"], remote);
    let (_, need) = app.get(&format!("{P}/need_reboot"), Some(&token)).await;
    assert_eq!(need, json!({"need_reboot": false}));
}

/// Processes sharing a PostgreSQL database: enabling the proxy through one reaches the other's
/// views (its cached settings are dropped by the NOTIFY), and both sign alike.
async fn other_processes_follow(app: TestApp) {
    if app.backend != steward::server::db::Backend::Postgres {
        return;
    }
    let token = admin(&app).await;
    let remote = "https://remote.test/media/bob.png";
    let id = remote_with_avatar(&app, "bob", remote).await;
    let sibling = app.sibling().await;
    assert_eq!(user(&sibling, &token, &id).await["avatar"], remote);
    proxy_on(&app, &token, &[]).await;
    let here = user(&app, &token, &id).await["avatar"].clone();
    let mut there = Value::Null;
    for _ in 0..100 {
        there = user(&sibling, &token, &id).await["avatar"].clone();
        if there != remote {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let tail = |v: &Value| {
        v.as_str()
            .unwrap()
            .split("/proxy/")
            .nth(1)
            .map(str::to_string)
    };
    assert!(tail(&here).is_some(), "{here}");
    assert_eq!(tail(&there), tail(&here));
}

async fn client_entities_are_rewritten(app: TestApp) {
    let token = admin(&app).await;
    let remote = "https://remote.test/media/bob.png";
    let id = remote_with_avatar(&app, "bob", remote).await;
    proxy_on(&app, &token, &[]).await;
    // The reports view carries the merged account (Mastodon entity + admin user object).
    let reporter = app.token("root", "pw-root", "read write").await;
    let (status, report) = app
        .call(
            Method::POST,
            "/api/v1/reports",
            Some(&reporter),
            Some(json!({"account_id": id, "comment": "spam"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let (status, reports) = app.get(&format!("{P}/reports"), Some(&token)).await;
    assert_eq!(status, StatusCode::OK, "{reports}");
    let account = &reports["reports"][0]["account"];
    for key in ["avatar", "avatar_static"] {
        let url = account[key].as_str().unwrap();
        assert!(
            url.contains("/proxy/") && url.ends_with("/bob.png"),
            "{key}: {url}"
        );
    }
    for key in ["header", "header_static"] {
        let url = account[key].as_str().unwrap();
        assert!(
            url.contains("/proxy/") && url.ends_with("/bob.png.h"),
            "{key}: {url}"
        );
    }
    let background = account["pleroma"]["background_image"].as_str().unwrap();
    assert!(background.ends_with("/bob.png.b") && background.contains("/proxy/"));
}

async fn proxy_serves_remote_files(app: TestApp) {
    let token = admin(&app).await;
    let (origin, _) = origin().await;
    let id = remote_with_avatar(&app, "bob", &format!("{origin}/pic.png")).await;
    proxy_on(&app, &token, &[]).await;
    let avatar = user(&app, &token, &id).await["avatar"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        avatar.starts_with(&format!("{}/proxy/", app.base)),
        "{avatar}"
    );
    let fetch = |url: String| {
        let client = app.client.clone();
        async move {
            let resp = client.get(url).send().await.unwrap();
            let status = resp.status();
            let kind = resp
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            (status, kind, resp.bytes().await.unwrap().to_vec())
        }
    };
    let (status, kind, bytes) = fetch(avatar.clone()).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/png"));
    assert_eq!(bytes, PNG);
    // The filename segment is optional.
    let (sig_and_url, _) = avatar.rsplit_once('/').unwrap();
    let (status, _, bytes) = fetch(sig_and_url.to_string()).await;
    assert_eq!((status, bytes.as_slice()), (StatusCode::OK, PNG));

    // A signature that does not match: 403.
    let parts: Vec<&str> = avatar.split('/').collect();
    let (sig, encoded) = (parts[4], parts[5]);
    for bad in [
        format!("{}/proxy/AAAA{sig}/{encoded}/pic.png", app.base),
        format!("{}/proxy/{sig}/{encoded}x/pic.png", app.base),
        format!("{}/proxy/!!/%FF/pic.png", app.base),
        format!("{}/proxy/{sig}/{encoded}%/%", app.base),
    ] {
        let (status, body) = app.get(bad.strip_prefix(&app.base).unwrap(), None).await;
        assert_eq!(
            (status, body),
            (StatusCode::FORBIDDEN, json!({"error": "Invalid signature"})),
            "{bad}"
        );
    }

    // Banned: 404; unbanned: served again.
    let (status, _) = post(
        &app,
        &token,
        "/media_proxy_caches/purge",
        json!({"urls": [avatar.clone()]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let path = avatar.strip_prefix(&app.base).unwrap().to_string();
    let (status, body) = app.get(&path, None).await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, json!({"error": "Not found"}))
    );
    post(
        &app,
        &token,
        "/media_proxy_caches/delete",
        json!({"urls": [avatar.clone()]}),
    )
    .await;
    assert_eq!(fetch(avatar.clone()).await.0, StatusCode::OK);

    // Remote failures: 404 stays 404, other errors and unreachable servers are 502.
    let signer = app.state.site.media.signer().unwrap();
    let proxied = |url: &str| signer.proxied(&app.base, url);
    let (status, body) = app
        .get(
            proxied(&format!("{origin}/missing.png"))
                .strip_prefix(&app.base)
                .unwrap(),
            None,
        )
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, json!({"error": "Not found"}))
    );
    let (status, body) = app
        .get(
            proxied(&format!("{origin}/broken.png"))
                .strip_prefix(&app.base)
                .unwrap(),
            None,
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_GATEWAY,
            json!({"error": "The remote server answered 500"})
        )
    );
    let closed = common::mailbox::closed_port().await;
    let (status, body) = app
        .get(
            proxied(&format!("http://127.0.0.1:{closed}/a.png"))
                .strip_prefix(&app.base)
                .unwrap(),
            None,
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_GATEWAY,
            json!({"error": "Could not fetch the remote file"})
        )
    );

    // Files over upload_limit (a reboot-time setting) are refused.
    post_config(
        &app,
        &token,
        ":instance",
        kw(&[("upload_limit", json!(50))]),
    )
    .await;
    let (status, _) = app.get(&format!("{P}/restart"), Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .get(
            proxied(&format!("{origin}/big.bin"))
                .strip_prefix(&app.base)
                .unwrap(),
            None,
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_GATEWAY,
            json!({"error": "The remote file is too large"})
        )
    );

    // Proxy off: 404 even for valid URLs.
    post_config(
        &app,
        &token,
        ":media_proxy",
        kw(&[("enabled", json!(false))]),
    )
    .await;
    let (status, body) = app.get(&path, None).await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, json!({"error": "Not found"}))
    );
}

async fn purge_sends_invalidation(app: TestApp) {
    let token = admin(&app).await;
    // The cache in front of the proxy is the local test server: proxied URLs point at it.
    let (cache, seen) = origin().await;
    proxy_on(
        &app,
        &token,
        &[
            ("base_url", json!(cache)),
            (
                "invalidation",
                kw(&[
                    ("enabled", json!(true)),
                    (
                        "provider",
                        json!("Pleroma.Web.MediaProxy.Invalidation.Http"),
                    ),
                ]),
            ),
        ],
    )
    .await;
    post_config(
        &app,
        &token,
        "Pleroma.Web.MediaProxy.Invalidation.Http",
        kw(&[
            ("headers", json!([{"tuple": ["x-refresh", "1"]}])),
            ("options", kw(&[("params", json!({"purge": "yes"}))])),
        ]),
    )
    .await;
    let (status, body) = post(
        &app,
        &token,
        "/media_proxy_caches/purge",
        json!({"urls": ["https://remote.test/a/cat.png"], "ban": false}),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::OK,
            json!({"urls": ["https://remote.test/a/cat.png"]})
        )
    );
    let mut waited = 0;
    while seen.lock().unwrap().is_empty() && waited < 100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        waited += 1;
    }
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        let (method, path, headers) = &seen[0];
        assert_eq!(method, "PURGE");
        assert!(path.starts_with("/proxy/"), "{path}");
        assert!(path.ends_with("/cat.png?purge=yes"), "{path}");
        assert_eq!(headers["x-refresh"], "1");
    }
    assert_eq!(banned(&app, &token, "").await["count"], 0);

    // The configured method; the Script provider sends nothing.
    post_config(
        &app,
        &token,
        "Pleroma.Web.MediaProxy.Invalidation.Http",
        kw(&[("method", json!(":ban"))]),
    )
    .await;
    post(
        &app,
        &token,
        "/media_proxy_caches/purge",
        json!({"urls": ["https://remote.test/b.png"]}),
    )
    .await;
    let mut waited = 0;
    while seen.lock().unwrap().len() < 2 && waited < 100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        waited += 1;
    }
    assert_eq!(seen.lock().unwrap()[1].0, "BAN");
    proxy_on(
        &app,
        &token,
        &[(
            "invalidation",
            kw(&[(
                "provider",
                json!("Pleroma.Web.MediaProxy.Invalidation.Script"),
            )]),
        )],
    )
    .await;
    post(
        &app,
        &token,
        "/media_proxy_caches/purge",
        json!({"urls": ["https://remote.test/c.png"]}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(seen.lock().unwrap().len(), 2);
    assert_eq!(banned(&app, &token, "").await["count"], 2);
}

backend_tests!(
    access,
    banned_list,
    proxy_urls_are_normalised,
    bad_input,
    settings_take_effect_live,
    other_processes_follow,
    client_entities_are_rewritten,
    proxy_serves_remote_files,
    purge_sends_invalidation,
);

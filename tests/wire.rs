//! README wire conventions and the public documents (client-api.md §6).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn unknown_paths_and_methods_are_json_404(app: TestApp) {
    for (method, path) in [
        (Method::GET, "/api/pleroma/admin/nothing-here"),
        (Method::GET, "/api/v1/pleroma/admin/users/x/y/z"),
        (Method::DELETE, "/api/pleroma/admin/dashboard"),
        (Method::GET, "/api/v1/nope"),
        (Method::PUT, "/api/v1/instance"),
    ] {
        let resp = app
            .client
            .request(method.clone(), app.url(path))
            .send()
            .await
            .expect("request");
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(
            resp.headers()["content-type"],
            "application/json; charset=utf-8"
        );
        assert_eq!(
            resp.json::<Value>().await.unwrap_or(json!(null)),
            json!({"error": "Not found"})
        );
    }
}

async fn trailing_slash_is_tolerated(app: TestApp) {
    let (status, body) = app.get("/api/v1/instance/", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["title"], "steward");
    let (status, _) = app.get("/api/pleroma/admin/dashboard/", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "routed, then refused");
}

async fn cors_preflight_and_headers(app: TestApp) {
    let resp = app
        .client
        .request(Method::OPTIONS, app.url("/api/pleroma/admin/dashboard"))
        .header("origin", "https://admin.example")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .expect("preflight");
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
    let resp = app
        .client
        .get(app.url("/nodeinfo/2.0.json"))
        .send()
        .await
        .expect("get");
    assert_eq!(resp.headers()["access-control-allow-origin"], "*");
}

async fn bodies_too_large_or_malformed(app: TestApp) {
    let big = format!("{{\"client_name\": \"{}\"}}", "x".repeat(1024 * 1024 + 10));
    let resp = app
        .client
        .post(app.url("/api/v1/apps"))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        resp.json::<Value>().await.unwrap_or(json!(null)),
        json!({"error": "Request body too large."})
    );
    let resp = app
        .client
        .post(app.url("/oauth/token"))
        .header("content-type", "application/json")
        .body("[1,")
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    // A body without a content type is JSON if it parses.
    let resp = app
        .client
        .post(app.url("/api/v1/apps"))
        .body(r#"{"client_name": "raw", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}"#)
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::OK);
    // Hostile strings are just data.
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/apps",
            None,
            Some(json!({"client_name": "x'); DROP TABLE apps; --\u{1F600}", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["name"], "x'); DROP TABLE apps; --\u{1F600}");
}

async fn instance_and_nodeinfo_follow_settings(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    app.user("someone", "pw", false, false).await;
    let (status, body) = app.get("/api/v1/instance", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["stats"]["user_count"], 2);
    assert_eq!(body["registrations"], true);
    assert_eq!(body["max_toot_chars"], 5000);
    app.set_config(
        ":pleroma",
        ":instance",
        json!([{"tuple": [":name", "Fedi Town"]}, {"tuple": [":registrations_open", false]}, {"tuple": [":invites_enabled", true]}]),
    )
    .await;
    let (_, body) = app.get("/api/v1/instance", None).await;
    assert_eq!(body["title"], "Fedi Town");
    assert_eq!(body["registrations"], false);

    let (_, links) = app.get("/.well-known/nodeinfo", None).await;
    assert_eq!(
        links["links"][0]["href"],
        json!(format!("{}/nodeinfo/2.0.json", app.base))
    );
    let (status, info) = app.get("/nodeinfo/2.0.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["software"]["name"], "steward");
    assert_eq!(info["openRegistrations"], false);
    assert_eq!(info["metadata"]["invitesEnabled"], true);
    assert_eq!(info["metadata"]["mailerEnabled"], true);
    assert_eq!(info["metadata"]["nodeName"], "Fedi Town");
    assert_eq!(
        info["metadata"]["staffAccounts"],
        json!([format!("{}/users/root", app.base)])
    );
    assert_eq!(info["usage"]["users"]["total"], 2);
    let (_, info21) = app.get("/nodeinfo/2.1.json", None).await;
    assert_eq!(info21["version"], "2.1");
    assert!(info21["software"]["repository"].is_string());
    app.set_config(
        ":pleroma",
        "Pleroma.Emails.Mailer",
        json!([{"tuple": [":enabled", false]}]),
    )
    .await;
    let (_, info) = app.get("/nodeinfo/2.0.json", None).await;
    assert_eq!(info["metadata"]["mailerEnabled"], false);
    let (status, peers) = app.get("/api/v1/instance/peers", None).await;
    assert_eq!((status, peers), (StatusCode::OK, json!([])));
}

async fn dashboard_counts_and_series(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let token = app.token("root", "pw-root", "admin").await;
    let (status, d) = app.get("/api/pleroma/admin/dashboard", Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(d["users"]["total"], 1);
    assert_eq!(d["users"]["admins"], 1);
    assert_eq!(d["statuses"], json!({"total": 0, "local": 0, "last_7d": 0}));
    assert_eq!(d["series"]["new_users"].as_array().map(Vec::len), Some(30));
    assert_eq!(
        d["series"]["new_users"][29]["count"], 1,
        "today's registration is in the last bucket"
    );
    assert_eq!(d["registrations"]["open"], true);
    let keys: Vec<&str> = d
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    for key in [
        "users",
        "statuses",
        "status_visibility",
        "reports",
        "invites",
        "relays",
        "series",
        "need_reboot",
        "mailer_enabled",
        "registrations",
    ] {
        assert!(keys.contains(&key), "missing {key}");
    }
    // Demo data on the same database shows up.
    steward::server::service::demo::seed(&app.state.db, &app.state.site)
        .await
        .expect("demo");
    let (_, d) = app.get("/api/pleroma/admin/dashboard", Some(&token)).await;
    assert!(d["users"]["remote"].as_i64().unwrap_or(0) > 50);
    assert!(d["reports"]["open"].as_i64().unwrap_or(0) > 0);
    // Demo is idempotent.
    let again = steward::server::service::demo::seed(&app.state.db, &app.state.site)
        .await
        .expect("demo");
    assert_eq!(again.accounts, 0);
}

#[tokio::test]
async fn config_file_layers_under_the_database() {
    let file = json!({"configs": [
        {"group": ":pleroma", "key": ":instance", "value": [{"tuple": [":name", "From the file"]}, {"tuple": [":limit", 777]}]}
    ]});
    let app =
        common::spawn_with_config_file(steward::server::db::Backend::Sqlite, Some(file.clone()))
            .await;
    let (_, body) = app.get("/api/v1/instance", None).await;
    assert_eq!(body["title"], "From the file");
    assert_eq!(body["max_toot_chars"], 777);
    // A database row wins over the file, key by key.
    app.set_config(
        ":pleroma",
        ":instance",
        json!([{"tuple": [":name", "From the database"]}]),
    )
    .await;
    let (_, body) = app.get("/api/v1/instance", None).await;
    assert_eq!(body["title"], "From the database");
    assert_eq!(body["max_toot_chars"], 777);

    // With database configuration off, rows are ignored.
    let mut off = file;
    off["configurable_from_database"] = json!(false);
    let app = common::spawn_with_config_file(steward::server::db::Backend::Sqlite, Some(off)).await;
    app.set_config(
        ":pleroma",
        ":instance",
        json!([{"tuple": [":name", "From the database"]}]),
    )
    .await;
    let (_, body) = app.get("/api/v1/instance", None).await;
    assert_eq!(body["title"], "From the file");
}

#[tokio::test]
async fn malformed_config_file_stops_start_up_with_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("steward-badconfig-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("config.json"), "{oops").expect("write");
    let config = steward::server::Config {
        database_url: format!("sqlite://{}/s.db", dir.display()),
        addr: "127.0.0.1:0".into(),
        base_url: None,
        config_file: dir.join("config.json"),
        mailbox_dir: dir.join("mailbox"),
        media_dir: dir.join("media"),
    };
    let error = steward::server::Application::build(config)
        .await
        .err()
        .map(|e| e.message())
        .unwrap_or_default();
    assert!(error.starts_with("Invalid config file"), "{error}");
    let _ = std::fs::remove_dir_all(dir);
}

backend_tests!(
    unknown_paths_and_methods_are_json_404,
    trailing_slash_is_tolerated,
    cors_preflight_and_headers,
    bodies_too_large_or_malformed,
    instance_and_nodeinfo_follow_settings,
    dashboard_counts_and_series,
);

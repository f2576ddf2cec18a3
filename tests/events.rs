//! The panel's live event stream `GET /api/steward/events` (steward extension): who may open it,
//! and that filed reports and state changes arrive, also across two processes sharing one
//! PostgreSQL database.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use std::time::Duration;

use common::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use steward::server::db::Backend;

const EVENTS: &str = "/api/steward/events";

/// An open event stream.
struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    async fn open(app: &TestApp, token: Option<&str>, cookie: Option<&str>) -> Stream {
        let mut request = app.client.get(app.url(EVENTS));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        Stream {
            response,
            buffer: String::new(),
        }
    }

    /// The next event (name, data), skipping keep-alive comments; fails after 10 seconds.
    async fn next(&mut self) -> (String, Value) {
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                if let Some(end) = self.buffer.find("\n\n") {
                    let block: String = self.buffer.drain(..end + 2).collect();
                    let mut name = None;
                    let mut data = None;
                    for line in block.lines() {
                        if let Some(v) = line.strip_prefix("event:") {
                            name = Some(v.trim().to_string());
                        } else if let Some(v) = line.strip_prefix("data:") {
                            data = Some(serde_json::from_str::<Value>(v.trim()).unwrap());
                        }
                    }
                    if let (Some(name), Some(data)) = (name, data) {
                        return (name, data);
                    }
                    continue;
                }
                let chunk = self.response.chunk().await.unwrap().expect("stream ended");
                self.buffer.push_str(&String::from_utf8_lossy(&chunk));
            }
        })
        .await
        .expect("no event within 10 seconds")
    }
}

async fn admin(app: &TestApp) -> String {
    app.user("root", "pw-root", true, false).await;
    app.token("root", "pw-root", "read write follow admin")
        .await
}

/// A reporter's token and the id of the account it reports.
async fn reporter_and_target(app: &TestApp) -> (String, String) {
    app.user("reporter", "pw", false, false).await;
    let target = app.user("target", "pw", false, false).await;
    (app.token("reporter", "pw", "read write").await, target)
}

async fn file_report(app: &TestApp, token: &str, target: &str) -> String {
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/reports",
            Some(token),
            Some(json!({"account_id": target, "comment": "live"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["id"].as_str().unwrap().to_string()
}

async fn only_report_managers_may_listen(app: TestApp) {
    app.user("plain", "pw", false, false).await;
    app.user("moder", "pw", false, true).await;
    app.user("root", "pw", true, false).await;
    let refused = |token: Option<String>, message: &'static str| {
        let app = &app;
        async move {
            let (status, body) = app.get(EVENTS, token.as_deref()).await;
            assert_eq!(
                (status, body),
                (StatusCode::FORBIDDEN, json!({"error": message})),
                "{token:?}"
            );
        }
    };
    refused(None, "Invalid credentials.").await;
    refused(Some("not-a-token".into()), "Invalid credentials.").await;
    let plain = app.token("plain", "pw", "read write admin").await;
    refused(Some(plain), "User is not an admin.").await;
    let root_without_admin_scope = app.token("root", "pw", "read write").await;
    refused(
        Some(root_without_admin_scope),
        "Insufficient permissions: admin:read:reports.",
    )
    .await;
    // A moderator without `reports_manage_reports` is refused; with it (the default) admitted.
    app.set_config(
        ":pleroma",
        ":instance",
        json!([{"tuple": [":moderator_privileges", [":users_read"]]}]),
    )
    .await;
    let moderator = app.token("moder", "pw", "read write admin").await;
    refused(Some(moderator.clone()), "User is not an admin.").await;
    app.sql("DELETE FROM config").await;
    let mut stream = Stream::open(&app, Some(&moderator), None).await;
    assert_eq!(
        stream.next().await,
        ("ready".into(), json!({"open_reports": 0}))
    );

    // The panel's session cookie works too (a GET needs no CSRF token).
    let (cookie, _) = app.panel_login("root", "pw").await;
    let mut stream = Stream::open(&app, None, Some(&cookie)).await;
    assert_eq!(
        stream.next().await,
        ("ready".into(), json!({"open_reports": 0}))
    );
}

async fn filed_reports_and_state_changes_arrive(app: TestApp) {
    let token = admin(&app).await;
    let (reporter, target) = reporter_and_target(&app).await;
    file_report(&app, &reporter, &target).await;
    let mut stream = Stream::open(&app, Some(&token), None).await;
    assert_eq!(
        stream.next().await,
        ("ready".into(), json!({"open_reports": 1}))
    );

    let id = file_report(&app, &reporter, &target).await;
    assert_eq!(
        stream.next().await,
        ("report".into(), json!({"id": id, "open_reports": 2}))
    );
    let (status, _) = app
        .call(
            Method::PATCH,
            "/api/pleroma/admin/reports",
            Some(&token),
            Some(json!({"reports": [{"id": id, "state": "resolved"}]})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        stream.next().await,
        (
            "report_state".into(),
            json!({"id": id, "state": "resolved", "open_reports": 1})
        )
    );
    let (status, _) = app
        .call(
            Method::PUT,
            &format!("/api/v1/pleroma/admin/reports/{id}"),
            Some(&token),
            Some(json!({"state": "open"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        stream.next().await,
        (
            "report_state".into(),
            json!({"id": id, "state": "open", "open_reports": 2})
        )
    );
    // A refused change announces nothing: the next event is the next report.
    let (status, _) = app
        .call(
            Method::PATCH,
            "/api/pleroma/admin/reports",
            Some(&token),
            Some(json!({"reports": [{"id": id, "state": "bogus"}]})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let third = file_report(&app, &reporter, &target).await;
    assert_eq!(
        stream.next().await,
        ("report".into(), json!({"id": third, "open_reports": 3}))
    );
}

/// Two steward processes on one PostgreSQL database: a report filed on one reaches a stream
/// opened on the other.
async fn events_cross_processes(app: TestApp) {
    if app.backend != Backend::Postgres {
        return;
    }
    let token = admin(&app).await;
    let (reporter, target) = reporter_and_target(&app).await;
    let other = app.sibling().await;
    let mut here = Stream::open(&app, Some(&token), None).await;
    let mut there = Stream::open(&other, Some(&token), None).await;
    assert_eq!(here.next().await.0, "ready");
    assert_eq!(there.next().await.0, "ready");

    let id = file_report(&app, &reporter, &target).await;
    let expected = ("report".to_string(), json!({"id": id, "open_reports": 1}));
    assert_eq!(there.next().await, expected);
    assert_eq!(here.next().await, expected);

    // And the other way round.
    let (status, _) = other
        .call(
            Method::PATCH,
            "/api/pleroma/admin/reports",
            Some(&token),
            Some(json!({"reports": [{"id": id, "state": "closed"}]})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let expected = (
        "report_state".to_string(),
        json!({"id": id, "state": "closed", "open_reports": 0}),
    );
    assert_eq!(here.next().await, expected);
    assert_eq!(there.next().await, expected);
}

backend_tests!(
    only_report_managers_may_listen,
    filed_reports_and_state_changes_arrive,
    events_cross_processes,
);

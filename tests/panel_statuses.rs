//! The statuses screens rendered on the server (what a browser without JavaScript gets) and their
//! form posts (`/admin/statuses/action`): filters in the URL, the moderation menu, the delete
//! confirmation, the same effects and log entries as the REST API, and the reports that reference
//! a status.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const P1: &str = "/api/v1/pleroma/admin";

async fn post_status(app: &TestApp, token: &str, body: Value) -> String {
    let (status, entity) = app
        .call(Method::POST, "/api/v1/statuses", Some(token), Some(body))
        .await;
    assert_eq!(status, StatusCode::OK, "{entity}");
    entity["id"].as_str().unwrap().to_string()
}

/// Posts a panel form; returns the status and the `Location`.
async fn form(app: &TestApp, cookie: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    app.panel_form("/admin/statuses/action", cookie, fields)
        .await
}

fn param(location: &str, key: &str) -> String {
    common::location_param(location, key)
}

async fn page(app: &TestApp, cookie: &str, path: &str) -> String {
    let (status, html) = app.panel_html(path, cookie).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    html
}

async fn screens_and_moderation_forms(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let admin = app
        .token("root", "pw-root", "read write follow admin")
        .await;
    let alice_id = app.user("alice", "pw", false, false).await;
    let alice = app.token("alice", "pw", "read write follow").await;
    app.user("bob", "pw", false, false).await;
    let bob = app.token("bob", "pw", "read write follow").await;
    let public = post_status(
        &app,
        &alice,
        json!({"status": "hello <script>alert(1)</script> world", "visibility": "public"}),
    )
    .await;
    let private = post_status(
        &app,
        &alice,
        json!({"status": "secret for followers", "visibility": "private"}),
    )
    .await;
    let (status, report) = app
        .call(
            Method::POST,
            "/api/v1/reports",
            Some(&bob),
            Some(json!({"account_id": alice_id, "status_ids": [public], "comment": "spam"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let report_id = report["id"].as_str().unwrap().to_string();

    let (cookie, csrf) = app.panel_login("root", "pw-root").await;

    // The list: public by default, private with godmode; content sanitized.
    let html = page(&app, &cookie, "/admin/statuses").await;
    assert!(html.contains("hello"), "public status listed");
    assert!(!html.contains("secret for followers"));
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("Show private and direct"));
    assert!(html.contains(&format!("Moderate status #{public}")));
    let html = page(&app, &cookie, "/admin/statuses?godmode=1").await;
    assert!(html.contains("secret for followers"));
    assert!(html.contains("Followers only"));
    let html = page(&app, &cookie, "/admin/statuses?instance=remote.example").await;
    assert!(!html.contains("hello"), "another instance has none of them");

    // Without the CSRF field nothing happens.
    form(
        &app,
        &cookie,
        &[
            ("id", &public),
            ("action", "sensitive_on"),
            ("back", "/admin/statuses"),
        ],
    )
    .await;
    let (_, shown) = app
        .get(&format!("{P1}/statuses/{public}"), Some(&admin))
        .await;
    assert_eq!(shown["sensitive"], false);

    let back = "/admin/statuses?godmode=1";
    let (status, location) = form(
        &app,
        &cookie,
        &[
            ("csrf", &csrf),
            ("id", &public),
            ("action", "sensitive_on"),
            ("back", back),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        param(&location, "notice"),
        format!("Marked status #{public} as sensitive.")
    );
    assert_eq!(param(&location, "godmode"), "1");
    let (_, shown) = app
        .get(&format!("{P1}/statuses/{public}"), Some(&admin))
        .await;
    assert_eq!(shown["sensitive"], true);

    let (_, location) = form(
        &app,
        &cookie,
        &[
            ("csrf", &csrf),
            ("id", &public),
            ("action", "visibility_unlisted"),
            ("back", back),
        ],
    )
    .await;
    assert_eq!(
        param(&location, "notice"),
        format!("Status #{public} is now unlisted.")
    );
    let (_, shown) = app
        .get(&format!("{P1}/statuses/{public}"), Some(&admin))
        .await;
    assert_eq!(shown["visibility"], "unlisted");

    // The service's refusal comes back verbatim after a human prefix.
    let (_, location) = form(
        &app,
        &cookie,
        &[
            ("csrf", &csrf),
            ("id", "nope"),
            ("action", "sensitive_on"),
            ("back", back),
        ],
    )
    .await;
    assert!(param(&location, "error").starts_with("Couldn't update status #nope: "));

    // The status page shows the status and the report that references it.
    let html = page(&app, &cookie, &format!("/admin/statuses/{public}")).await;
    assert!(
        html.contains(&format!("Report #{report_id}")),
        "report listed"
    );
    assert!(html.contains("Content warning") || html.contains("Sensitive content"));

    // Deleting asks first, then goes where `after_delete` says.
    let status_page = format!("/admin/statuses/{public}");
    let (_, location) = form(
        &app,
        &cookie,
        &[
            ("csrf", &csrf),
            ("id", &public),
            ("action", "delete"),
            ("back", &status_page),
        ],
    )
    .await;
    assert_eq!(param(&location, "confirm_delete"), public);
    let html = page(&app, &cookie, &location).await;
    assert!(html.contains(&format!("Delete status #{public} by @alice?")));
    let (_, location) = form(
        &app,
        &cookie,
        &[
            ("csrf", &csrf),
            ("id", &public),
            ("action", "delete"),
            ("confirmed", "1"),
            ("back", &status_page),
            ("after_delete", "/admin/statuses"),
        ],
    )
    .await;
    assert!(location.starts_with("/admin/statuses?"), "{location}");
    assert_eq!(
        param(&location, "notice"),
        format!("Deleted status #{public}.")
    );
    let (status, _) = app
        .get(&format!("{P1}/statuses/{public}"), Some(&admin))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, log) = app.get(&format!("{P1}/moderation_log"), Some(&admin)).await;
    let messages: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["message"].as_str())
        .collect();
    assert!(messages.contains(&format!("@root deleted status #{public}").as_str()));

    // The user page tabs.
    let html = page(
        &app,
        &cookie,
        &format!("/admin/users/{alice_id}?tab=statuses&godmode=1"),
    )
    .await;
    assert!(html.contains("secret for followers"));
    assert!(html.contains(&format!("Moderate status #{private}")));
    let html = page(
        &app,
        &cookie,
        &format!("/admin/users/{alice_id}?tab=reports"),
    )
    .await;
    assert!(html.contains(&format!("Report #{report_id}")));
    assert!(html.contains("Reports about @alice (1)"));
}

async fn readers_without_messages_delete_get_no_menu(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    app.user("mod", "pw-mod", false, true).await;
    app.user("alice", "pw", false, false).await;
    let alice = app.token("alice", "pw", "read write follow").await;
    let id = post_status(&app, &alice, json!({"status": "plain words"})).await;
    // Moderators read statuses but may not delete them.
    app.set_config(
        ":pleroma",
        ":instance",
        json!([{"tuple": [":moderator_privileges", [":messages_read"]]}]),
    )
    .await;
    let (cookie, csrf) = app.panel_login("mod", "pw-mod").await;
    let html = page(&app, &cookie, "/admin/statuses").await;
    assert!(html.contains("plain words"));
    assert!(!html.contains("Moderate status #"));
    let (_, location) = form(
        &app,
        &cookie,
        &[
            ("csrf", &csrf),
            ("id", &id),
            ("action", "sensitive_on"),
            ("back", "/admin/statuses"),
        ],
    )
    .await;
    assert!(
        param(&location, "error").starts_with("You don't have permission to do this."),
        "{location}"
    );
}

backend_tests!(
    screens_and_moderation_forms,
    readers_without_messages_delete_get_no_menu,
);

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
const CONFIRM_BULK: &str = "confirm_bulk_delete";

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
    // No selection and no bulk bar either.
    assert!(!html.contains("Select status #"));
    assert!(!html.contains("Bulk actions"));
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
    // The bulk form is refused the same way, and changes nothing.
    let (_, location) = form(
        &app,
        &cookie,
        &[
            ("csrf", &csrf),
            ("ids[]", &id),
            ("action", "sensitive_on"),
            ("back", "/admin/statuses"),
        ],
    )
    .await;
    assert!(
        param(&location, "error").starts_with("You don't have permission to do this."),
        "{location}"
    );
    let admin = app.token("root", "pw-root", "read write admin").await;
    assert_eq!(
        flags(&app, &admin, &id).await,
        Some((false, "public".into()))
    );
}

/// Whether the status is sensitive, and its visibility (or `None` once it is gone).
async fn flags(app: &TestApp, admin: &str, id: &str) -> Option<(bool, String)> {
    let (status, shown) = app.get(&format!("{P1}/statuses/{id}"), Some(admin)).await;
    if status == StatusCode::NOT_FOUND {
        return None;
    }
    assert_eq!(status, StatusCode::OK, "{shown}");
    Some((
        shown["sensitive"].as_bool().unwrap(),
        shown["visibility"].as_str().unwrap().to_string(),
    ))
}

async fn log_messages(app: &TestApp, admin: &str) -> Vec<String> {
    let (_, log) = app
        .get(&format!("{P1}/moderation_log?page_size=500"), Some(admin))
        .await;
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["message"].as_str().map(str::to_string))
        .collect()
}

/// The bulk bar as a plain form: `ids[]` in order, the whole list checked first, deleting
/// confirmed, the first refusal stops the run and says where.
async fn bulk_form(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let admin = app
        .token("root", "pw-root", "read write follow admin")
        .await;
    app.user("alice", "pw", false, false).await;
    let alice = app.token("alice", "pw", "read write follow").await;
    app.user("bob", "pw", false, false).await;
    let mut ids = Vec::new();
    for n in 1..=3 {
        ids.push(post_status(&app, &alice, json!({"status": format!("bulk status {n}")})).await);
    }
    let direct = post_status(
        &app,
        &alice,
        json!({"status": "@bob just for you", "visibility": "direct"}),
    )
    .await;
    let (s1, s2, s3) = (ids[0].clone(), ids[1].clone(), ids[2].clone());
    let (cookie, csrf) = app.panel_login("root", "pw-root").await;
    let back = "/admin/statuses?local_only=1";

    // The page: a labelled checkbox per card in the bulk form, the bar, select all.
    let html = page(&app, &cookie, back).await;
    assert!(html.contains(&format!("Select status #{s1} by @alice")));
    assert!(html.contains("form=\"status-bulk\""));
    assert!(html.contains("Bulk actions"));
    assert!(html.contains("Select all on this page"));
    let html = page(&app, &cookie, "/admin/statuses?local_only=1&select=all").await;
    assert!(html.contains("Clear selection"));

    let bulk = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        let cookie = cookie.clone();
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            form(app, &cookie, &fields).await
        }
    };
    let with = |action: &str, list: &[&str]| {
        let mut fields = vec![
            ("csrf", csrf.clone()),
            ("back", back.to_string()),
            ("action", action.to_string()),
        ];
        fields.extend(list.iter().map(|id| ("ids[]", id.to_string())));
        fields
    };

    // Two statuses marked sensitive, one log entry each.
    let (status, location) = bulk(with("sensitive_on", &[&s1, &s2])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/admin/statuses?"), "{location}");
    assert_eq!(param(&location, "local_only"), "1");
    assert_eq!(
        param(&location, "notice"),
        "Marked 2 statuses as sensitive."
    );
    assert!(flags(&app, &admin, &s1).await.unwrap().0);
    assert!(flags(&app, &admin, &s2).await.unwrap().0);
    assert!(!flags(&app, &admin, &s3).await.unwrap().0);
    let messages = log_messages(&app, &admin).await;
    for id in [&s1, &s2] {
        assert!(messages.contains(&format!(
            "@root updated status #{id}, set sensitive: 'true'"
        )));
    }

    // The visibility select of the bar.
    let mut fields = with("visibility", &[&s1, &s3]);
    fields.push(("visibility", "unlisted".into()));
    let (_, location) = bulk(fields).await;
    assert_eq!(param(&location, "notice"), "2 statuses are now unlisted.");
    assert_eq!(flags(&app, &admin, &s3).await.unwrap().1, "unlisted");
    let (_, location) = bulk(with("sensitive_off", &[&s1])).await;
    assert_eq!(
        param(&location, "notice"),
        "Marked 1 status as not sensitive."
    );

    // In order, stopping at the first refusal: s2 changes, the direct status is refused, s3 is
    // left alone.
    let (_, location) = bulk(with("visibility_private", &[&s2, &direct, &s3])).await;
    assert_eq!(
        param(&location, "error"),
        format!(
            "Couldn't make status #{direct} followers only: Unsupported visibility. Stopped at 2 \
             of 3; the status before it was changed, the rest were not."
        )
    );
    assert_eq!(flags(&app, &admin, &s2).await.unwrap().1, "private");
    assert_eq!(flags(&app, &admin, &s3).await.unwrap().1, "unlisted");

    // Bad lists change nothing: unknown ids, injection strings, too many ids, none, no action.
    let before = log_messages(&app, &admin).await.len();
    for list in [
        vec![s3.as_str(), "no-such-status"],
        vec!["' OR 1=1; DROP TABLE statuses; --", s3.as_str()],
        vec![
            s3.as_str(),
            "<script>alert(1)</script>",
            "%00",
            "../../etc/passwd",
        ],
    ] {
        let (status, location) = bulk(with("delete", &list)).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let error = param(&location, "error");
        assert!(
            error.starts_with("Nothing changed: no status has the id #"),
            "{error}"
        );
        assert!(
            !error.contains(&s3),
            "only the unknown ids are named: {error}"
        );
        assert!(param(&location, CONFIRM_BULK).is_empty());
    }
    let long = "x".repeat(5000);
    let (_, location) = bulk(with("sensitive_on", &[&s3, &long])).await;
    let error = param(&location, "error");
    assert!(error.contains("no status has the id #xxxx"), "{error}");
    assert!(error.len() < 200, "a forged id is shortened: {error}");
    let many: Vec<String> = (0..501).map(|n| format!("id{n}")).collect();
    let many: Vec<&str> = std::iter::once(s3.as_str())
        .chain(many.iter().map(String::as_str))
        .collect();
    let (_, location) = bulk(with("sensitive_on", &many)).await;
    assert_eq!(
        param(&location, "error"),
        "Nothing changed: select at most 500 statuses at a time (502 were sent)."
    );
    let (_, location) = bulk(with("sensitive_on", &[])).await;
    assert_eq!(
        param(&location, "error"),
        "Select at least one status first."
    );
    let (_, location) = bulk(with("explode", &[&s3])).await;
    assert_eq!(param(&location, "error"), "Choose an action first.");
    let mut fields = with("visibility", &[&s3]);
    fields.push(("visibility", "direct".into()));
    let (_, location) = bulk(fields).await;
    assert_eq!(param(&location, "error"), "Choose an action first.");
    // Without the CSRF field: refused, nothing changed.
    let mut fields = with("sensitive_on", &[&s3]);
    fields.retain(|(k, _)| *k != "csrf");
    let (_, location) = bulk(fields).await;
    assert!(
        param(&location, "error").ends_with("Invalid CSRF token."),
        "{location}"
    );
    // Without a session: to the login page, nothing changed.
    let fields = with("sensitive_on", &[&s3]);
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (_, location) = form(&app, "", &fields).await;
    assert!(location.starts_with("/admin/login"), "{location}");
    assert_eq!(
        flags(&app, &admin, &s3).await.unwrap(),
        (false, "unlisted".to_string())
    );
    assert_eq!(
        log_messages(&app, &admin).await.len(),
        before,
        "nothing logged"
    );

    // Deleting asks first (the page names how many and that it can't be undone), then deletes.
    let (_, location) = bulk(with("delete", &[&s1, &s3])).await;
    assert_eq!(param(&location, CONFIRM_BULK), format!("{s1},{s3}"));
    assert!(param(&location, "error").is_empty());
    assert!(flags(&app, &admin, &s1).await.is_some(), "not deleted yet");
    let html = page(&app, &cookie, &location).await;
    assert!(html.contains("Delete 2 statuses?"));
    assert!(html.contains("This can&#x27;t be undone.") || html.contains("This can't be undone."));
    assert!(html.contains(&format!("value=\"{s3}\"")));
    let mut fields = with("delete", &[&s1, &s3]);
    fields.push(("confirmed", "1".into()));
    let (_, location) = bulk(fields).await;
    assert_eq!(param(&location, "notice"), "Deleted 2 statuses.");
    assert!(param(&location, CONFIRM_BULK).is_empty());
    assert!(flags(&app, &admin, &s1).await.is_none());
    assert!(flags(&app, &admin, &s3).await.is_none());
    assert!(flags(&app, &admin, &s2).await.is_some());
    let messages = log_messages(&app, &admin).await;
    assert!(messages.contains(&format!("@root deleted status #{s1}")));
    assert!(messages.contains(&format!("@root deleted status #{s3}")));
}

backend_tests!(
    screens_and_moderation_forms,
    readers_without_messages_delete_get_no_menu,
    bulk_form,
);

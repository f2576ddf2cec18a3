//! The report screens rendered on the server (what a browser without JavaScript gets) and their
//! form posts (`/admin/reports/…`): tabs with counts, account filters, the report page, batch state
//! changes as one all-or-nothing batch, notes with a confirmed delete, "Resolve and open next", and
//! the same log entries as the REST API; the queue grouped by status and the suggestions of the
//! account filters.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::json;

const P1: &str = "/api/v1/pleroma/admin";

/// Posts a panel form to `path`; returns the status and the `Location`.
async fn form(
    app: &TestApp,
    cookie: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    app.panel_form(path, cookie, fields).await
}

fn param(location: &str, key: &str) -> String {
    common::location_param(location, key)
}

async fn page(app: &TestApp, cookie: &str, path: &str) -> String {
    let (status, html) = app.panel_html(path, cookie).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    html
}

/// Files a report by `token` about `account_id`; returns its id.
async fn report(
    app: &TestApp,
    token: &str,
    account_id: &str,
    statuses: &[&str],
    comment: &str,
) -> String {
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/reports",
            Some(token),
            Some(json!({"account_id": account_id, "status_ids": statuses, "comment": comment})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["id"].as_str().unwrap().to_string()
}

async fn state_of(app: &TestApp, admin: &str, id: &str) -> String {
    let (_, body) = app.get(&format!("{P1}/reports/{id}"), Some(admin)).await;
    body["state"].as_str().unwrap_or_default().to_string()
}

async fn log_messages(app: &TestApp, admin: &str) -> Vec<String> {
    let (_, body) = app
        .get(&format!("{P1}/moderation_log?page_size=100"), Some(admin))
        .await;
    body["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["message"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

async fn queue_page_and_forms(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let admin = app
        .token("root", "pw-root", "read write follow admin")
        .await;
    let alice_id = app.user("alice", "pw", false, false).await;
    let alice = app.token("alice", "pw", "read write follow").await;
    app.user("bob", "pw", false, false).await;
    let bob = app.token("bob", "pw", "read write follow").await;
    let (status, posted) = app
        .call(
            Method::POST,
            "/api/v1/statuses",
            Some(&alice),
            Some(json!({"status": "buy <b>now</b>", "visibility": "public"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{posted}");
    let status_id = posted["id"].as_str().unwrap().to_string();
    let first = report(&app, &bob, &alice_id, &[&status_id], "first <i>comment</i>").await;
    let second = report(&app, &bob, &alice_id, &[], "second comment").await;
    let (cookie, csrf) = app.panel_login("root", "pw-root").await;

    // The queue: open tab by default with counts, comments escaped, filters by nickname.
    let html = page(&app, &cookie, "/admin/reports").await;
    assert!(
        html.contains("first &lt;i&gt;comment&lt;/i&gt;"),
        "comment shown as text"
    );
    assert!(html.contains("second comment"));
    assert!(html.contains("Select the report about @alice"));
    let html = page(&app, &cookie, "/admin/reports?actor=nobody_here").await;
    assert!(html.contains("No such account"));
    let html = page(&app, &cookie, "/admin/reports?state=resolved&account=alice").await;
    assert!(html.contains("No resolved reports."));

    // The report page: comment, both accounts, the reported status, the note form.
    let html = page(&app, &cookie, &format!("/admin/reports/{first}")).await;
    assert!(html.contains("Report about @alice"));
    assert!(html.contains("Reported account") && html.contains("Reporter"));
    assert!(html.contains("buy"), "reported status shown");
    assert!(html.contains("Add a note"));
    // A note carried back in the URL stays text inside its box (textarea children are raw in
    // Leptos' server HTML unless escaped).
    let html = page(
        &app,
        &cookie,
        &format!(
            "/admin/reports/{first}?note=%3C%2Ftextarea%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E"
        ),
    )
    .await;
    assert!(!html.contains("</textarea><script>alert(1)"), "{html}");
    assert!(html.contains("&lt;/textarea>&lt;script>alert(1)"), "{html}");

    // Without the CSRF field nothing changes.
    form(
        &app,
        &cookie,
        "/admin/reports/action",
        &[
            ("ids", &first),
            ("state", "resolved"),
            ("back", "/admin/reports"),
        ],
    )
    .await;
    assert_eq!(state_of(&app, &admin, &first).await, "open");

    // A batch with an unknown id changes nothing and names the refused one.
    let (status, location) = form(
        &app,
        &cookie,
        "/admin/reports/action",
        &[
            ("csrf", &csrf),
            ("ids", &first),
            ("ids", "nope"),
            ("state", "resolved"),
            ("back", "/admin/reports"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        param(&location, "error"),
        "Nothing changed. These reports were refused: #nope (not found)."
    );
    assert_eq!(state_of(&app, &admin, &first).await, "open");

    // Both closed in one batch.
    let (_, location) = form(
        &app,
        &cookie,
        "/admin/reports/action",
        &[
            ("csrf", &csrf),
            ("ids", &first),
            ("ids", &second),
            ("state", "closed"),
            ("back", "/admin/reports?account=alice"),
        ],
    )
    .await;
    assert!(
        location.starts_with("/admin/reports?account=alice"),
        "{location}"
    );
    assert_eq!(param(&location, "notice"), "Closed 2 reports.");
    assert_eq!(state_of(&app, &admin, &first).await, "closed");
    assert_eq!(state_of(&app, &admin, &second).await, "closed");

    // A note: blank refused (the typed text comes back), then added; deleting asks first.
    let page_path = format!("/admin/reports/{first}");
    let notes = format!("{page_path}/notes");
    let (_, location) = form(
        &app,
        &cookie,
        &notes,
        &[("csrf", &csrf), ("content", "  "), ("back", &page_path)],
    )
    .await;
    assert_eq!(
        param(&location, "error"),
        "Couldn't add the note: content can't be blank"
    );
    let (_, location) = form(
        &app,
        &cookie,
        &notes,
        &[
            ("csrf", &csrf),
            ("content", "looked at it"),
            ("back", &page_path),
        ],
    )
    .await;
    assert_eq!(param(&location, "notice"), "Added your note.");
    let (_, shown) = app
        .get(&format!("{P1}/reports/{first}"), Some(&admin))
        .await;
    let note_id = shown["notes"][0]["id"].as_i64().unwrap().to_string();
    let delete = format!("{page_path}/notes/delete");
    let (_, location) = form(
        &app,
        &cookie,
        &delete,
        &[("csrf", &csrf), ("note_id", &note_id), ("back", &page_path)],
    )
    .await;
    assert_eq!(param(&location, "confirm_note"), note_id);
    let html = page(&app, &cookie, &location).await;
    assert!(html.contains("Delete this note by @root?"));
    let (_, location) = form(
        &app,
        &cookie,
        &delete,
        &[
            ("csrf", &csrf),
            ("note_id", &note_id),
            ("confirmed", "1"),
            ("back", &page_path),
        ],
    )
    .await;
    assert_eq!(param(&location, "notice"), "Deleted the note.");
    assert!(param(&location, "confirm_note").is_empty());

    // Reopen both, then "Resolve and open next" goes from the newer to the older one, then to the queue.
    form(
        &app,
        &cookie,
        "/admin/reports/action",
        &[
            ("csrf", &csrf),
            ("ids", &first),
            ("ids", &second),
            ("state", "open"),
            ("back", "/admin/reports"),
        ],
    )
    .await;
    let (_, location) = form(
        &app,
        &cookie,
        "/admin/reports/action",
        &[
            ("csrf", &csrf),
            ("ids", &second),
            ("next", "resolved"),
            ("back", "/admin/reports"),
        ],
    )
    .await;
    assert_eq!(
        location.split('?').next().unwrap(),
        format!("/admin/reports/{first}")
    );
    assert_eq!(
        param(&location, "notice"),
        "Resolved the report about @alice. Here is the next open report."
    );
    let (_, location) = form(
        &app,
        &cookie,
        "/admin/reports/action",
        &[
            ("csrf", &csrf),
            ("ids", &first),
            ("next", "resolved"),
            ("back", &page_path),
        ],
    )
    .await;
    assert_eq!(location.split('?').next().unwrap(), "/admin/reports");
    assert!(param(&location, "notice").ends_with("No open reports left."));

    let messages = log_messages(&app, &admin).await;
    for expected in [
        format!("@root updated report #{first} (on user @alice) with 'closed' state"),
        format!("@root added note 'looked at it' to report #{first} on user @alice"),
        format!("@root deleted note 'looked at it' from report #{first} on user @alice"),
        format!("@root updated report #{second} (on user @alice) with 'resolved' state"),
    ] {
        assert!(
            messages.contains(&expected),
            "missing log entry: {expected}"
        );
    }
}

async fn needs_the_reports_privilege(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let admin = app
        .token("root", "pw-root", "read write follow admin")
        .await;
    let alice_id = app.user("alice", "pw", false, false).await;
    app.user("bob", "pw", false, false).await;
    let bob = app.token("bob", "pw", "read write follow").await;
    let id = report(&app, &bob, &alice_id, &[], "hm").await;
    app.user("mod", "pw-mod", false, true).await;
    app.set_config(
        ":pleroma",
        ":instance",
        json!([{"tuple": [":moderator_privileges", [":users_read"]]}]),
    )
    .await;
    let (cookie, csrf) = app.panel_login("mod", "pw-mod").await;
    let html = page(&app, &cookie, "/admin/reports").await;
    assert!(html.contains("You don't have permission to do this"));
    let sidebar = html
        .split("aria-label=\"Sections\"")
        .nth(1)
        .and_then(|rest| rest.split("</nav>").next())
        .unwrap_or_default();
    assert!(sidebar.contains("/admin/users"), "the sidebar is there");
    assert!(!sidebar.contains("/admin/reports"), "no Reports link");
    assert!(
        !html.contains("Report states"),
        "no tabs without the reports"
    );
    let (_, location) = form(
        &app,
        &cookie,
        "/admin/reports/action",
        &[
            ("csrf", &csrf),
            ("ids", &id),
            ("state", "resolved"),
            ("back", "/admin/reports"),
        ],
    )
    .await;
    assert!(
        param(&location, "error").starts_with("You don't have permission to do this."),
        "{location}"
    );
    assert_eq!(state_of(&app, &admin, &id).await, "open");
}

/// Calls a panel server function (form-encoded, as the browser does) with a session cookie;
/// returns the status and the body.
async fn server_fn(
    app: &TestApp,
    cookie: &str,
    endpoint: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let response = app
        .client
        .post(app.url(&format!("/api/steward/fn/{endpoint}")))
        .header("cookie", cookie)
        .form(fields)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

/// The rows of the grouped table, one string of HTML per reported status.
fn grouped_rows(html: &str) -> Vec<String> {
    html.split("<tbody>")
        .nth(1)
        .and_then(|rest| rest.split("</tbody>").next())
        .unwrap_or_default()
        .split("<tr")
        .skip(1)
        .map(str::to_string)
        .collect()
}

async fn grouped_view_and_account_suggestions(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let admin = app
        .token("root", "pw-root", "read write follow admin")
        .await;
    let alice_id = app.user("alice", "pw", false, false).await;
    let alice = app.token("alice", "pw", "read write follow").await;
    let carol_id = app.user("carol", "pw", false, false).await;
    app.user("bob", "pw", false, false).await;
    let bob = app.token("bob", "pw", "read write follow").await;
    let carol = app.token("carol", "pw", "read write follow").await;
    let mut statuses = Vec::new();
    for text in ["first grouped words", "second grouped words"] {
        let (status, body) = app
            .call(
                Method::POST,
                "/api/v1/statuses",
                Some(&alice),
                Some(json!({ "status": text })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        statuses.push(body["id"].as_str().unwrap().to_string());
    }
    let (s1, s2) = (statuses[0].clone(), statuses[1].clone());
    let r1 = report(&app, &bob, &alice_id, &[&s1, &s2], "both of them").await;
    let r2 = report(&app, &carol, &alice_id, &[&s1], "the first one").await;
    let r3 = report(&app, &bob, &alice_id, &[], "no statuses named").await;
    let other = report(&app, &alice, &carol_id, &[], "about carol").await;
    // A moderator who manages reports but may not list users.
    app.user("mod", "pw-mod", false, true).await;
    app.set_config(
        ":pleroma",
        ":instance",
        json!([{"tuple": [":moderator_privileges", [":reports_manage_reports"]]}]),
    )
    .await;
    let (cookie, _) = app.panel_login("mod", "pw-mod").await;

    // The toggle is a pair of links keeping the tab and the filters.
    let html = page(&app, &cookie, "/admin/reports?state=all&account=alice").await;
    assert!(html.contains("aria-label=\"Queue view\""));
    assert!(html.contains("href=\"/admin/reports?state=all&amp;view=grouped&amp;account=alice\""));

    // Grouped: one row per reported status, newest report first, reports without statuses absent.
    let html = page(&app, &cookie, "/admin/reports?view=grouped&state=all").await;
    let rows = grouped_rows(&html);
    assert_eq!(rows.len(), 2, "{html}");
    let row = |text: &str| rows.iter().find(|r| r.contains(text)).cloned().unwrap();
    let first = row("first grouped words");
    assert!(first.contains("2 reports · 2 open"), "{first}");
    let (at_r1, at_r2) = (
        first.find(&format!("Report #{r1}")).unwrap(),
        first.find(&format!("Report #{r2}")).unwrap(),
    );
    assert!(at_r2 < at_r1, "newest first");
    assert!(first.contains(&format!("href=\"/admin/reports/{r1}\"")));
    assert!(first.contains("@alice"), "the author");
    let second = row("second grouped words");
    assert!(second.contains("1 report · 1 open"), "{second}");
    assert!(!html.contains(&format!("Report #{r3}")));
    assert!(!html.contains(&format!("Report #{other}")));

    // The tab keeps a group while one of its reports is in that state; filters by reporter too.
    let (status, _) = app
        .call(
            Method::PATCH,
            &format!("{P1}/reports"),
            Some(&admin),
            Some(json!({"reports": [{"id": r2, "state": "resolved"}]})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let html = page(&app, &cookie, "/admin/reports?view=grouped&state=resolved").await;
    let rows = grouped_rows(&html);
    assert_eq!(rows.len(), 1);
    assert!(rows[0].contains("first grouped words"));
    assert!(
        rows[0].contains("2 reports · 1 open, 1 resolved"),
        "{}",
        rows[0]
    );
    let html = page(
        &app,
        &cookie,
        "/admin/reports?view=grouped&state=all&actor=carol",
    )
    .await;
    assert_eq!(grouped_rows(&html).len(), 1);
    let html = page(
        &app,
        &cookie,
        "/admin/reports?view=grouped&actor=nobody-at-all",
    )
    .await;
    assert!(html.contains("No such account"));

    // A deleted status keeps its group, marked as deleted.
    let (status, _) = app
        .call(
            Method::DELETE,
            &format!("{P1}/statuses/{s2}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let html = page(&app, &cookie, "/admin/reports?view=grouped&state=all").await;
    let gone = grouped_rows(&html)
        .into_iter()
        .find(|r| r.contains(&format!("Status #{s2}")))
        .unwrap();
    assert!(gone.contains("Deleted"));

    // Suggestions for the account filters: at most eight, for staff who manage reports.
    for n in 0..12 {
        app.user(&format!("suggest{n:02}"), "pw", false, false)
            .await;
    }
    let (status, body) = server_fn(
        &app,
        &cookie,
        "reports_account_suggestions",
        &[("term", "suggest")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let found: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(found.as_array().unwrap().len(), 8, "{body}");
    let (_, body) = server_fn(
        &app,
        &cookie,
        "reports_account_suggestions",
        &[("term", "@ALI")],
    )
    .await;
    let found: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(found[0]["nickname"], "alice", "{body}");
    for hostile in [
        "%' OR 1=1 --",
        "_",
        "'; DROP TABLE accounts; --",
        "<script>",
    ] {
        let (status, body) = server_fn(
            &app,
            &cookie,
            "reports_account_suggestions",
            &[("term", hostile)],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{hostile}: {body}");
        let found: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(
            found
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["nickname"].as_str().unwrap().contains(hostile)),
            "{hostile}: {body}"
        );
    }
    // Without a session, or without the reports privilege, nothing is suggested.
    let (status, body) =
        server_fn(&app, "", "reports_account_suggestions", &[("term", "ali")]).await;
    assert!(!status.is_success(), "{body}");
    assert!(!body.contains("alice"));
    app.set_config(
        ":pleroma",
        ":instance",
        json!([{"tuple": [":moderator_privileges", [":users_read"]]}]),
    )
    .await;
    let (status, body) = server_fn(
        &app,
        &cookie,
        "reports_account_suggestions",
        &[("term", "ali")],
    )
    .await;
    assert!(!status.is_success(), "{body}");
    assert!(!body.contains("alice"));
}

/// The grouped queue is paged like the queue: one page of reported statuses is rendered, the
/// caption and the pager count them all, and the tab and account filters apply before paging.
async fn grouped_view_pages(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let (cookie, _) = app.panel_login("root", "pw-root").await;
    let f = if app.backend == steward::server::db::Backend::Postgres {
        "FALSE"
    } else {
        "0"
    };
    // 25 reports, each naming its own (since deleted) status; the last 5 are closed.
    app.sql(&format!(
        "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 25)
         INSERT INTO reports (id, reporter_id, account_id, status_ids, statuses_snapshot, comment, state,
                              forwarded, created_at, updated_at)
         SELECT '0000' || (100 + k), NULL, NULL, '[\"gone' || (100 + k) || '\"]', '[]', 'seeded',
                CASE WHEN k > 20 THEN 'closed' ELSE 'open' END, {f}, 1000 * k, 1000 * k
         FROM n"
    ))
    .await;
    let html = page(
        &app,
        &cookie,
        "/admin/reports?state=all&view=grouped&page_size=20",
    )
    .await;
    let rows = grouped_rows(&html);
    assert_eq!(rows.len(), 20);
    assert!(rows[0].contains("Status #gone125"), "{}", rows[0]);
    assert!(html.contains("25 reported statuses, All tab"));
    assert!(html.contains("Showing 1–20 of 25"));
    let html = page(
        &app,
        &cookie,
        "/admin/reports?state=all&view=grouped&page_size=20&page=2",
    )
    .await;
    let rows = grouped_rows(&html);
    assert_eq!(rows.len(), 5);
    assert!(rows[4].contains("Status #gone101"));
    // The Open tab keeps 20 groups: one page.
    let html = page(&app, &cookie, "/admin/reports?view=grouped&page_size=20").await;
    assert_eq!(grouped_rows(&html).len(), 20);
    assert!(html.contains("20 reported statuses, Open tab"));
    assert!(!html.contains("Status #gone125"));
}

backend_tests!(
    queue_page_and_forms,
    needs_the_reports_privilege,
    grouped_view_and_account_suggestions,
    grouped_view_pages,
);

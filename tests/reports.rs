//! Reports: `POST /api/v1/reports` (client-api.md §5), the report queue of the Admin API
//! (moderation.md §2), the legacy aliases (operations.md §7) and their log entries (§1).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::{Expect, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use steward::server::db::statuses::{self as status_db, NewStatus};
use steward::server::db::{new_id, now_ms};

const P: &str = "/api/pleroma/admin";
const P1: &str = "/api/v1/pleroma/admin";

/// An admin token for `root` (created here) with every scope.
async fn admin(app: &TestApp) -> String {
    app.user("root", "pw-root", true, false).await;
    app.token("root", "pw-root", "read write follow admin")
        .await
}

/// A local user and a client token for it; returns `(id, token)`.
async fn member(app: &TestApp, nick: &str) -> (String, String) {
    let id = app.user(nick, "pw-member", false, false).await;
    let token = app.token(nick, "pw-member", "read write").await;
    (id, token)
}

/// A public status by `author`, stored directly.
async fn status(app: &TestApp, author: &str, text: &str) -> String {
    let id = new_id();
    let mut tx = app.state.db.begin().await.unwrap();
    status_db::insert(
        &mut tx,
        &NewStatus {
            id: id.clone(),
            account_id: author.to_string(),
            local: true,
            host: app.state.site.host.clone(),
            uri: format!("{}/objects/{id}", app.base),
            url: format!("{}/notice/{id}", app.base),
            content: text.to_string(),
            source: text.to_string(),
            spoiler_text: String::new(),
            visibility: "public".into(),
            sensitive: false,
            in_reply_to_id: None,
            in_reply_to_account_id: None,
            reblog_of_id: None,
            conversation_id: 0,
            app_name: None,
            app_website: None,
            mentions: json!([]),
            tags: json!([]),
            created_at: now_ms(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

/// Files a report through the client API; returns the response body.
async fn report(app: &TestApp, token: &str, body: Value) -> Value {
    let (status, resp) = app
        .call(Method::POST, "/api/v1/reports", Some(token), Some(body))
        .await;
    assert_eq!(status, StatusCode::OK, "{resp}");
    resp
}

async fn show(app: &TestApp, token: &str, id: &str) -> Value {
    let (status, body) = app.get(&format!("{P}/reports/{id}"), Some(token)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn log_items(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, log) = app
        .get(&format!("{P}/moderation_log?page_size=500"), Some(token))
        .await;
    assert_eq!(status, StatusCode::OK, "{log}");
    log["items"].as_array().unwrap().clone()
}

async fn report_count(app: &TestApp) -> i64 {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM reports")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    sqlx::Row::try_get::<i64, _>(&row, "n").unwrap()
}

/// A reporter, a reported account with two statuses, and one open report about both statuses.
struct Scene {
    admin: String,
    reporter_id: String,
    reporter: String,
    target_id: String,
    statuses: Vec<String>,
    report_id: String,
}

async fn scene(app: &TestApp) -> Scene {
    let admin = admin(app).await;
    let (reporter_id, reporter) = member(app, "reporter").await;
    let (target_id, _) = member(app, "target").await;
    let statuses = vec![
        status(app, &target_id, "first <post>").await,
        status(app, &target_id, "second post").await,
    ];
    let body = report(
        app,
        &reporter,
        json!({"account_id": target_id, "status_ids": statuses, "comment": "spam & <abuse>\nplease look"}),
    )
    .await;
    Scene {
        admin,
        reporter_id,
        reporter,
        target_id,
        statuses,
        report_id: body["id"].as_str().unwrap().to_string(),
    }
}

async fn every_route_checks_access(app: TestApp) {
    let s = scene(&app).await;
    let read = || Expect {
        scope: "read:reports",
        privilege: Some("reports_manage_reports"),
    };
    let write = || Expect {
        scope: "write:reports",
        privilege: Some("reports_manage_reports"),
    };
    let id = &s.report_id;
    for prefix in [P, P1] {
        let (status, body) = app
            .assert_access(Method::GET, &format!("{prefix}/reports"), None, read())
            .await;
        assert_eq!((status, body["total"].clone()), (StatusCode::OK, json!(1)));
        let (status, body) = app
            .assert_access(Method::GET, &format!("{prefix}/reports/{id}"), None, read())
            .await;
        assert_eq!((status, body["id"].clone()), (StatusCode::OK, json!(id)));
        let (status, body) = app
            .assert_access(
                Method::GET,
                &format!("{prefix}/grouped_reports"),
                None,
                read(),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = app
            .assert_access(
                Method::PATCH,
                &format!("{prefix}/reports"),
                Some(json!({"reports": [{"id": id, "state": "closed"}]})),
                write(),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let (status, body) = app
            .assert_access(
                Method::PUT,
                &format!("{prefix}/reports/{id}"),
                Some(json!({"state": "open"})),
                write(),
            )
            .await;
        assert_eq!(
            (status, body["state"].clone()),
            (StatusCode::OK, json!("open"))
        );
        let (status, body) = app
            .assert_access(
                Method::POST,
                &format!("{prefix}/reports/{id}/notes"),
                Some(json!({"content": "checked"})),
                write(),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let (status, body) = app
            .assert_access(
                Method::POST,
                &format!("{prefix}/reports/{id}/respond"),
                Some(json!({"status": "we are on it"})),
                write(),
            )
            .await;
        assert_eq!(
            (status, body["visibility"].clone()),
            (StatusCode::OK, json!("direct"))
        );
        let note = show(&app, &s.admin, id).await["notes"][0]["id"]
            .as_i64()
            .unwrap();
        // The privileged moderator deletes it; the admin's repeat then finds nothing.
        let (status, body) = app
            .assert_access(
                Method::DELETE,
                &format!("{prefix}/reports/{id}/notes/{note}"),
                None,
                write(),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        app.sql("DELETE FROM report_notes").await;
    }
    // The client route needs a user with `write:reports`.
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/reports",
            None,
            Some(json!({"account_id": s.target_id})),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Invalid credentials."})
        )
    );
    let read_only = app.token("reporter", "pw-member", "read").await;
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/reports",
            Some(&read_only),
            Some(json!({"account_id": s.target_id})),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Insufficient permissions: write:reports."})
        )
    );
    assert_eq!(report_count(&app).await, 1);
}

async fn filing_a_report(app: TestApp) {
    let s = scene(&app).await;
    let (_, reporter) = (s.reporter_id.clone(), s.reporter.clone());
    let body = report(
        &app,
        &reporter,
        json!({"account_id": s.target_id, "status_ids": [s.statuses[1]], "comment": "ℕ😀 \u{202E}", "forward": "true"}),
    )
    .await;
    let mut keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        vec![
            "action_taken",
            "comment",
            "created_at",
            "forwarded",
            "id",
            "status_ids",
            "target_account"
        ]
    );
    assert_eq!(body["action_taken"], json!(false));
    assert_eq!(body["forwarded"], json!(true));
    assert_eq!(body["comment"], json!("ℕ😀 \u{202E}"));
    assert_eq!(body["status_ids"], json!([s.statuses[1]]));
    assert_eq!(body["target_account"]["id"], json!(s.target_id));
    assert_eq!(body["target_account"]["acct"], json!("target"));
    assert!(body["created_at"].as_str().unwrap().ends_with(".000Z"));
    // Form-encoded arrays and no optional fields.
    let resp = app
        .client
        .post(app.url("/api/v1/reports"))
        .bearer_auth(&reporter)
        .form(&[
            ("account_id", s.target_id.as_str()),
            ("status_ids[]", s.statuses[0].as_str()),
            ("status_ids[]", s.statuses[1].as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status_ids"], json!(s.statuses));
    assert_eq!(body["comment"], Value::Null);
    assert_eq!(body["forwarded"], json!(false));

    // The admin report object.
    let shown = show(&app, &s.admin, &s.report_id).await;
    let mut keys: Vec<&str> = shown
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        vec![
            "account",
            "actor",
            "content",
            "created_at",
            "id",
            "notes",
            "state",
            "statuses"
        ]
    );
    assert_eq!(shown["state"], json!("open"));
    assert_eq!(shown["notes"], json!([]));
    assert_eq!(
        shown["content"],
        json!("spam &amp; &lt;abuse&gt;<br/>please look")
    );
    assert_eq!(shown["account"]["nickname"], json!("target"));
    assert_eq!(shown["account"]["acct"], json!("target"));
    assert_eq!(
        shown["account"]["roles"],
        json!({"admin": false, "moderator": false})
    );
    assert_eq!(shown["account"]["pleroma"]["is_admin"], json!(false));
    assert_eq!(shown["actor"]["nickname"], json!("reporter"));
    let ids: Vec<&str> = shown["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![s.statuses[0].as_str(), s.statuses[1].as_str()]);
    assert_eq!(shown["statuses"][0]["account"]["nickname"], json!("target"));
    // Filing a report writes no log entry.
    assert!(log_items(&app, &s.admin).await.is_empty());
}

async fn filing_errors(app: TestApp) {
    let s = scene(&app).await;
    let (other_id, _) = member(&app, "other").await;
    let foreign = status(&app, &other_id, "not the target's").await;
    let post = |body: Value| {
        let app = &app;
        let token = s.reporter.clone();
        async move {
            app.call(Method::POST, "/api/v1/reports", Some(&token), Some(body))
                .await
        }
    };
    let cases = [
        (json!({}), 400, json!("Missing field: account_id.")),
        (
            json!({"account_id": 5}),
            400,
            json!("account_id - Invalid string. Got: integer."),
        ),
        (
            json!({"account_id": s.target_id, "forward": "maybe"}),
            400,
            json!("forward - Invalid boolean. Got: string."),
        ),
        (
            json!({"account_id": s.target_id, "status_ids": [1]}),
            400,
            json!("status_ids - Invalid string. Got: integer."),
        ),
        (
            json!({"account_id": s.target_id, "comment": ["x"]}),
            400,
            json!("comment - Invalid string. Got: array."),
        ),
        (
            json!({"account_id": "nobody"}),
            404,
            json!("Record not found"),
        ),
        (
            json!({"account_id": "'; DROP TABLE reports; --"}),
            404,
            json!("Record not found"),
        ),
        (
            json!({"account_id": s.target_id, "status_ids": [foreign]}),
            400,
            json!("Reported statuses must belong to the reported account"),
        ),
        (
            json!({"account_id": s.target_id, "status_ids": [s.statuses[0], "missing"]}),
            400,
            json!("Reported statuses must belong to the reported account"),
        ),
        (
            json!({"account_id": s.target_id, "comment": "x".repeat(1001)}),
            400,
            json!("Comment must be up to 1000 characters"),
        ),
    ];
    for (body, code, error) in cases {
        let (status, resp) = post(body.clone()).await;
        assert_eq!(
            (status.as_u16(), resp["error"].clone()),
            (code, error),
            "{body}"
        );
    }
    // Exactly the limit passes; the limit follows the setting.
    let (status, _) = post(json!({"account_id": s.target_id, "comment": "é".repeat(1000)})).await;
    assert_eq!(status, StatusCode::OK);
    app.set_config(
        ":pleroma",
        ":instance",
        json!([{"tuple": [":max_report_comment_size", 10]}]),
    )
    .await;
    let (status, resp) = post(json!({"account_id": s.target_id, "comment": "12345678901"})).await;
    assert_eq!(
        (status, resp),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "Comment must be up to 10 characters"})
        )
    );
    // Deactivated and internal accounts are invisible to clients.
    app.sql("UPDATE accounts SET deactivated = TRUE WHERE nickname = 'other'")
        .await;
    let (status, _) = post(json!({"account_id": other_id})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(report_count(&app).await, 2, "only the valid reports exist");
}

async fn list_filters_and_paging(app: TestApp) {
    let token = admin(&app).await;
    let (a_id, a) = member(&app, "alice").await;
    let (b_id, b) = member(&app, "bob").await;
    let (c_id, _) = member(&app, "carol").await;
    let mut ids = Vec::new();
    for n in 0..7 {
        let (reporter, target) = if n % 2 == 0 { (&a, &c_id) } else { (&b, &a_id) };
        let body = report(
            &app,
            reporter,
            json!({"account_id": target, "comment": format!("r{n}")}),
        )
        .await;
        ids.push(body["id"].as_str().unwrap().to_string());
    }
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    let page_ids = |body: &Value| -> Vec<String> {
        body["reports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    let (status, body) = app.get(&format!("{P}/reports"), Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (page_ids(&body), body["total"].clone()),
        (newest_first.clone(), json!(7))
    );

    // Pages of 3 cover everything once; `limit` is the documented alias.
    let mut seen = Vec::new();
    for page in 1..=3 {
        let (_, body) = app
            .get(
                &format!("{P}/reports?page={page}&page_size=3"),
                Some(&token),
            )
            .await;
        assert_eq!(body["total"], json!(7));
        seen.extend(page_ids(&body));
    }
    assert_eq!(seen, newest_first);
    let (_, body) = app
        .get(&format!("{P1}/reports?limit=2&page=2"), Some(&token))
        .await;
    assert_eq!(page_ids(&body), newest_first[2..4].to_vec());
    let (_, body) = app.get(&format!("{P}/reports?page=99"), Some(&token)).await;
    assert_eq!(
        (page_ids(&body).len(), body["total"].clone()),
        (0, json!(7))
    );
    let (status, body) = app
        .get(
            &format!("{P}/reports?page_size=100000&page=9223372036854775807"),
            Some(&token),
        )
        .await;
    assert_eq!((status, body["total"].clone()), (StatusCode::OK, json!(7)));

    // State, account and reporter filters; legacy max_id / since_id.
    let (status, _) = app
        .call(
            Method::PATCH,
            &format!("{P}/reports"),
            Some(&token),
            Some(json!({"reports": [{"id": ids[0], "state": "resolved"}, {"id": ids[1], "state": "closed"}]})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for (query, expected) in [
        ("state=open", vec![6, 5, 4, 3, 2]),
        ("state=resolved", vec![0]),
        ("state=closed", vec![1]),
        ("state=", vec![6, 5, 4, 3, 2, 1, 0]),
        (&format!("account_id={a_id}") as &str, vec![5, 3, 1]),
        (&format!("actor_id={a_id}"), vec![6, 4, 2, 0]),
        (&format!("actor_id={b_id}&state=open"), vec![5, 3]),
        (&format!("account_id={b_id}"), vec![]),
        (&format!("max_id={}", ids[3]), vec![2, 1, 0]),
        (&format!("since_id={}", ids[3]), vec![6, 5, 4]),
        (
            &format!("since_id={}&max_id={}", ids[1], ids[4]),
            vec![3, 2],
        ),
        ("account_id=%27%20OR%201%3D1--", vec![]),
    ] {
        let (status, body) = app.get(&format!("{P}/reports?{query}"), Some(&token)).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        let expected: Vec<String> = expected.iter().map(|n: &usize| ids[*n].clone()).collect();
        assert_eq!(page_ids(&body), expected, "{query}");
        assert_eq!(body["total"], json!(expected.len()), "{query}");
    }

    // Bad input: clear 400s.
    for (query, error) in [
        ("state=pending", "pending - Invalid value for enum."),
        ("state=%27%3B--", "';-- - Invalid value for enum."),
        ("page=0", "page must be at least 1"),
        ("page_size=0", "page_size must be at least 1"),
        ("page=x", "page - Invalid integer. Got: string."),
        ("limit=1.5", "limit - Invalid integer. Got: string."),
    ] {
        let (status, body) = app.get(&format!("{P}/reports?{query}"), Some(&token)).await;
        assert_eq!(
            (status, body["error"].clone()),
            (StatusCode::BAD_REQUEST, json!(error)),
            "{query}"
        );
    }
    let (status, body) = app
        .call(
            Method::GET,
            &format!("{P}/reports"),
            Some(&token),
            Some(json!({"state": 3})),
        )
        .await;
    assert_eq!(
        (status, body["error"].clone()),
        (
            StatusCode::BAD_REQUEST,
            json!("state - Invalid string. Got: integer.")
        )
    );
    // Reports by deactivated reporters stay listed.
    app.sql("UPDATE accounts SET deactivated = TRUE WHERE nickname = 'alice'")
        .await;
    let (_, body) = app.get(&format!("{P}/reports"), Some(&token)).await;
    assert_eq!(body["total"], json!(7));
    assert_eq!(body["reports"][0]["actor"]["deactivated"], json!(true));
}

async fn show_unknown_is_404(app: TestApp) {
    let s = scene(&app).await;
    for id in ["nope", "%27%20OR%201%3D1--", "%F0%9F%98%80", "1", "%25"] {
        let (status, body) = app.get(&format!("{P}/reports/{id}"), Some(&s.admin)).await;
        assert_eq!(
            (status, body),
            (StatusCode::NOT_FOUND, json!({"error": "Not found"})),
            "{id}"
        );
    }
    // A trailing slash is tolerated.
    let (status, _) = app
        .get(&format!("{P1}/reports/{}/", s.report_id), Some(&s.admin))
        .await;
    assert_eq!(status, StatusCode::OK);
}

async fn batch_state_change(app: TestApp) {
    let s = scene(&app).await;
    let second = report(&app, &s.reporter, json!({"account_id": s.target_id})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let patch = |body: Value| {
        let app = &app;
        let token = s.admin.clone();
        async move {
            app.call(
                Method::PATCH,
                &format!("{P}/reports"),
                Some(&token),
                Some(body),
            )
            .await
        }
    };
    let states = || {
        let ids = [s.report_id.clone(), second.clone()];
        let token = s.admin.clone();
        let app = &app;
        async move {
            let mut out = Vec::new();
            for id in ids {
                out.push(show(app, &token, &id).await["state"].clone());
            }
            out
        }
    };

    // Validation of the list itself.
    for (body, error) in [
        (json!({}), json!("Missing field: reports.")),
        (
            json!({"reports": "x"}),
            json!("reports - Invalid array. Got: string."),
        ),
        (
            json!({"reports": {"id": 1}}),
            json!("reports - Invalid array. Got: object."),
        ),
        (
            json!({"reports": 7}),
            json!("reports - Invalid array. Got: integer."),
        ),
        (json!({"reports": []}), json!("reports can't be blank")),
    ] {
        let (status, resp) = patch(body.clone()).await;
        assert_eq!(
            (status, resp["error"].clone()),
            (StatusCode::BAD_REQUEST, error),
            "{body}"
        );
    }

    // Any failing item: 400 with the failures in request order, nothing applied or logged.
    let (status, resp) = patch(json!({"reports": [
        {"id": s.report_id, "state": "resolved"},
        {"id": "missing", "state": "closed"},
        {"id": second, "state": "deleted"},
        {"state": "closed"},
        {"id": 5, "state": "closed"},
        {"id": "'; DROP TABLE reports; --", "state": "closed"},
        {"id": second, "state": 1},
        "junk",
    ]}))
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        resp,
        json!([
            {"id": "missing", "error": "not_found"},
            {"id": second, "error": "Unsupported state"},
            {"id": null, "error": "not_found"},
            {"id": 5, "error": "not_found"},
            {"id": "'; DROP TABLE reports; --", "error": "not_found"},
            {"id": second, "error": "Unsupported state"},
            {"id": null, "error": "not_found"},
        ])
    );
    assert_eq!(states().await, vec![json!("open"), json!("open")]);
    assert!(log_items(&app, &s.admin).await.is_empty());
    assert_eq!(report_count(&app).await, 2);

    // All valid: applied in order (the last state of a repeated id wins), one entry per item.
    let (status, _) = patch(json!({"reports": [
        {"id": s.report_id, "state": "closed"},
        {"id": second, "state": "resolved"},
        {"id": s.report_id, "state": "resolved"},
    ]}))
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(states().await, vec![json!("resolved"), json!("resolved")]);
    let log = log_items(&app, &s.admin).await;
    let messages: Vec<&str> = log
        .iter()
        .rev()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        vec![
            format!(
                "@root updated report #{} (on user @target) with 'closed' state",
                s.report_id
            ),
            format!("@root updated report #{second} (on user @target) with 'resolved' state"),
            format!(
                "@root updated report #{} (on user @target) with 'resolved' state",
                s.report_id
            ),
        ]
    );
    let entry = &log[0]["data"];
    assert_eq!(entry["action"], json!("report_update"));
    assert_eq!(
        entry["subject"],
        json!({"type": "report", "id": s.report_id, "state": "resolved"})
    );
    assert_eq!(
        entry["subject_actor"],
        json!({"id": s.target_id, "nickname": "target", "type": "user"})
    );
    assert_eq!(entry["actor"]["nickname"], json!("root"));

    // An unchanged state is still logged; form-encoded lists work.
    let resp = app
        .client
        .patch(app.url(&format!("{P1}/reports")))
        .bearer_auth(&s.admin)
        .form(&[
            ("reports[0][id]", second.as_str()),
            ("reports[0][state]", "resolved"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(log_items(&app, &s.admin).await.len(), 4);
}

async fn legacy_put(app: TestApp) {
    let s = scene(&app).await;
    let put = |id: String, body: Option<Value>| {
        let app = &app;
        let token = s.admin.clone();
        async move {
            app.call(
                Method::PUT,
                &format!("{P}/reports/{id}"),
                Some(&token),
                body,
            )
            .await
        }
    };
    for body in [
        None,
        Some(json!({"state": "bogus"})),
        Some(json!({"state": true})),
        Some(json!({"state": "'; DROP TABLE reports; --"})),
    ] {
        let (status, resp) = put(s.report_id.clone(), body.clone()).await;
        assert_eq!(
            (status, resp),
            (
                StatusCode::BAD_REQUEST,
                json!({"error": "Unsupported state"})
            ),
            "{body:?}"
        );
    }
    let (status, resp) = put("missing".into(), Some(json!({"state": "closed"}))).await;
    assert_eq!(
        (status, resp),
        (StatusCode::NOT_FOUND, json!({"error": "Not found"}))
    );
    assert!(log_items(&app, &s.admin).await.is_empty());

    let (status, resp) = put(s.report_id.clone(), Some(json!({"state": "closed"}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(resp["state"], json!("closed"));
    assert_eq!(resp["account"]["nickname"], json!("target"));
    assert_eq!(resp["statuses"].as_array().unwrap().len(), 2);
    let log = log_items(&app, &s.admin).await;
    assert_eq!(
        log[0]["message"],
        json!(format!(
            "@root updated report #{} (on user @target) with 'closed' state",
            s.report_id
        ))
    );
}

async fn legacy_respond(app: TestApp) {
    let s = scene(&app).await;
    let respond = |id: String, body: Option<Value>| {
        let app = &app;
        let token = s.admin.clone();
        async move {
            app.call(
                Method::POST,
                &format!("{P}/reports/{id}/respond"),
                Some(&token),
                body,
            )
            .await
        }
    };
    for body in [
        None,
        Some(json!({"status": ""})),
        Some(json!({"status": "  \n"})),
        Some(json!({"status": 5})),
        Some(json!({"status": ["x"]})),
        Some(json!({"status": "\u{0}"})),
    ] {
        let (status, resp) = respond(s.report_id.clone(), body.clone()).await;
        assert_eq!(
            (status, resp),
            (
                StatusCode::BAD_REQUEST,
                json!({"error": "Invalid parameters"})
            ),
            "{body:?}"
        );
    }
    let (status, resp) = respond("missing".into(), Some(json!({"status": "hi"}))).await;
    assert_eq!(
        (status, resp),
        (StatusCode::NOT_FOUND, json!({"error": "Not found"}))
    );
    app.set_config(":pleroma", ":admin_token", json!("secret-admin-token"))
        .await;
    let (status, resp) = app
        .call(
            Method::POST,
            &format!(
                "{P}/reports/{}/respond?admin_token=secret-admin-token",
                s.report_id
            ),
            None,
            Some(json!({"status": "hi"})),
        )
        .await;
    assert_eq!(
        (status, resp),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "A user account is required"})
        )
    );
    app.sql("DELETE FROM config").await;
    assert!(log_items(&app, &s.admin).await.is_empty());

    let (status, body) = respond(
        s.report_id.clone(),
        Some(json!({"status": "Thanks @reporter, we looked at it <3 #moderation"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["visibility"], json!("direct"));
    assert_eq!(body["account"]["nickname"], json!("root"));
    assert_eq!(body["account"]["roles"]["admin"], json!(true));
    let mentioned: Vec<&str> = body["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["acct"].as_str().unwrap())
        .collect();
    assert_eq!(mentioned, vec!["reporter", "target"]);
    let content = body["content"].as_str().unwrap();
    assert!(content.contains("we looked at it &lt;3"), "{content}");
    assert!(content.contains("u-url mention"), "{content}");
    for flag in ["favourited", "reblogged", "bookmarked", "muted", "pinned"] {
        assert_eq!(body[flag], json!(false), "{flag}");
    }
    // Stored: the Admin API shows it.
    let (status, shown) = app
        .get(
            &format!("{P}/statuses/{}", body["id"].as_str().unwrap()),
            Some(&s.admin),
        )
        .await;
    assert_eq!(
        (status, shown["id"].clone()),
        (StatusCode::OK, body["id"].clone())
    );
    let log = log_items(&app, &s.admin).await;
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0]["message"],
        json!(format!(
            "@root responded with 'Thanks @reporter, we looked at it <3 #moderation' to report #{} on user @target",
            s.report_id
        ))
    );
    assert_eq!(log[0]["data"]["action"], json!("report_response"));
    assert_eq!(
        log[0]["data"]["text"],
        json!("Thanks @reporter, we looked at it <3 #moderation")
    );
    assert_eq!(log[0]["data"]["subject"]["id"], json!(s.report_id));
    // The report itself is unchanged.
    assert_eq!(
        show(&app, &s.admin, &s.report_id).await["state"],
        json!("open")
    );
}

async fn notes(app: TestApp) {
    let s = scene(&app).await;
    let other = report(&app, &s.reporter, json!({"account_id": s.target_id})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let add = |id: String, body: Option<Value>| {
        let app = &app;
        let token = s.admin.clone();
        async move {
            app.call(
                Method::POST,
                &format!("{P}/reports/{id}/notes"),
                Some(&token),
                body,
            )
            .await
        }
    };
    for (body, error) in [
        (None, json!("Missing field: content.")),
        (
            Some(json!({"content": null})),
            json!("Missing field: content."),
        ),
        (
            Some(json!({"content": 5})),
            json!("content - Invalid string. Got: integer."),
        ),
        (
            Some(json!({"content": ""})),
            json!("content can't be blank"),
        ),
        (
            Some(json!({"content": " \n\t"})),
            json!("content can't be blank"),
        ),
        (
            Some(json!({"content": "x".repeat(5001)})),
            json!("content should be at most 5000 character(s)"),
        ),
    ] {
        let (status, resp) = add(s.report_id.clone(), body.clone()).await;
        assert_eq!(
            (status, resp["error"].clone()),
            (StatusCode::BAD_REQUEST, error),
            "{body:?}"
        );
    }
    let (status, resp) = add("missing".into(), Some(json!({"content": "hi"}))).await;
    assert_eq!(
        (status, resp),
        (StatusCode::NOT_FOUND, json!({"error": "Not found"}))
    );
    assert!(log_items(&app, &s.admin).await.is_empty());
    assert!(show(&app, &s.admin, &s.report_id).await["notes"]
        .as_array()
        .unwrap()
        .is_empty());

    // Stored in order, with the author's merged account; 5000 characters (not bytes) pass.
    let long = "ü".repeat(5000);
    for content in [
        "looked at it ℕ😀 <b>",
        long.as_str(),
        "'; DROP TABLE report_notes; --",
    ] {
        let (status, _) = add(s.report_id.clone(), Some(json!({"content": content}))).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    let shown = show(&app, &s.admin, &s.report_id).await;
    let notes = shown["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 3);
    assert_eq!(notes[0]["content"], json!("looked at it ℕ😀 <b>"));
    assert_eq!(notes[0]["user"]["nickname"], json!("root"));
    assert!(notes[0]["created_at"].as_str().unwrap().ends_with(".000Z"));
    assert!(notes[0]["id"].as_i64().unwrap() < notes[1]["id"].as_i64().unwrap());
    let mut keys: Vec<&str> = notes[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, vec!["content", "created_at", "id", "user"]);
    let log = log_items(&app, &s.admin).await;
    assert_eq!(
        log[2]["message"],
        json!(format!(
            "@root added note 'looked at it ℕ😀 <b>' to report #{} on user @target",
            s.report_id
        ))
    );
    assert_eq!(log[2]["data"]["action"], json!("report_note"));
    assert_eq!(log[2]["data"]["text"], json!("looked at it ℕ😀 <b>"));
    assert_eq!(log[2]["data"]["subject_actor"]["nickname"], json!("target"));

    // Deleting: unknown report or note, a note of another report, junk ids → 404.
    let first = notes[0]["id"].as_i64().unwrap();
    let delete = |report: String, note: String| {
        let app = &app;
        let token = s.admin.clone();
        async move {
            app.call(
                Method::DELETE,
                &format!("{P}/reports/{report}/notes/{note}"),
                Some(&token),
                None,
            )
            .await
        }
    };
    for (report, note) in [
        ("missing".to_string(), first.to_string()),
        (other.clone(), first.to_string()),
        (s.report_id.clone(), "999999".to_string()),
        (s.report_id.clone(), "x".to_string()),
        (s.report_id.clone(), "1%20OR%201%3D1".to_string()),
        (s.report_id.clone(), "99999999999999999999999".to_string()),
        (s.report_id.clone(), "-1".to_string()),
    ] {
        let (status, resp) = delete(report.clone(), note.clone()).await;
        assert_eq!(
            (status, resp),
            (StatusCode::NOT_FOUND, json!({"error": "Not found"})),
            "{report}/{note}"
        );
    }
    assert_eq!(log_items(&app, &s.admin).await.len(), 3);
    // A moderator deletes the admin's note.
    app.user("mod", "pw-mod", false, true).await;
    let moderator = app.token("mod", "pw-mod", "read write admin").await;
    let (status, _) = app
        .call(
            Method::DELETE,
            &format!("{P1}/reports/{}/notes/{first}", s.report_id),
            Some(&moderator),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = delete(s.report_id.clone(), first.to_string()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        show(&app, &s.admin, &s.report_id).await["notes"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let log = log_items(&app, &s.admin).await;
    assert_eq!(
        log[0]["message"],
        json!(format!(
            "@mod deleted note 'looked at it ℕ😀 <b>' from report #{} on user @target",
            s.report_id
        ))
    );
    assert_eq!(log[0]["data"]["action"], json!("report_note_delete"));
}

async fn removed_accounts_and_deleted_statuses(app: TestApp) {
    let s = scene(&app).await;
    // A deleted status leaves the report's `statuses`.
    app.sql(&format!(
        "DELETE FROM statuses WHERE id = '{}'",
        s.statuses[0]
    ))
    .await;
    let shown = show(&app, &s.admin, &s.report_id).await;
    let ids: Vec<&str> = shown["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![s.statuses[1].as_str()]);
    // The snapshot taken at report time still has both.
    let snapshot: String = sqlx::Row::try_get(
        &sqlx::query("SELECT statuses_snapshot FROM reports WHERE id = $1")
            .bind(&s.report_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap(),
        "statuses_snapshot",
    )
    .unwrap();
    let snapshot: Value = serde_json::from_str(&snapshot).unwrap();
    assert_eq!(snapshot[0]["id"], json!(s.statuses[0]));
    assert_eq!(snapshot[0]["content"], json!("first <post>"));
    assert_eq!(snapshot[0]["account_id"], json!(s.target_id));

    // A removed account renders as `{}`; log messages then leave the account out.
    app.sql(&format!(
        "DELETE FROM statuses WHERE account_id = '{}'",
        s.target_id
    ))
    .await;
    app.sql(&format!(
        "DELETE FROM accounts WHERE id = '{}'",
        s.target_id
    ))
    .await;
    app.sql(&format!(
        "DELETE FROM accounts WHERE id = '{}'",
        s.reporter_id
    ))
    .await;
    let shown = show(&app, &s.admin, &s.report_id).await;
    assert_eq!(shown["account"], json!({}));
    assert_eq!(shown["actor"], json!({}));
    assert_eq!(shown["statuses"], json!([]));
    let (status, _) = app
        .call(
            Method::PATCH,
            &format!("{P}/reports"),
            Some(&s.admin),
            Some(json!({"reports": [{"id": s.report_id, "state": "closed"}]})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .call(
            Method::POST,
            &format!("{P}/reports/{}/notes", s.report_id),
            Some(&s.admin),
            Some(json!({"content": "gone"})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let log = log_items(&app, &s.admin).await;
    assert_eq!(
        log[1]["message"],
        json!(format!(
            "@root updated report #{} with 'closed' state",
            s.report_id
        ))
    );
    assert_eq!(
        log[0]["message"],
        json!(format!(
            "@root added note 'gone' to report #{}",
            s.report_id
        ))
    );
    assert!(log[0]["data"].get("subject_actor").is_none());
    let (status, body) = app
        .get(&format!("{P}/grouped_reports"), Some(&s.admin))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["reports"][0]["account"], json!({}));
    // The removed reporter is still counted, as `{}`.
    assert_eq!(body["reports"][0]["actors"], json!([{}]));
}

async fn grouped_reports(app: TestApp) {
    let token = admin(&app).await;
    let (_, a) = member(&app, "alice").await;
    let (_, b) = member(&app, "bob").await;
    let (t_id, _) = member(&app, "target").await;
    let (empty_status, body) = app.get(&format!("{P}/grouped_reports"), Some(&token)).await;
    assert_eq!(
        (empty_status, body),
        (StatusCode::OK, json!({"reports": []}))
    );
    let s1 = status(&app, &t_id, "one").await;
    let s2 = status(&app, &t_id, "two").await;
    let r1 = report(&app, &a, json!({"account_id": t_id, "status_ids": [s1]})).await;
    let r2 = report(
        &app,
        &b,
        json!({"account_id": t_id, "status_ids": [s1, s2]}),
    )
    .await;
    let r3 = report(&app, &a, json!({"account_id": t_id, "status_ids": [s1]})).await;
    // Without statuses: in no group.
    report(&app, &b, json!({"account_id": t_id})).await;
    // Different dates make the group order visible: s2's only report is the newest.
    app.sql(&format!(
        "UPDATE reports SET created_at = 1000000 WHERE id = '{}'",
        r1["id"].as_str().unwrap()
    ))
    .await;
    app.sql(&format!(
        "UPDATE reports SET created_at = 3000000 WHERE id = '{}'",
        r2["id"].as_str().unwrap()
    ))
    .await;
    app.sql(&format!(
        "UPDATE reports SET created_at = 2000000 WHERE id = '{}'",
        r3["id"].as_str().unwrap()
    ))
    .await;

    let (status, body) = app
        .get(&format!("{P1}/grouped_reports"), Some(&token))
        .await;
    assert_eq!(status, StatusCode::OK);
    let groups = body["reports"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    // Both groups have the same newest date (r2); then status id descending.
    assert_eq!(groups[0]["status"]["id"], json!(s2));
    assert_eq!(groups[1]["status"]["id"], json!(s1));
    assert_eq!(groups[1]["date"], json!("1970-01-01T00:50:00.000Z"));
    assert_eq!(groups[1]["account"]["nickname"], json!("target"));
    assert_eq!(groups[1]["status"]["account"]["nickname"], json!("target"));
    let reports: Vec<&str> = groups[1]["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    // Newest first (by id = filing order).
    assert_eq!(
        reports,
        vec![
            r3["id"].as_str().unwrap(),
            r2["id"].as_str().unwrap(),
            r1["id"].as_str().unwrap()
        ]
    );
    let actors: Vec<&str> = groups[1]["actors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["nickname"].as_str().unwrap())
        .collect();
    assert_eq!(
        actors,
        vec!["alice", "bob"],
        "distinct, in order of first report"
    );
    assert_eq!(groups[0]["actors"].as_array().unwrap().len(), 1);

    // A deleted status stays as a group, marked deleted, with its author from the snapshot.
    app.sql(&format!("DELETE FROM statuses WHERE id = '{s1}'"))
        .await;
    let (_, body) = app.get(&format!("{P}/grouped_reports"), Some(&token)).await;
    let groups = body["reports"].as_array().unwrap();
    assert_eq!(groups[1]["status"], json!({"id": s1, "deleted": true}));
    assert_eq!(groups[1]["account"]["nickname"], json!("target"));
    assert_eq!(groups[1]["reports"][0]["statuses"], json!([]));
    // Parameters are ignored.
    let (status, _) = app
        .get(
            &format!("{P}/grouped_reports?page=x&state=bogus"),
            Some(&token),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

/// More reports than either engine takes bind parameters in one statement (SQLite 32,766,
/// PostgreSQL 65,535): `GET /grouped_reports` loads their notes, statuses and accounts in chunks
/// and answers every group; the queue's counts come from the per-state counters.
async fn grouped_reports_beyond_the_bind_limit(app: TestApp) {
    const REPORTS: i64 = 70_000;
    const FAKE_STATUSES: i64 = 700;
    let token = admin(&app).await;
    let (t_id, _) = member(&app, "target").await;
    let (_, a) = member(&app, "alice").await;
    let live = status(&app, &t_id, "still here").await;
    // One report through the API names the live status (with a snapshot); the rest are seeded in
    // SQL, in one transaction: every 10th resolved, the others open, each naming one of 700
    // statuses that no longer exist (so every group but one is a deleted status), no accounts.
    report(&app, &a, json!({"account_id": t_id, "status_ids": [live]})).await;
    let mut tx = app.state.db.begin().await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < {REPORTS})
         INSERT INTO reports (id, reporter_id, account_id, status_ids, statuses_snapshot, comment, state,
                              forwarded, created_at, updated_at)
         SELECT '0000' || (1000000 + k), NULL, NULL, '[\"gone' || (k % {FAKE_STATUSES}) || '\"]', '[]',
                'seeded', CASE WHEN k % 10 = 0 THEN 'resolved' ELSE 'open' END, {f}, 1000 * k, 1000 * k
         FROM n",
        f = if app.backend == steward::server::db::Backend::Postgres { "FALSE" } else { "0" },
    )))
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO report_notes (report_id, author_id, content, created_at)
         VALUES ('00001000007', NULL, 'a note', 1)",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let (status, body) = app.get(&format!("{P}/grouped_reports"), Some(&token)).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        body.to_string().chars().take(300).collect::<String>()
    );
    let groups = body["reports"].as_array().unwrap();
    assert_eq!(groups.len(), FAKE_STATUSES as usize + 1);
    let members: usize = groups
        .iter()
        .map(|g| g["reports"].as_array().unwrap().len())
        .sum();
    assert_eq!(members, REPORTS as usize + 1);
    // The API-filed report is the newest: its group comes first, with the live status.
    assert_eq!(groups[0]["status"]["id"], json!(live));
    assert_eq!(groups[0]["account"]["nickname"], json!("target"));
    // The seeded groups by date descending: gone0 holds k = 70,000 (the newest seeded report).
    assert_eq!(groups[1]["status"], json!({"id": "gone0", "deleted": true}));
    assert_eq!(groups[1]["account"], json!({}));
    assert_eq!(groups[1]["reports"].as_array().unwrap().len(), 100);
    assert_eq!(groups[1]["reports"][0]["id"], json!("00001070000"));
    assert_eq!(groups[2]["status"]["id"], json!("gone699"));
    let noted = groups
        .iter()
        .flat_map(|g| g["reports"].as_array().unwrap())
        .find(|r| r["id"] == json!("00001000007"))
        .unwrap();
    assert_eq!(noted["notes"][0]["content"], json!("a note"));

    // Totals come from the counters, kept by the database whatever wrote the rows.
    let (_, body) = app
        .get(&format!("{P}/reports?page_size=1"), Some(&token))
        .await;
    assert_eq!(body["total"], json!(REPORTS + 1));
    let (_, body) = app
        .get(
            &format!("{P}/reports?state=resolved&page_size=1"),
            Some(&token),
        )
        .await;
    assert_eq!(body["total"], json!(REPORTS / 10));
    let (_, body) = app
        .get(&format!("{P}/reports?state=open&page_size=2"), Some(&token))
        .await;
    assert_eq!(body["total"], json!(REPORTS - REPORTS / 10 + 1));
    assert_eq!(body["reports"].as_array().unwrap().len(), 2);
    // State changes move the counts; a change to the same state, a re-sent batch, none.
    let items = json!({"reports": [
        {"id": "00001000001", "state": "closed"},
        {"id": "00001000002", "state": "closed"},
        {"id": "00001000010", "state": "resolved"},
    ]});
    for _ in 0..2 {
        let (status, _) = app
            .call(
                Method::PATCH,
                &format!("{P}/reports"),
                Some(&token),
                Some(items.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    for (state, n) in [
        ("open", REPORTS - REPORTS / 10 - 1),
        ("closed", 2),
        ("resolved", REPORTS / 10),
    ] {
        let (_, body) = app
            .get(
                &format!("{P}/reports?state={state}&page_size=1"),
                Some(&token),
            )
            .await;
        assert_eq!(body["total"], json!(n), "{state}");
    }
}

/// Hostile values for every parameter of every report route never give a 5xx.
async fn hostile_input(app: TestApp) {
    let s = scene(&app).await;
    let values = [
        json!(null),
        json!(true),
        json!(-1),
        json!(1e308),
        json!("99999999999999999999999999"),
        json!("\u{0}"),
        json!("'; DROP TABLE reports; --"),
        json!("%_\\"),
        json!("ℕ𝕠 𝕥𝕖𝕩𝕥 \u{202E} 😀"),
        json!([]),
        json!([null, 1, {"a": [1]}]),
        json!({"0": {"id": 1}}),
        json!([{"id": "\u{0}", "state": "open"}]),
        json!("x".repeat(20_000)),
    ];
    let keys = [
        "reports",
        "state",
        "content",
        "account_id",
        "status_ids",
        "comment",
        "forward",
        "page",
        "page_size",
        "limit",
        "max_id",
        "since_id",
        "actor_id",
        "id",
        "status",
    ];
    let id = &s.report_id;
    let routes = [
        (Method::GET, format!("{P}/reports")),
        (Method::PATCH, format!("{P}/reports")),
        (Method::GET, format!("{P}/reports/{id}")),
        (Method::PUT, format!("{P}/reports/{id}")),
        (Method::POST, format!("{P}/reports/{id}/notes")),
        (Method::POST, format!("{P}/reports/{id}/respond")),
        (Method::DELETE, format!("{P}/reports/{id}/notes/%00")),
        (Method::DELETE, format!("{P}/reports/%F0%9F%98%80/notes/1")),
        (Method::GET, format!("{P}/grouped_reports")),
        (Method::GET, format!("{P}/reports/%00")),
        (Method::POST, "/api/v1/reports".to_string()),
    ];
    for (method, path) in routes {
        for value in &values {
            let body = Value::Object(
                keys.iter()
                    .map(|k| (k.to_string(), value.clone()))
                    .collect(),
            );
            for token in [Some(s.admin.as_str()), Some(s.reporter.as_str()), None] {
                let (status, resp) = app
                    .call(method.clone(), &path, token, Some(body.clone()))
                    .await;
                assert!(
                    (status.as_u16() < 500 && (resp.get("error").is_some() || resp.is_array()))
                        || status.is_success(),
                    "{method} {path} {} -> {status} {resp}",
                    body.to_string().chars().take(200).collect::<String>()
                );
            }
        }
    }
}

backend_tests!(
    every_route_checks_access,
    filing_a_report,
    filing_errors,
    list_filters_and_paging,
    show_unknown_is_404,
    batch_state_change,
    legacy_put,
    legacy_respond,
    notes,
    removed_accounts_and_deleted_statuses,
    grouped_reports,
    grouped_reports_beyond_the_bind_limit,
    hostile_input,
);

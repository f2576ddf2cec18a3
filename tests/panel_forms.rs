//! The panel's HTML form posts (`/admin/users/…`, `/admin/invites/…`): CSRF, confirmation steps,
//! redirects with `notice`/`error`, the flash for one-time results, and that each calls the same
//! service as the REST API (same effects, same authorisation).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::{json, Value};
use steward::model::query::{decode_component, parse_query};

/// A signed-in panel session: the cookie pair and its CSRF token.
struct Session {
    cookie: String,
    csrf: String,
}

async fn session(app: &TestApp, nickname: &str, password: &str) -> Session {
    let resp = app
        .client
        .post(app.url("/api/steward/session"))
        .json(&json!({"username": nickname, "password": password}))
        .send()
        .await
        .expect("login");
    assert_eq!(resp.status(), StatusCode::OK);
    let cookie = resp
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .to_string();
    let body: Value = resp.json().await.expect("json");
    Session {
        cookie,
        csrf: body["csrf_token"].as_str().unwrap_or_default().to_string(),
    }
}

/// The answer to a form post: status, `Location`, and the flash cookie if one was set.
struct Answer {
    status: StatusCode,
    location: String,
    flash: Option<String>,
}

impl Answer {
    /// A query parameter of the redirect target.
    fn param(&self, key: &str) -> String {
        let search = self.location.split_once('?').map(|(_, s)| s).unwrap_or("");
        parse_query(search)
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .unwrap_or_default()
    }

    fn path(&self) -> &str {
        self.location.split('?').next().unwrap_or_default()
    }
}

async fn post(
    app: &TestApp,
    session: Option<&Session>,
    path: &str,
    form: &[(&str, &str)],
) -> Answer {
    let mut fields: Vec<(&str, &str)> = form.to_vec();
    let mut req = app.client.post(app.url(path));
    if let Some(s) = session {
        req = req.header("cookie", &s.cookie);
        if !fields.iter().any(|(k, _)| *k == "csrf") {
            fields.push(("csrf", &s.csrf));
        }
    }
    let resp = req.form(&fields).send().await.expect("post");
    let status = resp.status();
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let flash = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("steward_flash="))
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    Answer {
        status,
        location,
        flash,
    }
}

async fn account(app: &TestApp, nickname: &str) -> Value {
    steward::server::service::users::admin_user(
        &app.state,
        &steward::server::service::users::find(&app.state, nickname)
            .await
            .expect("account"),
    )
}

/// Renders a panel page with the session (and an optional flash cookie) and returns its HTML.
async fn page(app: &TestApp, session: &Session, path: &str, flash: Option<&str>) -> String {
    let cookie = match flash {
        Some(f) => format!("{}; {f}", session.cookie),
        None => session.cookie.clone(),
    };
    let (status, html) = app.panel_html(path, &cookie).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    html
}

async fn actions_need_the_session_and_its_csrf_token(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    app.user("bob", "pw-bob", false, false).await;
    // Signed out: to the login page, coming back afterwards.
    let answer = post(
        &app,
        None,
        "/admin/users/action",
        &[
            ("action", "activate"),
            ("nicknames", "bob"),
            ("back", "/admin/users?view=remote"),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.path(), "/admin/login");
    assert_eq!(answer.param("next"), "/admin/users?view=remote");

    // A wrong token changes nothing.
    let root = session(&app, "root", "pw-root").await;
    let answer = post(
        &app,
        Some(&root),
        "/admin/users/action",
        &[
            ("csrf", "forged"),
            ("action", "grant_moderator"),
            ("nicknames", "bob"),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(
        answer.param("error").contains("Invalid CSRF token."),
        "{}",
        answer.location
    );
    assert_eq!(account(&app, "bob").await["roles"]["moderator"], false);

    // An outside `back` is never followed.
    let answer = post(
        &app,
        Some(&root),
        "/admin/users/action",
        &[
            ("action", "grant_moderator"),
            ("nicknames", "bob"),
            ("back", "https://evil.example/admin"),
        ],
    )
    .await;
    assert_eq!(answer.path(), "/admin/users");
    assert_eq!(answer.param("notice"), "Made @bob moderator.");
    assert_eq!(account(&app, "bob").await["roles"]["moderator"], true);
}

async fn destructive_actions_are_confirmed_first(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    app.user("bob", "pw-bob", false, false).await;
    app.user("carol", "pw-carol", false, false).await;
    let root = session(&app, "root", "pw-root").await;
    let form = [
        ("action", "deactivate"),
        ("nicknames", "bob"),
        ("nicknames", "carol"),
        ("nicknames", "root"),
        ("back", "/admin/users?page=2"),
    ];
    let answer = post(&app, Some(&root), "/admin/users/action", &form).await;
    assert_eq!(answer.path(), "/admin/users/confirm");
    assert_eq!(answer.param("action"), "deactivate");
    assert_eq!(answer.param("left_out"), "1", "own account left out");
    assert!(!answer.location.contains("nicknames=root"));
    assert_eq!(
        account(&app, "bob").await["deactivated"],
        false,
        "nothing before confirming"
    );

    // The confirmation page names the accounts and the consequence.
    let html = page(&app, &root, &answer.location, None).await;
    assert!(html.contains("Deactivate 2 users?"), "{html}");
    assert!(html.contains("carol") && html.contains("Cancel"));

    let mut confirmed = form.to_vec();
    confirmed.push(("confirmed", "1"));
    let answer = post(&app, Some(&root), "/admin/users/action", &confirmed).await;
    assert_eq!(answer.path(), "/admin/users");
    assert_eq!(answer.param("page"), "2");
    let notice = answer.param("notice");
    assert!(notice.starts_with("Deactivated 2 users."), "{notice}");
    assert!(
        notice.contains("You can't deactivate your own account."),
        "{notice}"
    );
    assert_eq!(account(&app, "bob").await["deactivated"], true);
    assert_eq!(account(&app, "root").await["deactivated"], false);

    // Only the own account: refused with the reason.
    let answer = post(
        &app,
        Some(&root),
        "/admin/users/action",
        &[
            ("action", "delete"),
            ("nicknames", "root"),
            ("confirmed", "1"),
        ],
    )
    .await;
    assert_eq!(answer.param("error"), "You can't delete your own account.");

    // The log entry is the REST API's.
    let row = sqlx::query("SELECT message FROM moderation_log ORDER BY id DESC LIMIT 1")
        .fetch_one(&app.state.db.pool)
        .await
        .expect("log");
    let message = steward::server::db::RowExt::text(&row, "message").unwrap_or_default();
    assert_eq!(message, "@root deactivated users: @bob, @carol");
}

async fn deleting_many_asks_for_the_number(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let names: Vec<String> = (0..6).map(|i| format!("gone{i}")).collect();
    for n in &names {
        app.user(n, "pw", false, false).await;
    }
    let root = session(&app, "root", "pw-root").await;
    let mut form: Vec<(&str, &str)> = names.iter().map(|n| ("nicknames", n.as_str())).collect();
    form.push(("action", "delete"));
    form.push(("confirmed", "1"));
    form.push(("confirm_count", "5"));
    let answer = post(&app, Some(&root), "/admin/users/action", &form).await;
    assert_eq!(answer.path(), "/admin/users/confirm");
    assert_eq!(
        answer.param("error"),
        "Type 6 to confirm that 6 accounts will be deleted."
    );
    assert_eq!(account(&app, "gone0").await["deactivated"], false);
    let html = page(&app, &root, &answer.location, None).await;
    assert!(html.contains("Type 6 to confirm"), "{html}");

    form.pop();
    form.push(("confirm_count", "6"));
    let answer = post(&app, Some(&root), "/admin/users/action", &form).await;
    assert_eq!(answer.param("notice"), "Deleted 6 users.");
    assert_eq!(account(&app, "gone5").await["deactivated"], true);
}

async fn tags_roles_and_row_buttons(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    app.user("bob", "pw-bob", false, false).await;
    let root = session(&app, "root", "pw-root").await;
    let answer = post(
        &app,
        Some(&root),
        "/admin/users/action",
        &[
            ("action", "tag"),
            ("nicknames", "bob"),
            ("tag", "mrf_tag:sandbox"),
            ("tag_custom", ""),
        ],
    )
    .await;
    assert_eq!(
        answer.param("notice"),
        "Added the tag “Sandbox (followers only)” to @bob."
    );
    let answer = post(
        &app,
        Some(&root),
        "/admin/users/action",
        &[
            ("action", "tag"),
            ("nicknames", "bob"),
            ("tag", "mrf_tag:sandbox"),
            ("tag_custom", "Spam-Watch"),
        ],
    )
    .await;
    assert_eq!(
        answer.param("notice"),
        "Added the tag “spam-watch” to @bob."
    );
    assert_eq!(
        account(&app, "bob").await["tags"],
        json!(["mrf_tag:sandbox", "spam-watch"])
    );
    let answer = post(
        &app,
        Some(&root),
        "/admin/users/action",
        &[
            ("action", "untag"),
            ("nicknames", "bob"),
            ("tag", "spam-watch"),
        ],
    )
    .await;
    assert!(answer.param("notice").starts_with("Removed the tag"));
    assert_eq!(
        account(&app, "bob").await["tags"],
        json!(["mrf_tag:sandbox"])
    );
    let answer = post(
        &app,
        Some(&root),
        "/admin/users/action",
        &[("action", "tag"), ("nicknames", "bob")],
    )
    .await;
    assert_eq!(answer.param("error"), "Choose or type a tag first.");

    // A row's own button names its account; checked boxes are ignored then.
    let answer = post(
        &app,
        Some(&root),
        "/admin/users/action",
        &[("row_action", "grant_admin:bob"), ("nicknames", "root")],
    )
    .await;
    assert_eq!(answer.param("notice"), "Made @bob admin.");
    assert_eq!(account(&app, "bob").await["roles"]["admin"], true);
    // Revoking admin is confirmed first, and never applies to oneself.
    let answer = post(
        &app,
        Some(&root),
        "/admin/users/action",
        &[("action", "revoke_admin"), ("nicknames", "bob")],
    )
    .await;
    assert_eq!(answer.path(), "/admin/users/confirm");
    let answer = post(
        &app,
        Some(&root),
        "/admin/users/action",
        &[
            ("action", "revoke_admin"),
            ("nicknames", "bob"),
            ("confirmed", "1"),
        ],
    )
    .await;
    assert_eq!(answer.param("notice"), "Revoked admin from @bob.");
    assert_eq!(account(&app, "bob").await["roles"]["admin"], false);

    // Unknown accounts: the server's words after a human prefix.
    let answer = post(
        &app,
        Some(&root),
        "/admin/users/action",
        &[("action", "activate"), ("nicknames", "nobody")],
    )
    .await;
    assert_eq!(
        answer.param("error"),
        "Couldn't activate @nobody: Not found"
    );
}

async fn moderators_get_the_permission_message(app: TestApp) {
    app.user("moder", "pw-moder", false, true).await;
    app.user("bob", "pw-bob", false, false).await;
    let moder = session(&app, "moder", "pw-moder").await;
    let answer = post(
        &app,
        Some(&moder),
        "/admin/users/action",
        &[("action", "grant_moderator"), ("nicknames", "bob")],
    )
    .await;
    assert_eq!(
        answer.param("error"),
        "You don't have permission to do this. Couldn't make @bob moderator: User is not an admin."
    );
}

async fn reset_links_come_back_once_in_the_flash(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    app.user("bob", "pw-bob", false, false).await;
    let root = session(&app, "root", "pw-root").await;
    let bob = account(&app, "bob").await;
    let back = format!("/admin/users/{}", bob["id"].as_str().unwrap());
    let answer = post(
        &app,
        Some(&root),
        "/admin/users/action",
        &[
            ("action", "reset_link"),
            ("nicknames", "bob"),
            ("back", &back),
        ],
    )
    .await;
    assert_eq!(answer.path(), back);
    assert_eq!(
        answer.param("notice"),
        "Created a password reset link for @bob."
    );
    assert!(
        !answer.location.contains("password_reset"),
        "the link never travels in the URL"
    );
    let flash = answer.flash.expect("flash cookie");
    let html = page(&app, &root, &answer.location, Some(&flash)).await;
    let start = html
        .find("/api/pleroma/password_reset/")
        .expect("link on the page");
    let token: String = html[start + "/api/pleroma/password_reset/".len()..]
        .chars()
        .take_while(|c| !matches!(c, '<' | '"' | ' '))
        .collect();
    let resp = app
        .client
        .get(app.url(&format!("/api/pleroma/password_reset/{token}")))
        .send()
        .await
        .expect("reset page");
    assert_eq!(
        resp.status(),
        StatusCode::OK,
        "the link works: {}",
        decode_component(&token)
    );
    // Another page does not consume it; the flash is for the user page only.
    let other = page(&app, &root, "/admin/users", Some(&flash)).await;
    assert!(!other.contains("/api/pleroma/password_reset/"));
}

async fn creating_users_is_all_or_nothing(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    app.user("taken", "pw", false, false).await;
    let root = session(&app, "root", "pw-root").await;
    let answer = post(
        &app,
        Some(&root),
        "/admin/users/create",
        &[
            ("nickname", "fresh1"),
            ("email", "fresh1@example.org"),
            ("password", "pw-fresh-1"),
            ("nickname", "taken"),
            ("email", "t2@example.org"),
            ("password", "pw-2"),
            ("nickname", ""),
            ("email", ""),
            ("password", ""),
            ("lines", "fresh3,fresh3@example.org,pw,3\n"),
        ],
    )
    .await;
    assert_eq!(answer.path(), "/admin/users/new");
    assert_eq!(
        answer.param("error"),
        "Nothing was created: 1 of 3 rows need changes (marked below)."
    );
    let flash = answer.flash.expect("rows come back");
    assert!(steward::server::service::users::find(&app.state, "fresh1")
        .await
        .is_err());
    let html = page(&app, &root, "/admin/users/new", Some(&flash)).await;
    assert!(html.contains("nickname has already been taken"), "{html}");
    assert!(html.contains("fresh3@example.org"), "typed values are kept");
    assert!(html.contains("Nothing was created"));

    let answer = post(
        &app,
        Some(&root),
        "/admin/users/create",
        &[
            ("nickname", "fresh1"),
            ("email", "fresh1@example.org"),
            ("password", "pw-fresh-1"),
            ("lines", "fresh3,fresh3@example.org,pw,3"),
        ],
    )
    .await;
    assert_eq!(answer.param("notice"), "Created 2 users.");
    let html = page(&app, &root, "/admin/users/new", answer.flash.as_deref()).await;
    assert!(
        html.contains("Created accounts") && html.contains("pw-fresh-1") && html.contains("pw,3"),
        "{html}"
    );
    assert_eq!(account(&app, "fresh3").await["email"], "fresh3@example.org");
    let answer = post(
        &app,
        Some(&root),
        "/admin/users/create",
        &[("nickname", ""), ("lines", "")],
    )
    .await;
    assert!(answer.param("error").starts_with("Add at least one user"));
}

async fn credentials_form_saves_or_marks_fields(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    app.user("bob", "pw-bob", false, false).await;
    let root = session(&app, "root", "pw-root").await;
    let id = account(&app, "bob").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/admin/users/{id}/credentials");
    let answer = post(
        &app,
        Some(&root),
        &path,
        &[
            ("nickname", "bob"),
            ("email", "not-an-email"),
            ("name", "Bobby"),
            ("password", ""),
            ("default_scope", "public"),
        ],
    )
    .await;
    assert_eq!(answer.path(), format!("/admin/users/{id}"));
    assert_eq!(answer.param("tab"), "credentials");
    assert_eq!(
        answer.param("error"),
        "Nothing was saved: check the marked fields."
    );
    let html = page(&app, &root, &answer.location, answer.flash.as_deref()).await;
    assert!(html.contains("Email has invalid format."), "{html}");
    assert!(html.contains("not-an-email"), "typed value kept");

    let answer = post(
        &app,
        Some(&root),
        &path,
        &[
            ("nickname", "bob"),
            ("email", "bob@example.org"),
            ("name", "Bobby"),
            ("bio", "line one\nline two"),
            ("password", ""),
            ("default_scope", "unlisted"),
            ("actor_type", "Service"),
            ("is_locked", "true"),
            ("field_name", "Site"),
            ("field_value", "https://bob.example"),
            ("field_name", ""),
            ("field_value", ""),
        ],
    )
    .await;
    assert_eq!(
        answer.param("notice"),
        "Saved the profile and credentials of @bob."
    );
    let (status, creds) = {
        let token = app.token("root", "pw-root", "read write admin").await;
        app.get(
            &format!("/api/pleroma/admin/users/{id}/credentials"),
            Some(&token),
        )
        .await
    };
    assert_eq!(status, StatusCode::OK);
    assert_eq!(creds["name"], "Bobby");
    assert_eq!(creds["email"], "bob@example.org");
    assert_eq!(creds["is_locked"], true);
    assert_eq!(creds["hide_favorites"], false, "unchecked boxes are false");
    assert_eq!(creds["actor_type"], "Service");
    assert_eq!(
        creds["raw_fields"],
        json!([{"name": "Site", "value": "https://bob.example"}])
    );
    // The password was left empty: unchanged, so it still logs in.
    app.token("bob", "pw-bob", "read").await;
}

async fn invites_are_created_confirmed_and_revoked(app: TestApp) {
    app.user("root", "pw-root", true, false).await;
    let root = session(&app, "root", "pw-root").await;
    let answer = post(
        &app,
        Some(&root),
        "/admin/invites/create",
        &[("max_use", "3"), ("expires_at", "")],
    )
    .await;
    assert_eq!(answer.path(), "/admin/invites");
    let id = answer.param("created");
    assert_eq!(answer.param("notice"), format!("Created invite #{id}."));
    let answer = post(
        &app,
        Some(&root),
        "/admin/invites/create",
        &[("expires_at", "2001-01-01")],
    )
    .await;
    assert!(answer
        .param("notice")
        .contains("Its expiry date has passed"));
    let answer = post(
        &app,
        Some(&root),
        "/admin/invites/create",
        &[("max_use", "many")],
    )
    .await;
    assert_eq!(
        answer.param("error"),
        "Couldn't create the invite: max_use - Invalid integer. Got: string."
    );

    let token = {
        let row = sqlx::query("SELECT token FROM invites WHERE id = $1")
            .bind(id.parse::<i64>().unwrap())
            .fetch_one(&app.state.db.pool)
            .await
            .expect("invite");
        steward::server::db::RowExt::text(&row, "token").unwrap()
    };
    let html = page(&app, &root, &format!("/admin/invites?created={id}"), None).await;
    assert!(html.contains(&format!("New invite #{id}")), "{html}");
    let answer = post(
        &app,
        Some(&root),
        "/admin/invites/revoke",
        &[("token", &token), ("id", &id)],
    )
    .await;
    assert_eq!(answer.param("revoke"), id, "asks first");
    let html = page(&app, &root, &answer.location, None).await;
    assert!(html.contains(&format!("Revoke invite #{id}?")));
    let answer = post(
        &app,
        Some(&root),
        "/admin/invites/revoke",
        &[("token", &token), ("id", &id), ("confirmed", "1")],
    )
    .await;
    assert_eq!(answer.param("notice"), format!("Revoked invite #{id}."));
    assert_eq!(answer.param("revoke"), "");
    let html = page(&app, &root, "/admin/invites", None).await;
    assert!(html.contains("Used up / revoked"));

    // Registrations are open by default: email invites explain why they can't be sent.
    let answer = post(
        &app,
        Some(&root),
        "/admin/invites/email",
        &[("email", "friend@example.org"), ("name", "Friend")],
    )
    .await;
    assert_eq!(
        answer.param("error"),
        "Couldn't send the invitation: To send invites you need to set the `registrations_open` option to false."
    );
    assert_eq!(answer.param("invite_email"), "friend@example.org");
}

backend_tests!(
    actions_need_the_session_and_its_csrf_token,
    destructive_actions_are_confirmed_first,
    deleting_many_asks_for_the_number,
    tags_roles_and_row_buttons,
    moderators_get_the_permission_message,
    reset_links_come_back_once_in_the_flash,
    creating_users_is_all_or_nothing,
    credentials_form_saves_or_marks_fields,
    invites_are_created_confirmed_and_revoked,
);

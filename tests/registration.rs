//! Registration (client-api.md §3): the gate, invite use (users.md §6.2), validation, pending
//! steps with their emails, the answers; and the invite form at `/registration/:token` (§7).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::mailbox;
use common::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const P: &str = "/api/pleroma/admin";
const CONFIRMATION: &str = "You have been registered. Some post-registration steps may be pending. Please check your email for further instructions.";
const APPROVAL: &str =
    "You have been registered. You'll be able to log in once your account is approved.";

async fn admin(app: &TestApp) -> String {
    app.user("root", "pw-root", true, false).await;
    app.token("root", "pw-root", "read write follow admin")
        .await
}

/// An app-only token (client-credentials grant) of an app with `scopes`.
async fn app_token(app: &TestApp, scopes: &str) -> String {
    let (id, secret) = app.app(scopes).await;
    let (status, body) = app
        .post_form(
            "/oauth/token",
            &[
                ("grant_type", "client_credentials"),
                ("client_id", &id),
                ("client_secret", &secret),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

async fn instance(app: &TestApp, entries: Value) {
    app.set_config(":pleroma", ":instance", entries).await;
}

async fn register(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, "/api/v1/accounts", Some(token), Some(body))
        .await
}

fn signup(username: &str) -> Value {
    json!({"username": username, "password": "secret-pw", "email": format!("{username}@example.net"),
           "agreement": true})
}

async fn create_invite(app: &TestApp, admin: &str, body: Value) -> String {
    let (status, invite) = app
        .call(
            Method::POST,
            &format!("{P}/users/invite_token"),
            Some(admin),
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    invite["token"].as_str().unwrap().to_string()
}

async fn invite(app: &TestApp, admin: &str, token: &str) -> Value {
    let (_, body) = app.get(&format!("{P}/users/invites"), Some(admin)).await;
    body["invites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["token"] == token)
        .cloned()
        .unwrap()
}

async fn login(app: &TestApp, nickname: &str, password: &str) -> (StatusCode, Value) {
    let (id, secret) = app.app("read").await;
    app.post_form(
        "/oauth/token",
        &[
            ("grant_type", "password"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("username", nickname),
            ("password", password),
        ],
    )
    .await
}

async fn needs_an_app_token(app: TestApp) {
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/accounts",
            None,
            Some(signup("alice")),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Invalid credentials."})
        )
    );
    let (status, _) = register(&app, "not-a-token", signup("alice")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A user's token is an app token too.
    app.user("someone", "pw", false, false).await;
    let token = app.token("someone", "pw", "read write").await;
    let (status, body) = register(&app, &token, signup("alice")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn open_registration_answers_a_token(app: TestApp) {
    let root = admin(&app).await;
    let token = app_token(&app, "read write follow").await;
    let mut body = signup("alice");
    body["fullname"] = json!("Alice A.");
    body["reason"] = json!("I like it here");
    body["locale"] = json!("de");
    let (status, resp) = register(&app, &token, body).await;
    assert_eq!(status, StatusCode::OK, "{resp}");
    let mut keys: Vec<&str> = resp
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "access_token",
            "created_at",
            "expires_in",
            "id",
            "me",
            "refresh_token",
            "scope",
            "token_type"
        ]
    );
    assert_eq!(resp["scope"], "read write follow", "the app's scopes");
    assert_eq!(resp["me"], format!("{}/users/alice", app.base));
    let (status, me) = app
        .get(
            "/api/v1/accounts/verify_credentials",
            resp["access_token"].as_str(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (&me["username"], &me["display_name"], &me["id"]),
        (&json!("alice"), &json!("Alice A."), &resp["id"])
    );
    let (_, user) = app.get(&format!("{P}/users/alice"), Some(&root)).await;
    assert_eq!(user["registration_reason"], "I like it here");
    assert_eq!(user["email"], "alice@example.net");
    assert_eq!(
        (
            &user["local"],
            &user["confirmation_pending"],
            &user["approval_pending"],
            &user["actor_type"]
        ),
        (&json!(true), &json!(false), &json!(false), &json!("Person"))
    );
    assert_eq!(login(&app, "alice", "secret-pw").await.0, StatusCode::OK);

    // A narrower `scope` is granted; a wider one is refused before anything is created.
    let mut body = signup("bob");
    body["scope"] = json!("read");
    let (_, resp) = register(&app, &token, body).await;
    assert_eq!(resp["scope"], "read");
    let mut body = signup("carol");
    body["scope"] = json!("admin");
    let (status, resp) = register(&app, &token, body).await;
    assert_eq!(
        (status, resp),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "This action is outside the authorized scopes"})
        )
    );
    let (status, _) = app.get(&format!("{P}/users/carol"), Some(&root)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // With open registrations an invite token is ignored.
    let mut body = signup("dave");
    body["token"] = json!("no-such-invite");
    assert_eq!(register(&app, &token, body).await.0, StatusCode::OK);
    // Without activation required an email is optional.
    let (status, _) = register(
        &app,
        &token,
        json!({"username": "erin", "password": "pw", "agreement": "true"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

async fn validation_messages(app: TestApp) {
    app.user("taken", "pw", false, false).await;
    let token = app_token(&app, "read").await;
    let cases = [
        (
            json!({"password": "pw", "agreement": true}),
            "username can't be blank",
            "username",
        ),
        (
            json!({"username": "", "password": "pw", "agreement": true}),
            "username can't be blank",
            "username",
        ),
        (
            json!({"username": "no spaces", "password": "pw", "agreement": true}),
            "username has invalid format",
            "username",
        ),
        (
            json!({"username": "Relay", "password": "pw", "agreement": true}),
            "username is reserved",
            "username",
        ),
        (
            json!({"username": "TAKEN", "password": "pw", "agreement": true}),
            "username has already been taken",
            "username",
        ),
        (
            json!({"username": "new", "email": "nope", "password": "pw", "agreement": true}),
            "email has invalid format",
            "email",
        ),
        (
            json!({"username": "new", "email": "Taken@Example.com", "password": "pw", "agreement": true}),
            "email has already been taken",
            "email",
        ),
        (
            json!({"username": "new", "agreement": true}),
            "password can't be blank",
            "password",
        ),
        (
            json!({"username": "new", "password": "pw"}),
            "agreement must be accepted",
            "agreement",
        ),
        (
            json!({"username": "new", "password": "pw", "agreement": false}),
            "agreement must be accepted",
            "agreement",
        ),
    ];
    for (body, message, field) in cases {
        let (status, resp) = register(&app, &token, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(
            resp,
            json!({"error": message, "details": {field: [message]}}),
            "{body}"
        );
    }
    // Every failing field is reported; `error` is the first in field order.
    let (_, resp) = register(&app, &token, json!({"username": "x y", "email": "bad"})).await;
    assert_eq!(resp["error"], "username has invalid format");
    let mut fields: Vec<&str> = resp["details"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort();
    assert_eq!(fields, ["agreement", "email", "password", "username"]);
    // Wrong JSON types get the generic validation shape.
    let (status, resp) = register(
        &app,
        &token,
        json!({"username": 5, "password": "pw", "agreement": true}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(resp["error"], "username - Invalid string. Got: integer.");
    let (_, resp) = register(
        &app,
        &token,
        json!({"username": "new", "password": "pw", "agreement": "maybe"}),
    )
    .await;
    assert_eq!(resp["error"], "agreement - Invalid boolean. Got: string.");
    // With activation required, the email is required.
    instance(
        &app,
        json!([{"tuple": [":account_activation_required", true]}]),
    )
    .await;
    let (_, resp) = register(
        &app,
        &token,
        json!({"username": "new", "password": "pw", "agreement": true}),
    )
    .await;
    assert_eq!(
        resp,
        json!({"error": "email can't be blank", "details": {"email": ["email can't be blank"]}})
    );
}

async fn the_gate_and_invite_use(app: TestApp) {
    let root = admin(&app).await;
    let token = app_token(&app, "read").await;
    instance(
        &app,
        json!([{"tuple": [":registrations_open", false]}, {"tuple": [":invites_enabled", false]}]),
    )
    .await;
    let (status, resp) = register(&app, &token, signup("a1")).await;
    assert_eq!(
        (status, resp),
        (
            StatusCode::FORBIDDEN,
            json!({"error": "Registrations are closed"})
        )
    );
    instance(
        &app,
        json!([{"tuple": [":registrations_open", false]}, {"tuple": [":invites_enabled", true]}]),
    )
    .await;
    let invalid = (StatusCode::BAD_REQUEST, json!({"error": "Invalid token"}));
    assert_eq!(register(&app, &token, signup("a1")).await, invalid);
    let with = |name: &str, invite: &str| {
        let mut body = signup(name);
        body["token"] = json!(invite);
        body
    };
    assert_eq!(register(&app, &token, with("a1", "nope")).await, invalid);

    // one_time: used after one registration.
    let one = create_invite(&app, &root, json!({})).await;
    // A refused registration does not use the invite.
    let mut refused = with("a1", &one);
    refused["agreement"] = json!(false);
    assert_eq!(
        register(&app, &token, refused).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(invite(&app, &root, &one).await["used"], false);
    assert_eq!(
        register(&app, &token, with("a1", &one)).await.0,
        StatusCode::OK
    );
    assert_eq!(invite(&app, &root, &one).await["used"], true);
    assert_eq!(register(&app, &token, with("a2", &one)).await, invalid);

    // reusable: uses counted, used once max_use is reached.
    let reusable = create_invite(&app, &root, json!({"max_use": 2})).await;
    assert_eq!(
        register(&app, &token, with("b1", &reusable)).await.0,
        StatusCode::OK
    );
    let state = invite(&app, &root, &reusable).await;
    assert_eq!((&state["uses"], &state["used"]), (&json!(1), &json!(false)));
    assert_eq!(
        register(&app, &token, with("b2", &reusable)).await.0,
        StatusCode::OK
    );
    let state = invite(&app, &root, &reusable).await;
    assert_eq!((&state["uses"], &state["used"]), (&json!(2), &json!(true)));
    assert_eq!(register(&app, &token, with("b3", &reusable)).await, invalid);

    // date_limited: valid through its day (UTC), nothing recorded.
    let today = chrono_today();
    let dated = create_invite(&app, &root, json!({"expires_at": today})).await;
    assert_eq!(
        register(&app, &token, with("c1", &dated)).await.0,
        StatusCode::OK
    );
    assert_eq!(
        register(&app, &token, with("c2", &dated)).await.0,
        StatusCode::OK
    );
    let state = invite(&app, &root, &dated).await;
    assert_eq!((&state["uses"], &state["used"]), (&json!(0), &json!(false)));
    let expired = create_invite(&app, &root, json!({"expires_at": "2001-01-01"})).await;
    assert_eq!(register(&app, &token, with("c3", &expired)).await, invalid);

    // reusable_date_limited: all three conditions.
    let both = create_invite(
        &app,
        &root,
        json!({"max_use": 1, "expires_at": "2999-01-01"}),
    )
    .await;
    assert_eq!(
        register(&app, &token, with("d1", &both)).await.0,
        StatusCode::OK
    );
    assert_eq!(register(&app, &token, with("d2", &both)).await, invalid);
    let never = create_invite(&app, &root, json!({"max_use": 0})).await;
    assert_eq!(register(&app, &token, with("d3", &never)).await, invalid);

    // Revoked invites are invalid.
    let revoked = create_invite(&app, &root, json!({"max_use": 5})).await;
    app.call(
        Method::POST,
        &format!("{P}/users/revoke_invite"),
        Some(&root),
        Some(json!({"token": revoked})),
    )
    .await;
    assert_eq!(register(&app, &token, with("e1", &revoked)).await, invalid);
}

/// Today's date in UTC as `YYYY-MM-DD`, computed without extra dependencies.
fn chrono_today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

async fn confirmation_by_email(app: TestApp) {
    admin(&app).await;
    let token = app_token(&app, "read").await;
    instance(
        &app,
        json!([{"tuple": [":name", "Test Club"]}, {"tuple": [":account_activation_required", true]}]),
    )
    .await;
    let (status, resp) = register(&app, &token, signup("alice")).await;
    assert_eq!(
        (status, resp),
        (
            StatusCode::OK,
            json!({"message": CONFIRMATION, "identifier": "missing_confirmed_email"})
        )
    );
    let (status, resp) = login(&app, "alice", "secret-pw").await;
    assert_eq!(
        (status, &resp["identifier"]),
        (StatusCode::FORBIDDEN, &json!("missing_confirmed_email"))
    );
    let mail = mailbox::only_to(&app, "alice@example.net");
    assert_eq!(mail.subject, "Test Club account confirmation");
    let path = mail.path(&app.base, "/api/account/confirm_email/");
    let resp = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    assert_eq!(resp.headers()["location"], "/");
    assert_eq!(login(&app, "alice", "secret-pw").await.0, StatusCode::OK);

    // With the mailer off the account still waits for confirmation, but nothing is sent.
    app.set_config(
        ":pleroma",
        "Pleroma.Emails.Mailer",
        json!([{"tuple": [":enabled", false]}]),
    )
    .await;
    let (_, resp) = register(&app, &token, signup("bob")).await;
    assert_eq!(resp["identifier"], "missing_confirmed_email");
    assert!(mailbox::to(&app, "bob@example.net").is_empty());
}

async fn approval_then_confirmation(app: TestApp) {
    let root = admin(&app).await;
    let token = app_token(&app, "read").await;
    instance(
        &app,
        json!([{"tuple": [":account_approval_required", true]}]),
    )
    .await;
    let mut body = signup("alice");
    body["reason"] = json!("Please");
    let (status, resp) = register(&app, &token, body).await;
    assert_eq!(
        (status, resp),
        (
            StatusCode::OK,
            json!({"message": APPROVAL, "identifier": "awaiting_approval"})
        )
    );
    let (status, resp) = login(&app, "alice", "secret-pw").await;
    assert_eq!(
        (status, &resp["identifier"]),
        (StatusCode::FORBIDDEN, &json!("awaiting_approval"))
    );
    let (_, user) = app.get(&format!("{P}/users/alice"), Some(&root)).await;
    assert_eq!(
        (&user["approval_pending"], &user["registration_reason"]),
        (&json!(true), &json!("Please"))
    );
    assert!(mailbox::all(&app).is_empty(), "no activation required");

    // Both required: the confirmation step is answered first and its email goes out at once;
    // approving sends it again to the newly approved account that still awaits confirmation.
    instance(
        &app,
        json!([{"tuple": [":account_approval_required", true]}, {"tuple": [":account_activation_required", true]}]),
    )
    .await;
    let (_, resp) = register(&app, &token, signup("bob")).await;
    assert_eq!(resp["identifier"], "missing_confirmed_email");
    assert_eq!(mailbox::to(&app, "bob@example.net").len(), 1);
    let approve = |nicks: Value| {
        let (app, root) = (&app, &root);
        async move {
            app.call(
                Method::PATCH,
                &format!("{P}/users/approve"),
                Some(root),
                Some(json!({ "nicknames": nicks })),
            )
            .await
        }
    };
    let (status, _) = approve(json!(["bob", "alice"])).await;
    assert_eq!(status, StatusCode::OK);
    let bob_mails = mailbox::to(&app, "bob@example.net");
    assert_eq!(bob_mails.len(), 2);
    assert_eq!(
        bob_mails[0].link(&app.base, "/api/account/confirm_email/"),
        bob_mails[1].link(&app.base, "/api/account/confirm_email/"),
        "the same token"
    );
    // alice was registered before activation was required: she is confirmed, so no email.
    assert!(mailbox::to(&app, "alice@example.net").is_empty());
    // Approving again is not a new approval.
    approve(json!(["bob"])).await;
    assert_eq!(mailbox::to(&app, "bob@example.net").len(), 2);
    let path = bob_mails[1].path(&app.base, "/api/account/confirm_email/");
    assert_eq!(
        app.client
            .get(app.url(&path))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FOUND
    );
    assert_eq!(login(&app, "bob", "secret-pw").await.0, StatusCode::OK);
    assert_eq!(login(&app, "alice", "secret-pw").await.0, StatusCode::OK);
}

async fn page(app: &TestApp, path: &str) -> (StatusCode, String) {
    let resp = app.client.get(app.url(path)).send().await.unwrap();
    (resp.status(), resp.text().await.unwrap())
}

async fn submit(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
    let resp = app
        .client
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .unwrap();
    (resp.status(), resp.text().await.unwrap())
}

async fn invite_registration_form(app: TestApp) {
    let root = admin(&app).await;
    app.user("taken", "pw", false, false).await;
    instance(
        &app,
        json!([{"tuple": [":name", "Test Club"]}, {"tuple": [":registrations_open", false]},
               {"tuple": [":invites_enabled", true]}]),
    )
    .await;
    let (status, html) = page(&app, "/registration/unknown").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("This invitation is invalid or has expired"));

    let invite_token = create_invite(&app, &root, json!({"max_use": 1})).await;
    let path = format!("/registration/{}", invite_token.replace('=', "%3D"));
    let (status, html) = page(&app, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<h1>Join Test Club</h1>"), "{html}");
    for name in ["username", "email", "password", "password_confirmation"] {
        assert!(html.contains(&format!(r#"<label for="{name}">"#)), "{name}");
    }
    assert!(html.contains(r#"name="agreement""#));
    assert!(
        !html.contains(r#"name="reason""#),
        "only when approval is required"
    );
    assert!(html.contains(&format!(r#"action="{path}""#)), "{html}");

    // Problems come back on the form, tied to their fields, with what was entered kept.
    let (status, html) = submit(
        &app,
        &path,
        &[
            ("username", "new"),
            ("email", "new@example.net"),
            ("password", "a"),
            ("password_confirmation", "b"),
            ("agreement", "true"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains(r#"id="password_confirmation-error""#),
        "{html}"
    );
    assert!(html.contains(r#"value="new@example.net""#));
    let (status, html) = submit(
        &app,
        &path,
        &[
            ("username", "Taken"),
            ("email", "new@example.net"),
            ("password", "a"),
            ("password_confirmation", "a"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("username has already been taken"), "{html}");
    assert!(html.contains(r#"aria-describedby="username-hint username-error""#));
    assert!(html.contains("agreement must be accepted"));
    assert!(html.contains(r#"aria-describedby="agreement-error""#));
    assert_eq!(invite(&app, &root, &invite_token).await["uses"], 0);

    // Approval required: the reason field appears and the outcome says what happens next.
    instance(
        &app,
        json!([{"tuple": [":name", "Test Club"]}, {"tuple": [":registrations_open", false]},
               {"tuple": [":invites_enabled", true]}, {"tuple": [":account_approval_required", true]}]),
    )
    .await;
    let (_, html) = page(&app, &path).await;
    assert!(html.contains(r#"<label for="reason">"#));
    let (status, html) = submit(
        &app,
        &path,
        &[
            ("username", "newbie"),
            ("email", "newbie@example.net"),
            ("password", "pw-newbie"),
            ("password_confirmation", "pw-newbie"),
            ("reason", "Friends are here"),
            ("agreement", "true"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("once your account is approved"), "{html}");
    let (_, user) = app.get(&format!("{P}/users/newbie"), Some(&root)).await;
    assert_eq!(
        (&user["approval_pending"], &user["registration_reason"]),
        (&json!(true), &json!("Friends are here"))
    );
    let state = invite(&app, &root, &invite_token).await;
    assert_eq!((&state["uses"], &state["used"]), (&json!(1), &json!(true)));
    assert_eq!(page(&app, &path).await.0, StatusCode::NOT_FOUND, "used up");
    let (status, _) = submit(
        &app,
        &path,
        &[
            ("username", "late"),
            ("password", "x"),
            ("password_confirmation", "x"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Registrations closed and invites off: the page says so.
    let other = create_invite(&app, &root, json!({})).await;
    instance(
        &app,
        json!([{"tuple": [":registrations_open", false]}, {"tuple": [":invites_enabled", false]}]),
    )
    .await;
    let (status, html) = page(
        &app,
        &format!("/registration/{}", other.replace('=', "%3D")),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("Registrations are closed"));
}

backend_tests!(
    needs_an_app_token,
    open_registration_answers_a_token,
    validation_messages,
    the_gate_and_invite_use,
    confirmation_by_email,
    approval_then_confirmation,
    invite_registration_form,
);

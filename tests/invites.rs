//! Invites (users.md §6, legacy aliases of operations.md §7) and the invitation email (§7).

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::mailbox;
use common::{Expect, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const P: &str = "/api/pleroma/admin";
const P1: &str = "/api/v1/pleroma/admin";

async fn admin(app: &TestApp) -> String {
    app.user("root", "pw-root", true, false).await;
    app.token("root", "pw-root", "read write follow admin")
        .await
}

/// Registrations closed, invites on: the setup email invites need.
async fn invite_only(app: &TestApp) {
    app.set_config(
        ":pleroma",
        ":instance",
        json!([{"tuple": [":name", "Test Club"]}, {"tuple": [":registrations_open", false]},
               {"tuple": [":invites_enabled", true]}]),
    )
    .await;
}

async fn log_total(app: &TestApp, token: &str) -> i64 {
    let (_, log) = app.get(&format!("{P}/moderation_log"), Some(token)).await;
    log["total"].as_i64().unwrap()
}

async fn invites(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, body) = app.get(&format!("{P}/users/invites"), Some(token)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["invites"].as_array().unwrap().clone()
}

async fn every_route_checks_access(app: TestApp) {
    let write = || Expect {
        scope: "write:invites",
        privilege: Some("users_manage_invites"),
    };
    let (status, body) = app
        .assert_access(
            Method::POST,
            &format!("{P}/users/invite_token"),
            None,
            write(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = body["token"].as_str().unwrap().to_string();
    let (status, body) = app
        .assert_access(
            Method::GET,
            &format!("{P1}/users/invites"),
            None,
            Expect {
                scope: "read:invites",
                privilege: Some("users_manage_invites"),
            },
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .assert_access(
            Method::POST,
            &format!("{P}/users/revoke_invite"),
            Some(json!({"token": token})),
            write(),
        )
        .await;
    assert_eq!(
        (status, body["used"].clone()),
        (StatusCode::OK, json!(true))
    );
    // Registrations are open by default: the admin gets the documented refusal, not a 403.
    let open_refusal = json!({"error": "To send invites you need to set the `registrations_open` option to false."});
    for path in [
        format!("{P}/users/email_invite"),
        format!("{P1}/email_invite"),
    ] {
        let (status, body) = app
            .assert_access(
                Method::POST,
                &path,
                Some(json!({"email": "guest@example.org"})),
                write(),
            )
            .await;
        assert_eq!(
            (status, body),
            (StatusCode::BAD_REQUEST, open_refusal.clone())
        );
    }
    for path in [
        format!("{P}/users/invite_token"),
        format!("{P}/invite_token"),
    ] {
        let (status, body) = app.assert_access(Method::GET, &path, None, write()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body.as_str().map(str::len), Some(44), "{body}");
    }
}

async fn create_list_and_types(app: TestApp) {
    let token = admin(&app).await;
    assert_eq!(invites(&app, &token).await, Vec::<Value>::new());

    let (status, one) = app
        .call(
            Method::POST,
            &format!("{P}/users/invite_token"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut keys: Vec<&str> = one
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "expires_at",
            "id",
            "invite_type",
            "max_use",
            "token",
            "used",
            "uses"
        ]
    );
    assert_eq!(one["invite_type"], "one_time");
    assert_eq!(
        (
            &one["used"],
            &one["uses"],
            &one["max_use"],
            &one["expires_at"]
        ),
        (&json!(false), &json!(0), &Value::Null, &Value::Null)
    );
    let tok = one["token"].as_str().unwrap();
    assert_eq!(tok.len(), 44, "32 bytes, URL-safe base64 with padding");
    assert!(tok.ends_with('='));
    assert!(tok
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_=".contains(&b)));

    let cases = [
        (json!({"max_use": 3}), "reusable", json!(3), Value::Null),
        (
            json!({"expires_at": "2999-12-31"}),
            "date_limited",
            Value::Null,
            json!("2999-12-31"),
        ),
        (
            json!({"max_use": "2", "expires_at": "2999-01-02"}),
            "reusable_date_limited",
            json!(2),
            json!("2999-01-02"),
        ),
        // null and "" count as not supplied; values are stored as given even when never valid.
        (
            json!({"max_use": null, "expires_at": ""}),
            "one_time",
            Value::Null,
            Value::Null,
        ),
        (
            json!({"max_use": 0, "expires_at": "2000-01-01"}),
            "reusable_date_limited",
            json!(0),
            json!("2000-01-01"),
        ),
    ];
    for (body, kind, max_use, expires_at) in cases {
        let (status, invite) = app
            .call(
                Method::POST,
                &format!("{P}/users/invite_token"),
                Some(&token),
                Some(body.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(invite["invite_type"], kind, "{body}");
        assert_eq!(invite["max_use"], max_use, "{body}");
        assert_eq!(invite["expires_at"], expires_at, "{body}");
    }
    // Query parameters work; the body wins over the query.
    let (_, invite) = app
        .call(
            Method::POST,
            &format!("{P}/users/invite_token?max_use=7&expires_at=2999-05-05"),
            Some(&token),
            Some(json!({"max_use": 9})),
        )
        .await;
    assert_eq!(
        (&invite["max_use"], &invite["expires_at"]),
        (&json!(9), &json!("2999-05-05"))
    );

    let list = invites(&app, &token).await;
    assert_eq!(list.len(), 7);
    let ids: Vec<i64> = list.iter().map(|i| i["id"].as_i64().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "id ascending");
    assert_eq!(list[0], one);
    assert_eq!(log_total(&app, &token).await, 0, "invites are not logged");
}

async fn bad_parameters(app: TestApp) {
    let token = admin(&app).await;
    let path = format!("{P}/users/invite_token");
    let (status, body) = app
        .call(
            Method::POST,
            &path,
            Some(&token),
            Some(json!({"max_use": "many"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "max_use - Invalid integer. Got: string.");
    assert_eq!(body["errors"][0]["source"]["pointer"], "/max_use");
    for bad in [
        json!("2020-13-01"),
        json!("tomorrow"),
        json!("2020-1-1"),
        json!(20200101),
    ] {
        let (status, body) = app
            .call(
                Method::POST,
                &path,
                Some(&token),
                Some(json!({"expires_at": bad})),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(
            body["error"], "expires_at - Invalid format. Expected :date.",
            "{bad}"
        );
    }
    let (status, body) = app
        .call(
            Method::GET,
            &format!("{path}?invite[max_use]=x"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(
        (status, &body["error"]),
        (
            StatusCode::BAD_REQUEST,
            &json!("max_use - Invalid integer. Got: string.")
        )
    );
    assert_eq!(invites(&app, &token).await.len(), 0, "nothing created");
}

async fn revoke(app: TestApp) {
    let token = admin(&app).await;
    let path = format!("{P}/users/revoke_invite");
    let (status, body) = app.call(Method::POST, &path, Some(&token), None).await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::BAD_REQUEST, &json!("Missing field: token."))
    );
    let (status, body) = app
        .call(
            Method::POST,
            &path,
            Some(&token),
            Some(json!({"token": "nope"})),
        )
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, json!({"error": "Not found"}))
    );
    let (_, invite) = app
        .call(
            Method::POST,
            &format!("{P}/users/invite_token"),
            Some(&token),
            Some(json!({"max_use": 5})),
        )
        .await;
    // As a form body, twice: revoking is idempotent.
    for _ in 0..2 {
        let resp = app
            .client
            .post(app.url(&path))
            .bearer_auth(&token)
            .form(&[("token", invite["token"].as_str().unwrap())])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let body: Value = resp.json().await.unwrap();
        let mut expected = invite.clone();
        expected["used"] = json!(true);
        assert_eq!(body, expected);
    }
    assert_eq!(invites(&app, &token).await[0]["used"], true);
    assert_eq!(log_total(&app, &token).await, 0);
}

async fn legacy_invite_token(app: TestApp) {
    let token = admin(&app).await;
    let (status, body) = app
        .get(
            &format!("{P}/users/invite_token?invite[max_use]=3&invite[expires_at]=2999-01-01"),
            Some(&token),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let first = body.as_str().expect("a JSON string").to_string();
    let (_, body) = app
        .get(&format!("{P1}/invite_token?max_use=4"), Some(&token))
        .await;
    let second = body.as_str().unwrap().to_string();
    // The nested form wins over top-level keys.
    let (_, body) = app
        .get(
            &format!("{P}/invite_token?max_use=4&invite[max_use]=6"),
            Some(&token),
        )
        .await;
    let third = body.as_str().unwrap().to_string();
    let (_, body) = app.get(&format!("{P}/invite_token"), Some(&token)).await;
    let fourth = body.as_str().unwrap().to_string();
    let list = invites(&app, &token).await;
    let summary: Vec<(String, Value, Value, Value)> = list
        .iter()
        .map(|i| {
            (
                i["token"].as_str().unwrap().to_string(),
                i["invite_type"].clone(),
                i["max_use"].clone(),
                i["expires_at"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                first,
                json!("reusable_date_limited"),
                json!(3),
                json!("2999-01-01")
            ),
            (second, json!("reusable"), json!(4), Value::Null),
            (third, json!("reusable"), json!(6), Value::Null),
            (fourth, json!("one_time"), Value::Null, Value::Null),
        ]
    );
}

async fn email_invite_checks_in_order(app: TestApp) {
    let token = admin(&app).await;
    let path = format!("{P}/users/email_invite");
    let send = |body: Value| {
        let (app, token, path) = (&app, &token, &path);
        async move { app.call(Method::POST, path, Some(token), Some(body)).await }
    };
    let (status, body) = send(json!({})).await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::BAD_REQUEST, &json!("Missing field: email."))
    );
    let (status, body) = send(json!({"email": "not-an-address"})).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::BAD_REQUEST,
            json!({"error": "email has invalid format"})
        )
    );
    let (_, body) = send(json!({"email": "guest@example.org"})).await;
    assert_eq!(
        body["error"],
        "To send invites you need to set the `registrations_open` option to false."
    );
    app.set_config(
        ":pleroma",
        ":instance",
        json!([{"tuple": [":registrations_open", false]}]),
    )
    .await;
    let (_, body) = send(json!({"email": "guest@example.org"})).await;
    assert_eq!(
        body["error"],
        "To send invites you need to set the `invites_enabled` option to true."
    );
    invite_only(&app).await;
    for mailer in [
        json!([{"tuple": [":enabled", false]}]),
        json!([{"tuple": [":adapter", "Swoosh.Adapters.Sendgrid"]}]),
    ] {
        app.set_config(":pleroma", "Pleroma.Emails.Mailer", mailer)
            .await;
        let (status, body) = send(json!({"email": "guest@example.org"})).await;
        assert_eq!(
            (status, body),
            (
                StatusCode::BAD_REQUEST,
                json!({"error": "deliveries_disabled"})
            )
        );
    }
    assert!(invites(&app, &token).await.is_empty(), "nothing created");
    assert!(mailbox::all(&app).is_empty(), "nothing sent");
}

async fn email_invite_leads_to_registration(app: TestApp) {
    let token = admin(&app).await;
    app.sql("UPDATE accounts SET display_name = 'Root <b>Admin</b>' WHERE nickname = 'root'")
        .await;
    invite_only(&app).await;
    let (status, body) = app
        .call(
            Method::POST,
            &format!("{P}/users/email_invite"),
            Some(&token),
            Some(json!({"email": "guest@example.org", "name": "Guest Person"})),
        )
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::NO_CONTENT, Value::String(String::new()))
    );
    let list = invites(&app, &token).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["invite_type"], "one_time");

    let mail = mailbox::only_to(&app, "guest@example.org");
    assert_eq!(mail.subject, "Invitation to Test Club");
    assert!(mail.to.contains("Guest Person"), "{}", mail.to);
    let host = app.state.site.host.split(':').next().unwrap().to_string();
    assert!(mail.from.contains("Test Club"), "{}", mail.from);
    assert!(
        mail.from.contains(&format!("<no-reply@{host}>")),
        "{}",
        mail.from
    );
    assert!(mail.content_type.starts_with("multipart/alternative"));
    assert!(
        mail.text
            .contains("Root Admin invites you to join Test Club"),
        "{}",
        mail.text
    );
    let file = mail.file.file_name().unwrap().to_str().unwrap().to_string();
    let (ms, rest) = file.split_once('-').unwrap();
    assert!(
        ms.parse::<i64>().is_ok() && rest.ends_with(".eml"),
        "{file}"
    );

    let link = mail.link(&app.base, "/registration/");
    let encoded = list[0]["token"].as_str().unwrap().replace('=', "%3D");
    assert_eq!(link, format!("{}/registration/{encoded}", app.base));
    assert!(
        mail.html.contains(&format!("href=\"{link}\"")),
        "{}",
        mail.html
    );

    // The link opens the registration form; registering uses the invite up.
    let path = mail.path(&app.base, "/registration/");
    let page = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let resp = app
        .client
        .post(app.url(&path))
        .form(&[
            ("username", "guest"),
            ("email", "guest@example.org"),
            ("password", "guest-pw"),
            ("password_confirmation", "guest-pw"),
            ("agreement", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.text().await.unwrap().contains("@guest"));
    assert_eq!(invites(&app, &token).await[0]["used"], true);
    app.token("guest", "guest-pw", "read").await;
    let page = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(
        page.status(),
        StatusCode::NOT_FOUND,
        "the invite is used up"
    );
    assert_eq!(log_total(&app, &token).await, 0);
}

async fn email_invite_over_smtp(app: TestApp) {
    let token = admin(&app).await;
    invite_only(&app).await;
    // The fake relay offers no STARTTLS: the default `tls: :if_available` goes on in plain text.
    let (port, mut received) = mailbox::fake_smtp().await;
    app.set_config(
        ":pleroma",
        "Pleroma.Emails.Mailer",
        json!([{"tuple": [":adapter", "Swoosh.Adapters.SMTP"]}, {"tuple": [":relay", "127.0.0.1"]},
               {"tuple": [":port", port]}, {"tuple": [":auth", ":never"]}]),
    )
    .await;
    let (status, _) = app
        .call(
            Method::POST,
            &format!("{P}/users/email_invite"),
            Some(&token),
            Some(json!({"email": "smtp-guest@example.org"})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let data = received.recv().await.expect("a message over SMTP");
    assert!(data.contains("Subject: Invitation to Test Club"), "{data}");
    assert!(data.contains("To: smtp-guest@example.org"), "{data}");
    assert!(
        mailbox::all(&app).is_empty(),
        "the mailbox folder is not used"
    );
    assert_eq!(invites(&app, &token).await.len(), 1);

    // `tls: :always` refuses a relay without STARTTLS.
    app.set_config(
        ":pleroma",
        "Pleroma.Emails.Mailer",
        json!([{"tuple": [":adapter", "Swoosh.Adapters.SMTP"]}, {"tuple": [":relay", "127.0.0.1"]},
               {"tuple": [":port", port]}, {"tuple": [":tls", ":always"]}]),
    )
    .await;
    let (status, _) = app
        .call(
            Method::POST,
            &format!("{P}/users/email_invite"),
            Some(&token),
            Some(json!({"email": "plain@example.org"})),
        )
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);

    // A relay that cannot be reached: 503, and the invite is not kept.
    let closed = mailbox::closed_port().await;
    app.set_config(
        ":pleroma",
        "Pleroma.Emails.Mailer",
        json!([{"tuple": [":adapter", "Swoosh.Adapters.SMTP"]}, {"tuple": [":relay", "127.0.0.1"]},
               {"tuple": [":port", closed]}, {"tuple": [":tls", ":never"]}]),
    )
    .await;
    let (status, body) = app
        .call(
            Method::POST,
            &format!("{P}/users/email_invite"),
            Some(&token),
            Some(json!({"email": "lost@example.org"})),
        )
        .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"error": "Could not deliver email"})
        )
    );
    assert_eq!(invites(&app, &token).await.len(), 1, "no orphan invite");
}

backend_tests!(
    every_route_checks_access,
    create_list_and_types,
    bad_parameters,
    revoke,
    legacy_invite_token,
    email_invite_checks_in_order,
    email_invite_leads_to_registration,
    email_invite_over_smtp,
);

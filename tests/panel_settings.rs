//! The settings screen without JavaScript (ui.md §4.11): the tab renders server-side, and its form
//! posts to `/admin/settings/{tab}` save simple fields, reset to default with a confirmation step,
//! and refuse non-admins, bad input, unknown tabs and a wrong CSRF token without storing anything.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::Value;
use steward::model::config::description::SettingsTab;
use steward::model::config::ConfigLayers;
use steward::model::query::parse_query;
use steward::model::settings::{SettingsEntry, SettingsScreen};

/// The form field id of the setting labelled `label` in `tab` (ids follow the descriptions only).
fn field_id(tab: SettingsTab, label: &str) -> String {
    let screen = SettingsScreen {
        entries: steward::server::config::descriptions()
            .iter()
            .map(|d| SettingsEntry {
                description: d.clone(),
                editable: true,
            })
            .collect(),
        layers: ConfigLayers {
            defaults: Vec::new(),
            file: Vec::new(),
            database: Vec::new(),
            need_reboot: false,
            configurable_from_database: true,
        },
        effective: Vec::new(),
    };
    screen
        .fields(tab)
        .into_iter()
        .find(|f| f.label == label)
        .unwrap_or_else(|| panic!("no field {label}"))
        .id
}

fn param(location: &str, key: &str) -> String {
    let search = location.split_once('?').map(|(_, s)| s).unwrap_or("");
    parse_query(search)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .unwrap_or_default()
}

async fn instance_title(app: &TestApp) -> String {
    let (_, body) = app.get("/api/v1/instance", None).await;
    body["title"].as_str().unwrap_or_default().to_string()
}

/// What the database stores (`GET /config?only_db=true`).
async fn stored(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, body) = app
        .get("/api/pleroma/admin/config?only_db=true", Some(token))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["configs"].as_array().cloned().unwrap_or_default()
}

async fn admin_saves_simple_fields_and_resets(app: TestApp) {
    app.user("root", "pw-root-123", true, false).await;
    let token = app.token("root", "pw-root-123", "read write admin").await;
    let (cookie, csrf) = app.panel_login("root", "pw-root-123").await;

    let (status, html) = app.panel_html("/admin/settings/instance", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Save Instance"), "{html}");
    assert!(html.contains("Source: Default"));

    let name = field_id(SettingsTab::Instance, "Name");
    let limit = field_id(SettingsTab::Instance, "Limit");
    let (status, location) = app
        .panel_form(
            "/admin/settings/instance",
            &cookie,
            &[
                ("csrf", &csrf),
                ("shown", &name),
                ("shown", &limit),
                (&name, "Test Town"),
                (&limit, "6000"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        location.starts_with("/admin/settings/instance?"),
        "{location}"
    );
    assert!(
        param(&location, "notice").starts_with("Saved"),
        "{location}"
    );
    assert_eq!(instance_title(&app).await, "Test Town");
    let rows = stored(&app, &token).await;
    assert_eq!(
        rows[0]["value"],
        serde_json::json!([{"tuple": [":name", "Test Town"]}, {"tuple": [":limit", 6000]}])
    );

    // The page shows the stored value with its source.
    let (_, html) = app.panel_html("/admin/settings/instance", &cookie).await;
    assert!(html.contains("Test Town") && html.contains("Source: Database"));

    // A switch that is shown and left unchecked is off.
    let open = field_id(SettingsTab::Registrations, "Registrations open");
    let (_, location) = app
        .panel_form(
            "/admin/settings/registrations",
            &cookie,
            &[("csrf", &csrf), ("shown", &open)],
        )
        .await;
    assert!(
        param(&location, "notice").starts_with("Saved"),
        "{location}"
    );
    let (_, body) = app.get("/api/v1/instance", None).await;
    assert_eq!(body["registrations"], Value::Bool(false), "{body}");

    // Nothing changed → nothing stored, and it says so.
    let (_, location) = app
        .panel_form(
            "/admin/settings/instance",
            &cookie,
            &[("csrf", &csrf), ("shown", &name), (&name, "Test Town")],
        )
        .await;
    assert_eq!(param(&location, "notice"), "Nothing changed.");

    // Reset to default asks first, then deletes exactly that subkey.
    let (_, location) = app
        .panel_form(
            "/admin/settings/instance",
            &cookie,
            &[("csrf", &csrf), ("reset", &name)],
        )
        .await;
    assert_eq!(param(&location, "confirm_reset"), name);
    assert_eq!(instance_title(&app).await, "Test Town");
    let (_, html) = app.panel_html(&location, &cookie).await;
    assert!(html.contains("Reset Name to default?"), "{html}");
    let (_, location) = app
        .panel_form(
            "/admin/settings/instance",
            &cookie,
            &[("csrf", &csrf), ("reset", &name), ("confirmed", "1")],
        )
        .await;
    assert!(
        param(&location, "notice").starts_with("Reset"),
        "{location}"
    );
    assert_eq!(instance_title(&app).await, "steward");
    let rows = stored(&app, &token).await;
    let instance = rows.iter().find(|r| r["key"] == ":instance").unwrap();
    assert_eq!(
        instance["value"],
        serde_json::json!([{"tuple": [":limit", 6000]}, {"tuple": [":registrations_open", false]}])
    );
}

async fn staff_and_anonymous_are_refused(app: TestApp) {
    app.user("root", "pw-root-123", true, false).await;
    app.user("mod", "pw-mod-1234", false, true).await;
    let token = app.token("root", "pw-root-123", "read write admin").await;
    let name = field_id(SettingsTab::Instance, "Name");
    let (cookie, csrf) = app.panel_login("mod", "pw-mod-1234").await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("shown", name.as_str()),
        (name.as_str(), "Mod Town"),
    ];
    let (status, location) = app
        .panel_form("/admin/settings/instance", &cookie, &fields)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        param(&location, "error").starts_with("You don't have permission"),
        "{location}"
    );
    let (status, html) = app.panel_html("/admin/settings/instance", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("You don't have permission"), "{html}");

    let (status, location) = app
        .panel_form(
            "/admin/settings/instance",
            "",
            &[("shown", &name), (&name, "Anon Town")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.starts_with("/admin/login"), "{location}");

    // An admin session with a wrong CSRF token.
    let (cookie, _) = app.panel_login("root", "pw-root-123").await;
    let (_, location) = app
        .panel_form(
            "/admin/settings/instance",
            &cookie,
            &[("csrf", "forged"), ("shown", &name), (&name, "Forged Town")],
        )
        .await;
    assert!(!param(&location, "error").is_empty(), "{location}");
    assert_eq!(instance_title(&app).await, "steward");
    assert!(stored(&app, &token).await.is_empty());
}

async fn bad_input_stores_nothing(app: TestApp) {
    app.user("root", "pw-root-123", true, false).await;
    let token = app.token("root", "pw-root-123", "read write admin").await;
    let (cookie, csrf) = app.panel_login("root", "pw-root-123").await;
    let name = field_id(SettingsTab::Instance, "Name");
    let limit = field_id(SettingsTab::Instance, "Limit");
    for bad in [
        "lots",
        "1; DROP TABLE config",
        "-5",
        "1e3",
        "<script>alert(1)</script>",
    ] {
        let (status, location) = app
            .panel_form(
                "/admin/settings/instance",
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("shown", &name),
                    ("shown", &limit),
                    (&name, "Changed"),
                    (&limit, bad),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let error = param(&location, "error");
        assert!(
            error.starts_with("Nothing was saved. Limit:"),
            "{bad}: {location}"
        );
    }
    for tab in ["nope", "..%2F..%2Fadmin", "instance%3Cscript%3E"] {
        let (status, location) = app
            .panel_form(
                &format!("/admin/settings/{tab}"),
                &cookie,
                &[("csrf", &csrf), ("shown", &name), (&name, "Changed")],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{tab}");
        assert!(
            location.starts_with("/admin/settings/instance?"),
            "{tab}: {location}"
        );
        assert!(param(&location, "error").contains("no such settings tab"));
    }
    // Field names that are not the tab's fields are ignored; an unknown reset id is refused.
    let (_, location) = app
        .panel_form(
            "/admin/settings/instance",
            &cookie,
            &[
                ("csrf", &csrf),
                ("shown", "'; DROP TABLE config; --"),
                ("'; DROP TABLE config; --", "x"),
            ],
        )
        .await;
    assert_eq!(param(&location, "notice"), "Nothing changed.");
    let (_, location) = app
        .panel_form(
            "/admin/settings/instance",
            &cookie,
            &[("csrf", &csrf), ("reset", "<script>"), ("confirmed", "1")],
        )
        .await;
    assert!(!param(&location, "error").is_empty(), "{location}");
    assert_eq!(instance_title(&app).await, "steward");
    assert!(stored(&app, &token).await.is_empty());

    // Injection text in a text field is stored as plain text and rendered escaped.
    let (_, location) = app
        .panel_form(
            "/admin/settings/instance",
            &cookie,
            &[
                ("csrf", &csrf),
                ("shown", &name),
                (&name, "<script>alert(1)</script>"),
            ],
        )
        .await;
    assert!(
        param(&location, "notice").starts_with("Saved"),
        "{location}"
    );
    assert_eq!(instance_title(&app).await, "<script>alert(1)</script>");
    let (_, html) = app.panel_html("/admin/settings/instance", &cookie).await;
    assert!(!html.contains("<script>alert(1)</script>"));
}

backend_tests!(
    admin_saves_simple_fields_and_resets,
    staff_and_anonymous_are_refused,
    bad_input_stores_nothing,
);

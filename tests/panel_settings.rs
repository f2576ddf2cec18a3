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

/// The screen of every description with nothing stored (ids follow the descriptions only).
fn screen() -> SettingsScreen {
    SettingsScreen {
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
    }
}

/// The form field id of the setting labelled `label` in `tab`.
fn field_id(tab: SettingsTab, label: &str) -> String {
    screen()
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

/// A label names one control of a tab (ui.md §5): repeated labels get their section.
#[test]
fn every_tab_labels_each_setting_once() {
    let screen = screen();
    for tab in SettingsTab::ALL {
        let labels: Vec<String> = screen
            .fields(tab)
            .into_iter()
            .map(|f| f.label.to_lowercase())
            .collect();
        for (i, label) in labels.iter().enumerate() {
            assert!(!labels[..i].contains(label), "{tab:?}: {label}");
        }
    }
    let instance: Vec<String> = screen
        .fields(SettingsTab::Instance)
        .into_iter()
        .map(|f| f.label)
        .collect();
    assert!(instance.iter().any(|l| l == "Name"), "{instance:?}");
    assert!(
        instance.iter().filter(|l| l.starts_with("Name (")).count() >= 1,
        "{instance:?}"
    );
}

/// The `config_update` entries of the moderation log, newest first.
async fn config_log(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, body) = app
        .get(
            "/api/pleroma/admin/moderation_log?action=config_update&page_size=500",
            Some(token),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().cloned().unwrap_or_default()
}

const ALL_PRIVILEGES: [&str; 13] = [
    ":users_read",
    ":users_manage_invites",
    ":users_manage_activation_state",
    ":users_manage_tags",
    ":users_manage_credentials",
    ":users_delete",
    ":messages_read",
    ":messages_delete",
    ":instances_delete",
    ":reports_manage_reports",
    ":moderation_log_read",
    ":emoji_manage_emoji",
    ":statistics_read",
];

async fn privilege_matrix_saves_the_two_lists(app: TestApp) {
    app.user("root", "pw-root-123", true, false).await;
    app.user("mod", "pw-mod-1234", false, true).await;
    let token = app.token("root", "pw-root-123", "read write admin").await;
    let (cookie, csrf) = app.panel_login("root", "pw-root-123").await;

    // One table: a row per privilege, labelled checkboxes, the admin-only areas fixed.
    let (status, html) = app.panel_html("/admin/settings/roles", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("class=\"matrix\""), "{html}");
    assert!(html.contains("Moderator: users_delete"), "{html}");
    assert!(html.contains("Admin: Server settings and restart (always)"));
    assert!(html.contains("<th scope=\"col\">Moderator</th>"));

    let admin = field_id(SettingsTab::Roles, "Admin privileges");
    let moderator = field_id(SettingsTab::Roles, "Moderator privileges");
    // Admins lose emoji_manage_emoji, moderators get users_delete (boxes post in row order).
    let admin_list: Vec<&str> = ALL_PRIVILEGES
        .iter()
        .copied()
        .filter(|p| *p != ":emoji_manage_emoji")
        .collect();
    let moderator_list = [
        ":users_read",
        ":users_delete",
        ":messages_delete",
        ":reports_manage_reports",
        ":moderation_log_read",
    ];
    let mut form: Vec<(&str, &str)> =
        vec![("csrf", &csrf), ("shown", &admin), ("shown", &moderator)];
    form.extend(admin_list.iter().map(|p| (admin.as_str(), *p)));
    form.extend(moderator_list.iter().map(|p| (moderator.as_str(), *p)));
    let (status, location) = app
        .panel_form("/admin/settings/roles", &cookie, &form)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        param(&location, "notice").starts_with("Saved"),
        "{location}"
    );
    let rows = stored(&app, &token).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        rows[0]["value"],
        serde_json::json!([
            {"tuple": [":admin_privileges", admin_list]},
            {"tuple": [":moderator_privileges", moderator_list]}
        ])
    );
    let log = config_log(&app, &token).await;
    assert_eq!(log.len(), 1);
    assert_eq!(
        log[0]["data"]["configs"],
        serde_json::json!([{"group": ":pleroma", "key": ":instance"}])
    );
    // The moderator holds the new privilege at once.
    let mod_token = app.token("mod", "pw-mod-1234", "read").await;
    let (_, me) = app
        .get("/api/v1/accounts/verify_credentials", Some(&mod_token))
        .await;
    let privileges = me["pleroma"]["privileges"].as_array().unwrap();
    assert!(privileges.contains(&Value::from("users_delete")), "{me}");

    // The same boxes again: nothing changes, nothing is logged.
    let (_, location) = app
        .panel_form("/admin/settings/roles", &cookie, &form)
        .await;
    assert_eq!(param(&location, "notice"), "Nothing changed.");
    assert_eq!(config_log(&app, &token).await.len(), 1);

    // Every moderator box unticked: an empty list, not "unchanged".
    let mut form: Vec<(&str, &str)> =
        vec![("csrf", &csrf), ("shown", &admin), ("shown", &moderator)];
    form.extend(admin_list.iter().map(|p| (admin.as_str(), *p)));
    let (_, location) = app
        .panel_form("/admin/settings/roles", &cookie, &form)
        .await;
    assert!(
        param(&location, "notice").starts_with("Saved"),
        "{location}"
    );
    let rows = stored(&app, &token).await;
    assert_eq!(
        rows[0]["value"][1],
        serde_json::json!({"tuple": [":moderator_privileges", []]})
    );
}

async fn json_editor_saves_and_refuses_bad_json(app: TestApp) {
    app.user("root", "pw-root-123", true, false).await;
    let token = app.token("root", "pw-root-123", "read write admin").await;
    let (cookie, csrf) = app.panel_login("root", "pw-root-123").await;
    let limit = field_id(SettingsTab::Instance, "Limit");
    let limit_json = format!("{limit}-json");

    let (_, html) = app.panel_html("/admin/settings/instance", &cookie).await;
    assert!(html.contains("Edit Limit as JSON"), "{html}");
    assert!(html.contains(&format!("name=\"{limit_json}\"")));

    // Changed JSON wins over the untouched widget, with the API's encoding.
    let (_, location) = app
        .panel_form(
            "/admin/settings/instance",
            &cookie,
            &[
                ("csrf", &csrf),
                ("shown", &limit),
                (&limit, "5000"),
                (&limit_json, " 6000\n"),
            ],
        )
        .await;
    assert!(
        param(&location, "notice").starts_with("Saved"),
        "{location}"
    );
    assert_eq!(
        stored(&app, &token).await[0]["value"],
        serde_json::json!([{"tuple": [":limit", 6000]}])
    );
    // An untouched (or only reformatted) JSON box leaves an edit of the widget alone.
    let (_, location) = app
        .panel_form(
            "/admin/settings/instance",
            &cookie,
            &[
                ("csrf", &csrf),
                ("shown", &limit),
                (&limit, "7000"),
                (&limit_json, "6000"),
            ],
        )
        .await;
    assert!(
        param(&location, "notice").starts_with("Saved"),
        "{location}"
    );
    assert_eq!(
        stored(&app, &token).await[0]["value"],
        serde_json::json!([{"tuple": [":limit", 7000]}])
    );
    assert_eq!(config_log(&app, &token).await.len(), 2);

    // Bad JSON, and JSON the config.md §2 conversion refuses: nothing stored, the problem shown
    // beside the field.
    for (bad, problem) in [("{\"oops\": ", "not valid JSON"), ("\"~r/abc\"", "regex")] {
        let (status, location) = app
            .panel_form(
                "/admin/settings/instance",
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("shown", &limit),
                    (&limit, "7000"),
                    (&limit_json, bad),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(
            param(&location, "error").starts_with("Nothing was saved. Limit:"),
            "{location}"
        );
        assert_eq!(param(&location, "invalid"), limit);
        let why = param(&location, "why");
        assert!(why.contains(problem), "{bad}: {why}");
        let (_, html) = app.panel_html(&location, &cookie).await;
        let at = html
            .find(&format!("id=\"{limit}-error\""))
            .expect("the field's error line");
        let line: String = html[at..].chars().take(400).collect();
        let escaped = why.replace('&', "&amp;").replace('"', "&quot;");
        assert!(
            line.contains(&escaped) || line.contains(&why),
            "{bad}: {line}"
        );
    }
    assert_eq!(
        stored(&app, &token).await[0]["value"],
        serde_json::json!([{"tuple": [":limit", 7000]}])
    );
    assert_eq!(config_log(&app, &token).await.len(), 2);

    // A rate limit in the two-pair form (visitors, logged-in users) is stored as given and shown
    // back; the authentication limiter reads it as a limit.
    let auth = field_id(SettingsTab::RateLimits, "Authentication");
    let two = serde_json::json!([{"tuple": [60000, 15]}, {"tuple": [60000, 30]}]);
    let (_, location) = app
        .panel_form(
            "/admin/settings/rate_limits",
            &cookie,
            &[("csrf", &csrf), ("shown", &auth), (&auth, &two.to_string())],
        )
        .await;
    assert!(
        param(&location, "notice").starts_with("Saved"),
        "{location}"
    );
    let rows = stored(&app, &token).await;
    let rate = rows.iter().find(|r| r["key"] == ":rate_limit").unwrap();
    assert_eq!(
        rate["value"],
        serde_json::json!([{"tuple": [":authentication", two]}])
    );
}

async fn restart_banner_on_every_page(app: TestApp) {
    app.user("root", "pw-root-123", true, false).await;
    app.user("mod", "pw-mod-1234", false, true).await;
    let (cookie, csrf) = app.panel_login("root", "pw-root-123").await;
    let (mod_cookie, _) = app.panel_login("mod", "pw-mod-1234").await;
    let (_, html) = app.panel_html("/admin/", &cookie).await;
    assert!(!html.contains("Some changes need a restart"));

    let upload = field_id(SettingsTab::Uploads, "Upload limit");
    let (_, location) = app
        .panel_form(
            "/admin/settings/uploads",
            &cookie,
            &[("csrf", &csrf), ("shown", &upload), (&upload, "20000000")],
        )
        .await;
    assert!(
        param(&location, "notice").contains("need a restart"),
        "{location}"
    );
    for page in ["/admin/", "/admin/users", "/admin/settings/instance"] {
        let (_, html) = app.panel_html(page, &cookie).await;
        assert!(html.contains("Some changes need a restart"), "{page}");
    }
    let (_, html) = app.panel_html("/admin/users", &cookie).await;
    assert!(html.contains("href=\"/admin/settings/instance?confirm_restart=1\""));
    let (_, html) = app.panel_html("/admin/", &mod_cookie).await;
    assert!(!html.contains("Some changes need a restart"));

    // The link opens the confirmation; confirming restarts and the banner goes.
    let (_, html) = app
        .panel_html("/admin/settings/instance?confirm_restart=1", &cookie)
        .await;
    assert!(html.contains("Restart now?"), "{html}");
    let (_, location) = app
        .panel_form(
            "/admin/settings/instance",
            &cookie,
            &[("csrf", &csrf), ("restart", "1"), ("confirmed", "1")],
        )
        .await;
    assert!(
        param(&location, "notice").starts_with("Restarted"),
        "{location}"
    );
    let (_, html) = app.panel_html("/admin/users", &cookie).await;
    assert!(!html.contains("Some changes need a restart"));
}

backend_tests!(
    admin_saves_simple_fields_and_resets,
    staff_and_anonymous_are_refused,
    bad_input_stores_nothing,
    privilege_matrix_saves_the_two_lists,
    json_editor_saves_and_refuses_bad_json,
    restart_banner_on_every_page,
);

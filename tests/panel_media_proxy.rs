//! The media proxy cache screen without JavaScript (ui.md §4.13): the page renders server-side
//! for admins, Evict and Unban are confirmed and then change the banned list through the same
//! service as the REST API, and moderators, forged CSRF tokens and empty or oversized forms change
//! nothing.

#![allow(clippy::expect_used, clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::{location_param, TestApp};
use reqwest::StatusCode;
use serde_json::Value;

const P: &str = "/api/pleroma/admin";

async fn banned(app: &TestApp, token: &str) -> Value {
    let (status, body) = app
        .get(&format!("{P}/media_proxy_caches"), Some(token))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["urls"].clone()
}

async fn evict_and_unban(app: TestApp) {
    app.user("root", "pw-root-123", true, false).await;
    let token = app.token("root", "pw-root-123", "read write admin").await;
    let (cookie, csrf) = app.panel_login("root", "pw-root-123").await;

    let (status, html) = app.panel_html("/admin/media-proxy", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Media proxy cache"), "{html}");
    assert!(html.contains("No banned URLs"), "{html}");
    assert!(html.contains("/admin/settings/media_proxy"));

    // Evict asks first, naming the URLs; "Also ban" comes along.
    let urls = "https://a.test/one.png\r\n\r\n  https://b.test/two.png  \n";
    let (status, location) = app
        .panel_form(
            "/admin/media-proxy/evict",
            &cookie,
            &[
                ("csrf", &csrf),
                ("back", "/admin/media-proxy?query=x"),
                ("urls", urls),
                ("ban", "1"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        location.starts_with("/admin/media-proxy?query=x&evict="),
        "{location}"
    );
    assert_eq!(location_param(&location, "ban"), "1");
    assert_eq!(banned(&app, &token).await, serde_json::json!([]));
    let (_, html) = app.panel_html(&location, &cookie).await;
    assert!(html.contains("Evict and ban 2 URLs?"), "{html}");
    assert!(html.contains("https://b.test/two.png"));

    let (status, location) = app
        .panel_form(
            "/admin/media-proxy/evict",
            &cookie,
            &[
                ("csrf", &csrf),
                ("back", "/admin/media-proxy"),
                ("confirmed", "1"),
                ("ban", "1"),
                ("urls[]", "https://a.test/one.png"),
                ("urls[]", "https://b.test/two.png"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location_param(&location, "notice"),
        "Evicted and banned 2 URLs."
    );
    assert_eq!(
        banned(&app, &token).await,
        serde_json::json!(["https://a.test/one.png", "https://b.test/two.png"])
    );
    let (_, html) = app
        .panel_html("/admin/media-proxy?query=TWO", &cookie)
        .await;
    assert!(html.contains("https://b.test/two.png") && !html.contains("https://a.test/one.png"));

    // Evict without banning.
    let (_, location) = app
        .panel_form(
            "/admin/media-proxy/evict",
            &cookie,
            &[
                ("csrf", &csrf),
                ("confirmed", "1"),
                ("ban", "0"),
                ("urls", "https://c.test/three.png"),
            ],
        )
        .await;
    assert_eq!(location_param(&location, "notice"), "Evicted 1 URL.");
    assert_eq!(banned(&app, &token).await.as_array().unwrap().len(), 2);

    // Unban the ticked ones, after confirming.
    let (status, location) = app
        .panel_form(
            "/admin/media-proxy/unban",
            &cookie,
            &[("csrf", &csrf), ("urls[]", "https://a.test/one.png")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location_param(&location, "unban"), "https://a.test/one.png");
    let (_, html) = app.panel_html(&location, &cookie).await;
    assert!(html.contains("Unban 1 URL?"), "{html}");
    let (_, location) = app
        .panel_form(
            "/admin/media-proxy/unban",
            &cookie,
            &[
                ("csrf", &csrf),
                ("confirmed", "1"),
                ("urls[]", "https://a.test/one.png"),
            ],
        )
        .await;
    assert_eq!(location_param(&location, "notice"), "Unbanned 1 URL.");
    assert_eq!(
        banned(&app, &token).await,
        serde_json::json!(["https://b.test/two.png"])
    );
}

async fn refusals_change_nothing(app: TestApp) {
    app.user("root", "pw-root-123", true, false).await;
    app.user("mod", "pw-mod-123", false, true).await;
    let token = app.token("root", "pw-root-123", "read write admin").await;
    let (cookie, csrf) = app.panel_login("root", "pw-root-123").await;
    let (mod_cookie, mod_csrf) = app.panel_login("mod", "pw-mod-123").await;

    // A moderator sees the refusal, and cannot post.
    let (_, html) = app.panel_html("/admin/media-proxy", &mod_cookie).await;
    assert!(html.contains("User is not an admin."), "{html}");
    let (_, location) = app
        .panel_form(
            "/admin/media-proxy/evict",
            &mod_cookie,
            &[
                ("csrf", &mod_csrf),
                ("confirmed", "1"),
                ("ban", "1"),
                ("urls", "https://a.test/x"),
            ],
        )
        .await;
    assert!(
        location_param(&location, "error").contains("User is not an admin."),
        "{location}"
    );
    // A forged CSRF token.
    let (status, location) = app
        .panel_form(
            "/admin/media-proxy/evict",
            &cookie,
            &[
                ("csrf", "forged"),
                ("confirmed", "1"),
                ("ban", "1"),
                ("urls", "https://a.test/x"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location_param(&location, "error"),
        "Couldn't evict the URLs: Invalid CSRF token."
    );
    // Nothing to act on, too many URLs, an open redirect in `back`.
    let (_, location) = app
        .panel_form(
            "/admin/media-proxy/evict",
            &cookie,
            &[("csrf", &csrf), ("confirmed", "1"), ("urls", " \n ")],
        )
        .await;
    assert_eq!(
        location_param(&location, "error"),
        "Enter the URLs to evict, one per line."
    );
    let (_, location) = app
        .panel_form(
            "/admin/media-proxy/unban",
            &cookie,
            &[("csrf", &csrf), ("confirmed", "1")],
        )
        .await;
    assert_eq!(
        location_param(&location, "error"),
        "Select the URLs to unban first."
    );
    let many: String = (0..101).map(|i| format!("https://a.test/{i}\n")).collect();
    let (_, location) = app
        .panel_form(
            "/admin/media-proxy/evict",
            &cookie,
            &[
                ("csrf", &csrf),
                ("confirmed", "1"),
                ("urls", &many),
                ("back", "https://evil.test/"),
            ],
        )
        .await;
    assert!(location.starts_with("/admin/media-proxy?"), "{location}");
    assert_eq!(
        location_param(&location, "error"),
        "Evict at most 100 URLs at a time."
    );
    // A bad page in the URL shows the error instead of failing.
    let (status, html) = app.panel_html("/admin/media-proxy?page=x", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("page - Invalid integer. Got: string."),
        "{html}"
    );
    assert_eq!(banned(&app, &token).await, serde_json::json!([]));
}

backend_tests!(evict_and_unban, refusals_change_nothing);

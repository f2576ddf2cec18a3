//! Server-rendered HTML pages outside the panel (OAuth consent, landing). They share the panel's
//! stylesheet and work without JavaScript.

use axum::response::Html;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    crate::server::service::accounts::escape_html(text)
}

/// A complete page around `body` (already HTML).
pub fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{} · steward</title><link rel="stylesheet" href="/pkg/steward.css"><link rel="icon" href="/favicon.ico"></head>
<body class="plain-page">{body}</body></html>"#,
        escape(title)
    ))
}

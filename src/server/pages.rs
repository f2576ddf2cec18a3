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

/// One labelled input of a server-rendered form. An `error` is shown under the input, tied to it
/// with `aria-describedby` and marked with `aria-invalid`, so screen readers announce it with the
/// field; the first field in error takes the focus when the page loads again.
#[derive(Debug, Clone, Copy, Default)]
pub struct Field<'a> {
    pub name: &'a str,
    pub label: &'a str,
    /// The input type (`text`, `email`, `password`, …).
    pub kind: &'a str,
    /// Kept across submissions; never set for passwords.
    pub value: &'a str,
    pub autocomplete: &'a str,
    pub required: bool,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    pub autofocus: bool,
}

/// The HTML of one [`Field`].
pub fn field(f: &Field<'_>) -> String {
    let id = escape(f.name);
    let mut described = Vec::new();
    let hint = match f.hint {
        Some(h) => {
            described.push(format!("{id}-hint"));
            format!(r#"<p class="hint" id="{id}-hint">{}</p>"#, escape(h))
        }
        None => String::new(),
    };
    let error = match f.error {
        Some(e) => {
            described.push(format!("{id}-error"));
            format!(r#"<p class="form-error" id="{id}-error">{}</p>"#, escape(e))
        }
        None => String::new(),
    };
    let mut attributes = String::new();
    if f.required {
        attributes.push_str(" required");
    }
    if f.autofocus {
        attributes.push_str(" autofocus");
    }
    if !f.autocomplete.is_empty() {
        attributes.push_str(&format!(r#" autocomplete="{}""#, escape(f.autocomplete)));
    }
    if !f.value.is_empty() {
        attributes.push_str(&format!(r#" value="{}""#, escape(f.value)));
    }
    if f.error.is_some() {
        attributes.push_str(r#" aria-invalid="true""#);
    }
    if !described.is_empty() {
        attributes.push_str(&format!(r#" aria-describedby="{}""#, described.join(" ")));
    }
    format!(
        r#"<div class="field"><label for="{id}">{label}</label>{hint}<input id="{id}" name="{id}" type="{kind}"{attributes}>{error}</div>"#,
        label = escape(f.label),
        kind = escape(f.kind),
    )
}

/// A page with a heading and one message, at `status` (outcomes, invalid links).
pub fn message_page(
    status: axum::http::StatusCode,
    title: &str,
    message: &str,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let body = format!(
        r#"<main class="auth-card"><h1>{}</h1><p>{}</p><p><a href="/">Back to the start page</a></p></main>"#,
        escape(title),
        escape(message)
    );
    (status, page(title, &body)).into_response()
}

//! `GET`/`POST /oauth/authorize`: the server-rendered login and consent page (auth.md §8.2).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use super::request::ApiRequest;
use crate::error::AppError;
use crate::server::auth::caller::{account_state, session_cookie};
use crate::server::auth::{secrets, totp};
use crate::server::db::accounts::Account;
use crate::server::db::now_ms;
use crate::server::pages::{escape, page};
use crate::server::service::oauth::{self, AuthorizeRequest, OOB};
use crate::server::service::session;
use crate::server::state::AppState;

fn scope_words(scope: &str) -> String {
    let (base, rest) = scope.split_once(':').unwrap_or((scope, ""));
    let what = match base {
        "read" => "Read",
        "write" => "Change",
        "follow" => "Manage follows and relationships",
        "push" => "Receive push notifications",
        "admin" => "Administer the instance:",
        _ => "Use",
    };
    let detail = match rest {
        "" if base == "read" || base == "write" => "everything your account can see".to_string(),
        "" => String::new(),
        other => other.replace(':', " "),
    };
    format!("{what} {detail} ({scope})")
}

fn hidden(name: &str, value: Option<&str>) -> String {
    match value {
        Some(v) => format!(
            r#"<input type="hidden" name="{}" value="{}">"#,
            escape(name),
            escape(v)
        ),
        None => String::new(),
    }
}

fn request_fields(r: &AuthorizeRequest) -> String {
    [
        hidden("response_type", Some("code")),
        hidden("client_id", Some(&r.app.client_id)),
        hidden("redirect_uri", Some(&r.redirect_uri)),
        hidden("scope", Some(&r.scopes.join(" "))),
        hidden("state", r.state.as_deref()),
        hidden("code_challenge", r.code_challenge.as_deref()),
        hidden("code_challenge_method", r.code_challenge_method.as_deref()),
    ]
    .concat()
}

fn consent_page(
    r: &AuthorizeRequest,
    signed_in: Option<(&Account, String)>,
    error: Option<&str>,
    username: &str,
) -> Response {
    let scopes: String = r
        .scopes
        .iter()
        .map(|s| format!("<li>{}</li>", escape(&scope_words(s))))
        .collect();
    let error_html = error
        .map(|e| {
            format!(
                r#"<p class="form-error" role="alert" id="authorize-error">{}</p>"#,
                escape(e)
            )
        })
        .unwrap_or_default();
    let who = match &signed_in {
        Some((account, csrf)) => format!(
            r#"<p>Continue as <strong>@{}</strong>.</p>{}"#,
            escape(&account.nickname),
            hidden("csrf", Some(csrf))
        ),
        None => format!(
            r#"<div class="field"><label for="username">Nickname or email</label>
<input id="username" name="username" autocomplete="username" required value="{}"></div>
<div class="field"><label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required></div>
<div class="field"><label for="code">Two-factor code (only if enabled)</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code"></div>"#,
            escape(username)
        ),
    };
    let body = format!(
        r#"<main class="auth-card"><h1>Authorize {name}</h1>
<p><strong>{name}</strong> asks for access to your account:</p><ul class="scope-list">{scopes}</ul>{error_html}
<form method="post" action="/oauth/authorize">{fields}{who}
<div class="actions"><button type="submit" name="action" value="approve" class="primary">Approve</button>
<button type="submit" name="action" value="deny">Deny</button></div></form></main>"#,
        name = escape(&r.app.name),
        fields = request_fields(r),
    );
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    (status, page("Authorize", &body)).into_response()
}

fn error_page(error: &AppError) -> Response {
    let body = format!(
        r#"<main class="auth-card"><h1>This authorization request is invalid</h1><p role="alert">{}</p></main>"#,
        escape(&error.message())
    );
    (StatusCode::BAD_REQUEST, page("Authorization error", &body)).into_response()
}

fn redirect_with(r: &AuthorizeRequest, pairs: &[(&str, &str)]) -> Response {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        query.append_pair(k, v);
    }
    if let Some(state) = &r.state {
        query.append_pair("state", state);
    }
    let sep = if r.redirect_uri.contains('?') {
        '&'
    } else {
        '?'
    };
    let location = format!("{}{sep}{}", r.redirect_uri, query.finish());
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

async fn deliver_code(state: &AppState, r: &AuthorizeRequest, account: &Account) -> Response {
    match oauth::grant_code(&state.db, r, account).await {
        Ok(code) if r.redirect_uri == OOB => {
            let body = format!(
                r#"<main class="auth-card"><h1>Authorization code</h1><p>Copy this code into {}:</p>
<p><code class="copyable" id="oauth-code">{}</code></p></main>"#,
                escape(&r.app.name),
                escape(&code)
            );
            page("Authorization code", &body).into_response()
        }
        Ok(code) => redirect_with(r, &[("code", &code)]),
        Err(e) => e.into_response(),
    }
}

async fn signed_in(
    state: &AppState,
    req: &ApiRequest,
) -> Result<Option<(Account, String)>, AppError> {
    let Some(token) = session_cookie(&req.headers) else {
        return Ok(None);
    };
    let current = session::current(state, &req.settings, Some(&token)).await?;
    let Some(current) = current else {
        return Ok(None);
    };
    let account = crate::server::db::accounts::by_id(&state.db, &current.info.account_id).await?;
    Ok(account.map(|a| (a, secrets::csrf_for(&token))))
}

/// `GET /oauth/authorize`.
pub async fn show(State(state): State<AppState>, req: ApiRequest) -> Response {
    let request = match oauth::authorize_request(&state.db, &req.params).await {
        Ok(r) => r,
        Err(e) => return error_page(&e),
    };
    let current = match signed_in(&state, &req).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    if let (true, Some((account, _))) = (request.app.trusted, &current) {
        return deliver_code(&state, &request, account).await;
    }
    consent_page(
        &request,
        current.as_ref().map(|(a, c)| (a, c.clone())),
        None,
        "",
    )
}

/// `POST /oauth/authorize`: Approve or Deny.
pub async fn submit(State(state): State<AppState>, req: ApiRequest) -> Response {
    let request = match oauth::authorize_request(&state.db, &req.params).await {
        Ok(r) => r,
        Err(e) => return error_page(&e),
    };
    if req.params.string("action").ok().flatten().as_deref() == Some("deny") {
        return redirect_with(&request, &[("error", "access_denied")]);
    }
    let username = req
        .params
        .string("username")
        .ok()
        .flatten()
        .unwrap_or_default();
    // A signed-in person approves with the session (the form carries its CSRF token).
    if let Some(csrf) = req.params.string("csrf").ok().flatten() {
        return match signed_in(&state, &req).await {
            Ok(Some((account, expected)))
                if secrets::constant_time_eq(&csrf, expected.as_str()) =>
            {
                deliver_code(&state, &request, &account).await
            }
            Ok(_) => consent_page(
                &request,
                None,
                Some("Your session ended. Sign in to continue."),
                "",
            ),
            Err(e) => e.into_response(),
        };
    }
    let password = req
        .params
        .string("password")
        .ok()
        .flatten()
        .unwrap_or_default();
    let account =
        match oauth::check_password(&state, &req.settings, req.ip, &username, &password).await {
            Ok(a) => a,
            Err(AppError::Throttled) => {
                return consent_page(
                    &request,
                    None,
                    Some("Too many attempts. Try again in a minute."),
                    &username,
                )
            }
            Err(_) => return consent_page(&request, None, Some("Invalid credentials"), &username),
        };
    if let Some(s) = account_state(&account, &req.settings) {
        return consent_page(&request, None, Some(&s.error().message()), &username);
    }
    if account.mfa_enabled {
        let code = req.params.string("code").ok().flatten().unwrap_or_default();
        let ok = account
            .totp_secret
            .as_deref()
            .is_some_and(|s| totp::verify(s, &code, now_ms() / 1000));
        if !ok {
            let message = if code.is_empty() {
                "Enter the code from your authenticator app."
            } else {
                "Invalid code"
            };
            return consent_page(&request, None, Some(message), &username);
        }
    }
    deliver_code(&state, &request, &account).await
}

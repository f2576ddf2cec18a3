//! Client-side password and confirmation pages (client-api.md §7): `GET /api/pleroma/password_reset/:token`,
//! `POST /api/pleroma/password_reset`, `POST /auth/password` ("forgot password") and
//! `GET /api/account/confirm_email/:user_id/:token`. Server-rendered, no JavaScript needed.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use super::request::ApiRequest;
use super::response::{no_content, ApiResult};
use crate::error::AppError;
use crate::server::db::accounts::Account;
use crate::server::pages::{escape, field, message_page, page, Field};
use crate::server::service::passwords::{self, ResetOutcome};
use crate::server::state::AppState;

const INVALID_LINK: &str = "This link is invalid or has expired";

fn invalid_link() -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        INVALID_LINK,
        "Ask for a new link to reset your password.",
    )
}

/// The reset form; `error` is `(field, message)` after a refused submission.
fn reset_form(account: &Account, token: &str, error: Option<(&str, &str)>) -> Response {
    let error_for = |name: &str| error.filter(|(f, _)| *f == name).map(|(_, m)| m);
    let fields = [
        Field {
            name: "password",
            label: "New password",
            kind: "password",
            autocomplete: "new-password",
            required: true,
            error: error_for("password"),
            autofocus: error.is_none() || error_for("password").is_some(),
            ..Field::default()
        },
        Field {
            name: "password_confirmation",
            label: "Repeat the new password",
            kind: "password",
            autocomplete: "new-password",
            required: true,
            error: error_for("password_confirmation"),
            autofocus: error_for("password_confirmation").is_some(),
            ..Field::default()
        },
    ]
    .iter()
    .map(field)
    .collect::<String>();
    let body = format!(
        r#"<main class="auth-card"><h1>Choose a new password</h1><p>For the account <strong>@{nick}</strong>.</p>
<form method="post" action="/api/pleroma/password_reset"><input type="hidden" name="token" value="{token}">{fields}
<button type="submit" class="primary">Change password</button></form></main>"#,
        nick = escape(&account.nickname),
        token = escape(token),
    );
    let (status, title) = match error {
        Some(_) => (StatusCode::BAD_REQUEST, "Error: Choose a new password"),
        None => (StatusCode::OK, "Choose a new password"),
    };
    (status, page(title, &body)).into_response()
}

/// `GET /api/pleroma/password_reset/:token`.
pub async fn show(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match passwords::reset_account(&state, &token).await {
        Ok(Some(account)) => reset_form(&account, &token, None),
        Ok(None) => invalid_link(),
        Err(e) => e.into_response(),
    }
}

/// `POST /api/pleroma/password_reset` with `token`, `password`, `password_confirmation`.
pub async fn submit(State(state): State<AppState>, req: ApiRequest) -> Response {
    let text = |key: &str| req.params.string(key).ok().flatten().unwrap_or_default();
    let (token, password, confirmation) = (
        text("token"),
        text("password"),
        text("password_confirmation"),
    );
    match passwords::reset_password(&state, &token, &password, &confirmation).await {
        Ok(ResetOutcome::Changed) => message_page(
            StatusCode::OK,
            "Password changed",
            "Your password has been changed and every session of the account was signed out. Sign in again with the new password.",
        ),
        Ok(ResetOutcome::InvalidLink) => invalid_link(),
        Ok(ResetOutcome::Invalid { field, message }) => {
            match passwords::reset_account(&state, &token).await {
                Ok(Some(account)) => reset_form(&account, &token, Some((field, message))),
                Ok(None) => invalid_link(),
                Err(e) => e.into_response(),
            }
        }
        Err(e) => e.into_response(),
    }
}

/// `POST /auth/password`: always 204 once the mailer is on.
pub async fn forgot(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    passwords::forgot_password(&state, &req.settings, &req.params).await?;
    no_content()
}

/// `GET /api/account/confirm_email/:user_id/:token`: confirms and sends the person to `/`.
pub async fn confirm_email(
    State(state): State<AppState>,
    Path((user_id, token)): Path<(String, String)>,
) -> Response {
    match passwords::confirm_link(&state, &user_id, &token).await {
        Ok(true) => (StatusCode::FOUND, [(header::LOCATION, "/")]).into_response(),
        Ok(false) => message_page(
            StatusCode::NOT_FOUND,
            INVALID_LINK,
            "The address may already be confirmed; otherwise ask the staff to send a new confirmation email.",
        ),
        Err(e) => AppError::into_response(e),
    }
}

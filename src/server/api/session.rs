//! Panel sessions: the JSON API of auth.md §6 and the HTML form posts of the login page, which work
//! without JavaScript.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::request::ApiRequest;
use super::response::{no_content, ok, ApiResult};
use crate::error::AppError;
use crate::server::auth::caller::session_cookie;
use crate::server::auth::secrets;
use crate::server::service::session::{self, Login};
use crate::server::state::AppState;

/// `POST /api/steward/session`.
pub async fn create(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    let created = session::login_json(&state, &req.settings, req.ip, &req.params).await?;
    let mut response = ok(created.to_json())?;
    set_cookie(&mut response, &session::cookie(&state, &created.token));
    Ok(response)
}

/// `GET /api/steward/session`.
pub async fn show(State(state): State<AppState>, headers: HeaderMap) -> ApiResult {
    let settings = state.settings().await?;
    match session::current(&state, &settings, session_cookie(&headers).as_deref()).await? {
        Some(current) => ok(current.to_json()),
        None => Err(AppError::forbidden("Invalid credentials.")),
    }
}

/// `DELETE /api/steward/session`.
pub async fn delete(State(state): State<AppState>, headers: HeaderMap) -> ApiResult {
    session::logout(&state, session_cookie(&headers).as_deref()).await?;
    let mut response = no_content()?;
    set_cookie(&mut response, &session::clear_cookie(&state));
    Ok(response)
}

fn set_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location.to_string())],
    )
        .into_response()
}

/// Only panel paths are valid destinations after login (no open redirect).
pub fn safe_next(next: Option<String>) -> String {
    match next {
        Some(n)
            if n.starts_with("/admin")
                && !n.starts_with("//")
                && !n.contains("://")
                && !n.starts_with("/admin/login") =>
        {
            n
        }
        _ => "/admin/".to_string(),
    }
}

fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The login page's error code for a failed attempt (the page words it, ui.md §4.1).
fn error_code(error: &AppError) -> &'static str {
    match error {
        AppError::Throttled => "throttled",
        AppError::Shaped(_, body) => match body.get("identifier").and_then(Value::as_str) {
            Some("account_is_disabled") => "disabled",
            Some("password_reset_required") => "reset_required",
            Some("missing_confirmed_email") => "unconfirmed",
            Some("awaiting_approval") => "awaiting_approval",
            _ => "invalid",
        },
        AppError::Forbidden(m) if m == "User is not an admin." => "not_staff",
        AppError::BadRequest(m) if m == "Invalid code" => "invalid_code",
        AppError::Validation(_) => "missing",
        AppError::Database(_) | AppError::Unavailable(_) | AppError::Internal(_) => "unavailable",
        _ => "invalid",
    }
}

/// `POST /admin/login`: the login form (also the TOTP step). Redirects back with the outcome.
pub async fn login_form(State(state): State<AppState>, req: ApiRequest) -> Response {
    let next = safe_next(req.params.string("next").ok().flatten());
    match session::login(&state, &req.settings, req.ip, &req.params).await {
        Ok(Login::Done(created)) => {
            let mut response = see_other(&next);
            set_cookie(&mut response, &session::cookie(&state, &created.token));
            response
        }
        Ok(Login::NeedsCode { mfa_token }) => see_other(&format!(
            "/admin/login?step=totp&mfa={}&next={}",
            encode(&mfa_token),
            encode(&next)
        )),
        Err(error) => {
            let code = error_code(&error);
            let mut location = format!("/admin/login?error={code}&next={}", encode(&next));
            // A wrong code keeps the person on the TOTP step with the same challenge.
            if code == "invalid_code" {
                if let Ok(Some(mfa)) = req.params.string("mfa_token") {
                    location.push_str(&format!("&step=totp&mfa={}", encode(&mfa)));
                }
            }
            see_other(&location)
        }
    }
}

/// `POST /admin/logout`: the account menu's form; needs the session's CSRF token as `csrf`.
pub async fn logout_form(State(state): State<AppState>, req: ApiRequest) -> Response {
    let token = session_cookie(&req.headers);
    if let Some(token) = &token {
        let sent = req.params.string("csrf").ok().flatten().unwrap_or_default();
        if !secrets::constant_time_eq(&sent, &secrets::csrf_for(token)) {
            return AppError::forbidden("Invalid CSRF token.").into_response();
        }
    }
    if let Err(error) = session::logout(&state, token.as_deref()).await {
        return error.into_response();
    }
    let mut response = see_other("/admin/login");
    set_cookie(&mut response, &session::clear_cookie(&state));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_in_the_panel() {
        assert_eq!(
            safe_next(Some("/admin/users?page=2".into())),
            "/admin/users?page=2"
        );
        assert_eq!(
            safe_next(Some("https://evil.example/admin".into())),
            "/admin/"
        );
        assert_eq!(safe_next(Some("//evil.example".into())), "/admin/");
        assert_eq!(safe_next(None), "/admin/");
    }
}

//! Registration (client-api.md §3, §7): `POST /api/v1/accounts` and the invite form at
//! `GET`/`POST /registration/:token`, which works without JavaScript.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::Value;

use super::request::ApiRequest;
use super::response::{ok, ApiResult};
use crate::error::AppError;
use crate::server::db::invites;
use crate::server::pages::{escape, field, message_page, page, Field};
use crate::server::service::registration::{self, Form, Outcome};
use crate::server::settings::Settings;
use crate::server::state::AppState;

/// `POST /api/v1/accounts`.
pub async fn register(State(state): State<AppState>, req: ApiRequest) -> ApiResult {
    ok(registration::register_api(&state, &req.caller, &req.params).await?)
}

fn invalid_invite() -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        "This invitation is invalid or has expired",
        "Ask the person who invited you for a new invitation.",
    )
}

/// Whether the invite in the path can still be used; the page only exists for usable invites.
async fn invite_usable(state: &AppState, token: &str) -> Result<bool, AppError> {
    Ok(invites::by_token(&state.db, token)
        .await?
        .is_some_and(|i| i.is_valid(Utc::now().date_naive())))
}

fn closed() -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "Registrations are closed",
        "This instance does not accept new accounts at the moment.",
    )
}

/// The form, with what was entered and the messages per field (`details` of the validation
/// answer) after a refused submission.
fn form_page(
    settings: &Settings,
    token: &str,
    entered: &Form,
    errors: Option<&Value>,
    status: StatusCode,
) -> Response {
    let error_for = |name: &str| -> Option<String> {
        errors
            .and_then(|d| d.get(name))
            .and_then(|list| list.get(0))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let order = [
        "username",
        "email",
        "password",
        "password_confirmation",
        "reason",
        "agreement",
    ];
    let first_error = order.iter().find(|f| error_for(f).is_some()).copied();
    let focus = |name: &str| match first_error {
        Some(f) => f == name,
        None => name == "username",
    };
    let (username_error, email_error, password_error, confirmation_error) = (
        error_for("username"),
        error_for("email"),
        error_for("password"),
        error_for("password_confirmation"),
    );
    let mut fields = vec![
        field(&Field {
            name: "username",
            label: "Username",
            kind: "text",
            value: entered.username.as_deref().unwrap_or_default(),
            autocomplete: "username",
            required: true,
            hint: Some("Letters, digits, _ and - only."),
            error: username_error.as_deref(),
            autofocus: focus("username"),
        }),
        field(&Field {
            name: "email",
            label: if settings.account_activation_required {
                "Email"
            } else {
                "Email (optional)"
            },
            kind: "email",
            value: entered.email.as_deref().unwrap_or_default(),
            autocomplete: "email",
            required: settings.account_activation_required,
            hint: None,
            error: email_error.as_deref(),
            autofocus: focus("email"),
        }),
        field(&Field {
            name: "password",
            label: "Password",
            kind: "password",
            autocomplete: "new-password",
            required: true,
            error: password_error.as_deref(),
            autofocus: focus("password"),
            ..Field::default()
        }),
        field(&Field {
            name: "password_confirmation",
            label: "Repeat the password",
            kind: "password",
            autocomplete: "new-password",
            required: true,
            error: confirmation_error.as_deref(),
            autofocus: focus("password_confirmation"),
            ..Field::default()
        }),
    ];
    if settings.account_approval_required {
        fields.push(format!(
            r#"<div class="field"><label for="reason">Why do you want to join?</label><p class="hint" id="reason-hint">The staff read this before approving your account.</p><textarea id="reason" name="reason" rows="3" aria-describedby="reason-hint"{}>{}</textarea></div>"#,
            if focus("reason") { " autofocus" } else { "" },
            escape(entered.reason.as_deref().unwrap_or_default())
        ));
    }
    let agreement_error = error_for("agreement");
    fields.push(format!(
        r#"<div class="field"><label class="checkbox"><input type="checkbox" id="agreement" name="agreement" value="true" required{checked}{invalid}{focus}> I accept the <a href="/static/terms-of-service.html">terms of service</a></label>{error}</div>"#,
        checked = if entered.agreement == Some(true) { " checked" } else { "" },
        invalid = if agreement_error.is_some() {
            r#" aria-invalid="true" aria-describedby="agreement-error""#
        } else {
            ""
        },
        focus = if focus("agreement") { " autofocus" } else { "" },
        error = agreement_error
            .map(|e| format!(r#"<p class="form-error" id="agreement-error">{}</p>"#, escape(&e)))
            .unwrap_or_default(),
    ));
    let body = format!(
        r#"<main class="auth-card"><h1>Join {name}</h1><p>You were invited to create an account.</p>
<form method="post" action="/registration/{token}">{fields}<button type="submit" class="primary">Create account</button></form></main>"#,
        name = escape(&settings.name),
        token = escape(&crate::server::mail::link_segment(token)),
        fields = fields.concat(),
    );
    let title = if errors.is_some() {
        format!("Error: Join {}", settings.name)
    } else {
        format!("Join {}", settings.name)
    };
    (status, page(&title, &body)).into_response()
}

/// `GET /registration/:token`.
pub async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let settings = state.settings().await?;
    if !invite_usable(&state, &token).await? {
        return Ok(invalid_invite());
    }
    if !settings.registrations_open && !settings.invites_enabled {
        return Ok(closed());
    }
    Ok(form_page(
        &settings,
        &token,
        &Form::default(),
        None,
        StatusCode::OK,
    ))
}

/// `POST /registration/:token`: registers with the invite of the path (client-api.md §3) and shows
/// the outcome, or the form again with the problems marked.
pub async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    req: ApiRequest,
) -> Result<Response, AppError> {
    let settings = req.settings.clone();
    if !invite_usable(&state, &token).await? {
        return Ok(invalid_invite());
    }
    let mut form = Form::from_params(&req.params)?;
    form.token = Some(token.clone());
    let confirmation = req
        .params
        .string("password_confirmation")?
        .unwrap_or_default();
    if form.password.as_deref().is_some_and(|p| p != confirmation) {
        let details = serde_json::json!({"password_confirmation": ["The passwords do not match."]});
        return Ok(form_page(
            &settings,
            &token,
            &form,
            Some(&details),
            StatusCode::BAD_REQUEST,
        ));
    }
    match registration::register(&state, &settings, &form).await {
        Ok(Outcome::Ready(account)) => Ok(message_page(
            StatusCode::OK,
            "Welcome",
            &format!(
                "Your account @{} is ready. Sign in with your app using your username and password.",
                account.nickname
            ),
        )),
        Ok(Outcome::ConfirmationPending(_)) => Ok(message_page(
            StatusCode::OK,
            "Almost there",
            registration::CONFIRMATION_PENDING,
        )),
        Ok(Outcome::ApprovalPending(_)) => Ok(message_page(
            StatusCode::OK,
            "Awaiting approval",
            registration::APPROVAL_PENDING,
        )),
        Err(AppError::Shaped(status, body)) if body.get("details").is_some() => Ok(form_page(
            &settings,
            &token,
            &form,
            body.get("details"),
            status,
        )),
        // The invite was used up (or revoked) while the form was open.
        Err(AppError::BadRequest(m)) if m == "Invalid token" => Ok(invalid_invite()),
        Err(AppError::Forbidden(_)) => Ok(closed()),
        Err(e) => Err(e),
    }
}

//! The panel's writes as plain HTML form posts (ui.md §4.3–4.5, §4.8), so every action works with
//! JavaScript off. Each handler checks the form's `csrf` field against the session, calls the same
//! service function as the REST Admin API (so authorisation and log entries are identical), and
//! answers `303 See Other` back to a page inside `/admin` with `?notice=` or `?error=`.
//!
//! Destructive or hard-to-undo user actions first go to the confirmation page
//! (`/admin/users/confirm`), which posts the same form again with `confirmed=1`. Results that must
//! not travel in a URL (a password reset link, created credentials, typed values of a refused form)
//! go back in a short-lived cookie, the flash, which the page removes once shown.

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

use super::params::{Params, MAX_JSON_BODY};
use crate::error::AppError;
use crate::model::query::{encode_component, with_params};
use crate::model::users::{
    parse_pasted_rows, who, CreateRow, Flash, FlashFor, UserAction, CREDENTIAL_TOGGLES,
    TYPE_TO_CONFIRM_OVER,
};
use crate::server::auth::Caller;
use crate::server::service::{credentials, invites, passwords, user_lifecycle, users};
use crate::server::state::AppState;

/// Name of the flash cookie.
pub const FLASH_COOKIE: &str = "steward_flash";
/// Largest encoded flash: browsers keep cookies up to about 4 KB.
const FLASH_MAX: usize = 3_800;

/// A parsed form post and the caller behind its session.
pub(super) struct FormPost {
    pub(super) params: Params,
    pub(super) caller: Caller,
}

impl FormPost {
    pub(super) fn text(&self, key: &str) -> String {
        text(&self.params, key)
    }
}

fn text(params: &Params, key: &str) -> String {
    match params.raw(key) {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Array(items)) => items
            .first()
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_string(),
        _ => String::new(),
    }
}

/// Reads the body (urlencoded or multipart) and resolves the session with the form's `csrf` field.
pub(super) async fn read_form(state: &AppState, request: Request) -> Result<FormPost, AppError> {
    let (parts, body) = request.into_parts();
    let settings = state.settings().await?;
    // The credentials form may carry three images.
    let limit = usize::try_from(settings.upload_limit)
        .unwrap_or(MAX_JSON_BODY)
        .max(MAX_JSON_BODY)
        .saturating_mul(3)
        .saturating_add(MAX_JSON_BODY);
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| AppError::TooLarge)?;
    let params = Params::parse(parts.uri.query(), &parts.headers, bytes).await?;
    let csrf = text(&params, "csrf");
    let caller = Caller::from_session(state, &parts.headers, Some(&csrf)).await?;
    Ok(FormPost { params, caller })
}

pub(super) fn see_other(location: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location.to_string())],
    )
        .into_response()
}

/// A destination inside the panel, else `fallback` (no open redirect).
pub fn safe_back(value: &str, fallback: &str) -> String {
    let ok = value.starts_with("/admin")
        && !value.starts_with("//")
        && !value.contains("://")
        && !value.contains('\\')
        && !value.starts_with("/admin/login")
        && !value.chars().any(char::is_control);
    if ok {
        value.to_string()
    } else {
        fallback.to_string()
    }
}

/// `back` with one `notice`/`error` (replacing any earlier one) and extra parameters.
pub(super) fn back_with(back: &str, extra: &[(&str, &str)]) -> String {
    let (path, search) = back.split_once('?').unwrap_or((back, ""));
    with_params(path, search, &["notice", "error"], extra)
}

pub(super) fn notice(back: &str, text: &str) -> Response {
    see_other(&back_with(back, &[("notice", text)]))
}

pub(super) fn error(back: &str, text: &str) -> Response {
    see_other(&back_with(back, &[("error", text)]))
}

/// A refused action: signed-out sessions go to the login page (and come back), everything else
/// returns with "<prefix>: <server error>" (ui.md §5).
pub(super) fn failure(back: &str, prefix: &str, failure: &AppError) -> Response {
    let message = failure.message();
    if message == "Invalid credentials." {
        return see_other(&format!("/admin/login?next={}", encode_component(back)));
    }
    let text = if message == "User is not an admin." || message.starts_with("Insufficient") {
        format!("You don't have permission to do this. {prefix}: {message}")
    } else {
        format!("{prefix}: {message}")
    };
    error(back, &text)
}

fn set_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

fn flash_cookie_value(state: &AppState, value: &str, max_age: i64) -> String {
    let secure = if state.site.secure { "; Secure" } else { "" };
    format!("{FLASH_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}")
}

/// `Set-Cookie` that removes the flash.
pub fn clear_flash_cookie(state: &AppState) -> String {
    flash_cookie_value(state, "", 0)
}

fn encode_flash(flash: &FlashFor) -> Option<String> {
    serde_json::to_vec(flash)
        .ok()
        .map(|json| URL_SAFE_NO_PAD.encode(json))
}

/// The flash of a request, if it carries a readable one.
pub fn read_flash(headers: &HeaderMap) -> Option<FlashFor> {
    let raw = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == FLASH_COOKIE && !value.is_empty())
        .map(|(_, value)| value.to_string())?;
    let bytes = URL_SAFE_NO_PAD.decode(raw.as_bytes()).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Redirects to `location` carrying `flash` for the page at `location`'s path. Created users whose
/// passwords don't fit lose the passwords first, then rows.
fn with_flash(state: &AppState, location: &str, flash: Flash) -> Response {
    let path = location.split('?').next().unwrap_or(location).to_string();
    let mut flash = FlashFor { path, flash };
    let mut encoded = encode_flash(&flash);
    let too_long = |e: &Option<String>| e.as_ref().is_some_and(|e| e.len() > FLASH_MAX);
    if too_long(&encoded) {
        if let Flash::CreatedUsers {
            rows,
            passwords_dropped,
            ..
        } = &mut flash.flash
        {
            for row in rows.iter_mut() {
                row.password.clear();
            }
            *passwords_dropped = true;
        }
        encoded = encode_flash(&flash);
        while too_long(&encoded) {
            match &mut flash.flash {
                Flash::CreatedUsers { rows, .. } if rows.len() > 1 => {
                    rows.pop();
                }
                _ => break,
            }
            encoded = encode_flash(&flash);
        }
    }
    let mut response = see_other(location);
    if let Some(value) = encoded.filter(|e| e.len() <= FLASH_MAX) {
        set_cookie(&mut response, &flash_cookie_value(state, &value, 300));
    }
    response
}

/// Every non-empty value of a repeated form field, in order, without repeats.
pub(super) fn list(params: &Params, key: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in params.strings(key).ok().flatten().unwrap_or_default() {
        let item = item.trim().to_string();
        if !item.is_empty() && !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// `POST /admin/users/action`: one action on the checked users (`nicknames`), or a row's own button
/// (`row_action=<action>:<nickname>`).
pub async fn users_action(State(state): State<AppState>, request: Request) -> Response {
    let form = match read_form(&state, request).await {
        Ok(form) => form,
        Err(e) => return e.into_response(),
    };
    let back = safe_back(&form.text("back"), "/admin/users");
    let row_action = form.text("row_action");
    let (key, mut nicknames) = match row_action.split_once(':') {
        Some((action, nickname)) => (action.to_string(), vec![nickname.to_string()]),
        None => (form.text("action"), list(&form.params, "nicknames")),
    };
    let Some(action) = UserAction::from_key(&key) else {
        return error(&back, "Choose an action first.");
    };
    if nicknames.is_empty() {
        return error(&back, "Select at least one user first.");
    }
    let own = form.caller.account.as_ref().map(|a| a.nickname.clone());
    let mut left_out = false;
    if action.excludes_self() {
        if let Some(own) = &own {
            let before = nicknames.len();
            nicknames.retain(|n| !n.eq_ignore_ascii_case(own));
            left_out = nicknames.len() != before;
        }
    }
    if nicknames.is_empty() {
        return error(&back, action.self_reason());
    }
    let tag = {
        let custom = form.text("tag_custom").to_lowercase();
        if custom.is_empty() {
            form.text("tag")
        } else {
            custom
        }
    };
    if matches!(action, UserAction::Tag | UserAction::Untag) && tag.is_empty() {
        return error(&back, "Choose or type a tag first.");
    }
    let confirmed = form.text("confirmed") == "1";
    if action.needs_confirmation() && !confirmed {
        return see_other(&confirm_url(
            action, &nicknames, &back, &tag, left_out, None,
        ));
    }
    if confirmed
        && matches!(action, UserAction::Delete | UserAction::Reject)
        && nicknames.len() > TYPE_TO_CONFIRM_OVER
        && form.text("confirm_count") != nicknames.len().to_string()
    {
        let message = format!(
            "Type {} to confirm that {} accounts will be deleted.",
            nicknames.len(),
            nicknames.len()
        );
        return see_other(&confirm_url(
            action,
            &nicknames,
            &back,
            &tag,
            left_out,
            Some(&message),
        ));
    }
    let who_text = who(&nicknames);
    // A deleted or rejected account's page may be gone: go back to the list instead.
    let back = if matches!(action, UserAction::Delete | UserAction::Reject)
        && back.starts_with("/admin/users/")
    {
        "/admin/users".to_string()
    } else {
        back
    };
    let outcome = run_action(&state, &form, action, &nicknames, &tag).await;
    match outcome {
        Ok(Some(flash)) => {
            let location = back_with(&back, &[("notice", &action.done(&who_text, &tag))]);
            with_flash(&state, &location, flash)
        }
        Ok(None) => {
            let mut text = match action {
                UserAction::Follow | UserAction::Unfollow => {
                    follow_notice(&form, action, &nicknames)
                }
                _ => action.done(&who_text, &tag),
            };
            if left_out {
                text.push_str(" Your own account was left out: ");
                text.push_str(action.self_reason());
            }
            notice(&back, &text)
        }
        Err(e) => failure(&back, &action.failed(&who_text), &e),
    }
}

/// The confirmation page for an action on `nicknames`.
fn confirm_url(
    action: UserAction,
    nicknames: &[String],
    back: &str,
    tag: &str,
    left_out: bool,
    message: Option<&str>,
) -> String {
    let mut parts = vec![format!("action={}", action.key())];
    for n in nicknames {
        parts.push(format!("nicknames={}", encode_component(n)));
    }
    parts.push(format!("back={}", encode_component(back)));
    if !tag.is_empty() {
        parts.push(format!("tag={}", encode_component(tag)));
    }
    if left_out {
        parts.push("left_out=1".into());
    }
    if let Some(message) = message {
        parts.push(format!("error={}", encode_component(message)));
    }
    format!("/admin/users/confirm?{}", parts.join("&"))
}

fn follow_notice(form: &FormPost, action: UserAction, nicknames: &[String]) -> String {
    let (follower, followed) = follow_pair(form, nicknames);
    if action == UserAction::Follow {
        format!("@{follower} now follows @{followed}.")
    } else {
        format!("@{follower} no longer follows @{followed}.")
    }
}

/// `(follower, followed)` of a forced follow: the page's user and `other`, in the chosen direction.
fn follow_pair(form: &FormPost, nicknames: &[String]) -> (String, String) {
    let user = nicknames.first().cloned().unwrap_or_default();
    let other = form.text("other").trim_start_matches('@').to_string();
    if form.text("direction") == "followed_by" {
        (other, user)
    } else {
        (user, other)
    }
}

/// Runs one action through the service layer; `Some(flash)` for results shown once.
async fn run_action(
    state: &AppState,
    form: &FormPost,
    action: UserAction,
    nicknames: &[String],
    tag: &str,
) -> Result<Option<Flash>, AppError> {
    let caller = &form.caller;
    let targets = Params::from_value(json!({ "nicknames": nicknames }));
    match action {
        UserAction::Activate | UserAction::Deactivate => {
            users::set_activation(state, caller, &targets, action == UserAction::Activate).await?;
        }
        UserAction::Approve => {
            users::approve(state, caller, &targets).await?;
        }
        UserAction::Reject | UserAction::Delete => {
            user_lifecycle::delete(state, caller, &targets).await?;
        }
        UserAction::ConfirmEmail => {
            passwords::confirm_email(state, caller, &targets).await?;
        }
        UserAction::ResendConfirmation => {
            passwords::resend_confirmation_email(state, caller, &targets).await?;
        }
        UserAction::ForcePasswordReset => {
            users::force_password_reset(state, caller, nicknames).await?;
        }
        UserAction::Tag | UserAction::Untag => {
            let params = Params::from_value(json!({ "nicknames": nicknames, "tags": [tag] }));
            users::tag(state, caller, &params, action == UserAction::Tag).await?;
        }
        UserAction::GrantAdmin
        | UserAction::RevokeAdmin
        | UserAction::GrantModerator
        | UserAction::RevokeModerator => {
            let group = if matches!(action, UserAction::GrantAdmin | UserAction::RevokeAdmin) {
                "admin"
            } else {
                "moderator"
            };
            let grant = matches!(action, UserAction::GrantAdmin | UserAction::GrantModerator);
            users::set_permission_group(state, caller, group, None, &targets, grant).await?;
        }
        UserAction::DisableMfa => {
            for nickname in nicknames {
                let params = Params::from_value(json!({ "nickname": nickname }));
                passwords::disable_mfa(state, caller, &params).await?;
            }
        }
        UserAction::ResetLink => {
            let nickname = nicknames.first().cloned().unwrap_or_default();
            let answer = passwords::reset_link(state, caller, &nickname).await?;
            let link = answer
                .get("link")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            return Ok(Some(Flash::ResetLink {
                nickname,
                link,
                valid_hours: (caller.settings.password_reset_token_validity / 3600).max(1),
            }));
        }
        UserAction::Follow | UserAction::Unfollow => {
            let (follower, followed) = follow_pair(form, nicknames);
            if follower.is_empty() || followed.is_empty() {
                return Err(AppError::bad_request("Enter the other account's nickname."));
            }
            let params = Params::from_value(json!({ "follower": follower, "followed": followed }));
            users::force_follow(state, caller, &params, action == UserAction::Follow).await?;
        }
    }
    Ok(None)
}

/// `POST /admin/users/create`: the create-users form (rows of `nickname`/`email`/`password` plus
/// pasted `lines`), all or nothing (users.md §3). The outcome goes back to the form as a flash.
pub async fn create_users(State(state): State<AppState>, request: Request) -> Response {
    let form = match read_form(&state, request).await {
        Ok(form) => form,
        Err(e) => return e.into_response(),
    };
    let back = "/admin/users/new";
    let column = |key: &str| -> Vec<String> {
        match form.params.raw(key) {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().unwrap_or_default().to_string())
                .collect(),
            _ => Vec::new(),
        }
    };
    let (nicks, emails, passwords) = (column("nickname"), column("email"), column("password"));
    let count = nicks.len().max(emails.len()).max(passwords.len());
    let cell =
        |col: &[String], i: usize| col.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
    let mut rows: Vec<CreateRow> = (0..count)
        .map(|i| CreateRow {
            nickname: cell(&nicks, i),
            email: cell(&emails, i),
            // Passwords are kept exactly as typed.
            password: passwords.get(i).cloned().unwrap_or_default(),
            error: String::new(),
        })
        .filter(|r| !(r.nickname.is_empty() && r.email.is_empty() && r.password.is_empty()))
        .collect();
    rows.extend(parse_pasted_rows(&form.text("lines")));
    if rows.is_empty() {
        return error(
            back,
            "Add at least one user: a nickname, an email and a password.",
        );
    }
    let entries: Vec<Value> = rows
        .iter()
        .map(|r| json!({"nickname": r.nickname, "email": r.email, "password": r.password}))
        .collect();
    let params = Params::from_value(json!({ "users": entries }));
    match user_lifecycle::create(&state, &form.caller, &params).await {
        Ok((status, _)) if status == StatusCode::OK => {
            let text = match rows.as_slice() {
                [one] => format!("Created @{}.", one.nickname),
                many => format!("Created {} users.", many.len()),
            };
            let location = back_with(back, &[("notice", &text)]);
            with_flash(
                &state,
                &location,
                Flash::CreatedUsers {
                    created: true,
                    rows,
                    passwords_dropped: false,
                },
            )
        }
        Ok((_, body)) => {
            // 409: one element per row, in order, `error` empty for the rows that were fine.
            let errors: Vec<String> = body
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .map(|i| {
                            i.get("error")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_string()
                        })
                        .collect()
                })
                .unwrap_or_default();
            for (row, message) in rows.iter_mut().zip(errors) {
                row.error = message;
            }
            let bad = rows.iter().filter(|r| !r.error.is_empty()).count();
            let text = format!(
                "Nothing was created: {bad} of {} rows need changes (marked below).",
                rows.len()
            );
            let location = back_with(back, &[("error", &text)]);
            with_flash(
                &state,
                &location,
                Flash::CreatedUsers {
                    created: false,
                    rows,
                    passwords_dropped: false,
                },
            )
        }
        Err(e) => {
            let message = e.message();
            if message == "Invalid credentials." {
                return failure(back, "", &e);
            }
            let location = back_with(
                back,
                &[("error", &format!("Couldn't create users: {message}"))],
            );
            with_flash(
                &state,
                &location,
                Flash::CreatedUsers {
                    created: false,
                    rows,
                    passwords_dropped: false,
                },
            )
        }
    }
}

/// `POST /admin/users/{id}/credentials`: the credentials form (users.md §5 `PATCH credentials`).
/// Unchecked boxes count as false, an empty password as "unchanged", and empty file inputs as no
/// upload. Field errors go back beside the fields with what was typed.
pub async fn update_credentials(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let mut form = match read_form(&state, request).await {
        Ok(form) => form,
        Err(e) => return e.into_response(),
    };
    let page = format!("/admin/users/{}", encode_component(&id));
    let back = format!("{page}?tab=credentials");
    let nickname = form.text("nickname");
    let who = if nickname.is_empty() {
        "the account".to_string()
    } else {
        format!("@{nickname}")
    };
    let params = &mut form.params;
    for key in ["csrf", "nickname", "back"] {
        params.map.remove(key);
    }
    if matches!(params.raw("password"), Some(Value::String(s)) if s.is_empty()) {
        params.map.remove("password");
    }
    for (field, _) in CREDENTIAL_TOGGLES {
        let on = params.raw(field).is_some();
        params.set(field, if on { "true" } else { "false" });
    }
    // Profile fields arrive as parallel `field_name` / `field_value` lists.
    let names = column_of(params, "field_name");
    let values = column_of(params, "field_value");
    let fields: Vec<Value> = names
        .iter()
        .zip(values.iter().chain(std::iter::repeat(&String::new())))
        .filter(|(n, v)| !(n.trim().is_empty() && v.trim().is_empty()))
        .map(|(n, v)| json!({"name": n, "value": v}))
        .collect();
    params.map.remove("field_name");
    params.map.remove("field_value");
    params.set("fields", Value::Array(fields));
    params
        .files
        .retain(|f| !f.bytes.is_empty() && !f.file_name.is_empty());
    for image in ["avatar", "banner", "background"] {
        let remove = format!("remove_{image}");
        if params.raw(&remove).is_some() && params.file(image).is_none() {
            params.set(image, "");
        }
        params.map.remove(&remove);
    }
    let typed: Vec<(String, String)> = ["email", "name", "bio", "default_scope", "actor_type"]
        .iter()
        .filter_map(|k| params.string(k).ok().flatten().map(|v| (k.to_string(), v)))
        .collect();
    match credentials::update(&state, &form.caller, &id, &form.params).await {
        Ok(_) => notice(
            &back,
            &format!("Saved the profile and credentials of {who}."),
        ),
        Err(AppError::Shaped(status, body)) if status == StatusCode::BAD_REQUEST => {
            let errors: Vec<(String, String)> = body
                .get("errors")
                .and_then(Value::as_object)
                .map(|map| {
                    map.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect()
                })
                .unwrap_or_default();
            let location = back_with(
                &back,
                &[("error", "Nothing was saved: check the marked fields.")],
            );
            with_flash(
                &state,
                &location,
                Flash::CredentialErrors {
                    errors,
                    values: typed,
                },
            )
        }
        Err(e) => failure(&back, &format!("Couldn't save the changes to {who}"), &e),
    }
}

fn column_of(params: &Params, key: &str) -> Vec<String> {
    match params.raw(key) {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect(),
        _ => Vec::new(),
    }
}

/// `POST /admin/invites/create` with optional `max_use` and `expires_at` (users.md §6).
pub async fn create_invite(State(state): State<AppState>, request: Request) -> Response {
    let form = match read_form(&state, request).await {
        Ok(form) => form,
        Err(e) => return e.into_response(),
    };
    let back = safe_back(&form.text("back"), "/admin/invites");
    let params = Params::from_value(json!({
        "max_use": form.text("max_use"),
        "expires_at": form.text("expires_at"),
    }));
    match invites::create(&state, &form.caller, &params).await {
        Ok(invite) => {
            let id = invite.get("id").and_then(Value::as_i64).unwrap_or_default();
            let today = crate::server::dates::day(crate::server::db::now_ms());
            let expired = invite
                .get("expires_at")
                .and_then(Value::as_str)
                .is_some_and(|d| d < today.as_str());
            let spent = invite
                .get("max_use")
                .and_then(Value::as_i64)
                .is_some_and(|m| m <= 0);
            let mut text = format!("Created invite #{id}.");
            if expired {
                text.push_str(" Its expiry date has passed, so it can't be used.");
            } else if spent {
                text.push_str(" Its maximum uses is 0, so it can't be used.");
            }
            see_other(&back_with(
                &back,
                &[("notice", &text), ("created", &id.to_string())],
            ))
        }
        Err(e) => failure(&back, "Couldn't create the invite", &e),
    }
}

/// `POST /admin/invites/revoke` with `token` (and `id` for the confirmation step).
pub async fn revoke_invite(State(state): State<AppState>, request: Request) -> Response {
    let form = match read_form(&state, request).await {
        Ok(form) => form,
        Err(e) => return e.into_response(),
    };
    let back = safe_back(&form.text("back"), "/admin/invites");
    let token = form.text("token");
    let id = form.text("id");
    if form.text("confirmed") != "1" {
        let (path, search) = back.split_once('?').unwrap_or((&back, ""));
        return see_other(&with_params(
            path,
            search,
            &["notice", "error", "created"],
            &[("revoke", &id)],
        ));
    }
    let back = {
        let (path, search) = back.split_once('?').unwrap_or((&back, ""));
        with_params(path, search, &["revoke", "created"], &[])
    };
    let params = Params::from_value(json!({ "token": token }));
    match invites::revoke(&state, &form.caller, &params).await {
        Ok(invite) => {
            let id = invite.get("id").and_then(Value::as_i64).unwrap_or_default();
            notice(&back, &format!("Revoked invite #{id}."))
        }
        Err(e) => failure(&back, "Couldn't revoke the invite", &e),
    }
}

/// `POST /admin/invites/email` with `email` and optional `name`.
pub async fn email_invite(State(state): State<AppState>, request: Request) -> Response {
    let form = match read_form(&state, request).await {
        Ok(form) => form,
        Err(e) => return e.into_response(),
    };
    let back = safe_back(&form.text("back"), "/admin/invites");
    let email = form.text("email");
    let name = form.text("name");
    let params = Params::from_value(json!({ "email": email, "name": name }));
    match invites::email_invite(&state, &form.caller, &params).await {
        Ok(()) => notice(&back, &format!("Sent an invitation to {email}.")),
        Err(e) => {
            let message = e.message();
            if message == "Invalid credentials." {
                return failure(&back, "", &e);
            }
            // What was typed comes back into the form (neither value is secret).
            see_other(&back_with(
                &back,
                &[
                    ("error", &format!("Couldn't send the invitation: {message}")),
                    ("invite_email", &email),
                    ("invite_name", &name),
                ],
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_stays_in_the_panel() {
        assert_eq!(
            safe_back("/admin/users?page=2", "/x"),
            "/admin/users?page=2"
        );
        assert_eq!(safe_back("https://evil.example/admin", "/x"), "/x");
        assert_eq!(safe_back("//evil.example", "/x"), "/x");
        assert_eq!(safe_back("/admin/login", "/x"), "/x");
        assert_eq!(safe_back("/admin\\@evil", "/x"), "/x");
        assert_eq!(
            back_with("/admin/users?view=remote&error=old", &[("notice", "Done")]),
            "/admin/users?view=remote&notice=Done"
        );
    }

    #[test]
    fn flashes_survive_the_cookie() {
        let flash = FlashFor {
            path: "/admin/users/new".into(),
            flash: Flash::ResetLink {
                nickname: "a".into(),
                link: "http://x/y".into(),
                valid_hours: 24,
            },
        };
        let value = encode_flash(&flash).unwrap_or_default();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            format!("a=b; {FLASH_COOKIE}={value}")
                .parse()
                .expect("header"),
        );
        assert_eq!(read_flash(&headers), Some(flash));
    }
}

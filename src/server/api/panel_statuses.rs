//! The statuses screens' writes as plain HTML form posts (ui.md §4.7), so each works with
//! JavaScript off. Like the users forms ([`super::panel_forms`]): the `csrf` field is checked
//! against the session, the same service function as `PUT`/`DELETE /statuses/:id` runs (same
//! authorisation, same log entries), and the answer is `303 See Other` back into `/admin` with
//! `?notice=` or `?error=`.
//!
//! Deleting is confirmed first: the post without `confirmed=1` returns to the page with
//! `confirm_delete=<id>`, which shows the confirmation beside that status.

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};

use super::panel_forms::{failure, notice, read_form, safe_back, see_other};
use super::params::Params;
use crate::model::query::with_params;
use crate::model::statuses::visibility_label;
use crate::server::service::statuses;
use crate::server::state::AppState;

/// The one-shot parameter that asks for the delete confirmation.
pub const CONFIRM_DELETE: &str = "confirm_delete";

/// `back` without the one-shot parameters.
fn without_one_shots(back: &str) -> String {
    let (path, search) = back.split_once('?').unwrap_or((back, ""));
    with_params(path, search, &[CONFIRM_DELETE, "notice", "error"], &[])
}

/// `POST /admin/statuses/action`: `id` and `action` (`sensitive_on`, `sensitive_off`,
/// `visibility_public|unlisted|private`, `delete`), back to `back` (deleting may go to
/// `after_delete` instead, e.g. from the status's own page).
pub async fn status_action(State(state): State<AppState>, request: Request) -> Response {
    let form = match read_form(&state, request).await {
        Ok(form) => form,
        Err(e) => return e.into_response(),
    };
    let back = without_one_shots(&safe_back(&form.text("back"), "/admin/statuses"));
    let id = form.text("id");
    let action = form.text("action");
    let update = |sensitive: Option<bool>, visibility: Option<&str>| {
        let mut params = serde_json::Map::new();
        if let Some(s) = sensitive {
            params.insert("sensitive".into(), s.into());
        }
        if let Some(v) = visibility {
            params.insert("visibility".into(), v.into());
        }
        Params::from_value(serde_json::Value::Object(params))
    };
    let (params, done) = match action.as_str() {
        "sensitive_on" => (
            update(Some(true), None),
            format!("Marked status #{id} as sensitive."),
        ),
        "sensitive_off" => (
            update(Some(false), None),
            format!("Marked status #{id} as not sensitive."),
        ),
        "visibility_public" | "visibility_unlisted" | "visibility_private" => {
            let visibility = action.trim_start_matches("visibility_");
            (
                update(None, Some(visibility)),
                format!(
                    "Status #{id} is now {}.",
                    visibility_label(visibility).to_lowercase()
                ),
            )
        }
        "delete" => return delete(&state, &form, &id, &back).await,
        _ => return failure(&back, "Couldn't change the status", &unknown_action()),
    };
    match statuses::update(&state, &form.caller, &id, &params).await {
        Ok(_) => notice(&back, &done),
        Err(e) => failure(&back, &format!("Couldn't update status #{id}"), &e),
    }
}

fn unknown_action() -> crate::error::AppError {
    crate::error::AppError::bad_request("Unknown action")
}

async fn delete(
    state: &AppState,
    form: &super::panel_forms::FormPost,
    id: &str,
    back: &str,
) -> Response {
    if form.text("confirmed") != "1" {
        let (path, search) = back.split_once('?').unwrap_or((back, ""));
        return see_other(&with_params(path, search, &[], &[(CONFIRM_DELETE, id)]));
    }
    let after = form.text("after_delete");
    let after = if after.is_empty() {
        back.to_string()
    } else {
        without_one_shots(&safe_back(&after, "/admin/statuses"))
    };
    match statuses::delete(state, &form.caller, id).await {
        Ok(_) => notice(&after, &format!("Deleted status #{id}.")),
        Err(e) => failure(back, &format!("Couldn't delete status #{id}"), &e),
    }
}

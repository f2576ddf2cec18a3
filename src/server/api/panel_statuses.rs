//! The statuses screens' writes as plain HTML form posts (ui.md §4.7), so each works with
//! JavaScript off. Like the users forms ([`super::panel_forms`]): the `csrf` field is checked
//! against the session, the same service function as `PUT`/`DELETE /statuses/:id` runs (same
//! authorisation, same log entries), and the answer is `303 See Other` back into `/admin` with
//! `?notice=` or `?error=`.
//!
//! Deleting is confirmed first: the post without `confirmed=1` returns to the page with
//! `confirm_delete=<id>` (one status) or `confirm_bulk_delete=<id>,<id>…` (the bulk bar), which
//! shows the confirmation.
//!
//! The bulk bar posts the checked statuses as `ids[]` (ui.md §4.7 "runs one request at a time
//! … and stops at the first error"): the whole list is checked first (at most
//! [`MAX_BULK_STATUSES`], every id an existing status), so a stale or forged list changes nothing;
//! then each status is changed in order, and the first refusal stops the run and says which status
//! it was and how far it got.

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};

use super::panel_forms::{error, failure, list, notice, read_form, safe_back, see_other, FormPost};
use super::params::Params;
use crate::error::AppError;
use crate::model::query::with_params;
use crate::model::statuses::{statuses_word, StatusAction, MAX_BULK_STATUSES};
use crate::server::service::statuses;
use crate::server::state::AppState;

/// The one-shot parameter that asks for the delete confirmation of one status.
pub const CONFIRM_DELETE: &str = "confirm_delete";
/// The one-shot parameter that asks for the delete confirmation of the bulk bar's statuses.
pub const CONFIRM_BULK_DELETE: &str = "confirm_bulk_delete";
/// How many refused ids an error names before "and N more".
const NAMED_IDS: usize = 5;
/// The longest id an error message repeats (forged ids may be anything).
const NAMED_ID_CHARS: usize = 40;

/// `back` without the one-shot parameters.
fn without_one_shots(back: &str) -> String {
    let (path, search) = back.split_once('?').unwrap_or((back, ""));
    with_params(
        path,
        search,
        &[
            CONFIRM_DELETE,
            CONFIRM_BULK_DELETE,
            "select",
            "notice",
            "error",
        ],
        &[],
    )
}

/// The parameters of `PUT /statuses/:id` for an update action.
fn update_params(sensitive: Option<bool>, visibility: Option<&str>) -> Params {
    let mut params = serde_json::Map::new();
    if let Some(s) = sensitive {
        params.insert("sensitive".into(), s.into());
    }
    if let Some(v) = visibility {
        params.insert("visibility".into(), v.into());
    }
    Params::from_value(serde_json::Value::Object(params))
}

/// Runs `action` on one status through the service layer.
async fn run(
    state: &AppState,
    caller: &crate::server::auth::Caller,
    action: StatusAction,
    id: &str,
) -> Result<(), AppError> {
    match action.update() {
        Some((sensitive, visibility)) => {
            statuses::update(state, caller, id, &update_params(sensitive, visibility)).await?;
        }
        None => {
            statuses::delete(state, caller, id).await?;
        }
    }
    Ok(())
}

/// `POST /admin/statuses/action`: `action` (`sensitive_on`, `sensitive_off`,
/// `visibility_public|unlisted|private`, or `visibility` with a `visibility` field, `delete`) on
/// one status (`id`) or on the bulk bar's checked statuses (`ids[]`), back to `back` (deleting one
/// may go to `after_delete` instead, e.g. from the status's own page).
pub async fn status_action(State(state): State<AppState>, request: Request) -> Response {
    let form = match read_form(&state, request).await {
        Ok(form) => form,
        Err(e) => return e.into_response(),
    };
    let back = without_one_shots(&safe_back(&form.text("back"), "/admin/statuses"));
    let id = form.text("id");
    let action = StatusAction::from_key(&form.text("action"), &form.text("visibility"));
    if id.is_empty() {
        return bulk(&state, &form, action, &back).await;
    }
    let Some(action) = action else {
        return failure(&back, "Couldn't change the status", &unknown_action());
    };
    let done = match action {
        StatusAction::SensitiveOn => format!("Marked status #{id} as sensitive."),
        StatusAction::SensitiveOff => format!("Marked status #{id} as not sensitive."),
        StatusAction::Visibility(v) => format!(
            "Status #{id} is now {}.",
            crate::model::statuses::visibility_label(v).to_lowercase()
        ),
        StatusAction::Delete => return delete(&state, &form, &id, &back).await,
    };
    match run(&state, &form.caller, action, &id).await {
        Ok(()) => notice(&back, &done),
        Err(e) => failure(&back, &format!("Couldn't update status #{id}"), &e),
    }
}

/// "#a, #b and 3 more" for ids an error names.
fn named_ids(ids: &[String]) -> String {
    let mut named: Vec<String> = ids
        .iter()
        .take(NAMED_IDS)
        .map(|id| {
            let short: String = id.chars().take(NAMED_ID_CHARS).collect();
            if short.len() < id.len() {
                format!("#{short}…")
            } else {
                format!("#{short}")
            }
        })
        .collect();
    if ids.len() > NAMED_IDS {
        named.push(format!("and {} more", ids.len() - NAMED_IDS));
    }
    named.join(", ")
}

/// The bulk bar's post: checks the whole list, asks before deleting, then runs the action on each
/// status in order and stops at the first refusal.
async fn bulk(
    state: &AppState,
    form: &FormPost,
    action: Option<StatusAction>,
    back: &str,
) -> Response {
    let Some(action) = action else {
        return error(back, "Choose an action first.");
    };
    let ids = list(&form.params, "ids");
    if ids.is_empty() {
        return error(back, "Select at least one status first.");
    }
    if ids.len() > MAX_BULK_STATUSES {
        return error(
            back,
            &format!(
                "Nothing changed: select at most {MAX_BULK_STATUSES} statuses at a time ({} were sent).",
                ids.len()
            ),
        );
    }
    let prefix = format!("Couldn't change {} {}", ids.len(), statuses_word(ids.len()));
    match statuses::unknown_ids(state, &form.caller, &ids).await {
        Ok(unknown) if unknown.is_empty() => {}
        Ok(unknown) => {
            return error(
                back,
                &format!(
                    "Nothing changed: no status has the id {}. Reload the page and try again.",
                    named_ids(&unknown)
                ),
            )
        }
        Err(e) => return failure(back, &prefix, &e),
    }
    if action == StatusAction::Delete && form.text("confirmed") != "1" {
        let (path, search) = back.split_once('?').unwrap_or((back, ""));
        return see_other(&with_params(
            path,
            search,
            &[],
            &[(CONFIRM_BULK_DELETE, &ids.join(","))],
        ));
    }
    for (n, id) in ids.iter().enumerate() {
        if let Err(e) = run(state, &form.caller, action, id).await {
            if e.message() == "Invalid credentials." {
                return failure(back, &prefix, &e);
            }
            return error(back, &action.stopped(id, n + 1, ids.len(), &e.message()));
        }
    }
    notice(back, &action.done(ids.len()))
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

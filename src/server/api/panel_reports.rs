//! The report screens' writes as plain HTML form posts (ui.md §4.6), so each works with JavaScript
//! off. Like the users forms ([`super::panel_forms`]): the `csrf` field is checked against the
//! session, the same service function as the REST Admin API runs (same authorisation, same log
//! entries), and the answer is `303 See Other` back into `/admin` with `?notice=` or `?error=`.
//!
//! Deleting a note is confirmed first: the post without `confirmed=1` returns to the report page
//! with `confirm_note=`, which shows the confirmation in place. The reported statuses are moderated
//! through the statuses screens' form ([`super::panel_statuses`]).

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::panel_forms::{
    back_with, error, failure, list, notice, read_form, safe_back, see_other,
};
use super::params::Params;
use crate::error::AppError;
use crate::model::query::{encode_component, with_params};
use crate::model::reports::ReportState;
use crate::server::auth::Caller;
use crate::server::service::reports;
use crate::server::state::AppState;

/// The report page of `id`.
pub(crate) fn report_page(id: &str) -> String {
    format!("/admin/reports/{}", encode_component(id))
}

/// `back` without the one-shot confirmation parameters.
fn without_confirmations(back: &str) -> String {
    let (path, search) = back.split_once('?').unwrap_or((back, ""));
    with_params(path, search, &["confirm_note", "confirm_delete"], &[])
}

/// "@bob" for the reported account of a report, "a removed account" when it is gone.
pub(crate) async fn reported_nick(state: &AppState, caller: &Caller, id: &str) -> String {
    reports::show(state, caller, id)
        .await
        .ok()
        .and_then(|r| {
            r.get("account")
                .and_then(|a| a.get("nickname"))
                .and_then(Value::as_str)
                .map(|n| format!("@{n}"))
        })
        .unwrap_or_else(|| "a removed account".to_string())
}

/// The open report to work on after `after`: the next older open one, else the newest open one.
pub(crate) async fn next_open(state: &AppState, caller: &Caller, after: &str) -> Option<String> {
    for params in [
        json!({"state": "open", "page_size": 1, "max_id": after}),
        json!({"state": "open", "page_size": 1}),
    ] {
        let page = reports::list(state, caller, &Params::from_value(params))
            .await
            .ok()?;
        let id = page
            .get("reports")
            .and_then(|r| r.get(0))
            .and_then(|r| r.get("id"))
            .and_then(Value::as_str)
            .filter(|id| *id != after)
            .map(str::to_string);
        if id.is_some() {
            return id;
        }
    }
    None
}

/// `POST /admin/reports/action`: one state for the checked reports (`ids` + `state`) as ONE
/// `PATCH /reports` batch, or a single report's button (`row=<state>:<id>`). The `next=<state>`
/// button does the same and then goes on to the next open report ("Resolve and open next").
pub async fn reports_action(State(state): State<AppState>, request: Request) -> Response {
    let form = match read_form(&state, request).await {
        Ok(form) => form,
        Err(e) => return e.into_response(),
    };
    let back = without_confirmations(&safe_back(&form.text("back"), "/admin/reports"));
    let row = form.text("row");
    // "Resolve and open next" is a button of its own: `next=<state>`.
    let next = form.text("next");
    let (key, ids) = match row.split_once(':') {
        Some((s, id)) => (s.to_string(), vec![id.to_string()]),
        None if !next.is_empty() => (next.clone(), list(&form.params, "ids")),
        None => (form.text("state"), list(&form.params, "ids")),
    };
    let Some(new_state) = ReportState::from_key(&key) else {
        return error(&back, "Choose Resolve, Close or Reopen.");
    };
    if ids.is_empty() {
        return error(&back, "Select at least one report first.");
    }
    let items: Vec<Value> = ids
        .iter()
        .map(|id| json!({"id": id, "state": new_state.key()}))
        .collect();
    let params = Params::from_value(json!({ "reports": items }));
    match reports::update_states(&state, &form.caller, &params).await {
        Ok(()) => {}
        Err(AppError::Shaped(status, Value::Array(failures)))
            if status == StatusCode::BAD_REQUEST =>
        {
            let listed: Vec<String> = failures
                .iter()
                .map(|f| {
                    let id = f.get("id").and_then(Value::as_str).unwrap_or("(no id)");
                    let why = f.get("error").and_then(Value::as_str).unwrap_or("refused");
                    let why = if why == "not_found" { "not found" } else { why };
                    format!("#{id} ({why})")
                })
                .collect();
            return error(
                &back,
                &format!(
                    "Nothing changed. These reports were refused: {}.",
                    listed.join(", ")
                ),
            );
        }
        Err(e) => {
            let prefix = if ids.len() == 1 {
                format!("Couldn't {} the report", new_state.verb().to_lowercase())
            } else {
                format!(
                    "Couldn't {} {} reports",
                    new_state.verb().to_lowercase(),
                    ids.len()
                )
            };
            return failure(&back, &prefix, &e);
        }
    }
    let text = match ids.as_slice() {
        [one] => format!(
            "{} the report about {}.",
            new_state.done(),
            reported_nick(&state, &form.caller, one).await
        ),
        many => format!("{} {} reports.", new_state.done(), many.len()),
    };
    if !next.is_empty() {
        let current = ids.first().cloned().unwrap_or_default();
        return match next_open(&state, &form.caller, &current).await {
            Some(next) => notice(
                &report_page(&next),
                &format!("{text} Here is the next open report."),
            ),
            None => notice("/admin/reports", &format!("{text} No open reports left.")),
        };
    }
    notice(&back, &text)
}

/// `POST /admin/reports/{id}/notes` with `content`.
pub async fn add_note(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let form = match read_form(&state, request).await {
        Ok(form) => form,
        Err(e) => return e.into_response(),
    };
    let back = without_confirmations(&safe_back(&form.text("back"), &report_page(&id)));
    let content = form.text("content");
    let params = Params::from_value(json!({ "content": content }));
    match reports::add_note(&state, &form.caller, &id, &params).await {
        Ok(()) => notice(&back, "Added your note."),
        Err(e) => {
            let message = e.message();
            if message == "Invalid credentials." {
                return failure(&back, "", &e);
            }
            // The typed note comes back into the box (it is the moderator's own text).
            see_other(&back_with(
                &back,
                &[
                    ("error", &format!("Couldn't add the note: {message}")),
                    ("note", &content),
                ],
            ))
        }
    }
}

/// `POST /admin/reports/{id}/notes/delete` with `note_id` (and `confirmed=1`).
pub async fn delete_note(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let form = match read_form(&state, request).await {
        Ok(form) => form,
        Err(e) => return e.into_response(),
    };
    let back = without_confirmations(&safe_back(&form.text("back"), &report_page(&id)));
    let note_id = form.text("note_id");
    if form.text("confirmed") != "1" {
        return see_other(&back_with(&back, &[("confirm_note", &note_id)]));
    }
    match reports::delete_note(&state, &form.caller, &id, &note_id).await {
        Ok(()) => notice(&back, "Deleted the note."),
        Err(e) => failure(&back, "Couldn't delete the note", &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmations_do_not_stick() {
        assert_eq!(
            without_confirmations("/admin/reports/x?confirm_note=3&notice=a"),
            "/admin/reports/x?notice=a"
        );
        assert_eq!(report_page("a b"), "/admin/reports/a%20b");
    }
}

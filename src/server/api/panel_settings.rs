//! The settings screen's writes as plain HTML form posts (ui.md §4.11), so saving a tab, resetting
//! a setting and restarting work with JavaScript off. Like the other panel forms
//! ([`super::panel_forms`]): the `csrf` field is checked against the session, the same service
//! functions as the REST Admin API run (admin only, same log entries), and the answer is
//! `303 See Other` back to the tab with `?notice=` or `?error=`.
//!
//! The form lists the fields it showed (`shown`), so a switch that is off (an unchecked box sends
//! nothing) is told apart from a field the form did not show. Without JavaScript every setting
//! whose widget needs it is a JSON text box ([`Widget::plain`]). The changes are built by
//! [`build_changes`], as in the hydrated panel, so both send the same `POST /config` items.
//!
//! "Edit as JSON" without JavaScript: every other field also posts its value as JSON under
//! `<id>-json` (a `<details>` under the widget). That box wins when it differs from the value
//! loaded (reformatting is no change), so an untouched box never undoes an edit of the widget.
//! The privilege matrix posts its checkboxes under the two list fields' names, as checklists.
//! A refusal names its field (`invalid=<id>&why=<problem>`), so the tab shows it beside the field.

use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::panel_forms::{back_with, error, failure, list, notice, read_form, see_other, FormPost};
use crate::model::config::description::SettingsTab;
use crate::model::settings::{build_changes, json_changes, Draft, Field, FieldInput, Widget};
use crate::server::service::config;
use crate::server::state::AppState;
use crate::serverfns::settings::glue;

/// The page of a tab.
fn tab_page(tab: SettingsTab) -> String {
    format!("/admin/settings/{}", tab.slug())
}

/// A posted text with the line breaks browsers send (`\r\n`) as `\n`.
fn posted(form: &FormPost, name: &str) -> String {
    match form.params.raw(name) {
        Some(Value::String(s)) => s.replace("\r\n", "\n"),
        Some(Value::Array(items)) => items
            .first()
            .and_then(Value::as_str)
            .unwrap_or_default()
            .replace("\r\n", "\n"),
        _ => String::new(),
    }
}

/// The edit a JavaScript-off form made to `field`, or `None` when it left the field as it was.
fn draft_from_form(form: &FormPost, field: &Field) -> Option<Draft> {
    let json_name = format!("{}-json", field.id);
    if form.params.raw(&json_name).is_some() {
        let text = posted(form, &json_name);
        if json_changes(field, &text) {
            return Some(Draft {
                widget: Widget::Json,
                input: FieldInput::Text(text),
            });
        }
    }
    let widget = field.widget_for(field.widget.plain());
    let input = match widget {
        Widget::Switch => {
            FieldInput::Bool(matches!(posted(form, &field.id).as_str(), "on" | "true"))
        }
        Widget::Checklist => {
            let checked = list(&form.params, &field.id);
            // Order is not a change: the boxes come in suggestion order.
            if let FieldInput::List(before) = field.initial(widget) {
                let mut a = before.clone();
                let mut b = checked.clone();
                a.sort();
                b.sort();
                if a == b {
                    return None;
                }
            }
            FieldInput::List(checked)
        }
        Widget::Json => {
            let text = posted(form, &field.id);
            let unchanged = match serde_json::from_str::<Value>(&text) {
                Ok(value) => field.current.as_ref() == Some(&value),
                Err(_) => text.trim().is_empty() && field.current.is_none(),
            };
            if unchanged {
                return None;
            }
            FieldInput::Text(text)
        }
        _ => FieldInput::Text(posted(form, &field.id)),
    };
    Some(Draft { widget, input })
}

/// `POST /admin/settings/{tab}`: saves the tab's shown fields; `reset=<id>` resets one setting and
/// `restart=1` restarts (both confirmed first: without `confirmed=1` the tab opens its
/// confirmation).
pub async fn settings_form(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
) -> Response {
    let form = match read_form(&state, request).await {
        Ok(form) => form,
        Err(e) => return e.into_response(),
    };
    let Some(tab) = SettingsTab::from_slug(&slug) else {
        return error(
            &tab_page(SettingsTab::Instance),
            "There is no such settings tab. Nothing was saved.",
        );
    };
    let back = tab_page(tab);
    let screen = match glue::load(&state, &form.caller).await {
        Ok(screen) => screen,
        Err(e) => return failure(&back, "Couldn't save the settings", &e),
    };
    let confirmed = form.text("confirmed") == "1";
    if form.text("restart") == "1" {
        if !confirmed {
            return see_other(&back_with(&back, &[("confirm_restart", "1")]));
        }
        return match config::restart(&state, &form.caller).await {
            Ok(_) => notice(&back, "Restarted: every saved setting is now in effect."),
            Err(e) => failure(&back, "Couldn't restart", &e),
        };
    }
    let reset = form.text("reset");
    if !reset.is_empty() {
        let Some(change) = screen.reset_change(tab, &reset) else {
            return error(&back, "That setting has nothing stored to reset.");
        };
        if !confirmed {
            return see_other(&back_with(&back, &[("confirm_reset", &reset)]));
        }
        let what = format!("{} {}", change.group, change.key);
        let what = match &change.subkeys {
            Some(subkeys) => format!("{what} {}", subkeys.join(", ")),
            None => what,
        };
        return match config::update_changes(&state, &form.caller, &[change]).await {
            Ok(_) => notice(&back, &format!("Reset {what} to its default.")),
            Err(e) => failure(&back, "Couldn't reset the setting", &e),
        };
    }
    let shown = list(&form.params, "shown");
    let fields = screen.fields(tab);
    let changes = match build_changes(&fields, |field| {
        if shown.contains(&field.id) {
            draft_from_form(&form, field)
        } else {
            None
        }
    }) {
        Ok(changes) => changes,
        Err(problems) => {
            let first = problems.first().cloned();
            let listed: Vec<String> = problems
                .iter()
                .map(|(id, problem)| {
                    let label = fields
                        .iter()
                        .find(|f| &f.id == id)
                        .map(|f| f.label.clone())
                        .unwrap_or_default();
                    format!("{label}: {problem}")
                })
                .collect();
            let message = format!("Nothing was saved. {}.", listed.join("; "));
            return match first {
                Some((id, why)) => see_other(&back_with(
                    &back,
                    &[("error", &message), ("invalid", &id), ("why", &why)],
                )),
                None => error(&back, &message),
            };
        }
    };
    if changes.is_empty() {
        return notice(&back, "Nothing changed.");
    }
    let saved: Vec<String> = changes.iter().map(|c| c.key.clone()).collect();
    match config::update_changes(&state, &form.caller, &changes).await {
        Ok(answer) => {
            let restart = if answer.need_reboot {
                " Some changes need a restart."
            } else {
                ""
            };
            notice(&back, &format!("Saved {}.{restart}", saved.join(", ")))
        }
        Err(e) => failure(&back, "Nothing was saved", &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_tab_pages() {
        assert_eq!(
            tab_page(SettingsTab::MediaProxy),
            "/admin/settings/media_proxy"
        );
    }
}

//! A filter field that suggests accounts while typing (ui.md §4.6: the queue's reported-account and
//! reporter filters "(autocomplete)").
//!
//! Without JavaScript it is a plain text field submitted with its filter form (a nickname typed
//! exactly, or an id). Hydrated it becomes an ARIA 1.2 combobox with a list popup: typing asks
//! the server for up to eight matching accounts (debounced 300 ms, like the users search), Up and
//! Down move through them, Enter or a click picks one, Escape closes the list. Picking calls
//! `on_pick`, which applies the filter. A `<datalist>` would be simpler, but browsers neither say
//! when an entry was picked nor let a test choose one, so this follows the combobox pattern.

use std::time::Duration;

use leptos::prelude::*;

use crate::model::reports::AccountSuggestion;
use crate::serverfns::reports::suggest_accounts;

/// The typed text without its leading `@` and spaces.
fn search_term(text: &str) -> String {
    text.trim().trim_start_matches('@').to_string()
}

#[component]
pub fn AccountFilterField(
    /// The input's id (the list's and options' ids derive from it).
    id: &'static str,
    /// The form field name (`account`, `actor`).
    name: &'static str,
    label: &'static str,
    /// The name of the suggestion list ("Suggested reporters").
    list_label: &'static str,
    /// The filter as the URL has it.
    value: String,
    /// Called with the picked account's nickname.
    on_pick: Callback<String>,
) -> impl IntoView {
    // The combobox roles only once the script runs: without it the field is a plain text box.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let suggestions: RwSignal<Vec<AccountSuggestion>> = RwSignal::new(Vec::new());
    let open = RwSignal::new(false);
    let active: RwSignal<Option<usize>> = RwSignal::new(None);
    let timer = StoredValue::new(None::<TimeoutHandle>);
    // Answers to older keystrokes are dropped.
    let generation = StoredValue::new(0u64);
    let input = NodeRef::<leptos::html::Input>::new();
    let list_id = format!("{id}-suggestions");
    let option_id = move |n: usize| format!("{id}-option-{n}");
    let close = move || {
        open.set(false);
        active.set(None);
    };
    let on_input = move |ev: leptos::ev::Event| {
        let term = search_term(&event_target_value(&ev));
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
        let current = generation.get_value() + 1;
        generation.set_value(current);
        if term.is_empty() {
            suggestions.set(Vec::new());
            close();
            return;
        }
        let handle = set_timeout_with_handle(
            move || {
                leptos::task::spawn_local(async move {
                    // A failed lookup just offers nothing: the field still works as typed.
                    let found = suggest_accounts(term).await.unwrap_or_default();
                    if generation.get_value() != current {
                        return;
                    }
                    active.set(None);
                    open.set(!found.is_empty());
                    suggestions.set(found);
                });
            },
            Duration::from_millis(300),
        )
        .ok();
        timer.set_value(handle);
    };
    let pick = move |n: usize| {
        let Some(chosen) = suggestions.with_untracked(|list| list.get(n).cloned()) else {
            return;
        };
        generation.set_value(generation.get_value() + 1);
        if let Some(field) = input.get_untracked() {
            field.set_value(&chosen.nickname);
        }
        close();
        on_pick.run(chosen.nickname);
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let n = suggestions.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if n > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| {
                    *a = Some(match *a {
                        Some(i) if i + 1 < n => i + 1,
                        _ => 0,
                    })
                });
            }
            "ArrowUp" if n > 0 => {
                ev.prevent_default();
                open.set(true);
                active.update(|a| {
                    *a = Some(match *a {
                        Some(i) if i > 0 => i - 1,
                        _ => n - 1,
                    })
                });
            }
            "Enter" if open.get_untracked() => {
                if let Some(i) = active.get_untracked() {
                    ev.prevent_default();
                    pick(i);
                }
            }
            "Escape" if open.get_untracked() => {
                ev.prevent_default();
                close();
            }
            _ => {}
        }
    };
    let listbox_id = list_id.clone();
    let options = move || {
        suggestions
            .get()
            .into_iter()
            .enumerate()
            .map(|(n, s)| {
                let selected = move || (active.get() == Some(n)).to_string();
                let name = (s.display_name != s.nickname && !s.display_name.is_empty())
                    .then(|| view! { " " <span class="muted">{s.display_name.clone()}</span> });
                view! {
                    <li id=option_id(n) role="option" class="combobox-option" aria-selected=selected
                        on:mousedown=|ev: leptos::ev::MouseEvent| ev.prevent_default()
                        on:click=move |_| pick(n)>
                        <span class="combobox-nick">"@" {s.nickname.clone()}</span>
                        {name}
                        {(!s.local).then(|| view! { " " <span class="badge">"Remote"</span> })}
                        {s.deactivated.then(|| view! { " " <span class="badge danger">"Deactivated"</span> })}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="field grow combobox">
            <label for=id>{label}</label>
            <input id=id name=name value=value node_ref=input placeholder="nickname or ID"
                autocomplete="off" spellcheck="false"
                role=move || hydrated.get().then_some("combobox")
                aria-autocomplete=move || hydrated.get().then_some("list")
                aria-expanded=move || hydrated.get().then(|| open.get().to_string())
                aria-controls=move || hydrated.get().then(|| listbox_id.clone())
                aria-activedescendant=move || active.get().filter(|_| open.get()).map(option_id)
                on:input=on_input on:keydown=on_keydown on:blur=move |_| close()/>
            <ul id=list_id role="listbox" class="combobox-list" aria-label=list_label
                hidden=move || !open.get()>
                {options}
            </ul>
        </div>
    }
}

//! One setting of the settings form (config.md §10): label, description, source and effect badges,
//! "Reset to default", and the widget its description asks for. Widgets that need JavaScript (tags,
//! key/value rows, tuples, rate limits…) are JSON text boxes until the page is hydrated, so the
//! JavaScript-off form can post them too.
//!
//! "Edit as JSON" (ui.md §4.11): hydrated, a toggle button swaps the widget for a text box holding
//! the field's value in the API's JSON form, checked as it is typed ([`check_json`]); while it is
//! open, its JSON is what Save sends, and closing it puts a value that fits back into the widget.
//! Without JavaScript the same box sits in a `<details>` under the widget, posted as `<id>-json`;
//! the form handler saves it instead of the widget when it differs from the value loaded.

use leptos::prelude::*;
use serde_json::Value;

use super::FieldDraft;
use crate::model::config::description::StewardEffect;
use crate::model::settings::{
    check_json, decode, effect_label, json_changes, json_text_of, loose_text, pretty, Field,
    FieldInput, Source, Widget,
};
use crate::ui::components::textarea::textarea_text;

/// A description as text paragraphs, with `code` spans; never HTML.
#[component]
pub fn DescriptionText(#[prop(into)] text: String, #[prop(into)] id: String) -> impl IntoView {
    let paragraphs: Vec<String> = text
        .split("\n\n")
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    (!paragraphs.is_empty()).then(|| {
        view! {
            <div class="setting-description hint" id=id>
                {paragraphs.into_iter().map(|p| {
                    let spans = p.split('`').enumerate().map(|(i, part)| {
                        let part = part.to_string();
                        if i % 2 == 1 {
                            view! { <code>{part}</code> }.into_any()
                        } else {
                            part.into_any()
                        }
                    }).collect_view();
                    view! { <p>{spans}</p> }
                }).collect_view()}
            </div>
        }
    })
}

/// The source and effect badges.
#[component]
pub fn SettingBadges(source: Option<Source>, effect: StewardEffect) -> impl IntoView {
    let effect_class = match effect {
        StewardEffect::Live => "badge ok",
        StewardEffect::Reboot => "badge warn",
        StewardEffect::None => "badge muted",
    };
    view! {
        <span class="setting-badges">
            {source.map(|s| {
                let class = if s == Source::Database { "badge info" } else { "badge" };
                view! { <span class=class title="Where the value comes from">{format!("Source: {}", s.label())}</span> }
            })}
            <span class=effect_class title="When a change takes effect">{effect_label(effect)}</span>
        </span>
    }
}

fn text_of(input: &FieldInput) -> String {
    match input {
        FieldInput::Text(s) => s.clone(),
        _ => String::new(),
    }
}

fn parts_of(input: &FieldInput) -> Vec<String> {
    match input {
        FieldInput::Parts(p) => p.clone(),
        _ => Vec::new(),
    }
}

fn list_of(input: &FieldInput) -> Vec<String> {
    match input {
        FieldInput::List(l) => l.clone(),
        _ => Vec::new(),
    }
}

fn rows_of(input: &FieldInput) -> Vec<(String, String)> {
    match input {
        FieldInput::Rows(r) => r.clone(),
        _ => Vec::new(),
    }
}

/// A suggestion as the text a widget shows (`":all"`, `"Pleroma.X"`, `false`).
fn suggestion_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One field: everything around the widget.
#[component]
pub fn SettingField(
    field: Field,
    draft: FieldDraft,
    hydrated: ReadSignal<bool>,
    error: Signal<Option<String>>,
    reset_href: Option<String>,
    visible: Signal<bool>,
) -> impl IntoView {
    let FieldDraft { input: draft, json } = draft;
    let initial = field.initial(field.widget);
    let changed = {
        let field = field.clone();
        Memo::new(move |_| match json.get() {
            Some(text) => json_changes(&field, &text),
            None => draft.with(|d| *d != initial),
        })
    };
    // Only whether the box is open: the widget is not redrawn on every keystroke.
    let json_open = Memo::new(move |_| json.with(Option::is_some));
    let desc_id = format!("{}-desc", field.id);
    let err_id = format!("{}-error", field.id);
    let dimmed = field.effect == StewardEffect::None;
    let widget = field.widget_for(field.widget);
    let plain = widget.is_plain();
    let label = field.label.clone();
    let depth = field.depth.min(4).to_string();
    let id = field.id.clone();
    let editable = field.editable;
    let key_text = field
        .path
        .last()
        .cloned()
        .unwrap_or_else(|| field.key.clone());
    let adapter = field.subgroup.clone();
    let json_able = editable && widget != Widget::Json;
    let control = {
        let field = field.clone();
        move || {
            if json_able && hydrated.get() && json_open.get() {
                json_editor(&field, json).into_any()
            } else if plain || hydrated.get() {
                rich_widget(&field, widget, draft).into_any()
            } else {
                json_box(&field).into_any()
            }
        }
    };
    let json_toggle = {
        let field = field.clone();
        move || {
            (json_able && hydrated.get())
                .then(|| json_toggle(&field, widget, draft, json, json_open))
        }
    };
    // Without JavaScript: the same JSON box under a widget the form posts as is.
    let json_details = {
        let field = field.clone();
        move || (json_able && plain && !hydrated.get()).then(|| json_details(&field))
    };
    view! {
        <div class="setting" class:changed=move || changed.get() class:dimmed=dimmed data-depth=depth
            hidden=move || !visible.get()>
            {move || (visible.get() && editable).then(|| view! {
                <input type="hidden" name="shown" value=id.clone()/>
            })}
            <div class="setting-head">
                {if matches!(widget, Widget::Switch | Widget::Checklist | Widget::Sender | Widget::KeywordRows
                    | Widget::MapRows | Widget::Tuple | Widget::RateLimit | Widget::ProxyUrl | Widget::Optional) {
                    view! { <span class="setting-label" id=format!("{}-label", field.id)>{label.clone()}</span> }.into_any()
                } else {
                    view! { <label class="setting-label" for=field.id.clone() id=format!("{}-label", field.id)>{label.clone()}</label> }.into_any()
                }}
                <code class="setting-key">{key_text}</code>
                <SettingBadges source=Some(field.source) effect=field.effect/>
                {move || changed.get().then(|| view! { <span class="badge warn">"Changed"</span> })}
                {reset_href.map(|href| view! {
                    <a class="button small" href=href aria-label=format!("Reset {} to default", field.label)>"Reset to default"</a>
                })}
            </div>
            {adapter.map(|a| view! { <p class="hint small">{format!("Only for {a}.")}</p> })}
            <DescriptionText text=field.description.clone() id=desc_id/>
            {(!editable).then(|| view! { <p class="hint small">"Read-only: database_config_whitelist doesn't allow saving this setting."</p> })}
            <div class="setting-control">{control}</div>
            {json_toggle}
            {json_details}
            <p class="form-error" id=err_id role="alert">{move || error.get()}</p>
        </div>
    }
}

/// The hydrated "Edit as JSON" toggle: opening it fills the box with the widget's value; closing
/// it puts the JSON back into the widget when it fits (else it says why and stays open).
fn json_toggle(
    field: &Field,
    widget: Widget,
    draft: RwSignal<FieldInput>,
    json: RwSignal<Option<String>>,
    open: Memo<bool>,
) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let problem_id = format!("{}-json-toggle", field.id);
    let toggle = {
        let field = field.clone();
        move |_| {
            problem.set(None);
            let Some(text) = json.get_untracked() else {
                json.set(Some(json_text_of(&field, widget, &draft.get_untracked())));
                return;
            };
            match check_json(&text) {
                Ok(value) => match decode(widget, value.as_ref()) {
                    Some(input) => {
                        draft.set(input);
                        json.set(None);
                    }
                    None => problem.set(Some(
                        "This value doesn't fit the form editor: keep editing it as JSON.".into(),
                    )),
                },
                Err(e) => problem.set(Some(format!("Fix the JSON first: {e}"))),
            }
        }
    };
    view! {
        <div class="button-row json-toggle">
            <button type="button" class="small" aria-pressed=move || open.get().to_string()
                aria-label=format!("Edit {} as JSON", field.label) aria-describedby=problem_id.clone()
                on:click=toggle>
                {move || if open.get() { "Back to the form" } else { "Edit as JSON" }}
            </button>
            <span class="form-error small" id=problem_id role="alert">{move || problem.get()}</span>
        </div>
    }
}

/// The hydrated JSON box, checked as it is typed.
fn json_editor(field: &Field, json: RwSignal<Option<String>>) -> impl IntoView {
    let id = format!("{}-json", field.id);
    let err_id = format!("{}-json-error", field.id);
    let start = json.get_untracked().unwrap_or_default();
    let rows = start.lines().count().clamp(2, 12).to_string();
    let problem = move || json.with(|t| t.as_deref().and_then(|t| check_json(t).err()));
    view! {
        <label class="small" for=id.clone()>{format!("{} as JSON", field.label)}</label>
        <textarea id=id.clone() name=id class="code" rows=rows aria-describedby=err_id.clone()
            aria-invalid=move || problem().is_some().to_string()
            prop:value=move || json.get().unwrap_or_default()
            on:input=move |ev| json.set(Some(event_target_value(&ev)))>{textarea_text(start)}</textarea>
        <p class="form-error" id=err_id role="alert">{problem}</p>
    }
}

/// "Edit as JSON" without JavaScript: a `<details>` with the value as JSON, posted as `<id>-json`.
fn json_details(field: &Field) -> impl IntoView {
    let id = format!("{}-json", field.id);
    let text = pretty(field.current.as_ref());
    let rows = text.lines().count().clamp(2, 12).to_string();
    view! {
        <details class="json-edit">
            <summary>{format!("Edit {} as JSON", field.label)}</summary>
            <label class="small" for=id.clone()>{format!("{} as JSON", field.label)}</label>
            <textarea id=id.clone() name=id class="code" rows=rows>{textarea_text(text)}</textarea>
            <p class="hint small">"When this JSON is changed, it is saved instead of the field above."</p>
        </details>
    }
}

/// The JSON text box that stands in for a widget that needs JavaScript.
fn json_box(field: &Field) -> impl IntoView {
    let text = match field.initial(Widget::Json) {
        FieldInput::Text(t) => t,
        _ => String::new(),
    };
    let rows = text.lines().count().clamp(2, 12).to_string();
    view! {
        <label class="sr-only" for=field.id.clone()>{format!("{} (JSON)", field.label)}</label>
        <textarea id=field.id.clone() name=field.id.clone() class="code" rows=rows
            disabled=!field.editable aria-describedby=format!("{}-desc", field.id)>{textarea_text(text)}</textarea>
        <p class="hint small">"JSON. Turn on JavaScript for a form editor."</p>
    }
}

/// The widget itself (config.md §10).
fn rich_widget(field: &Field, widget: Widget, draft: RwSignal<FieldInput>) -> AnyView {
    let id = field.id.clone();
    let name = field.id.clone();
    let disabled = !field.editable;
    let described = format!("{}-desc {}-error", field.id, field.id);
    let label = field.label.clone();
    let placeholder = field
        .suggestions
        .first()
        .map(suggestion_text)
        .unwrap_or_default();
    let set_text =
        move |ev: leptos::ev::Event| draft.set(FieldInput::Text(event_target_value(&ev)));
    let text_now = move || draft.with(text_of);
    let start = draft.with_untracked(text_of);
    match widget {
        Widget::Text => view! {
            <input type="text" id=id name=name value=start prop:value=text_now on:input=set_text
                placeholder=placeholder disabled=disabled aria-describedby=described autocomplete="off"/>
        }
        .into_any(),
        Widget::TextArea | Widget::Json => {
            let class = if widget == Widget::Json { "code" } else { "" };
            view! {
                <textarea id=id name=name class=class rows="4" prop:value=text_now on:input=set_text
                    placeholder=placeholder disabled=disabled aria-describedby=described>{textarea_text(start)}</textarea>
            }
            .into_any()
        }
        Widget::Image => {
            let preview = move || {
                let url = draft.with(text_of);
                (url.starts_with('/') || url.starts_with("https://") || url.starts_with("http://"))
                    .then(|| view! { <img class="setting-preview" src=url alt=format!("Preview of {label}")/> })
            };
            view! {
                <input type="text" inputmode="url" id=id name=name value=start prop:value=text_now on:input=set_text
                    placeholder=placeholder disabled=disabled aria-describedby=described autocomplete="off"/>
                {preview}
            }
            .into_any()
        }
        Widget::Number => view! {
            <input type="number" min="0" step="1" inputmode="numeric" id=id name=name value=start
                prop:value=text_now on:input=set_text placeholder=placeholder disabled=disabled
                aria-describedby=described/>
        }
        .into_any(),
        Widget::Atom => view! {
            <span class="atom-input">
                <span class="atom-prefix" aria-hidden="true">":"</span>
                <input type="text" id=id name=name value=start prop:value=text_now on:input=set_text
                    placeholder=placeholder.trim_start_matches(':').to_string() disabled=disabled
                    aria-describedby=described autocomplete="off"/>
            </span>
        }
        .into_any(),
        Widget::Select => {
            let list_id = format!("{id}-options");
            let options = field
                .suggestions
                .iter()
                .map(|s| view! { <option value=suggestion_text(s)></option> })
                .collect_view();
            view! {
                <input type="text" id=id name=name list=list_id.clone() value=start prop:value=text_now
                    on:input=set_text disabled=disabled aria-describedby=described autocomplete="off"
                    placeholder="Not set"/>
                <datalist id=list_id>{options}</datalist>
            }
            .into_any()
        }
        Widget::Switch => {
            let on = draft.with_untracked(|d| matches!(d, FieldInput::Bool(true)));
            view! {
                <label class="switch">
                    <input type="checkbox" role="switch" id=id name=name value="on" checked=on
                        prop:checked=move || draft.with(|d| matches!(d, FieldInput::Bool(true)))
                        on:change=move |ev| draft.set(FieldInput::Bool(event_target_checked(&ev)))
                        disabled=disabled aria-describedby=described/>
                    <span>{label}</span>
                </label>
            }
            .into_any()
        }
        Widget::Checklist => {
            let mut options: Vec<String> = field.suggestions.iter().map(suggestion_text).collect();
            for item in draft.with_untracked(list_of) {
                if !options.contains(&item) {
                    options.push(item);
                }
            }
            let boxes = options
                .into_iter()
                .map(|option| {
                    let on = draft.with_untracked(|d| list_of(d).contains(&option));
                    let value = option.clone();
                    let toggle = {
                        let option = option.clone();
                        move |ev: leptos::ev::Event| {
                            let checked = event_target_checked(&ev);
                            draft.update(|d| {
                                let mut items = list_of(d);
                                items.retain(|i| *i != option);
                                if checked {
                                    items.push(option.clone());
                                }
                                *d = FieldInput::List(items);
                            });
                        }
                    };
                    let shown = option.trim_start_matches(':').to_string();
                    let check = option.clone();
                    view! {
                        <label class="check">
                            <input type="checkbox" name=name.clone() value=value checked=on
                                prop:checked=move || draft.with(|d| list_of(d).contains(&check))
                                on:change=toggle disabled=disabled/>
                            <span>{shown}</span>
                        </label>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="plain checklist" aria-labelledby=format!("{id}-label") aria-describedby=described>
                    {boxes}
                </fieldset>
            }
            .into_any()
        }
        Widget::Tags => tags(field, draft, described).into_any(),
        Widget::KeywordRows | Widget::MapRows => rows(field, draft).into_any(),
        Widget::Tuple => {
            let count = draft.with_untracked(parts_of).len().max(1);
            let labels: Vec<String> = (1..=count).map(|n| format!("Element {n}")).collect();
            view! {
                {parts(field, draft, labels)}
                <div class="button-row">
                    <button type="button" class="small" disabled=disabled
                        on:click=move |_| draft.update(|d| { let mut p = parts_of(d); p.push(String::new()); *d = FieldInput::Parts(p); })>
                        {format!("Add an element to {}", field.label)}
                    </button>
                </div>
            }
            .into_any()
        }
        Widget::Sender => parts(field, draft, vec!["Sender name".into(), "Sender email".into()]).into_any(),
        Widget::ProxyUrl => parts(field, draft, vec!["Proxy type".into(), "Proxy host".into(), "Proxy port".into()]).into_any(),
        Widget::RateLimit => parts(
            field,
            draft,
            vec![
                "Visitors: window (ms)".into(),
                "Visitors: requests".into(),
                "Logged-in users: window (ms)".into(),
                "Logged-in users: requests".into(),
            ],
        )
        .into_any(),
        Widget::Optional => {
            let on_now = move || draft.with(|d| matches!(d, FieldInput::Optional { on: true, .. }));
            let value_now = move || draft.with(|d| match d { FieldInput::Optional { value, .. } => value.clone(), _ => String::new() });
            let value_id = format!("{id}-value");
            view! {
                <label class="switch">
                    <input type="checkbox" role="switch" id=id checked=on_now() prop:checked=on_now
                        on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|d| { let value = match d { FieldInput::Optional { value, .. } => value.clone(), _ => String::new() }; *d = FieldInput::Optional { on, value }; }); }
                        disabled=disabled/>
                    <span>{format!("{label}: on")}</span>
                </label>
                {move || on_now().then(|| view! {
                    <label class="small" for=value_id.clone()>"Value while on (optional)"</label>
                    <input type="text" id=value_id.clone() prop:value=value_now disabled=disabled
                        on:input=move |ev| draft.set(FieldInput::Optional { on: true, value: event_target_value(&ev) })/>
                })}
            }
            .into_any()
        }
    }
}

/// One labelled input per element of a `Parts` input.
fn parts(field: &Field, draft: RwSignal<FieldInput>, labels: Vec<String>) -> impl IntoView {
    let disabled = !field.editable;
    let id = field.id.clone();
    view! {
        <fieldset class="plain parts" aria-labelledby=format!("{id}-label")>
            {labels.into_iter().enumerate().map(|(i, text)| {
                let input_id = if i == 0 { id.clone() } else { format!("{id}-{i}") };
                let now = move || draft.with(|d| parts_of(d).get(i).cloned().unwrap_or_default());
                view! {
                    <label class="part">
                        <span class="small">{text}</span>
                        <input type="text" id=input_id prop:value=now disabled=disabled autocomplete="off"
                            on:input=move |ev| {
                                let value = event_target_value(&ev);
                                draft.update(|d| {
                                    let mut p = parts_of(d);
                                    if p.len() <= i { p.resize(i + 1, String::new()); }
                                    p[i] = value;
                                    *d = FieldInput::Parts(p);
                                });
                            }/>
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// Tags with free entry and suggestions.
fn tags(field: &Field, draft: RwSignal<FieldInput>, described: String) -> impl IntoView {
    let disabled = !field.editable;
    let id = field.id.clone();
    let list_id = format!("{id}-options");
    let label = field.label.clone();
    let typed = RwSignal::new(String::new());
    let add = move || {
        let item = typed.get_untracked().trim().to_string();
        if item.is_empty() {
            return;
        }
        draft.update(|d| {
            let mut items = list_of(d);
            if !items.contains(&item) {
                items.push(item);
            }
            *d = FieldInput::List(items);
        });
        typed.set(String::new());
    };
    let chips = {
        let label = label.clone();
        move || {
            draft.with(list_of).into_iter().enumerate().map(|(i, item)| {
                let remove_label = format!("Remove {item} from {label}");
                view! {
                    <li class="chip">
                        <span>{item}</span>
                        <button type="button" class="chip-remove" aria-label=remove_label disabled=disabled
                            on:click=move |_| draft.update(|d| { let mut items = list_of(d); if i < items.len() { items.remove(i); } *d = FieldInput::List(items); })>
                            "×"
                        </button>
                    </li>
                }
            }).collect_view()
        }
    };
    view! {
        <ul class="chips tag-list" aria-label=format!("{label}: current items")>{chips}</ul>
        <div class="tag-entry">
            <input type="text" id=id list=list_id.clone() prop:value=move || typed.get() disabled=disabled
                aria-describedby=described autocomplete="off" placeholder="Add an item"
                on:input=move |ev| typed.set(event_target_value(&ev))
                on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" { ev.prevent_default(); add(); }/>
            <datalist id=list_id>
                {field.suggestions.iter().map(|s| view! { <option value=suggestion_text(s)></option> }).collect_view()}
            </datalist>
            <button type="button" class="small" disabled=disabled on:click=move |_| add()>{format!("Add to {label}")}</button>
        </div>
    }
}

/// Key/value rows: add, remove, reorder.
fn rows(field: &Field, draft: RwSignal<FieldInput>) -> impl IntoView {
    let disabled = !field.editable;
    let label = field.label.clone();
    let id = field.id.clone();
    let edit = move |i: usize, key: bool, value: String| {
        draft.update(|d| {
            let mut rows = rows_of(d);
            if let Some(row) = rows.get_mut(i) {
                if key {
                    row.0 = value;
                } else {
                    row.1 = value;
                }
            }
            *d = FieldInput::Rows(rows);
        });
    };
    let swap = move |a: usize, b: usize| {
        draft.update(|d| {
            let mut rows = rows_of(d);
            if a < rows.len() && b < rows.len() {
                rows.swap(a, b);
            }
            *d = FieldInput::Rows(rows);
        });
    };
    let list = {
        let (label, id) = (label.clone(), id.clone());
        move || {
            let all = draft.with(rows_of);
            let count = all.len();
            all.into_iter().enumerate().map(|(i, (k, v))| {
                let n = i + 1;
                let key_id = if i == 0 { id.clone() } else { format!("{id}-k{i}") };
                view! {
                    <li class="kv-row">
                        <input type="text" id=key_id aria-label=format!("Key {n} of {label}") value=k.clone() prop:value=k
                            disabled=disabled autocomplete="off" on:change=move |ev| edit(i, true, event_target_value(&ev))/>
                        <input type="text" aria-label=format!("Value {n} of {label}") value=v.clone() prop:value=v
                            disabled=disabled autocomplete="off" on:change=move |ev| edit(i, false, event_target_value(&ev))/>
                        <button type="button" class="small" aria-label=format!("Move row {n} of {label} up")
                            disabled=disabled || i == 0 on:click=move |_| swap(i, i.saturating_sub(1))>"↑"</button>
                        <button type="button" class="small" aria-label=format!("Move row {n} of {label} down")
                            disabled=disabled || i + 1 == count on:click=move |_| swap(i, i + 1)>"↓"</button>
                        <button type="button" class="small" aria-label=format!("Remove row {n} of {label}") disabled=disabled
                            on:click=move |_| draft.update(|d| { let mut rows = rows_of(d); if i < rows.len() { rows.remove(i); } *d = FieldInput::Rows(rows); })>
                            "Remove"
                        </button>
                    </li>
                }
            }).collect_view()
        }
    };
    view! {
        <ul class="kv-rows" aria-label=format!("{label}: rows")>{list}</ul>
        <p class="hint small">"Values are JSON when they parse (numbers, true/false, lists), else text."</p>
        <button type="button" class="small" disabled=disabled
            on:click=move |_| draft.update(|d| { let mut rows = rows_of(d); rows.push((String::new(), String::new())); *d = FieldInput::Rows(rows); })>
            {format!("Add a row to {label}")}
        </button>
    }
}

/// A value shown in "Review changes".
pub fn shown_value(value: Option<&Value>) -> String {
    match value {
        None => "(not set)".to_string(),
        Some(v) => {
            let text = loose_text(v);
            if text.chars().count() > 80 {
                format!("{}…", text.chars().take(80).collect::<String>())
            } else {
                text
            }
        }
    }
}

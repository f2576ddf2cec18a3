//! `/admin/settings/:tab` (ui.md §4.11): the settings form generated from the descriptions, one tab
//! at a time, with source and effect badges, reset to default, search, a review of the changes and
//! the restart banner. Hydrated, Save sends the tab's changes through the `settings_save` server
//! function (only the changed subkeys of each key, config.md §5) and reloads the values from the
//! server; without JavaScript the same form posts to `/admin/settings/{tab}`, which builds the same
//! `POST /config` items ([`crate::model::settings::build_changes`]).

mod field;
mod matrix;

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_navigate, use_params_map};

use crate::error::PanelError;
use crate::model::config::description::SettingsTab;
use crate::model::config::ConfigChange;
use crate::model::query::{query_value, with_params};
use crate::model::settings::privileges::{privilege_list, Role};
use crate::model::settings::{
    build_changes, encode, json_changes, Block, Draft, Field, FieldInput, SettingsScreen, Widget,
};
use crate::serverfns::settings::{load_settings, restart_now, save_settings};
use crate::ui::components::load_error::LoadError;
use crate::ui::layout::{refresh_frame_status, use_frame_status, use_session};
use field::{shown_value, DescriptionText, SettingBadges, SettingField};
use matrix::PrivilegeMatrix;

/// One-shot URL parameters that must not survive a save or a cancel. `invalid` and `why` carry a
/// JavaScript-off refusal to the field it is about (its id and the problem).
pub(crate) const ONE_SHOTS: &[&str] = &[
    "notice",
    "error",
    "confirm_reset",
    "confirm_restart",
    "invalid",
    "why",
];

/// The edit state of one field: the widget's inputs, and the text of its "Edit as JSON" box
/// while that is open (`Some`: the JSON is what gets saved).
#[derive(Clone, Copy)]
pub(crate) struct FieldDraft {
    pub input: RwSignal<FieldInput>,
    pub json: RwSignal<Option<String>>,
}

impl FieldDraft {
    /// The edit `build_changes` saves.
    fn draft(&self, field: &Field) -> Draft {
        match self.json.get_untracked() {
            Some(text) => Draft {
                widget: Widget::Json,
                input: FieldInput::Text(text),
            },
            None => Draft {
                widget: field.widget,
                input: self.input.get_untracked(),
            },
        }
    }

    /// Whether the field differs from what was loaded (tracks both signals).
    fn changed(&self, field: &Field) -> bool {
        match self.json.get() {
            Some(text) => json_changes(field, &text),
            None => self.input.with(|d| *d != field.initial(field.widget)),
        }
    }

    fn discard(&self, field: &Field) {
        self.json.set(None);
        self.input.set(field.initial(field.widget));
    }
}

/// `/admin/settings`: the first tab.
#[component]
pub fn SettingsIndexPage() -> impl IntoView {
    view! { <Redirect path="/admin/settings/instance"/> }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(|| (), |_| load_settings());
    let slug = move || params.read().get("tab").unwrap_or_default();
    view! {
        <Title text="Settings"/>
        <div class="page-head"><h1>"Settings"</h1></div>
        <Transition fallback=|| view! { <div class="card skeleton"></div> }>
            {move || {
                let slug = slug();
                Suspend::new(async move {
                    match data.await {
                        Ok(screen) if !screen.layers.configurable_from_database => view! { <DatabaseConfigOff/> }.into_any(),
                        Ok(screen) => match SettingsTab::from_slug(&slug) {
                            Some(tab) => view! { <SettingsView screen tab data/> }.into_any(),
                            None => view! {
                                <div class="empty-state" role="alert">
                                    <h2>"No such settings tab"</h2>
                                    <p><a href="/admin/settings/instance">"Instance settings"</a></p>
                                </div>
                            }.into_any(),
                        },
                        Err(error) => view! { <LoadError error what="the settings"/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// The full-page explanation while `configurable_from_database` is off (ui.md §4.11).
#[component]
fn DatabaseConfigOff() -> impl IntoView {
    view! {
        <div class="empty-state" role="status">
            <h2>"Database configuration is off"</h2>
            <p>"This instance takes its settings only from built-in defaults and its config file, so they can't be changed here."</p>
            <p>"To change settings from the panel, set " <code>"\"configurable_from_database\": true"</code>
               " in the config file (" <code>"STEWARD_CONFIG_FILE"</code> ") and restart steward."</p>
        </div>
    }
}

/// A field's edit before any change (to tell which changed field a refusal is about).
fn unchanged(field: &Field) -> Draft {
    Draft {
        widget: field.widget,
        input: field.initial(field.widget),
    }
}

/// The first field error of a `POST /config` refusal (`configs[<i>]: <problem>`) and the change it
/// names.
fn refused_item(message: &str) -> Option<(usize, String)> {
    let rest = message.strip_prefix("configs[")?;
    let (index, problem) = rest.split_once("]: ")?;
    Some((index.parse().ok()?, problem.to_string()))
}

#[component]
fn SettingsView(
    screen: SettingsScreen,
    tab: SettingsTab,
    data: Resource<Result<SettingsScreen, PanelError>>,
) -> impl IntoView {
    let session = use_session();
    let frame = use_frame_status();
    let csrf = session.csrf_token.clone();
    let location = use_location();
    let navigate = use_navigate();
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    let search = location.search.get_untracked();
    let query = RwSignal::new(query_value(&search, "q"));
    let action = format!("/admin/settings/{}", tab.slug());
    let blocks = screen.blocks(tab);
    let drafts: Vec<(Field, FieldDraft)> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Field(f) => Some((
                f.clone(),
                FieldDraft {
                    input: RwSignal::new(f.initial(f.widget)),
                    json: RwSignal::new(None),
                },
            )),
            Block::Section(_) => None,
        })
        .collect();
    let drafts = StoredValue::new(drafts);
    // A JavaScript-off refusal names its field (`invalid`) and the problem (`why`).
    let errors = RwSignal::new(HashMap::<String, String>::new());
    {
        let (invalid, why) = (query_value(&search, "invalid"), query_value(&search, "why"));
        if !invalid.is_empty() && !why.is_empty() {
            errors.update(|m| {
                m.insert(invalid, why);
            });
        }
    }
    let problem = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);

    // Which blocks the search shows: a field when it or its entry matches, an entry when anything
    // in it does.
    let visibility = {
        let blocks = blocks.clone();
        Memo::new(move |_| {
            let q = query.get();
            let mut shown = vec![false; blocks.len()];
            let mut entry_start = 0;
            let mut entry_matches = false;
            for (i, block) in blocks.iter().enumerate() {
                match block {
                    Block::Section(s) if s.depth == 0 => {
                        entry_start = i;
                        entry_matches = s.matches(&q);
                        shown[i] = entry_matches;
                    }
                    Block::Section(s) => shown[i] = entry_matches || s.matches(&q),
                    Block::Field(f) => {
                        shown[i] = entry_matches || f.matches(&q);
                        if shown[i] {
                            shown[entry_start] = true;
                            // Nested section headers above a shown field.
                            let depth = f.depth;
                            let mut need = depth.saturating_sub(1);
                            for j in (entry_start..i).rev() {
                                if need == 0 {
                                    break;
                                }
                                if let Block::Section(s) = &blocks[j] {
                                    if s.depth == need {
                                        shown[j] = true;
                                        need -= 1;
                                    }
                                }
                            }
                        }
                    }
                }
            }
            shown
        })
    };
    let visible = move |i: usize| {
        Signal::derive(move || visibility.with(|v| v.get(i).copied().unwrap_or(true)))
    };

    let changed_fields = move || {
        drafts.with_value(|list| {
            list.iter()
                .filter(|(f, d)| f.editable && d.changed(f))
                .map(|(f, d)| (f.clone(), d.draft(f)))
                .collect::<Vec<_>>()
        })
    };
    let changed_count = move || changed_fields().len();

    let here = location.pathname.get_untracked();
    let reset_href = {
        let (here, search) = (here.clone(), search.clone());
        move |id: &str| with_params(&here, &search, ONE_SHOTS, &[("confirm_reset", id)])
    };

    let on_submit = {
        let csrf = csrf.clone();
        let navigate = navigate.clone();
        let here = here.clone();
        move |ev: leptos::ev::SubmitEvent| {
            if !hydrated.get_untracked() {
                return;
            }
            ev.prevent_default();
            if saving.get_untracked() {
                return;
            }
            problem.set(None);
            let list = drafts.get_value();
            let fields: Vec<Field> = list.iter().map(|(f, _)| f.clone()).collect();
            let result = build_changes(&fields, |f| {
                list.iter()
                    .find(|(g, _)| g.id == f.id)
                    .map(|(g, d)| d.draft(g))
            });
            let changes = match result {
                Ok(changes) => changes,
                Err(problems) => {
                    let n = problems.len();
                    errors.set(problems.into_iter().collect());
                    problem.set(Some(format!(
                        "Nothing was saved: {n} field{} need{} fixing.",
                        if n == 1 { "" } else { "s" },
                        if n == 1 { "s" } else { "" }
                    )));
                    return;
                }
            };
            errors.set(HashMap::new());
            if changes.is_empty() {
                problem.set(Some("Nothing changed.".into()));
                return;
            }
            saving.set(true);
            let csrf = csrf.clone();
            let navigate = navigate.clone();
            let here = here.clone();
            leptos::task::spawn_local(async move {
                let sent = changes.clone();
                match save_settings(csrf, changes).await {
                    Ok(answer) => {
                        if let Some(status) = frame {
                            status.need_reboot.set(answer.need_reboot);
                        }
                        refresh_frame_status(frame);
                        let restart = if answer.need_reboot {
                            " Some changes need a restart."
                        } else {
                            ""
                        };
                        let keys: Vec<String> = sent.iter().map(|c| c.key.clone()).collect();
                        let text = format!("Saved {}.{restart}", keys.join(", "));
                        data.refetch();
                        navigate(
                            &with_params(
                                &here,
                                &location.search.get_untracked(),
                                ONE_SHOTS,
                                &[("notice", &text)],
                            ),
                            Default::default(),
                        );
                    }
                    Err(e) if e.is_unauthenticated() => {
                        navigate(
                            &format!("/admin/login?next={}", crate::ui::layout::urlencode(&here)),
                            Default::default(),
                        );
                    }
                    Err(e) => {
                        if let Some((index, text)) = refused_item(&e.message) {
                            if let Some(change) = sent.get(index) {
                                let target = fields
                                    .iter()
                                    .find(|f| {
                                        f.group == change.group
                                            && f.key == change.key
                                            && list.iter().any(|(g, d)| {
                                                g.id == f.id && d.draft(g) != unchanged(g)
                                            })
                                    })
                                    .map(|f| f.id.clone());
                                if let Some(id) = target {
                                    errors.update(|m| {
                                        m.insert(id, text);
                                    });
                                }
                            }
                        }
                        let prefix = if e.status == 403 {
                            "You don't have permission to do this. "
                        } else {
                            ""
                        };
                        problem.set(Some(format!("{prefix}Nothing was saved: {}", e.message)));
                    }
                }
                saving.set(false);
            });
        }
    };
    let discard = move |_| {
        drafts.with_value(|list| {
            for (f, d) in list {
                d.discard(f);
            }
        });
        errors.set(HashMap::new());
        problem.set(None);
    };

    let rendered = blocks
        .iter()
        .enumerate()
        .map(|(i, block)| match block {
            Block::Section(s) => {
                let heading = match s.depth {
                    0 => view! { <h2 id=s.id.clone()>{s.title.clone()}</h2> }.into_any(),
                    1 => view! { <h3 id=s.id.clone()>{s.title.clone()}</h3> }.into_any(),
                    _ => view! { <h4 id=s.id.clone()>{s.title.clone()}</h4> }.into_any(),
                };
                let reset = s.reset.as_ref().map(|_| {
                    let href = reset_href(&s.id);
                    let label = if s.depth == 0 { format!("Reset all of {} to default", s.title) } else { format!("Reset {} to default", s.title) };
                    view! { <a class="button small" href=href>{label}</a> }
                });
                let read_only = (s.depth == 0 && !s.editable).then(|| view! {
                    <p class="hint small">"Read-only: database_config_whitelist doesn't allow saving these settings."</p>
                });
                view! {
                    <div class="setting-section" data-depth=s.depth.min(4).to_string() hidden=move || !visible(i).get()>
                        <div class="setting-head">
                            {heading}
                            {(s.depth == 0).then(|| view! { <code class="setting-key">{format!("{} {}", s.group, s.key)}</code> })}
                            <SettingBadges source=None effect=s.effect/>
                            {reset}
                        </div>
                        <DescriptionText text=s.description.clone() id=format!("{}-desc", s.id)/>
                        {read_only}
                    </div>
                }
                .into_any()
            }
            Block::Field(f) => {
                let draft = drafts.with_value(|list| list.iter().find(|(g, _)| g.id == f.id).map(|(_, d)| *d));
                let Some(draft) = draft else { return ().into_any() };
                // The two privilege lists are one matrix, drawn where the admin list is.
                if let Some(role) = privilege_list(f) {
                    let partner = |wanted: Role| {
                        blocks.iter().enumerate().find_map(|(j, b)| match b {
                            Block::Field(g) if privilege_list(g) == Some(wanted) => Some((j, g.clone())),
                            _ => None,
                        })
                    };
                    if let (Some((ai, admin)), Some((mi, moderator))) = (partner(Role::Admin), partner(Role::Moderator)) {
                        if role == Role::Moderator {
                            return ().into_any();
                        }
                        let of = |g: &Field| drafts.with_value(|list| list.iter().find(|(h, _)| h.id == g.id).map(|(_, d)| d.input));
                        let (Some(admin_draft), Some(moderator_draft)) = (of(&admin), of(&moderator)) else { return ().into_any() };
                        let (aid, mid) = (admin.id.clone(), moderator.id.clone());
                        let error = Signal::derive(move || errors.with(|m| m.get(&aid).or_else(|| m.get(&mid)).cloned()));
                        let resets = [&admin, &moderator].map(|g| g.reset.as_ref().map(|_| (g.label.clone(), reset_href(&g.id))));
                        let (va, vm) = (visible(ai), visible(mi));
                        let shown = Signal::derive(move || va.get() || vm.get());
                        return view! {
                            <PrivilegeMatrix admin moderator admin_draft moderator_draft error resets visible=shown/>
                        }
                        .into_any();
                    }
                }
                let id = f.id.clone();
                let error = Signal::derive(move || errors.with(|m| m.get(&id).cloned()));
                let reset = f.reset.as_ref().map(|_| reset_href(&f.id));
                view! {
                    <SettingField field=f.clone() draft hydrated error reset_href=reset visible=visible(i)/>
                }
                .into_any()
            }
        })
        .collect_view();

    let review = move || {
        let list = changed_fields();
        (!list.is_empty()).then(|| {
            let n = list.len();
            view! {
                <details class="review">
                    <summary>{format!("Review changes ({n})")}</summary>
                    <ul>
                        {list.into_iter().map(|(f, draft)| {
                            let new = encode(f.widget_for(draft.widget), &draft.input);
                            let new = match new {
                                Ok(v) => shown_value(v.as_ref()),
                                Err(e) => format!("(invalid: {e})"),
                            };
                            view! {
                                <li><strong>{f.label.clone()}</strong> " (" <code>{f.address()}</code> "): "
                                    <span class="old">{shown_value(f.current.as_ref())}</span> " → " <span class="new">{new}</span></li>
                            }
                        }).collect_view()}
                    </ul>
                </details>
            }
        })
    };

    let confirm_reset = {
        let screen = screen.clone();
        let csrf = csrf.clone();
        let action = action.clone();
        move || {
            let id = query_value(&location.search.get(), "confirm_reset");
            if id.is_empty() {
                return None;
            }
            let change = screen.reset_change(tab, &id)?;
            let title = screen
                .blocks(tab)
                .into_iter()
                .find_map(|b| match b {
                    Block::Field(f) if f.id == id => Some(f.label),
                    Block::Section(s) if s.id == id => Some(s.title),
                    _ => None,
                })
                .unwrap_or_default();
            Some(
                view! { <ResetConfirm id title change csrf=csrf.clone() action=action.clone() data/> },
            )
        }
    };
    let confirm_restart = {
        let csrf = csrf.clone();
        let action = action.clone();
        move || {
            (query_value(&location.search.get(), "confirm_restart") == "1")
                .then(|| view! { <RestartConfirm csrf=csrf.clone() action=action.clone() data/> })
        }
    };
    let tabs = screen.tabs();
    let q_now = query.get_untracked();
    view! {
        {confirm_restart}
        {confirm_reset}
        <nav class="tabs settings-tabs" aria-label="Settings sections">
            {tabs.into_iter().map(|t| {
                let href = if q_now.is_empty() { format!("/admin/settings/{}", t.slug()) } else { format!("/admin/settings/{}?q={}", t.slug(), crate::model::query::encode_component(&q_now)) };
                view! { <a class="tab" href=href aria-current=(t == tab).then_some("page")>{t.label()}</a> }
            }).collect_view()}
        </nav>
        <form method="get" action=here.clone() role="search" class="settings-search"
            on:submit=move |ev: leptos::ev::SubmitEvent| if hydrated.get_untracked() { ev.prevent_default(); }>
            <label for="settings-q">"Search settings"</label>
            <input id="settings-q" type="search" name="q" value=query.get_untracked() prop:value=move || query.get()
                placeholder="Label, key or description" on:input=move |ev| query.set(event_target_value(&ev))/>
            <button type="submit" class="small">"Search"</button>
        </form>
        <form method="post" action=action class="settings-form" on:submit=on_submit novalidate>
            <input type="hidden" name="csrf" value=csrf/>
            <h2 class="sr-only">{tab.label()}</h2>
            {rendered}
            <div class="form-actions settings-actions">
                <p role="status" class="small">
                    {move || match changed_count() { 0 => String::new(), 1 => "1 unsaved change".to_string(), n => format!("{n} unsaved changes") }}
                </p>
                <p role="alert" class="form-error">{move || problem.get()}</p>
                {review}
                <button type="reset" on:click=discard>"Discard changes"</button>
                <button type="submit" class="primary" disabled=move || saving.get()>
                    {move || if saving.get() { format!("Saving {}…", tab.label()) } else { format!("Save {}", tab.label()) }}
                </button>
            </div>
        </form>
    }
}

/// The confirmation of "Reset to default" (ui.md §5), with focus on Cancel.
#[component]
fn ResetConfirm(
    id: String,
    title: String,
    change: ConfigChange,
    csrf: String,
    action: String,
    data: Resource<Result<SettingsScreen, PanelError>>,
) -> impl IntoView {
    let frame = use_frame_status();
    let location = use_location();
    let navigate = use_navigate();
    let cancel_href = with_params(
        &location.pathname.get_untracked(),
        &location.search.get_untracked(),
        ONE_SHOTS,
        &[],
    );
    let cancel = NodeRef::<leptos::html::A>::new();
    Effect::new(move |_| {
        if let Some(link) = cancel.get() {
            let _ = link.focus();
        }
    });
    let running = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let what = match &change.subkeys {
        Some(subkeys) => format!("{} {} {}", change.group, change.key, subkeys.join(", ")),
        None => format!("{} {}", change.group, change.key),
    };
    let on_submit = {
        let (csrf, back) = (csrf.clone(), cancel_href.clone());
        let what = what.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            running.set(true);
            let (csrf, change, back, navigate, what) = (
                csrf.clone(),
                change.clone(),
                back.clone(),
                navigate.clone(),
                what.clone(),
            );
            leptos::task::spawn_local(async move {
                match save_settings(csrf, vec![change]).await {
                    Ok(_) => {
                        data.refetch();
                        refresh_frame_status(frame);
                        let (path, search) = back.split_once('?').unwrap_or((&back, ""));
                        navigate(
                            &with_params(
                                path,
                                search,
                                ONE_SHOTS,
                                &[("notice", &format!("Reset {what} to its default."))],
                            ),
                            Default::default(),
                        );
                    }
                    Err(e) => {
                        failed.set(Some(format!("Couldn't reset the setting: {}", e.message)))
                    }
                }
                running.set(false);
            });
        }
    };
    view! {
        <section class="card confirm-card" aria-labelledby="reset-title" aria-describedby="reset-consequence">
            <h2 id="reset-title">{format!("Reset {title} to default?")}</h2>
            <p id="reset-consequence">
                {format!("What the database stores for {what} is deleted; the config file's value or the built-in default applies again.")}
            </p>
            <p role="alert" class="form-error">{move || failed.get()}</p>
            <form method="post" action=action on:submit=on_submit>
                <input type="hidden" name="csrf" value=csrf/>
                <input type="hidden" name="reset" value=id/>
                <input type="hidden" name="confirmed" value="1"/>
                <div class="confirm-actions">
                    <a class="button" href=cancel_href node_ref=cancel autofocus>"Cancel"</a>
                    <button type="submit" class="danger" disabled=move || running.get()>{format!("Reset {title}")}</button>
                </div>
            </form>
        </section>
    }
}

/// The confirmation of "Restart now".
#[component]
fn RestartConfirm(
    csrf: String,
    action: String,
    data: Resource<Result<SettingsScreen, PanelError>>,
) -> impl IntoView {
    let frame = use_frame_status();
    let location = use_location();
    let navigate = use_navigate();
    let cancel_href = with_params(
        &location.pathname.get_untracked(),
        &location.search.get_untracked(),
        ONE_SHOTS,
        &[],
    );
    let cancel = NodeRef::<leptos::html::A>::new();
    Effect::new(move |_| {
        if let Some(link) = cancel.get() {
            let _ = link.focus();
        }
    });
    let running = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let on_submit = {
        let (csrf, back) = (csrf.clone(), cancel_href.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            running.set(true);
            let (csrf, back, navigate) = (csrf.clone(), back.clone(), navigate.clone());
            leptos::task::spawn_local(async move {
                match restart_now(csrf).await {
                    Ok(()) => {
                        data.refetch();
                        if let Some(status) = frame {
                            status.need_reboot.set(false);
                        }
                        let (path, search) = back.split_once('?').unwrap_or((&back, ""));
                        navigate(
                            &with_params(
                                path,
                                search,
                                ONE_SHOTS,
                                &[("notice", "Restarted: every saved setting is now in effect.")],
                            ),
                            Default::default(),
                        );
                    }
                    Err(e) => failed.set(Some(format!("Couldn't restart: {}", e.message))),
                }
                running.set(false);
            });
        }
    };
    view! {
        <section class="card confirm-card" aria-labelledby="restart-confirm-title" aria-describedby="restart-consequence">
            <h2 id="restart-confirm-title">"Restart now?"</h2>
            <p id="restart-consequence">"Rate limits and the upload limit are set up again from the saved settings. Requests in flight finish first; nobody is signed out."</p>
            <p role="alert" class="form-error">{move || failed.get()}</p>
            <form method="post" action=action on:submit=on_submit>
                <input type="hidden" name="csrf" value=csrf/>
                <input type="hidden" name="restart" value="1"/>
                <input type="hidden" name="confirmed" value="1"/>
                <div class="confirm-actions">
                    <a class="button" href=cancel_href node_ref=cancel autofocus>"Cancel"</a>
                    <button type="submit" class="danger" disabled=move || running.get()>"Restart"</button>
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_refusals_name_their_item() {
        assert_eq!(
            refused_item("configs[2]: invalid regex ~r/a"),
            Some((2, "invalid regex ~r/a".into()))
        );
        assert_eq!(refused_item("Missing field: configs."), None);
    }
}

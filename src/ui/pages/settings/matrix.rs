//! The Roles & privileges matrix (ui.md §4.11): one table, a row per privilege, an Admin and a
//! Moderator column of labelled checkboxes, then the areas only admins may ever touch, shown as
//! always-admin and not editable. Each checkbox belongs to one of the two list fields and posts
//! under that field's name like the checklist it replaces, so the JavaScript-off form saves the
//! matrix through the same handler; hydrated, a tick updates the list's draft.

use leptos::prelude::*;

use super::field::{DescriptionText, SettingBadges};
use crate::model::settings::privileges::{
    cell_label, matrix_rows, privilege_grants, toggle_privilege, Role, ADMIN_ONLY_AREAS,
};
use crate::model::settings::{Field, FieldInput};

fn list_of(input: &FieldInput) -> Vec<String> {
    match input {
        FieldInput::List(items) => items.clone(),
        _ => Vec::new(),
    }
}

/// One checkbox of the matrix.
fn cell(
    field: &Field,
    draft: RwSignal<FieldInput>,
    role: Role,
    privilege: &str,
    rows: &[String],
) -> impl IntoView {
    let initial = list_of(&field.initial(field.widget));
    let on = draft.with_untracked(|d| list_of(d).iter().any(|p| p == privilege));
    let label = cell_label(role, privilege);
    let check = privilege.to_string();
    let toggle = {
        let (privilege, rows) = (privilege.to_string(), rows.to_vec());
        move |ev: leptos::ev::Event| {
            let checked = event_target_checked(&ev);
            draft.update(|d| {
                *d = FieldInput::List(toggle_privilege(
                    &list_of(d),
                    &initial,
                    &rows,
                    &privilege,
                    checked,
                ));
            });
        }
    };
    view! {
        <td>
            <label class="matrix-cell">
                <input type="checkbox" name=field.id.clone() value=privilege.to_string() checked=on
                    prop:checked=move || draft.with(|d| list_of(d).contains(&check))
                    on:change=toggle disabled=!field.editable/>
                <span class="sr-only">{label}</span>
            </label>
        </td>
    }
}

#[component]
pub fn PrivilegeMatrix(
    admin: Field,
    moderator: Field,
    admin_draft: RwSignal<FieldInput>,
    moderator_draft: RwSignal<FieldInput>,
    error: Signal<Option<String>>,
    /// "Reset to default" of each list that the database stores: (label, link).
    resets: [Option<(String, String)>; 2],
    visible: Signal<bool>,
) -> impl IntoView {
    let rows = {
        let (a, m) = (
            admin.initial(admin.widget),
            moderator.initial(moderator.widget),
        );
        matrix_rows(&admin, &moderator, &[&a, &m])
    };
    let (admin_start, moderator_start) = (
        admin.initial(admin.widget),
        moderator.initial(moderator.widget),
    );
    let changed = Memo::new(move |_| {
        admin_draft.with(|d| *d != admin_start) || moderator_draft.with(|d| *d != moderator_start)
    });
    let editable = admin.editable && moderator.editable;
    let ids = [admin.id.clone(), moderator.id.clone()];
    let body = rows
        .iter()
        .map(|privilege| {
            let name = privilege.trim_start_matches(':').to_string();
            let grants = privilege_grants(privilege)
                .map(str::to_string)
                .unwrap_or_else(|| "Not a privilege steward knows (ignored)".to_string());
            view! {
                <tr>
                    <th scope="row"><span>{grants}</span>" "<code>{name}</code></th>
                    {cell(&admin, admin_draft, Role::Admin, privilege, &rows)}
                    {cell(&moderator, moderator_draft, Role::Moderator, privilege, &rows)}
                </tr>
            }
        })
        .collect_view();
    let admin_only = ADMIN_ONLY_AREAS
        .iter()
        .map(|area| {
            view! {
                <tr class="always-admin">
                    <th scope="row">{*area}</th>
                    <td><label class="matrix-cell">
                        <input type="checkbox" checked=true disabled=true/>
                        <span class="sr-only">{format!("Admin: {area} (always)")}</span>
                    </label></td>
                    <td><label class="matrix-cell">
                        <input type="checkbox" disabled=true/>
                        <span class="sr-only">{format!("Moderator: {area} (never)")}</span>
                    </label></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="setting privilege-matrix" class:changed=move || changed.get() data-depth="1"
            hidden=move || !visible.get()>
            {move || (visible.get() && editable).then(|| {
                ids.iter().map(|id| view! { <input type="hidden" name="shown" value=id.clone()/> }).collect_view()
            })}
            <div class="setting-head">
                <span class="setting-label" id="privilege-matrix-label">"Privileges by role"</span>
                <code class="setting-key">":admin_privileges, :moderator_privileges"</code>
                <SettingBadges source=None effect=admin.effect/>
                <span class="badge" title="Where the admin list comes from">{format!("Admin list: {}", admin.source.label())}</span>
                <span class="badge" title="Where the moderator list comes from">{format!("Moderator list: {}", moderator.source.label())}</span>
                {move || changed.get().then(|| view! { <span class="badge warn">"Changed"</span> })}
            </div>
            <DescriptionText text=admin.description.clone() id=format!("{}-desc", admin.id)/>
            <DescriptionText text=moderator.description.clone() id=format!("{}-desc", moderator.id)/>
            {(!editable).then(|| view! { <p class="hint small">"Read-only: database_config_whitelist doesn't allow saving these settings."</p> })}
            <div class="table-wrap">
                <table class="matrix" aria-labelledby="privilege-matrix-label" aria-describedby="privilege-matrix-hint">
                    <thead>
                        <tr>
                            <th scope="col">"Privilege"</th>
                            <th scope="col">"Admin"</th>
                            <th scope="col">"Moderator"</th>
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                    <tbody>
                        <tr><th scope="colgroup" colspan="3" class="matrix-group">"Only admins, whatever the lists say"</th></tr>
                        {admin_only}
                    </tbody>
                </table>
            </div>
            <p class="hint small" id="privilege-matrix-hint">
                "An account that is both admin and moderator holds both columns. The last rows always stay with admins."
            </p>
            <div class="button-row">
                {resets.into_iter().flatten().map(|(label, href)| view! {
                    <a class="button small" href=href aria-label=format!("Reset {label} to default")>{format!("Reset {label} to default")}</a>
                }).collect_view()}
            </div>
            <p class="form-error" role="alert">{move || error.get()}</p>
        </div>
    }
}

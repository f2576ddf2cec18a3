//! `/admin/users/confirm`: the confirmation step of destructive or hard-to-undo user actions
//! (ui.md §5). It names the accounts and the consequence, starts with focus on Cancel, and asks to
//! type the number before deleting more than five accounts. A plain page, so it works the same with
//! and without JavaScript; the form posts the action again with `confirmed=1`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

use crate::model::query::{query_value, query_values};
use crate::model::users::{tag_label, who, UserAction, TYPE_TO_CONFIRM_OVER};
use crate::ui::layout::use_session;

/// How many nicknames the page lists before summarising the rest.
const LISTED: usize = 30;

/// Where the page may send the person back to.
fn safe_back(value: &str) -> String {
    if value.starts_with("/admin")
        && !value.starts_with("//")
        && !value.contains("://")
        && !value.contains('\\')
    {
        value.to_string()
    } else {
        "/admin/users".to_string()
    }
}

#[component]
pub fn ConfirmUserActionPage() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let search = location.search.get_untracked();
    let action = UserAction::from_key(&query_value(&search, "action"));
    let nicknames: Vec<String> = query_values(&search, "nicknames")
        .into_iter()
        .filter(|n| !n.is_empty())
        .collect();
    let back = safe_back(&query_value(&search, "back"));
    let tag = query_value(&search, "tag");
    let left_out = query_value(&search, "left_out") == "1";
    let Some(action) = action.filter(|_| !nicknames.is_empty()) else {
        return view! {
            <Title text="Nothing to confirm"/>
            <div class="empty-state">
                <h1>"Nothing to confirm"</h1>
                <p>"This link names no action or no accounts."</p>
                <p><a class="button" href=back>"Back"</a></p>
            </div>
        }
        .into_any();
    };
    let who_text = who(&nicknames);
    let title = action.confirm_title(&who_text);
    let typed = matches!(action, UserAction::Delete | UserAction::Reject)
        && nicknames.len() > TYPE_TO_CONFIRM_OVER;
    let count = nicknames.len();
    let listed = nicknames
        .iter()
        .take(LISTED)
        .map(|n| view! { <li>"@" {n.clone()}</li> })
        .collect_view();
    let more = (count > LISTED).then(|| format!("and {} more", count - LISTED));
    let hidden = nicknames
        .iter()
        .map(|n| view! { <input type="hidden" name="nicknames" value=n.clone()/> })
        .collect_view();
    let cancel = NodeRef::<leptos::html::A>::new();
    // `autofocus` covers the first load; this covers pages reached inside the running app.
    Effect::new(move |_| {
        if let Some(link) = cancel.get() {
            let _ = link.focus();
        }
    });
    let confirm_label = format!("{} {who_text}", action.label());
    let button_class = if action.is_destructive() {
        "danger"
    } else {
        "primary"
    };
    view! {
        <Title text=title.clone()/>
        <section class="card confirm-card" aria-labelledby="confirm-title" aria-describedby="confirm-consequence">
            <h1 id="confirm-title">{title}</h1>
            <p id="confirm-consequence">{action.consequence()}</p>
            {(!tag.is_empty()).then(|| view! { <p>{format!("Tag: {}", tag_label(&tag))}</p> })}
            <h2 class="small-heading">{if count == 1 { "Account".to_string() } else { format!("{count} accounts") }}</h2>
            <ul class="affected">{listed}</ul>
            {more.map(|m| view! { <p class="hint">{m}</p> })}
            {left_out.then(|| view! {
                <p class="hint">{format!("Your own account was left out: {}", action.self_reason())}</p>
            })}
            <form method="post" action="/admin/users/action" class="stack">
                <input type="hidden" name="csrf" value=session.csrf_token.clone()/>
                <input type="hidden" name="back" value=back.clone()/>
                <input type="hidden" name="action" value=action.key()/>
                <input type="hidden" name="confirmed" value="1"/>
                {(!tag.is_empty()).then(|| view! { <input type="hidden" name="tag" value=tag.clone()/> })}
                {hidden}
                {typed.then(|| view! {
                    <div class="field">
                        <label for="confirm-count">{format!("Type {count} to confirm")}</label>
                        <input id="confirm-count" name="confirm_count" inputmode="numeric" autocomplete="off" required/>
                    </div>
                })}
                <div class="confirm-actions">
                    <a class="button" href=back node_ref=cancel autofocus>"Cancel"</a>
                    <button type="submit" class=button_class>{confirm_label}</button>
                </div>
            </form>
        </section>
    }
    .into_any()
}

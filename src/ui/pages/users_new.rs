//! `/admin/users/new`: create accounts in one all-or-nothing batch (ui.md §4.5, users.md §3).
//! Rows of nickname / email / password plus pasted `nickname,email,password` lines, posted to
//! `/admin/users/create`. On 409 every row comes back with its own error and the page says nothing
//! was created; on success a summary lists the credentials to hand out. Hydrated, rows can be added
//! and removed, pasted lines become rows, and passwords can be generated and shown.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::model::users::{parse_pasted_rows, CreateRow, Flash};
use crate::serverfns::flash::take_flash;
use crate::ui::components::copy::CopyButton;
use crate::ui::layout::use_session;
use crate::ui::pages::users::user_href;

/// Rows shown on an empty form.
const START_ROWS: usize = 3;

#[cfg(feature = "hydrate")]
mod random {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// `crypto.randomUUID()`: 122 random bits from the browser's secure generator.
        #[wasm_bindgen(catch, js_namespace = crypto, js_name = randomUUID)]
        fn random_uuid() -> Result<String, JsValue>;
    }

    /// A 24-character password from the browser's secure generator, or `None` where it is missing.
    pub fn password() -> Option<String> {
        let a = random_uuid().ok()?;
        let b = random_uuid().ok()?;
        let hex: String = format!("{a}{b}")
            .chars()
            .filter(char::is_ascii_hexdigit)
            .collect();
        Some(hex.chars().take(24).collect())
    }
}

#[component]
pub fn NewUsersPage() -> impl IntoView {
    let session = use_session();
    let flash = Resource::new(|| (), |_| take_flash("/admin/users/new".to_string()));
    view! {
        <Title text="Create users"/>
        <div class="page-head">
            <h1>"Create users"</h1>
            <a class="button" href="/admin/users">"Back to users"</a>
        </div>
        {if !session.is_admin {
            view! {
                <div class="empty-state" role="alert">
                    <h2>"Admins only"</h2>
                    <p>"Only admins can create accounts."</p>
                </div>
            }.into_any()
        } else {
            view! {
                <Suspense fallback=|| view! { <div class="card skeleton"></div> }>
                    {move || Suspend::new(async move {
                        match flash.await.ok().flatten() {
                            Some(Flash::CreatedUsers { created: true, rows, passwords_dropped }) => view! {
                                <Summary rows passwords_dropped/>
                                <CreateForm rows=Vec::new() refused=false/>
                            }.into_any(),
                            Some(Flash::CreatedUsers { rows, passwords_dropped, .. }) => view! {
                                {passwords_dropped.then(|| view! {
                                    <p class="form-error">"The passwords were too long to bring back: type them again."</p>
                                })}
                                <CreateForm rows refused=true/>
                            }.into_any(),
                            _ => view! { <CreateForm rows=Vec::new() refused=false/> }.into_any(),
                        }
                    })}
                </Suspense>
            }.into_any()
        }}
    }
}

/// The credentials of a created batch, to hand out.
#[component]
fn Summary(rows: Vec<CreateRow>, passwords_dropped: bool) -> impl IntoView {
    let all = rows
        .iter()
        .map(|r| format!("{},{},{}", r.nickname, r.email, r.password))
        .collect::<Vec<_>>()
        .join("\n");
    let lines = rows
        .into_iter()
        .map(|r| {
            let href = user_href(&r.nickname);
            view! {
                <tr>
                    <td data-label="Nickname"><a href=href>"@" {r.nickname.clone()}</a></td>
                    <td data-label="Email">{r.email.clone()}</td>
                    <td data-label="Password"><code class="copyable">{r.password.clone()}</code></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card secret-box" aria-labelledby="created-title">
            <h2 id="created-title">"Created accounts"</h2>
            <p>"Hand these credentials out privately: they are shown only now."</p>
            {passwords_dropped.then(|| view! {
                <p class="hint">"The passwords were too long to show here; they are the ones you typed."</p>
            })}
            <div class="table-wrap">
                <table class="data-table">
                    <thead><tr><th scope="col">"Nickname"</th><th scope="col">"Email"</th><th scope="col">"Password"</th></tr></thead>
                    <tbody>{lines}</tbody>
                </table>
            </div>
            <p class="copy-row"><CopyButton value=all label="Copy all credentials as nickname,email,password lines"/></p>
        </section>
    }
}

/// One row being edited.
#[derive(Clone)]
struct RowState {
    key: usize,
    nickname: RwSignal<String>,
    email: RwSignal<String>,
    password: RwSignal<String>,
    error: String,
}

impl RowState {
    fn new(key: usize, row: CreateRow) -> RowState {
        RowState {
            key,
            nickname: RwSignal::new(row.nickname),
            email: RwSignal::new(row.email),
            password: RwSignal::new(row.password),
            error: row.error,
        }
    }
}

#[component]
fn CreateForm(rows: Vec<CreateRow>, refused: bool) -> impl IntoView {
    let session = use_session();
    let start: Vec<CreateRow> = if rows.is_empty() {
        vec![CreateRow::default(); START_ROWS]
    } else {
        rows
    };
    let next_key = StoredValue::new(start.len());
    let rows = RwSignal::new(
        start
            .into_iter()
            .enumerate()
            .map(|(i, r)| RowState::new(i, r))
            .collect::<Vec<_>>(),
    );
    let show_passwords = RwSignal::new(false);
    let pasted = RwSignal::new(String::new());
    let add_row = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        rows.update(|r| r.push(RowState::new(key, CreateRow::default())));
    };
    let add_pasted = move |_| {
        let parsed = parse_pasted_rows(&pasted.get_untracked());
        if parsed.is_empty() {
            return;
        }
        rows.update(|r| {
            // Pasted lines fill the empty rows first.
            r.retain(|row| {
                !(row.nickname.get_untracked().is_empty()
                    && row.email.get_untracked().is_empty()
                    && row.password.get_untracked().is_empty())
            });
            for row in parsed {
                let key = next_key.get_value();
                next_key.set_value(key + 1);
                r.push(RowState::new(key, row));
            }
        });
        pasted.set(String::new());
    };
    let position = move |key: usize| {
        rows.with(|r| {
            r.iter()
                .position(|row| row.key == key)
                .map(|i| i + 1)
                .unwrap_or(0)
        })
    };
    view! {
        <form method="post" action="/admin/users/create" class="card create-form" aria-labelledby="create-title">
            <h2 id="create-title">"New accounts"</h2>
            <p class="hint">"All rows are created together or not at all. New accounts are local, confirmed, approved and have no role."</p>
            {refused.then(|| view! {
                <p class="form-error" id="create-refused">"Nothing was created. Fix the rows marked below and submit again."</p>
            })}
            <input type="hidden" name="csrf" value=session.csrf_token.clone()/>
            <div class="create-rows" role="group" aria-label="Accounts to create">
                <div class="create-row create-head" aria-hidden="true">
                    <span>"Nickname"</span><span>"Email"</span><span>"Password"</span><span></span>
                </div>
                <For each=move || rows.get() key=|row| row.key let:row>
                    <CreateRowView position=Signal::derive({ let key = row.key; move || position(key) }) row rows show_passwords/>
                </For>
            </div>
            <div class="row-tools js-only">
                <button type="button" on:click=add_row>"Add row"</button>
                <label class="checkbox">
                    <input type="checkbox" on:change=move |ev| show_passwords.set(event_target_checked(&ev))/>
                    "Show passwords"
                </label>
            </div>
            <div class="field paste-field">
                <label for="create-lines">"Paste accounts, one per line: nickname,email,password"</label>
                <textarea id="create-lines" name="lines" rows="3" placeholder="alice,alice@example.org,a-long-password"
                    prop:value=move || pasted.get()
                    on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
                <p class="hint no-js-only">"Pasted lines are added to the rows above when you submit."</p>
                <button type="button" class="js-only" on:click=add_pasted>"Turn pasted lines into rows"</button>
            </div>
            <div class="form-actions">
                <button type="submit" class="primary">"Create accounts"</button>
            </div>
        </form>
    }
}

#[component]
fn CreateRowView(
    row: RowState,
    position: Signal<usize>,
    rows: RwSignal<Vec<RowState>>,
    show_passwords: RwSignal<bool>,
) -> impl IntoView {
    let key = row.key;
    let error = row.error.clone();
    let field_of_error = error.split(' ').next().unwrap_or_default().to_string();
    let error_id = format!("row-{key}-error");
    let invalid = move |field: &str| (field_of_error == field).then_some("true");
    let described = (!error.is_empty()).then(|| error_id.clone());
    let has_error = !error.is_empty();
    let (nickname, email, password) = (row.nickname, row.email, row.password);
    let remove = move |_| rows.update(|r| r.retain(|x| x.key != key));
    let generate = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(p) = random::password() {
            password.set(p);
            show_passwords.set(true);
        }
    };
    let label = move |what: &str| format!("{what} {}", position.get());
    view! {
        <div class="create-row" class:has-error=has_error>
            <div class="field">
                <label class="sr-only" for=format!("nick-{key}")>{move || label("Nickname")}</label>
                <input id=format!("nick-{key}") name="nickname" autocomplete="off" spellcheck="false"
                    value=nickname.get_untracked() prop:value=move || nickname.get()
                    on:input=move |ev| nickname.set(event_target_value(&ev))
                    aria-invalid=invalid("nickname") aria-describedby=described.clone()/>
            </div>
            <div class="field">
                <label class="sr-only" for=format!("email-{key}")>{move || label("Email")}</label>
                <input id=format!("email-{key}") name="email" type="email" autocomplete="off"
                    value=email.get_untracked() prop:value=move || email.get()
                    on:input=move |ev| email.set(event_target_value(&ev))
                    aria-invalid=invalid("email") aria-describedby=described.clone()/>
            </div>
            <div class="field password-cell">
                <label class="sr-only" for=format!("password-{key}")>{move || label("Password")}</label>
                <input id=format!("password-{key}") name="password" autocomplete="new-password"
                    type=move || if show_passwords.get() { "text" } else { "password" }
                    value=password.get_untracked() prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev))
                    aria-invalid=invalid("password") aria-describedby=described.clone()/>
                <button type="button" class="js-only" on:click=generate
                    aria-label=move || format!("Generate a password for row {}", position.get())>"Generate"</button>
            </div>
            <div class="row-remove">
                <button type="button" class="js-only" on:click=remove
                    aria-label=move || format!("Remove row {}", position.get())>"Remove"</button>
            </div>
            {has_error.then(|| view! {
                <p class="form-error row-error" id=error_id.clone()>{move || format!("Row {}: {}", position.get(), error)}</p>
            })}
        </div>
    }
}

//! `/admin/invites` (ui.md §4.8): what registration allows, the invites with their links and state,
//! revoking (with confirmation), creating an invite and sending one by email. Every write is a
//! plain HTML form posted to `/admin/invites/…`, so the screen works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

use crate::model::query::{query_value, with_params};
use crate::model::users::{Invite, InviteState, InvitesScreen};
use crate::serverfns::invites::list_invites;
use crate::ui::components::copy::CopyButton;
use crate::ui::components::load_error::LoadError;
use crate::ui::layout::use_session;

#[component]
pub fn InvitesPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| list_invites());
    view! {
        <Title text="Invites"/>
        <div class="page-head"><h1>"Invites"</h1></div>
        <Suspense fallback=|| view! { <div class="card skeleton"></div> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(screen) => view! { <InvitesView screen/> }.into_any(),
                    Err(error) => view! { <LoadError error what="the invites"/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn InvitesView(screen: InvitesScreen) -> impl IntoView {
    let location = use_location();
    let session = use_session();
    let search = location.search;
    let valid_only = Memo::new(move |_| query_value(&search.get(), "valid") == "1");
    let base = screen.base_url.clone();
    let today = screen.today.clone();
    let all = screen.invites.clone();
    let valid_count = all
        .iter()
        .filter(|i| i.state(&today) == InviteState::Valid)
        .count();
    let total = all.len();
    let csrf = session.csrf_token.clone();
    // The invite named by `key` in the URL (`created`, `revoke`); reactive, so links inside the
    // running app open and close these boxes too.
    let named = {
        let invites = screen.invites.clone();
        move |key: &'static str| {
            let id = query_value(&search.get(), key);
            invites.iter().find(|i| i.id.to_string() == id).cloned()
        }
    };
    let created_box = {
        let (named, base) = (named.clone(), base.clone());
        move || named("created").map(|invite| view! { <NewInvite invite base=base.clone()/> })
    };
    let revoke_box = {
        let csrf = csrf.clone();
        move || named("revoke").map(|invite| view! { <RevokeConfirm invite csrf=csrf.clone()/> })
    };
    let rows = {
        let (base, today, csrf) = (base.clone(), today.clone(), csrf.clone());
        move || {
            let only = valid_only.get();
            let shown: Vec<Invite> = all
                .iter()
                .filter(|i| !only || i.state(&today) == InviteState::Valid)
                .cloned()
                .collect();
            if shown.is_empty() {
                let text = if only {
                    "No valid invites. Create one below."
                } else {
                    "No invites yet. Create one below."
                };
                return view! { <p class="empty-note">{text}</p> }.into_any();
            }
            let back = if only {
                "/admin/invites?valid=1"
            } else {
                "/admin/invites"
            };
            view! {
                <div class="table-wrap">
                    <table class="data-table invites-table">
                        <caption class="sr-only">{if only { "Valid invites" } else { "All invites" }}</caption>
                        <thead>
                            <tr>
                                <th scope="col">"ID"</th>
                                <th scope="col">"Token"</th>
                                <th scope="col">"Link"</th>
                                <th scope="col">"Type"</th>
                                <th scope="col" class="num">"Uses"</th>
                                <th scope="col">"Expires"</th>
                                <th scope="col">"State"</th>
                                <th scope="col"><span class="sr-only">"Actions"</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {shown.into_iter().map(|invite| view! {
                                <InviteRow invite base=base.clone() today=today.clone() csrf=csrf.clone() back/>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }
            .into_any()
        }
    };
    let tab = move |only: bool| {
        let href = if only {
            "/admin/invites?valid=1"
        } else {
            "/admin/invites"
        };
        let current = move || (valid_only.get() == only).then_some("page");
        let text = if only {
            format!("Valid only ({valid_count})")
        } else {
            format!("All ({total})")
        };
        view! { <a class="tab" href=href aria-current=current>{text}</a> }
    };
    view! {
        <Banner screen=screen.clone()/>
        {created_box}
        {revoke_box}
        <section aria-labelledby="invites-title" class="invites-list">
            <h2 id="invites-title" class="sr-only">"Invites"</h2>
            <nav class="tabs" aria-label="Which invites">
                {tab(false)}
                {tab(true)}
            </nav>
            {rows}
        </section>
        <div class="form-columns">
            <CreateInvite today=screen.today.clone() csrf=csrf.clone()/>
            <EmailInvite screen csrf/>
        </div>
    }
}

/// What registration currently allows, and why email invites may be unavailable.
#[component]
fn Banner(screen: InvitesScreen) -> impl IntoView {
    let session = use_session();
    let reason = screen.email_invites_unavailable();
    view! {
        <section class="card banner" aria-labelledby="registration-title">
            <h2 id="registration-title" class="sr-only">"Registration"</h2>
            <dl class="facts inline-facts">
                <dt>"Registration"</dt><dd>{screen.registration_mode()}</dd>
                <dt>"Invites"</dt><dd>{if screen.invites_enabled { "Enabled" } else { "Disabled" }}</dd>
                <dt>"Mailer"</dt><dd>{if screen.mailer_enabled { "On" } else { "Off" }}</dd>
            </dl>
            {(!screen.registrations_open && !screen.invites_enabled).then(|| view! {
                <p class="hint">"Registration is closed and invites are disabled: invite links don't work until one of them is turned on."</p>
            })}
            {reason.map(|r| view! {
                <p class="hint">
                    {r}
                    {session.is_admin.then(|| view! {
                        " " <a href="/admin/settings/registrations">"Registration settings"</a>
                    })}
                </p>
            })}
        </section>
    }
}

#[component]
fn InviteRow(
    invite: Invite,
    base: String,
    today: String,
    csrf: String,
    back: &'static str,
) -> impl IntoView {
    let state = invite.state(&today);
    let link = invite.link(&base);
    let short_token: String = invite.token.chars().take(10).collect();
    let uses = match invite.max_use {
        Some(max) => format!("{} / {max}", invite.uses),
        None => format!("{} / no limit", invite.uses),
    };
    let expires = invite
        .expires_at
        .clone()
        .unwrap_or_else(|| "Never".to_string());
    let id = invite.id;
    view! {
        <tr>
            <td data-label="ID" class="num">"#" {id}</td>
            <td data-label="Token" class="col-id">
                <code title=invite.token.clone()>{short_token} "…"</code>
                <CopyButton value=invite.token.clone() label=format!("Copy the token of invite {id}")/>
            </td>
            <td data-label="Link" class="col-link">
                <a href=link.clone() class="truncate" title=link.clone()>{link.clone()}</a>
                <CopyButton value=link.clone() label=format!("Copy the link of invite {id}")/>
            </td>
            <td data-label="Type">{invite.type_label()}</td>
            <td data-label="Uses" class="num">{uses}</td>
            <td data-label="Expires" class="num">{expires}</td>
            <td data-label="State"><span class=state.tone().class()>{state.label()}</span></td>
            <td class="col-actions">
                {(!invite.used).then(|| view! {
                    <form method="post" action="/admin/invites/revoke" class="inline-form">
                        <input type="hidden" name="csrf" value=csrf/>
                        <input type="hidden" name="back" value=back/>
                        <input type="hidden" name="token" value=invite.token.clone()/>
                        <input type="hidden" name="id" value=id.to_string()/>
                        <button type="submit" aria-label=format!("Revoke invite {id}")>"Revoke"</button>
                    </form>
                })}
            </td>
        </tr>
    }
}

/// The invite just created, with its link to copy.
#[component]
fn NewInvite(invite: Invite, base: String) -> impl IntoView {
    let link = invite.link(&base);
    view! {
        <section class="card secret-box" aria-labelledby="new-invite-title">
            <h2 id="new-invite-title">{format!("New invite #{}", invite.id)}</h2>
            <p>{format!("{}. Send this link to the person you invite:", invite.type_label())}</p>
            <div class="copy-row">
                <code class="copyable" aria-label="Invite link">{link.clone()}</code>
                <CopyButton value=link label="Copy the invite link"/>
            </div>
        </section>
    }
}

/// The confirmation step of Revoke (ui.md §5), with focus on Cancel.
#[component]
fn RevokeConfirm(invite: Invite, csrf: String) -> impl IntoView {
    let location = use_location();
    let cancel_href = with_params(
        "/admin/invites",
        &location.search.get_untracked(),
        &["revoke", "notice", "error"],
        &[],
    );
    let cancel = NodeRef::<leptos::html::A>::new();
    Effect::new(move |_| {
        if let Some(link) = cancel.get() {
            let _ = link.focus();
        }
    });
    let back = cancel_href.clone();
    view! {
        <section class="card confirm-card" aria-labelledby="revoke-title" aria-describedby="revoke-consequence">
            <h2 id="revoke-title">{format!("Revoke invite #{}?", invite.id)}</h2>
            <p id="revoke-consequence">
                {format!("Its link ({}…) stops working at once. Accounts already registered with it are not affected. This can't be undone.",
                    invite.token.chars().take(10).collect::<String>())}
            </p>
            <form method="post" action="/admin/invites/revoke">
                <input type="hidden" name="csrf" value=csrf/>
                <input type="hidden" name="back" value=back/>
                <input type="hidden" name="token" value=invite.token.clone()/>
                <input type="hidden" name="id" value=invite.id.to_string()/>
                <input type="hidden" name="confirmed" value="1"/>
                <div class="confirm-actions">
                    <a class="button" href=cancel_href node_ref=cancel autofocus>"Cancel"</a>
                    <button type="submit" class="danger">{format!("Revoke invite #{}", invite.id)}</button>
                </div>
            </form>
        </section>
    }
}

#[component]
fn CreateInvite(today: String, csrf: String) -> impl IntoView {
    let expiry = RwSignal::new(String::new());
    let past = move || {
        let date = expiry.get();
        !date.is_empty() && date < today
    };
    view! {
        <form method="post" action="/admin/invites/create" class="card stack" aria-labelledby="create-invite-title">
            <h2 id="create-invite-title">"Create an invite"</h2>
            <input type="hidden" name="csrf" value=csrf/>
            <div class="field">
                <label for="invite-max">"Maximum uses"</label>
                <p class="hint" id="invite-max-hint">"Empty: one use."</p>
                <input id="invite-max" name="max_use" type="number" min="1" step="1" inputmode="numeric"
                    aria-describedby="invite-max-hint"/>
            </div>
            <div class="field">
                <label for="invite-expiry">"Expires after"</label>
                <p class="hint" id="invite-expiry-hint">"Empty: never. The invite works through this day (UTC)."</p>
                <input id="invite-expiry" name="expires_at" type="date" aria-describedby="invite-expiry-hint"
                    on:input=move |ev| expiry.set(event_target_value(&ev))/>
                <p class="form-warning" role="status">
                    {move || past().then_some("This date has passed: the invite would never be valid.")}
                </p>
            </div>
            <button type="submit" class="primary">"Create invite"</button>
        </form>
    }
}

#[component]
fn EmailInvite(screen: InvitesScreen, csrf: String) -> impl IntoView {
    let location = use_location();
    let search = location.search.get_untracked();
    let email = query_value(&search, "invite_email");
    let name = query_value(&search, "invite_name");
    let reason = screen.email_invites_unavailable();
    let disabled = reason.is_some();
    view! {
        <form method="post" action="/admin/invites/email" class="card stack" aria-labelledby="email-invite-title">
            <h2 id="email-invite-title">"Invite by email"</h2>
            <input type="hidden" name="csrf" value=csrf/>
            {reason.map(|r| view! { <p class="hint" id="email-invite-reason">{r}</p> })}
            <fieldset class="plain" disabled=disabled aria-describedby=disabled.then_some("email-invite-reason")>
                <div class="field">
                    <label for="invite-email">"Email"</label>
                    <input id="invite-email" name="email" type="email" required value=email autocomplete="off"/>
                </div>
                <div class="field">
                    <label for="invite-name">"Name (optional)"</label>
                    <input id="invite-name" name="name" value=name autocomplete="off"/>
                </div>
                <button type="submit" class="primary">"Send invitation"</button>
            </fieldset>
        </form>
    }
}

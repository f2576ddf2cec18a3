//! `/admin/users`: views, filters, the table with selection and bulk actions, pagination
//! (ui.md §4.3). All list state lives in the URL. Filters are a GET form (Apply without JavaScript;
//! hydrated, the search also updates the URL 300 ms after typing stops). Bulk actions are a plain
//! POST form to `/admin/users/action`, so they work without JavaScript too.

use std::time::Duration;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::model::query::{encode_component, query_value};
use crate::model::session::SessionInfo;
use crate::model::users::{
    absolute_time, relative_day, AdminUser, UserAction, UserListQuery, UserView, UsersOverview,
    UsersPage as Page, ACTOR_TYPES, MRF_TAGS, ORIGINS, PAGE_SIZES, ROLES, STATUSES,
};
use crate::serverfns::users::{get_users_overview, list_users};
use crate::ui::components::badges::{RoleBadges, StatusBadges, TagChips};
use crate::ui::components::copy::CopyButton;
use crate::ui::components::icons::Icon;
use crate::ui::components::load_error::LoadError;
use crate::ui::components::pager::Pager;
use crate::ui::layout::{escape_closes, use_session};

/// The user page of an account.
pub fn user_href(id: &str) -> String {
    format!("/admin/users/{}", encode_component(id))
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let query = Memo::new(move |_| UserListQuery::from_search(&location.search.get()));
    let list = Resource::new(move || query.get(), list_users);
    let overview = Resource::new(|| (), |_| get_users_overview());
    view! {
        <Title text="Users"/>
        <div class="page-head">
            <h1>"Users"</h1>
            {session.is_admin.then(|| view! {
                <a class="button primary" href="/admin/users/new">"Create users"</a>
            })}
        </div>
        <Suspense fallback=|| view! { <div class="tabs skeleton-line"></div> }>
            {move || Suspend::new(async move {
                let pending = overview.await.map(|o| o.pending_approval).ok();
                view! { <ViewTabs query pending/> }
            })}
        </Suspense>
        <Filters query/>
        <Transition fallback=|| view! { <TableSkeleton/> }>
            {move || Suspend::new(async move {
                let page = list.await;
                let facts = overview.await.unwrap_or_default();
                match page {
                    Ok(page) => view! { <UsersTable page facts query=query.get_untracked()/> }.into_any(),
                    Err(error) => view! { <LoadError error what="the users"/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Placeholder rows shaped like the table while the first page loads.
#[component]
fn TableSkeleton() -> impl IntoView {
    view! {
        <div class="table-skeleton" aria-busy="true" aria-label="Loading users">
            {(0..8).map(|_| view! { <div class="skeleton-row"></div> }).collect_view()}
        </div>
    }
}

/// The views as tabs (links, so each view is a shareable URL).
#[component]
fn ViewTabs(query: Memo<UserListQuery>, pending: Option<i64>) -> impl IntoView {
    view! {
        <nav class="tabs" aria-label="Views">
            {UserView::ALL.into_iter().map(|view| {
                let href = move || query.with(|q| q.with_view(view).href());
                let current = move || query.with(|q| q.view == view).then_some("page");
                let count = (view == UserView::Pending).then_some(pending).flatten();
                view! {
                    <a class="tab" href=href aria-current=current>
                        {view.label()}
                        {count.map(|n| view! { <span class="count num" aria-label=format!("({n})")>{n}</span> })}
                    </a>
                }
            }).collect_view()}
        </nav>
    }
}

/// The filter form. It is rebuilt when the URL's filters change from elsewhere (a tab, "Clear
/// filters", back/forward), but not for the search text alone, so typing never loses focus.
#[component]
fn Filters(query: Memo<UserListQuery>) -> impl IntoView {
    let shape = Memo::new(move |_| {
        let mut q = query.get();
        q.query.clear();
        q.page = 1;
        q
    });
    let search_input = NodeRef::<leptos::html::Input>::new();
    // The URL's search text reaches the box when it changed elsewhere (not while typing in it).
    Effect::new(move |_| {
        let wanted = query.with(|q| q.query.clone());
        #[cfg(feature = "hydrate")]
        if let Some(input) = search_input.get() {
            let focused = document().active_element().is_some_and(|active| {
                let element: &web_sys::Element = &input;
                active == *element
            });
            if !focused && input.value() != wanted {
                input.set_value(&wanted);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (wanted, search_input);
    });
    let navigate = use_navigate();
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let on_search = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
        let navigate = navigate.clone();
        let handle = set_timeout_with_handle(
            move || {
                let mut q = query.get_untracked();
                q.query = value.trim().to_string();
                q.page = 1;
                navigate(
                    &q.href(),
                    NavigateOptions {
                        replace: true,
                        scroll: false,
                        ..Default::default()
                    },
                );
            },
            Duration::from_millis(300),
        )
        .ok();
        timer.set_value(handle);
    };
    // Hydrated, Apply navigates inside the app to the canonical URL (only what differs from the
    // defaults); without JavaScript the browser submits the form as it is.
    let navigate_apply = use_navigate();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let form = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok());
            let data = form.and_then(|f| web_sys::FormData::new_with_form(&f).ok());
            let params = data
                .and_then(|d| web_sys::UrlSearchParams::new_with_str_sequence_sequence(&d).ok());
            if let Some(params) = params {
                ev.prevent_default();
                let search = String::from(params.to_string());
                navigate_apply(
                    &UserListQuery::from_search(&search).href(),
                    NavigateOptions::default(),
                );
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, &navigate_apply);
    };
    move || {
        let on_submit = on_submit.clone();
        let q = shape.get();
        let search_text = query.with_untracked(|q| q.query.clone());
        let clear_href = q.cleared().href();
        let has_filters = query.with_untracked(UserListQuery::has_filters);
        let other_tags = q
            .tags
            .iter()
            .filter(|t| !MRF_TAGS.iter().any(|(m, _)| m == t))
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        let extra_count = q.actor_types.len() + q.tags.len();
        let on_search = on_search.clone();
        view! {
            <form method="get" action="/admin/users" class="filters" aria-label="Filter users" on:submit=on_submit>
                {(q.view != UserView::Local).then(|| view! {
                    <input type="hidden" name="view" value=q.view.key()/>
                })}
                <div class="filter-grid">
                    <div class="field grow">
                        <label for="f-query">"Search nickname or domain"</label>
                        <input id="f-query" type="search" name="query" value=search_text
                            node_ref=search_input autocomplete="off" on:input=on_search/>
                    </div>
                    <div class="field">
                        <label for="f-name">"Display name"</label>
                        <input id="f-name" name="name" value=q.name.clone() autocomplete="off"/>
                    </div>
                    <div class="field">
                        <label for="f-email">"Email (exact)"</label>
                        <input id="f-email" name="email" value=q.email.clone() autocomplete="off"/>
                    </div>
                    <Choice id="f-origin" name="origin" label="Origin" current=q.origin.clone() choices=&ORIGINS/>
                    <Choice id="f-status" name="status" label="Status" current=q.status.clone() choices=&STATUSES/>
                    <Choice id="f-role" name="role" label="Role" current=q.role.clone() choices=&ROLES/>
                    <div class="field">
                        <label for="f-size">"Per page"</label>
                        <select id="f-size" name="page_size">
                            {PAGE_SIZES.into_iter().map(|n| view! {
                                <option value=n.to_string() selected={n == q.page_size}>{n}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="filter-actions">
                        <button type="submit" class="primary">"Apply"</button>
                        {has_filters.then(|| view! { <a class="button" href=clear_href>"Clear filters"</a> })}
                    </div>
                </div>
                <details class="more-filters" open={extra_count > 0}>
                    <summary>
                        "Actor types and tags"
                        {(extra_count > 0).then(|| format!(" ({extra_count} chosen)"))}
                    </summary>
                    <div class="more-filters-body">
                        <fieldset class="checks">
                            <legend>"Actor types"</legend>
                            {ACTOR_TYPES.into_iter().map(|a| view! {
                                <label class="checkbox">
                                    <input type="checkbox" name="actor_types" value=a
                                        checked=q.actor_types.iter().any(|x| x == a)/>
                                    {a}
                                </label>
                            }).collect_view()}
                        </fieldset>
                        <fieldset class="checks">
                            <legend>"Tags (any of)"</legend>
                            {MRF_TAGS.into_iter().map(|(tag, label)| view! {
                                <label class="checkbox">
                                    <input type="checkbox" name="tags" value=tag
                                        checked=q.tags.iter().any(|x| x == tag)/>
                                    {label}
                                </label>
                            }).collect_view()}
                            <div class="field">
                                <label for="f-tags">"Other tags, separated by commas"</label>
                                <input id="f-tags" name="tags" value=other_tags autocomplete="off"/>
                            </div>
                        </fieldset>
                    </div>
                </details>
            </form>
        }
    }
}

/// A select with "Any" plus exclusive choices.
#[component]
fn Choice(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    current: String,
    choices: &'static [(&'static str, &'static str, &'static str)],
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id name=name>
                <option value="" selected={current.is_empty()}>"Any"</option>
                {choices.iter().map(|(value, text, _)| view! {
                    <option value=*value selected={current == *value}>{*text}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

/// The table of one page, inside the bulk-action form, then the pager.
#[component]
fn UsersTable(page: Page, facts: UsersOverview, query: UserListQuery) -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let preselect = query_value(&location.search.get_untracked(), "select") == "all";
    let nicknames: Vec<String> = page.users.iter().map(|u| u.nickname.clone()).collect();
    let selected = RwSignal::new(if preselect {
        nicknames.clone()
    } else {
        Vec::new()
    });
    let view_kind = query.view;
    let here = query.href();
    let pager_query = query.clone();
    let href = Callback::new(move |n: i64| pager_query.with_page(n).href());
    let (page_no, page_size, count) = (query.page, page.page_size, page.count);
    if page.users.is_empty() {
        let cleared = query.cleared().href();
        let filtered = query.has_filters();
        return view! {
            <div class="empty-state">
                <h2>"No accounts"</h2>
                <p>{view_kind.empty_text()}</p>
                {filtered.then(|| view! { <p><a class="button" href=cleared>"Clear filters"</a></p> })}
            </div>
            {(page_no > 1).then(|| view! { <Pager page=page_no page_size count href/> })}
        }
        .into_any();
    }
    let all = nicknames.clone();
    let all_selected = move || selected.with(|s| !all.is_empty() && s.len() == all.len());
    let all_selected_phone = all_selected.clone();
    let everything = nicknames.clone();
    let select_all = move |ev: leptos::ev::Event| {
        if event_target_checked(&ev) {
            selected.set(everything.clone());
        } else {
            selected.set(Vec::new());
        }
    };
    let select_all_phone = select_all.clone();
    let select_all_href = format!(
        "{here}{}select=all",
        if here.contains('?') { "&" } else { "?" }
    );
    let pending_view = view_kind == UserView::Pending;
    // Without any bulk action there is nothing to select for.
    let selectable = UserAction::ALL
        .into_iter()
        .any(|a| a.need().met_by(&session));
    let caption = format!(
        "{} accounts, view {}, page {page_no}",
        count,
        view_kind.label()
    );
    let rows = page
        .users
        .into_iter()
        .map(|user| {
            view! {
                <UserRow user selected preselect pending_view selectable now_ms=facts.now_ms
                    session=session.clone()/>
            }
        })
        .collect_view();
    view! {
        <form method="post" action="/admin/users/action" class="bulk-form">
            // Enter in the tag box must not press a row's button: the first submit button of a
            // form is its default, and this one does nothing.
            <button type="submit" class="sr-only" disabled tabindex="-1" aria-hidden="true"></button>
            <input type="hidden" name="csrf" value=session.csrf_token.clone()/>
            <input type="hidden" name="back" value=here.clone()/>
            <p class="table-tools" hidden=!selectable>
                <span class="no-js-only">
                    <a href=select_all_href>"Select all on this page"</a>
                    {preselect.then(|| view! { " · " <a href=here.clone()>"Clear selection"</a> })}
                </span>
                // On phones the table's header (and its checkbox) is folded away.
                <label class="checkbox js-only phone-only">
                    <input type="checkbox" prop:checked=all_selected_phone on:change=select_all_phone/>
                    "Select all on this page"
                </label>
            </p>
            <div class="table-wrap">
                <table class="data-table users-table" class:selectable=selectable>
                    <caption class="sr-only">{caption}</caption>
                    <thead>
                        <tr>
                            {selectable.then(|| view! {
                                <th scope="col" class="col-select">
                                    <input type="checkbox" class="js-only" aria-label="Select all users on this page"
                                        prop:checked=all_selected on:change=select_all/>
                                </th>
                            })}
                            <th scope="col">"Account"</th>
                            <th scope="col">"ID"</th>
                            <th scope="col">"Origin"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Roles, type"</th>
                            <th scope="col">"Tags"</th>
                            <th scope="col">"Joined"</th>
                            {pending_view.then(|| view! { <th scope="col">"Reason"</th> })}
                            <th scope="col" class="col-actions"><span class="sr-only">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <BulkBar selected view_kind mailer_enabled=facts.mailer_enabled/>
        </form>
        <Pager page=page_no page_size count href/>
    }
    .into_any()
}

#[component]
fn UserRow(
    user: AdminUser,
    selected: RwSignal<Vec<String>>,
    preselect: bool,
    pending_view: bool,
    selectable: bool,
    now_ms: i64,
    session: SessionInfo,
) -> impl IntoView {
    let nick = user.nickname.clone();
    let is_self = session.nickname.eq_ignore_ascii_case(&nick);
    let checked = {
        let nick = nick.clone();
        move || selected.with(|s| s.contains(&nick))
    };
    let on_change = {
        let nick = nick.clone();
        move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            selected.update(|s| {
                s.retain(|n| n != &nick);
                if on {
                    s.push(nick.clone());
                }
            });
        }
    };
    let href = user_href(&user.id);
    let origin = match user.domain() {
        Some(domain) => format!("Remote · {domain}"),
        None => "Local".to_string(),
    };
    let actor = (user.actor_type != "Person").then(|| user.actor_type.clone());
    let joined = relative_day(&user.created_at, now_ms);
    let joined_title = absolute_time(&user.created_at);
    let reason = user.registration_reason.clone().filter(|r| !r.is_empty());
    let row_checked = {
        let checked = checked.clone();
        move || checked()
    };
    let can = |action: UserAction| action.need().met_by(&session);
    let mut quick: Vec<UserAction> = Vec::new();
    if user.deactivated && can(UserAction::Activate) {
        quick.push(UserAction::Activate);
    }
    if !user.deactivated && !is_self && can(UserAction::Deactivate) {
        quick.push(UserAction::Deactivate);
    }
    if user.approval_pending && can(UserAction::Approve) {
        quick.push(UserAction::Approve);
    }
    if user.confirmation_pending && user.local && can(UserAction::ConfirmEmail) {
        quick.push(UserAction::ConfirmEmail);
    }
    let menu_items = quick
        .into_iter()
        .map(|action| {
            view! {
                <button type="submit" class="menu-item" name="row_action"
                    value=format!("{}:{}", action.key(), nick)>
                    {action.label()}
                </button>
            }
        })
        .collect_view();
    let id = user.id.clone();
    let short = user.short_id();
    let avatar_alt = format!("avatar of @{nick}");
    view! {
        <tr class:selected=row_checked>
            {selectable.then(|| view! {
                <td class="col-select">
                    <input type="checkbox" name="nicknames" value=nick.clone()
                        aria-label=format!("Select @{nick}") checked=preselect
                        prop:checked=checked on:change=on_change/>
                </td>
            })}
            <td class="col-account" data-label="Account">
                <div class="account-cell">
                    <img class="avatar" src=user.avatar.clone() alt=avatar_alt width="32" height="32" loading="lazy"/>
                    <div class="account-names">
                        <a class="account-name" href=href.clone()>{user.display_name.clone()}</a>
                        <span class="user-nick">"@" {nick.clone()}</span>
                    </div>
                </div>
            </td>
            <td data-label="ID" class="col-id">
                <code class="num" title=id.clone()>{short}</code>
                <CopyButton value=id label=format!("Copy ID of @{nick}")/>
            </td>
            <td data-label="Origin">{origin}</td>
            <td data-label="Status"><span class="badges"><StatusBadges user=user.clone()/></span></td>
            <td data-label="Roles, type">
                <span class="badges">
                    <RoleBadges user=user.clone()/>
                    {actor.map(|a| view! { <span class="badge">{a}</span> })}
                </span>
            </td>
            <td data-label="Tags"><span class="chips"><TagChips tags=user.tags.clone()/></span></td>
            <td data-label="Joined" class="col-joined">
                <time datetime=user.created_at.clone() title=joined_title>{joined}</time>
            </td>
            {pending_view.then(|| view! {
                <td data-label="Registration reason" class="col-reason">
                    {match reason {
                        Some(text) => view! {
                            <details class="reason"><summary>"Read"</summary><p>{text}</p></details>
                        }.into_any(),
                        None => view! { <span class="muted">"None given"</span> }.into_any(),
                    }}
                </td>
            })}
            <td class="col-actions">
                <details class="row-menu" on:keydown=escape_closes>
                    <summary aria-label=format!("Actions for @{nick}")><Icon name="more"/></summary>
                    <div class="menu" role="group" aria-label=format!("Actions for @{nick}")>
                        <a class="menu-item" href=href>"Open user page"</a>
                        {menu_items}
                    </div>
                </details>
            </td>
        </tr>
    }
}

/// The bulk actions the session may use (hidden otherwise, ui.md §2). Without JavaScript the bar
/// is always there; hydrated it appears once something is selected and counts the selection.
#[component]
fn BulkBar(
    selected: RwSignal<Vec<String>>,
    view_kind: UserView,
    mailer_enabled: bool,
) -> impl IntoView {
    let session = use_session();
    let count = move || selected.with(Vec::len);
    let can = |action: UserAction| action.need().met_by(&session);
    let button = move |action: UserAction| {
        view! {
            <button type="submit" name="action" value=action.key()
                class=if action.is_destructive() { "danger" } else { "" }>
                {action.label()}
            </button>
        }
    };
    let mut status = vec![
        UserAction::Activate,
        UserAction::Deactivate,
        UserAction::Approve,
    ];
    if view_kind == UserView::Pending {
        status.push(UserAction::Reject);
    }
    // Rarer actions wait in a menu, so the bar stays short.
    let mut more = vec![UserAction::ConfirmEmail];
    if mailer_enabled {
        more.push(UserAction::ResendConfirmation);
    }
    more.extend([
        UserAction::ForcePasswordReset,
        UserAction::GrantAdmin,
        UserAction::RevokeAdmin,
        UserAction::GrantModerator,
        UserAction::RevokeModerator,
    ]);
    let status: Vec<UserAction> = status.into_iter().filter(|a| can(*a)).collect();
    let more: Vec<UserAction> = more.into_iter().filter(|a| can(*a)).collect();
    let status_group = (!status.is_empty()).then(|| {
        view! {
            <div class="bulk-group" role="group" aria-label="Account status actions">
                {status.into_iter().map(button).collect_view()}
            </div>
        }
    });
    let more_menu = (!more.is_empty()).then(|| {
        view! {
            <details class="bulk-more" on:keydown=escape_closes>
                <summary class="button">"More actions"</summary>
                <div class="menu" role="group" aria-label="More actions">
                    {more.into_iter().map(|action| view! {
                        <button type="submit" name="action" value=action.key() class="menu-item">
                            {action.label()}
                        </button>
                    }).collect_view()}
                </div>
            </details>
        }
    });
    let tags = can(UserAction::Tag).then(|| {
        view! {
            <details class="bulk-more" on:keydown=escape_closes>
                <summary class="button">"Tag…"</summary>
                <div class="menu tag-menu" role="group" aria-label="Tag actions">
                    <div class="field">
                        <label for="bulk-tag">"Preset"</label>
                        <select id="bulk-tag" name="tag">
                            {crate::model::users::MRF_TAGS.into_iter().map(|(tag, label)| view! {
                                <option value=tag>{label}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="bulk-tag-custom">"Or another tag"</label>
                        <input id="bulk-tag-custom" name="tag_custom" autocomplete="off"/>
                    </div>
                    <div class="tag-menu-actions">
                        {button(UserAction::Tag)}
                        {button(UserAction::Untag)}
                    </div>
                </div>
            </details>
        }
    });
    let delete = can(UserAction::Delete).then(|| button(UserAction::Delete));
    let any = UserAction::ALL.into_iter().any(can);
    any.then(|| {
        view! {
            <div class="bulk-bar" class:is-empty=move || count() == 0 role="region" aria-label="Bulk actions">
                <p class="bulk-count js-only" role="status">
                    {move || format!("{} selected", count())}
                </p>
                <p class="bulk-count no-js-only">"Tick users, then choose an action:"</p>
                <div class="bulk-actions">
                    {status_group}
                    {tags}
                    {more_menu}
                    {delete}
                </div>
                <p class="hint">"Your own account is always left out of Deactivate, Delete and Revoke admin."</p>
            </div>
        }
    })
}

//! `/admin/statuses` (ui.md §4.7): statuses of every instance, this host or one instance, with
//! "Show private and direct" (godmode) and "Include reblogs", visibility counters, newest first,
//! 20 at a time. The state lives in the URL ([`StatusListQuery`]); `pages` says how many pages are
//! shown, so the no-JavaScript "Show 20 more" link and a reload show the same list, while the
//! hydrated "Load more" button fetches only the next page and rewrites the URL in place.
//!
//! Sessions with `messages_delete` can also tick statuses and act on all of them from the bulk bar
//! (sensitive, visibility, delete). Hydrated, the bar works through the selection one status at a
//! time with a progress counter and stops at the first refusal; without JavaScript the ticked
//! boxes belong to one plain form posted to `/admin/statuses/action`, which does the same.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::model::query::{query_value, with_params};
use crate::model::statuses::{
    statuses_word, visibility_label, StatusAction, StatusListQuery, StatusView, MAX_BULK_STATUSES,
    MAX_PAGES, SETTABLE_VISIBILITIES, STATUS_PAGE_SIZE,
};
use crate::serverfns::statuses::{get_statuses_overview, list_statuses, moderate_status};
use crate::ui::components::load_error::LoadError;
use crate::ui::components::status_card::{StatusCard, StatusModeration};
use crate::ui::layout::use_session;

/// One-shot parameters that must not survive into `back` links.
const ONE_SHOTS: &[&str] = &[
    "notice",
    "error",
    "confirm_delete",
    "confirm_bulk_delete",
    "select",
];
/// The bulk form: the cards' checkboxes belong to it through their `form` attribute (a card's own
/// moderation menu is a form of its own, and forms can't nest).
const BULK_FORM: &str = "status-bulk";

#[component]
pub fn StatusesPage() -> impl IntoView {
    let location = use_location();
    let query = Memo::new(move |_| StatusListQuery::from_search(&location.search.get()));
    // The list reloads when a filter changes, not when "Load more" raises `pages`.
    let filter = Memo::new(move |_| StatusListQuery {
        pages: 1,
        ..query.get()
    });
    let statuses = Resource::new(
        move || filter.get(),
        move |f| {
            let pages = query.get_untracked().pages;
            list_statuses(f, 1, pages * STATUS_PAGE_SIZE)
        },
    );
    let overview = Resource::new(
        move || (filter.get().instance, filter.get().local_only),
        |(instance, local_only)| get_statuses_overview(instance, local_only),
    );
    view! {
        <Title text="Statuses"/>
        <h1>"Statuses"</h1>
        <Transition fallback=|| view! { <div class="card skeleton"></div> }>
            {move || Suspend::new(async move {
                let overview = overview.await;
                match overview {
                    Ok(o) => {
                        let q = query.get_untracked();
                        let counts = o.counts.clone().map(|c| {
                            let scope = if q.local_only {
                                format!("on {}", o.local_host)
                            } else if q.instance.is_empty() {
                                "on all instances".to_string()
                            } else {
                                format!("on {}", q.instance)
                            };
                            let items = c.entries().into_iter().map(|(label, n)| view! {
                                <div class="visibility-count"><dt>{label}</dt><dd class="num">{n}</dd></div>
                            }).collect_view();
                            view! {
                                <section class="visibility-counts" aria-label=format!("Statuses by visibility {scope}")>
                                    <h2 class="sr-only">{format!("Statuses by visibility {scope}")}</h2>
                                    <dl>{items}</dl>
                                </section>
                            }
                        });
                        let options = std::iter::once(o.local_host.clone())
                            .chain(o.peers.iter().cloned())
                            .map(|host| view! { <option value=host></option> })
                            .collect_view();
                        view! {
                            <form class="filters" method="get" action="/admin/statuses" aria-label="Status filters">
                                <div class="filter-grid">
                                    <label class="grow">
                                        "Instance"
                                        <input type="search" name="instance" list="status-instances"
                                            value=q.instance.clone() placeholder="All instances"
                                            autocomplete="off" spellcheck="false"/>
                                    </label>
                                    <datalist id="status-instances">{options}</datalist>
                                    <label class="checkbox">
                                        <input type="checkbox" name="local_only" value="1" checked=q.local_only/>
                                        {format!(" Local only ({})", o.local_host)}
                                    </label>
                                    <label class="checkbox">
                                        <input type="checkbox" name="godmode" value="1" checked=q.godmode/>
                                        " Show private and direct"
                                    </label>
                                    <label class="checkbox">
                                        <input type="checkbox" name="with_reblogs" value="1" checked=q.with_reblogs/>
                                        " Include reblogs"
                                    </label>
                                    <button type="submit" class="button primary">"Apply"</button>
                                </div>
                            </form>
                            {counts}
                        }.into_any()
                    }
                    Err(error) => view! { <LoadError error what="the statuses"/> }.into_any(),
                }
            })}
        </Transition>
        // A transition: after a bulk action the list reloads in place.
        <Transition fallback=|| view! { <div class="card skeleton"></div> }>
            {move || Suspend::new(async move {
                // The server's clock, so relative times read the same before and after hydration.
                let now_ms = overview.await.map(|o| o.now_ms).unwrap_or(0);
                let reload = Callback::new(move |()| {
                    statuses.refetch();
                    overview.refetch();
                });
                match statuses.await {
                    Ok(page) => view! {
                        <StatusList first=page.statuses more=page.more query filter now_ms reload/>
                    }.into_any(),
                    Err(error) => view! { <LoadError error what="the statuses"/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The cards, the next-page link (no JavaScript) and the "Load more" button (hydrated), and for
/// sessions with `messages_delete` the selection and the bulk bar.
#[component]
fn StatusList(
    first: Vec<StatusView>,
    more: bool,
    query: Memo<StatusListQuery>,
    filter: Memo<StatusListQuery>,
    now_ms: i64,
    /// Reloads the list (after a bulk action).
    reload: Callback<()>,
) -> impl IntoView {
    let location = use_location();
    let navigate = use_navigate();
    let session = use_session();
    let can_moderate = session.can("messages_delete");
    let extra: RwSignal<Vec<StatusView>> = RwSignal::new(Vec::new());
    let has_more = RwSignal::new(more);
    let loading = RwSignal::new(false);
    let failed: RwSignal<Option<String>> = RwSignal::new(None);
    let loaded_pages = RwSignal::new(query.get_untracked().pages);
    let empty = first.is_empty();
    let search = location.search.get_untracked();
    // Ticked on the server too: "Select all on this page" (no JavaScript) and the statuses a
    // bulk delete is asking about.
    let first_ids: Vec<String> = first.iter().map(|s| s.id.clone()).collect();
    let asked = bulk_delete_ids(&search);
    let preselected: Vec<String> = if query_value(&search, "select") == "all" {
        first_ids.clone()
    } else {
        first_ids
            .iter()
            .filter(|id| asked.contains(id))
            .cloned()
            .collect()
    };
    let selected = RwSignal::new(preselected.clone());
    let ticked_before = !preselected.is_empty();
    // Every loaded id, in list order (bulk actions run in this order).
    let loaded = {
        let first_ids = first_ids.clone();
        move || {
            let mut ids = first_ids.clone();
            extra.with(|list| ids.extend(list.iter().map(|s| s.id.clone())));
            ids
        }
    };
    let card = move |status: StatusView| {
        let search = location.search.get_untracked();
        let back = with_params(&location.pathname.get_untracked(), &search, ONE_SHOTS, &[]);
        let confirm = query_value(&search, "confirm_delete") == status.id;
        let select = can_moderate.then(|| {
            let ticked = preselected.contains(&status.id);
            view! { <StatusCheckbox status=status.clone() selected ticked/> }.into_any()
        });
        let moderation = can_moderate.then(
            || view! { <StatusModeration status=status.clone() back confirm_delete=confirm/> },
        );
        view! { <StatusCard status now_ms select>{moderation}</StatusCard> }
    };
    let first_cards = first.into_iter().map(card.clone()).collect_view();
    let load_more = move |_| {
        if loading.get_untracked() {
            return;
        }
        let next = loaded_pages.get_untracked() + 1;
        let navigate = navigate.clone();
        loading.set(true);
        failed.set(None);
        leptos::task::spawn_local(async move {
            match list_statuses(filter.get_untracked(), next, STATUS_PAGE_SIZE).await {
                Ok(page) => {
                    extra.update(|list| list.extend(page.statuses));
                    has_more.set(page.more);
                    loaded_pages.set(next);
                    // Keep a reload showing the same list (up to the URL's limit).
                    let url = StatusListQuery {
                        pages: next.min(MAX_PAGES),
                        ..query.get_untracked()
                    }
                    .href();
                    navigate(
                        &url,
                        NavigateOptions {
                            replace: true,
                            scroll: false,
                            ..Default::default()
                        },
                    );
                }
                Err(e) => failed.set(Some(format!("Couldn't load more statuses: {e}"))),
            }
            loading.set(false);
        });
    };
    let next_href = move || query.get().more().href();
    let selection_tools = (can_moderate && !empty).then(|| {
        let here = with_params(&location.pathname.get_untracked(), &search, ONE_SHOTS, &[]);
        let select_all_href = with_params(
            &location.pathname.get_untracked(),
            &search,
            ONE_SHOTS,
            &[("select", "all")],
        );
        let all_loaded = loaded.clone();
        let all_ticked = move || {
            let ids = all_loaded();
            selected.with(|s| !ids.is_empty() && ids.iter().all(|id| s.contains(id)))
        };
        let everything = loaded.clone();
        let tick_all = move |ev: leptos::ev::Event| {
            if event_target_checked(&ev) {
                selected.set(everything());
            } else {
                selected.set(Vec::new());
            }
        };
        view! {
            <p class="table-tools">
                <span class="no-js-only">
                    <a href=select_all_href>"Select all on this page"</a>
                    {ticked_before.then(|| view! { " · " <a href=here.clone()>"Clear selection"</a> })}
                </span>
                <label class="checkbox js-only">
                    <input type="checkbox" prop:checked=all_ticked on:change=tick_all/>
                    " Select all loaded statuses"
                </label>
            </p>
        }
    });
    let confirm_box = (can_moderate && !asked.is_empty()).then(|| {
        let back = with_params(&location.pathname.get_untracked(), &search, ONE_SHOTS, &[]);
        view! { <BulkDeleteConfirm ids=asked.clone() back csrf=session.csrf_token.clone()/> }
    });
    let bulk_bar = (can_moderate && !empty).then(|| {
        view! {
            <StatusBulkBar selected loaded=Callback::new(move |()| loaded()) reload
                csrf=session.csrf_token.clone()/>
        }
    });
    view! {
        {confirm_box}
        {empty.then(|| view! {
            <div class="empty-state">
                <h2>"No statuses here"</h2>
                <p>"Nothing matches these filters. Private and direct statuses show with \u{201c}Show private and direct\u{201d}, reblogs with \u{201c}Include reblogs\u{201d}."</p>
            </div>
        })}
        {selection_tools}
        <section class="status-list" aria-label="Statuses, newest first">
            {first_cards}
            <For each=move || extra.get() key=|s| s.id.clone() children=card/>
        </section>
        {move || failed.get().map(|text| view! { <p class="form-error" role="alert">{text}</p> })}
        {move || has_more.get().then(|| view! {
            <div class="load-more">
                <a class="button no-js-only" href=next_href()>"Show 20 more"</a>
                <button type="button" class="button js-only" on:click=load_more.clone()
                    disabled=move || loading.get() aria-busy=move || loading.get().to_string()>
                    {move || if loading.get() { "Loading…" } else { "Load more" }}
                </button>
            </div>
        })}
        {bulk_bar}
    }
}

/// The ids a bulk delete asks about (`confirm_bulk_delete=<id>,<id>…`), at most
/// [`MAX_BULK_STATUSES`].
fn bulk_delete_ids(search: &str) -> Vec<String> {
    query_value(search, "confirm_bulk_delete")
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .take(MAX_BULK_STATUSES)
        .map(str::to_string)
        .collect()
}

/// A card's checkbox: part of the bulk form, named by the status it selects.
#[component]
fn StatusCheckbox(
    status: StatusView,
    selected: RwSignal<Vec<String>>,
    ticked: bool,
) -> impl IntoView {
    let id = status.id.clone();
    let label = format!("Select status #{id} by {}", status.author_label());
    let checked = {
        let id = id.clone();
        move || selected.with(|s| s.contains(&id))
    };
    let on_change = {
        let id = id.clone();
        move |ev: leptos::ev::Event| {
            let on = event_target_checked(&ev);
            selected.update(|s| {
                s.retain(|x| x != &id);
                if on {
                    s.push(id.clone());
                }
            });
        }
    };
    view! {
        <input type="checkbox" name="ids[]" value=id form=BULK_FORM aria-label=label
            checked=ticked prop:checked=checked on:change=on_change/>
    }
}

/// The confirmation of a bulk delete (ui.md §5): names how many statuses and that it can't be
/// undone; Cancel has the focus. Shown from the URL, so it works without JavaScript; the hydrated
/// bar asks with [`BulkDeleteDialog`] instead.
#[component]
fn BulkDeleteConfirm(ids: Vec<String>, back: String, csrf: String) -> impl IntoView {
    let n = ids.len();
    let cancel = NodeRef::<leptos::html::A>::new();
    // `autofocus` covers the first load; this covers pages reached inside the running app.
    Effect::new(move |_| {
        if let Some(link) = cancel.get() {
            let _ = link.focus();
        }
    });
    let hidden = ids
        .into_iter()
        .map(|id| view! { <input type="hidden" name="ids[]" value=id/> })
        .collect_view();
    view! {
        <div class="confirm-box bulk-confirm" role="alertdialog" aria-labelledby="bulk-delete-title"
            aria-describedby="bulk-delete-text">
            <p id="bulk-delete-title"><strong>{delete_title(n)}</strong></p>
            <p id="bulk-delete-text">{delete_consequence(n)}</p>
            <form method="post" action="/admin/statuses/action" class="confirm-actions">
                <input type="hidden" name="csrf" value=csrf/>
                <input type="hidden" name="back" value=back.clone()/>
                <input type="hidden" name="confirmed" value="1"/>
                {hidden}
                <a class="button" href=back autofocus node_ref=cancel>"Cancel"</a>
                <button type="submit" class="danger" name="action" value="delete">{delete_button(n)}</button>
            </form>
        </div>
    }
}

fn delete_title(n: usize) -> String {
    format!("Delete {n} {}?", statuses_word(n))
}

fn delete_consequence(n: usize) -> String {
    let what = if n == 1 {
        "The status and its reblogs are"
    } else {
        "These statuses and their reblogs are"
    };
    format!("{what} removed for everyone, and reports stop listing them. This can't be undone.")
}

fn delete_button(n: usize) -> String {
    format!("Delete {n} {}", statuses_word(n))
}

/// The bulk bar (ui.md §3, §4.7): the count, Mark / Unmark sensitive, Set visibility and
/// Delete…. Without JavaScript it is a plain form the ticked cards belong to; hydrated, the buttons
/// work through the selection one status at a time ("2 of 5…"), stop at the first refusal, and
/// say the result in a toast.
#[component]
fn StatusBulkBar(
    selected: RwSignal<Vec<String>>,
    /// Every loaded id in list order.
    loaded: Callback<(), Vec<String>>,
    reload: Callback<()>,
    csrf: String,
) -> impl IntoView {
    let location = use_location();
    let navigate = use_navigate();
    let back = with_params(
        &location.pathname.get_untracked(),
        &location.search.get_untracked(),
        ONE_SHOTS,
        &[],
    );
    let count = move || selected.with(Vec::len);
    // (position, total) while a bulk action runs.
    let progress: RwSignal<Option<(usize, usize)>> = RwSignal::new(None);
    let running = move || progress.get().is_some();
    let visibility = RwSignal::new(SETTABLE_VISIBILITIES[0].to_string());
    let confirming = RwSignal::new(false);
    let delete_button = NodeRef::<leptos::html::Button>::new();
    let token = csrf.clone();
    let run = move |action: StatusAction| {
        if progress.get_untracked().is_some() {
            return;
        }
        // List order, not the order of ticking.
        let ids: Vec<String> = selected.with_untracked(|s| {
            loaded
                .run(())
                .into_iter()
                .filter(|id| s.contains(id))
                .collect()
        });
        if ids.is_empty() {
            return;
        }
        let navigate = navigate.clone();
        let csrf = token.clone();
        leptos::task::spawn_local(async move {
            let total = ids.len();
            let mut outcome = ("notice", action.done(total));
            for (n, id) in ids.iter().enumerate() {
                progress.set(Some((n + 1, total)));
                let refused = match moderate_status(csrf.clone(), id.clone(), action.key()).await {
                    Ok(refusal) => refusal,
                    Err(e) => Some(e.message),
                };
                if let Some(message) = refused {
                    outcome = ("error", action.stopped(id, n + 1, total, &message));
                    break;
                }
            }
            progress.set(None);
            selected.set(Vec::new());
            // The result as a toast, the way form posts report theirs.
            let (key, text) = outcome;
            let url = with_params(
                &location.pathname.get_untracked(),
                &location.search.get_untracked(),
                ONE_SHOTS,
                &[(key, &text)],
            );
            navigate(
                &url,
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            );
            reload.run(());
        });
    };
    let run_visibility = run.clone();
    let run_delete = run.clone();
    let button = move |action: StatusAction, label: &'static str, class: &'static str| {
        let run = run.clone();
        view! {
            <button type="submit" name="action" value=action.key() class=class
                disabled=running
                on:click=move |ev: leptos::ev::MouseEvent| {
                    ev.prevent_default();
                    run(action);
                }>
                {label}
            </button>
        }
    };
    let set_visibility = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let chosen = visibility.get_untracked();
        if let Some(v) = SETTABLE_VISIBILITIES.iter().find(|v| **v == chosen) {
            run_visibility(StatusAction::Visibility(v));
        }
    };
    let ask_delete = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        if count() > 0 && progress.get_untracked().is_none() {
            confirming.set(true);
        }
    };
    let close = Callback::new(move |()| {
        confirming.set(false);
        if let Some(button) = delete_button.get_untracked() {
            let _ = button.focus();
        }
    });
    let confirm = Callback::new(move |()| {
        confirming.set(false);
        run_delete(StatusAction::Delete);
    });
    let status_text = move || match progress.get() {
        Some((n, total)) => format!("{n} of {total}…"),
        None => format!("{} selected", count()),
    };
    view! {
        <form id=BULK_FORM method="post" action="/admin/statuses/action" class="bulk-form">
            <input type="hidden" name="csrf" value=csrf/>
            <input type="hidden" name="back" value=back/>
            <div class="bulk-bar" class:is-empty=move || count() == 0 && !running()
                role="region" aria-label="Bulk actions" aria-busy=move || running().to_string()>
                <p class="bulk-count js-only" role="status">{status_text}</p>
                <p class="bulk-count no-js-only">"Tick statuses, then choose:"</p>
                <div class="bulk-actions">
                    <div class="bulk-group" role="group" aria-label="Sensitive">
                        {button(StatusAction::SensitiveOn, "Mark sensitive", "")}
                        {button(StatusAction::SensitiveOff, "Unmark sensitive", "")}
                    </div>
                    <div class="bulk-group" role="group" aria-label="Visibility">
                        <label for="status-bulk-visibility" class="sr-only">"New visibility"</label>
                        <select id="status-bulk-visibility" name="visibility"
                            on:change=move |ev| visibility.set(event_target_value(&ev))>
                            {SETTABLE_VISIBILITIES.iter().map(|v| view! {
                                <option value=*v>{visibility_label(v)}</option>
                            }).collect_view()}
                        </select>
                        <button type="submit" name="action" value="visibility" disabled=running
                            on:click=set_visibility>
                            "Set visibility"
                        </button>
                    </div>
                    <button type="submit" name="action" value="delete" class="danger"
                        node_ref=delete_button disabled=running on:click=ask_delete>
                        "Delete…"
                    </button>
                </div>
            </div>
        </form>
        {move || confirming.get().then(|| view! {
            <BulkDeleteDialog n=count() close confirm/>
        })}
    }
}

/// The hydrated bar's delete confirmation: a modal alert dialog naming how many statuses and that
/// it can't be undone; focus starts on Cancel, stays inside, and Escape cancels (ui.md §5).
#[component]
fn BulkDeleteDialog(n: usize, close: Callback<()>, confirm: Callback<()>) -> impl IntoView {
    let cancel = NodeRef::<leptos::html::Button>::new();
    let delete = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = cancel.get() {
            let _ = button.focus();
        }
    });
    // Tab and Shift+Tab go round the two buttons.
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Escape" => {
            ev.prevent_default();
            close.run(());
        }
        "Tab" => {
            ev.prevent_default();
            #[cfg(feature = "hydrate")]
            if let (Some(cancel), Some(delete)) = (cancel.get_untracked(), delete.get_untracked()) {
                let on_cancel = document().active_element().is_some_and(|active| {
                    let element: &web_sys::Element = &cancel;
                    active == *element
                });
                let _ = if on_cancel {
                    delete.focus()
                } else {
                    cancel.focus()
                };
            }
        }
        _ => {}
    };
    view! {
        <div class="modal-backdrop">
            <div class="modal-dialog" role="alertdialog" aria-modal="true"
                aria-labelledby="bulk-dialog-title" aria-describedby="bulk-dialog-text"
                on:keydown=on_keydown>
                <h2 id="bulk-dialog-title">{delete_title(n)}</h2>
                <p id="bulk-dialog-text">{delete_consequence(n)}</p>
                <div class="confirm-actions">
                    <button type="button" node_ref=cancel on:click=move |_| close.run(())>"Cancel"</button>
                    <button type="button" class="danger" node_ref=delete on:click=move |_| confirm.run(())>
                        {delete_button(n)}
                    </button>
                </div>
            </div>
        </div>
    }
}

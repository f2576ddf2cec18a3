//! `/admin/statuses` (ui.md §4.7): statuses of every instance, this host or one instance, with
//! "Show private and direct" (godmode) and "Include reblogs", visibility counters, newest first,
//! 20 at a time. The state lives in the URL ([`StatusListQuery`]); `pages` says how many pages are
//! shown, so the no-JavaScript "Show 20 more" link and a reload show the same list, while the
//! hydrated "Load more" button fetches only the next page and rewrites the URL in place.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::model::query::{query_value, with_params};
use crate::model::statuses::{StatusListQuery, StatusView, MAX_PAGES, STATUS_PAGE_SIZE};
use crate::serverfns::statuses::{get_statuses_overview, list_statuses};
use crate::ui::components::load_error::LoadError;
use crate::ui::components::status_card::{StatusCard, StatusModeration};
use crate::ui::layout::use_session;

/// One-shot parameters that must not survive into `back` links.
const ONE_SHOTS: &[&str] = &["notice", "error", "confirm_delete"];

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
        <Suspense fallback=|| view! { <div class="card skeleton"></div> }>
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
        </Suspense>
        <Suspense fallback=|| view! { <div class="card skeleton"></div> }>
            {move || Suspend::new(async move {
                // The server's clock, so relative times read the same before and after hydration.
                let now_ms = overview.await.map(|o| o.now_ms).unwrap_or(0);
                match statuses.await {
                    Ok(page) => view! {
                        <StatusList first=page.statuses more=page.more query filter now_ms/>
                    }.into_any(),
                    Err(error) => view! { <LoadError error what="the statuses"/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The cards, the next-page link (no JavaScript) and the "Load more" button (hydrated).
#[component]
fn StatusList(
    first: Vec<StatusView>,
    more: bool,
    query: Memo<StatusListQuery>,
    filter: Memo<StatusListQuery>,
    now_ms: i64,
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
    let card = move |status: StatusView| {
        let search = location.search.get_untracked();
        let back = with_params(&location.pathname.get_untracked(), &search, ONE_SHOTS, &[]);
        let confirm = query_value(&search, "confirm_delete") == status.id;
        let moderation = can_moderate.then(
            || view! { <StatusModeration status=status.clone() back confirm_delete=confirm/> },
        );
        view! { <StatusCard status now_ms>{moderation}</StatusCard> }
    };
    let first_cards = first.into_iter().map(card).collect_view();
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
    view! {
        {empty.then(|| view! {
            <div class="empty-state">
                <h2>"No statuses here"</h2>
                <p>"Nothing matches these filters. Private and direct statuses show with \u{201c}Show private and direct\u{201d}, reblogs with \u{201c}Include reblogs\u{201d}."</p>
            </div>
        })}
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
    }
}

//! `/admin/reports`: the report queue (ui.md §4.6): state tabs with counts, filters by reported
//! account and reporter, newest first, paging, and Resolve / Close / Reopen for the checked reports
//! as one batch. All list state lives in the URL. The table is a plain POST form to
//! `/admin/reports/action`, so it works without JavaScript; hydrated, the queue follows the live
//! feed and refreshes when a report is filed or changes state.
//!
//! "Grouped by status" (`view=grouped`, a plain link) shows one row per reported status with its
//! reports instead (`GET /grouped_reports`). The account filters suggest accounts while typing
//! once the script runs; without it they are plain text fields.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_navigate};
use serde::{Deserialize, Serialize};

use crate::model::query::{encode_component, query_value};
use crate::model::reports::{
    relative_age, GroupedReportsPage, Report, ReportGroup, ReportListQuery, ReportState, ReportTab,
    ReportsPage, REPORT_PAGE_SIZES,
};
use crate::model::sanitize::to_text;
use crate::model::users::{absolute_time, AdminUser};
use crate::serverfns::reports::{list_grouped_reports, list_reports};
use crate::ui::components::account_filter::AccountFilterField;
use crate::ui::components::load_error::LoadError;
use crate::ui::components::pager::Pager;
use crate::ui::components::report_live::use_live_reports;
use crate::ui::layout::use_session;

/// The page of a report.
pub fn report_href(id: &str) -> String {
    format!("/admin/reports/{}", encode_component(id))
}

/// What the queue shows: a page of reports, or the reported statuses with their reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Queue {
    Reports(ReportsPage),
    Grouped(GroupedReportsPage),
}

impl Queue {
    fn counts(&self) -> [i64; 4] {
        match self {
            Queue::Reports(page) => page.counts,
            Queue::Grouped(page) => page.counts,
        }
    }
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let location = use_location();
    let query = Memo::new(move |_| ReportListQuery::from_search(&location.search.get()));
    let live = use_live_reports();
    // The live feed's counter is part of the source: a new or changed report refetches the page
    // (server and browser both start at 0, so hydration sees the same source).
    let list = Resource::new(
        move || (query.get(), live.map(|l| l.version.get()).unwrap_or(0)),
        |(q, _)| async move {
            if q.grouped {
                list_grouped_reports(q).await.map(Queue::Grouped)
            } else {
                list_reports(q).await.map(Queue::Reports)
            }
        },
    );
    // The selection survives live refreshes of the same list, not a move to another list.
    let selected = RwSignal::new(Vec::<String>::new());
    Effect::new(move |previous: Option<ReportListQuery>| {
        let now = query.get();
        if previous.is_some_and(|p| p != now) {
            selected.set(Vec::new());
        }
        now
    });
    // Screen readers hear about reports that arrive while the queue is open.
    let arrivals = live.map(|l| {
        let start = l.version.get_untracked();
        move || match l.version.get().saturating_sub(start) {
            0 => String::new(),
            1 => "The queue was updated: a report was filed or changed.".to_string(),
            n => format!("The queue was updated {n} times."),
        }
    });
    view! {
        <Title text="Reports"/>
        <div class="page-head">
            <h1>"Reports"</h1>
            {live.map(|_| view! {
                <p class="hint js-only live-hint">"New reports appear here as they arrive."</p>
            })}
        </div>
        {arrivals.map(|text| view! { <p class="sr-only" role="status" aria-live="polite">{text}</p> })}
        <Transition fallback=|| view! { <div class="tabs skeleton-line"></div> }>
            {move || Suspend::new(async move {
                // Without the reports the page shows why, below; no tabs then.
                list.await.ok().map(|page| view! { <QueueTabs query counts=page.counts()/> })
            })}
        </Transition>
        <ViewToggle query/>
        // Outside the refreshing part: a live update never resets what is being typed.
        {move || view! { <QueueFilters query=query.get()/> }}
        <Transition fallback=|| view! { <QueueSkeleton/> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(Queue::Reports(page)) => view! { <QueueTable page query=query.get_untracked() selected/> }.into_any(),
                    Ok(Queue::Grouped(page)) => view! { <GroupedTable page query=query.get_untracked()/> }.into_any(),
                    Err(error) => view! { <LoadError error what="the reports"/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Placeholder rows shaped like the table while the first page loads.
#[component]
fn QueueSkeleton() -> impl IntoView {
    view! {
        <div class="table-skeleton" aria-busy="true" aria-label="Loading reports">
            {(0..6).map(|_| view! { <div class="skeleton-row"></div> }).collect_view()}
        </div>
    }
}

/// The state tabs with their counts (links, so each tab is a shareable URL).
#[component]
fn QueueTabs(query: Memo<ReportListQuery>, counts: [i64; 4]) -> impl IntoView {
    view! {
        <nav class="tabs" aria-label="Report states">
            {ReportTab::ALL.into_iter().zip(counts).map(|(tab, n)| {
                let href = move || query.with(|q| q.with_tab(tab).href());
                let current = move || query.with(|q| q.tab == tab).then_some("page");
                view! {
                    <a class="tab" href=href aria-current=current>
                        {tab.label()}
                        <span class="count num" aria-label=format!("({n})")>{n}</span>
                    </a>
                }
            }).collect_view()}
        </nav>
    }
}

/// "By report" / "Grouped by status": plain links, so the view is part of the URL and works
/// without JavaScript.
#[component]
fn ViewToggle(query: Memo<ReportListQuery>) -> impl IntoView {
    let link = move |grouped: bool, label: &'static str| {
        let href = move || query.with(|q| q.with_grouped(grouped).href());
        let current = move || query.with(|q| q.grouped == grouped).then_some("page");
        view! { <a class="segment" href=href aria-current=current>{label}</a> }
    };
    view! {
        <nav class="segmented" aria-label="Queue view">
            {link(false, "By report")}
            {link(true, "Grouped by status")}
        </nav>
    }
}

/// The filter form: a GET form, so Apply works the same with and without JavaScript. Picking a
/// suggested account applies the filter at once.
#[component]
fn QueueFilters(query: ReportListQuery) -> impl IntoView {
    let clear = query.cleared().href();
    let filtered = query.has_filters();
    let navigate = use_navigate();
    let location = use_location();
    let apply = move |account: Option<String>, actor: Option<String>| {
        let mut q = ReportListQuery::from_search(&location.search.get_untracked());
        if let Some(account) = account {
            q.account = account;
        }
        if let Some(actor) = actor {
            q.actor = actor;
        }
        navigate(&q.with_page(1).href(), Default::default());
    };
    let apply_actor = apply.clone();
    let pick_account = Callback::new(move |nick: String| apply(Some(nick), None));
    let pick_actor = Callback::new(move |nick: String| apply_actor(None, Some(nick)));
    view! {
        <form method="get" action="/admin/reports" class="filters" aria-label="Filter reports">
            {(query.tab != ReportTab::Open).then(|| view! {
                <input type="hidden" name="state" value=query.tab.key()/>
            })}
            {query.grouped.then(|| view! { <input type="hidden" name="view" value="grouped"/> })}
            <div class="filter-grid">
                <AccountFilterField id="r-account" name="account" label="Reported account"
                    list_label="Suggested accounts" value=query.account.clone() on_pick=pick_account/>
                <AccountFilterField id="r-actor" name="actor" label="Reporter"
                    list_label="Suggested reporters" value=query.actor.clone() on_pick=pick_actor/>
                <div class="field">
                    <label for="r-size">{if query.grouped { "Statuses per page" } else { "Per page" }}</label>
                    <select id="r-size" name="page_size">
                        {REPORT_PAGE_SIZES.into_iter().map(|n| view! {
                            <option value=n.to_string() selected={n == query.page_size}>{n}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="filter-actions">
                    <button type="submit" class="primary">"Apply"</button>
                    {filtered.then(|| view! { <a class="button" href=clear>"Clear filters"</a> })}
                </div>
            </div>
        </form>
    }
}

/// The empty state of a filter naming no account.
fn unknown_account_state(what: &str, query: &ReportListQuery) -> AnyView {
    let cleared = query.cleared().href();
    view! {
        <div class="empty-state" role="alert">
            <h2>"No such account"</h2>
            <p>{format!("The {what} filter names no account here. Use a nickname (user or user@host) or an ID.")}</p>
            <p><a class="button" href=cleared>"Clear filters"</a></p>
        </div>
    }
    .into_any()
}

/// The grouped queue: one row per reported status with its reports, newest first, paged like the
/// queue (`GET /grouped_reports` itself has no pages; the panel renders only the page it shows).
#[component]
fn GroupedTable(page: GroupedReportsPage, query: ReportListQuery) -> impl IntoView {
    let pager_query = query.clone();
    let href = Callback::new(move |n: i64| pager_query.with_page(n).href());
    let (page_no, page_size, count) = (query.page, page.page_size.max(1), page.total);
    if let Some(what) = page.unknown_account {
        return unknown_account_state(&what, &query);
    }
    if page.groups.is_empty() {
        let cleared = query.cleared().href();
        let filtered = query.has_filters();
        return view! {
            <div class="empty-state">
                <h2>"No reported statuses"</h2>
                <p>{query.tab.empty_text()}" Reports that name no status only show by report."</p>
                {filtered.then(|| view! { <p><a class="button" href=cleared>"Clear filters"</a></p> })}
            </div>
            {(page_no > 1).then(|| view! { <Pager page=page_no page_size count href/> })}
        }
        .into_any();
    }
    let caption = format!(
        "{} reported statuses, {} tab, grouped by status",
        page.total,
        query.tab.label()
    );
    let now_ms = page.now_ms;
    let rows = page
        .groups
        .into_iter()
        .map(|group| view! { <GroupRow group now_ms/> })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="data-table grouped-table">
                <caption class="sr-only">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Reported status"</th>
                        <th scope="col">"Author"</th>
                        <th scope="col">"Reports"</th>
                        <th scope="col">"Latest report"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <Pager page=page_no page_size count href/>
    }
    .into_any()
}

/// The first `max` characters of a status's text (its content warning instead when it has one,
/// so hidden content stays hidden).
fn status_excerpt(group: &ReportGroup, max: usize) -> String {
    let Some(status) = &group.status else {
        return String::new();
    };
    let shown = status.reblog.as_deref().unwrap_or(status);
    let text = if shown.spoiler_text.trim().is_empty() {
        to_text(&shown.content)
    } else {
        format!("Content warning: {}", shown.spoiler_text.trim())
    };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        text
    } else {
        format!("{}…", text.chars().take(max).collect::<String>().trim_end())
    }
}

#[component]
fn GroupRow(group: ReportGroup, now_ms: i64) -> impl IntoView {
    let excerpt = status_excerpt(&group, 140);
    let status_cell = match &group.status {
        Some(status) => {
            let text = if excerpt.is_empty() {
                format!("Status #{}", status.id)
            } else {
                excerpt
            };
            view! {
                <a href=status.href()>{text}</a>
                " "
                <span class="badge">{status.visibility_label()}</span>
                {status.sensitive.then(|| view! { " " <span class="badge warn">"Sensitive"</span> })}
            }
            .into_any()
        }
        None => view! {
            <span>{format!("Status #{}", group.status_id)}</span>
            " "
            <span class="badge danger">"Deleted"</span>
        }
        .into_any(),
    };
    let n = group.reports.len();
    let summary = format!(
        "{n} {} · {}",
        if n == 1 { "report" } else { "reports" },
        group.states_text()
    );
    let age = relative_age(&group.date, now_ms);
    let when = absolute_time(&group.date);
    let lines = group
        .reports
        .iter()
        .map(|r| {
            let by = handle(&r.actor);
            let age = relative_age(&r.created_at, now_ms);
            let excerpt = (!r.excerpt.is_empty()).then(|| format!(" · {}", r.excerpt));
            view! {
                <li>
                    <StateBadge state=r.state/>
                    " "
                    <a href=report_href(&r.id)>{format!("Report #{}", r.id)}</a>
                    <span class="muted">{format!(" by {by} · {age}")}{excerpt}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <tr>
            <td data-label="Reported status" class="col-comment">{status_cell}</td>
            <td data-label="Author"><AccountChip account=group.account.clone()/></td>
            <td data-label="Reports">
                <p class="group-summary">{summary}</p>
                <ul class="group-reports" aria-label=format!("Reports about status #{}", group.status_id)>{lines}</ul>
            </td>
            <td data-label="Latest report" class="col-joined">
                <time datetime=group.date.clone() title=when>{age}</time>
            </td>
        </tr>
    }
}

/// `@nick` of an account, or "(deleted account)".
pub fn handle(account: &Option<AdminUser>) -> String {
    account
        .as_ref()
        .map(|a| format!("@{}", a.nickname))
        .unwrap_or_else(|| "(deleted account)".to_string())
}

/// An account in a row: avatar, `@nick` (→ user page) and a Deactivated badge.
#[component]
pub fn AccountChip(account: Option<AdminUser>) -> impl IntoView {
    match account {
        Some(user) => {
            let href = crate::ui::pages::users::user_href(&user.id);
            let alt = format!("avatar of @{}", user.nickname);
            view! {
                <span class="account-chip">
                    <img class="avatar small" src=user.avatar.clone() alt=alt width="24" height="24" loading="lazy"/>
                    <a href=href>"@" {user.nickname.clone()}</a>
                    {user.deactivated.then(|| view! { <span class="badge danger">"Deactivated"</span> })}
                </span>
            }
            .into_any()
        }
        None => view! { <span class="account-chip muted">"(deleted account)"</span> }.into_any(),
    }
}

/// The state badge of a report.
#[component]
pub fn StateBadge(state: ReportState) -> impl IntoView {
    view! { <span class=state.tone().class()>{state.label()}</span> }
}

#[component]
fn QueueTable(
    page: ReportsPage,
    query: ReportListQuery,
    selected: RwSignal<Vec<String>>,
) -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let here = query.href();
    let pager_query = query.clone();
    let href = Callback::new(move |n: i64| pager_query.with_page(n).href());
    let (page_no, page_size, count) = (query.page, page.page_size.max(1), page.total);
    if let Some(what) = page.unknown_account {
        return unknown_account_state(&what, &query);
    }
    if page.reports.is_empty() {
        let cleared = query.cleared().href();
        let filtered = query.has_filters();
        return view! {
            <div class="empty-state">
                <h2>"No reports"</h2>
                <p>{query.tab.empty_text()}</p>
                {filtered.then(|| view! { <p><a class="button" href=cleared>"Clear filters"</a></p> })}
            </div>
            {(page_no > 1).then(|| view! { <Pager page=page_no page_size count href/> })}
        }
        .into_any();
    }
    let preselect = query_value(&location.search.get_untracked(), "select") == "all";
    let ids: Vec<String> = page.reports.iter().map(|r| r.id.clone()).collect();
    if preselect {
        selected.set(ids.clone());
    }
    let all = ids.clone();
    let all_selected =
        move || selected.with(|s| !all.is_empty() && all.iter().all(|id| s.contains(id)));
    let everything = ids.clone();
    let select_all = move |ev: leptos::ev::Event| {
        if event_target_checked(&ev) {
            selected.set(everything.clone());
        } else {
            selected.set(Vec::new());
        }
    };
    let select_all_href = format!(
        "{here}{}select=all",
        if here.contains('?') { "&" } else { "?" }
    );
    let caption = format!("{count} reports, {} tab, page {page_no}", query.tab.label());
    let now_ms = page.now_ms;
    let rows = page
        .reports
        .into_iter()
        .map(|report| view! { <QueueRow report selected preselect now_ms/> })
        .collect_view();
    let count_text = move || selected.with(Vec::len);
    view! {
        <form method="post" action="/admin/reports/action" class="bulk-form">
            <input type="hidden" name="csrf" value=session.csrf_token.clone()/>
            <input type="hidden" name="back" value=here.clone()/>
            <p class="table-tools no-js-only">
                <a href=select_all_href>"Select all on this page"</a>
                {preselect.then(|| view! { " · " <a href=here.clone()>"Clear selection"</a> })}
            </p>
            <div class="table-wrap">
                <table class="data-table reports-table selectable">
                    <caption class="sr-only">{caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col" class="col-select">
                                <input type="checkbox" class="js-only" aria-label="Select all reports on this page"
                                    prop:checked=all_selected on:change=select_all/>
                            </th>
                            <th scope="col">"State"</th>
                            <th scope="col">"Filed"</th>
                            <th scope="col">"Reporter → reported"</th>
                            <th scope="col">"Comment"</th>
                            <th scope="col" class="num">"Statuses"</th>
                            <th scope="col" class="num">"Notes"</th>
                            <th scope="col" class="col-actions"><span class="sr-only">"Open"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <div class="bulk-bar" class:is-empty=move || count_text() == 0 role="region" aria-label="Bulk actions">
                <p class="bulk-count js-only" role="status">{move || format!("{} selected", count_text())}</p>
                <p class="bulk-count no-js-only">"Tick reports, then choose:"</p>
                <div class="bulk-actions">
                    <div class="bulk-group" role="group" aria-label="Report state actions">
                        {[ReportState::Resolved, ReportState::Closed, ReportState::Open].into_iter().map(|s| view! {
                            <button type="submit" name="state" value=s.key()>{s.verb()}</button>
                        }).collect_view()}
                    </div>
                </div>
            </div>
        </form>
        <Pager page=page_no page_size count href/>
    }
    .into_any()
}

#[component]
fn QueueRow(
    report: Report,
    selected: RwSignal<Vec<String>>,
    preselect: bool,
    now_ms: i64,
) -> impl IntoView {
    let id = report.id.clone();
    let checked = {
        let id = id.clone();
        move || selected.with(|s| s.contains(&id))
    };
    let row_checked = checked.clone();
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
    let about = handle(&report.account);
    let age = relative_age(&report.created_at, now_ms);
    let when = absolute_time(&report.created_at);
    let excerpt = report.comment_excerpt(120);
    let statuses = report.statuses.len();
    let notes = report.notes.len();
    let href = report_href(&id);
    view! {
        <tr class:selected=row_checked>
            <td class="col-select">
                <input type="checkbox" name="ids" value=id.clone()
                    aria-label=format!("Select the report about {about}") checked=preselect
                    prop:checked=checked on:change=on_change/>
            </td>
            <td data-label="State"><StateBadge state=report.state/></td>
            <td data-label="Filed" class="col-joined">
                <time datetime=report.created_at.clone() title=when>{age}</time>
            </td>
            <td data-label="Reporter → reported" class="col-people">
                <AccountChip account=report.actor.clone()/>
                <span class="arrow" aria-label="reported">" → "</span>
                <AccountChip account=report.account.clone()/>
            </td>
            <td data-label="Comment" class="col-comment">
                {if excerpt.is_empty() {
                    view! { <span class="muted">"No comment"</span> }.into_any()
                } else {
                    view! { <span>{excerpt}</span> }.into_any()
                }}
            </td>
            <td data-label="Statuses" class="num">{statuses}</td>
            <td data-label="Notes" class="num">{notes}</td>
            <td class="col-actions">
                <a class="button small" href=href aria-label=format!("Open the report about {about}")>"Open"</a>
            </td>
        </tr>
    }
}

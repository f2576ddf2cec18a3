//! `/admin/reports/:id`: one report (ui.md §4.6): the comment, the reported account and the
//! reporter with quick actions, the reported statuses with their moderation menu, the notes, and
//! Resolve / Close / Reopen / "Resolve and open next". Every action is a small HTML form (report
//! and status actions to `/admin/reports/…`, account actions to `/admin/users/action`), so the page
//! works the same without JavaScript; destructive actions are confirmed first.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_navigate, use_params_map};
use leptos_router::NavigateOptions;

use crate::model::query::{encode_component, query_value, with_params};
use crate::model::reports::{
    relative_age, OptimisticState, ReportDetail, ReportListQuery, ReportNote, ReportState,
    ReportTab, ReportedStatus, StateChange,
};
use crate::model::session::SessionInfo;
use crate::model::users::{absolute_time, short_id, AdminUser, UserAction, MRF_TAGS};
use crate::serverfns::reports::{get_report, set_report_state};
use crate::ui::components::badges::{RoleBadges, StatusBadges, TagChips};
use crate::ui::components::copy::CopyButton;
use crate::ui::components::load_error::LoadError;
use crate::ui::components::report_live::use_live_reports;
use crate::ui::components::status_card::{StatusCard, StatusModeration};
use crate::ui::layout::use_session;
use crate::ui::pages::reports::{handle, report_href, StateBadge};
use crate::ui::pages::users::user_href;

#[component]
pub fn ReportPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let report = Resource::new(move || id.get(), get_report);
    view! {
        <p class="breadcrumb"><a href="/admin/reports">"← Reports"</a></p>
        <Suspense fallback=|| view! { <div class="card skeleton"></div> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(detail) => view! { <ReportView detail/> }.into_any(),
                    Err(error) => view! {
                        <Title text="Report"/>
                        <h1>"Report"</h1>
                        <LoadError error what="this report"/>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReportView(detail: ReportDetail) -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let search = location.search.get_untracked();
    let confirm_note = query_value(&search, "confirm_note");
    // The statuses screens' delete confirmation asks with `confirm_delete=<status id>`.
    let confirm_status = query_value(&search, "confirm_delete");
    let typed_note = query_value(&search, "note");
    let report = detail.report;
    let page = report_href(&report.id);
    let about = handle(&report.account);
    let title = format!("Report about {about}");
    let when = relative_age(&report.created_at, detail.now_ms);
    let when_title = absolute_time(&report.created_at);
    let comment = report.comment_text();
    let status_count = detail.statuses.len();
    // Hydrated, a state change shows at once and rolls back if the server refuses it.
    let state = RwSignal::new(OptimisticState::new(report.state));
    // State changes made here (each announced once on the live feed).
    let own_changes = RwSignal::new(0u64);
    // The live feed says when someone else changed this report; the page then offers a reload.
    let changed_elsewhere = use_live_reports().map(|live| {
        let start = live.version.get_untracked();
        Memo::new(move |_| live.version.get().saturating_sub(start) > own_changes.get())
    });
    let can_moderate = session.can("messages_delete");
    let statuses = detail
        .statuses
        .into_iter()
        .map(|status| {
            let confirming = status.card.id == confirm_status;
            view! {
                <li><ReportedStatusItem status back=page.clone() confirming now_ms=detail.now_ms
                    can_moderate/></li>
            }
        })
        .collect_view();
    let notes = report
        .notes
        .iter()
        .cloned()
        .map(|note| {
            let confirming = note.id.to_string() == confirm_note;
            view! {
                <li><NoteItem note report_id=report.id.clone() back=page.clone() confirming
                    now_ms=detail.now_ms csrf=session.csrf_token.clone()/></li>
            }
        })
        .collect_view();
    let note_count = report.notes.len();
    let shortcuts = window_event_listener(leptos::ev::keydown, report_shortcut);
    on_cleanup(move || shortcuts.remove());
    view! {
        <Title text=title.clone()/>
        <header class="page-head report-head">
            <div>
                <h1>{title}</h1>
                <p class="report-meta">
                    {move || view! { <StateBadge state=state.get().shown/> }}
                    " Filed "
                    <time datetime=report.created_at.clone() title=when_title>{when}</time>
                    " by " {handle(&report.actor)}
                    " · Report "
                    <code class="num" title=report.id.clone()>{short_id(&report.id)}</code>
                    <CopyButton value=report.id.clone() label="Copy report ID".to_string()/>
                </p>
            </div>
        </header>
        {changed_elsewhere.map(|changed| {
            let reload = page.clone();
            view! {
                <Show when=move || changed.get()>
                    <p class="inline-notice" role="status">
                        "Reports changed since this page loaded. "
                        <a href=reload.clone()>"Reload this report"</a>
                    </p>
                </Show>
            }
        })}
        <StateActions id=report.id.clone() state own_changes back=page.clone()
            csrf=session.csrf_token.clone()/>
        <section class="card report-comment" aria-labelledby="comment-title">
            <h2 id="comment-title">"Comment"</h2>
            {if comment.trim().is_empty() {
                view! { <p class="muted">"The reporter left no comment."</p> }.into_any()
            } else {
                view! { <p class="comment-text">{comment}</p> }.into_any()
            }}
        </section>
        <div class="report-people">
            <AccountCard title="Reported account" account=report.account.clone() back=page.clone() quick=true/>
            <AccountCard title="Reporter" account=report.actor.clone() back=page.clone() quick=false/>
        </div>
        <section class="report-statuses" aria-labelledby="statuses-title">
            <h2 id="statuses-title">{format!("Reported statuses ({status_count})")}</h2>
            {if status_count == 0 {
                view! { <p class="muted">"The report names no statuses."</p> }.into_any()
            } else {
                view! { <ul class="status-list">{statuses}</ul> }.into_any()
            }}
        </section>
        <section class="card report-notes" aria-labelledby="notes-title">
            <h2 id="notes-title">{format!("Notes ({note_count})")}</h2>
            {if note_count == 0 {
                view! { <p class="muted">"No notes yet. Notes are visible to staff only."</p> }.into_any()
            } else {
                view! { <ol class="notes">{notes}</ol> }.into_any()
            }}
            <NoteForm id=report.id.clone() back=page csrf=session.csrf_token.clone() typed=typed_note/>
        </section>
    }
}

/// The report's keyboard shortcuts (ui.md §5): `r` resolve, `c` close, `n` write a note; off while
/// typing and with modifier keys.
fn report_shortcut(ev: leptos::ev::KeyboardEvent) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.default_prevented() {
            return;
        }
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
            .is_some_and(|el| {
                matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    || el.is_content_editable()
            });
        if typing {
            return;
        }
        let selector = match ev.key().as_str() {
            "r" => "form[aria-label='Report state'] button[name='state'][value='resolved']",
            "c" => "form[aria-label='Report state'] button[name='state'][value='closed']",
            "n" => "#note-content",
            _ => return,
        };
        let target = document()
            .query_selector(selector)
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(target) = target {
            ev.prevent_default();
            if ev.key() == "n" {
                let _ = target.focus();
            } else {
                target.click();
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

/// Resolve / Close / Reopen (the buttons for the other states) and "Resolve and open next".
/// Without JavaScript a plain form post. Hydrated, optimistic (ui.md §4.6): the badge and the
/// buttons show the new state at once and the change goes to the server; a refusal or a failed
/// request puts the previous state back and says why in an error toast, success says what was
/// done in a notice ("Resolve and open next" then goes on to the next open report).
#[component]
fn StateActions(
    id: String,
    state: RwSignal<OptimisticState>,
    own_changes: RwSignal<u64>,
    back: String,
    csrf: String,
) -> impl IntoView {
    let location = use_location();
    let navigate = use_navigate();
    let report_id = id.clone();
    let token = csrf.clone();
    let change = move |to: ReportState, next: bool| {
        let mut started = false;
        state.update(|s| started = s.begin(to));
        if !started {
            return;
        }
        let (id, csrf, navigate) = (report_id.clone(), token.clone(), navigate.clone());
        leptos::task::spawn_local(async move {
            let answer = set_report_state(csrf, id, to.key().to_string(), next).await;
            let (key, text, go) = match answer {
                Ok(StateChange {
                    error: None,
                    notice,
                    next,
                }) => {
                    state.update(OptimisticState::settle);
                    own_changes.update(|n| *n += 1);
                    ("notice", notice, next)
                }
                Ok(StateChange {
                    error: Some(error), ..
                }) => {
                    state.update(OptimisticState::roll_back);
                    ("error", error, None)
                }
                Err(e) => {
                    state.update(OptimisticState::roll_back);
                    let verb = to.verb().to_lowercase();
                    (
                        "error",
                        format!("Couldn't {verb} the report: {}", e.message),
                        None,
                    )
                }
            };
            // The result as a toast, the way form posts report theirs.
            let url = match &go {
                Some(path) => with_params(path, "", &[], &[(key, &text)]),
                None => with_params(
                    &location.pathname.get_untracked(),
                    &location.search.get_untracked(),
                    &["notice", "error"],
                    &[(key, &text)],
                ),
            };
            navigate(
                &url,
                NavigateOptions {
                    replace: go.is_none(),
                    scroll: go.is_some(),
                    ..Default::default()
                },
            );
        });
    };
    let change_next = change.clone();
    let buttons = move || {
        let shown = state.get().shown;
        [
            ReportState::Resolved,
            ReportState::Closed,
            ReportState::Open,
        ]
        .into_iter()
        .filter(|s| *s != shown)
        .map(|s| {
            let class = if s == ReportState::Resolved {
                "primary"
            } else {
                ""
            };
            let change = change.clone();
            view! {
                <button type="submit" name="state" value=s.key() class=class
                    on:click=move |ev: leptos::ev::MouseEvent| {
                        ev.prevent_default();
                        change(s, false);
                    }>
                    {s.verb()}
                </button>
            }
        })
        .collect_view()
    };
    let busy = move || state.get().pending.then_some("true");
    view! {
        <form method="post" action="/admin/reports/action" class="card report-actions" aria-label="Report state"
            aria-busy=busy>
            <input type="hidden" name="csrf" value=csrf/>
            <input type="hidden" name="back" value=back/>
            <input type="hidden" name="ids" value=id/>
            {buttons}
            <button type="submit" name="next" value="resolved"
                on:click=move |ev: leptos::ev::MouseEvent| {
                    ev.prevent_default();
                    change_next(ReportState::Resolved, true);
                }>
                "Resolve and open next"
            </button>
        </form>
    }
}

/// One small form posting a user action on `nickname`, coming back to the report.
#[component]
fn UserActionForm(
    action: UserAction,
    nickname: String,
    back: String,
    csrf: String,
) -> impl IntoView {
    let class = if action.is_destructive() {
        "danger"
    } else {
        ""
    };
    view! {
        <form method="post" action="/admin/users/action" class="inline-form">
            <input type="hidden" name="csrf" value=csrf/>
            <input type="hidden" name="back" value=back/>
            <input type="hidden" name="nicknames" value=nickname/>
            <button type="submit" name="action" value=action.key() class=class>{action.label()}</button>
        </form>
    }
}

/// An account of the report: who it is, its state, links to its reports, and (for the reported
/// account) the quick actions the session may use.
#[component]
fn AccountCard(
    title: &'static str,
    account: Option<AdminUser>,
    back: String,
    quick: bool,
) -> impl IntoView {
    let session = use_session();
    let heading_id = if quick {
        "reported-title"
    } else {
        "reporter-title"
    };
    let Some(user) = account else {
        return view! {
            <section class="card account-card" aria-labelledby=heading_id>
                <h2 id=heading_id>{title}</h2>
                <p class="muted">"(deleted account)"</p>
            </section>
        }
        .into_any();
    };
    let nick = user.nickname.clone();
    let about_href = ReportListQuery {
        tab: ReportTab::All,
        account: nick.clone(),
        ..Default::default()
    }
    .href();
    let by_href = ReportListQuery {
        tab: ReportTab::All,
        actor: nick.clone(),
        ..Default::default()
    }
    .href();
    let actions = quick
        .then(|| quick_actions(&user, &session, &back))
        .flatten();
    let alt = format!("avatar of @{nick}");
    view! {
        <section class="card account-card" aria-labelledby=heading_id>
            <h2 id=heading_id>{title}</h2>
            <div class="account-cell">
                <img class="avatar" src=user.avatar.clone() alt=alt width="48" height="48" loading="lazy"/>
                <div class="account-names">
                    <a class="account-name" href=user_href(&user.id)>{user.display_name.clone()}</a>
                    <span class="user-nick">"@" {nick.clone()}</span>
                </div>
            </div>
            <p class="badges">
                <StatusBadges user=user.clone()/>
                <RoleBadges user=user.clone()/>
                {(!user.local).then(|| view! { <span class="badge">"Remote"</span> })}
            </p>
            {(!user.tags.is_empty()).then(|| view! { <p class="chips"><TagChips tags=user.tags.clone()/></p> })}
            <p class="account-links">
                <a href=user_href(&user.id)>"User page"</a>
                " · " <a href=about_href>{format!("Reports about @{nick}")}</a>
                " · " <a href=by_href>{format!("Reports by @{nick}")}</a>
            </p>
            {actions}
        </section>
    }
    .into_any()
}

/// Deactivate/activate, tag presets, password reset and delete for the reported account, each only
/// with its privilege (ui.md §2). Deactivate and delete go through the users confirmation step.
fn quick_actions(user: &AdminUser, session: &SessionInfo, back: &str) -> Option<AnyView> {
    let can = |action: UserAction| action.need().met_by(session);
    let is_self = session.account_id == user.id;
    let csrf = session.csrf_token.clone();
    let nick = user.nickname.clone();
    let mut buttons = Vec::new();
    if user.deactivated && can(UserAction::Activate) {
        buttons.push(UserAction::Activate);
    }
    if !user.deactivated && !is_self && can(UserAction::Deactivate) {
        buttons.push(UserAction::Deactivate);
    }
    if user.local && can(UserAction::ForcePasswordReset) {
        buttons.push(UserAction::ForcePasswordReset);
    }
    if !is_self && can(UserAction::Delete) {
        buttons.push(UserAction::Delete);
    }
    if buttons.is_empty() && !can(UserAction::Tag) {
        return None;
    }
    let forms = buttons
        .into_iter()
        .map(|action| view! { <UserActionForm action nickname=nick.clone() back=back.to_string() csrf=csrf.clone()/> })
        .collect_view();
    let tags = can(UserAction::Tag).then(|| {
        let present: Vec<String> = user.tags.clone();
        let choices = MRF_TAGS
            .into_iter()
            .filter(|(tag, _)| !present.iter().any(|t| t == tag))
            .map(|(tag, label)| view! { <option value=tag>{label}</option> })
            .collect_view();
        let removable = MRF_TAGS
            .into_iter()
            .filter(|(tag, _)| present.iter().any(|t| t == tag))
            .map(|(tag, label)| view! {
                <form method="post" action="/admin/users/action" class="inline-form">
                    <input type="hidden" name="csrf" value=csrf.clone()/>
                    <input type="hidden" name="back" value=back.to_string()/>
                    <input type="hidden" name="nicknames" value=nick.clone()/>
                    <input type="hidden" name="tag" value=tag/>
                    <button type="submit" name="action" value="untag">{format!("Remove “{label}”")}</button>
                </form>
            })
            .collect_view();
        view! {
            <form method="post" action="/admin/users/action" class="tag-form">
                <input type="hidden" name="csrf" value=csrf.clone()/>
                <input type="hidden" name="back" value=back.to_string()/>
                <input type="hidden" name="nicknames" value=nick.clone()/>
                <label for="report-tag">"Restrict with a tag"</label>
                <select id="report-tag" name="tag">{choices}</select>
                <button type="submit" name="action" value="tag">"Add tag"</button>
            </form>
            <div class="button-row">{removable}</div>
        }
    });
    Some(
        view! {
            <div class="quick-actions" role="group" aria-label=format!("Actions on @{}", user.nickname)>
                <div class="button-row">{forms}</div>
                {tags}
            </div>
        }
        .into_any(),
    )
}

/// A reported status in the report: the card and, while it exists and the session holds
/// `messages_delete`, the statuses screens' moderation menu (its delete confirmation included),
/// coming back to this report.
#[component]
fn ReportedStatusItem(
    status: ReportedStatus,
    back: String,
    confirming: bool,
    now_ms: i64,
    can_moderate: bool,
) -> impl IntoView {
    let deleted = status.deleted;
    let card = status.card;
    let menu = (can_moderate && !deleted).then(|| {
        view! {
            <StatusModeration status=card.clone() back=back.clone() confirm_delete=confirming
                after_delete=back.clone()/>
        }
    });
    view! {
        <StatusCard status=card now_ms>
            {deleted.then(|| view! {
                <p class="hint"><span class="badge danger">"Deleted"</span>" since the report was filed; shown as it was then."</p>
            })}
            {menu}
        </StatusCard>
    }
}

/// One note: author, time, text, and Delete (confirmed in place).
#[component]
fn NoteItem(
    note: ReportNote,
    report_id: String,
    back: String,
    confirming: bool,
    now_ms: i64,
    csrf: String,
) -> impl IntoView {
    let action = format!(
        "/admin/reports/{}/notes/delete",
        encode_component(&report_id)
    );
    let author = handle(&note.user);
    let when = relative_age(&note.created_at, now_ms);
    let id = note.id.to_string();
    let body = if confirming {
        let cancel = NodeRef::<leptos::html::A>::new();
        Effect::new(move |_| {
            if let Some(link) = cancel.get() {
                let _ = link.focus();
            }
        });
        view! {
            <div class="confirm-inline" role="alertdialog" aria-labelledby="confirm-note-title">
                <h3 id="confirm-note-title">{format!("Delete this note by {author}?")}</h3>
                <p>"The note is removed for all staff. The moderation log keeps its text."</p>
                <form method="post" action=action class="confirm-actions">
                    <input type="hidden" name="csrf" value=csrf/>
                    <input type="hidden" name="back" value=back.clone()/>
                    <input type="hidden" name="note_id" value=id/>
                    <input type="hidden" name="confirmed" value="1"/>
                    <a class="button" href=back node_ref=cancel autofocus>"Cancel"</a>
                    <button type="submit" class="danger">"Delete note"</button>
                </form>
            </div>
        }
        .into_any()
    } else {
        view! {
            <form method="post" action=action class="inline-form note-delete">
                <input type="hidden" name="csrf" value=csrf/>
                <input type="hidden" name="back" value=back/>
                <input type="hidden" name="note_id" value=id/>
                <button type="submit" class="link-button" aria-label=format!("Delete the note by {author}")>"Delete"</button>
            </form>
        }
        .into_any()
    };
    view! {
        <article class="note">
            <p class="note-head">
                <strong>{author.clone()}</strong>
                " · "
                <time datetime=note.created_at.clone() title=absolute_time(&note.created_at)>{when}</time>
            </p>
            <p class="note-text">{note.content.clone()}</p>
            {body}
        </article>
    }
}

/// The add-note form; hydrated, Ctrl/Cmd+Enter in the box submits it.
#[component]
fn NoteForm(id: String, back: String, csrf: String, typed: String) -> impl IntoView {
    let action = format!("/admin/reports/{}/notes", encode_component(&id));
    let form = NodeRef::<leptos::html::Form>::new();
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            if let Some(form) = form.get() {
                let _ = form.request_submit();
            }
        }
    };
    view! {
        <form method="post" action=action class="note-form stack" node_ref=form>
            <input type="hidden" name="csrf" value=csrf/>
            <input type="hidden" name="back" value=back/>
            <div class="field">
                <label for="note-content">"Add a note"</label>
                <textarea id="note-content" name="content" rows="3" maxlength="5000" required
                    aria-describedby="note-hint" on:keydown=on_keydown>{crate::ui::components::textarea::textarea_text(typed)}</textarea>
                <p class="hint" id="note-hint">"Visible to staff only. Ctrl+Enter adds it; on this page, N jumps here, R resolves and C closes."</p>
            </div>
            <div><button type="submit" class="primary">"Add note"</button></div>
        </form>
    }
}

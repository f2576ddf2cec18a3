//! The status card (ui.md §4.6, §4.7): author, time linking to the status page, visibility in
//! words, content warning and sensitive content collapsed in `<details>` (works without
//! JavaScript), sanitized content, reply and reblog context, media as links, counts, and a slot
//! for moderation controls. The statuses screen, the status page, the user page and the report
//! page all use it.

use leptos::prelude::*;

use crate::model::sanitize::sanitize;
use crate::model::statuses::{status_href, StatusAuthor, StatusView};
use crate::model::users::{absolute_time, relative_day};

/// One status. `children` is the moderation slot, rendered in the card's footer; `select` (a
/// labelled checkbox, for lists with bulk actions) goes first in the header.
///
/// `now_ms` (server time) makes the time relative ("3 days ago", absolute in the tooltip); 0
/// shows the absolute time.
#[component]
pub fn StatusCard(
    status: StatusView,
    #[prop(optional)] now_ms: i64,
    #[prop(default = None)] select: Option<AnyView>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    // The card is named by its author and time so screen readers list cards meaningfully.
    let aria_label = format!(
        "Status by {} {}",
        status.author_label(),
        when_text(&status.created_at, now_ms)
    );
    let reblog_context = status.reblog.as_ref().map(|_| {
        view! {
            <p class="status-context">
                <span aria-hidden="true">"↻ "</span>
                {author_link(status.author.as_ref())}
                " reblogged"
            </p>
        }
    });
    // A reblog shows the original's body; the header keeps the reblog's own time and visibility
    // (the reblog is what a moderator acts on).
    let body_source = status
        .reblog
        .as_deref()
        .cloned()
        .unwrap_or_else(|| status.clone());
    let shown_author = body_source.author.clone();
    let moderation = children.map(|c| view! { <div class="status-moderation">{c()}</div> });
    view! {
        <article class="status-card" aria-label=aria_label data-status-id=status.id.clone()>
            {reblog_context}
            <header class="status-head">
                {select.map(|s| view! { <div class="status-select">{s}</div> })}
                {avatar(shown_author.as_ref())}
                <div class="status-names">
                    {author_name(shown_author.as_ref())}
                </div>
                <div class="status-meta">
                    <a class="status-time" href=status.href() title=absolute_time(&status.created_at)>
                        <time datetime=status.created_at.clone()>{when_text(&status.created_at, now_ms)}</time>
                    </a>
                    <span class="badge">{status.visibility_label()}</span>
                    {status.sensitive.then(|| view! { <span class="badge warn">"Sensitive"</span> })}
                    {(!status.local).then(|| view! { <span class="badge">"Remote"</span> })}
                </div>
            </header>
            {status_body(&body_source)}
            <footer class="status-foot">
                <p class="status-counts num">
                    {plural(body_source.replies_count, "reply", "replies")}
                    " · "
                    {plural(body_source.reblogs_count, "reblog", "reblogs")}
                    " · "
                    {plural(body_source.favourites_count, "favourite", "favourites")}
                    {(!body_source.url.is_empty() && is_web_address(&body_source.url)).then(|| view! {
                        " · "
                        <a href=body_source.url.clone() rel="nofollow noopener noreferrer ugc" target="_blank">"Original"</a>
                    })}
                </p>
                {moderation}
            </footer>
        </article>
    }
}

/// Reply context, content warning / sensitive wrapper, content and media.
fn status_body(status: &StatusView) -> AnyView {
    let reply = status.in_reply_to_id.as_ref().map(|parent| {
        let to = status
            .in_reply_to_acct
            .as_ref()
            .map(|acct| format!("@{acct}"))
            .unwrap_or_else(|| "a status".to_string());
        view! {
            <p class="status-context">
                "Reply to "
                <a href=status_href(parent)>{to}</a>
            </p>
        }
    });
    // Sanitized again here: the card may get its model from anywhere (ui.md §5).
    let content = sanitize(&status.content);
    let media = (!status.media.is_empty()).then(|| {
        let items = status
            .media
            .iter()
            .map(|m| {
                let label = if m.description.trim().is_empty() {
                    format!("{} attachment", media_kind(&m.kind))
                } else {
                    format!("{}: {}", media_kind(&m.kind), m.description)
                };
                let link = is_web_address(&m.url).then(|| m.url.clone());
                view! {
                    <li>
                        {match link {
                            Some(url) => view! {
                                <a href=url rel="nofollow noopener noreferrer ugc" target="_blank">{label}</a>
                            }.into_any(),
                            None => view! { <span>{label}</span> }.into_any(),
                        }}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="status-media" aria-label="Attachments">{items}</ul> }
    });
    let inner = view! {
        <div class="status-content" inner_html=content></div>
        {media}
    };
    let wrapped = if !status.spoiler_text.trim().is_empty() {
        view! {
            <details class="status-cw">
                <summary>
                    <span class="badge warn">"Content warning"</span>
                    " " {status.spoiler_text.clone()}
                </summary>
                {inner}
            </details>
        }
        .into_any()
    } else if status.sensitive {
        view! {
            <details class="status-cw">
                <summary><span class="badge warn">"Sensitive content"</span>" Show"</summary>
                {inner}
            </details>
        }
        .into_any()
    } else {
        inner.into_any()
    };
    view! {
        {reply}
        {wrapped}
    }
    .into_any()
}

fn avatar(author: Option<&StatusAuthor>) -> AnyView {
    match author {
        Some(a)
            if !a.avatar.is_empty() && (a.avatar.starts_with('/') || is_web_address(&a.avatar)) =>
        {
            view! {
                <img class="avatar" src=a.avatar.clone() alt=format!("avatar of @{}", a.acct)
                    width="40" height="40" loading="lazy"/>
            }
            .into_any()
        }
        _ => view! { <span class="avatar avatar-empty" aria-hidden="true"></span> }.into_any(),
    }
}

fn author_name(author: Option<&StatusAuthor>) -> AnyView {
    match author {
        Some(a) => view! {
            <a class="account-name" href=a.href()>{a.name().to_string()}</a>
            <span class="user-nick">"@" {a.acct.clone()}</span>
            {a.deactivated.then(|| view! { <span class="badge danger">"Deactivated"</span> })}
        }
        .into_any(),
        None => view! { <span class="account-name">"(deleted account)"</span> }.into_any(),
    }
}

fn author_link(author: Option<&StatusAuthor>) -> AnyView {
    match author {
        Some(a) => view! { <a href=a.href()>"@" {a.acct.clone()}</a> }.into_any(),
        None => view! { <span>"(deleted account)"</span> }.into_any(),
    }
}

/// "3 days ago", or the absolute time without a server clock.
fn when_text(iso: &str, now_ms: i64) -> String {
    if now_ms > 0 {
        relative_day(iso, now_ms)
    } else {
        absolute_time(iso)
    }
}

fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn media_kind(kind: &str) -> &'static str {
    match kind {
        "image" => "Image",
        "video" | "gifv" => "Video",
        "audio" => "Audio",
        _ => "Attachment",
    }
}

/// Only web addresses become links: remote data may carry any scheme.
fn is_web_address(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The moderation menu of one status (ui.md §4.7): sensitive on/off, visibility
/// public/unlisted/private, delete. Each is a button of one plain form posted to
/// `/admin/statuses/action`, so it works without JavaScript; deleting first returns with
/// `confirm_delete=<id>`, and the page then renders this with `confirm_delete` set, which shows
/// the confirmation instead of the menu. Only for sessions with `messages_delete`; callers hide it
/// otherwise.
///
/// `back` is the page to return to (without one-shot parameters); `after_delete` replaces it once
/// the status is gone (its own page would be a 404).
#[component]
pub fn StatusModeration(
    status: StatusView,
    #[prop(into)] back: String,
    #[prop(optional)] confirm_delete: bool,
    #[prop(optional, into)] after_delete: Option<String>,
) -> impl IntoView {
    let csrf = crate::ui::layout::use_session().csrf_token;
    let id = status.id.clone();
    let who = status.author_label();
    let hidden = view! {
        <input type="hidden" name="csrf" value=csrf/>
        <input type="hidden" name="back" value=back.clone()/>
        <input type="hidden" name="id" value=id.clone()/>
        {after_delete.map(|a| view! { <input type="hidden" name="after_delete" value=a/> })}
    };
    if confirm_delete {
        let title_id = format!("confirm-delete-{id}");
        let labelled_by = title_id.clone();
        return view! {
            <div class="confirm-box" role="alertdialog" aria-labelledby=labelled_by>
                <p id=title_id><strong>{format!("Delete status #{id} by {who}?")}</strong></p>
                <p>"The status and its reblogs are removed for everyone, and reports stop listing it. This can't be undone."</p>
                <form method="post" action="/admin/statuses/action" class="confirm-actions">
                    {hidden}
                    <input type="hidden" name="confirmed" value="1"/>
                    <a class="button" href=back autofocus>"Cancel"</a>
                    <button type="submit" class="danger" name="action" value="delete">"Delete status"</button>
                </form>
            </div>
        }
        .into_any();
    }
    // Reblogs can't be updated, only deleted (moderation.md §3 PUT).
    let updatable = status.reblog.is_none();
    let sensitive = updatable.then(|| {
        let (value, label) = if status.sensitive {
            ("sensitive_off", "Mark not sensitive")
        } else {
            ("sensitive_on", "Mark sensitive")
        };
        view! { <button type="submit" class="menu-item" name="action" value=value>{label}</button> }
    });
    let visibilities = status.can_change_visibility().then(|| {
        crate::model::statuses::SETTABLE_VISIBILITIES
            .iter()
            .filter(|v| **v != status.visibility)
            .map(|v| {
                let label = format!(
                    "Make {}",
                    crate::model::statuses::visibility_label(v).to_lowercase()
                );
                view! {
                    <button type="submit" class="menu-item" name="action" value=format!("visibility_{v}")>{label}</button>
                }
            })
            .collect_view()
    });
    let menu_label = format!("Moderate status #{id}");
    view! {
        <details class="row-menu status-menu" on:keydown=crate::ui::layout::escape_closes>
            <summary aria-label=menu_label>"Moderate"</summary>
            <form method="post" action="/admin/statuses/action" class="menu" role="group" aria-label=format!("Moderation of status #{id}")>
                {hidden}
                {sensitive}
                {visibilities}
                <button type="submit" class="menu-item danger" name="action" value="delete">"Delete…"</button>
            </form>
        </details>
    }
    .into_any()
}

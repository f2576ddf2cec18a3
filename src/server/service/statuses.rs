//! Statuses: the Mastodon status entity (client-api.md §4.1), the admin status object
//! (moderation.md §1.2), visibility for viewers (§4.3), and the operations of both APIs.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::{accounts, merged};
use crate::error::AppError;
use crate::server::dates;
use crate::server::db::accounts::Account;
use crate::server::db::statuses::{self as status_db, Status};
use crate::server::state::AppState;

/// Who looks at a status: the Admin API (no viewer flags, merged accounts) or a client viewer.
#[derive(Clone, Copy)]
pub enum View<'a> {
    Admin,
    Client(Option<&'a Account>),
}

/// Everything needed to render a set of statuses without further queries.
struct Loaded {
    authors: HashMap<String, Account>,
    originals: HashMap<String, Status>,
    parents_visible: HashMap<String, bool>,
    reblogged: Vec<String>,
}

/// Renders statuses for `view`, in the given order. A status whose author is missing or internal
/// (or a reblog whose original is gone) yields `None`.
pub async fn render(
    state: &AppState,
    list: &[Status],
    view: View<'_>,
) -> Result<Vec<Option<Value>>, AppError> {
    let original_ids: Vec<String> = list.iter().filter_map(|s| s.reblog_of_id.clone()).collect();
    let originals: HashMap<String, Status> = status_db::by_ids(&state.db, &original_ids)
        .await?
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    let everything: Vec<&Status> = list.iter().chain(originals.values()).collect();
    let mut account_ids: Vec<String> = Vec::new();
    for status in &everything {
        account_ids.push(status.account_id.clone());
        account_ids.extend(status.in_reply_to_account_id.clone());
    }
    let authors = status_db::accounts_by_ids(&state.db, &account_ids).await?;

    let parent_ids: Vec<String> = everything
        .iter()
        .filter_map(|s| s.in_reply_to_id.clone())
        .collect();
    let parents = status_db::by_ids(&state.db, &parent_ids).await?;
    let parent_authors = status_db::accounts_by_ids(
        &state.db,
        &parents
            .iter()
            .map(|p| p.account_id.clone())
            .collect::<Vec<_>>(),
    )
    .await?;
    let mut parents_visible = HashMap::new();
    for parent in &parents {
        let visible = match (view, parent_authors.get(&parent.account_id)) {
            (_, None) => false,
            (View::Admin, Some(author)) => !author.internal,
            (View::Client(viewer), Some(author)) => {
                visible_to(state, parent, author, viewer).await?
            }
        };
        parents_visible.insert(parent.id.clone(), visible);
    }

    let reblogged = match view {
        View::Client(Some(viewer)) => {
            let targets: Vec<String> = list
                .iter()
                .map(|s| s.reblog_of_id.clone().unwrap_or_else(|| s.id.clone()))
                .collect();
            status_db::reblogged_by(&state.db, &viewer.id, &targets).await?
        }
        _ => Vec::new(),
    };
    let loaded = Loaded {
        authors,
        originals,
        parents_visible,
        reblogged,
    };
    Ok(list
        .iter()
        .map(|status| entity(state, status, view, &loaded, true))
        .collect())
}

/// One status entity; `nest` allows the `reblog` key to hold the original.
fn entity(
    state: &AppState,
    status: &Status,
    view: View<'_>,
    loaded: &Loaded,
    nest: bool,
) -> Option<Value> {
    let author = loaded.authors.get(&status.account_id)?;
    if author.internal {
        return None;
    }
    let reblog = match &status.reblog_of_id {
        Some(original_id) if nest => {
            let original = loaded.originals.get(original_id)?;
            Some(entity(state, original, view, loaded, false)?)
        }
        Some(_) => return None,
        None => None,
    };
    let account = match view {
        View::Admin => merged::account(state, author),
        View::Client(_) => accounts::entity(&state.site, author, false),
    };
    let target = status.reblog_of_id.as_deref().unwrap_or(&status.id);
    let reblogged = loaded.reblogged.iter().any(|id| id == target);
    let reply_acct = status
        .in_reply_to_account_id
        .as_ref()
        .and_then(|id| loaded.authors.get(id))
        .map(|a| a.nickname.clone());
    let parent_visible = status
        .in_reply_to_id
        .as_ref()
        .and_then(|id| loaded.parents_visible.get(id))
        .copied()
        .unwrap_or(false);
    let is_reblog = status.reblog_of_id.is_some();
    Some(json!({
        "id": status.id,
        "uri": status.uri,
        "url": status.url,
        "account": account,
        "in_reply_to_id": status.in_reply_to_id,
        "in_reply_to_account_id": status.in_reply_to_account_id,
        "reblog": reblog,
        "content": if is_reblog { String::new() } else { status.content.clone() },
        "text": null,
        "created_at": dates::iso(status.created_at),
        "edited_at": null,
        "reblogs_count": status.reblogs_count,
        "replies_count": status.replies_count,
        "favourites_count": 0,
        "reblogged": reblogged,
        "favourited": false,
        "bookmarked": false,
        "muted": false,
        "pinned": false,
        "sensitive": status.sensitive,
        "spoiler_text": status.spoiler_text,
        "visibility": status.visibility,
        "media_attachments": [],
        "emojis": [],
        "mentions": status.mentions,
        "tags": status.tags,
        "card": null,
        "poll": null,
        "language": null,
        "application": {
            "name": status.app_name.clone().unwrap_or_else(|| "Web".to_string()),
            "website": status.app_website,
        },
        "pleroma": {
            "local": status.local,
            "conversation_id": status.conversation_id,
            "direct_conversation_id": null,
            "in_reply_to_account_acct": reply_acct,
            "content": {"text/plain": status.source},
            "spoiler_text": {"text/plain": status.spoiler_text},
            "expires_at": null,
            "thread_muted": false,
            "emoji_reactions": [],
            "parent_visible": parent_visible,
        },
    }))
}

/// Whether `viewer` may see `status` by `author` (client-api.md §4.3). Deactivated and internal
/// authors are invisible; staff get no bypass.
pub async fn visible_to(
    state: &AppState,
    status: &Status,
    author: &Account,
    viewer: Option<&Account>,
) -> Result<bool, AppError> {
    if author.deactivated || author.internal {
        return Ok(false);
    }
    if status.is_public_collection() {
        return Ok(true);
    }
    let Some(viewer) = viewer else {
        return Ok(false);
    };
    if viewer.id == author.id || status.mentioned_ids().contains(&viewer.id.as_str()) {
        return Ok(true);
    }
    if status.visibility == "private" {
        return Ok(status_db::follow_state(&state.db, &viewer.id, &author.id).await? == Some(true));
    }
    Ok(false)
}

/// Admin status objects of `ids`, one entry per id in order; `None` when the status is gone
/// (deleted, or its author removed or internal). Reports and grouped reports use this.
pub async fn admin_objects_by_ids(
    state: &AppState,
    ids: &[String],
) -> Result<Vec<Option<Value>>, AppError> {
    let found = status_db::by_ids(&state.db, ids).await?;
    let rendered = render(state, &found, View::Admin).await?;
    let by_id: HashMap<&str, Value> = found
        .iter()
        .zip(rendered)
        .filter_map(|(status, value)| value.map(|v| (status.id.as_str(), v)))
        .collect();
    Ok(ids
        .iter()
        .map(|id| by_id.get(id.as_str()).cloned())
        .collect())
}

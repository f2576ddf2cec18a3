//! Statuses: the Mastodon status entity (client-api.md §4.1), the admin status object
//! (moderation.md §1.2), visibility for viewers (§4.3), and the operations of both APIs.

use std::collections::HashMap;

use rand::Rng;
use serde_json::{json, Value};

use super::modlog;
use super::paging::Page;
use super::status_text::{self, Mentioned};
use super::{accounts, merged, users};
use crate::error::AppError;
use crate::server::api::params::Params;
use crate::server::auth::{Caller, Privilege, Requirement};
use crate::server::dates;
use crate::server::db::accounts::{self as account_db, Account};
use crate::server::db::statuses::{self as status_db, NewStatus, Status, StatusFilter};
use crate::server::db::{new_id, now_ms, RowExt};
use crate::server::state::AppState;

/// `GET /statuses`, `/statuses/:id`, `/users/:id/statuses`, `/instances/:host/statuses`.
pub const READ: Requirement = Requirement::privilege(&["read:statuses"], Privilege::MessagesRead);
/// `PUT` and `DELETE /statuses/:id`.
pub const WRITE: Requirement =
    Requirement::privilege(&["write:statuses"], Privilege::MessagesDelete);
/// `DELETE /instances/:host`.
pub const INSTANCE_DELETE: Requirement = Requirement::privilege(
    &["write:accounts", "write:statuses"],
    Privilege::InstancesDelete,
);
/// `GET /stats`.
pub const STATS: Requirement = Requirement::privilege(&["read"], Privilege::StatisticsRead);

/// The client API's 404.
fn record_not_found() -> AppError {
    AppError::NotFoundWith("Record not found".into())
}

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
    // Mentioned accounts are addressed, and so is the author of the status replied to.
    if viewer.id == author.id
        || status.mentioned_ids().contains(&viewer.id.as_str())
        || status.in_reply_to_account_id.as_deref() == Some(viewer.id.as_str())
    {
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

/// The admin status object of one status, or 404 (gone, or by an internal account).
async fn admin_object(state: &AppState, status: &Status) -> Result<Value, AppError> {
    render(state, std::slice::from_ref(status), View::Admin)
        .await?
        .into_iter()
        .next()
        .flatten()
        .ok_or(AppError::NotFound)
}

/// A status the Admin API may act on: exists and its author is not internal.
async fn find_admin(state: &AppState, id: &str) -> Result<Status, AppError> {
    let status = status_db::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    match account_db::by_id(&state.db, &status.account_id).await? {
        Some(author) if !author.internal => Ok(status),
        _ => Err(AppError::NotFound),
    }
}

/// `godmode` and `with_reblogs` of the admin lists.
fn list_flags(params: &Params) -> Result<(bool, bool), AppError> {
    Ok((
        params.bool("godmode")?.unwrap_or(false),
        params.bool("with_reblogs")?.unwrap_or(false),
    ))
}

async fn admin_page(
    state: &AppState,
    filter: &StatusFilter,
    page: Page,
) -> Result<Value, AppError> {
    let list = status_db::list(&state.db, filter, page.page_size, page.offset()).await?;
    let rendered = render(state, &list, View::Admin).await?;
    Ok(Value::Array(rendered.into_iter().flatten().collect()))
}

/// `GET /statuses`.
pub async fn list(state: &AppState, caller: &Caller, params: &Params) -> Result<Value, AppError> {
    caller.authorize(&READ)?;
    let (godmode, with_reblogs) = list_flags(params)?;
    let local_only = params.bool("local_only")?.unwrap_or(false);
    let page = Page::from_params(params, 20, None)?;
    let filter = StatusFilter {
        godmode,
        with_reblogs,
        local_only,
        ..StatusFilter::default()
    };
    admin_page(state, &filter, page).await
}

/// `GET /users/:nickname_or_id/statuses`.
pub async fn list_by_user(
    state: &AppState,
    caller: &Caller,
    key: &str,
    params: &Params,
) -> Result<Value, AppError> {
    caller.authorize(&READ)?;
    let (godmode, with_reblogs) = list_flags(params)?;
    let page = Page::from_params(params, 20, None)?;
    let account = users::find(state, key).await?;
    let filter = StatusFilter {
        account_id: Some(account.id),
        godmode,
        with_reblogs,
        ..StatusFilter::default()
    };
    admin_page(state, &filter, page).await
}

/// `GET /instances/:host/statuses` (unknown host → `[]`).
pub async fn list_by_instance(
    state: &AppState,
    caller: &Caller,
    host: &str,
    params: &Params,
) -> Result<Value, AppError> {
    caller.authorize(&READ)?;
    let (godmode, with_reblogs) = list_flags(params)?;
    let page = Page::from_params(params, 20, None)?;
    let filter = StatusFilter {
        host: Some(host.to_lowercase()),
        godmode,
        with_reblogs,
        ..StatusFilter::default()
    };
    admin_page(state, &filter, page).await
}

/// `GET /statuses/:id`.
pub async fn show(state: &AppState, caller: &Caller, id: &str) -> Result<Value, AppError> {
    caller.authorize(&READ)?;
    let status = find_admin(state, id).await?;
    admin_object(state, &status).await
}

/// `PUT /statuses/:id`: `sensitive` and/or `visibility`, logged as `status_update`.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: &str,
    params: &Params,
) -> Result<Value, AppError> {
    let actor = caller.authorize(&WRITE)?;
    let sensitive = params.bool("sensitive")?;
    let visibility = params.string("visibility")?;
    if let Some(v) = &visibility {
        if !matches!(
            v.as_str(),
            "public" | "unlisted" | "private" | "direct" | "local" | "list"
        ) {
            return Err(AppError::invalid(
                "visibility",
                format!("{v} - Invalid value for enum."),
            ));
        }
    }
    if sensitive.is_none() && visibility.is_none() {
        return Err(AppError::bad_request(
            "Missing field: sensitive or visibility.",
        ));
    }
    let status = find_admin(state, id).await?;
    let unsupported = || AppError::bad_request("Unsupported visibility");
    if let Some(v) = &visibility {
        if matches!(v.as_str(), "direct" | "local" | "list") || status.visibility == "direct" {
            return Err(unsupported());
        }
    }
    if status.reblog_of_id.is_some() {
        return Err(AppError::bad_request("Reblogs can't be updated"));
    }
    let mut tx = state.db.begin().await?;
    status_db::update_flags(&mut tx, &status.id, sensitive, visibility.as_deref()).await?;
    if visibility.as_deref() == Some("private") {
        status_db::delete_reblogs(&mut tx, &status.id).await?;
    }
    let mut changes = Vec::new();
    if let Some(s) = sensitive {
        changes.push(format!("sensitive: '{s}'"));
    }
    if let Some(v) = &visibility {
        changes.push(format!("visibility: '{v}'"));
    }
    let message = format!(
        "{} updated status #{}, set {}",
        actor.mention(),
        status.id,
        changes.join(", ")
    );
    modlog::write(
        &mut tx,
        &actor,
        "status_update",
        json!({
            "subject": {"type": "status", "id": status.id},
            "sensitive": sensitive,
            "visibility": visibility,
        }),
        &message,
    )
    .await?;
    tx.commit().await?;
    let updated = find_admin(state, &status.id).await?;
    admin_object(state, &updated).await
}

/// The ids among `ids` that name no status `PUT`/`DELETE /statuses/:id` could act on, in order.
/// The panel's bulk form checks its whole list with this before it runs, so a stale or hand-made
/// list is refused without changing anything. Needs what the writes need.
pub async fn unknown_ids(
    state: &AppState,
    caller: &Caller,
    ids: &[String],
) -> Result<Vec<String>, AppError> {
    caller.authorize(&WRITE)?;
    let mut unknown = Vec::new();
    for id in ids {
        match find_admin(state, id).await {
            Ok(_) => {}
            Err(AppError::NotFound) => unknown.push(id.clone()),
            Err(e) => return Err(e),
        }
    }
    Ok(unknown)
}

/// `DELETE /statuses/:id` (any author; its reblogs too), logged as `status_delete`.
pub async fn delete(state: &AppState, caller: &Caller, id: &str) -> Result<Value, AppError> {
    let actor = caller.authorize(&WRITE)?;
    let status = find_admin(state, id).await?;
    let mut tx = state.db.begin().await?;
    if !status_db::delete(&mut tx, &status.id).await? {
        return Err(AppError::NotFound);
    }
    let message = format!("{} deleted status #{id}", actor.mention());
    modlog::write(
        &mut tx,
        &actor,
        "status_delete",
        json!({"subject_id": id}),
        &message,
    )
    .await?;
    tx.commit().await?;
    Ok(json!({}))
}

/// `DELETE /instances/:host`: removes the host's remote accounts (as `DELETE /users` does) and
/// with them their statuses; reports about them stay.
pub async fn delete_instance(
    state: &AppState,
    caller: &Caller,
    host: &str,
) -> Result<Value, AppError> {
    let actor = caller.authorize(&INSTANCE_DELETE)?;
    let lower = host.to_lowercase();
    if lower == state.site.host.to_lowercase() {
        return Err(AppError::bad_request("Can't delete the local instance"));
    }
    let mut tx = state.db.begin().await?;
    let rows = sqlx::query(
        "SELECT id FROM accounts WHERE local = $1 AND internal = $1 AND lower(domain) = $2",
    )
    .bind(false)
    .bind(&lower)
    .fetch_all(&mut *tx)
    .await?;
    for row in &rows {
        let account_id = row.text("id")?;
        super::user_lifecycle::remove_statuses(&mut tx, &account_id).await?;
        super::user_lifecycle::remove_follows(&mut tx, &account_id).await?;
        sqlx::query("DELETE FROM accounts WHERE id = $1")
            .bind(&account_id)
            .execute(&mut *tx)
            .await?;
    }
    let message = format!("{} deleted instance: {host}", actor.mention());
    modlog::write(
        &mut tx,
        &actor,
        "instance_delete",
        json!({"target": host}),
        &message,
    )
    .await?;
    tx.commit().await?;
    Ok(json!(host))
}

/// `GET /stats`: existing non-reblog statuses by visibility, optionally of one instance.
pub async fn stats(state: &AppState, caller: &Caller, params: &Params) -> Result<Value, AppError> {
    caller.authorize(&STATS)?;
    let instance = params
        .string("instance")?
        .filter(|s| !s.is_empty())
        .map(|s| s.to_lowercase());
    let counts = status_db::visibility_counts(&state.db, instance.as_deref()).await?;
    let mut out = json!({"public": 0, "unlisted": 0, "private": 0, "direct": 0});
    for (visibility, n) in counts {
        if let Some(slot) = out.get_mut(visibility.as_str()) {
            *slot = json!(n);
        }
    }
    Ok(json!({"status_visibility": out}))
}

// ---- Client API (client-api.md §4) ----

/// Whether `[:mrf, :policies]` enables TagPolicy.
pub fn tag_policy_enabled(caller: &Caller) -> bool {
    caller
        .settings
        .mrf_policies
        .iter()
        .any(|p| p.ends_with("MRF.TagPolicy"))
}

fn check_visibility(key: &str, value: &str, allowed: &[&str]) -> Result<(), AppError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(AppError::invalid(
            key,
            format!("{value} - Invalid value for enum."),
        ))
    }
}

/// A random UUID (version 4) for object ids.
fn uuid_v4() -> String {
    let mut bytes: [u8; 16] = rand::thread_rng().gen();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The posting app's name and website (none for HTTP Basic).
async fn posting_app(
    state: &AppState,
    caller: &Caller,
) -> Result<(Option<String>, Option<String>), AppError> {
    let Some(app_id) = caller.app_id else {
        return Ok((None, None));
    };
    let row = sqlx::query("SELECT name, website FROM apps WHERE id = $1")
        .bind(app_id)
        .fetch_optional(&state.db.pool)
        .await?;
    Ok(match row {
        Some(row) => (Some(row.text("name")?), row.opt_text("website")?),
        None => (None, None),
    })
}

/// A status visible to `viewer` with its author, or the client API's 404.
async fn find_visible(
    state: &AppState,
    id: &str,
    viewer: Option<&Account>,
) -> Result<(Status, Account), AppError> {
    let status = status_db::by_id(&state.db, id)
        .await?
        .ok_or_else(record_not_found)?;
    let author = account_db::by_id(&state.db, &status.account_id)
        .await?
        .ok_or_else(record_not_found)?;
    if !visible_to(state, &status, &author, viewer).await? {
        return Err(record_not_found());
    }
    Ok((status, author))
}

async fn client_entity(
    state: &AppState,
    status: &Status,
    viewer: Option<&Account>,
) -> Result<Value, AppError> {
    render(state, std::slice::from_ref(status), View::Client(viewer))
        .await?
        .into_iter()
        .next()
        .flatten()
        .ok_or_else(record_not_found)
}

/// `POST /api/v1/statuses`.
pub async fn create(state: &AppState, caller: &Caller, params: &Params) -> Result<Value, AppError> {
    let author = caller.require_user("write:statuses")?;
    let text = params.string("status")?.unwrap_or_default();
    let spoiler_text = params.string("spoiler_text")?.unwrap_or_default();
    let visibility = params.string("visibility")?.filter(|v| !v.is_empty());
    if let Some(v) = &visibility {
        check_visibility(
            "visibility",
            v,
            &["public", "unlisted", "private", "direct"],
        )?;
    }
    let sensitive = params.bool("sensitive")?.unwrap_or(false);
    let in_reply_to_id = params.string("in_reply_to_id")?.filter(|s| !s.is_empty());
    if params
        .strings("media_ids")?
        .is_some_and(|ids| ids.iter().any(|id| !id.is_empty()))
    {
        return Err(AppError::Unprocessable(
            "Media attachments are not supported".into(),
        ));
    }
    if text.trim().is_empty() {
        return Err(AppError::Unprocessable(
            "Cannot post an empty status without attachments".into(),
        ));
    }
    let length = text.chars().count() + spoiler_text.chars().count();
    if i64::try_from(length).unwrap_or(i64::MAX) > caller.settings.limit {
        return Err(AppError::Unprocessable(
            "The status is over the character limit".into(),
        ));
    }
    let parent = match &in_reply_to_id {
        Some(id) => Some(find_visible(state, id, Some(author)).await?),
        None => None,
    };

    // Mentions: each distinct candidate resolved once; unknown or invisible accounts stay text.
    let mut known: Vec<(String, Mentioned)> = Vec::new();
    for candidate in status_text::mention_candidates(&text) {
        if let Some(account) =
            account_db::by_nickname(&state.db, &candidate, &state.site.host).await?
        {
            if !account.deactivated {
                known.push((
                    candidate.to_lowercase(),
                    Mentioned {
                        id: account.id.clone(),
                        username: account
                            .nickname
                            .split('@')
                            .next()
                            .unwrap_or(&account.nickname)
                            .to_string(),
                        acct: account.nickname.clone(),
                        url: account
                            .profile_url
                            .clone()
                            .unwrap_or_else(|| account.ap_id.clone()),
                    },
                ));
            }
        }
    }
    let base = state.site.base_url.clone();
    let rendered = status_text::render(&text, &base, &|full: &str| {
        let lower = full.to_lowercase();
        known
            .iter()
            .find(|(c, _)| *c == lower)
            .map(|(_, m)| m.clone())
    });

    let mut visibility = visibility.unwrap_or_else(|| author.default_scope.clone());
    if !matches!(
        visibility.as_str(),
        "public" | "unlisted" | "private" | "direct"
    ) {
        visibility = "public".into();
    }
    let mut sensitive = sensitive;
    if tag_policy_enabled(caller) {
        let tagged = |t: &str| author.tags.iter().any(|tag| tag == t);
        if tagged("mrf_tag:media-force-nsfw") {
            sensitive = true;
        }
        if tagged("mrf_tag:force-unlisted") && visibility == "public" {
            visibility = "unlisted".into();
        }
        if tagged("mrf_tag:sandbox") && matches!(visibility.as_str(), "public" | "unlisted") {
            visibility = "private".into();
        }
    }
    let (app_name, app_website) = posting_app(state, caller).await?;
    let id = new_id();
    let conversation_id = match &parent {
        Some((p, _)) if p.conversation_id != 0 => p.conversation_id,
        _ => now_ms().saturating_mul(1000) + rand::thread_rng().gen_range(0..1000),
    };
    let new = NewStatus {
        id: id.clone(),
        account_id: author.id.clone(),
        local: true,
        host: state.site.host.clone(),
        uri: format!("{base}/objects/{}", uuid_v4()),
        url: format!("{base}/notice/{id}"),
        content: rendered.html,
        source: text,
        spoiler_text,
        visibility,
        sensitive,
        in_reply_to_id: parent.as_ref().map(|(p, _)| p.id.clone()),
        in_reply_to_account_id: parent.as_ref().map(|(_, a)| a.id.clone()),
        reblog_of_id: None,
        conversation_id,
        app_name,
        app_website,
        mentions: json!(rendered
            .mentions
            .iter()
            .map(|m| json!({"id": m.id, "username": m.username, "acct": m.acct, "url": m.url}))
            .collect::<Vec<_>>()),
        tags: json!(rendered
            .tags
            .iter()
            .map(|t| json!({"name": t, "url": format!("{base}/tag/{t}")}))
            .collect::<Vec<_>>()),
        created_at: now_ms(),
    };
    let mut tx = state.db.begin().await?;
    status_db::insert(&mut tx, &new).await?;
    tx.commit().await?;
    let status = status_db::by_id(&state.db, &id)
        .await?
        .ok_or_else(record_not_found)?;
    client_entity(state, &status, Some(author)).await
}

/// The viewer of a read that works without a token: a given token must hold `read:statuses`.
fn optional_viewer(caller: &Caller) -> Result<Option<&Account>, AppError> {
    if caller.account.is_some() || caller.refusal.is_some() {
        caller.require_user("read:statuses").map(Some)
    } else {
        Ok(None)
    }
}

/// `GET /api/v1/statuses/:id`.
pub async fn show_client(state: &AppState, caller: &Caller, id: &str) -> Result<Value, AppError> {
    let viewer = optional_viewer(caller)?;
    let (status, _) = find_visible(state, id, viewer).await?;
    client_entity(state, &status, viewer).await
}

/// `DELETE /api/v1/statuses/:id`: the author, or staff holding `messages_delete`. Answers the
/// entity as it was, with its source `text`. Not logged (the Admin API's DELETE is).
pub async fn delete_client(state: &AppState, caller: &Caller, id: &str) -> Result<Value, AppError> {
    let viewer = caller.require_user("write:statuses")?;
    let (status, author) = find_visible(state, id, Some(viewer)).await?;
    if author.id != viewer.id && !caller.privileges().contains(&Privilege::MessagesDelete) {
        return Err(AppError::forbidden("Forbidden"));
    }
    let mut body = client_entity(state, &status, Some(viewer)).await?;
    if let Some(map) = body.as_object_mut() {
        map.insert("text".into(), json!(status.source));
    }
    let mut tx = state.db.begin().await?;
    status_db::delete(&mut tx, &status.id).await?;
    tx.commit().await?;
    Ok(body)
}

/// `POST /api/v1/statuses/:id/reblog`: repeats answer the existing reblog.
pub async fn reblog(
    state: &AppState,
    caller: &Caller,
    id: &str,
    params: &Params,
) -> Result<Value, AppError> {
    let viewer = caller.require_user("write:statuses")?;
    let visibility = params
        .string("visibility")?
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "public".into());
    check_visibility("visibility", &visibility, &["public", "unlisted"])?;
    let (mut target, _) = find_visible(state, id, Some(viewer)).await?;
    if let Some(original) = target.reblog_of_id.clone() {
        target = find_visible(state, &original, Some(viewer)).await?.0;
    }
    if !target.is_public_collection() {
        return Err(AppError::Unprocessable(
            "This status can't be reblogged".into(),
        ));
    }
    let existing = status_db::reblog_by(&state.db, &viewer.id, &target.id).await?;
    let reblog_id = match existing {
        Some(id) => id,
        None => {
            let base = &state.site.base_url;
            let id = new_id();
            let (app_name, app_website) = posting_app(state, caller).await?;
            let new = NewStatus {
                id: id.clone(),
                account_id: viewer.id.clone(),
                local: true,
                host: state.site.host.clone(),
                uri: format!("{base}/objects/{}", uuid_v4()),
                url: format!("{base}/notice/{id}"),
                visibility,
                reblog_of_id: Some(target.id.clone()),
                conversation_id: target.conversation_id,
                app_name,
                app_website,
                mentions: json!([]),
                tags: json!([]),
                created_at: now_ms(),
                ..NewStatus::default()
            };
            let mut tx = state.db.begin().await?;
            status_db::insert(&mut tx, &new).await?;
            tx.commit().await?;
            id
        }
    };
    let status = status_db::by_id(&state.db, &reblog_id)
        .await?
        .ok_or_else(record_not_found)?;
    client_entity(state, &status, Some(viewer)).await
}

//! Reports (moderation.md §2, client-api.md §5, legacy aliases of operations.md §7): filing a report
//! through the client API, the report queue of the Admin API, notes, and the report log entries.
//!
//! Every state change and its moderation-log entry share one transaction; the live event
//! ([`crate::server::events`]) is published only after the commit.

use std::collections::{HashMap, HashSet};

use serde_json::{json, Map, Value};

use super::merged;
use super::modlog::{self, user_map};
use super::paging::Page;
use super::status_text::{self, Mentioned};
use crate::error::AppError;
use crate::server::api::params::{wrong_type, Params};
use crate::server::auth::{Actor, Caller, Privilege, Requirement};
use crate::server::dates;
use crate::server::db::accounts::{self, Account};
use crate::server::db::reports::{self as report_db, NewReport, Report, ReportFilter, STATES};
use crate::server::db::statuses::{self as status_db, NewStatus, Status};
use crate::server::db::{new_id, now_ms, Tx};
use crate::server::events::{self, EventKind};
use crate::server::state::AppState;

/// Reading the report queue (`GET /reports`, `/reports/:id`, `/grouped_reports`, live events).
pub const READ: Requirement =
    Requirement::privilege(&["read:reports"], Privilege::ReportsManageReports);
/// Changing reports (state changes, notes, responses).
pub const WRITE: Requirement =
    Requirement::privilege(&["write:reports"], Privilege::ReportsManageReports);

/// The longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 5000;

/// Admin status objects of `ids` (one per id, `None` when the status is gone). The statuses
/// service owns the rendering; this is the one place reports call it.
async fn admin_statuses(state: &AppState, ids: &[String]) -> Result<Vec<Option<Value>>, AppError> {
    super::statuses::admin_objects_by_ids(state, ids).await
}

/// A report comment as HTML: `&`, `<`, `>` escaped and newlines as `<br/>`, nothing else changed.
pub fn comment_html(comment: &str) -> String {
    let mut out = String::with_capacity(comment.len());
    for c in comment.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("<br/>"),
            c => out.push(c),
        }
    }
    out
}

/// Renders reports with merged accounts, notes and statuses, loading each account and status once.
struct Renderer<'a> {
    state: &'a AppState,
    accounts: HashMap<String, Value>,
    statuses: HashMap<String, Option<Value>>,
}

impl<'a> Renderer<'a> {
    fn new(state: &'a AppState) -> Renderer<'a> {
        Renderer {
            state,
            accounts: HashMap::new(),
            statuses: HashMap::new(),
        }
    }

    /// The merged account of `id`, or `{}`.
    async fn account(&mut self, id: Option<&str>) -> Result<Value, AppError> {
        let Some(id) = id else {
            return Ok(json!({}));
        };
        if let Some(found) = self.accounts.get(id) {
            return Ok(found.clone());
        }
        let value = merged::account_by_id(self.state, Some(id)).await?;
        self.accounts.insert(id.to_string(), value.clone());
        Ok(value)
    }

    /// Loads the merged accounts of `ids` not loaded yet, in one query.
    async fn load_accounts(&mut self, ids: Vec<String>) -> Result<(), AppError> {
        let mut wanted: HashSet<String> = HashSet::new();
        let mut missing: Vec<String> = Vec::new();
        for id in ids {
            if !self.accounts.contains_key(&id) && wanted.insert(id.clone()) {
                missing.push(id);
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        let found = status_db::accounts_by_ids(&self.state.db, &missing).await?;
        for id in missing {
            let value = match found.get(&id) {
                Some(account) => merged::account(self.state, account),
                None => json!({}),
            };
            self.accounts.insert(id, value);
        }
        Ok(())
    }

    /// Loads the admin status objects of `ids` not loaded yet, in one call.
    async fn load_statuses<'i>(
        &mut self,
        ids: impl Iterator<Item = &'i String>,
    ) -> Result<(), AppError> {
        let mut wanted: HashSet<&String> = HashSet::new();
        let mut missing: Vec<String> = Vec::new();
        for id in ids {
            if !self.statuses.contains_key(id) && wanted.insert(id) {
                missing.push(id.clone());
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        let found = admin_statuses(self.state, &missing).await?;
        for (id, value) in missing.into_iter().zip(found) {
            self.statuses.insert(id, value);
        }
        Ok(())
    }

    /// Report objects (moderation.md §2.2) in the given order.
    async fn reports(&mut self, list: &[Report]) -> Result<Vec<Value>, AppError> {
        let ids: Vec<String> = list.iter().map(|r| r.id.clone()).collect();
        let mut notes: HashMap<String, Vec<report_db::Note>> = HashMap::new();
        for note in report_db::notes_of(&self.state.db, &ids).await? {
            notes.entry(note.report_id.clone()).or_default().push(note);
        }
        self.load_statuses(list.iter().flat_map(|r| r.status_ids.iter()))
            .await?;
        let people = list
            .iter()
            .flat_map(|r| [r.account_id.as_deref(), r.reporter_id.as_deref()])
            .chain(notes.values().flatten().map(|n| n.author_id.as_deref()))
            .flatten()
            .map(str::to_string)
            .collect();
        self.load_accounts(people).await?;
        let mut out = Vec::with_capacity(list.len());
        for report in list {
            let mut note_objects = Vec::new();
            for note in notes.remove(&report.id).unwrap_or_default() {
                note_objects.push(json!({
                    "id": note.id,
                    "content": note.content,
                    "user": self.account(note.author_id.as_deref()).await?,
                    "created_at": dates::iso(note.created_at),
                }));
            }
            let statuses: Vec<Value> = report
                .status_ids
                .iter()
                .filter_map(|id| self.statuses.get(id).cloned().flatten())
                .collect();
            out.push(json!({
                "id": report.id,
                "account": self.account(report.account_id.as_deref()).await?,
                "actor": self.account(report.reporter_id.as_deref()).await?,
                "content": report.comment.as_deref().map(comment_html),
                "created_at": dates::iso(report.created_at),
                "statuses": statuses,
                "state": report.state,
                "notes": note_objects,
            }));
        }
        Ok(out)
    }

    async fn report(&mut self, report: &Report) -> Result<Value, AppError> {
        Ok(self
            .reports(std::slice::from_ref(report))
            .await?
            .pop()
            .unwrap_or_else(|| json!({})))
    }
}

/// A report by id, or 404.
async fn find(state: &AppState, id: &str) -> Result<Report, AppError> {
    report_db::by_id(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// An optional string filter; `""` counts as absent.
fn filter_param(params: &Params, key: &str) -> Result<Option<String>, AppError> {
    Ok(params.string(key)?.filter(|s| !s.is_empty()))
}

/// `state` of `GET /reports`: one of the three states, else the enum message.
fn state_param(params: &Params) -> Result<Option<String>, AppError> {
    match filter_param(params, "state")? {
        Some(state) if !STATES.contains(&state.as_str()) => Err(AppError::invalid(
            "state",
            format!("{state} - Invalid value for enum."),
        )),
        other => Ok(other),
    }
}

/// `GET /reports`.
pub async fn list(state: &AppState, caller: &Caller, params: &Params) -> Result<Value, AppError> {
    caller.authorize(&READ)?;
    let page = Page::from_params(params, 50, Some("limit"))?;
    let filter = ReportFilter {
        state: state_param(params)?,
        max_id: filter_param(params, "max_id")?,
        since_id: filter_param(params, "since_id")?,
        account_id: filter_param(params, "account_id")?,
        actor_id: filter_param(params, "actor_id")?,
    };
    let total = report_db::count(&state.db, &filter).await?;
    let list = report_db::page(&state.db, &filter, page.page_size, page.offset()).await?;
    let reports = Renderer::new(state).reports(&list).await?;
    Ok(json!({"reports": reports, "total": total}))
}

/// The number of reports per state under the account filters (`account_id` = reported account,
/// `actor_id` = reporter), as `(state, n)` for the states that have any: the panel's tab counts,
/// without rendering anything. Gated like `GET /reports`.
pub async fn state_counts(
    state: &AppState,
    caller: &Caller,
    account_id: Option<String>,
    actor_id: Option<String>,
) -> Result<Vec<(String, i64)>, AppError> {
    caller.authorize(&READ)?;
    let filter = ReportFilter {
        account_id,
        actor_id,
        ..ReportFilter::default()
    };
    report_db::counts_by_state(&state.db, &filter).await
}

/// Report objects whose submitted status ids include `status_id`, newest first, at most 100 (the
/// panel's status page; no REST route).
pub async fn referencing_status(
    state: &AppState,
    caller: &Caller,
    status_id: &str,
) -> Result<Vec<Value>, AppError> {
    caller.authorize(&READ)?;
    let list = report_db::referencing_status(&state.db, status_id, 100).await?;
    Renderer::new(state).reports(&list).await
}

/// Accounts matching `term` as `GET /users?query=` matches it (nickname, display name or domain),
/// at most `limit`, as admin user objects: the suggestions of the queue's reported-account and
/// reporter filters (ui.md §4.6). Gated like the queue itself (the filters are part of it), so a
/// moderator who manages reports gets suggestions without `users_read`.
pub async fn account_suggestions(
    state: &AppState,
    caller: &Caller,
    term: &str,
    limit: i64,
) -> Result<Vec<Value>, AppError> {
    caller.authorize(&READ)?;
    let term = term.trim().trim_start_matches('@');
    if term.is_empty() {
        return Ok(Vec::new());
    }
    let params = Params::from_value(json!({ "query": term }));
    let filter = super::users::filter_from_params(&params)?;
    let list =
        crate::server::db::account_list::page(&state.db, &filter, limit.clamp(1, 50), 0, None)
            .await?;
    Ok(list
        .iter()
        .map(|a| super::users::admin_user(state, a))
        .collect())
}

/// `GET /reports/:id`.
pub async fn show(state: &AppState, caller: &Caller, id: &str) -> Result<Value, AppError> {
    caller.authorize(&READ)?;
    let report = find(state, id).await?;
    Renderer::new(state).report(&report).await
}

/// What the reported statuses said when the report was filed (for the panel; see [`snapshot`]).
pub async fn statuses_snapshot(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<Value, AppError> {
    caller.authorize(&READ)?;
    Ok(find(state, id).await?.statuses_snapshot)
}

/// The reported account of a report, for log messages (`None` when it was removed).
async fn reported_account(
    state: &AppState,
    cache: &mut HashMap<String, Option<Account>>,
    report: &Report,
) -> Result<Option<Account>, AppError> {
    let Some(id) = &report.account_id else {
        return Ok(None);
    };
    if let Some(found) = cache.get(id) {
        return Ok(found.clone());
    }
    let found = accounts::by_id(&state.db, id).await?;
    cache.insert(id.clone(), found.clone());
    Ok(found)
}

/// A report log entry (operations.md §1.2). Messages name the reported account; without one the
/// ` on user @X` part is left out.
async fn log(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    report_id: &str,
    report_state: &str,
    reported: Option<&Account>,
    text: Option<&str>,
) -> Result<(), AppError> {
    let a = actor.mention();
    let on = |template: &str| {
        reported
            .map(|account| template.replace("{}", &account.nickname))
            .unwrap_or_default()
    };
    let text_value = text.unwrap_or_default();
    let message = match action {
        "report_update" => format!(
            "{a} updated report #{report_id}{} with '{report_state}' state",
            on(" (on user @{})")
        ),
        "report_note" => format!(
            "{a} added note '{text_value}' to report #{report_id}{}",
            on(" on user @{}")
        ),
        "report_note_delete" => format!(
            "{a} deleted note '{text_value}' from report #{report_id}{}",
            on(" on user @{}")
        ),
        _ => format!(
            "{a} responded with '{text_value}' to report #{report_id}{}",
            on(" on user @{}")
        ),
    };
    let mut extra = Map::new();
    extra.insert(
        "subject".into(),
        json!({"type": "report", "id": report_id, "state": report_state}),
    );
    if let Some(account) = reported {
        extra.insert("subject_actor".into(), user_map(account));
    }
    if let Some(text) = text {
        extra.insert("text".into(), Value::String(text.to_string()));
    }
    modlog::write(tx, actor, action, Value::Object(extra), &message).await?;
    Ok(())
}

/// The items of `PATCH /reports`: a JSON array, or a form-encoded `reports[0][id]=…` list.
fn batch_items(params: &Params) -> Result<Vec<Value>, AppError> {
    let raw = params
        .raw("reports")
        .ok_or_else(|| AppError::missing("reports"))?;
    let items = match raw {
        Value::Array(items) => items.clone(),
        Value::Object(map) if !map.is_empty() && map.keys().all(|k| k.parse::<usize>().is_ok()) => {
            let mut entries: Vec<(usize, Value)> = map
                .iter()
                .filter_map(|(k, v)| k.parse::<usize>().ok().map(|i| (i, v.clone())))
                .collect();
            entries.sort_by_key(|(i, _)| *i);
            entries.into_iter().map(|(_, v)| v).collect()
        }
        other => return Err(wrong_type("reports", "array", other)),
    };
    if items.is_empty() {
        return Err(AppError::bad_request("reports can't be blank"));
    }
    Ok(items)
}

/// `PATCH /reports`: every item is checked first; any failure answers 400 with the failing items
/// in request order and changes nothing. Otherwise all apply in order in one transaction, each
/// with its `report_update` entry (repeated ids: the last state wins).
pub async fn update_states(
    state: &AppState,
    caller: &Caller,
    params: &Params,
) -> Result<(), AppError> {
    let actor = caller.authorize(&WRITE)?;
    let items = batch_items(params)?;
    // Checked before the transaction starts: reports are never removed, and on SQLite a
    // transaction that reads first may fail to upgrade to a write under concurrent writers.
    let mut failures = Vec::new();
    let mut changes: Vec<(Report, String)> = Vec::new();
    for item in &items {
        let sent_id = item.get("id").cloned().unwrap_or(Value::Null);
        let report = match &sent_id {
            Value::String(id) if !id.contains('\0') => report_db::by_id(&state.db, id).await?,
            _ => None,
        };
        let Some(report) = report else {
            failures.push(json!({"id": sent_id, "error": "not_found"}));
            continue;
        };
        match item.get("state").and_then(Value::as_str) {
            Some(new_state) if STATES.contains(&new_state) => {
                changes.push((report, new_state.to_string()));
            }
            _ => failures.push(json!({"id": sent_id, "error": "Unsupported state"})),
        }
    }
    if !failures.is_empty() {
        return Err(AppError::Shaped(
            axum::http::StatusCode::BAD_REQUEST,
            Value::Array(failures),
        ));
    }
    let mut reported: HashMap<String, Option<Account>> = HashMap::new();
    let mut accounts = Vec::with_capacity(changes.len());
    for (report, _) in &changes {
        accounts.push(reported_account(state, &mut reported, report).await?);
    }
    let mut tx = state.db.begin().await?;
    for ((report, new_state), account) in changes.iter().zip(&accounts) {
        report_db::set_state(&mut tx, &report.id, new_state).await?;
        log(
            &mut tx,
            &actor,
            "report_update",
            &report.id,
            new_state,
            account.as_ref(),
            None,
        )
        .await?;
    }
    tx.commit().await?;
    let mut announced: Vec<&str> = Vec::new();
    for (report, _) in changes.iter().rev() {
        if !announced.contains(&report.id.as_str()) {
            announced.push(&report.id);
        }
    }
    for id in announced.into_iter().rev() {
        events::publish(state, EventKind::ReportState, id).await;
    }
    Ok(())
}

/// Legacy `PUT /reports/:id` `{state}`: one state change; 200 the report object.
pub async fn update_state(
    state: &AppState,
    caller: &Caller,
    id: &str,
    params: &Params,
) -> Result<Value, AppError> {
    let actor = caller.authorize(&WRITE)?;
    let report = find(state, id).await?;
    let new_state = match params.raw("state") {
        Some(Value::String(s)) if STATES.contains(&s.as_str()) => s.clone(),
        _ => return Err(AppError::bad_request("Unsupported state")),
    };
    let reported = reported_account(state, &mut HashMap::new(), &report).await?;
    let mut tx = state.db.begin().await?;
    report_db::set_state(&mut tx, &report.id, &new_state).await?;
    log(
        &mut tx,
        &actor,
        "report_update",
        &report.id,
        &new_state,
        reported.as_ref(),
        None,
    )
    .await?;
    tx.commit().await?;
    events::publish(state, EventKind::ReportState, &report.id).await;
    show(state, caller, &report.id).await
}

/// `POST /reports/:id/notes`.
pub async fn add_note(
    state: &AppState,
    caller: &Caller,
    id: &str,
    params: &Params,
) -> Result<(), AppError> {
    let actor = caller.authorize(&WRITE)?;
    let content = params.required_string("content")?;
    if content.trim().is_empty() {
        return Err(AppError::bad_request("content can't be blank"));
    }
    if content.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::bad_request(format!(
            "content should be at most {MAX_NOTE_CHARS} character(s)"
        )));
    }
    let report = find(state, id).await?;
    let reported = reported_account(state, &mut HashMap::new(), &report).await?;
    let mut tx = state.db.begin().await?;
    report_db::insert_note(&mut tx, &report.id, actor.id.as_deref(), &content).await?;
    log(
        &mut tx,
        &actor,
        "report_note",
        &report.id,
        &report.state,
        reported.as_ref(),
        Some(&content),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `DELETE /reports/:report_id/notes/:id`: any privileged staff member may delete any note; a note
/// of another report is not found.
pub async fn delete_note(
    state: &AppState,
    caller: &Caller,
    report_id: &str,
    note_id: &str,
) -> Result<(), AppError> {
    let actor = caller.authorize(&WRITE)?;
    let report = find(state, report_id).await?;
    let note_id: i64 = note_id.parse().map_err(|_| AppError::NotFound)?;
    let note = report_db::note(&state.db, &report.id, note_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reported = reported_account(state, &mut HashMap::new(), &report).await?;
    let mut tx = state.db.begin().await?;
    if !report_db::delete_note(&mut tx, &report.id, note.id).await? {
        // Deleted by someone else in the meantime.
        return Err(AppError::NotFound);
    }
    log(
        &mut tx,
        &actor,
        "report_note_delete",
        &report.id,
        &report.state,
        reported.as_ref(),
        Some(&note.content),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A random version-4 UUID for the object id of a new status (client-api.md §4.1 `uri`).
fn object_uuid() -> String {
    use rand::Rng;
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

/// How a mentioned account is listed in a status.
fn mentioned(account: &Account) -> Mentioned {
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
    }
}

/// Legacy `POST /reports/:id/respond` `{status}`: a direct status from the caller to the reporter
/// and the reported account (both mentioned), with its `report_response` entry in the same
/// transaction; 200 the admin status object.
pub async fn respond(
    state: &AppState,
    caller: &Caller,
    id: &str,
    params: &Params,
) -> Result<Value, AppError> {
    let actor = caller.authorize(&WRITE)?;
    let author = caller
        .account
        .clone()
        .ok_or_else(|| AppError::bad_request("A user account is required"))?;
    let text = match params.raw("status") {
        Some(Value::String(text)) if !text.trim().is_empty() && !text.contains('\0') => {
            text.clone()
        }
        _ => return Err(AppError::bad_request("Invalid parameters")),
    };
    let report = find(state, id).await?;
    let mut cache = HashMap::new();
    let reported = reported_account(state, &mut cache, &report).await?;
    let reporter = match &report.reporter_id {
        Some(reporter_id) => accounts::by_id(&state.db, reporter_id).await?,
        None => None,
    };
    let mut addressed: Vec<Mentioned> = Vec::new();
    for account in [reporter.as_ref(), reported.as_ref()].into_iter().flatten() {
        if !addressed.iter().any(|m| m.id == account.id) {
            addressed.push(mentioned(account));
        }
    }
    // `@nick` of an addressed account in the text becomes a mention link; other text stays text.
    let base = state.site.base_url.clone();
    let rendered = status_text::render(&text, &base, &|full: &str| {
        let lower = full.to_lowercase();
        addressed
            .iter()
            .find(|m| m.acct.to_lowercase() == lower)
            .cloned()
    });
    let status_id = new_id();
    let new = NewStatus {
        id: status_id.clone(),
        account_id: author.id.clone(),
        local: true,
        host: state.site.host.clone(),
        uri: format!("{base}/objects/{}", object_uuid()),
        url: format!("{base}/notice/{status_id}"),
        content: rendered.html,
        source: text.clone(),
        spoiler_text: String::new(),
        visibility: "direct".into(),
        sensitive: false,
        in_reply_to_id: None,
        in_reply_to_account_id: None,
        reblog_of_id: None,
        conversation_id: now_ms().saturating_mul(1000),
        app_name: None,
        app_website: None,
        mentions: Value::Array(
            addressed
                .iter()
                .map(|m| json!({"id": m.id, "username": m.username, "acct": m.acct, "url": m.url}))
                .collect(),
        ),
        tags: Value::Array(
            rendered
                .tags
                .iter()
                .map(|t| json!({"name": t, "url": format!("{base}/tag/{t}")}))
                .collect(),
        ),
        created_at: now_ms(),
    };
    let mut tx = state.db.begin().await?;
    status_db::insert(&mut tx, &new).await?;
    log(
        &mut tx,
        &actor,
        "report_response",
        &report.id,
        &report.state,
        reported.as_ref(),
        Some(&text),
    )
    .await?;
    tx.commit().await?;
    admin_statuses(state, std::slice::from_ref(&status_id))
        .await?
        .pop()
        .flatten()
        .ok_or(AppError::NotFound)
}

/// The groups of `GET /grouped_reports` before rendering (moderation.md §2): every report that
/// names a status, newest first, and one group per reported status in answer order.
pub struct Groups {
    reports: Vec<Report>,
    groups: Vec<Group>,
}

/// One reported status and the reports naming it.
struct Group {
    status_id: String,
    /// Indexes into [`Groups::reports`], newest first.
    members: Vec<usize>,
    /// The newest `created_at` of its reports.
    newest: i64,
}

/// Which reports the panel's grouped queue keeps a group for (the tab and the account filters).
#[derive(Debug, Clone, Default)]
pub struct GroupFilter {
    pub state: Option<String>,
    pub account_id: Option<String>,
    pub actor_id: Option<String>,
}

impl GroupFilter {
    fn keeps(&self, report: &Report) -> bool {
        self.state.as_ref().is_none_or(|s| &report.state == s)
            && self
                .account_id
                .as_ref()
                .is_none_or(|id| report.account_id.as_ref() == Some(id))
            && self
                .actor_id
                .as_ref()
                .is_none_or(|id| report.reporter_id.as_ref() == Some(id))
    }
}

/// Groups per render pass: each pass loads its reports' notes, statuses and accounts in a few
/// set-based queries and is serialised before the next starts, so memory stays bounded by a pass
/// (plus the answer) however many reports there are.
const GROUPS_PER_PASS: usize = 500;

impl Groups {
    /// Reads every report that names a status and groups them; nothing is rendered yet.
    async fn load(state: &AppState) -> Result<Groups, AppError> {
        // Newest first, so each group's reports come out newest first.
        let reports = report_db::with_statuses(&state.db).await?;
        let mut groups: Vec<Group> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (n, report) in reports.iter().enumerate() {
            for (k, status_id) in report.status_ids.iter().enumerate() {
                if report.status_ids[..k].contains(status_id) {
                    continue;
                }
                let slot = *index.entry(status_id.as_str()).or_insert_with(|| {
                    groups.push(Group {
                        status_id: status_id.clone(),
                        members: Vec::new(),
                        newest: report.created_at,
                    });
                    groups.len() - 1
                });
                let group = &mut groups[slot];
                group.members.push(n);
                group.newest = group.newest.max(report.created_at);
            }
        }
        // By date (as shown, whole seconds), then status id, descending.
        groups.sort_by(|a, b| {
            (b.newest.div_euclid(1000), &b.status_id)
                .cmp(&(a.newest.div_euclid(1000), &a.status_id))
        });
        drop(index);
        Ok(Groups { reports, groups })
    }

    /// Group objects of `groups` (indexes into [`Groups::groups`]), in the given order.
    async fn render(&self, state: &AppState, groups: &[usize]) -> Result<Vec<Value>, AppError> {
        let mut members: Vec<usize> = groups
            .iter()
            .flat_map(|g| self.groups[*g].members.iter().copied())
            .collect();
        members.sort_unstable();
        members.dedup();
        let list: Vec<Report> = members.iter().map(|n| self.reports[*n].clone()).collect();
        let mut renderer = Renderer::new(state);
        let rendered = renderer.reports(&list).await?;
        let rendered: HashMap<usize, Value> = members.into_iter().zip(rendered).collect();

        // The author of a deleted status comes from a report's snapshot (taken when it was filed).
        let gone: Vec<usize> = groups
            .iter()
            .copied()
            .filter(|g| {
                renderer
                    .statuses
                    .get(&self.groups[*g].status_id)
                    .is_none_or(Option::is_none)
            })
            .collect();
        let snapshot_of: Vec<String> = gone
            .iter()
            .flat_map(|g| self.groups[*g].members.iter())
            .map(|n| self.reports[*n].id.clone())
            .collect();
        let snapshots = report_db::snapshots_of(&state.db, &snapshot_of).await?;
        let mut authors: HashMap<usize, String> = HashMap::new();
        for g in gone {
            let group = &self.groups[g];
            let author = group.members.iter().find_map(|n| {
                snapshots
                    .get(&self.reports[*n].id)
                    .and_then(Value::as_array)
                    .and_then(|list| {
                        list.iter()
                            .find(|s| s.get("id").and_then(Value::as_str) == Some(&group.status_id))
                    })
                    .and_then(|s| s.get("account_id").and_then(Value::as_str))
                    .map(str::to_string)
            });
            if let Some(author) = author {
                authors.insert(g, author);
            }
        }
        renderer
            .load_accounts(authors.values().cloned().collect())
            .await?;

        let mut out = Vec::with_capacity(groups.len());
        for g in groups {
            let group = &self.groups[*g];
            let status = renderer.statuses.get(&group.status_id).cloned().flatten();
            let account = match &status {
                Some(status) => status.get("account").cloned().unwrap_or_else(|| json!({})),
                None => renderer.account(authors.get(g).map(String::as_str)).await?,
            };
            let mut seen: HashSet<&str> = HashSet::new();
            let mut actors = Vec::new();
            for n in group.members.iter().rev() {
                if let Some(reporter) = self.reports[*n].reporter_id.as_deref() {
                    if seen.insert(reporter) {
                        actors.push(renderer.account(Some(reporter)).await?);
                    }
                }
            }
            let reports: Vec<Value> = group
                .members
                .iter()
                .filter_map(|n| rendered.get(n).cloned())
                .collect();
            out.push(json!({
                "date": dates::iso(group.newest),
                "account": account,
                "status": status.unwrap_or_else(|| json!({"id": group.status_id, "deleted": true})),
                "actors": actors,
                "reports": reports,
            }));
        }
        Ok(out)
    }
}

/// `GET /grouped_reports`: one group per reported status (moderation.md §2), every group in one
/// answer as the specification has it, as JSON text. Rendered in passes of
/// [`GROUPS_PER_PASS`] groups, each serialised before the next, so the answer is built once
/// instead of held as a tree (at 100,000 reports that tree would be gigabytes).
pub async fn grouped(state: &AppState, caller: &Caller) -> Result<String, AppError> {
    caller.authorize(&READ)?;
    let all = Groups::load(state).await?;
    let order: Vec<usize> = (0..all.groups.len()).collect();
    let mut out = String::from("{\"reports\":[");
    for (pass, chunk) in order.chunks(GROUPS_PER_PASS).enumerate() {
        for (k, group) in all.render(state, chunk).await?.into_iter().enumerate() {
            if pass > 0 || k > 0 {
                out.push(',');
            }
            out.push_str(&serde_json::to_string(&group)?);
        }
    }
    out.push_str("]}");
    Ok(out)
}

/// One page of the panel's grouped queue: the groups of `GET /grouped_reports` with at least one
/// report `filter` keeps, `limit` of them from `offset`, and how many groups it keeps in all.
/// Only the page's groups are rendered.
pub async fn grouped_page(
    state: &AppState,
    caller: &Caller,
    filter: &GroupFilter,
    limit: usize,
    offset: usize,
) -> Result<(Vec<Value>, usize), AppError> {
    caller.authorize(&READ)?;
    let all = Groups::load(state).await?;
    let kept: Vec<usize> = all
        .groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.members.iter().any(|n| filter.keeps(&all.reports[*n])))
        .map(|(k, _)| k)
        .collect();
    let page: Vec<usize> = kept.iter().copied().skip(offset).take(limit).collect();
    Ok((all.render(state, &page).await?, kept.len()))
}

/// What the reported statuses say when the report is filed, kept in the report's
/// `statuses_snapshot` so the panel can still show reported content after the status is deleted
/// (the Admin API's `statuses` key lists only statuses that still exist, as specified). Each entry:
/// `id`, `account_id`, `url`, `content` (the rendered HTML), `spoiler_text`, `visibility`,
/// `sensitive`, `reblog_of_id`, `created_at` (README date format).
fn snapshot(statuses: &[&Status]) -> Value {
    Value::Array(
        statuses
            .iter()
            .map(|s| {
                json!({
                    "id": s.id,
                    "account_id": s.account_id,
                    "url": s.url,
                    "content": s.content,
                    "spoiler_text": s.spoiler_text,
                    "visibility": s.visibility,
                    "sensitive": s.sensitive,
                    "reblog_of_id": s.reblog_of_id,
                    "created_at": dates::iso(s.created_at),
                })
            })
            .collect(),
    )
}

/// `POST /api/v1/reports` (client-api.md §5): files an open report about `account_id`.
pub async fn create(state: &AppState, caller: &Caller, params: &Params) -> Result<Value, AppError> {
    let reporter = caller.require_user("write:reports")?.clone();
    let account_id = params.required_string("account_id")?;
    let mut status_ids: Vec<String> = Vec::new();
    for id in params.strings("status_ids")?.unwrap_or_default() {
        // Repeats name the same status once.
        if !status_ids.contains(&id) {
            status_ids.push(id);
        }
    }
    let comment = params.string("comment")?;
    let forwarded = params.bool("forward")?.unwrap_or(false);
    let target = accounts::by_id(&state.db, &account_id)
        .await?
        .filter(|a| !a.internal && !a.deactivated)
        .ok_or_else(|| AppError::NotFoundWith("Record not found".into()))?;
    let max = caller.settings.max_report_comment_size;
    if let Some(comment) = &comment {
        if i64::try_from(comment.chars().count()).unwrap_or(i64::MAX) > max {
            return Err(AppError::bad_request(format!(
                "Comment must be up to {max} characters"
            )));
        }
    }
    let new = NewReport {
        id: new_id(),
        reporter_id: reporter.id.clone(),
        account_id: target.id.clone(),
        status_ids,
        comment,
        forwarded,
        created_at: now_ms(),
    };
    let found = status_db::by_ids(&state.db, &new.status_ids).await?;
    let mut reported: Vec<&Status> = Vec::with_capacity(new.status_ids.len());
    for id in &new.status_ids {
        match found.iter().find(|s| &s.id == id) {
            Some(status) if status.account_id == target.id => reported.push(status),
            _ => {
                return Err(AppError::bad_request(
                    "Reported statuses must belong to the reported account",
                ))
            }
        }
    }
    let mut tx = state.db.begin().await?;
    report_db::insert(&mut tx, &new, &snapshot(&reported)).await?;
    tx.commit().await?;
    events::publish(state, EventKind::Report, &new.id).await;
    Ok(json!({
        "id": new.id,
        "action_taken": false,
        "comment": new.comment,
        "forwarded": new.forwarded,
        "created_at": dates::iso(new.created_at),
        "status_ids": new.status_ids,
        "target_account": super::accounts::entity(&state.site, &target, false),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_html_escapes_only_what_the_spec_names() {
        assert_eq!(comment_html("I feel offended"), "I feel offended");
        assert_eq!(
            comment_html("a & b <i>\n\"x\" 'y'"),
            "a &amp; b &lt;i&gt;<br/>\"x\" 'y'"
        );
    }
}

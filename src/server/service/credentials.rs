//! `GET`/`PATCH /users/:nickname/credentials` (users.md §5).

use serde_json::{json, Map, Value};

use super::accounts::{avatar_url, header_url};
use super::modlog::{self, user_map};
use super::text::render;
use super::users::{find, CREDENTIALS};
use crate::error::AppError;
use crate::server::api::params::{Params, Upload};
use crate::server::auth::{secrets, Caller, Privilege, Requirement};
use crate::server::db::accounts;
use crate::server::db::{now_ms, RowExt};
use crate::server::settings::Settings;
use crate::server::state::AppState;

pub const READ: Requirement =
    Requirement::privilege(&["read:accounts"], Privilege::UsersManageCredentials);

/// Preference keys kept in the `preferences` JSON column, with their defaults.
const PREFERENCES: [(&str, bool); 8] = [
    ("hide_follows", false),
    ("hide_followers", false),
    ("hide_followers_count", false),
    ("hide_follows_count", false),
    ("hide_favorites", true),
    ("allow_following_move", true),
    ("skip_thread_containment", false),
    ("accepts_chat_messages", true),
];

async fn stored_json(
    state: &AppState,
    account_id: &str,
) -> Result<(Map<String, Value>, Map<String, Value>), AppError> {
    let row = sqlx::query("SELECT preferences, settings_store FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_one(&state.db.pool)
        .await?;
    let object = |text: String| match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    Ok((
        object(row.text("preferences")?),
        object(row.text("settings_store")?),
    ))
}

fn rendered_fields(fields: &Value) -> Vec<Value> {
    fields
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|f| {
                    let text = |k: &str| {
                        f.get(k)
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string()
                    };
                    json!({"name": text("name"), "value": render(&text("value"))})
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `GET /users/:nickname/credentials`.
pub async fn show(state: &AppState, caller: &Caller, key: &str) -> Result<Value, AppError> {
    caller.authorize(&READ)?;
    let account = find(state, key).await?;
    let (preferences, store) = stored_json(state, &account.id).await?;
    let mut body = json!({
        "id": account.id,
        "nickname": account.nickname,
        "email": account.email,
        "name": account.display_name.clone().unwrap_or_else(|| account.nickname.clone()),
        "bio": render(&account.bio),
        "fields": rendered_fields(&account.fields),
        "raw_fields": account.fields,
        "is_locked": account.locked,
        "locked": account.locked,
        "is_discoverable": account.discoverable,
        "discoverable": account.discoverable,
        "no_rich_text": account.no_rich_text,
        "default_scope": account.default_scope,
        "show_role": account.show_role,
        "pleroma_settings_store": store,
        "actor_type": account.actor_type,
        "avatar": avatar_url(&state.site, &account),
        "banner": header_url(&state.site, &account),
        "background": state.site.media.show_opt(account.background_url.as_deref()),
    });
    if let Some(map) = body.as_object_mut() {
        for (key, default) in PREFERENCES {
            map.insert(
                key.into(),
                preferences
                    .get(key)
                    .cloned()
                    .unwrap_or(Value::Bool(default)),
            );
        }
    }
    Ok(body)
}

/// Collects `field → first message` in request spelling.
#[derive(Default)]
struct Problems(Map<String, Value>);

impl Problems {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_insert_with(|| Value::String(message.into()));
    }
}

/// The value of a field sent under either spelling (`is_x` wins), with the spelling used.
fn either<'a>(params: &'a Params, long: &'a str, short: &'a str) -> Option<(&'a str, &'a Value)> {
    params
        .raw(long)
        .map(|v| (long, v))
        .or_else(|| params.raw(short).map(|v| (short, v)))
}

fn as_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// An image file's extension from its first bytes, or `None` for anything else.
fn image_extension(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else {
        None
    }
}

/// What an image field asks for: keep, remove, or store this upload.
enum ImageChange<'a> {
    Keep,
    Remove,
    Store(&'a Upload, &'static str),
}

fn image_change<'a>(
    params: &'a Params,
    field: &str,
    settings: &Settings,
    problems: &mut Problems,
) -> ImageChange<'a> {
    if let Some(upload) = params.file(field) {
        if upload.bytes.len() as i64 > settings.upload_limit {
            problems.add(field, "is too large");
            return ImageChange::Keep;
        }
        return match image_extension(&upload.bytes) {
            Some(ext) => ImageChange::Store(upload, ext),
            None => {
                problems.add(field, "is invalid");
                ImageChange::Keep
            }
        };
    }
    match params.raw(field) {
        None => ImageChange::Keep,
        Some(Value::String(s)) if s.is_empty() => ImageChange::Remove,
        Some(_) => {
            problems.add(field, "is invalid");
            ImageChange::Keep
        }
    }
}

/// `PATCH /users/:nickname/credentials`.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    key: &str,
    params: &Params,
) -> Result<Value, AppError> {
    let actor = caller.authorize(&CREDENTIALS)?;
    let account = find(state, key).await?;
    let settings = &caller.settings;
    let mut problems = Problems::default();
    let mut sets: Vec<(&'static str, SetValue)> = Vec::new();

    if let Some(value) = params.raw("email") {
        match value {
            _ if !account.local => problems.add("email", "is not allowed for remote users"),
            Value::String(s) if s.is_empty() => problems.add("email", "can't be blank"),
            Value::String(s) if !super::accounts::valid_email(s) => {
                problems.add("email", "has invalid format")
            }
            Value::String(s) => {
                let taken = sqlx::query(
                    "SELECT COUNT(*) AS n FROM accounts WHERE email_lower = $1 AND id <> $2",
                )
                .bind(s.to_lowercase())
                .bind(&account.id)
                .fetch_one(&state.db.pool)
                .await?
                .int("n")?
                    > 0;
                if taken {
                    problems.add("email", "has already been taken");
                } else {
                    sets.push(("email", SetValue::Text(Some(s.clone()))));
                    sets.push(("email_lower", SetValue::Text(Some(s.to_lowercase()))));
                }
            }
            _ => problems.add("email", "has invalid format"),
        }
    }
    let mut new_password = None;
    if let Some(value) = params.raw("password") {
        match value {
            _ if !account.local => problems.add("password", "is not allowed for remote users"),
            Value::String(s) if !s.is_empty() && !s.contains('\0') => {
                new_password = Some(s.clone())
            }
            _ => problems.add("password", "can't be blank"),
        }
    }
    if let Some(value) = params.raw("name") {
        match value.as_str() {
            Some(s) if s.chars().count() < 1 => {
                problems.add("name", "should be at least 1 character(s)")
            }
            Some(s) if s.chars().count() as i64 > settings.user_name_length => problems.add(
                "name",
                format!(
                    "should be at most {} character(s)",
                    settings.user_name_length
                ),
            ),
            Some(s) => {
                sets.push(("display_name", SetValue::Text(Some(s.to_string()))));
                sets.push(("display_name_lower", SetValue::Text(Some(s.to_lowercase()))));
            }
            None => problems.add("name", "is invalid"),
        }
    }
    if let Some(value) = params.raw("bio") {
        match value.as_str() {
            Some(s) if s.chars().count() as i64 > settings.user_bio_length => problems.add(
                "bio",
                format!(
                    "should be at most {} character(s)",
                    settings.user_bio_length
                ),
            ),
            Some(s) => sets.push(("bio", SetValue::Text(Some(s.to_string())))),
            None => problems.add("bio", "is invalid"),
        }
    }
    if let Some((spelling, value)) = either(params, "fields", "raw_fields") {
        match parse_fields(value, settings) {
            Ok(fields) => sets.push((
                "fields",
                SetValue::Text(Some(Value::Array(fields).to_string())),
            )),
            Err(message) => problems.add(spelling, message),
        }
    }
    for (long, short, column) in [
        ("is_locked", "locked", "locked"),
        ("is_discoverable", "discoverable", "discoverable"),
    ] {
        if let Some((spelling, value)) = either(params, long, short) {
            match as_bool(value) {
                Some(b) => sets.push((column, SetValue::Flag(b))),
                None => problems.add(spelling, "is invalid"),
            }
        }
    }
    for (field, column) in [("no_rich_text", "no_rich_text"), ("show_role", "show_role")] {
        if let Some(value) = params.raw(field) {
            match as_bool(value) {
                Some(b) => sets.push((column, SetValue::Flag(b))),
                None => problems.add(field, "is invalid"),
            }
        }
    }
    let (mut preferences, mut store) = stored_json(state, &account.id).await?;
    let mut preferences_changed = false;
    for (field, _) in PREFERENCES {
        if let Some(value) = params.raw(field) {
            match as_bool(value) {
                Some(b) => {
                    preferences.insert(field.into(), Value::Bool(b));
                    preferences_changed = true;
                }
                None => problems.add(field, "is invalid"),
            }
        }
    }
    if let Some(value) = params.raw("default_scope") {
        match value.as_str() {
            Some(s @ ("public" | "unlisted" | "private" | "direct")) => {
                sets.push(("default_scope", SetValue::Text(Some(s.into()))))
            }
            _ => problems.add("default_scope", "is invalid"),
        }
    }
    if let Some(value) = params.raw("actor_type") {
        match value.as_str() {
            Some(s @ ("Person" | "Service")) => {
                sets.push(("actor_type", SetValue::Text(Some(s.into()))))
            }
            _ => problems.add("actor_type", "is invalid"),
        }
    }
    let mut store_changed = false;
    if let Some(value) = params.raw("pleroma_settings_store") {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    store.insert(k.clone(), v.clone());
                }
                store_changed = true;
            }
            _ => problems.add("pleroma_settings_store", "is invalid"),
        }
    }
    let images = [
        (
            "avatar",
            "avatar_url",
            image_change(params, "avatar", settings, &mut problems),
        ),
        (
            "banner",
            "banner_url",
            image_change(params, "banner", settings, &mut problems),
        ),
        (
            "background",
            "background_url",
            image_change(params, "background", settings, &mut problems),
        ),
    ];
    if !problems.0.is_empty() {
        return Err(AppError::Shaped(
            axum::http::StatusCode::BAD_REQUEST,
            json!({"errors": problems.0}),
        ));
    }

    // Files are written before the transaction; a failed transaction leaves an unused file, never
    // a row pointing at a missing one.
    for (_, column, change) in &images {
        match change {
            ImageChange::Keep => {}
            ImageChange::Remove => sets.push((column, SetValue::Text(None))),
            ImageChange::Store(upload, ext) => {
                let url = store_media(state, upload, ext).await?;
                sets.push((column, SetValue::Text(Some(url))));
            }
        }
    }
    let hash = match &new_password {
        Some(p) => {
            let p = p.clone();
            Some(
                tokio::task::spawn_blocking(move || secrets::hash_password(&p))
                    .await
                    .map_err(AppError::internal)??,
            )
        }
        None => None,
    };

    let mut tx = state.db.begin().await?;
    for (column, value) in &sets {
        // Column names come from the fixed list above, never from input.
        let sql = format!("UPDATE accounts SET {column} = $1, updated_at = $2 WHERE id = $3");
        let query = sqlx::query(sqlx::AssertSqlSafe(sql));
        let query = match value {
            SetValue::Text(v) => query.bind(v.clone()),
            SetValue::Flag(b) => query.bind(*b),
        };
        query
            .bind(now_ms())
            .bind(&account.id)
            .execute(&mut *tx)
            .await?;
    }
    if preferences_changed || store_changed {
        sqlx::query("UPDATE accounts SET preferences = $1, settings_store = $2 WHERE id = $3")
            .bind(Value::Object(preferences).to_string())
            .bind(Value::Object(store).to_string())
            .bind(&account.id)
            .execute(&mut *tx)
            .await?;
    }
    let subject = [user_map(&account)];
    modlog::write(
        &mut tx,
        &actor,
        "updated_users",
        json!({"subject": subject}),
        &format!("{} updated users: @{}", actor.mention(), account.nickname),
    )
    .await?;
    if let Some(hash) = hash {
        accounts::set_password(&mut tx, &account.id, &hash).await?;
        // The admin's password is temporary: the user must pick their own through the reset flow.
        sqlx::query("UPDATE accounts SET password_reset_pending = $1 WHERE id = $2")
            .bind(true)
            .bind(&account.id)
            .execute(&mut *tx)
            .await?;
        modlog::write(
            &mut tx,
            &actor,
            "force_password_reset",
            json!({"subject": subject}),
            &format!(
                "{} forced password reset for users: @{}",
                actor.mention(),
                account.nickname
            ),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(json!({"status": "success"}))
}

/// A value for one column update.
enum SetValue {
    Text(Option<String>),
    Flag(bool),
}

/// `fields` as an array or index-keyed object of `{name, value}` strings within the limits.
fn parse_fields(value: &Value, settings: &Settings) -> Result<Vec<Value>, String> {
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) => {
            let mut entries: Vec<(usize, &Value)> = Vec::new();
            for (k, v) in map {
                entries.push((k.parse::<usize>().map_err(|_| "invalid".to_string())?, v));
            }
            entries.sort_by_key(|(i, _)| *i);
            entries.into_iter().map(|(_, v)| v).collect()
        }
        _ => return Err("invalid".into()),
    };
    if items.len() as i64 > settings.max_account_fields {
        return Err(format!(
            "should have at most {} item(s)",
            settings.max_account_fields
        ));
    }
    items
        .into_iter()
        .map(|item| {
            let name = item.get("name").and_then(Value::as_str).ok_or("invalid")?;
            let value = item.get("value").and_then(Value::as_str).ok_or("invalid")?;
            if name.chars().count() as i64 > settings.account_field_name_length
                || value.chars().count() as i64 > settings.account_field_value_length
            {
                return Err("invalid".to_string());
            }
            Ok(json!({"name": name, "value": value}))
        })
        .collect()
}

/// Saves an uploaded image under a random name; returns its public URL.
async fn store_media(state: &AppState, upload: &Upload, ext: &str) -> Result<String, AppError> {
    let dir = &state.site.media_dir;
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| AppError::Unavailable(format!("Could not store the upload: {e}")))?;
    let name = format!("{}.{ext}", secrets::random_token());
    tokio::fs::write(dir.join(&name), &upload.bytes)
        .await
        .map_err(|e| AppError::Unavailable(format!("Could not store the upload: {e}")))?;
    Ok(format!("{}/media/{name}", state.site.base_url))
}

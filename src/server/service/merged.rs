//! The merged account (moderation.md §1.1): the Mastodon account entity plus every key of the admin
//! user object, the admin value winning where both define a key. Reports, report notes, grouped
//! reports and admin status objects show accounts this way.

use serde_json::{json, Map, Value};

use super::{accounts, users};
use crate::error::AppError;
use crate::server::db::accounts as account_db;
use crate::server::db::accounts::Account;
use crate::server::state::AppState;

/// The merged view of `account`; each key appears once.
pub fn account(state: &AppState, account: &Account) -> Value {
    let mut merged: Map<String, Value> = match accounts::entity(&state.site, account, true) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    if let Value::Object(admin) = users::admin_user(state, account) {
        merged.extend(admin);
    }
    Value::Object(merged)
}

/// The merged view of the account with `id`, or `{}` when there is none (missing or removed).
pub async fn account_by_id(state: &AppState, id: Option<&str>) -> Result<Value, AppError> {
    let Some(id) = id else {
        return Ok(json!({}));
    };
    Ok(match account_db::by_id(&state.db, id).await? {
        Some(found) => account(state, &found),
        None => json!({}),
    })
}

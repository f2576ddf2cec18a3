//! `POST /api/v1/accounts/:id/follow` and `/unfollow` (client-api.md §5).

use serde_json::{json, Value};

use super::statuses::tag_policy_enabled;
use crate::error::AppError;
use crate::server::auth::Caller;
use crate::server::db::accounts::{self as account_db, Account};
use crate::server::db::statuses as status_db;
use crate::server::state::AppState;

/// The account to follow: visible (not internal, not deactivated) and not the caller.
async fn target(state: &AppState, viewer: &Account, id: &str) -> Result<Account, AppError> {
    let account = account_db::by_id(&state.db, id)
        .await?
        .filter(|a| !a.internal && !a.deactivated)
        .ok_or_else(|| AppError::NotFoundWith("Record not found".into()))?;
    if account.id == viewer.id {
        return Err(AppError::bad_request("Can't follow yourself"));
    }
    Ok(account)
}

/// Follows (`follow = true`) or unfollows `id`; answers the relationship.
pub async fn set(
    state: &AppState,
    caller: &Caller,
    id: &str,
    follow: bool,
) -> Result<Value, AppError> {
    let viewer = caller.require_user("write:follows")?;
    let account = target(state, viewer, id).await?;
    let want = if follow {
        if tag_policy_enabled(caller)
            && account
                .tags
                .iter()
                .any(|t| t == "mrf_tag:disable-any-subscription")
        {
            return Err(AppError::forbidden("This account does not accept follows"));
        }
        let current = status_db::follow_state(&state.db, &viewer.id, &account.id).await?;
        // A locked local account decides; an accepted follow stays accepted (repeats are no-ops).
        Some(current == Some(true) || !(account.local && account.locked))
    } else {
        None
    };
    let mut tx = state.db.begin().await?;
    status_db::set_follow(&mut tx, &viewer.id, &account.id, want).await?;
    tx.commit().await?;
    relationship(state, viewer, &account).await
}

/// The relationship of `viewer` to `account`.
pub async fn relationship(
    state: &AppState,
    viewer: &Account,
    account: &Account,
) -> Result<Value, AppError> {
    let outgoing = status_db::follow_state(&state.db, &viewer.id, &account.id).await?;
    let incoming = status_db::follow_state(&state.db, &account.id, &viewer.id).await?;
    Ok(json!({
        "id": account.id,
        "following": outgoing == Some(true),
        "followed_by": incoming == Some(true),
        "requested": outgoing == Some(false),
        "blocking": false,
        "blocked_by": false,
        "muting": false,
        "muting_notifications": false,
        "domain_blocking": false,
        "endorsed": false,
        "showing_reblogs": true,
        "notifying": false,
        "note": "",
    }))
}

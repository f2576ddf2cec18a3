//! `GET /dashboard` (operations.md §5).

use std::collections::HashMap;

use crate::error::AppError;
use crate::model::dashboard::*;
use crate::server::auth::{Caller, Privilege, Requirement};
use crate::server::dates;
use crate::server::db::{now_ms, Db, RowExt};
use crate::server::state::AppState;

/// Scope and privilege of the dashboard.
pub const REQUIREMENT: Requirement = Requirement::privilege(&["read"], Privilege::StatisticsRead);

const DAY_MS: i64 = 86_400_000;

/// The dashboard for a caller holding `statistics_read`.
pub async fn dashboard(state: &AppState, caller: &Caller) -> Result<Dashboard, AppError> {
    caller.authorize(&REQUIREMENT)?;
    let db = &state.db;
    let settings = &caller.settings;
    let now = now_ms();
    let week = now - 7 * DAY_MS;
    let month = now - 30 * DAY_MS;

    // COUNT(CASE ...) rather than SUM: both engines answer a BIGINT-compatible integer.
    let u = sqlx::query(
        "SELECT COUNT(*) AS total,
           COUNT(CASE WHEN local THEN 1 END) AS local,
           COUNT(CASE WHEN NOT local THEN 1 END) AS remote,
           COUNT(CASE WHEN NOT deactivated AND NOT approval_pending THEN 1 END) AS active,
           COUNT(CASE WHEN deactivated THEN 1 END) AS deactivated,
           COUNT(CASE WHEN approval_pending THEN 1 END) AS pending_approval,
           COUNT(CASE WHEN confirmation_pending THEN 1 END) AS unconfirmed,
           COUNT(CASE WHEN is_admin THEN 1 END) AS admins,
           COUNT(CASE WHEN is_moderator THEN 1 END) AS moderators,
           COUNT(CASE WHEN created_at >= $2 THEN 1 END) AS new_7d,
           COUNT(CASE WHEN created_at >= $3 THEN 1 END) AS new_30d
         FROM accounts WHERE internal = $1",
    )
    .bind(false)
    .bind(week)
    .bind(month)
    .fetch_one(&db.pool)
    .await?;
    let users = UserCounts {
        total: u.int("total")?,
        local: u.int("local")?,
        remote: u.int("remote")?,
        active: u.int("active")?,
        deactivated: u.int("deactivated")?,
        pending_approval: u.int("pending_approval")?,
        unconfirmed: u.int("unconfirmed")?,
        admins: u.int("admins")?,
        moderators: u.int("moderators")?,
        new_7d: u.int("new_7d")?,
        new_30d: u.int("new_30d")?,
    };

    let s = sqlx::query(
        "SELECT COUNT(*) AS total,
           COUNT(CASE WHEN s.local THEN 1 END) AS local,
           COUNT(CASE WHEN s.local AND s.created_at >= $2 THEN 1 END) AS last_7d,
           COUNT(CASE WHEN s.visibility = 'public' THEN 1 END) AS public,
           COUNT(CASE WHEN s.visibility = 'unlisted' THEN 1 END) AS unlisted,
           COUNT(CASE WHEN s.visibility = 'private' THEN 1 END) AS private,
           COUNT(CASE WHEN s.visibility = 'direct' THEN 1 END) AS direct
         FROM statuses s JOIN accounts a ON a.id = s.account_id WHERE a.internal = $1",
    )
    .bind(false)
    .bind(week)
    .fetch_one(&db.pool)
    .await?;

    let r = sqlx::query(
        "SELECT COUNT(CASE WHEN state = 'open' THEN 1 END) AS open,
           COUNT(CASE WHEN state = 'closed' THEN 1 END) AS closed,
           COUNT(CASE WHEN state = 'resolved' THEN 1 END) AS resolved,
           COUNT(CASE WHEN created_at >= $1 THEN 1 END) AS opened_7d,
           COUNT(CASE WHEN state = 'resolved' AND updated_at >= $1 THEN 1 END) AS resolved_7d
         FROM reports",
    )
    .bind(week)
    .fetch_one(&db.pool)
    .await?;

    let today = dates::day(now);
    let invites = sqlx::query(
        "SELECT COUNT(*) AS n FROM invites WHERE used = $1 AND (expires_at IS NULL OR expires_at >= $2)
           AND (max_use IS NULL OR uses < max_use)",
    )
    .bind(false)
    .bind(&today)
    .fetch_one(&db.pool)
    .await?;

    let relays = sqlx::query(
        "SELECT COUNT(CASE WHEN state = 'accepted' THEN 1 END) AS accepted,
                COUNT(CASE WHEN state <> 'accepted' THEN 1 END) AS pending FROM relays",
    )
    .fetch_one(&db.pool)
    .await?;

    let first_day = (now.div_euclid(DAY_MS) - 29) * DAY_MS;
    let series = Series {
        new_users: daily(db, "SELECT created_at / 86400000 AS day, COUNT(*) AS n FROM accounts WHERE internal = $1 AND created_at >= $2 GROUP BY created_at / 86400000", true, first_day).await?,
        new_reports: daily(db, "SELECT created_at / 86400000 AS day, COUNT(*) AS n FROM reports WHERE created_at >= $1 GROUP BY created_at / 86400000", false, first_day).await?,
        new_statuses: daily(db, "SELECT created_at / 86400000 AS day, COUNT(*) AS n FROM statuses WHERE created_at >= $1 GROUP BY created_at / 86400000", false, first_day).await?,
    };

    Ok(Dashboard {
        users,
        statuses: StatusCounts {
            total: s.int("total")?,
            local: s.int("local")?,
            last_7d: s.int("last_7d")?,
        },
        status_visibility: VisibilityCounts {
            public: s.int("public")?,
            unlisted: s.int("unlisted")?,
            private: s.int("private")?,
            direct: s.int("direct")?,
        },
        reports: ReportCounts {
            open: r.int("open")?,
            closed: r.int("closed")?,
            resolved: r.int("resolved")?,
            opened_7d: r.int("opened_7d")?,
            resolved_7d: r.int("resolved_7d")?,
        },
        invites: InviteCounts {
            valid: invites.int("n")?,
        },
        relays: RelayCounts {
            accepted: relays.int("accepted")?,
            pending: relays.int("pending")?,
        },
        series,
        need_reboot: state.need_reboot().await?,
        mailer_enabled: settings.mailer_enabled(),
        registrations: Registrations {
            open: settings.registrations_open,
            invites_enabled: settings.invites_enabled,
            approval_required: settings.account_approval_required,
            activation_required: settings.account_activation_required,
        },
    })
}

/// Thirty zero-filled UTC days, oldest first.
async fn daily(
    db: &Db,
    sql: &'static str,
    bind_internal: bool,
    first_day: i64,
) -> Result<Vec<DayCount>, AppError> {
    let mut query = sqlx::query(sql);
    if bind_internal {
        query = query.bind(false);
    }
    let rows = query.bind(first_day).fetch_all(&db.pool).await?;
    let mut counts: HashMap<i64, i64> = HashMap::new();
    for row in rows {
        counts.insert(row.int("day")?, row.int("n")?);
    }
    let first = first_day / DAY_MS;
    Ok((0..30)
        .map(|i| DayCount {
            date: dates::day((first + i) * DAY_MS),
            count: counts.get(&(first + i)).copied().unwrap_or(0),
        })
        .collect())
}

//! `GET /dashboard` (operations.md §5): counters and 30-day series for the panel's first screen.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub users: UserCounts,
    pub statuses: StatusCounts,
    pub status_visibility: VisibilityCounts,
    pub reports: ReportCounts,
    pub invites: InviteCounts,
    pub relays: RelayCounts,
    pub series: Series,
    pub need_reboot: bool,
    pub mailer_enabled: bool,
    pub registrations: Registrations,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserCounts {
    pub total: i64,
    pub local: i64,
    pub remote: i64,
    pub active: i64,
    pub deactivated: i64,
    pub pending_approval: i64,
    pub unconfirmed: i64,
    pub admins: i64,
    pub moderators: i64,
    pub new_7d: i64,
    pub new_30d: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatusCounts {
    pub total: i64,
    pub local: i64,
    pub last_7d: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VisibilityCounts {
    pub public: i64,
    pub unlisted: i64,
    pub private: i64,
    pub direct: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportCounts {
    pub open: i64,
    pub closed: i64,
    pub resolved: i64,
    pub opened_7d: i64,
    pub resolved_7d: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InviteCounts {
    pub valid: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RelayCounts {
    pub accepted: i64,
    pub pending: i64,
}

/// One point of a daily series.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DayCount {
    pub date: String,
    pub count: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub new_users: Vec<DayCount>,
    pub new_reports: Vec<DayCount>,
    pub new_statuses: Vec<DayCount>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Registrations {
    pub open: bool,
    pub invites_enabled: bool,
    pub approval_required: bool,
    pub activation_required: bool,
}

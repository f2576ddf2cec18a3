//! The reports domain as the panel sees it (moderation.md §2, ui.md §4.6): report objects with
//! their accounts, statuses and notes, one page of the queue, and the queue's state as it lives in
//! the URL.

use serde::{Deserialize, Deserializer, Serialize};

use super::query::{encode_component, parse_query};
use super::statuses::StatusView;
use super::users::{AdminUser, Tone};

/// A report's state (moderation.md §2.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    #[default]
    Open,
    Closed,
    Resolved,
}

impl ReportState {
    pub const ALL: [ReportState; 3] = [
        ReportState::Open,
        ReportState::Closed,
        ReportState::Resolved,
    ];

    /// The API value.
    pub fn key(self) -> &'static str {
        match self {
            ReportState::Open => "open",
            ReportState::Closed => "closed",
            ReportState::Resolved => "resolved",
        }
    }

    pub fn from_key(key: &str) -> Option<ReportState> {
        ReportState::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The state in words (badges, tabs).
    pub fn label(self) -> &'static str {
        match self {
            ReportState::Open => "Open",
            ReportState::Closed => "Closed",
            ReportState::Resolved => "Resolved",
        }
    }

    pub fn tone(self) -> Tone {
        match self {
            ReportState::Open => Tone::Warn,
            ReportState::Closed => Tone::Neutral,
            ReportState::Resolved => Tone::Ok,
        }
    }

    /// The button that moves a report into this state.
    pub fn verb(self) -> &'static str {
        match self {
            ReportState::Open => "Reopen",
            ReportState::Closed => "Close",
            ReportState::Resolved => "Resolve",
        }
    }

    /// The past tense of [`ReportState::verb`], for notices.
    pub fn done(self) -> &'static str {
        match self {
            ReportState::Open => "Reopened",
            ReportState::Closed => "Closed",
            ReportState::Resolved => "Resolved",
        }
    }
}

/// `{}` (a missing or removed account, moderation.md §1.1) and `null` become `None`.
fn account_or_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<AdminUser>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    match value {
        serde_json::Value::Object(map) if !map.is_empty() => {
            Ok(serde_json::from_value(serde_json::Value::Object(map)).ok())
        }
        _ => Ok(None),
    }
}

/// A reported status as the report page shows it: the status card's model, built from the admin
/// status object or, for a status deleted since, from the report's snapshot (`deleted` set).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportedStatus {
    pub card: StatusView,
    /// Gone since the report was filed: shown from the snapshot, without actions.
    pub deleted: bool,
}

/// A note on a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportNote {
    pub id: i64,
    pub content: String,
    #[serde(deserialize_with = "account_or_none")]
    pub user: Option<AdminUser>,
    pub created_at: String,
}

/// The report object (moderation.md §2.2) as the panel needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Report {
    pub id: String,
    /// The reported account (`None` when it was removed).
    #[serde(deserialize_with = "account_or_none")]
    pub account: Option<AdminUser>,
    /// The reporter (`None` when it was removed).
    #[serde(deserialize_with = "account_or_none")]
    pub actor: Option<AdminUser>,
    /// The comment as escaped HTML (`<br/>` for newlines).
    pub content: Option<String>,
    pub created_at: String,
    pub statuses: Vec<ReportedStatus>,
    pub state: ReportState,
    pub notes: Vec<ReportNote>,
}

impl Report {
    /// The comment as plain text (the API escapes it and turns newlines into `<br/>`).
    pub fn comment_text(&self) -> String {
        self.content
            .as_deref()
            .map(super::users::html_to_text)
            .unwrap_or_default()
    }

    /// The first `max` characters of the comment on one line, with an ellipsis when cut.
    pub fn comment_excerpt(&self, max: usize) -> String {
        let text = self.comment_text().replace('\n', " ");
        let text = text.trim();
        if text.chars().count() <= max {
            text.to_string()
        } else {
            let cut: String = text.chars().take(max).collect();
            format!("{}…", cut.trim_end())
        }
    }
}

/// A report's page: the report, its statuses including deleted ones, and the server time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDetail {
    pub report: Report,
    /// The reported statuses in report order: live ones as the API shows them, deleted ones from
    /// the snapshot taken when the report was filed.
    pub statuses: Vec<ReportedStatus>,
    /// Server time in Unix milliseconds (relative dates read the same on the server and after
    /// hydration).
    pub now_ms: i64,
}

/// The tabs of the queue (ui.md §4.6).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportTab {
    #[default]
    Open,
    Closed,
    Resolved,
    All,
}

impl ReportTab {
    pub const ALL: [ReportTab; 4] = [
        ReportTab::Open,
        ReportTab::Closed,
        ReportTab::Resolved,
        ReportTab::All,
    ];

    /// The value in the URL (`state=`); the default tab has none.
    pub fn key(self) -> &'static str {
        match self {
            ReportTab::Open => "open",
            ReportTab::Closed => "closed",
            ReportTab::Resolved => "resolved",
            ReportTab::All => "all",
        }
    }

    pub fn from_key(key: &str) -> ReportTab {
        ReportTab::ALL
            .into_iter()
            .find(|t| t.key() == key)
            .unwrap_or_default()
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportTab::Open => "Open",
            ReportTab::Closed => "Closed",
            ReportTab::Resolved => "Resolved",
            ReportTab::All => "All",
        }
    }

    /// The `state` filter of `GET /reports`.
    pub fn state(self) -> Option<ReportState> {
        match self {
            ReportTab::Open => Some(ReportState::Open),
            ReportTab::Closed => Some(ReportState::Closed),
            ReportTab::Resolved => Some(ReportState::Resolved),
            ReportTab::All => None,
        }
    }

    /// What an empty tab means.
    pub fn empty_text(self) -> &'static str {
        match self {
            ReportTab::Open => "No open reports. Nice.",
            ReportTab::Closed => "No closed reports.",
            ReportTab::Resolved => "No resolved reports.",
            ReportTab::All => "Nobody has filed a report yet.",
        }
    }
}

/// The page sizes of the queue.
pub const REPORT_PAGE_SIZES: [i64; 5] = [20, 50, 100, 200, 500];
/// The queue's default page size (the API's default).
pub const REPORT_PAGE_SIZE: i64 = 50;

/// The queue's state, as it lives in the URL (ui.md §1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportListQuery {
    pub tab: ReportTab,
    /// Grouped by reported status (`view=grouped`) instead of one row per report.
    pub grouped: bool,
    /// Reported account: nickname (with or without `@`) or id.
    pub account: String,
    /// Reporter: nickname or id.
    pub actor: String,
    pub page: i64,
    pub page_size: i64,
}

impl Default for ReportListQuery {
    fn default() -> Self {
        ReportListQuery {
            tab: ReportTab::Open,
            grouped: false,
            account: String::new(),
            actor: String::new(),
            page: 1,
            page_size: REPORT_PAGE_SIZE,
        }
    }
}

impl ReportListQuery {
    /// Reads the query from a URL's query string; unknown values fall back to the defaults.
    pub fn from_search(search: &str) -> ReportListQuery {
        let pairs = parse_query(search);
        let first = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        ReportListQuery {
            tab: ReportTab::from_key(&first("state")),
            grouped: first("view") == "grouped",
            account: first("account").trim_start_matches('@').to_string(),
            actor: first("actor").trim_start_matches('@').to_string(),
            page: first("page")
                .parse::<i64>()
                .ok()
                .filter(|p| *p >= 1)
                .unwrap_or(1),
            page_size: first("page_size")
                .parse::<i64>()
                .ok()
                .filter(|s| REPORT_PAGE_SIZES.contains(s))
                .unwrap_or(REPORT_PAGE_SIZE),
        }
    }

    /// The query string (without `?`) holding only what differs from the defaults.
    pub fn to_search(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if self.tab != ReportTab::Open {
            pairs.push(("state", self.tab.key().to_string()));
        }
        if self.grouped {
            pairs.push(("view", "grouped".to_string()));
        }
        if !self.account.is_empty() {
            pairs.push(("account", self.account.clone()));
        }
        if !self.actor.is_empty() {
            pairs.push(("actor", self.actor.clone()));
        }
        if self.page != 1 {
            pairs.push(("page", self.page.to_string()));
        }
        if self.page_size != REPORT_PAGE_SIZE {
            pairs.push(("page_size", self.page_size.to_string()));
        }
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode_component(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// `/admin/reports` with this query.
    pub fn href(&self) -> String {
        let search = self.to_search();
        if search.is_empty() {
            "/admin/reports".to_string()
        } else {
            format!("/admin/reports?{search}")
        }
    }

    pub fn with_page(&self, page: i64) -> ReportListQuery {
        ReportListQuery {
            page,
            ..self.clone()
        }
    }

    pub fn with_tab(&self, tab: ReportTab) -> ReportListQuery {
        ReportListQuery {
            tab,
            page: 1,
            ..self.clone()
        }
    }

    /// The same filters shown by report (`false`) or grouped by status (`true`), from page 1.
    pub fn with_grouped(&self, grouped: bool) -> ReportListQuery {
        ReportListQuery {
            grouped,
            page: 1,
            ..self.clone()
        }
    }

    /// The tab and the view alone: account filters cleared.
    pub fn cleared(&self) -> ReportListQuery {
        ReportListQuery {
            tab: self.tab,
            grouped: self.grouped,
            page_size: self.page_size,
            ..ReportListQuery::default()
        }
    }

    pub fn has_filters(&self) -> bool {
        !(self.account.is_empty() && self.actor.is_empty())
    }
}

/// One page of the queue plus the counts of the tabs (with the same account filters).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportsPage {
    pub reports: Vec<Report>,
    /// Matches of the tab ignoring paging.
    pub total: i64,
    pub page_size: i64,
    /// Counts of Open, Closed, Resolved and All, in [`ReportTab::ALL`] order.
    pub counts: [i64; 4],
    /// A filter naming an account that does not exist (`"reported account"` / `"reporter"`).
    pub unknown_account: Option<String>,
    pub now_ms: i64,
}

/// A report in a group of the grouped queue: enough for a line with a link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupedReport {
    pub id: String,
    pub state: ReportState,
    pub created_at: String,
    /// The reporter (`None` when removed).
    pub actor: Option<AdminUser>,
    /// The comment on one line, shortened.
    pub excerpt: String,
}

/// One reported status and the reports that name it (`GET /grouped_reports`, moderation.md §2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportGroup {
    pub status_id: String,
    /// The status card; `None` when the status is gone.
    pub status: Option<StatusView>,
    /// The status's author (`None` when removed).
    pub account: Option<AdminUser>,
    /// The newest report's date.
    pub date: String,
    /// Every report naming the status, newest first (all states).
    pub reports: Vec<GroupedReport>,
}

impl ReportGroup {
    /// "2 open, 1 resolved": how many reports of the group are in each state.
    pub fn states_text(&self) -> String {
        ReportState::ALL
            .into_iter()
            .filter_map(|state| {
                let n = self.reports.iter().filter(|r| r.state == state).count();
                (n > 0).then(|| format!("{n} {}", state.label().to_lowercase()))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The grouped queue: one page of the groups the tab and the account filters keep, newest first,
/// plus the counts of the tabs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupedReportsPage {
    /// One page of the groups.
    pub groups: Vec<ReportGroup>,
    /// Groups the tab and the filters keep, ignoring paging.
    pub total: i64,
    pub page_size: i64,
    /// Counts of reports in Open, Closed, Resolved and All, in [`ReportTab::ALL`] order.
    pub counts: [i64; 4],
    /// A filter naming an account that does not exist (`"reported account"` / `"reporter"`).
    pub unknown_account: Option<String>,
    pub now_ms: i64,
}

/// What a state change made from the report page came to (hydrated; without JavaScript the form
/// post answers with a redirect instead).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateChange {
    /// Why nothing changed ("Couldn't resolve the report: Not found"); `None` when it was made.
    pub error: Option<String>,
    /// What was done ("Resolved the report about @bob."), when it was.
    pub notice: String,
    /// Where "Resolve and open next" goes on: the next open report, or the queue.
    pub next: Option<String>,
}

/// The report page's state while changes are in flight (ui.md §4.6, "optimistic with rollback"):
/// a new state shows at once and stays once the server confirms it; a refusal puts back the last
/// confirmed state. One change at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptimisticState {
    /// What the page shows.
    pub shown: ReportState,
    /// What the server last confirmed.
    pub confirmed: ReportState,
    /// A change is on its way.
    pub pending: bool,
}

impl OptimisticState {
    pub fn new(state: ReportState) -> OptimisticState {
        OptimisticState {
            shown: state,
            confirmed: state,
            pending: false,
        }
    }

    /// Shows `to` at once; false (and nothing changes) while another change is on its way.
    pub fn begin(&mut self, to: ReportState) -> bool {
        if self.pending {
            return false;
        }
        self.shown = to;
        self.pending = true;
        true
    }

    /// The server made the change: what is shown is now confirmed.
    pub fn settle(&mut self) {
        self.confirmed = self.shown;
        self.pending = false;
    }

    /// The server refused (or could not be reached): back to the confirmed state.
    pub fn roll_back(&mut self) {
        self.shown = self.confirmed;
        self.pending = false;
    }
}

/// How many suggestions an account filter offers.
pub const ACCOUNT_SUGGESTIONS: i64 = 8;

/// An account the queue's filters suggest while typing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSuggestion {
    /// `nick` or `nick@host`: what the filter field takes.
    pub nickname: String,
    pub display_name: String,
    pub local: bool,
    pub deactivated: bool,
}

/// The number of open reports for the sidebar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenReports {
    pub open: i64,
}

/// Unix milliseconds of an ISO-8601 UTC timestamp (`2024-05-01T12:30:00.000Z`), if readable.
pub fn iso_ms(iso: &str) -> Option<i64> {
    let day = super::users::iso_day_number(iso)?;
    let part = |from: usize| iso.get(from..from + 2)?.parse::<i64>().ok();
    let (h, m, s) = (part(11)?, part(14)?, part(17).unwrap_or(0));
    Some(((day * 24 + h) * 60 + m) * 60_000 + s * 1000)
}

/// "just now", "5 min ago", "3 h ago", then days as [`super::users::relative_day`] says them.
pub fn relative_age(iso: &str, now_ms: i64) -> String {
    let Some(at) = iso_ms(iso) else {
        return iso.to_string();
    };
    let minutes = (now_ms - at) / 60_000;
    match minutes {
        i64::MIN..=0 => "just now".to_string(),
        1..=59 => format!("{minutes} min ago"),
        60..=1439 => format!("{} h ago", minutes / 60),
        _ => super::users::relative_day(iso, now_ms),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_query_round_trips_through_the_url() {
        let q = ReportListQuery::from_search("?state=closed&account=%40bob&page=2&page_size=20");
        assert_eq!(q.tab, ReportTab::Closed);
        assert_eq!(q.account, "bob");
        assert_eq!(q.page, 2);
        assert_eq!(
            q.href(),
            "/admin/reports?state=closed&account=bob&page=2&page_size=20"
        );
        assert_eq!(
            ReportListQuery::from_search("state=bogus").href(),
            "/admin/reports"
        );
        let grouped = ReportListQuery::from_search("view=grouped&state=all&actor=x");
        assert!(grouped.grouped);
        assert_eq!(
            grouped.href(),
            "/admin/reports?state=all&view=grouped&actor=x"
        );
        assert_eq!(
            grouped.cleared().href(),
            "/admin/reports?state=all&view=grouped"
        );
        assert_eq!(
            grouped.with_grouped(false).href(),
            "/admin/reports?state=all&actor=x"
        );
        assert_eq!(
            q.with_grouped(true).href(),
            "/admin/reports?state=closed&view=grouped&account=bob&page_size=20"
        );
    }

    #[test]
    fn optimistic_state_rolls_back_to_what_the_server_confirmed() {
        let mut state = OptimisticState::new(ReportState::Open);
        assert!(state.begin(ReportState::Resolved));
        assert_eq!(state.shown, ReportState::Resolved);
        // A second change waits for the first.
        assert!(!state.begin(ReportState::Closed));
        assert_eq!(state.shown, ReportState::Resolved);
        state.roll_back();
        assert_eq!(state, OptimisticState::new(ReportState::Open));
        assert!(state.begin(ReportState::Closed));
        state.settle();
        assert_eq!(state, OptimisticState::new(ReportState::Closed));
        // A later refusal returns to the last confirmed state, not the first.
        assert!(state.begin(ReportState::Open));
        state.roll_back();
        assert_eq!(state.shown, ReportState::Closed);
        assert!(!state.pending);
    }

    #[test]
    fn ages() {
        let now = iso_ms("2024-05-02T12:00:00.000Z").unwrap_or_default();
        assert_eq!(relative_age("2024-05-02T11:59:40.000Z", now), "just now");
        assert_eq!(relative_age("2024-05-02T11:15:00.000Z", now), "45 min ago");
        assert_eq!(relative_age("2024-05-02T02:00:00.000Z", now), "10 h ago");
        assert_eq!(relative_age("2024-04-29T02:00:00.000Z", now), "3 days ago");
    }

    #[test]
    fn removed_accounts_read_as_none() {
        let report: Report = serde_json::from_value(serde_json::json!({
            "id": "r1", "account": {}, "actor": null, "content": "a &amp; b<br/>c",
            "created_at": "2024-01-01T00:00:00.000Z", "statuses": [], "state": "resolved", "notes": []
        }))
        .unwrap_or_default();
        assert_eq!(report.id, "r1");
        assert!(report.account.is_none() && report.actor.is_none());
        assert_eq!(report.state, ReportState::Resolved);
        assert_eq!(report.comment_text(), "a & b\nc");
        assert_eq!(report.comment_excerpt(3), "a &…");
    }
}

//! Statuses as the panel sees them (moderation.md §1.2, §3, §4): the card's view model built from
//! the admin status object, the statuses screen's query as it lives in the URL, one page of a list
//! and the visibility counters.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::query::{encode_component, parse_query};
use super::sanitize::sanitize;

/// The author of a status as a card shows it. `None` on the card means the account is gone
/// (`{}` in the admin object): shown as "(deleted account)".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusAuthor {
    pub id: String,
    /// `nick` for local accounts, `nick@host` for remote ones.
    pub acct: String,
    pub display_name: String,
    pub avatar: String,
    /// The profile page (local or remote); may be empty.
    pub url: String,
    pub local: bool,
    pub deactivated: bool,
}

/// A media attachment, shown as a link (issue 4: "media shown as links").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaLink {
    pub url: String,
    /// `image`, `video`, `audio`, `gifv` or `unknown`.
    pub kind: String,
    pub description: String,
}

/// Everything the status card renders, built server-side from the admin status object
/// ([`StatusView::from_admin_object`]). `content` is already sanitized; the card sanitizes it
/// again in the browser (ui.md §5 "sanitized again client-side").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusView {
    pub id: String,
    /// The public page of the status (remote statuses link to their origin); may be empty.
    pub url: String,
    /// ISO-8601.
    pub created_at: String,
    /// `public`, `unlisted`, `private` or `direct`.
    pub visibility: String,
    pub sensitive: bool,
    /// The content warning, empty when there is none.
    pub spoiler_text: String,
    /// Sanitized HTML; empty for reblogs (their content is the original's).
    pub content: String,
    pub author: Option<StatusAuthor>,
    pub local: bool,
    pub in_reply_to_id: Option<String>,
    /// `nick` or `nick@host` of the account replied to, when known.
    pub in_reply_to_acct: Option<String>,
    /// The reblogged status, for a reblog.
    pub reblog: Option<Box<StatusView>>,
    pub replies_count: i64,
    pub reblogs_count: i64,
    pub favourites_count: i64,
    pub media: Vec<MediaLink>,
}

/// A string field of a JSON object, empty when absent or not a string.
fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn optional_text(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn flag(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn count(value: &Value, key: &str) -> i64 {
    value.get(key).and_then(Value::as_i64).unwrap_or(0)
}

impl StatusAuthor {
    /// The author from a merged account (moderation.md §1.1); `None` for `{}`.
    pub fn from_merged_account(account: &Value) -> Option<StatusAuthor> {
        let id = optional_text(account, "id")?;
        // The admin `nickname` is `nick` or `nick@host`, like `acct`; either may be missing in
        // objects from older snapshots.
        let acct = optional_text(account, "nickname")
            .or_else(|| optional_text(account, "acct"))
            .unwrap_or_default();
        let local = account
            .get("local")
            .and_then(Value::as_bool)
            .unwrap_or(!acct.contains('@'));
        let deactivated = flag(account, "deactivated")
            || account
                .get("pleroma")
                .map(|p| flag(p, "deactivated"))
                .unwrap_or(false);
        Some(StatusAuthor {
            id,
            display_name: text(account, "display_name"),
            avatar: text(account, "avatar"),
            url: text(account, "url"),
            acct,
            local,
            deactivated,
        })
    }

    /// "Display name" or the nickname when the display name is empty.
    pub fn name(&self) -> &str {
        if self.display_name.trim().is_empty() {
            &self.acct
        } else {
            &self.display_name
        }
    }

    /// The panel's user page of the author.
    pub fn href(&self) -> String {
        format!("/admin/users/{}", encode_component(&self.id))
    }
}

impl StatusView {
    /// The card's model of an admin status object (a nested `reblog` too). `None` when the value
    /// is not a status (e.g. `null` for a status that no longer exists).
    pub fn from_admin_object(value: &Value) -> Option<StatusView> {
        let id = optional_text(value, "id")?;
        let reblog = value
            .get("reblog")
            .filter(|r| r.is_object())
            .and_then(StatusView::from_admin_object)
            .map(Box::new);
        let author = value
            .get("account")
            .and_then(StatusAuthor::from_merged_account);
        let pleroma = value.get("pleroma").cloned().unwrap_or(Value::Null);
        let media = value
            .get("media_attachments")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|m| {
                        let url =
                            optional_text(m, "url").or_else(|| optional_text(m, "remote_url"))?;
                        Some(MediaLink {
                            url,
                            kind: optional_text(m, "type").unwrap_or_else(|| "unknown".into()),
                            description: text(m, "description"),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(StatusView {
            url: optional_text(value, "url")
                .or_else(|| optional_text(value, "uri"))
                .unwrap_or_default(),
            created_at: text(value, "created_at"),
            visibility: text(value, "visibility"),
            sensitive: flag(value, "sensitive"),
            spoiler_text: text(value, "spoiler_text"),
            content: sanitize(&text(value, "content")),
            local: pleroma
                .get("local")
                .and_then(Value::as_bool)
                .or_else(|| author.as_ref().map(|a| a.local))
                .unwrap_or(false),
            in_reply_to_id: optional_text(value, "in_reply_to_id"),
            in_reply_to_acct: optional_text(&pleroma, "in_reply_to_account_acct"),
            replies_count: count(value, "replies_count"),
            reblogs_count: count(value, "reblogs_count"),
            favourites_count: count(value, "favourites_count"),
            author,
            reblog,
            media,
            id,
        })
    }

    /// Cards of a JSON array of admin status objects, skipping anything that is not one.
    pub fn list_from(value: &Value) -> Vec<StatusView> {
        value
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(StatusView::from_admin_object)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The visibility in words.
    pub fn visibility_label(&self) -> &'static str {
        visibility_label(&self.visibility)
    }

    /// Whether the moderation menu may change this status: reblogs can't be updated (only
    /// deleted), and a direct status keeps its visibility (moderation.md §3 PUT).
    pub fn can_change_visibility(&self) -> bool {
        self.reblog.is_none() && self.visibility != "direct"
    }

    /// The panel's page of the status.
    pub fn href(&self) -> String {
        status_href(&self.id)
    }

    /// The author's `@acct`, or "(deleted account)".
    pub fn author_label(&self) -> String {
        match &self.author {
            Some(a) => format!("@{}", a.acct),
            None => "(deleted account)".to_string(),
        }
    }
}

/// `/admin/statuses/<id>`.
pub fn status_href(id: &str) -> String {
    format!("/admin/statuses/{}", encode_component(id))
}

/// A visibility in words.
pub fn visibility_label(visibility: &str) -> &'static str {
    match visibility {
        "public" => "Public",
        "unlisted" => "Unlisted",
        "private" => "Followers only",
        "direct" => "Direct",
        _ => "Unknown visibility",
    }
}

/// The visibilities a moderator may set (moderation.md §3 PUT).
pub const SETTABLE_VISIBILITIES: &[&str] = &["public", "unlisted", "private"];

/// The most statuses one bulk action may name: the longest list one URL of the statuses screen
/// shows ([`MAX_PAGES`] × [`STATUS_PAGE_SIZE`]).
pub const MAX_BULK_STATUSES: usize = 500;

/// One moderation action on statuses (ui.md §4.7), as the per-status menu and the bulk bar name
/// it. The keys are the `action` values of `/admin/statuses/action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusAction {
    SensitiveOn,
    SensitiveOff,
    /// Set the visibility: one of [`SETTABLE_VISIBILITIES`].
    Visibility(&'static str),
    Delete,
}

impl StatusAction {
    /// The action of a form's `action` value (`visibility` takes the separate `visibility`
    /// field, as the bulk bar's select sends it).
    pub fn from_key(action: &str, visibility: &str) -> Option<StatusAction> {
        let settable = |v: &str| SETTABLE_VISIBILITIES.iter().copied().find(|s| *s == v);
        match action {
            "sensitive_on" => Some(StatusAction::SensitiveOn),
            "sensitive_off" => Some(StatusAction::SensitiveOff),
            "delete" => Some(StatusAction::Delete),
            "visibility" => settable(visibility).map(StatusAction::Visibility),
            other => other
                .strip_prefix("visibility_")
                .and_then(settable)
                .map(StatusAction::Visibility),
        }
    }

    /// The `action` value that names this action on its own.
    pub fn key(self) -> String {
        match self {
            StatusAction::SensitiveOn => "sensitive_on".into(),
            StatusAction::SensitiveOff => "sensitive_off".into(),
            StatusAction::Visibility(v) => format!("visibility_{v}"),
            StatusAction::Delete => "delete".into(),
        }
    }

    /// `sensitive` and `visibility` of `PUT /statuses/:id`; `None` for Delete.
    pub fn update(self) -> Option<(Option<bool>, Option<&'static str>)> {
        match self {
            StatusAction::SensitiveOn => Some((Some(true), None)),
            StatusAction::SensitiveOff => Some((Some(false), None)),
            StatusAction::Visibility(v) => Some((None, Some(v))),
            StatusAction::Delete => None,
        }
    }

    /// "mark status #1 as sensitive": what the action does to one status, for error messages.
    pub fn doing(self, id: &str) -> String {
        match self {
            StatusAction::SensitiveOn => format!("mark status #{id} as sensitive"),
            StatusAction::SensitiveOff => format!("mark status #{id} as not sensitive"),
            StatusAction::Visibility(v) => {
                format!("make status #{id} {}", visibility_label(v).to_lowercase())
            }
            StatusAction::Delete => format!("delete status #{id}"),
        }
    }

    /// The notice after the action ran on `n` statuses.
    pub fn done(self, n: usize) -> String {
        let statuses = statuses_word(n);
        match self {
            StatusAction::SensitiveOn => format!("Marked {n} {statuses} as sensitive."),
            StatusAction::SensitiveOff => format!("Marked {n} {statuses} as not sensitive."),
            StatusAction::Visibility(v) => format!(
                "{n} {statuses} {} now {}.",
                if n == 1 { "is" } else { "are" },
                visibility_label(v).to_lowercase()
            ),
            StatusAction::Delete => format!("Deleted {n} {statuses}."),
        }
    }

    /// The error after a bulk run stopped at status `id`, the `position`-th (1-based) of `total`,
    /// with the server's `message`: the statuses before it were changed, the rest were not.
    pub fn stopped(self, id: &str, position: usize, total: usize, message: &str) -> String {
        let before = position.saturating_sub(1);
        let changed = match before {
            0 => "nothing was changed".to_string(),
            1 => "the status before it was changed, the rest were not".to_string(),
            n => format!("the {n} statuses before it were changed, the rest were not"),
        };
        format!(
            "Couldn't {}: {message}. Stopped at {position} of {total}; {changed}.",
            self.doing(id)
        )
    }
}

/// "status" or "statuses".
pub fn statuses_word(n: usize) -> &'static str {
    if n == 1 {
        "status"
    } else {
        "statuses"
    }
}

/// `GET /stats` counters of one instance (or all).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisibilityCounts {
    pub public: i64,
    pub unlisted: i64,
    pub private: i64,
    pub direct: i64,
}

impl VisibilityCounts {
    /// Reads `{"status_visibility": {...}}`.
    pub fn from_stats(value: &Value) -> VisibilityCounts {
        let v = value
            .get("status_visibility")
            .cloned()
            .unwrap_or(Value::Null);
        VisibilityCounts {
            public: count(&v, "public"),
            unlisted: count(&v, "unlisted"),
            private: count(&v, "private"),
            direct: count(&v, "direct"),
        }
    }

    /// `(label, count)` in display order.
    pub fn entries(&self) -> [(&'static str, i64); 4] {
        [
            ("Public", self.public),
            ("Unlisted", self.unlisted),
            ("Followers only", self.private),
            ("Direct", self.direct),
        ]
    }
}

/// The statuses screen's state, as it lives in the URL (ui.md §1: shareable, survives reload).
/// `pages` is how many pages of 20 are shown: "Load more" and the no-JavaScript next-page link
/// both raise it, so a reload shows the same list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusListQuery {
    /// A host; empty means every instance.
    pub instance: String,
    pub local_only: bool,
    pub godmode: bool,
    pub with_reblogs: bool,
    pub pages: i64,
}

impl Default for StatusListQuery {
    fn default() -> Self {
        StatusListQuery {
            instance: String::new(),
            local_only: false,
            godmode: false,
            with_reblogs: false,
            pages: 1,
        }
    }
}

/// Statuses per request (ui.md §4.7).
pub const STATUS_PAGE_SIZE: i64 = 20;
/// The most pages one URL may ask for at once (a hand-edited `pages=` can't make one request huge).
pub const MAX_PAGES: i64 = 25;

fn truthy(value: &str) -> bool {
    matches!(value, "1" | "true" | "on" | "yes")
}

impl StatusListQuery {
    /// Reads the query from a location's search string; unknown or bad values fall back to
    /// defaults.
    pub fn from_search(search: &str) -> StatusListQuery {
        let mut q = StatusListQuery::default();
        for (key, value) in parse_query(search) {
            match key.as_str() {
                "instance" => q.instance = value.trim().to_lowercase(),
                "local_only" => q.local_only = truthy(&value),
                "godmode" => q.godmode = truthy(&value),
                "with_reblogs" => q.with_reblogs = truthy(&value),
                "pages" => {
                    q.pages = value
                        .parse::<i64>()
                        .ok()
                        .filter(|n| *n >= 1)
                        .unwrap_or(1)
                        .min(MAX_PAGES)
                }
                _ => {}
            }
        }
        if q.local_only {
            // "Local only" is this host: an instance choice would contradict it.
            q.instance.clear();
        }
        q
    }

    /// The canonical search string (`?…`, or empty for the defaults).
    pub fn to_search(&self) -> String {
        let mut parts = Vec::new();
        if !self.instance.is_empty() && !self.local_only {
            parts.push(format!("instance={}", encode_component(&self.instance)));
        }
        if self.local_only {
            parts.push("local_only=1".to_string());
        }
        if self.godmode {
            parts.push("godmode=1".to_string());
        }
        if self.with_reblogs {
            parts.push("with_reblogs=1".to_string());
        }
        if self.pages > 1 {
            parts.push(format!("pages={}", self.pages));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    /// `/admin/statuses` with this query.
    pub fn href(&self) -> String {
        format!("/admin/statuses{}", self.to_search())
    }

    /// The same query showing one more page.
    pub fn more(&self) -> StatusListQuery {
        StatusListQuery {
            pages: (self.pages + 1).min(MAX_PAGES),
            ..self.clone()
        }
    }

    /// The Admin API parameters of page `page` (1-based).
    pub fn api_params(&self, page: i64) -> Value {
        serde_json::json!({
            "godmode": self.godmode,
            "with_reblogs": self.with_reblogs,
            "local_only": self.local_only,
            "page": page,
            "page_size": STATUS_PAGE_SIZE,
        })
    }
}

/// One request's worth of a status list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusesPage {
    pub statuses: Vec<StatusView>,
    /// Whether another page may follow (this one was full).
    pub more: bool,
}

/// What the statuses screen needs besides the list: the instance choices and the counters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusesOverview {
    /// This server's host.
    pub local_host: String,
    /// Known peers, sorted.
    pub peers: Vec<String>,
    /// Counters of the chosen instance (or everything); `None` without `statistics_read`.
    pub counts: Option<VisibilityCounts>,
    pub now_ms: i64,
}

/// A report that references a status or concerns an account, as a line in a list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportLine {
    pub id: String,
    pub state: String,
    pub created_at: String,
    /// `@acct` of the reporter, or "(deleted account)".
    pub reporter: String,
    /// `@acct` of the reported account, or "(deleted account)".
    pub reported: String,
    /// The comment as plain text, possibly shortened.
    pub excerpt: String,
}

impl ReportLine {
    /// A line from a report object (moderation.md §2.2).
    pub fn from_report(report: &Value) -> Option<ReportLine> {
        let acct = |key: &str| {
            report
                .get(key)
                .and_then(StatusAuthor::from_merged_account)
                .map(|a| format!("@{}", a.acct))
                .unwrap_or_else(|| "(deleted account)".to_string())
        };
        let comment = super::sanitize::to_text(&text(report, "content"));
        let excerpt = if comment.chars().count() > 140 {
            let cut: String = comment.chars().take(140).collect();
            format!("{cut}…")
        } else {
            comment
        };
        Some(ReportLine {
            id: optional_text(report, "id")?,
            state: text(report, "state"),
            created_at: text(report, "created_at"),
            reporter: acct("actor"),
            reported: acct("account"),
            excerpt,
        })
    }

    /// `/admin/reports/<id>`.
    pub fn href(&self) -> String {
        format!("/admin/reports/{}", encode_component(&self.id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn admin_object() -> Value {
        json!({
            "id": "S1",
            "url": "https://local.test/notice/S1",
            "account": {"id": "A1", "nickname": "alice", "acct": "alice", "display_name": "",
                        "avatar": "https://local.test/a.png", "url": "https://local.test/users/alice",
                        "local": true, "deactivated": false},
            "in_reply_to_id": "S0",
            "reblog": null,
            "content": "<p>hi <script>alert(1)</script><a href=\"javascript:x\">l</a></p>",
            "created_at": "2024-05-01T10:00:00.000Z",
            "reblogs_count": 2, "replies_count": 1, "favourites_count": 0,
            "sensitive": true, "spoiler_text": "cw", "visibility": "private",
            "media_attachments": [{"type": "image", "url": "https://x.test/i.png", "description": "d"}],
            "pleroma": {"local": true, "in_reply_to_account_acct": "bob"},
        })
    }

    #[test]
    fn view_from_admin_object() {
        let v = StatusView::from_admin_object(&admin_object()).unwrap();
        assert_eq!(v.id, "S1");
        assert_eq!(v.author_label(), "@alice");
        assert_eq!(v.author.as_ref().unwrap().name(), "alice");
        assert!(v.content.starts_with("<p>hi <a rel="));
        assert!(!v.content.contains("script"));
        assert_eq!(v.visibility_label(), "Followers only");
        assert_eq!(v.in_reply_to_acct.as_deref(), Some("bob"));
        assert_eq!((v.replies_count, v.reblogs_count), (1, 2));
        assert_eq!(v.media.len(), 1);
        assert!(v.local && v.sensitive);
        assert!(v.can_change_visibility());
        assert_eq!(v.href(), "/admin/statuses/S1");
    }

    #[test]
    fn reblog_and_deleted_account() {
        let mut outer = json!({"id": "S2", "account": {}, "content": "", "visibility": "public"});
        outer["reblog"] = admin_object();
        let v = StatusView::from_admin_object(&outer).unwrap();
        assert_eq!(v.author_label(), "(deleted account)");
        assert_eq!(v.reblog.as_ref().unwrap().id, "S1");
        assert!(!v.can_change_visibility());
        assert!(StatusView::from_admin_object(&Value::Null).is_none());
        assert_eq!(StatusView::list_from(&json!([outer, null])).len(), 1);
    }

    #[test]
    fn status_actions() {
        assert_eq!(
            StatusAction::from_key("visibility", "unlisted"),
            Some(StatusAction::Visibility("unlisted"))
        );
        assert_eq!(
            StatusAction::from_key("visibility_private", ""),
            Some(StatusAction::Visibility("private"))
        );
        assert_eq!(StatusAction::from_key("visibility", "direct"), None);
        assert_eq!(StatusAction::from_key("visibility_direct", ""), None);
        assert_eq!(StatusAction::from_key("bogus", ""), None);
        assert_eq!(
            StatusAction::Visibility("private").key(),
            "visibility_private"
        );
        assert_eq!(
            StatusAction::SensitiveOn.done(2),
            "Marked 2 statuses as sensitive."
        );
        assert_eq!(
            StatusAction::Visibility("private").done(1),
            "1 status is now followers only."
        );
        assert_eq!(
            StatusAction::Delete.stopped("X", 3, 5, "Not found"),
            "Couldn't delete status #X: Not found. Stopped at 3 of 5; the 2 statuses before it \
             were changed, the rest were not."
        );
        assert_eq!(
            StatusAction::SensitiveOff.stopped("X", 1, 2, "Not found"),
            "Couldn't mark status #X as not sensitive: Not found. Stopped at 1 of 2; nothing was \
             changed."
        );
    }

    #[test]
    fn list_query_round_trips() {
        let q = StatusListQuery::from_search(
            "?instance=Remote.Test&godmode=1&with_reblogs=true&pages=3",
        );
        assert_eq!(q.instance, "remote.test");
        assert!(q.godmode && q.with_reblogs && !q.local_only);
        assert_eq!(q.pages, 3);
        assert_eq!(StatusListQuery::from_search(&q.to_search()), q);
        assert_eq!(StatusListQuery::default().href(), "/admin/statuses");
        assert_eq!(StatusListQuery::from_search("pages=999").pages, MAX_PAGES);
        assert_eq!(StatusListQuery::from_search("pages=-2").pages, 1);
        let local = StatusListQuery::from_search("instance=x.test&local_only=on");
        assert!(local.instance.is_empty() && local.local_only);
        assert_eq!(q.more().pages, 4);
    }

    #[test]
    fn counters_from_stats() {
        let c = VisibilityCounts::from_stats(
            &json!({"status_visibility": {"public": 3, "unlisted": 1, "private": 0, "direct": 2}}),
        );
        assert_eq!(c.entries()[0], ("Public", 3));
        assert_eq!(c.direct, 2);
    }

    #[test]
    fn report_line() {
        let line = ReportLine::from_report(&json!({
            "id": "R1", "state": "open", "created_at": "2024-01-01T00:00:00.000Z",
            "account": {"id": "A", "nickname": "bad@remote.test"}, "actor": {},
            "content": "spam &amp; <b>more</b>",
        }))
        .unwrap();
        assert_eq!(line.reported, "@bad@remote.test");
        assert_eq!(line.reporter, "(deleted account)");
        assert_eq!(line.excerpt, "spam & more");
        assert_eq!(line.href(), "/admin/reports/R1");
    }
}
